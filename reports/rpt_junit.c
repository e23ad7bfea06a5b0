/* rpt_junit.c — junit.xml for CI test reporters (Jenkins, GitLab, GitHub
 * actions): a <testsuite> per run, a <testcase> per verdict, an <error> per
 * firmware fault. A failed check carries the frame (hex) and the reason. The
 * output is valid against the Jenkins xUnit junit-10.xsd
 * (fixtures/schemas/junit-10.xsd), which the tests check with xmllint. No
 * wall-clock time or date goes in, so equal events give equal files. */
#include "reports/rpt_int.h"

#include <stdlib.h>
#include <string.h>

static const rpt_frame *frame_by_index(const rpt_model *m, int index)
{
    for (size_t k = 0; k < m->nframes; k++)
        if (m->frames[k].index == index)
            return &m->frames[k];
    return NULL;
}

static void attr(FILE *f, const char *name, const char *value)
{
    fprintf(f, " %s=\"", name);
    rpt_xml_escape(f, value);
    fputc('"', f);
}

static void property(FILE *f, const char *name, const char *value, const rpt_opts *opts)
{
    char *v = rpt_mask_text(value ? value : "", opts);
    fputs("      <property", f);
    attr(f, "name", name);
    attr(f, "value", v ? v : "");
    fputs("/>\n", f);
    free(v);
}

static int suite(FILE *f, const rpt_model *m, const rpt_opts *opts)
{
    const ev_event *ev = m->e->ev + m->span.first;
    size_t tests = m->nverdicts + m->nfaults, failures = m->verdicts_failed;
    bool placeholder = tests == 0;
    char t[32], cls[160];
    rpt_fmt_s(m->t1_ns - m->t0_ns, t, sizeof t);
    fputs("  <testsuite", f);
    attr(f, "name", m->name);
    fprintf(f, " tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"0\" time=\"%s\">\n",
            placeholder ? 1 : tests, failures, m->nfaults, t);
    if (m->start || m->end) {
        fputs("    <properties>\n", f);
        if (m->start) {
            char seed[32];
            snprintf(seed, sizeof seed, "%llu", (unsigned long long)m->start->u.start.seed);
            property(f, "runner", m->start->u.start.runner, opts);
            property(f, "firmware", m->start->u.start.firmware, opts);
            property(f, "board", m->start->u.start.board, opts);
            property(f, "seed", seed, opts);
        }
        if (m->end)
            property(f, "end_reason", m->end->u.end.reason, opts);
        fputs("    </properties>\n", f);
    }
    if (placeholder) {
        fputs("    <testcase name=\"run\"", f);
        attr(f, "classname", m->name);
        fputs(" time=\"0\"/>\n", f);
    }
    for (size_t i = 0; i < m->span.count; i++) {
        const ev_event *x = &ev[i];
        if (x->type != EV_VERDICT && x->type != EV_FAULT)
            continue;
        snprintf(cls, sizeof cls, "%s.node%d", m->name, x->node);
        char ts[32];
        rpt_fmt_s(x->t_ns, ts, sizeof ts);
        if (x->type == EV_FAULT) {
            char *kind = rpt_mask_text(x->u.fault.kind ? x->u.fault.kind : "fault", opts);
            char *detail = rpt_mask_text(x->u.fault.detail ? x->u.fault.detail : "", opts);
            char *sym = rpt_mask_text(x->u.fault.symbol ? x->u.fault.symbol : "", opts);
            char name[200], msg[600];
            snprintf(name, sizeof name, "fault %s at %s s", kind ? kind : "", ts);
            size_t ml = (size_t)snprintf(msg, sizeof msg, "%s", detail ? detail : "");
            if (x->u.fault.pc && ml < sizeof msg)
                ml += (size_t)snprintf(msg + ml, sizeof msg - ml, " at pc 0x%04X",
                                       (unsigned)x->u.fault.pc);
            if (sym && *sym && ml < sizeof msg)
                snprintf(msg + ml, sizeof msg - ml, " in %s", sym);
            fputs("    <testcase", f);
            attr(f, "name", name);
            attr(f, "classname", cls);
            fputs(" time=\"0\">\n      <error", f);
            attr(f, "type", kind ? kind : "");
            attr(f, "message", msg);
            fputc('>', f);
            fprintf(f, "node %d, t = %s s: ", x->node, ts);
            rpt_xml_escape(f, msg);
            fputs("</error>\n    </testcase>\n", f);
            free(kind);
            free(detail);
            free(sym);
            continue;
        }
        const ev_verdict *v = &x->u.verdict;
        char *check = rpt_mask_text(v->check ? v->check : "check", opts);
        char *detail = rpt_mask_text(v->detail ? v->detail : "", opts);
        char name[200];
        if (v->frame >= 0)
            snprintf(name, sizeof name, "%s frame %d", check ? check : "", v->frame);
        else
            snprintf(name, sizeof name, "%s", check ? check : "");
        fputs("    <testcase", f);
        attr(f, "name", name);
        attr(f, "classname", cls);
        fputs(" time=\"0\"", f);
        if (v->ok) {
            fputs("/>\n", f);
        } else {
            fputs(">\n      <failure", f);
            attr(f, "type", check ? check : "");
            attr(f, "message", detail && *detail ? detail : "check failed");
            fputc('>', f);
            bool e2ee = check && !strncmp(check, "e2ee", 4);
            const rpt_frame *fr = v->frame >= 0 && !e2ee ? frame_by_index(m, v->frame) : NULL;
            if (e2ee && v->frame >= 0) {
                fprintf(f, "E2EE frame %d (as printed by the firmware), node %d, t = %s s\n",
                        v->frame, x->node, ts);
            } else if (fr) {
                char *hex = malloc(2 * fr->len + 1);
                if (hex)
                    rpt_hex(fr->payload, fr->len, hex);
                char ft[32];
                rpt_fmt_s(fr->t_ns, ft, sizeof ft);
                fprintf(f, "frame %d at %s s, node %d, %.3f MHz SF%d\nframe: %s\n", fr->index,
                        ft, fr->node, fr->freq_hz / 1e6, fr->sf, hex ? hex : "");
                free(hex);
            } else {
                fprintf(f, "node %d, t = %s s\n", x->node, ts);
            }
            fputs("reason: ", f);
            rpt_xml_escape(f, detail && *detail ? detail : "check failed");
            fputs("</failure>\n    </testcase>\n", f);
        }
        free(check);
        free(detail);
    }
    if (m->nserial) {
        fputs("    <system-out>", f);
        for (size_t i = 0; i < m->span.count; i++) {
            const ev_event *x = &ev[i];
            if (x->type != EV_SERIAL_LINE)
                continue;
            char ts[32];
            rpt_fmt_s(x->t_ns, ts, sizeof ts);
            char *line = rpt_mask_text(x->u.line.text ? x->u.line.text : "", opts);
            fprintf(f, "[%s s] node %d: ", ts, x->node);
            rpt_xml_escape(f, line ? line : "");
            fputc('\n', f);
            free(line);
        }
        fputs("</system-out>\n", f);
    }
    fputs("  </testsuite>\n", f);
    return 0;
}

