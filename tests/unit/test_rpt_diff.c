/* test_rpt_diff.c — `report diff` on crafted pairs of metrics files: each
 * threshold just over and just at its limit, a check flipping pass -> fail
 * and back, a new failing check, a new fault, no change at all, the
 * per-scenario subdirectory layout, and bad input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/stat.h>

#include "tests/unit/rpt_test.h"

typedef struct m {
    long flash, ram, toa, rx1abs, faults;
    const char *verdicts;   /* JSON object body */
} m;

static const m base = {10000, 1000, 100000000, 1000000, 0,
                       "\"s/node0/frame0/mic\": true, \"s/node0/frame1/fcnt\": false"};

static void write_metrics(const char *dir, const char *sub, const m *v)
{
    char path[700];
    snprintf(path, sizeof path, "%s/%s", dir, sub);
    mkdir(path, 0777);
    snprintf(path, sizeof path, "%s/%s/metrics.json", dir, sub);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f,
            "{\"format\": \"lorahil-metrics-1\", \"name\": \"s\", \"runner\": \"sim\", \"runs\": 1,\n"
            " \"firmware\": {\"text_bytes\": 1, \"data_bytes\": 2, \"bss_bytes\": 3,\n"
            "   \"flash_bytes\": %ld, \"ram_bytes\": %ld},\n"
            " \"simulated_ns\": 60000000000, \"uplinks\": 2, \"downlinks\": 0,\n"
            " \"checks\": {\"verified\": 1, \"failed\": 1}, \"time_on_air_ns\": %ld,\n"
            " \"duty_cycle\": {}, \"rx_window_error_ns\": {\"rx1\": {\"count\": 1, \"min_ns\": 0,\n"
            "   \"max_ns\": 0, \"mean_ns\": 0, \"max_abs_ns\": %ld}, \"rx2\": {\"count\": 0}},\n"
            " \"faults\": {\"count\": %ld, \"kinds\": {}},\n"
            " \"verdicts\": {%s},\n"
            " \"wall\": {\"wall_s\": %d.5, \"sim_s_per_wall_s\": 3.0}}\n",
            v->flash, v->ram, v->toa, v->rx1abs, v->faults, v->verdicts, rand() % 100);
    fclose(f);
}

/* Runs diff of old vs new (written as dir/a and dir/b); returns regressions,
 * or -1 on bad input; out gets the table. */
static int diff(const m *a, const m *b, const rpt_diff_opts *o, char **out, int *changed)
{
    char *dir = make_tmpdir();
    write_metrics(dir, "a", a);
    write_metrics(dir, "b", b);
    char pa[600], pb[600], err[512];
    snprintf(pa, sizeof pa, "%s/a", dir);
    snprintf(pb, sizeof pb, "%s/b", dir);
    size_t len;
    FILE *f = open_memstream(out, &len);
    rpt_diff_result res;
    int rc = rpt_diff_dirs(pa, pb, o, f, &res, err, sizeof err);
    fclose(f);
    remove_tree(dir);
    free(dir);
    if (changed)
        *changed = res.changed;
    return rc ? -1 : res.regressions;
}

static void no_change(void **state)
{
    (void)state;
    rpt_diff_opts o;
    rpt_diff_opts_init(&o);
    o.max_flash_growth_pct = o.max_ram_growth_pct = o.max_toa_growth_pct = 0;
    char *out;
    int changed;
    /* wall-clock figures differ on every run and are not compared */
    assert_int_equal(diff(&base, &base, &o, &out, &changed), 0);
    assert_int_equal(changed, 0);
    assert_string_equal(out, "No metric or verdict changed.\n");
    free(out);
}

