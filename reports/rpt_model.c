/* rpt_model.c — what every report shows, worked out once per run from the
 * events: the frames on air (with the verdicts about them), which RX window
 * followed which transmission and how far it opened from the spec's RX1/RX2
 * instants, and the airtime per EU868 sub-band. */
#include "reports/rpt_int.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* EU868 sub-bands as LoRaMac-node (RegionEU868.c VerifyRfFreq) assigns them
 * from ETSI EN 300 220-2; bounds are inclusive integers in Hz. */
const rpt_subband rpt_eu868_subbands[] = {
    {"863.0-865.0", 863000000, 864999999, 0.001},
    {"865.0-868.0", 865000000, 868000000, 0.01},
    {"868.0-868.6", 868000001, 868600000, 0.01},
    {"868.7-869.2", 868700000, 869200000, 0.001},
    {"869.4-869.65", 869400000, 869650000, 0.10},
    {"869.7-870.0", 869700000, 870000000, 0.01},
};
const size_t rpt_eu868_nsubbands = sizeof rpt_eu868_subbands / sizeof rpt_eu868_subbands[0];

int rpt_subband_of(uint32_t f)
{
    for (size_t i = 0; i < rpt_eu868_nsubbands; i++)
        if (f >= rpt_eu868_subbands[i].lo_hz && f <= rpt_eu868_subbands[i].hi_hz)
            return (int)i;
    return -1;
}

long rpt_split_runs(const rpt_events *e, rpt_span **spans)
{
    size_t n = 0, cap = 4;
    bool cur_has_start = false;
    rpt_span *s = malloc(cap * sizeof *s);
    if (!s)
        return -1;
    for (size_t i = 0; i < e->n; i++) {
        bool is_start = e->ev[i].type == EV_RUN_START;
        /* a run begins at each run_start; events before the first one
         * belong to it */
        if (n == 0 || (is_start && cur_has_start)) {
            if (n == cap) {
                rpt_span *t = realloc(s, 2 * cap * sizeof *t);
                if (!t) {
                    free(s);
                    return -1;
                }
                s = t;
                cap *= 2;
            }
            s[n++] = (rpt_span){i, 0};
            cur_has_start = false;
        }
        if (is_start)
            cur_has_start = true;
        s[n - 1].count++;
    }
    *spans = s;
    return (long)n;
}

int rpt_detail_value(const char *detail, const char *key, char *out, size_t outlen)
{
    size_t kl = strlen(key);
    if (!detail || !kl || !outlen)
        return 0;
    for (const char *p = detail; (p = strstr(p, key)) != NULL; p++) {
        if (p > detail && (isalnum((unsigned char)p[-1]) || p[-1] == '_'))
            continue;
        const char *v = p + kl;
        if (*v != '=' && *v != ':')
            continue;
        v++;
        while (*v == ' ')
            v++;
        size_t n = 0;
        while (v[n] && !strchr(" \t,;()", v[n]))
            n++;
        if (n + 1 > outlen)
            n = outlen - 1;
        memcpy(out, v, n);
        out[n] = 0;
        return 1;
    }
    return 0;
}

static void parse_header(rpt_frame *f)
{
    const uint8_t *b = f->payload;
    f->mtype = f->len ? b[0] >> 5 : -1;
    f->fport = -1;
    if (f->len >= 4)
        f->mic = (uint32_t)b[f->len - 4] << 24 | (uint32_t)b[f->len - 3] << 16 |
                 (uint32_t)b[f->len - 2] << 8 | b[f->len - 1];
    /* data frames: MHDR(1) DevAddr(4) FCtrl(1) FCnt(2) FOpts FPort FRMPayload MIC(4) */
    if (f->mtype >= 2 && f->mtype <= 5 && f->len >= 12) {
        f->parsed = true;
        f->devaddr = (uint32_t)b[1] | (uint32_t)b[2] << 8 | (uint32_t)b[3] << 16 |
                     (uint32_t)b[4] << 24;
        f->fcnt = (uint32_t)b[6] | (uint32_t)b[7] << 8;
        size_t foptslen = b[5] & 0x0F;
        if (8 + foptslen + 4 < f->len)
            f->fport = b[8 + foptslen];
    }
}

