/* sim_netserver.h — the simulated network server behind the gateway
 * (sim_air's network-server hook). It knows one ABP session and answers a
 * confirmed uplink whose MIC verifies with an ACK (an Unconfirmed Data Down
 * with FCtrl.ACK set, no FPort) in RX1: the uplink's frequency, SF and
 * bandwidth (RX1DROffset 0), RECEIVE_DELAY1 = 1 s after the uplink ended,
 * IQ inverted, no payload CRC (LoRaWAN 1.0.x 3.3 and Regional Parameters
 * EU868). Downlinks queued with sim_ns_new (`lorahil sim --downlink`) go
 * out the same way, one after each verified uplink, in order, with
 * FPending set while more wait; an unconfirmed uplink with nothing queued
 * gets no downlink, as from a real network server.
 *
 * Ownership: sim_ns_new copies the keys; free with sim_ns_free. */
#ifndef LORAHIL_SIM_NETSERVER_H
#define LORAHIL_SIM_NETSERVER_H

#include <stddef.h>
#include <stdint.h>

#include "check/lorawan.h"
#include "events/events.h"
#include "sim/sx1276.h"

typedef struct sim_ns sim_ns;

#define SIM_NS_MAX_QUEUE 16
#define SIM_NS_MAX_PAYLOAD 51   /* fits every EU868 data rate (DR0..2: 51 bytes) */

/* An application downlink to send (plaintext; the server encrypts it). */
typedef struct sim_ns_downlink {
    int fport;              /* 1..223 */
    uint8_t payload[SIM_NS_MAX_PAYLOAD];
    size_t len;
} sim_ns_downlink;

/* queue: n (<= SIM_NS_MAX_QUEUE) downlinks to send, copied. */
sim_ns *sim_ns_new(const lw_keys *keys, const sim_ns_downlink *queue, size_t n);
void sim_ns_free(sim_ns *ns);

/* sim_air_ns_fn: ctx is the sim_ns. */
int sim_ns_on_uplink(void *ctx, const ev_gateway_rx *up, uint64_t end_ns,
                     sx1276_air_frame *down, uint8_t *buf, size_t cap);

#define SIM_NS_RECEIVE_DELAY1_NS 1000000000ull

#endif
