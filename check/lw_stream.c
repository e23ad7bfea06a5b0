/* lw_stream.c — verdicts for a stream of events (see lw_stream.h). */
#include "lw_stream.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lw_toa.h"

struct lws_state {
    lws_config cfg;
    lw_keys keys;
    bool have_keys;
    lw_fcnt_state fcnt;
    lw_fcnt_state fcnt_down;    /* FCntDown: its own counter (spec 4.3.1.5) */
    lw_duty duty;
    lws_totals t;
    bool started;
};

lws_state *lws_new(const lws_config *cfg)
{
    lws_state *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->cfg = *cfg;
    if (cfg->keys) {
        s->keys = *cfg->keys;
        s->have_keys = true;
    }
    s->cfg.keys = NULL;     /* never keep the caller's pointer */
    s->fcnt.have_last = cfg->have_fcnt_last;
    s->fcnt.last = cfg->fcnt_last;
    s->fcnt_down.have_last = cfg->have_fcnt_down_last;
    s->fcnt_down.last = cfg->fcnt_down_last;
    lw_duty_init(&s->duty);
    return s;
}

void lws_free(lws_state *s)
{
    if (!s)
        return;
    lw_duty_free(&s->duty);
    memset(&s->keys, 0, sizeof s->keys);
    free(s);
}

static void verdict(lws_state *s, const ev_sink *out, uint64_t t_ns, int node, int frame,
                    const char *check, bool ok, const char *detail)
{
    if (!ok)
        s->t.verdicts_failed++;
    ev_event ev = {.type = EV_VERDICT, .t_ns = t_ns, .node = node};
    ev.u.verdict = (ev_verdict){.check = check, .ok = ok, .detail = detail, .frame = frame};
    ev_emit(out, &ev);
}

static void hex(const uint8_t *p, size_t n, char *out, size_t cap)
{
    static const char d[] = "0123456789ABCDEF";
    size_t o = 0;
    for (size_t i = 0; i < n && o + 3 <= cap; i++) {
        out[o++] = d[p[i] >> 4];
        out[o++] = d[p[i] & 15];
    }
    out[o < cap ? o : cap - 1] = 0;
}

/* check names per direction: a downlink's verdicts must not read as an
 * uplink's (reports and the existing uplink names stay as they were) */
typedef struct lws_names {
    const char *parse, *devaddr, *mic, *fcnt, *decrypt, *mac;
} lws_names;
static const lws_names up_names = {"parse", "devaddr", "mic", "fcnt", "decrypt", "mac"};
static const lws_names down_names = {"downlink_parse", "downlink_devaddr", "downlink_mic",
                                     "downlink_fcnt", "downlink_decrypt", "downlink_mac"};

/* Verdicts for one frame; returns lw_verify's result (0 passed, 1 a check
 * failed, -1 not parsed). */
static int check_frame(lws_state *s, const ev_event *in, const ev_sink *out,
                       const uint8_t *payload, size_t len, int frame, bool down)
{
    const lws_names *nm = down ? &down_names : &up_names;
    lw_result r;
    char d[LW_MAX_FRAME * 2 + 64];
    int rc = lw_verify(&s->keys, down ? &s->fcnt_down : &s->fcnt, payload, len, &r);
    if (rc < 0) {
        verdict(s, out, in->t_ns, in->node, frame, nm->parse, false, r.detail);
        return rc;
    }
    const lw_frame *f = &r.frame;
    if (r.devaddr_ok)
        snprintf(d, sizeof d, "DevAddr %08X", (unsigned)f->devaddr);
    else
        snprintf(d, sizeof d, "DevAddr %08X is not the session's %08X", (unsigned)f->devaddr,
                 (unsigned)s->keys.devaddr);
    verdict(s, out, in->t_ns, in->node, frame, nm->devaddr, r.devaddr_ok, d);

    if (r.mic_ok)
        snprintf(d, sizeof d, "MIC %08X", (unsigned)f->mic);
    else
        snprintf(d, sizeof d, "MIC %08X on the wire, expected %08X with the NwkSKey",
                 (unsigned)f->mic, (unsigned)r.mic_expected);
    verdict(s, out, in->t_ns, in->node, frame, nm->mic, r.mic_ok, d);

    bool fcnt_ok = r.fcnt_verdict == LW_FCNT_OK || r.fcnt_verdict == LW_FCNT_SKIP;
    snprintf(d, sizeof d, "FCnt %u (%s)", (unsigned)r.fcnt, lw_fcnt_verdict_name(r.fcnt_verdict));
    verdict(s, out, in->t_ns, in->node, frame, nm->fcnt, fcnt_ok, d);

    if (f->fport < 0)
        snprintf(d, sizeof d, "no FPort, no FRMPayload");
    else {
        int k = snprintf(d, sizeof d, "FPort %d: ", f->fport);
        hex(r.plain, r.plain_len, d + k, sizeof d - (size_t)k);
    }
    /* AES-CTR cannot tell a wrong key from a right one: the decryption is
     * only trusted when the MIC (same session) verified */
    verdict(s, out, in->t_ns, in->node, frame, nm->decrypt, r.mic_ok, d);

    if (f->foptslen || f->fport == 0 || !r.mac_ok)
        verdict(s, out, in->t_ns, in->node, frame, nm->mac, r.mac_ok,
                r.mac_ok ? "MAC commands decode" : r.detail);
    return rc;
}

