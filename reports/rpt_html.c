/* rpt_html.c — report.html: one self-contained page (inline CSS and SVG; no
 * script, no network, no external asset) with a summary, the frame table,
 * the E2EE table, faults, and per node an SVG timeline of TX bursts, RX1/RX2
 * windows and the duty-cycle budget. The page is also well-formed XML, so
 * both HTML and XML parsers can check it. All text from events is escaped by
 * rpt_html_escape and masked by rpt_mask_text. The summary, failed-check,
 * E2EE and fault rows come from rpt_rows.c, as report.md's do. */
#include "reports/rpt_int.h"

#include <stdlib.h>

static const char *const css =
    "body{font-family:system-ui,sans-serif;margin:1.5em;color:#222;background:#fff}"
    "h1{font-size:1.5em}h2{border-bottom:2px solid #ccc;padding-bottom:.2em}"
    "table{border-collapse:collapse;margin:.5em 0 1.2em}"
    "th,td{border:1px solid #ccc;padding:.2em .5em;text-align:left;vertical-align:top}"
    "th{background:#f0f0f0}td.num{text-align:right;font-variant-numeric:tabular-nums}"
    "code,.hex{font-family:monospace;word-break:break-all}"
    ".ok{color:#17702b;font-weight:bold}.bad{color:#b00020;font-weight:bold}"
    ".unk{color:#777}.pass{background:#17702b;color:#fff;padding:.1em .5em}"
    ".fail{background:#b00020;color:#fff;padding:.1em .5em}"
    "pre{background:#f7f7f7;padding:.5em;overflow-x:auto}"
    "svg{background:#fcfcfc;border:1px solid #ddd}"
    "svg text{font-size:11px;fill:#333}"
    ".tx{fill:#d9480f}.rx1{fill:#1c7ed6;opacity:.7}.rx2{fill:#7048e8;opacity:.7}"
    ".rxo{fill:#868e96;opacity:.6}.rxgot{stroke:#000;stroke-width:1}"
    ".flt{stroke:#b00020;stroke-width:2}.axis{stroke:#999;stroke-width:1}"
    ".limit{stroke:#b00020;stroke-dasharray:4 3;stroke-width:1}"
    ".sb0{stroke:#e8590c}.sb1{stroke:#2b8a3e}.sb2{stroke:#1971c2}.sb3{stroke:#862e9c}"
    ".sb4{stroke:#c2255c}.sb5{stroke:#5c940d}.sb6{stroke:#495057}"
    "polyline{fill:none;stroke-width:1.5}";

static void esc(FILE *f, const char *s, const rpt_opts *opts)
{
    char *m = rpt_mask_text(s ? s : "", opts);
    rpt_html_escape(f, m ? m : "");
    free(m);
}

static void td_num(FILE *f, const char *fmt, double v)
{
    fputs("<td class=\"num\">", f);
    fprintf(f, fmt, v);
    fputs("</td>", f);
}

/* Where the row callbacks write, and the keys they mask. */
typedef struct out {
    FILE *f;
    const rpt_opts *opts;
} out;

static void put_text(const out *o, const rpt_cell *c)
{
    if (c->flags & RPT_CELL_TEXT)
        esc(o->f, c->text, o->opts);
    else
        fputs(c->text, o->f);
}

static const char *cell_class(unsigned flags)
{
    return flags & RPT_CELL_NUM ? "num" : flags & RPT_CELL_OK ? "ok" : flags & RPT_CELL_BAD ? "bad" : NULL;
}

static void td(const out *o, const rpt_cell *c)
{
    const char *k = c->text ? cell_class(c->flags) : NULL;
    if (k)
        fprintf(o->f, "<td class=\"%s\">", k);
    else
        fputs("<td>", o->f);
    if (c->text) {
        if (c->flags & RPT_CELL_CODE)
            fputs("<code>", o->f);
        put_text(o, c);
        if (c->flags & RPT_CELL_CODE)
            fputs("</code>", o->f);
    }
    fputs("</td>", o->f);
}

static void table_head(FILE *f, const rpt_cell *head, size_t n)
{
    fputs("<table>\n<tr>", f);
    for (size_t i = 0; i < n; i++)
        fprintf(f, "<th>%s</th>", head[i].text);
    fputs("</tr>\n", f);
}

