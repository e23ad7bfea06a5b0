/* sim_air.h — the air between the node and the network, minimal: every
 * transmission reaches one simulated gateway when it ends (a gateway_rx
 * event with a seeded RSSI/SNR), which hands it to a pluggable network
 * server; the network server may answer with a downlink that the air offers
 * to the node's radio at the instant it starts (sx1276_offer_frame). Nothing
 * arrives in a receive window unless a network server sends it.
 *
 * Ownership: sim_air_new copies the config; the sink, scheduler and offer
 * target must outlive the air. */
#ifndef LORAHIL_SIM_AIR_H
#define LORAHIL_SIM_AIR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "events/events.h"
#include "sim/sim_sched.h"
#include "sim/sx1276.h"

/* A network server: sees each uplink a gateway heard (end_ns = end of the
 * frame) and may fill *down (payload into buf, at most cap bytes) to send a
 * downlink. Returns 1 to send, 0 not to. */
typedef int (*sim_air_ns_fn)(void *ctx, const ev_gateway_rx *up, uint64_t end_ns,
                             sx1276_air_frame *down, uint8_t *buf, size_t cap);

typedef struct sim_air_cfg {
    uint64_t seed;
    double rssi_dbm;            /* mean RSSI at the gateway */
    double rssi_sd_db;          /* its standard deviation */
    double snr_db, snr_sd_db;
    double downlink_rssi_dbm;   /* what the node hears */
    double downlink_snr_db;
    const char *gateway;        /* gateway id in events */
    sim_air_ns_fn ns;           /* NULL: no network server */
    void *ns_ctx;
    void (*offer)(void *ctx, const sx1276_air_frame *f);
    void *offer_ctx;
} sim_air_cfg;

typedef struct sim_air sim_air;

sim_air *sim_air_new(const sim_air_cfg *cfg, sim_sched *sched, const ev_sink *out);
void sim_air_free(sim_air *a);

/* The node's radio started transmitting (the model's tx_started hook). */
void sim_air_tx(sim_air *a, const ev_radio_tx *tx, uint64_t start_ns, int node);

/* True when two LoRa frames collide as the SX1276 model's co_channel()
 * counts it: same SF and bandwidth, centre frequencies less than a bandwidth
 * apart, overlapping times on air (each starting at *_start_ns, lasting its
 * toa_ns). The gateway still reports a frame that collided with another
 * node's, but first emits a radio_unmodelled fault naming the collision
 * (capture between LoRa frames is not modelled; see sim_air.c). */
bool sim_air_co_channel(const ev_radio_tx *x, uint64_t x_start_ns, const ev_radio_tx *y,
                        uint64_t y_start_ns);

/* Another node's radio started transmitting (its own air reports it): kept
 * only so this gateway can tell when one of its node's frames collided with
 * it. */
void sim_air_heard(sim_air *a, const ev_radio_tx *tx, uint64_t start_ns, int node);

/* Frames heard and downlinks sent so far. */
unsigned sim_air_uplinks(const sim_air *a);
unsigned sim_air_downlinks(const sim_air *a);

#endif
