/* pty_board.c — a pretend board for the hil tests: opens a pseudo-terminal
 * pair, prints the slave's path on stdout, then plays a script into the
 * master side as a board would print on its UART. The hil runner opens the
 * slave like any serial port.
 *
 * usage: pty_board SCRIPT
 * Script lines (one command each; '#' starts a comment line):
 *   line TEXT      TEXT followed by "\r\n" (what Serial.println sends)
 *   raw HEX        the bytes HEX
 *   noise N        N bytes as text sent at 9600 baud looks when read at
 *                  115200: mostly 0x00, 0x80, 0xE0..0xFF (fixed sequence)
 *   long N C       a line of N times the character C, then "\r\n"
 *   drain          wait until the reader has taken everything written
 *   sleep MS       wait MS milliseconds
 *   close          drain, then close the master: the reader sees the port
 *                  vanish; the program ends
 * At the end of the script the master is closed as by "close" but without
 * draining first.
 */
#include <errno.h>
#include <pty.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

static int master = -1, slave = -1;

static void put(const void *buf, size_t n)
{
    const char *p = buf;
    while (n) {
        ssize_t w = write(master, p, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            perror("pty_board: write");
            exit(3);
        }
        p += w;
        n -= (size_t)w;
    }
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Waits until the input queue of the slave is empty (the reader took it),
 * at most 20 s. The kernel moves written bytes into that queue a moment
 * later (the tty flip buffer is pushed by a work queue), so first give it
 * time, then ask for an empty queue several times in a row. */
static void drain(void)
{
    sleep_ms(30);
    int empty = 0;
    for (int i = 0; i < 20000; i++) {
        int q = 0;
        if (ioctl(slave, TIOCINQ, &q) != 0)
            return;
        empty = q == 0 ? empty + 1 : 0;
        if (empty == 5)
            return;
        sleep_ms(2);
    }
    fprintf(stderr, "pty_board: nobody reads the pty\n");
    exit(4);
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: pty_board SCRIPT\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "r");
    if (!f) {
        perror(argv[1]);
        return 2;
    }
    char name[256];
    if (openpty(&master, &slave, name, NULL, NULL) != 0) {
        perror("pty_board: openpty");
        return 3;
    }
    /* Raw on the slave: no echo back into the master, no line editing. */
    struct termios t;
    tcgetattr(slave, &t);
    cfmakeraw(&t);
    tcsetattr(slave, TCSANOW, &t);
    printf("%s\n", name);
    fflush(stdout);

    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    unsigned lcg = 12345;
    while ((n = getline(&line, &cap, f)) >= 0) {
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = 0;
        if (n == 0 || line[0] == '#')
            continue;
        if (!strncmp(line, "line ", 5) || !strcmp(line, "line")) {
            put(line + (n > 4 ? 5 : 4), strlen(line + (n > 4 ? 5 : 4)));
            put("\r\n", 2);
        } else if (!strncmp(line, "raw ", 4)) {
            for (char *p = line + 4; *p;) {
                if (*p == ' ') {
                    p++;
                    continue;
                }
                int a = hexval(p[0]), b = p[1] ? hexval(p[1]) : -1;
                if (a < 0 || b < 0) {
                    fprintf(stderr, "pty_board: bad hex in '%s'\n", line);
                    return 2;
                }
                unsigned char c = (unsigned char)(a << 4 | b);
                put(&c, 1);
                p += 2;
            }
        } else if (!strncmp(line, "noise ", 6)) {
            static const unsigned char looks[] = {0x00, 0x80, 0xE0, 0xF0, 0xF8, 0xFC,
                                                  0xFE, 0xFF, 0x1E, 0x9E, 0x78, 0x06};
            long count = atol(line + 6);
            for (long i = 0; i < count; i++) {
                lcg = lcg * 1103515245u + 12345u;
                unsigned char c = looks[(lcg >> 16) % sizeof looks];
                put(&c, 1);
            }
        } else if (!strncmp(line, "long ", 5)) {
            long count = 0;
            char c = 'A';
            if (sscanf(line + 5, "%ld %c", &count, &c) < 1) {
                fprintf(stderr, "pty_board: bad '%s'\n", line);
                return 2;
            }
            for (long i = 0; i < count; i++)
                put(&c, 1);
            put("\r\n", 2);
        } else if (!strcmp(line, "drain")) {
            drain();
        } else if (!strncmp(line, "sleep ", 6)) {
            sleep_ms(atol(line + 6));
        } else if (!strcmp(line, "close")) {
            drain();
            sleep_ms(50);
            break;
        } else {
            fprintf(stderr, "pty_board: unknown command '%s'\n", line);
            return 2;
        }
    }
    free(line);
    fclose(f);
    close(master);
    close(slave);
    return 0;
}