static void table_row(const rpt_cell *c, size_t n, void *ctx)
{
    const out *o = ctx;
    fputs("<tr>", o->f);
    for (size_t i = 0; i < n; i++)
        td(o, &c[i]);
    fputs("</tr>\n", o->f);
}

/* label, then one value cell, or parts joined by ", " in spans */
static void summary_row(const rpt_cell *c, size_t n, void *ctx)
{
    const out *o = ctx;
    fprintf(o->f, "<tr><th>%s</th>", c[0].text);
    if (n == 2) {
        td(o, &c[1]);
    } else {
        fputs("<td>", o->f);
        for (size_t i = 1; i < n; i++) {
            const char *k = cell_class(c[i].flags);
            if (i > 1)
                fputs(", ", o->f);
            if (k)
                fprintf(o->f, "<span class=\"%s\">", k);
            put_text(o, &c[i]);
            if (k)
                fputs("</span>", o->f);
        }
        fputs("</td>", o->f);
    }
    fputs("</tr>\n", o->f);
}

static void summary(FILE *f, const rpt_model *m, const rpt_opts *opts)
{
    bool pass = m->verdicts_failed == 0 && m->nfaults == 0;
    out o = {f, opts};
    fprintf(f, "<p><span class=\"%s\">%s</span></p>\n<table>\n", pass ? "pass" : "fail",
            pass ? "PASS" : "FAIL");
    rpt_summary_rows(m, opts, summary_row, &o);
    fputs("</table>\n", f);
}

static void failed_item(const rpt_cell *c, size_t n, void *ctx)
{
    const out *o = ctx;
    (void)n;
    fputs("<li><span class=\"bad\">", o->f);
    put_text(o, &c[0]);
    fputs("</span>", o->f);
    if (c[1].text)
        fprintf(o->f, " frame %s", c[1].text);
    fprintf(o->f, " (node %s, %s s): ", c[2].text, c[3].text);
    put_text(o, &c[4]);
    fputs("</li>\n", o->f);
}

static void failed_checks(FILE *f, const rpt_model *m, const rpt_opts *opts)
{
    if (!m->verdicts_failed)
        return;
    out o = {f, opts};
    fputs("<h3>Failed checks</h3>\n<ul>\n", f);
    rpt_failed_rows(m, failed_item, &o);
    fputs("</ul>\n", f);
}

static void frame_table(FILE *f, const rpt_model *m)
{
    fputs("<h3>Frames</h3>\n", f);
    if (!m->nframes) {
        fputs("<p>No frames.</p>\n", f);
        return;
    }
    fputs("<table>\n<tr><th>#</th><th>time (s)</th><th>node</th><th>dir</th>"
          "<th>channel (MHz)</th><th>SF</th><th>BW (kHz)</th><th>time on air (ms)</th>"
          "<th>type</th><th>DevAddr</th><th>FCnt</th><th>FPort</th><th>MIC</th>"
          "<th>decrypted payload</th><th>checks</th></tr>\n",
          f);
    for (size_t k = 0; k < m->nframes; k++) {
        const rpt_frame *fr = &m->frames[k];
        char ts[32];
        rpt_fmt_s(fr->t_ns, ts, sizeof ts);
        fputs("<tr>", f);
        if (fr->index >= 0)
            fprintf(f, "<td class=\"num\">%d</td>", fr->index);
        else
            fputs("<td></td>", f);
        fprintf(f, "<td class=\"num\">%s</td><td class=\"num\">%d</td><td>%s</td>", ts,
                fr->node, fr->received ? "down (RX)" : "TX");
        td_num(f, "%.3f", fr->freq_hz / 1e6);
        fprintf(f, "<td class=\"num\">%d</td>", fr->sf);
        td_num(f, "%.1f", fr->bw_hz / 1e3);
        if (fr->received)
            fputs("<td></td>", f);
        else
            td_num(f, "%.3f", fr->toa_ns / 1e6);
        fprintf(f, "<td>%s</td>", rpt_mtype_name(fr->mtype));
        if (fr->parsed)
            fprintf(f, "<td><code>%08X</code></td><td class=\"num\">%u</td>", fr->devaddr,
                    fr->fcnt);
        else
            fputs("<td></td><td></td>", f);
        if (fr->fport >= 0)
            fprintf(f, "<td class=\"num\">%d</td>", fr->fport);
        else
            fputs("<td></td>", f);
        if (fr->len >= 4)
            fprintf(f, "<td><code>%08X</code> <span class=\"%s\">%s</span></td>", fr->mic,
                    fr->mic_ok == 1 ? "ok" : fr->mic_ok == 0 ? "bad" : "unk",
                    fr->mic_ok == 1 ? "ok" : fr->mic_ok == 0 ? "FAIL" : "not checked");
        else
            fputs("<td></td>", f);
        fputs("<td class=\"hex\">", f);
        rpt_html_escape(f, fr->plain_hex ? fr->plain_hex : "");
        fputs("</td>", f);
        if (fr->checks_ok + fr->checks_failed)
            fprintf(f, "<td><span class=\"ok\">%d ok</span>%s", fr->checks_ok,
                    fr->checks_failed ? ", " : "");
        else
            fputs("<td>", f);
        if (fr->checks_failed)
            fprintf(f, "<span class=\"bad\">%d failed</span>", fr->checks_failed);
        fputs("</td></tr>\n", f);
    }
    fputs("</table>\n", f);
}