static int cmp_frames(const void *a, const void *b)
{
    const rpt_frame *x = a, *y = b;
    if (x->t_ns != y->t_ns)
        return x->t_ns < y->t_ns ? -1 : 1;
    /* stable: TX frames keep their order, received ones come after */
    int xi = x->index >= 0 ? x->index : 1 << 30, yi = y->index >= 0 ? y->index : 1 << 30;
    return xi < yi ? -1 : xi > yi;
}

static bool same_bytes(const uint8_t *a, size_t an, const uint8_t *b, size_t bn)
{
    return an == bn && (an == 0 || memcmp(a, b, an) == 0);
}

static void add_node(rpt_model *m, int node)
{
    size_t i;
    for (i = 0; i < m->nnodes; i++)
        if (m->nodes[i] == node)
            return;
    if (m->nnodes == sizeof m->nodes / sizeof m->nodes[0])
        return;
    for (i = m->nnodes; i > 0 && m->nodes[i - 1] > node; i--)
        m->nodes[i] = m->nodes[i - 1];
    m->nodes[i] = node;
    m->nnodes++;
}

int rpt_model_build(rpt_model *m, const rpt_events *e, rpt_span span, const rpt_opts *opts,
                    char *err, size_t errlen)
{
    memset(m, 0, sizeof *m);
    m->e = e;
    m->span = span;
    if (!(m->arena = rpt_arena_new()))
        goto oom;
    rpt_run_name(e, span, opts, m->name, sizeof m->name);
    const ev_event *ev = e->ev + span.first;
    size_t n = span.count, ntx = 0, ngw = 0, nrxp = 0, nrxw = 0;
    m->t0_ns = n ? ev[0].t_ns : 0;
    for (size_t i = 0; i < n; i++) {
        const ev_event *x = &ev[i];
        uint64_t t = x->t_ns;
        if (t < m->t0_ns)
            m->t0_ns = t;
        add_node(m, x->node);
        switch (x->type) {
        case EV_RADIO_TX:
            ntx++;
            if (t + x->u.tx.toa_ns > t)
                t += x->u.tx.toa_ns;
            break;
        case EV_GATEWAY_RX: ngw++; break;
        case EV_RADIO_RX_WINDOW:
            nrxw++;
            if (x->u.rxw.payload)
                nrxp++;
            if (x->u.rxw.close_ns > t)
                t = x->u.rxw.close_ns;
            break;
        case EV_VERDICT:
            m->nverdicts++;
            if (x->u.verdict.ok)
                m->verdicts_ok++;
            else
                m->verdicts_failed++;
            break;
        case EV_FAULT: m->nfaults++; break;
        case EV_SERIAL_LINE: m->nserial++; break;
        case EV_RUN_START:
            if (!m->start)
                m->start = x;
            break;
        case EV_RUN_END: m->end = x; break;
        default: break;
        }
        if (t > m->t1_ns)
            m->t1_ns = t;
    }

    size_t cap = (ntx ? ntx + nrxp : ngw) + 1;
    m->frames = rpt_arena_alloc(m->arena, cap * sizeof *m->frames);
    m->rx = rpt_arena_alloc(m->arena, (nrxw + 1) * sizeof *m->rx);
    if (!m->frames || !m->rx)
        goto oom;
    memset(m->frames, 0, cap * sizeof *m->frames);
    int idx = 0;
    for (size_t i = 0; i < n; i++) {
        const ev_event *x = &ev[i];
        rpt_frame *f = &m->frames[m->nframes];
        if (ntx && x->type == EV_RADIO_TX) {
            *f = (rpt_frame){.index = idx++, .node = x->node, .t_ns = x->t_ns,
                             .toa_ns = x->u.tx.toa_ns, .freq_hz = x->u.tx.freq_hz,
                             .bw_hz = x->u.tx.bw_hz, .sf = x->u.tx.sf, .cr = x->u.tx.cr,
                             .sync_word = x->u.tx.sync_word, .payload = x->u.tx.payload,
                             .len = x->u.tx.len, .mic_ok = -1};
            /* a gateway that heard this frame gives RSSI and SNR */
            for (size_t j = i + 1; j < n; j++) {
                const ev_event *g = &ev[j];
                if (g->t_ns > x->t_ns + x->u.tx.toa_ns + 1000000000ull)
                    break;
                if (g->type == EV_GATEWAY_RX &&
                    same_bytes(g->u.gw.payload, g->u.gw.len, f->payload, f->len)) {
                    f->have_radio = true;
                    f->rssi_dbm = g->u.gw.rssi_dbm;
                    f->snr_db = g->u.gw.snr_db;
                    break;
                }
            }
            m->nframes++;
        } else if (!ntx && x->type == EV_GATEWAY_RX) {
            *f = (rpt_frame){.index = idx++, .node = x->node, .t_ns = x->t_ns,
                             .freq_hz = x->u.gw.freq_hz, .bw_hz = x->u.gw.bw_hz,
                             .sf = x->u.gw.sf, .cr = x->u.gw.cr, .sync_word = 0x34,
                             .have_radio = true, .rssi_dbm = x->u.gw.rssi_dbm,
                             .snr_db = x->u.gw.snr_db, .payload = x->u.gw.payload,
                             .len = x->u.gw.len, .mic_ok = -1};
            m->nframes++;
        }
    }
    m->nframes_tx = m->nframes;
    if (ntx) {
        for (size_t i = 0; i < n; i++) {
            const ev_event *x = &ev[i];
            if (x->type != EV_RADIO_RX_WINDOW || !x->u.rxw.payload)
                continue;
            bool dup = false;
            for (size_t k = 0; k < m->nframes_tx && !dup; k++)
                dup = same_bytes(m->frames[k].payload, m->frames[k].len, x->u.rxw.payload,
                                 x->u.rxw.len);
            if (dup)
                continue;
            m->frames[m->nframes++] = (rpt_frame){
                .index = -1, .node = x->node, .t_ns = x->u.rxw.open_ns,
                .freq_hz = x->u.rxw.freq_hz, .bw_hz = x->u.rxw.bw_hz, .sf = x->u.rxw.sf,
                .sync_word = 0x34, .received = true, .payload = x->u.rxw.payload,
                .len = x->u.rxw.len, .mic_ok = -1};
        }
    }
    for (size_t k = 0; k < m->nframes; k++)
        parse_header(&m->frames[k]);

    /* verdicts about a frame */
    for (size_t i = 0; i < n; i++) {
        const ev_event *x = &ev[i];
        if (x->type != EV_VERDICT || x->u.verdict.frame < 0 ||
            (size_t)x->u.verdict.frame >= m->nframes_tx)
            continue;
        rpt_frame *f = &m->frames[x->u.verdict.frame]; /* not yet sorted: index == position */
        const char *c = x->u.verdict.check ? x->u.verdict.check : "";
        /* E2EE verdicts count the frames the firmware printed, not radio frames */
        if (!strncmp(c, "e2ee", 4))
            continue;
        const char *d = x->u.verdict.detail;
        if (x->u.verdict.ok)
            f->checks_ok++;
        else
            f->checks_failed++;
        if (!strncmp(c, "mic", 3))
            f->mic_ok = f->mic_ok == 0 ? 0 : x->u.verdict.ok;
        char v[520];
        /* check/lw_stream's details: decrypt "FPort 1: 0102..", fcnt "FCnt 7 (ok)" */
        const char *colon = d ? strstr(d, ": ") : NULL;
        if (!strcmp(c, "decrypt") && d && !strncmp(d, "FPort ", 6) && colon && !f->plain_hex) {
            const char *h = colon + 2;
            size_t hl = strspn(h, "0123456789abcdefABCDEF");
            if (hl && !h[hl] && hl < sizeof v) {
                memcpy(v, h, hl + 1);
                if (!(f->plain_hex = rpt_masked_keys(m->arena, v, opts)))
                    goto oom;
            }
        }
        unsigned long long fc32;
        if (!strcmp(c, "fcnt") && d && sscanf(d, "FCnt %llu", &fc32) == 1 && fc32 <= 0xFFFFFFFFull)
            f->fcnt = (uint32_t)fc32;
        static const char *const plain_keys[] = {"plain", "plaintext", "decrypted", "payload"};
        for (size_t k = 0; !f->plain_hex && k < sizeof plain_keys / sizeof *plain_keys; k++)
            if (rpt_detail_value(d, plain_keys[k], v, sizeof v) && *v) {
                if (!(f->plain_hex = rpt_masked_keys(m->arena, v, opts)))
                    goto oom;
            }
        if (rpt_detail_value(d, "fcnt", v, sizeof v)) {
            char *end;
            unsigned long long fc = strtoull(v, &end, 0);
            if (*v && !*end && fc <= 0xFFFFFFFFull)
                f->fcnt = (uint32_t)fc;
        }
    }
    qsort(m->frames, m->nframes, sizeof *m->frames, cmp_frames);

    /* airtime */
    for (size_t k = 0; k < m->nframes; k++) {
        const rpt_frame *f = &m->frames[k];
        if (f->received)
            continue;
        m->toa_ns += f->toa_ns;
        int sb = rpt_subband_of(f->freq_hz);
        if (sb >= 0)
            m->subband_toa_ns[sb] += f->toa_ns;
        else
            m->other_toa_ns += f->toa_ns;
    }

    /* RX windows: which TX they follow, and their opening error */
    for (size_t i = 0; i < n; i++) {
        const ev_event *x = &ev[i];
        if (x->type != EV_RADIO_RX_WINDOW)
            continue;
        rpt_rxwin *w = &m->rx[m->nrx++];
        *w = (rpt_rxwin){.ev = span.first + i, .tx_frame = -1, .slot = RPT_RX_OTHER};
        uint64_t best_end = 0;
        for (size_t k = 0; k < m->nframes; k++) {
            const rpt_frame *f = &m->frames[k];
            uint64_t end = f->t_ns + f->toa_ns;
            if (f->received || f->node != x->node || end > x->u.rxw.open_ns)
                continue;
            if (w->tx_frame < 0 || end >= best_end) {
                w->tx_frame = (int)k;
                best_end = end;
            }
        }
        if (w->tx_frame < 0)
            continue;
        int64_t d = (int64_t)(x->u.rxw.open_ns - best_end);
        const int64_t half = 500000000;
        if (d >= (int64_t)RPT_RX1_DELAY_NS - half && d < (int64_t)RPT_RX1_DELAY_NS + half) {
            w->slot = RPT_RX1;
            w->error_ns = d - (int64_t)RPT_RX1_DELAY_NS;
        } else if (d >= (int64_t)RPT_RX2_DELAY_NS - half &&
                   d < (int64_t)RPT_RX2_DELAY_NS + half) {
            w->slot = RPT_RX2;
            w->error_ns = d - (int64_t)RPT_RX2_DELAY_NS;
        }
    }
    return 0;
oom:
    snprintf(err, errlen, "out of memory building the report");
    rpt_model_free(m);
    return -1;
}

void rpt_model_free(rpt_model *m)
{
    rpt_arena_free(m->arena);
    m->arena = NULL;
    m->frames = NULL;
    m->rx = NULL;
}