int rpt_write_junit(FILE *f, const rpt_events *e, const rpt_opts *opts, char *err, size_t errlen)
{
    rpt_span *spans = NULL;
    long nruns = rpt_split_runs(e, &spans);
    if (nruns < 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    rpt_model *ms = calloc(nruns ? (size_t)nruns : 1, sizeof *ms);
    if (!ms) {
        free(spans);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    int rc = 0;
    long built = 0;
    size_t tests = 0, failures = 0, errors = 0;
    uint64_t ns = 0;
    for (; built < nruns; built++) {
        if (rpt_model_build(&ms[built], e, spans[built], opts, err, errlen) != 0) {
            rc = -1;
            break;
        }
        rpt_model *m = &ms[built];
        size_t t = m->nverdicts + m->nfaults;
        tests += t ? t : 1;
        failures += m->verdicts_failed;
        errors += m->nfaults;
        ns += m->t1_ns - m->t0_ns;
    }
    if (rc == 0) {
        char t[32];
        rpt_fmt_s(ns, t, sizeof t);
        fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", f);
        fprintf(f, "<testsuites name=\"lorahil\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" "
                   "time=\"%s\">\n", tests, failures, errors, t);
        for (long r = 0; r < nruns; r++)
            suite(f, &ms[r], opts);
        fputs("</testsuites>\n", f);
        if (ferror(f)) {
            snprintf(err, errlen, "junit.xml: write error");
            rc = -1;
        }
    }
    for (long r = 0; r < built; r++)
        rpt_model_free(&ms[r]);
    free(ms);
    free(spans);
    return rc;
}