static void e2ee_table(FILE *f, const rpt_model *m, const rpt_opts *opts)
{
    out o = {f, opts};
    fputs("<h3>E2EE frames</h3>\n", f);
    if (!rpt_e2ee_count(m)) {
        fputs("<p>No E2EE checks in this run.</p>\n", f);
        return;
    }
    table_head(f, rpt_e2ee_head, RPT_E2EE_COLS);
    rpt_e2ee_rows(m, table_row, &o);
    fputs("</table>\n", f);
}

static void fault_table(FILE *f, const rpt_model *m, const rpt_opts *opts)
{
    if (!m->nfaults)
        return;
    out o = {f, opts};
    fputs("<h3>Faults</h3>\n", f);
    table_head(f, rpt_fault_head, RPT_FAULT_COLS);
    rpt_fault_rows(m, table_row, &o);
    fputs("</table>\n", f);
}

/* ---- timeline ---------------------------------------------------------- */

#define SVG_W 960
#define SVG_L 110
#define SVG_R 20
#define LANE_TX 10
#define LANE_RX 40
#define LANE_H 22
#define DC_TOP 80
#define DC_H 90
#define AXIS_Y (DC_TOP + DC_H + 10)
#define SVG_H (AXIS_Y + 30)

typedef struct scale {
    uint64_t t0, t1;
} scale;

static double xpos(const scale *s, uint64_t t)
{
    double span = (double)(s->t1 - s->t0);
    if (t < s->t0)
        t = s->t0;
    return SVG_L + (span > 0 ? (double)(t - s->t0) / span : 0) * (SVG_W - SVG_L - SVG_R);
}

static double xwidth(const scale *s, uint64_t d)
{
    double span = (double)(s->t1 - s->t0);
    double w = span > 0 ? (double)d / span * (SVG_W - SVG_L - SVG_R) : 0;
    return w < 1 ? 1 : w;
}

/* Airtime of node's TX frames in sub-band sb within the hour before t. */
static uint64_t hour_use(const rpt_model *m, int node, int sb, uint64_t t)
{
    const uint64_t hour = 3600ull * 1000000000ull;
    uint64_t lo = t > hour ? t - hour : 0, sum = 0;
    for (size_t k = 0; k < m->nframes; k++) {
        const rpt_frame *f = &m->frames[k];
        if (f->received || f->node != node || rpt_subband_of(f->freq_hz) != sb)
            continue;
        uint64_t a = f->t_ns > lo ? f->t_ns : lo, b = f->t_ns + f->toa_ns;
        if (b > t)
            b = t;
        if (b > a)
            sum += b - a;
    }
    return sum;
}

static void axis(FILE *f, const scale *s)
{
    double span_s = (double)(s->t1 - s->t0) / 1e9;
    static const double steps[] = {0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2,
                                   5, 10, 20, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200,
                                   14400, 43200, 86400};
    double step = steps[sizeof steps / sizeof *steps - 1];
    for (size_t i = 0; i < sizeof steps / sizeof *steps; i++)
        if (span_s / steps[i] <= 10) {
            step = steps[i];
            break;
        }
    fprintf(f, "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>\n", SVG_L, AXIS_Y,
            SVG_W - SVG_R, AXIS_Y);
    double t0s = (double)s->t0 / 1e9;
    double first = step * (double)(long long)(t0s / step);
    if (first < t0s - 1e-9)
        first += step;
    for (double t = first; t <= t0s + span_s + 1e-9; t += step) {
        double x = xpos(s, (uint64_t)(t * 1e9 + 0.5));
        fprintf(f, "<line class=\"axis\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>"
                   "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%g s</text>\n",
                x, AXIS_Y, x, AXIS_Y + 4, x, AXIS_Y + 16, t);
    }
}

