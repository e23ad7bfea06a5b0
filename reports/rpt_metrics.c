/* rpt_metrics.c — metrics.json: the numbers `lorahil report diff` compares
 * between two commits. Firmware size from the ELF's section headers, airtime
 * and duty cycle per EU868 sub-band, RX window timing against the spec's
 * RX1/RX2 delays, checks and faults, and (the only wall-clock figure in any
 * report) simulated seconds per wall second. */
#include "reports/rpt_int.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <jansson.h>
#include <libelf.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int rpt_elf_sizes_read(const char *path, rpt_elf_sizes *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (elf_version(EV_CURRENT) == EV_NONE) {
        snprintf(err, errlen, "libelf: %s", elf_errmsg(-1));
        return -1;
    }
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    Elf *elf = elf_begin(fd, ELF_C_READ, NULL);
    size_t shstrndx;
    int rc = -1;
    if (!elf || elf_kind(elf) != ELF_K_ELF) {
        snprintf(err, errlen, "%s: not an ELF file", path);
        goto done;
    }
    if (elf_getshdrstrndx(elf, &shstrndx) != 0) {
        snprintf(err, errlen, "%s: no section name table (%s)", path, elf_errmsg(-1));
        goto done;
    }
    bool found = false;
    for (Elf_Scn *scn = elf_nextscn(elf, NULL); scn; scn = elf_nextscn(elf, scn)) {
        GElf_Shdr sh;
        if (!gelf_getshdr(scn, &sh))
            continue;
        const char *name = elf_strptr(elf, shstrndx, sh.sh_name);
        if (!name)
            continue;
        if (!strcmp(name, ".text")) {
            out->text = sh.sh_size;
            found = true;
        } else if (!strcmp(name, ".data")) {
            out->data = sh.sh_size;
        } else if (!strcmp(name, ".bss")) {
            out->bss = sh.sh_size;
        }
    }
    if (!found) {
        snprintf(err, errlen, "%s: no .text section", path);
        goto done;
    }
    /* .data is stored in flash and copied to RAM at start-up */
    out->flash = out->text + out->data;
    out->ram = out->data + out->bss;
    rc = 0;
done:
    if (elf)
        elf_end(elf);
    close(fd);
    return rc;
}

static double round_to(double v, double unit)
{
    return round(v / unit) * unit;
}

/* The largest airtime of one node within any hour (the span ETSI duty
 * cycles are measured over, per device) in sub-band sb: a sliding window
 * over the node's frames, which are in time order and never overlap. */
static uint64_t max_hour_toa_node(const rpt_model *m, int node, int sb)
{
    const uint64_t hour = 3600ull * 1000000000ull;
    uint64_t best = 0, sum = 0;
    size_t j = 0;
    const rpt_frame *fr = m->frames;
    for (size_t k = 0; k < m->nframes; k++) {
        if (fr[k].received || fr[k].node != node || rpt_subband_of(fr[k].freq_hz) != sb)
            continue;
        uint64_t end = fr[k].t_ns + fr[k].toa_ns, start = end > hour ? end - hour : 0;
        sum += fr[k].toa_ns;
        for (; j < k; j++) {
            if (fr[j].received || fr[j].node != node || rpt_subband_of(fr[j].freq_hz) != sb)
                continue;
            if (fr[j].t_ns + fr[j].toa_ns > start)
                break;
            sum -= fr[j].toa_ns;   /* wholly before the window */
        }
        /* frame j may start before the window: count only its part inside */
        uint64_t in = sum - (fr[j].t_ns < start ? start - fr[j].t_ns : 0);
        if (in > best)
            best = in;
    }
    return best;
}

static uint64_t max_hour_toa(const rpt_model *m, int sb)
{
    uint64_t best = 0;
    for (size_t i = 0; i < m->nnodes; i++) {
        uint64_t h = max_hour_toa_node(m, m->nodes[i], sb);
        if (h > best)
            best = h;
    }
    return best;
}

typedef struct acc {
    size_t uplinks, downlinks, verified, failed, faults, serial;
    uint64_t toa_ns, sim_ns;
    uint64_t sb_toa[8], sb_hour[8];
    uint64_t other_toa;
    size_t rxn[3];
    int64_t rxmin[3], rxmax[3];
    double rxsum[3];
    json_t *kinds, *verdicts;
    const char *runner;
} acc;

