/* gw_udp.c — the packet-forwarder socket (see gw_udp.h). */
#include "hil/gw_udp.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check/lw_util.h"

struct gw_udp {
    int fd;
    struct sockaddr_storage peer;
    socklen_t peerlen;
};

int gw_udp_parse_url(const char *url, char *host, size_t hostlen, unsigned *port, char *err,
                     size_t errlen)
{
    const char *s = url;
    if (!strncmp(s, "udp://", 6))
        s += 6;
    else if (strstr(s, "://")) {
        lw_errf(err, errlen, "gateway '%s': only udp:// is supported", url);
        return -1;
    }
    const char *colon;
    const char *h = s;
    size_t hl;
    if (*s == '[') {
        const char *close = strchr(s, ']');
        if (!close || close[1] != ':') {
            lw_errf(err, errlen, "gateway '%s': expected [IPv6]:PORT", url);
            return -1;
        }
        h = s + 1;
        hl = (size_t)(close - h);
        colon = close + 1;
    } else {
        colon = strrchr(s, ':');
        if (!colon) {
            lw_errf(err, errlen, "gateway '%s': expected HOST:PORT, e.g. udp://127.0.0.1:1700", url);
            return -1;
        }
        hl = (size_t)(colon - s);
    }
    if (hl == 0 || hl >= hostlen) {
        lw_errf(err, errlen, "gateway '%s': bad host", url);
        return -1;
    }
    memcpy(host, h, hl);
    host[hl] = 0;
    char *end;
    errno = 0;
    unsigned long p = strtoul(colon + 1, &end, 10);
    if (errno || end == colon + 1 || *end || p > 65535) {
        lw_errf(err, errlen, "gateway '%s': bad port '%s' (0..65535)", url, colon + 1);
        return -1;
    }
    *port = (unsigned)p;
    return 0;
}

static void addr_text(const struct sockaddr *sa, char *out, size_t outlen)
{
    char h[INET6_ADDRSTRLEN] = "?";
    unsigned port = 0;
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *a = (const struct sockaddr_in *)sa;
        inet_ntop(AF_INET, &a->sin_addr, h, sizeof h);
        port = ntohs(a->sin_port);
        snprintf(out, outlen, "%s:%u", h, port);
    } else if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)sa;
        inet_ntop(AF_INET6, &a->sin6_addr, h, sizeof h);
        port = ntohs(a->sin6_port);
        snprintf(out, outlen, "[%s]:%u", h, port);
    } else {
        snprintf(out, outlen, "?");
    }
}

int gw_udp_open(const char *url, gw_udp **out, char *bound, size_t boundlen, char *err,
                size_t errlen)
{
    *out = NULL;
    char host[256];
    unsigned port;
    if (gw_udp_parse_url(url, host, sizeof host, &port, err, errlen) != 0)
        return -1;
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_DGRAM,
                             .ai_flags = AI_PASSIVE | AI_NUMERICSERV};
    struct addrinfo *ai = NULL;
    char ps[8];
    snprintf(ps, sizeof ps, "%u", port);
    int rc = getaddrinfo(host, ps, &hints, &ai);
    if (rc != 0) {
        lw_errf(err, errlen, "gateway '%s': cannot resolve '%s': %s", url, host, gai_strerror(rc));
        return -1;
    }
    int fd = socket(ai->ai_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        lw_errf(err, errlen, "gateway '%s': socket: %s", url, strerror(errno));
        freeaddrinfo(ai);
        return -1;
    }
    if (bind(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
        lw_errf(err, errlen, "gateway '%s': cannot listen: %s%s", url, strerror(errno),
                errno == EADDRINUSE ? " (another network server or lorahil on that port?)" : "");
        close(fd);
        freeaddrinfo(ai);
        return -1;
    }
    freeaddrinfo(ai);
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0 && bound) {
        char a[96];
        addr_text((struct sockaddr *)&ss, a, sizeof a);
        snprintf(bound, boundlen, "udp://%s", a);
    }
    gw_udp *g = calloc(1, sizeof *g);
    if (!g) {
        close(fd);
        lw_errf(err, errlen, "out of memory");
        return -1;
    }
    g->fd = fd;
    *out = g;
    return 0;
}

int gw_udp_fd(const gw_udp *g)
{
    return g ? g->fd : -1;
}

long gw_udp_recv(gw_udp *g, uint8_t *buf, size_t cap, char *from, size_t fromlen, char *err,
                 size_t errlen)
{
    g->peerlen = sizeof g->peer;
    ssize_t n = recvfrom(g->fd, buf, cap, MSG_TRUNC, (struct sockaddr *)&g->peer, &g->peerlen);
    if (n < 0) {
        g->peerlen = 0;
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
            return 0;
        lw_errf(err, errlen, "gateway socket: %s", strerror(errno));
        return -1;
    }
    if (from)
        addr_text((struct sockaddr *)&g->peer, from, fromlen);
    if ((size_t)n > cap) {
        lw_errf(err, errlen, "datagram of %zd bytes is larger than %zu", n, cap);
        return -2;
    }
    return (long)n;
}

int gw_udp_reply(gw_udp *g, const uint8_t *buf, size_t len, char *err, size_t errlen)
{
    if (!g->peerlen) {
        lw_errf(err, errlen, "no gateway to reply to");
        return -1;
    }
    if (sendto(g->fd, buf, len, 0, (struct sockaddr *)&g->peer, g->peerlen) != (ssize_t)len) {
        lw_errf(err, errlen, "cannot answer the gateway: %s", strerror(errno));
        return -1;
    }
    return 0;
}

void gw_udp_close(gw_udp *g)
{
    if (!g)
        return;
    close(g->fd);
    free(g);
}
