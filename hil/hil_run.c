/* hil_run.c — the hil runner's loop: poll() over the node port, the sniffer
 * port and the packet-forwarder socket; bytes become lines, lines and
 * datagrams become events (see hil_run.h for which). */
#include "hil/hil_run.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "check/lw_toa.h"
#include "hil/gw_semtech.h"
#include "hil/gw_udp.h"
#include "hil/hil_lines.h"
#include "hil/serial.h"

typedef struct source {
    const char *name;
    serial_port *port;
    int node;
    bool sniffer;
    hil_lines lines;
    hil_radio sniffer_cfg;      /* from "sniffer:" lines */
    hil_radio tx_info;          /* from a "tx:" line, for the next frame: line */
    bool have_tx_info;
    unsigned lineno;
    unsigned good_lines;        /* lines without non-text bytes */
    unsigned noise_seen;
    bool noise_warned;
    bool got_byte;
    bool lost;
} source;

typedef struct run {
    const hil_config *cfg;
    const ev_sink *sink;
    hil_note_fn note;
    void *note_ctx;
    hil_result *res;
    struct timespec t0;
    source node, snif;
    gw_udp *gw;
    bool stop;                  /* wrong baud: end the run */
    bool pull_noted, push_noted;
} run;

typedef struct line_ctx {
    run *r;
    source *s;
} line_ctx;

static uint64_t elapsed_ns(const run *r)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    int64_t d = (int64_t)(now.tv_sec - r->t0.tv_sec) * 1000000000LL + (now.tv_nsec - r->t0.tv_nsec);
    return d < 0 ? 0 : (uint64_t)d;
}

static void note(run *r, hil_note_level lvl, const char *fmt, ...)
{
    if (!r->note)
        return;
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    r->note(r->note_ctx, lvl, buf);
}

static void emit(run *r, ev_event *ev)
{
    ev->t_ns = elapsed_ns(r);
    ev_emit(r->sink, ev);
}

static void emit_radio_tx(run *r, const source *s, const hil_parsed *p)
{
    ev_event ev = {.type = EV_RADIO_TX, .node = s->node};
    ev_radio_tx *tx = &ev.u.tx;
    const hil_radio *rd = &p->radio;
    tx->payload = p->frame;
    tx->len = p->len;
    if (rd->has_freq)
        tx->freq_hz = rd->freq_hz;
    if (rd->has_power)
        tx->power_dbm = rd->power_dbm;
    if (rd->has_sf)
        tx->sf = rd->sf;
    if (rd->has_bw)
        tx->bw_hz = rd->bw_hz;
    if (rd->has_cr)
        tx->cr = rd->cr;
    if (rd->has_sf && rd->has_bw) {
        /* What LoRaWAN fixes for every uplink (Regional Parameters). */
        tx->cr = rd->has_cr ? rd->cr : 5;
        tx->preamble = 8;
        tx->crc = true;
        tx->iq_inverted = false;
        tx->implicit_header = false;
        tx->sync_word = 0x34;
        tx->ldro = lw_ldro_required(rd->sf, rd->bw_hz);
        lw_modem m = {.sf = rd->sf, .bw_hz = rd->bw_hz, .cr = tx->cr, .preamble = 8,
                      .implicit_header = false, .crc = true, .ldro = tx->ldro};
        tx->toa_ns = lw_toa_ns(&m, p->len);
    }
    emit(r, &ev);
}