static void flash_threshold(void **state)
{
    (void)state;
    rpt_diff_opts o;
    rpt_diff_opts_init(&o);
    assert_int_equal(rpt_parse_percent("1%", &o.max_flash_growth_pct), 0);
    m b = base;
    char *out;
    b.flash = 10100; /* +1.00 %: at the limit, allowed */
    assert_int_equal(diff(&base, &b, &o, &out, NULL), 0);
    assert_non_null(strstr(out, "| . | firmware.flash\\_bytes | 10000 | 10100 | +1.00 % |  |\n"));
    free(out);
    b.flash = 10101; /* +1.01 % */
    assert_int_equal(diff(&base, &b, &o, &out, NULL), 1);
    assert_non_null(strstr(out, "| 10000 | 10101 | +1.01 % | **REGRESSION** (limit +1 %) |"));
    free(out);
    /* without the option the change is listed but allowed */
    rpt_diff_opts_init(&o);
    assert_int_equal(diff(&base, &b, &o, &out, NULL), 0);
    free(out);
}

static void ram_threshold(void **state)
{
    (void)state;
    rpt_diff_opts o;
    rpt_diff_opts_init(&o);
    assert_int_equal(rpt_parse_percent("1", &o.max_ram_growth_pct), 0);
    m b = base;
    char *out;
    b.ram = 1011; /* +1.1 % */
    assert_int_equal(diff(&base, &b, &o, &out, NULL), 1);
    assert_non_null(strstr(out, "firmware.ram\\_bytes | 1000 | 1011 | +1.10 % | **REGRESSION**"));
    free(out);
    b.ram = 900; /* shrinking is never a regression */
    assert_int_equal(diff(&base, &b, &o, &out, NULL), 0);
    assert_non_null(strstr(out, "| 1000 | 900 | -10.00 % |  |"));
    free(out);
}

static void toa_threshold(void **state)
{
    (void)state;
    rpt_diff_opts o;
    rpt_diff_opts_init(&o);
    assert_int_equal(rpt_parse_percent("5 %", &o.max_toa_growth_pct), 0);
    m b = base;
    char *out;
    b.toa = 105000000;
    assert_int_equal(diff(&base, &b, &o, &out, NULL), 0);
    free(out);
    b.toa = 106000000;
    assert_int_equal(diff(&base, &b, &o, &out, NULL), 1);
    assert_non_null(strstr(out, "time\\_on\\_air\\_ns | 100000000 | 106000000 | +6.00 % | "
                                "**REGRESSION** (limit +5 %)"));
    free(out);
}

static void rx_error_threshold(void **state)
{
    (void)state;
    rpt_diff_opts o;
    rpt_diff_opts_init(&o);
    o.max_rx_error_growth_us = 500;
    m b = base;
    char *out;
    b.rx1abs = 1500000; /* +500 us: allowed */
    assert_int_equal(diff(&base, &b, &o, &out, NULL), 0);
    free(out);
    b.rx1abs = 1600000;
    assert_int_equal(diff(&base, &b, &o, &out, NULL), 1);
    assert_non_null(strstr(out, "rx\\_window\\_error\\_ns.rx1.max\\_abs\\_ns | 1000000 | 1600000 | "
                                "+600.000 us | **REGRESSION** (limit +500 us)"));
    free(out);
}

static void verdict_flips(void **state)
{
    (void)state;
    rpt_diff_opts o;
    rpt_diff_opts_init(&o);
    char *out;
    m b = base;
    b.verdicts = "\"s/node0/frame0/mic\": false, \"s/node0/frame1/fcnt\": false";
    assert_int_equal(diff(&base, &b, &o, &out, NULL), 1);
    assert_non_null(strstr(out, "| . | s/node0/frame0/mic | pass | FAIL | pass -> fail | "
                                "**REGRESSION** |\n"));
    free(out);
    b.verdicts = "\"s/node0/frame0/mic\": true, \"s/node0/frame1/fcnt\": true";
    assert_int_equal(diff(&base, &b, &o, &out, NULL), 0);
    assert_non_null(strstr(out, "| s/node0/frame1/fcnt | FAIL | pass | fail -> pass | fixed |"));
    free(out);
    /* a new check that fails, and one that is gone */
    b.verdicts = "\"s/node0/frame1/fcnt\": false, \"s/node0/frame2/mic\": false";
    assert_int_equal(diff(&base, &b, &o, &out, NULL), 1);
    assert_non_null(strstr(out, "| s/node0/frame2/mic | - | FAIL | new | **REGRESSION** |"));
    assert_non_null(strstr(out, "| s/node0/frame0/mic | pass | - | gone |  |"));
    free(out);
}