static void add_verdicts(acc *a, const rpt_model *m)
{
    /* identity of a verdict across commits: node, frame and check, with an
     * occurrence number for repeats */
    const ev_event *ev = m->e->ev + m->span.first;
    for (size_t i = 0; i < m->span.count; i++) {
        const ev_event *x = &ev[i];
        if (x->type != EV_VERDICT)
            continue;
        char id[200], base[180];
        char *chk = rpt_mask_text(x->u.verdict.check ? x->u.verdict.check : "?", NULL);
        if (x->u.verdict.frame >= 0)
            snprintf(base, sizeof base, "%s/node%d/frame%d/%s", m->name, x->node,
                     x->u.verdict.frame, chk ? chk : "?");
        else
            snprintf(base, sizeof base, "%s/node%d/%s", m->name, x->node, chk ? chk : "?");
        free(chk);
        snprintf(id, sizeof id, "%s", base);
        for (int n = 2; json_object_get(a->verdicts, id); n++)
            snprintf(id, sizeof id, "%s#%d", base, n);
        json_object_set_new(a->verdicts, id, json_boolean(x->u.verdict.ok));
    }
}

static void add_model(acc *a, const rpt_model *m)
{
    for (size_t k = 0; k < m->nframes; k++)
        m->frames[k].received ? a->downlinks++ : a->uplinks++;
    a->verified += m->verdicts_ok;
    a->failed += m->verdicts_failed;
    a->faults += m->nfaults;
    a->toa_ns += m->toa_ns;
    a->sim_ns += m->t1_ns - m->t0_ns;
    if (!a->runner && m->start && m->start->u.start.runner)
        a->runner = m->start->u.start.runner;
    for (size_t s = 0; s < rpt_eu868_nsubbands; s++) {
        a->sb_toa[s] += m->subband_toa_ns[s];
        uint64_t h = max_hour_toa(m, (int)s);
        if (h > a->sb_hour[s])
            a->sb_hour[s] = h;
    }
    a->other_toa += m->other_toa_ns;
    for (size_t i = 0; i < m->nrx; i++) {
        const rpt_rxwin *w = &m->rx[i];
        if (w->slot == RPT_RX_OTHER)
            continue;
        int s = w->slot;
        if (!a->rxn[s] || w->error_ns < a->rxmin[s])
            a->rxmin[s] = w->error_ns;
        if (!a->rxn[s] || w->error_ns > a->rxmax[s])
            a->rxmax[s] = w->error_ns;
        a->rxsum[s] += (double)w->error_ns;
        a->rxn[s]++;
    }
    const ev_event *ev = m->e->ev + m->span.first;
    for (size_t i = 0; i < m->span.count; i++)
        if (ev[i].type == EV_FAULT) {
            char *k = rpt_mask_text(ev[i].u.fault.kind ? ev[i].u.fault.kind : "unknown", NULL);
            const char *key = k ? k : "unknown";
            json_t *c = json_object_get(a->kinds, key);
            json_object_set_new(a->kinds, key,
                                json_integer(c ? json_integer_value(c) + 1 : 1));
            free(k);
        }
    add_verdicts(a, m);
}

static json_t *rx_stats(const acc *a, int s)
{
    if (!a->rxn[s])
        return json_pack("{s:i}", "count", 0);
    int64_t maxabs = llabs(a->rxmin[s]) > llabs(a->rxmax[s]) ? llabs(a->rxmin[s])
                                                               : llabs(a->rxmax[s]);
    return json_pack("{s:I,s:I,s:I,s:I,s:I}", "count", (json_int_t)a->rxn[s], "min_ns",
                     (json_int_t)a->rxmin[s], "max_ns", (json_int_t)a->rxmax[s], "mean_ns",
                     (json_int_t)llround(a->rxsum[s] / (double)a->rxn[s]), "max_abs_ns",
                     (json_int_t)maxabs);
}

