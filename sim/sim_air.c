/* sim_air.c — one gateway and a network-server hook (see sim_air.h). */
#include "sim_air.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim_rng.h"

struct sim_air {
    sim_air_cfg cfg;
    sim_rng rng;
    sim_sched *sched;
    ev_sink out;
    unsigned uplinks, downlinks;
    struct flight *live;        /* uplinks on air now (owned by the scheduler) */
    struct heard *heard;        /* other nodes' frames (sim_air_heard), recent ones */
    size_t nheard, capheard;
};

/* another node's frame, kept only to find collisions */
typedef struct heard {
    ev_radio_tx tx;             /* payload NULL */
    uint64_t start_ns;
    int node;
} heard;

/* Boards run at most 100 us apart in simulated time: a frame that ended a
 * second before a new one started can no longer overlap anything. */
#define HEARD_KEEP_NS 1000000000ull

/* a frame in flight, copied so the model's buffer can change */
typedef struct flight {
    ev_radio_tx tx;
    int node;
    uint64_t start_ns;
    int collided_node;          /* another node whose co-channel frame overlapped, -1 none */
    struct flight *next_live;   /* frames still on air */
    uint8_t payload[256];
} flight;

typedef struct down_flight {
    sx1276_air_frame f;
    uint8_t payload[256];
} down_flight;

sim_air *sim_air_new(const sim_air_cfg *cfg, sim_sched *sched, const ev_sink *out)
{
    sim_air *a = calloc(1, sizeof *a);
    if (!a)
        return NULL;
    a->cfg = *cfg;
    if (!a->cfg.gateway)
        a->cfg.gateway = "sim-gw0";
    a->rng = sim_rng_split(cfg->seed, 0xA1);
    a->sched = sched;
    a->out = *out;
    return a;
}

void sim_air_free(sim_air *a)
{
    if (a)
        free(a->heard);
    free(a);
}

unsigned sim_air_uplinks(const sim_air *a)
{
    return a->uplinks;
}

unsigned sim_air_downlinks(const sim_air *a)
{
    return a->downlinks;
}

static double round_to(double v, double step)
{
    return round(v / step) * step;
}

static void downlink_starts(void *ctx, void *data, uint64_t t_ns)
{
    (void)t_ns;
    sim_air *a = ctx;
    down_flight *d = data;
    d->f.payload = d->payload;
    if (a->cfg.offer)
        a->cfg.offer(a->cfg.offer_ctx, &d->f);
}

/* Same rule as the SX1276 model's co_channel() (sim/sx1276.c): two LoRa
 * frames interfere when they share spreading factor and bandwidth, their
 * centre frequencies are less than a bandwidth apart and their times on air
 * overlap. Different spreading factors are orthogonal (Semtech AN1200.22,
 * "LoRa Modulation Basics", 2.1). What a receiver makes of two co-channel
 * LoRa frames (capture, a CRC error, neither) the SX1276 datasheet does not
 * say (its co-channel rejection CCR_LCW is for a CW tone only), and no
 * gateway figure is modelled either. So the gateway does not pretend: it
 * still reports the frame (gateway_rx, as before) but first emits a
 * radio_unmodelled fault naming the collision, as a node's radio does when
 * it receives such a frame. */
bool sim_air_co_channel(const ev_radio_tx *x, uint64_t x_start_ns, const ev_radio_tx *y,
                        uint64_t y_start_ns)
{
    uint32_t df = x->freq_hz > y->freq_hz ? x->freq_hz - y->freq_hz : y->freq_hz - x->freq_hz;
    return x->sf == y->sf && x->bw_hz == y->bw_hz && df < x->bw_hz &&
           x_start_ns < y_start_ns + y->toa_ns && y_start_ns < x_start_ns + x->toa_ns;
}