static void check_uplink(lws_state *s, const ev_event *in, const ev_sink *out,
                         const uint8_t *payload, size_t len, int frame)
{
    if (check_frame(s, in, out, payload, len, frame, false) == 0)
        s->t.verified++;
    else
        s->t.failed++;
}

/* A frame the node's radio received in a receive window. One whose MHDR
 * says uplink (Join Request, Unconfirmed/Confirmed Data Up) is another
 * device's transmission the radio happened to hear, not a downlink. */
static void check_downlink(lws_state *s, const ev_event *in, const ev_sink *out)
{
    const ev_radio_rx_window *w = &in->u.rxw;
    if (!w->result || strcmp(w->result, "rx") != 0 || !w->payload || !w->len)
        return;
    lw_mtype mt = (lw_mtype)(w->payload[0] >> 5);
    if (mt == LW_JOIN_REQUEST || mt == LW_UNCONFIRMED_UP || mt == LW_CONFIRMED_UP)
        return;
    s->t.downlinks++;
    if (!s->have_keys)
        return;
    if (check_frame(s, in, out, w->payload, w->len, -1, true) == 0)
        s->t.downlinks_verified++;
    else
        s->t.downlinks_failed++;
}

static void check_duty(lws_state *s, const ev_event *in, const ev_sink *out, uint32_t freq_hz,
                       uint64_t start_ns, uint64_t toa_ns, int frame)
{
    char d[160];
    if (freq_hz == 0 || toa_ns == 0) {
        s->t.duty_unchecked++;
        return;
    }
    int b = lw_duty_band_of(freq_hz);
    if (b < 0) {
        s->t.out_of_band++;
        s->t.out_of_band_airtime_ns += toa_ns;
        s->t.duty_violations++;
        snprintf(d, sizeof d, "%.3f MHz is in no EU863-870 sub-band", freq_hz / 1e6);
        verdict(s, out, in->t_ns, in->node, frame, "duty_cycle", false, d);
        return;
    }
    const lw_duty_band_def *def = lw_duty_band(b);
    uint64_t wait = 0;
    bool bad = lw_duty_would_violate(&s->duty, start_ns, freq_hz, &wait);
    lw_duty_record(&s->duty, start_ns, freq_hz, toa_ns);
    lws_band_use *u = &s->t.band[b];
    u->used = true;
    u->frames++;
    u->airtime_ns += toa_ns;
    if (bad) {
        u->violations++;
        s->t.duty_violations++;
        snprintf(d, sizeof d, "%s (%s): sent %.3f s too early, inside the time-off of the "
                 "previous transmission", def->name, def->duty, wait / 1e9);
    } else {
        snprintf(d, sizeof d, "%s (%s)", def->name, def->duty);
    }
    verdict(s, out, in->t_ns, in->node, frame, "duty_cycle", !bad, d);
}

void lws_feed(lws_state *s, const ev_event *in, const ev_sink *out)
{
    if (!s || !in)
        return;
    if (!s->started && in->type != EV_RUN_START) {
        s->started = true;
        s->t.start_ns = in->t_ns;
    }
    if (in->t_ns > s->t.end_ns)
        s->t.end_ns = in->t_ns;
    switch (in->type) {
    case EV_RUN_START:
        s->started = true;
        s->t.start_ns = in->t_ns;
        s->t.end_ns = in->t_ns;
        break;
    case EV_FAULT:
        s->t.faults++;
        break;
    case EV_RADIO_TX:
        if (s->cfg.source != LWS_FROM_RADIO_TX)
            break;
        {
            int frame = (int)s->t.frames++;
            if (s->have_keys)
                check_uplink(s, in, out, in->u.tx.payload, in->u.tx.len, frame);
            check_duty(s, in, out, in->u.tx.freq_hz, in->t_ns, in->u.tx.toa_ns, frame);
        }
        break;
    case EV_GATEWAY_RX:
        if (s->cfg.source != LWS_FROM_GATEWAY_RX)
            break;
        {
            int frame = (int)s->t.frames++;
            const ev_gateway_rx *g = &in->u.gw;
            if (s->have_keys)
                check_uplink(s, in, out, g->payload, g->len, frame);
            /* a gateway reports the end of the frame: its start and length
             * follow from the usual LoRaWAN uplink settings */
            lw_modem m = {.sf = g->sf, .bw_hz = g->bw_hz, .cr = g->cr ? g->cr : 5,
                          .preamble = 8, .crc = true,
                          .ldro = lw_ldro_required(g->sf, g->bw_hz)};
            uint64_t toa = lw_toa_ns(&m, g->len);
            check_duty(s, in, out, g->freq_hz, in->t_ns > toa ? in->t_ns - toa : 0, toa, frame);
        }
        break;
    case EV_RADIO_RX_WINDOW:
        check_downlink(s, in, out);
        break;
    default:
        break;
    }
}

void lws_summary(const lws_state *s, lws_totals *out)
{
    *out = s->t;
}

double lws_band_fraction(const lws_totals *t, int b)
{
    if (b < 0 || b >= LW_DUTY_NBANDS || t->end_ns <= t->start_ns)
        return 0;
    return (double)t->band[b].airtime_ns / (double)(t->end_ns - t->start_ns);
}