static void new_fault(void **state)
{
    (void)state;
    rpt_diff_opts o;
    rpt_diff_opts_init(&o);
    char *out;
    m b = base;
    b.faults = 1;
    assert_int_equal(diff(&base, &b, &o, &out, NULL), 1);
    assert_non_null(strstr(out, "| faults.count | 0 | 1 | new | **REGRESSION** (new fault) |"));
    free(out);
    assert_int_equal(diff(&b, &base, &o, &out, NULL), 0);
    free(out);
}

static void scenario_subdirectories(void **state)
{
    (void)state;
    char *dir = make_tmpdir();
    char a[600], b[600];
    snprintf(a, sizeof a, "%s/old", dir);
    snprintf(b, sizeof b, "%s/new", dir);
    mkdir(a, 0777);
    mkdir(b, 0777);
    m worse = base;
    worse.verdicts = "\"s/node0/frame0/mic\": false, \"s/node0/frame1/fcnt\": false";
    write_metrics(a, "node", &base);
    write_metrics(b, "node", &worse);
    write_metrics(a, "gone", &base);
    write_metrics(b, "added", &base);
    char *out;
    size_t len;
    FILE *f = open_memstream(&out, &len);
    rpt_diff_result res;
    char err[512];
    rpt_diff_opts o;
    rpt_diff_opts_init(&o);
    assert_int_equal(rpt_diff_dirs(a, b, &o, f, &res, err, sizeof err), 0);
    fclose(f);
    assert_int_equal(res.regressions, 1);
    assert_non_null(strstr(out, "| added | scenario | - | present | new |  |\n"));
    assert_non_null(strstr(out, "| gone | scenario | present | - | gone |  |\n"));
    assert_non_null(strstr(out, "| node | s/node0/frame0/mic | pass | FAIL |"));
    free(out);
    remove_tree(dir);
    free(dir);
}

static void bad_input(void **state)
{
    (void)state;
    char *dir = make_tmpdir();
    char a[600], b[600], p[700], err[512];
    snprintf(a, sizeof a, "%s/a", dir);
    snprintf(b, sizeof b, "%s/b", dir);
    write_metrics(dir, "a", &base);
    mkdir(b, 0777);
    snprintf(p, sizeof p, "%s/metrics.json", b);
    FILE *f = fopen(p, "w");
    fputs("{\"format\": \"lorahil-metrics-1\",\n  \"uplinks\": }\n", f);
    fclose(f);
    rpt_diff_opts o;
    rpt_diff_opts_init(&o);
    rpt_diff_result res;
    FILE *out = fopen("/dev/null", "w");
    assert_int_equal(rpt_diff_dirs(a, b, &o, out, &res, err, sizeof err), -1);
    char want[800];
    snprintf(want, sizeof want, "%s:2:", p); /* names the file and line */
    assert_non_null(strstr(err, want));
    f = fopen(p, "w");
    fputs("{\"format\": \"something-else\"}\n", f);
    fclose(f);
    assert_int_equal(rpt_diff_dirs(a, b, &o, out, &res, err, sizeof err), -1);
    assert_non_null(strstr(err, "not a lorahil metrics file"));
    assert_int_equal(rpt_diff_dirs(a, "/nonexistent-lorahil", &o, out, &res, err, sizeof err), -1);
    assert_string_equal(err, "/nonexistent-lorahil: not a directory");
    fclose(out);
    double v;
    assert_int_equal(rpt_parse_percent("x", &v), -1);
    assert_int_equal(rpt_parse_percent("-1%", &v), -1);
    assert_int_equal(rpt_parse_percent("1%%", &v), -1);
    assert_int_equal(rpt_parse_percent("0.5%", &v), 0);
    assert_true(v == 0.5);
    remove_tree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(no_change),
        cmocka_unit_test(flash_threshold),
        cmocka_unit_test(ram_threshold),
        cmocka_unit_test(toa_threshold),
        cmocka_unit_test(rx_error_threshold),
        cmocka_unit_test(verdict_flips),
        cmocka_unit_test(new_fault),
        cmocka_unit_test(scenario_subdirectories),
        cmocka_unit_test(bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