json_t *rpt_metrics_json(const rpt_events *e, const rpt_opts *opts, char *err, size_t errlen)
{
    acc a = {0};
    a.kinds = json_object();
    a.verdicts = json_object();
    json_t *root = NULL;
    rpt_span *spans = NULL;
    long nruns = rpt_split_runs(e, &spans);
    char name[128] = "run";
    if (nruns < 0) {
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    for (long r = 0; r < nruns; r++) {
        rpt_model m;
        if (rpt_model_build(&m, e, spans[r], opts, err, errlen) != 0)
            goto fail;
        if (r == 0)
            snprintf(name, sizeof name, "%s", m.name);
        add_model(&a, &m);
        rpt_model_free(&m);
    }
    if (nruns == 0)
        rpt_run_name(e, (rpt_span){0, 0}, opts, name, sizeof name);

    root = json_object();
    json_object_set_new(root, "format", json_string("lorahil-metrics-1"));
    json_object_set_new(root, "name", json_string(name));
    char *runner = rpt_mask_text(a.runner ? a.runner : "", opts);
    json_object_set_new(root, "runner", a.runner && runner ? json_string(runner) : json_null());
    free(runner);
    json_object_set_new(root, "runs", json_integer(nruns));
    if (opts && opts->elf_path) {
        rpt_elf_sizes sz;
        if (rpt_elf_sizes_read(opts->elf_path, &sz, err, errlen) != 0)
            goto fail;
        json_object_set_new(root, "firmware",
                            json_pack("{s:I,s:I,s:I,s:I,s:I}", "text_bytes", (json_int_t)sz.text,
                                      "data_bytes", (json_int_t)sz.data, "bss_bytes",
                                      (json_int_t)sz.bss, "flash_bytes", (json_int_t)sz.flash,
                                      "ram_bytes", (json_int_t)sz.ram));
    } else {
        json_object_set_new(root, "firmware", json_null());
    }
    json_object_set_new(root, "simulated_ns", json_integer((json_int_t)a.sim_ns));
    json_object_set_new(root, "uplinks", json_integer((json_int_t)a.uplinks));
    json_object_set_new(root, "downlinks", json_integer((json_int_t)a.downlinks));
    json_object_set_new(root, "checks", json_pack("{s:I,s:I}", "verified", (json_int_t)a.verified,
                                                  "failed", (json_int_t)a.failed));
    json_object_set_new(root, "time_on_air_ns", json_integer((json_int_t)a.toa_ns));

    json_t *dc = json_object();
    for (size_t s = 0; s < rpt_eu868_nsubbands; s++) {
        if (!a.sb_toa[s])
            continue;
        double used = a.sim_ns ? 100.0 * (double)a.sb_toa[s] / (double)a.sim_ns : 0;
        double hour = 100.0 * (double)a.sb_hour[s] / 3600e9;
        json_object_set_new(
            dc, rpt_eu868_subbands[s].name,
            json_pack("{s:f,s:I,s:f,s:f}", "limit_pct",
                      round_to(rpt_eu868_subbands[s].limit * 100, 1e-4), "time_on_air_ns",
                      (json_int_t)a.sb_toa[s], "used_pct", round_to(used, 1e-6),
                      "max_hour_pct", round_to(hour, 1e-6)));
    }
    if (a.other_toa)
        json_object_set_new(dc, "other",
                            json_pack("{s:n,s:I}", "limit_pct", "time_on_air_ns",
                                      (json_int_t)a.other_toa));
    json_object_set_new(root, "duty_cycle", dc);
    json_object_set_new(root, "rx_window_error_ns",
                        json_pack("{s:o,s:o}", "rx1", rx_stats(&a, RPT_RX1), "rx2",
                                  rx_stats(&a, RPT_RX2)));
    json_object_set_new(root, "faults", json_pack("{s:I,s:O}", "count", (json_int_t)a.faults,
                                                  "kinds", a.kinds));
    json_object_set_new(root, "verdicts", json_incref(a.verdicts));
    double wall = opts && opts->wall_s >= 0 ? opts->wall_s : e->wall_s;
    if (wall > 0)
        json_object_set_new(root, "wall",
                            json_pack("{s:f,s:f}", "wall_s", round_to(wall, 1e-3),
                                      "sim_s_per_wall_s",
                                      round_to((double)a.sim_ns / 1e9 / wall, 1e-3)));
    else
        json_object_set_new(root, "wall", json_null());
    json_decref(a.kinds);
    json_decref(a.verdicts);
    free(spans);
    return root;
fail:
    json_decref(a.kinds);
    json_decref(a.verdicts);
    json_decref(root);
    free(spans);
    return NULL;
}

int rpt_write_metrics(FILE *f, const rpt_events *e, const rpt_opts *opts, char *err,
                      size_t errlen)
{
    json_t *root = rpt_metrics_json(e, opts, err, errlen);
    if (!root)
        return -1;
    int rc = json_dumpf(root, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12));
    json_decref(root);
    if (rc != 0 || fputc('\n', f) == EOF) {
        snprintf(err, errlen, "metrics.json: write error");
        return -1;
    }
    return 0;
}