static void emit_sniffer_rx(run *r, const source *s, const hil_parsed *p)
{
    const hil_radio *rd = &p->radio, *cf = &s->sniffer_cfg;
    ev_event ev = {.type = EV_GATEWAY_RX, .node = 0};
    ev_gateway_rx *g = &ev.u.gw;
    g->gateway = "sniffer";
    g->freq_hz = rd->has_freq ? rd->freq_hz : cf->has_freq ? cf->freq_hz : 0;
    g->sf = rd->has_sf ? rd->sf : cf->has_sf ? cf->sf : 0;
    g->bw_hz = rd->has_bw ? rd->bw_hz : cf->has_bw ? cf->bw_hz : 0;
    g->cr = rd->has_cr ? rd->cr : cf->has_cr ? cf->cr : 0;
    g->rssi_dbm = rd->rssi_dbm;
    g->snr_db = rd->snr_db;
    g->channel = rd->has_chan ? rd->chan : -1;
    g->payload = p->frame;
    g->len = p->len;
    emit(r, &ev);
}

/* Settings the frame: line itself lacks, taken from the tx: line before. */
static void merge_radio(hil_radio *dst, const hil_radio *src)
{
    if (!dst->has_freq && src->has_freq) {
        dst->has_freq = true;
        dst->freq_hz = src->freq_hz;
    }
    if (!dst->has_sf && src->has_sf) {
        dst->has_sf = true;
        dst->sf = src->sf;
    }
    if (!dst->has_bw && src->has_bw) {
        dst->has_bw = true;
        dst->bw_hz = src->bw_hz;
    }
    if (!dst->has_cr && src->has_cr) {
        dst->has_cr = true;
        dst->cr = src->cr;
    }
    if (!dst->has_power && src->has_power) {
        dst->has_power = true;
        dst->power_dbm = src->power_dbm;
    }
}

static void on_line(void *ctx, const hil_line *line)
{
    line_ctx *lc = ctx;
    run *r = lc->r;
    source *s = lc->s;
    s->lineno++;
    r->res->lines++;
    if (line->nontext == 0 && line->raw_len > 0)
        s->good_lines++;
    ev_event ev = {.type = EV_SERIAL_LINE, .node = s->node};
    ev.u.line.text = line->text;
    emit(r, &ev);
    if (line->truncated) {
        r->res->truncated++;
        note(r, HIL_WARN, "%s: line %u is longer than %d bytes: kept the first %d, dropped the rest",
             s->name, s->lineno, HIL_LINE_MAX, HIL_LINE_MAX);
    }
    hil_parsed p;
    hil_kind k = hil_parse_line(line->text, r->cfg->patterns, r->cfg->npatterns, &p);
    if (!s->sniffer && (k == HIL_FRAME_RX || k == HIL_SNIFFER_CONFIG))
        k = HIL_TEXT;           /* a node's own "rx:" lines are not captures */
    switch (k) {
    case HIL_TX_INFO:
        s->tx_info = p.radio;
        s->have_tx_info = true;
        break;
    case HIL_FRAME_TX:
        r->res->frames_tx++;
        if (s->have_tx_info)
            merge_radio(&p.radio, &s->tx_info);
        s->have_tx_info = false;
        emit_radio_tx(r, s, &p);
        break;
    case HIL_FRAME_RX:
        r->res->frames_rx++;
        emit_sniffer_rx(r, s, &p);
        break;
    case HIL_SNIFFER_CONFIG:
        s->sniffer_cfg = p.radio;
        break;
    case HIL_BAD: {
        if (!s->sniffer && !strncmp(line->text + strspn(line->text, " \t"), "rx:", 3))
            break;
        r->res->bad_lines++;
        char detail[256];
        snprintf(detail, sizeof detail, "%s line %u: %s", s->name, s->lineno, p.error);
        note(r, HIL_WARN, "%s", detail);
        ev_event v = {.type = EV_VERDICT, .node = s->node};
        v.u.verdict.check = "frame_line";
        v.u.verdict.ok = false;
        v.u.verdict.detail = detail;
        v.u.verdict.frame = -1;
        emit(r, &v);
        break;
    }
    default:
        break;
    }
}

static void fault(run *r, int node, const char *kind, const char *detail)
{
    ev_event ev = {.type = EV_FAULT, .node = node};
    ev.u.fault.kind = kind;
    ev.u.fault.detail = detail;
    emit(r, &ev);
}

