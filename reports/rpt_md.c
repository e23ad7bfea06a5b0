/* rpt_md.c — report.md: the summary and tables of report.html in Markdown,
 * for terminals and pull-request comments. Text from events is masked and
 * escaped for a table cell (rpt_md_escape). */
#include "reports/rpt_int.h"

#include <stdlib.h>
#include <string.h>

static void esc(FILE *f, const char *s, const rpt_opts *opts)
{
    char *m = rpt_mask_text(s ? s : "", opts);
    rpt_md_escape(f, m ? m : "");
    free(m);
}

static void run(FILE *f, const rpt_model *m, const rpt_opts *opts, long r, long nruns)
{
    const ev_event *ev = m->e->ev + m->span.first;
    char t[32];
    bool pass = m->verdicts_failed == 0 && m->nfaults == 0;
    rpt_fmt_s(m->t1_ns - m->t0_ns, t, sizeof t);
    fputs("## ", f);
    rpt_md_escape(f, m->name);
    if (nruns > 1)
        fprintf(f, " (run %ld)", r + 1);
    fprintf(f, "\n\n**%s**\n\n| | |\n|---|---|\n", pass ? "PASS" : "FAIL");
    if (m->start) {
        fputs("| runner | ", f);
        esc(f, m->start->u.start.runner, opts);
        fputs(" |\n| firmware | ", f);
        esc(f, m->start->u.start.firmware, opts);
        fputs(" |\n| board | ", f);
        esc(f, m->start->u.start.board, opts);
        fprintf(f, " |\n| seed | %llu |\n", (unsigned long long)m->start->u.start.seed);
    }
    fprintf(f, "| simulated time | %s s |\n", t);
    if (m->end) {
        fputs("| end | ", f);
        esc(f, m->end->u.end.reason, opts);
        fputs(" |\n", f);
    }
    fprintf(f, "| frames | %zu sent, %zu received in RX windows |\n", m->nframes_tx,
            m->nframes - m->nframes_tx);
    fprintf(f, "| checks | %zu passed, %zu failed |\n| faults | %zu |\n", m->verdicts_ok,
            m->verdicts_failed, m->nfaults);
    fprintf(f, "| time on air | %.3f ms |\n", m->toa_ns / 1e6);
    if (opts && opts->elf_path) {
        rpt_elf_sizes sz;
        char err[200];
        if (rpt_elf_sizes_read(opts->elf_path, &sz, err, sizeof err) == 0)
            fprintf(f, "| flash / RAM | %llu / %llu bytes |\n", (unsigned long long)sz.flash,
                    (unsigned long long)sz.ram);
    }
    if (m->verdicts_failed) {
        fputs("\n### Failed checks\n\n", f);
        for (size_t i = 0; i < m->span.count; i++) {
            const ev_event *x = &ev[i];
            if (x->type != EV_VERDICT || x->u.verdict.ok)
                continue;
            char ts[32];
            rpt_fmt_s(x->t_ns, ts, sizeof ts);
            fputs("- **", f);
            esc(f, x->u.verdict.check, opts);
            fputs("**", f);
            if (x->u.verdict.frame >= 0)
                fprintf(f, " frame %d", x->u.verdict.frame);
            fprintf(f, " (node %d, %s s): ", x->node, ts);
            esc(f, x->u.verdict.detail, opts);
            fputc('\n', f);
        }
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
    size_t ne2ee = 0;
    for (size_t i = 0; i < m->span.count; i++)
        if (ev[i].type == EV_VERDICT && ev[i].u.verdict.check &&
            !strncmp(ev[i].u.verdict.check, "e2ee", 4))
            ne2ee++;
    fputs("\n### E2EE frames\n\n", f);
    if (!ne2ee) {
        fputs("No E2EE checks in this run.\n", f);
    } else {
        fputs("| time (s) | node | frame | check | result | detail |\n"
              "|---:|---:|---:|---|---|---|\n",
              f);
        for (size_t i = 0; i < m->span.count; i++) {
            const ev_event *x = &ev[i];
            if (x->type != EV_VERDICT || !x->u.verdict.check ||
                strncmp(x->u.verdict.check, "e2ee", 4))
                continue;
            char ts[32];
            rpt_fmt_s(x->t_ns, ts, sizeof ts);
            fprintf(f, "| %s | %d | ", ts, x->node);
            if (x->u.verdict.frame >= 0)
                fprintf(f, "%d", x->u.verdict.frame);
            fputs(" | ", f);
            esc(f, x->u.verdict.check, opts);
            fprintf(f, " | %s | ", x->u.verdict.ok ? "ok" : "**FAIL**");
            esc(f, x->u.verdict.detail, opts);
            fputs(" |\n", f);
        }
    }
    if (m->nfaults) {
        fputs("\n### Faults\n\n| time (s) | node | kind | pc | symbol | detail |\n"
              "|---:|---:|---|---|---|---|\n",
              f);
        for (size_t i = 0; i < m->span.count; i++) {
            const ev_event *x = &ev[i];
            if (x->type != EV_FAULT)
                continue;
            char ts[32];
            rpt_fmt_s(x->t_ns, ts, sizeof ts);
            fprintf(f, "| %s | %d | ", ts, x->node);
            esc(f, x->u.fault.kind, opts);
            fprintf(f, " | 0x%04X | ", (unsigned)x->u.fault.pc);
            esc(f, x->u.fault.symbol, opts);
            fputs(" | ", f);
            esc(f, x->u.fault.detail, opts);
            fputs(" |\n", f);
        }
    }
    fputc('\n', f);
}

int rpt_write_md(FILE *f, const rpt_events *e, const rpt_opts *opts, char *err, size_t errlen)
{
    rpt_span *spans = NULL;
    long nruns = rpt_split_runs(e, &spans);
    if (nruns < 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    char title[128];
    rpt_run_name(e, nruns ? spans[0] : (rpt_span){0, 0}, opts, title, sizeof title);
    fputs("# lorahil report: ", f);
    rpt_md_escape(f, title);
    fputs("\n\n", f);
    if (!nruns)
        fputs("The events file holds no events.\n", f);
    int rc = 0;
    for (long r = 0; r < nruns; r++) {
        rpt_model m;
        if (rpt_model_build(&m, e, spans[r], opts, err, errlen) != 0) {
            rc = -1;
            break;
        }
        run(f, &m, opts, r, nruns);
        rpt_model_free(&m);
    }
    free(spans);
    if (rc == 0 && ferror(f)) {
        snprintf(err, errlen, "report.md: write error");
        rc = -1;
    }
    return rc;
}
