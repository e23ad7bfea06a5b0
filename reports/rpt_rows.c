/* rpt_rows.c — the rows report.html and report.md both show (run summary,
 * failed checks, E2EE verdicts, faults) built once as cells, and the loop
 * over runs both writers share; see the rows section of rpt_int.h. Text from
 * events is passed on unmasked with RPT_CELL_TEXT: the writer masks and
 * escapes it as it prints it. */
#include "reports/rpt_int.h"

#include <stdlib.h>
#include <string.h>

const rpt_cell rpt_e2ee_head[RPT_E2EE_COLS] = {
    {"time (s)", RPT_CELL_NUM}, {"node", RPT_CELL_NUM}, {"frame", RPT_CELL_NUM},
    {"check", 0},               {"result", 0},          {"detail", 0},
};

const rpt_cell rpt_fault_head[RPT_FAULT_COLS] = {
    {"time (s)", RPT_CELL_NUM}, {"node", RPT_CELL_NUM}, {"kind", 0},
    {"pc", 0},                  {"symbol", 0},          {"detail", 0},
};

static const char *text(const char *s)
{
    return s ? s : "";
}

static void row2(rpt_row_fn fn, void *ctx, const char *label, const char *value, unsigned flags)
{
    rpt_cell c[2] = {{label, 0}, {value, flags}};
    fn(c, 2, ctx);
}

void rpt_summary_rows(const rpt_model *m, const rpt_opts *opts, rpt_row_fn fn, void *ctx)
{
    char v[96], w[48];
    if (m->start) {
        row2(fn, ctx, "runner", text(m->start->u.start.runner), RPT_CELL_TEXT);
        row2(fn, ctx, "firmware", text(m->start->u.start.firmware), RPT_CELL_TEXT | RPT_CELL_CODE);
        row2(fn, ctx, "board", text(m->start->u.start.board), RPT_CELL_TEXT);
        snprintf(v, sizeof v, "%llu", (unsigned long long)m->start->u.start.seed);
        row2(fn, ctx, "seed", v, 0);
    }
    char t[32];
    rpt_fmt_s(m->t1_ns - m->t0_ns, t, sizeof t);
    snprintf(v, sizeof v, "%s s", t);
    row2(fn, ctx, "simulated time", v, 0);
    if (m->end)
        row2(fn, ctx, "end", text(m->end->u.end.reason), RPT_CELL_TEXT);
    snprintf(v, sizeof v, "%zu sent, %zu received in RX windows", m->nframes_tx,
             m->nframes - m->nframes_tx);
    row2(fn, ctx, "frames", v, 0);
    snprintf(v, sizeof v, "%zu passed", m->verdicts_ok);
    snprintf(w, sizeof w, "%zu failed", m->verdicts_failed);
    rpt_cell checks[3] = {{"checks", 0},
                          {v, RPT_CELL_OK},
                          {w, m->verdicts_failed ? RPT_CELL_BAD : RPT_CELL_OK}};
    fn(checks, 3, ctx);
    snprintf(v, sizeof v, "%zu", m->nfaults);
    row2(fn, ctx, "faults", v, m->nfaults ? RPT_CELL_BAD : RPT_CELL_OK);
    snprintf(v, sizeof v, "%.3f ms", m->toa_ns / 1e6);
    row2(fn, ctx, "time on air", v, 0);
    if (opts && opts->elf_path) {
        rpt_elf_sizes sz;
        char err[200];
        if (rpt_elf_sizes_read(opts->elf_path, &sz, err, sizeof err) == 0) {
            snprintf(v, sizeof v, "%llu / %llu bytes", (unsigned long long)sz.flash,
                     (unsigned long long)sz.ram);
            row2(fn, ctx, "flash / RAM", v, 0);
        }
    }
}

void rpt_failed_rows(const rpt_model *m, rpt_row_fn fn, void *ctx)
{
    const ev_event *ev = m->e->ev + m->span.first;
    for (size_t i = 0; i < m->span.count; i++) {
        const ev_event *x = &ev[i];
        if (x->type != EV_VERDICT || x->u.verdict.ok)
            continue;
        char ts[32], frame[16], node[16];
        rpt_fmt_s(x->t_ns, ts, sizeof ts);
        snprintf(frame, sizeof frame, "%d", x->u.verdict.frame);
        snprintf(node, sizeof node, "%d", x->node);
        rpt_cell c[5] = {{text(x->u.verdict.check), RPT_CELL_TEXT | RPT_CELL_BAD | RPT_CELL_STRONG},
                         {x->u.verdict.frame >= 0 ? frame : NULL, RPT_CELL_NUM},
                         {node, RPT_CELL_NUM},
                         {ts, RPT_CELL_NUM},
                         {text(x->u.verdict.detail), RPT_CELL_TEXT}};
        fn(c, 5, ctx);
    }
}

