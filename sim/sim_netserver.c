/* sim_netserver.c — ACKs confirmed uplinks of one ABP session in RX1 (see
 * sim_netserver.h). */
#include "sim_netserver.h"

#include <stdlib.h>
#include <string.h>

struct sim_ns {
    lw_keys keys;
    lw_fcnt_state up;
    uint32_t fcnt_down;
    sim_ns_downlink queue[SIM_NS_MAX_QUEUE];
    size_t nqueue, next;
};

sim_ns *sim_ns_new(const lw_keys *keys, const sim_ns_downlink *queue, size_t n)
{
    sim_ns *ns = calloc(1, sizeof *ns);
    if (!ns)
        return NULL;
    ns->keys = *keys;
    if (n > SIM_NS_MAX_QUEUE)
        n = SIM_NS_MAX_QUEUE;
    if (n)
        memcpy(ns->queue, queue, n * sizeof *queue);
    ns->nqueue = n;
    return ns;
}

void sim_ns_free(sim_ns *ns)
{
    if (ns)
        memset(&ns->keys, 0, sizeof ns->keys);
    free(ns);
}

int sim_ns_on_uplink(void *ctx, const ev_gateway_rx *up, uint64_t end_ns,
                     sx1276_air_frame *down, uint8_t *buf, size_t cap)
{
    sim_ns *ns = ctx;
    lw_result r;
    if (lw_verify(&ns->keys, &ns->up, up->payload, up->len, &r) != 0)
        return 0;       /* not ours, or failed its checks: a network server drops it */
    bool confirmed = r.frame.mtype == LW_CONFIRMED_UP;
    const sim_ns_downlink *q = ns->next < ns->nqueue ? &ns->queue[ns->next] : NULL;
    if (!confirmed && !q)
        return 0;
    lw_frame_fields f = {.mtype = LW_UNCONFIRMED_DOWN, .fcnt = ns->fcnt_down, .ack = confirmed,
                         .fport = -1};
    if (q) {
        f.fport = q->fport;
        f.payload = q->payload;
        f.len = q->len;
        f.fpending = ns->next + 1 < ns->nqueue;
    }
    char err[128];
    int n = lw_frame_build(&ns->keys, &f, buf, cap, err, sizeof err);
    if (n < 0)
        return 0;
    ns->fcnt_down++;
    if (q)
        ns->next++;
    *down = (sx1276_air_frame){
        .freq_hz = up->freq_hz, .sf = up->sf, .bw_hz = up->bw_hz, .cr = 5,
        .iq_inverted = true, .implicit_header = false, .crc = false,
        .sync_word = 0x34,      /* LoRaWAN public network sync word */
        .preamble = 8, .start_ns = end_ns + SIM_NS_RECEIVE_DELAY1_NS,
        .payload = buf, .len = (size_t)n};
    return 1;
}