static void timeline(FILE *f, const rpt_model *m, int node, const rpt_opts *opts)
{
    scale s = {m->t0_ns, m->t1_ns > m->t0_ns ? m->t1_ns : m->t0_ns + 1000000000ull};
    fprintf(f, "<h4>node %d</h4>\n<svg width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
               "role=\"img\" aria-label=\"radio timeline of node %d\">\n",
            node, SVG_W, SVG_H, SVG_W, SVG_H, node);
    fprintf(f, "<text x=\"4\" y=\"%d\">TX</text><text x=\"4\" y=\"%d\">RX1 / RX2</text>\n"
               "<text x=\"4\" y=\"%d\">duty cycle</text><text x=\"4\" y=\"%d\">(last hour,</text>"
               "<text x=\"4\" y=\"%d\">%% of allowance)</text>\n",
            LANE_TX + 15, LANE_RX + 15, DC_TOP + 12, DC_TOP + 26, DC_TOP + 40);
    for (size_t k = 0; k < m->nframes; k++) {
        const rpt_frame *fr = &m->frames[k];
        if (fr->received || fr->node != node)
            continue;
        char ts[32];
        rpt_fmt_s(fr->t_ns, ts, sizeof ts);
        fprintf(f, "<rect class=\"tx\" x=\"%.2f\" y=\"%d\" width=\"%.2f\" height=\"%d\">"
                   "<title>frame %d at %s s, %.3f MHz SF%d, %.3f ms</title></rect>\n",
                xpos(&s, fr->t_ns), LANE_TX, xwidth(&s, fr->toa_ns), LANE_H, fr->index, ts,
                fr->freq_hz / 1e6, fr->sf, fr->toa_ns / 1e6);
    }
    for (size_t i = 0; i < m->nrx; i++) {
        const rpt_rxwin *w = &m->rx[i];
        const ev_event *x = &m->e->ev[w->ev];
        if (x->node != node)
            continue;
        const ev_radio_rx_window *r = &x->u.rxw;
        const char *cls = w->slot == RPT_RX1 ? "rx1" : w->slot == RPT_RX2 ? "rx2" : "rxo";
        bool got = r->payload != NULL;
        uint64_t d = r->close_ns > r->open_ns ? r->close_ns - r->open_ns : 0;
        char ts[32];
        rpt_fmt_s(r->open_ns, ts, sizeof ts);
        fprintf(f, "<rect class=\"%s%s\" x=\"%.2f\" y=\"%d\" width=\"%.2f\" height=\"%d\">"
                   "<title>%s at %s s, %.3f MHz SF%d, ",
                cls, got ? " rxgot" : "", xpos(&s, r->open_ns), LANE_RX, xwidth(&s, d), LANE_H,
                w->slot == RPT_RX1 ? "RX1" : w->slot == RPT_RX2 ? "RX2" : "RX", ts,
                r->freq_hz / 1e6, r->sf);
        if (w->slot != RPT_RX_OTHER)
            fprintf(f, "opened %+.3f ms from the spec, ", w->error_ns / 1e6);
        esc(f, r->result ? r->result : "", opts);
        fputs("</title></rect>\n", f);
    }
    const ev_event *ev = m->e->ev + m->span.first;
    for (size_t i = 0; i < m->span.count; i++) {
        const ev_event *x = &ev[i];
        if (x->type != EV_FAULT || x->node != node)
            continue;
        double fx = xpos(&s, x->t_ns);
        fprintf(f, "<line class=\"flt\" x1=\"%.2f\" y1=\"%d\" x2=\"%.2f\" y2=\"%d\"><title>fault ",
                fx, LANE_TX - 4, fx, DC_TOP + DC_H);
        esc(f, x->u.fault.kind, opts);
        fputs("</title></line>\n", f);
    }
    /* duty-cycle budget: share of the sub-band's hourly allowance used in the
     * hour before each instant; 100 % is the limit */
    fprintf(f, "<line class=\"limit\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>"
               "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">100 %%</text>"
               "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>"
               "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">0</text>\n",
            SVG_L, DC_TOP + 10, SVG_W - SVG_R, DC_TOP + 10, SVG_L - 2, DC_TOP + 14, SVG_L,
            DC_TOP + DC_H, SVG_W - SVG_R, DC_TOP + DC_H, SVG_L - 2, DC_TOP + DC_H);
    int legend = 0;
    for (size_t sb = 0; sb < rpt_eu868_nsubbands; sb++) {
        bool used = false;
        for (size_t k = 0; k < m->nframes && !used; k++)
            used = !m->frames[k].received && m->frames[k].node == node &&
                   rpt_subband_of(m->frames[k].freq_hz) == (int)sb;
        if (!used)
            continue;
        double allowance = rpt_eu868_subbands[sb].limit * 3600e9;
        double peak = 0;
        fprintf(f, "<polyline class=\"sb%zu\" points=\"", sb);
        const int samples = 400;
        for (int i = 0; i <= samples; i++) {
            uint64_t t = s.t0 + (uint64_t)((double)(s.t1 - s.t0) * i / samples);
            double pct = (double)hour_use(m, node, (int)sb, t) / allowance;
            if (pct > peak)
                peak = pct;
            if (pct > 1.2)
                pct = 1.2;
            fprintf(f, "%.1f,%.1f ", xpos(&s, t), DC_TOP + DC_H - pct * (DC_H - 10));
        }
        fputs("\"/>\n", f);
        static const char *const colors[] = {"#e8590c", "#2b8a3e", "#1971c2",
                                             "#862e9c", "#c2255c", "#5c940d"};
        fprintf(f, "<text x=\"%d\" y=\"%d\" style=\"fill:%s\">%s MHz (limit %g %%): peak "
                   "%.2f %% of the hourly allowance</text>\n",
                SVG_L + 6, DC_TOP + 24 + 13 * legend, colors[sb % 6],
                rpt_eu868_subbands[sb].name, rpt_eu868_subbands[sb].limit * 100, peak * 100);
        legend++;
    }
    axis(f, &s);
    fputs("</svg>\n", f);
}