/* Reads what a serial source has. Returns false when it was lost. */
static bool read_source(run *r, source *s, bool hangup)
{
    uint8_t buf[512];
    line_ctx lc = {r, s};
    for (;;) {
        char err[256];
        long n = serial_read(s->port, buf, sizeof buf, hangup, err, sizeof err);
        if (n < 0) {
            hil_lines_flush(&s->lines, on_line, &lc);
            s->lost = true;
            snprintf(r->res->message, sizeof r->res->message, "%s", err);
            return false;
        }
        if (n == 0)
            return true;
        hangup = false;
        s->got_byte = true;
        hil_lines_push(&s->lines, buf, (size_t)n, on_line, &lc);
        if (s->lines.noise_blocks > s->noise_seen) {
            s->noise_seen = s->lines.noise_blocks;
            unsigned pct = s->lines.bytes
                               ? (unsigned)(100 * (s->lines.bytes - s->lines.text_bytes) /
                                            s->lines.bytes)
                               : 0;
            r->res->wrong_baud = true;
            if (s->good_lines == 0) {
                hil_lines_flush(&s->lines, on_line, &lc);
                snprintf(r->res->message, sizeof r->res->message,
                         "%s: %u%% of %llu bytes are not text: wrong baud rate (%d)? %s",
                         s->name, pct, (unsigned long long)s->lines.bytes,
                         s == &r->node ? r->cfg->baud : r->cfg->sniffer_baud, HIL_BAUD_HINT);
                r->stop = true;
                return true;
            }
            if (!s->noise_warned) {
                s->noise_warned = true;
                note(r, HIL_WARN, "%s: a burst of non-text bytes after %u good lines "
                     "(noise on the line, or a wrong baud rate? %s)", s->name, s->good_lines,
                     HIL_BAUD_HINT);
            }
        }
        if (n < (long)sizeof buf)
            return true;
    }
}

static void handle_push(run *r, const gw_datagram *d, const char *eui)
{
    gw_push push;
    char err[256];
    if (gw_parse_push(d->json, d->json_len, &push, err, sizeof err) != 0) {
        r->res->bad_datagrams++;
        note(r, HIL_WARN, "gateway %s: PUSH_DATA token %04X: %s (ignored)", eui, d->token, err);
        gw_push_free(&push);
        return;
    }
    for (size_t i = 0; i < push.nrxpk; i++) {
        const gw_rxpk *p = &push.rxpk[i];
        if (!p->ok) {
            r->res->bad_datagrams++;
            note(r, HIL_WARN, "gateway %s: PUSH_DATA token %04X: %s (packet ignored)", eui,
                 d->token, p->error);
            continue;
        }
        if (p->skipped) {
            note(r, HIL_INFO, "gateway %s: %s", eui, p->note);
            continue;
        }
        r->res->rxpk++;
        ev_event ev = {.type = EV_GATEWAY_RX, .node = 0};
        ev_gateway_rx *g = &ev.u.gw;
        g->gateway = eui;
        g->freq_hz = p->freq_hz;
        g->sf = p->sf;
        g->bw_hz = p->bw_hz;
        g->cr = p->cr;
        g->rssi_dbm = p->rssi_dbm;
        g->snr_db = p->snr_db;
        g->channel = p->chan;
        g->payload = p->data;
        g->len = p->len;
        emit(r, &ev);
    }
    if (push.stat.present)
        note(r, HIL_INFO, "gateway %s status: %s", eui,
             push.stat.summary[0] ? push.stat.summary : "(no counters)");
    gw_push_free(&push);
}

