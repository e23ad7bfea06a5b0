/* udp_gw.c — a pretend packet forwarder for the hil tests: sends datagrams
 * to the listener and prints what comes back.
 *
 * usage: udp_gw HOST PORT FILE...
 * Each FILE is one datagram, written as text so it can be reviewed:
 *   # comment
 *   hex: 02 12 34 00 ...     bytes in hex (spaces ignored)
 *   text: {"rxpk":[...]}     bytes as written, up to the end of the line
 * Lines are concatenated in order. For each file, one line on stdout:
 * "reply <hex>" with the answer received within 2 s, or "no reply".
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static size_t load(const char *path, unsigned char *buf, size_t cap)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        perror(path);
        exit(2);
    }
    size_t len = 0;
    char *line = NULL;
    size_t lcap = 0;
    ssize_t n;
    while ((n = getline(&line, &lcap, f)) >= 0) {
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = 0;
        if (!strncmp(line, "hex:", 4)) {
            for (char *p = line + 4; *p;) {
                if (*p == ' ' || *p == '\t') {
                    p++;
                    continue;
                }
                int a = hexval(p[0]), b = p[1] ? hexval(p[1]) : -1;
                if (a < 0 || b < 0 || len == cap) {
                    fprintf(stderr, "udp_gw: %s: bad hex line\n", path);
                    exit(2);
                }
                buf[len++] = (unsigned char)(a << 4 | b);
                p += 2;
            }
        } else if (!strncmp(line, "text: ", 6)) {
            size_t l = strlen(line + 6);
            if (len + l > cap) {
                fprintf(stderr, "udp_gw: %s: too long\n", path);
                exit(2);
            }
            memcpy(buf + len, line + 6, l);
            len += l;
        } else if (n && line[0] != '#') {
            fprintf(stderr, "udp_gw: %s: unknown line '%s'\n", path, line);
            exit(2);
        }
    }
    free(line);
    fclose(f);
    return len;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: udp_gw HOST PORT FILE...\n");
        return 2;
    }
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_DGRAM}, *ai;
    if (getaddrinfo(argv[1], argv[2], &hints, &ai) != 0) {
        fprintf(stderr, "udp_gw: cannot resolve %s\n", argv[1]);
        return 2;
    }
    int fd = socket(ai->ai_family, SOCK_DGRAM, 0);
    if (fd < 0 || connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
        perror("udp_gw: socket");
        return 3;
    }
    freeaddrinfo(ai);
    static unsigned char buf[65536];
    for (int i = 3; i < argc; i++) {
        size_t len = load(argv[i], buf, sizeof buf);
        if (send(fd, buf, len, 0) != (ssize_t)len) {
            perror("udp_gw: send");
            return 3;
        }
        struct pollfd p = {fd, POLLIN, 0};
        if (poll(&p, 1, 2000) == 1 && (p.revents & POLLIN)) {
            unsigned char r[512];
            ssize_t n = recv(fd, r, sizeof r, 0);
            if (n < 0) {
                printf("no reply\n");
                continue;
            }
            printf("reply ");
            for (ssize_t k = 0; k < n; k++)
                printf("%02X", r[k]);
            printf("\n");
        } else {
            printf("no reply\n");
        }
        fflush(stdout);
    }
    close(fd);
    return 0;
}
