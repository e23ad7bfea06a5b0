/* gw_udp.h — the UDP socket a Semtech packet forwarder talks to (the
 * "server_address"/"serv_port_up" of its global_conf.json). Non-blocking;
 * the hil runner poll()s gw_udp_fd(). No printing. */
#ifndef LORAHIL_GW_UDP_H
#define LORAHIL_GW_UDP_H

#include <stddef.h>
#include <stdint.h>

typedef struct gw_udp gw_udp;

/* Splits "udp://HOST:PORT" ("udp://127.0.0.1:1700", "udp://[::1]:1700",
 * "udp://0.0.0.0:1700"; the "udp://" is optional, PORT 0 picks a free one).
 * Returns 0 or -1 with a message naming the part that is wrong. */
int gw_udp_parse_url(const char *url, char *host, size_t hostlen, unsigned *port, char *err,
                     size_t errlen);

/* Binds a UDP socket to url. `bound` receives "udp://HOST:PORT" with the
 * real port. Returns 0 or -1 with a message. */
int gw_udp_open(const char *url, gw_udp **out, char *bound, size_t boundlen, char *err,
                size_t errlen);
int gw_udp_fd(const gw_udp *g);

/* Receives one datagram if one is waiting. Returns its length, 0 when none
 * (or an empty datagram), -1 on a socket error, -2 when the datagram was
 * longer than cap (dropped, message set). The sender is remembered
 * for gw_udp_reply(). `from` receives "HOST:PORT" of the sender. */
long gw_udp_recv(gw_udp *g, uint8_t *buf, size_t cap, char *from, size_t fromlen, char *err,
                 size_t errlen);

/* Sends buf to the sender of the last datagram received. Returns 0 or -1. */
int gw_udp_reply(gw_udp *g, const uint8_t *buf, size_t len, char *err, size_t errlen);

void gw_udp_close(gw_udp *g);

#endif