static void frame_ends(void *ctx, void *data, uint64_t t_ns)
{
    sim_air *a = ctx;
    flight *fl = data;
    for (flight **p = &a->live; *p; p = &(*p)->next_live)
        if (*p == fl) {
            *p = fl->next_live;
            break;
        }
    if (fl->collided_node >= 0) {
        char detail[240];
        snprintf(detail, sizeof detail,
                 "co-channel collision at the gateway not modelled: the SF%d/%u kHz frame at "
                 "%.3f MHz (on air from %.6f s) overlaps one from node %d with the same SF and "
                 "bandwidth; reported as if alone",
                 fl->tx.sf, (unsigned)(fl->tx.bw_hz / 1000u), fl->tx.freq_hz / 1e6,
                 fl->start_ns / 1e9, fl->collided_node);
        ev_event fe = {.type = EV_FAULT, .t_ns = t_ns, .node = fl->node};
        fe.u.fault = (ev_fault){.kind = "radio_unmodelled", .detail = detail};
        ev_emit(&a->out, &fe);
    }
    /* RSSI/SNR as a gateway reports them: 1 dB / 0.25 dB steps */
    double rssi = round_to(a->cfg.rssi_dbm + a->cfg.rssi_sd_db * sim_rng_gauss(&a->rng), 1.0);
    double snr = round_to(a->cfg.snr_db + a->cfg.snr_sd_db * sim_rng_gauss(&a->rng), 0.25);
    ev_event ev = {.type = EV_GATEWAY_RX, .t_ns = t_ns, .node = fl->node};
    ev.u.gw = (ev_gateway_rx){.gateway = a->cfg.gateway, .freq_hz = fl->tx.freq_hz,
                              .sf = fl->tx.sf, .bw_hz = fl->tx.bw_hz, .cr = fl->tx.cr,
                              .rssi_dbm = rssi, .snr_db = snr, .channel = -1,
                              .payload = fl->payload, .len = fl->tx.len};
    a->uplinks++;
    ev_emit(&a->out, &ev);
    if (!a->cfg.ns)
        return;
    down_flight *d = calloc(1, sizeof *d);
    if (!d)
        return;
    if (a->cfg.ns(a->cfg.ns_ctx, &ev.u.gw, t_ns, &d->f, d->payload, sizeof d->payload) != 1 ||
        d->f.len > sizeof d->payload) {
        free(d);
        return;
    }
    d->f.rssi_dbm = a->cfg.downlink_rssi_dbm;
    d->f.snr_db = a->cfg.downlink_snr_db;
    a->downlinks++;
    /* offer it a little before its preamble starts: the model schedules it */
    uint64_t when = d->f.start_ns > t_ns ? d->f.start_ns - 1 : t_ns;
    sim_sched_at(a->sched, when, downlink_starts, a, d);
}

void sim_air_tx(sim_air *a, const ev_radio_tx *tx, uint64_t start_ns, int node)
{
    flight *fl = malloc(sizeof *fl);
    if (!fl)
        return;
    fl->tx = *tx;
    fl->node = node;
    fl->start_ns = start_ns;
    fl->collided_node = -1;
    fl->next_live = NULL;
    size_t n = tx->len < sizeof fl->payload ? tx->len : sizeof fl->payload;
    memcpy(fl->payload, tx->payload, n);
    fl->tx.len = n;
    fl->tx.payload = fl->payload;
    for (size_t i = 0; i < a->nheard && fl->collided_node < 0; i++)
        if (a->heard[i].node != node &&
            sim_air_co_channel(&a->heard[i].tx, a->heard[i].start_ns, &fl->tx, start_ns))
            fl->collided_node = a->heard[i].node;
    if (sim_sched_at(a->sched, start_ns + tx->toa_ns, frame_ends, a, fl) != 0)
        return;  /* the scheduler freed it */
    fl->next_live = a->live;
    a->live = fl;
}

void sim_air_heard(sim_air *a, const ev_radio_tx *tx, uint64_t start_ns, int node)
{
    for (flight *o = a->live; o; o = o->next_live)
        if (o->collided_node < 0 && o->node != node &&
            sim_air_co_channel(&o->tx, o->start_ns, tx, start_ns))
            o->collided_node = node;
    /* forget frames long over, then keep this one for frames still to start */
    size_t k = 0;
    for (size_t i = 0; i < a->nheard; i++)
        if (a->heard[i].start_ns + a->heard[i].tx.toa_ns + HEARD_KEEP_NS > start_ns)
            a->heard[k++] = a->heard[i];
    a->nheard = k;
    if (a->nheard == a->capheard) {
        size_t cap = a->capheard ? 2 * a->capheard : 8;
        heard *h = realloc(a->heard, cap * sizeof *h);
        if (!h)
            return;  /* out of memory: this frame goes unchecked */
        a->heard = h;
        a->capheard = cap;
    }
    heard *h = &a->heard[a->nheard++];
    h->tx = *tx;
    h->tx.payload = NULL;
    h->tx.len = 0;
    h->start_ns = start_ns;
    h->node = node;
}
