/* rpt_diff.c — `lorahil report diff`: compares the metrics.json of two
 * report directories (a commit and its parent, say) and lists every metric
 * and verdict that changed. A regression is a check that passed (or did not
 * exist) and now fails, a new firmware fault, or a metric that grew past its
 * threshold; CI fails on any. */
#include "reports/rpt_int.h"

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void rpt_diff_opts_init(rpt_diff_opts *o)
{
    o->max_flash_growth_pct = -1;
    o->max_ram_growth_pct = -1;
    o->max_toa_growth_pct = -1;
    o->max_rx_error_growth_us = -1;
}

int rpt_parse_percent(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || errno || !isfinite(v) || v < 0)
        return -1;
    while (*end == ' ')
        end++;
    if (*end == '%')
        end++;
    if (*end)
        return -1;
    *out = v;
    return 0;
}

static json_t *load(const char *path, char *err, size_t errlen)
{
    json_error_t je;
    json_t *j = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
    if (!j) {
        if (je.line > 0)
            snprintf(err, errlen, "%s:%d:%d: %s", path, je.line, je.column, je.text);
        else
            snprintf(err, errlen, "%s: %s", path, je.text);
        return NULL;
    }
    const char *fmt = json_string_value(json_object_get(j, "format"));
    if (!json_is_object(j) || !fmt || strcmp(fmt, "lorahil-metrics-1") != 0) {
        snprintf(err, errlen, "%s: not a lorahil metrics file (\"format\" is not "
                              "\"lorahil-metrics-1\")", path);
        json_decref(j);
        return NULL;
    }
    return j;
}

/* Numeric leaves as "a.b.c" -> number, in document order; the verdict map and
 * wall-clock figures are left out (verdicts are compared on their own; wall
 * time changes on every run). */
static void flatten(json_t *o, const char *prefix, json_t *out)
{
    const char *k;
    json_t *v;
    json_object_foreach(o, k, v) {
        char path[300];
        snprintf(path, sizeof path, "%s%s%s", prefix, *prefix ? "." : "", k);
        if (!*prefix && (!strcmp(k, "verdicts") || !strcmp(k, "wall") || !strcmp(k, "runs")))
            continue;
        if (json_is_object(v))
            flatten(v, path, out);
        else if (json_is_number(v))
            json_object_set(out, path, v);
    }
}

static void fmt_num(json_t *v, char *out, size_t n)
{
    if (!v)
        snprintf(out, n, "-");
    else if (json_is_integer(v))
        snprintf(out, n, "%lld", (long long)json_integer_value(v));
    else
        snprintf(out, n, "%g", json_number_value(v));
}

static void row(FILE *out, const char *label, const char *what, const char *a, const char *b,
                const char *change, const char *status, rpt_diff_result *res)
{
    if (!res->changed)
        fputs("| scenario | metric or check | old | new | change | |\n"
              "|---|---|---:|---:|---:|---|\n",
              out);
    fputs("| ", out);
    rpt_md_escape(out, label);
    fputs(" | ", out);
    rpt_md_escape(out, what);
    fprintf(out, " | %s | %s | %s | %s |\n", a, b, change, status);
    res->changed++;
}

/* Threshold on a metric path: percent growth, or growth in us for RX error. */
static double limit_for(const char *path, const rpt_diff_opts *o, bool *is_us)
{
    *is_us = false;
    if (!strcmp(path, "firmware.flash_bytes"))
        return o->max_flash_growth_pct;
    if (!strcmp(path, "firmware.ram_bytes"))
        return o->max_ram_growth_pct;
    if (!strcmp(path, "time_on_air_ns"))
        return o->max_toa_growth_pct;
    if (!strcmp(path, "rx_window_error_ns.rx1.max_abs_ns") ||
        !strcmp(path, "rx_window_error_ns.rx2.max_abs_ns")) {
        *is_us = true;
        return o->max_rx_error_growth_us;
    }
    return -1;
}

