/* rpt_md.c — report.md: the summary and tables of report.html in Markdown,
 * for terminals and pull-request comments. The summary, failed-check, E2EE
 * and fault rows come from rpt_rows.c, as report.html's do. Text from events
 * is masked and escaped for a table cell (rpt_md_escape). */
#include "reports/rpt_int.h"

#include <stdlib.h>

static void esc(FILE *f, const char *s, const rpt_opts *opts)
{
    char *m = rpt_mask_text(s ? s : "", opts);
    rpt_md_escape(f, m ? m : "");
    free(m);
}

/* Where the row callbacks write, and the keys they mask. */
typedef struct out {
    FILE *f;
    const rpt_opts *opts;
} out;

static void put_cell(const out *o, const rpt_cell *c)
{
    if (!c->text)
        return;
    if (c->flags & RPT_CELL_STRONG)
        fputs("**", o->f);
    if (c->flags & RPT_CELL_TEXT)
        esc(o->f, c->text, o->opts);
    else
        fputs(c->text, o->f);
    if (c->flags & RPT_CELL_STRONG)
        fputs("**", o->f);
}

static void table_head(FILE *f, const rpt_cell *head, size_t n)
{
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%s%s", i ? " | " : "| ", head[i].text);
    fputs(" |\n|", f);
    for (size_t i = 0; i < n; i++)
        fputs(head[i].flags & RPT_CELL_NUM ? "---:|" : "---|", f);
    fputc('\n', f);
}

static void table_row(const rpt_cell *c, size_t n, void *ctx)
{
    const out *o = ctx;
    for (size_t i = 0; i < n; i++) {
        fputs(i ? " | " : "| ", o->f);
        put_cell(o, &c[i]);
    }
    fputs(" |\n", o->f);
}

/* label, then the value's parts joined by ", " */
static void summary_row(const rpt_cell *c, size_t n, void *ctx)
{
    const out *o = ctx;
    fprintf(o->f, "| %s | ", c[0].text);
    for (size_t i = 1; i < n; i++) {
        if (i > 1)
            fputs(", ", o->f);
        put_cell(o, &c[i]);
    }
    fputs(" |\n", o->f);
}

static void failed_item(const rpt_cell *c, size_t n, void *ctx)
{
    const out *o = ctx;
    (void)n;
    fputs("- ", o->f);
    put_cell(o, &c[0]);
    if (c[1].text)
        fprintf(o->f, " frame %s", c[1].text);
    fprintf(o->f, " (node %s, %s s): ", c[2].text, c[3].text);
    put_cell(o, &c[4]);
    fputc('\n', o->f);
}

static void run(FILE *f, const rpt_model *m, const rpt_opts *opts, long r, long nruns)
{
    out o = {f, opts};
    bool pass = m->verdicts_failed == 0 && m->nfaults == 0;
    fputs("## ", f);
    rpt_md_escape(f, m->name);
    if (nruns > 1)
        fprintf(f, " (run %ld)", r + 1);
    fprintf(f, "\n\n**%s**\n\n| | |\n|---|---|\n", pass ? "PASS" : "FAIL");
    rpt_summary_rows(m, opts, summary_row, &o);
    if (m->verdicts_failed) {
        fputs("\n### Failed checks\n\n", f);
        rpt_failed_rows(m, failed_item, &o);
    }
    fputs("\n### Frames\n\n", f);
    if (!m->nframes) {
        fputs("No frames.\n", f);
    } else {
        fputs("| # | time (s) | node | dir | MHz | SF | time on air (ms) | type | DevAddr | FCnt "
              "| FPort | MIC | decrypted payload | checks |\n"
              "|---:|---:|---:|---|---:|---:|---:|---|---|---:|---:|---|---|---|\n",
              f);
        for (size_t k = 0; k < m->nframes; k++) {
            const rpt_frame *fr = &m->frames[k];
            char ts[32];
            rpt_fmt_s(fr->t_ns, ts, sizeof ts);
            if (fr->index >= 0)
                fprintf(f, "| %d ", fr->index);
            else
                fputs("| ", f);
            fprintf(f, "| %s | %d | %s | %.3f | %d | ", ts, fr->node,
                    fr->received ? "down (RX)" : "TX", fr->freq_hz / 1e6, fr->sf);
            if (!fr->received)
                fprintf(f, "%.3f", fr->toa_ns / 1e6);
            fprintf(f, " | %s | ", rpt_mtype_name(fr->mtype));
            if (fr->parsed)
                fprintf(f, "%08X | %u | ", fr->devaddr, fr->fcnt);
            else
                fputs(" | | ", f);
            if (fr->fport >= 0)
                fprintf(f, "%d", fr->fport);
            fputs(" | ", f);
            if (fr->len >= 4)
                fprintf(f, "%08X %s", fr->mic,
                        fr->mic_ok == 1 ? "ok" : fr->mic_ok == 0 ? "**FAIL**" : "not checked");
            fputs(" | ", f);
            rpt_md_escape(f, fr->plain_hex ? fr->plain_hex : "");
            fprintf(f, " | %d ok", fr->checks_ok);
            if (fr->checks_failed)
                fprintf(f, ", **%d failed**", fr->checks_failed);
            fputs(" |\n", f);
        }
    }
    fputs("\n### E2EE frames\n\n", f);
    if (!rpt_e2ee_count(m)) {
        fputs("No E2EE checks in this run.\n", f);
    } else {
        table_head(f, rpt_e2ee_head, RPT_E2EE_COLS);
        rpt_e2ee_rows(m, table_row, &o);
    }
    if (m->nfaults) {
        fputs("\n### Faults\n\n", f);
        table_head(f, rpt_fault_head, RPT_FAULT_COLS);
        rpt_fault_rows(m, table_row, &o);
    }
    fputc('\n', f);
}

static void doc_head(FILE *f, const char *title, long nruns)
{
    fputs("# lorahil report: ", f);
    rpt_md_escape(f, title);
    fputs("\n\n", f);
    if (!nruns)
        fputs("The events file holds no events.\n", f);
}

int rpt_write_md(FILE *f, const rpt_events *e, const rpt_opts *opts, char *err, size_t errlen)
{
    static const rpt_run_writer w = {"report.md", doc_head, run, NULL};
    return rpt_write_runs(f, e, opts, &w, err, errlen);
}