static void serial_log(FILE *f, const rpt_model *m, const rpt_opts *opts)
{
    if (!m->nserial)
        return;
    fprintf(f, "<details><summary>Serial output (%zu lines)</summary>\n<pre>", m->nserial);
    const ev_event *ev = m->e->ev + m->span.first;
    for (size_t i = 0; i < m->span.count; i++) {
        const ev_event *x = &ev[i];
        if (x->type != EV_SERIAL_LINE)
            continue;
        char ts[32];
        rpt_fmt_s(x->t_ns, ts, sizeof ts);
        fprintf(f, "[%s s] node %d: ", ts, x->node);
        esc(f, x->u.line.text, opts);
        fputc('\n', f);
    }
    fputs("</pre></details>\n", f);
}

static void page_head(FILE *f, const char *title, long nruns)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n<title>lorahil report: ",
          f);
    rpt_html_escape(f, title);
    fprintf(f, "</title>\n<style>%s</style>\n</head>\n<body>\n<h1>lorahil report: ", css);
    rpt_html_escape(f, title);
    fputs("</h1>\n", f);
    if (!nruns)
        fputs("<p>The events file holds no events.</p>\n", f);
}

static void page_run(FILE *f, const rpt_model *m, const rpt_opts *opts, long r, long nruns)
{
    fputs("<section>\n<h2>", f);
    rpt_html_escape(f, m->name);
    if (nruns > 1)
        fprintf(f, " (run %ld)", r + 1);
    fputs("</h2>\n", f);
    summary(f, m, opts);
    failed_checks(f, m, opts);
    frame_table(f, m);
    e2ee_table(f, m, opts);
    fault_table(f, m, opts);
    fputs("<h3>Radio timeline</h3>\n<p>TX bursts, RX1/RX2 windows (outlined: a frame was "
          "received) and the share of each sub-band's duty-cycle allowance used in the "
          "preceding hour. Hover for details.</p>\n",
          f);
    for (size_t k = 0; k < m->nnodes; k++)
        timeline(f, m, m->nodes[k], opts);
    serial_log(f, m, opts);
    fputs("</section>\n", f);
}

static void page_tail(FILE *f)
{
    fputs("</body>\n</html>\n", f);
}

int rpt_write_html(FILE *f, const rpt_events *e, const rpt_opts *opts, char *err, size_t errlen)
{
    static const rpt_run_writer w = {"report.html", page_head, page_run, page_tail};
    return rpt_write_runs(f, e, opts, &w, err, errlen);
}
