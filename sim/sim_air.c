/* sim_air.c — one gateway and a network-server hook (see sim_air.h). */
#include "sim_air.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim_rng.h"

struct sim_air {
    sim_air_cfg cfg;
    sim_rng rng;
    sim_sched *sched;
    ev_sink out;
    unsigned uplinks, downlinks;
};

/* a frame in flight, copied so the model's buffer can change */
typedef struct flight {
    ev_radio_tx tx;
    int node;
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

static void frame_ends(void *ctx, void *data, uint64_t t_ns)
{
    sim_air *a = ctx;
    flight *fl = data;
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
    size_t n = tx->len < sizeof fl->payload ? tx->len : sizeof fl->payload;
    memcpy(fl->payload, tx->payload, n);
    fl->tx.len = n;
    fl->tx.payload = fl->payload;
    sim_sched_at(a->sched, start_ns + tx->toa_ns, frame_ends, a, fl);
}