static void compare(json_t *oldj, json_t *newj, const char *label, const rpt_diff_opts *o,
                    FILE *out, rpt_diff_result *res)
{
    json_t *fo = json_object(), *fn = json_object();
    flatten(oldj, "", fo);
    flatten(newj, "", fn);
    json_t *keys = json_array();
    const char *k;
    json_t *v;
    json_object_foreach(fo, k, v) json_array_append_new(keys, json_string(k));
    json_object_foreach(fn, k, v) if (!json_object_get(fo, k))
        json_array_append_new(keys, json_string(k));
    size_t i;
    json_t *kv;
    json_array_foreach(keys, i, kv) {
        const char *path = json_string_value(kv);
        json_t *a = json_object_get(fo, path), *b = json_object_get(fn, path);
        double x = a ? json_number_value(a) : 0, y = b ? json_number_value(b) : 0;
        if (a && b && x == y)
            continue;
        char sa[40], sb[40], change[48] = "", status[64] = "";
        fmt_num(a, sa, sizeof sa);
        fmt_num(b, sb, sizeof sb);
        bool is_us;
        double lim = limit_for(path, o, &is_us);
        if (a && b) {
            if (is_us) {
                snprintf(change, sizeof change, "%+.3f us", (y - x) / 1e3);
                if (lim >= 0 && (y - x) / 1e3 > lim + 1e-9)
                    snprintf(status, sizeof status, "**REGRESSION** (limit +%g us)", lim);
            } else {
                double pct = x != 0 ? (y - x) / fabs(x) * 100 : (y > 0 ? INFINITY : -INFINITY);
                if (isfinite(pct))
                    snprintf(change, sizeof change, "%+.2f %%", pct);
                else
                    snprintf(change, sizeof change, "new");
                if (lim >= 0 && pct > lim + 1e-9)
                    snprintf(status, sizeof status, "**REGRESSION** (limit +%g %%)", lim);
            }
        } else {
            snprintf(change, sizeof change, a ? "removed" : "added");
        }
        if (!strcmp(path, "faults.count") && y > x)
            snprintf(status, sizeof status, "**REGRESSION** (new fault)");
        if (*status)
            res->regressions++;
        row(out, label, path, sa, sb, change, status, res);
    }
    json_decref(keys);
    json_decref(fo);
    json_decref(fn);

    json_t *vo = json_object_get(oldj, "verdicts"), *vn = json_object_get(newj, "verdicts");
    json_object_foreach(vo, k, v) {
        json_t *w = json_object_get(vn, k);
        if (!w) {
            row(out, label, k, json_is_true(v) ? "pass" : "FAIL", "-", "gone", "", res);
        } else if (json_is_true(v) != json_is_true(w)) {
            bool reg = json_is_true(v) && !json_is_true(w);
            if (reg)
                res->regressions++;
            row(out, label, k, json_is_true(v) ? "pass" : "FAIL",
                json_is_true(w) ? "pass" : "FAIL", reg ? "pass -> fail" : "fail -> pass",
                reg ? "**REGRESSION**" : "fixed", res);
        }
    }
    json_object_foreach(vn, k, v) {
        if (json_object_get(vo, k))
            continue;
        bool reg = !json_is_true(v);
        if (reg)
            res->regressions++;
        row(out, label, k, "-", json_is_true(v) ? "pass" : "FAIL", "new",
            reg ? "**REGRESSION**" : "", res);
    }
}

int rpt_diff_files(const char *old_path, const char *new_path, const char *label,
                   const rpt_diff_opts *o, FILE *out, rpt_diff_result *res, char *err,
                   size_t errlen)
{
    json_t *a = load(old_path, err, errlen);
    if (!a)
        return -1;
    json_t *b = load(new_path, err, errlen);
    if (!b) {
        json_decref(a);
        return -1;
    }
    compare(a, b, label, o, out, res);
    json_decref(a);
    json_decref(b);
    return 0;
}

static bool is_file(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

static bool is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted names of the subdirectories of dir that hold a metrics.json. */
static int scenarios(const char *dir, char ***names, size_t *n, char *err, size_t errlen)
{
    *names = NULL;
    *n = 0;
    DIR *d = opendir(dir);
    if (!d) {
        snprintf(err, errlen, "%s: %s", dir, strerror(errno));
        return -1;
    }
    size_t cap = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        char p[4200];
        snprintf(p, sizeof p, "%s/%s/metrics.json", dir, de->d_name);
        if (!is_file(p))
            continue;
        if (*n == cap) {
            cap = cap ? 2 * cap : 8;
            char **t = realloc(*names, cap * sizeof *t);
            if (!t)
                break;
            *names = t;
        }
        (*names)[(*n)++] = strdup(de->d_name);
    }
    closedir(d);
    if (*n)
        qsort(*names, *n, sizeof **names, cmp_str);
    return 0;
}

static void free_names(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

int rpt_diff_dirs(const char *old_dir, const char *new_dir, const rpt_diff_opts *o, FILE *out,
                  rpt_diff_result *res, char *err, size_t errlen)
{
    memset(res, 0, sizeof *res);
    for (int i = 0; i < 2; i++) {
        const char *d = i ? new_dir : old_dir;
        if (!is_dir(d)) {
            snprintf(err, errlen, "%s: not a directory", d);
            return -1;
        }
    }
    char po[4200], pn[4200];
    snprintf(po, sizeof po, "%s/metrics.json", old_dir);
    snprintf(pn, sizeof pn, "%s/metrics.json", new_dir);
    int rc = 0;
    if (is_file(po) || is_file(pn)) {
        rc = rpt_diff_files(po, pn, ".", o, out, res, err, errlen);
    } else {
        char **a, **b;
        size_t na, nb;
        if (scenarios(old_dir, &a, &na, err, errlen) != 0)
            return -1;
        if (scenarios(new_dir, &b, &nb, err, errlen) != 0) {
            free_names(a, na);
            return -1;
        }
        if (!na && !nb) {
            snprintf(err, errlen, "%s, %s: no metrics.json in them or their subdirectories",
                     old_dir, new_dir);
            rc = -1;
        }
        size_t i = 0, j = 0;
        while (rc == 0 && (i < na || j < nb)) {
            int c = i == na ? 1 : j == nb ? -1 : strcmp(a[i], b[j]);
            if (c == 0) {
                snprintf(po, sizeof po, "%s/%s/metrics.json", old_dir, a[i]);
                snprintf(pn, sizeof pn, "%s/%s/metrics.json", new_dir, b[j]);
                rc = rpt_diff_files(po, pn, a[i], o, out, res, err, errlen);
                i++;
                j++;
            } else if (c < 0) {
                row(out, a[i], "scenario", "present", "-", "gone", "", res);
                i++;
            } else {
                row(out, b[j], "scenario", "-", "present", "new", "", res);
                j++;
            }
        }
        free_names(a, na);
        free_names(b, nb);
    }
    if (rc == 0 && !res->changed)
        fputs("No metric or verdict changed.\n", out);
    return rc;
}