static void read_gateway(run *r)
{
    uint8_t buf[65536];
    for (;;) {
        char from[96] = "?", err[256];
        long n = gw_udp_recv(r->gw, buf, sizeof buf - 1, from, sizeof from, err, sizeof err);
        if (n == 0)
            return;
        if (n == -1) {
            note(r, HIL_ERROR, "%s", err);
            return;
        }
        r->res->datagrams++;
        if (n == -2) {
            r->res->bad_datagrams++;
            note(r, HIL_WARN, "gateway at %s: %s (ignored)", from, err);
            continue;
        }
        gw_datagram d;
        if (gw_parse_datagram(buf, (size_t)n, &d, err, sizeof err) != 0) {
            r->res->bad_datagrams++;
            note(r, HIL_WARN, "gateway at %s: malformed datagram: %s (ignored)", from, err);
            continue;
        }
        uint8_t ack[4];
        size_t al = gw_build_ack(&d, ack);
        if (al && gw_udp_reply(r->gw, ack, al, err, sizeof err) != 0)
            note(r, HIL_WARN, "gateway at %s: %s", from, err);
        char eui[17] = "?";
        if (d.has_eui)
            gw_eui_hex(d.eui, eui);
        switch (d.ident) {
        case GW_PULL_DATA:
            if (!r->pull_noted)
                note(r, HIL_INFO, "gateway %s at %s: PULL_DATA, answered PULL_ACK", eui, from);
            r->pull_noted = true;
            break;
        case GW_PUSH_DATA:
            if (!r->push_noted)
                note(r, HIL_INFO, "gateway %s at %s: PUSH_DATA, answered PUSH_ACK", eui, from);
            r->push_noted = true;
            handle_push(r, &d, eui);
            break;
        case GW_TX_ACK:
            note(r, HIL_INFO, "gateway %s: TX_ACK token %04X (lorahil sends no downlinks)", eui,
                 d.token);
            break;
        default:
            r->res->bad_datagrams++;
            note(r, HIL_WARN, "gateway at %s: unexpected %s, a server-to-gateway message "
                 "(ignored)", from, gw_ident_name(d.ident));
            break;
        }
    }
}

static void end_run(run *r, const char *reason)
{
    r->res->end_reason = reason;
    ev_event ev = {.type = EV_RUN_END, .node = 0};
    ev.u.end.reason = reason;
    ev.u.end.wall_s = (double)elapsed_ns(r) / 1e9;
    emit(r, &ev);
}

static int open_source(source *s, const char *name, int baud, int node, bool sniffer,
                       char *err, size_t errlen)
{
    memset(s, 0, sizeof *s);
    s->name = name;
    s->node = node;
    s->sniffer = sniffer;
    hil_lines_init(&s->lines);
    return serial_open(name, baud, &s->port, err, errlen);
}

static int poll_timeout_ms(const run *r, uint64_t now)
{
    uint64_t wait = 250000000ull;
    const hil_config *c = r->cfg;
    if (c->duration_ns && c->duration_ns > now && c->duration_ns - now < wait)
        wait = c->duration_ns - now;
    if (c->silent_ns && !r->node.got_byte && c->silent_ns > now && c->silent_ns - now < wait)
        wait = c->silent_ns - now;
    return (int)((wait + 999999) / 1000000);
}