static bool is_e2ee(const ev_event *x)
{
    return x->type == EV_VERDICT && x->u.verdict.check && !strncmp(x->u.verdict.check, "e2ee", 4);
}

size_t rpt_e2ee_count(const rpt_model *m)
{
    const ev_event *ev = m->e->ev + m->span.first;
    size_t n = 0;
    for (size_t i = 0; i < m->span.count; i++)
        if (is_e2ee(&ev[i]))
            n++;
    return n;
}

void rpt_e2ee_rows(const rpt_model *m, rpt_row_fn fn, void *ctx)
{
    const ev_event *ev = m->e->ev + m->span.first;
    for (size_t i = 0; i < m->span.count; i++) {
        const ev_event *x = &ev[i];
        if (!is_e2ee(x))
            continue;
        char ts[32], node[16], frame[16];
        rpt_fmt_s(x->t_ns, ts, sizeof ts);
        snprintf(node, sizeof node, "%d", x->node);
        snprintf(frame, sizeof frame, "%d", x->u.verdict.frame);
        bool ok = x->u.verdict.ok;
        rpt_cell c[RPT_E2EE_COLS] = {
            {ts, RPT_CELL_NUM},
            {node, RPT_CELL_NUM},
            {x->u.verdict.frame >= 0 ? frame : NULL, RPT_CELL_NUM},
            {text(x->u.verdict.check), RPT_CELL_TEXT},
            {ok ? "ok" : "FAIL", ok ? RPT_CELL_OK : RPT_CELL_BAD | RPT_CELL_STRONG},
            {text(x->u.verdict.detail), RPT_CELL_TEXT}};
        fn(c, RPT_E2EE_COLS, ctx);
    }
}

void rpt_fault_rows(const rpt_model *m, rpt_row_fn fn, void *ctx)
{
    const ev_event *ev = m->e->ev + m->span.first;
    for (size_t i = 0; i < m->span.count; i++) {
        const ev_event *x = &ev[i];
        if (x->type != EV_FAULT)
            continue;
        char ts[32], node[16], pc[16];
        rpt_fmt_s(x->t_ns, ts, sizeof ts);
        snprintf(node, sizeof node, "%d", x->node);
        snprintf(pc, sizeof pc, "0x%04X", (unsigned)x->u.fault.pc);
        rpt_cell c[RPT_FAULT_COLS] = {{ts, RPT_CELL_NUM},
                                      {node, RPT_CELL_NUM},
                                      {text(x->u.fault.kind), RPT_CELL_TEXT | RPT_CELL_BAD},
                                      {pc, RPT_CELL_CODE},
                                      {text(x->u.fault.symbol), RPT_CELL_TEXT},
                                      {text(x->u.fault.detail), RPT_CELL_TEXT}};
        fn(c, RPT_FAULT_COLS, ctx);
    }
}

int rpt_write_runs(FILE *f, const rpt_events *e, const rpt_opts *opts, const rpt_run_writer *w,
                   char *err, size_t errlen)
{
    rpt_span *spans = NULL;
    long nruns = rpt_split_runs(e, &spans);
    if (nruns < 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    char title[128];
    rpt_run_name(e, nruns ? spans[0] : (rpt_span){0, 0}, opts, title, sizeof title);
    w->head(f, title, nruns);
    int rc = 0;
    for (long r = 0; r < nruns; r++) {
        rpt_model m;
        if (rpt_model_build(&m, e, spans[r], opts, err, errlen) != 0) {
            rc = -1;
            break;
        }
        w->run(f, &m, opts, r, nruns);
        rpt_model_free(&m);
    }
    if (w->tail)
        w->tail(f);
    free(spans);
    if (rc == 0 && ferror(f)) {
        snprintf(err, errlen, "%s: write error", w->file);
        rc = -1;
    }
    return rc;
}