int hil_run(const hil_config *cfg, const ev_sink *sink, hil_note_fn note_fn, void *note_ctx,
            void (*ready)(void *ctx, const hil_result *res), hil_result *res, char *err,
            size_t errlen)
{
    memset(res, 0, sizeof *res);
    run r = {.cfg = cfg, .sink = sink, .note = note_fn, .note_ctx = note_ctx, .res = res};
    if (open_source(&r.node, cfg->port, cfg->baud, 0, false, err, errlen) != 0)
        return -1;
    if (cfg->sniffer_port &&
        open_source(&r.snif, cfg->sniffer_port, cfg->sniffer_baud, 1, true, err, errlen) != 0) {
        serial_close(r.node.port);
        return -1;
    }
    if (cfg->gateway_url && gw_udp_open(cfg->gateway_url, &r.gw, res->gateway_bound,
                                        sizeof res->gateway_bound, err, errlen) != 0) {
        serial_close(r.node.port);
        serial_close(r.snif.port);
        return -1;
    }
    if (cfg->reset_dtr) {
        int rc = serial_reset_dtr(r.node.port, err, errlen);
        if (rc < 0) {
            serial_close(r.node.port);
            serial_close(r.snif.port);
            gw_udp_close(r.gw);
            return -1;
        }
        if (rc == 1)
            res->reset_skipped = true;
    }
    clock_gettime(CLOCK_MONOTONIC, &r.t0);
    if (ready)
        ready(note_ctx, res);
    ev_event st = {.type = EV_RUN_START, .node = 0};
    st.u.start.runner = "hil";
    st.u.start.firmware = cfg->firmware;
    st.u.start.board = "serial";
    st.u.start.seed = 0;
    emit(&r, &st);

    const char *reason = NULL;
    while (!reason) {
        uint64_t now = elapsed_ns(&r);
        if (cfg->stop && *cfg->stop) {
            reason = "interrupted";
            break;
        }
        if (cfg->duration_ns && now >= cfg->duration_ns) {
            reason = "duration";
            break;
        }
        if (cfg->silent_ns && !r.node.got_byte && now >= cfg->silent_ns) {
            res->silent = true;
            snprintf(res->message, sizeof res->message,
                     "%s: no byte from the board in %.1f s (not running? wrong port? "
                     "use --reset dtr, or --silent 0 to wait longer)",
                     r.node.name, (double)cfg->silent_ns / 1e9);
            fault(&r, 0, "silent", res->message);
            reason = "fault";
            break;
        }
        struct pollfd pf[3];
        int np = 0, in = -1, is = -1, ig = -1;
        if (!r.node.lost) {
            in = np;
            pf[np++] = (struct pollfd){serial_fd(r.node.port), POLLIN, 0};
        }
        if (r.snif.port && !r.snif.lost) {
            is = np;
            pf[np++] = (struct pollfd){serial_fd(r.snif.port), POLLIN, 0};
        }
        if (r.gw) {
            ig = np;
            pf[np++] = (struct pollfd){gw_udp_fd(r.gw), POLLIN, 0};
        }
        int pr = poll(pf, (nfds_t)np, poll_timeout_ms(&r, now));
        if (pr < 0) {
            if (errno == EINTR)
                continue;
            snprintf(res->message, sizeof res->message, "poll: %s", strerror(errno));
            reason = "fault";
            break;
        }
        if (pr == 0)
            continue;
        if (ig >= 0 && (pf[ig].revents & POLLIN))
            read_gateway(&r);
        if (is >= 0 && pf[is].revents) {
            char keep[256];
            snprintf(keep, sizeof keep, "%s", res->message);
            if (!read_source(&r, &r.snif, (pf[is].revents & (POLLHUP | POLLERR)) != 0)) {
                note(&r, HIL_ERROR, "sniffer %s; continuing without it", res->message);
                snprintf(res->message, sizeof res->message, "%s", keep);
            }
        }
        if (in >= 0 && pf[in].revents &&
            !read_source(&r, &r.node, (pf[in].revents & (POLLHUP | POLLERR | POLLNVAL)) != 0)) {
            res->port_lost = true;
            fault(&r, 0, "port_lost", res->message);
            reason = "port_lost";
            break;
        }
        if (r.stop) {
            reason = "wrong_baud";
            break;
        }
    }
    /* A last partial line is still worth keeping. */
    if (!r.node.lost) {
        line_ctx lc = {&r, &r.node};
        hil_lines_flush(&r.node.lines, on_line, &lc);
    }
    if (r.snif.port && !r.snif.lost) {
        line_ctx lc = {&r, &r.snif};
        hil_lines_flush(&r.snif.lines, on_line, &lc);
    }
    end_run(&r, reason);
    serial_close(r.node.port);
    serial_close(r.snif.port);
    gw_udp_close(r.gw);
    return 0;
}
