/* test_rpt_metrics.c — metrics.json of the fixture against the numbers
 * worked out by hand in fixtures/events/README.md, and flash/RAM from an ELF
 * file this test builds with libelf, its section sizes chosen here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <gelf.h>
#include <jansson.h>
#include <libelf.h>
#include <unistd.h>

#include "tests/unit/rpt_test.h"

/* An ELF32 AVR file with .text, .data, .bss of the given sizes. */
static void write_elf(const char *path, size_t text, size_t data, size_t bss)
{
    assert_int_not_equal(elf_version(EV_CURRENT), EV_NONE);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    assert_true(fd >= 0);
    Elf *elf = elf_begin(fd, ELF_C_WRITE, NULL);
    assert_non_null(elf);
    Elf32_Ehdr *eh = elf32_newehdr(elf);
    eh->e_ident[EI_DATA] = ELFDATA2LSB;
    eh->e_machine = EM_AVR;
    eh->e_type = ET_EXEC;
    eh->e_version = EV_CURRENT;
    static char names[] = "\0.text\0.data\0.bss\0.shstrtab";
    const struct {
        size_t name, size;
        Elf32_Word type;
    } secs[] = {{1, text, SHT_PROGBITS}, {7, data, SHT_PROGBITS}, {13, bss, SHT_NOBITS},
                {18, sizeof names, SHT_STRTAB}};
    static uint8_t zeros[4096];
    for (size_t i = 0; i < 4; i++) {
        Elf_Scn *scn = elf_newscn(elf);
        Elf_Data *d = elf_newdata(scn);
        d->d_align = 1;
        d->d_size = secs[i].size;
        d->d_type = ELF_T_BYTE;
        d->d_buf = secs[i].type == SHT_STRTAB ? (void *)names
                   : secs[i].type == SHT_NOBITS ? NULL : zeros;
        Elf32_Shdr *sh = elf32_getshdr(scn);
        sh->sh_name = (Elf32_Word)secs[i].name;
        sh->sh_type = secs[i].type;
        sh->sh_flags = secs[i].type == SHT_STRTAB ? 0 : SHF_ALLOC;
        sh->sh_size = (Elf32_Word)secs[i].size;
        if (i == 3)
            eh->e_shstrndx = (Elf32_Half)elf_ndxscn(scn);
    }
    assert_true(elf_update(elf, ELF_C_WRITE) >= 0);
    elf_end(elf);
    close(fd);
}

static json_t *metrics_of_fixture(const char *elf, double wall_s)
{
    rpt_opts o;
    opts_with_keys(&o);
    o.elf_path = elf;
    o.wall_s = wall_s;
    char *dir;
    const char *p = fixture_report("metrics.json", rpt_write_metrics, &o, &dir);
    assert_non_null(p);
    json_error_t je;
    json_t *j = json_load_file(p, 0, &je);
    assert_non_null(j);
    remove_tree(dir);
    free(dir);
    return j;
}

static long long geti(json_t *j, const char *path)
{
    /* "a.b.c" lookup; sub-band names contain dots, so '/' separates here */
    char buf[200];
    snprintf(buf, sizeof buf, "%s", path);
    json_t *v = j;
    for (char *tok = strtok(buf, "/"); tok; tok = strtok(NULL, "/"))
        v = json_object_get(v, tok);
    if (!json_is_integer(v))
        fail_msg("%s is not an integer", path);
    return (long long)json_integer_value(v);
}

static double getr(json_t *j, const char *path)
{
    char buf[200];
    snprintf(buf, sizeof buf, "%s", path);
    json_t *v = j;
    for (char *tok = strtok(buf, "/"); tok; tok = strtok(NULL, "/"))
        v = json_object_get(v, tok);
    if (!json_is_number(v))
        fail_msg("%s is not a number", path);
    return json_number_value(v);
}

static void fixture_metrics(void **state)
{
    (void)state;
    json_t *j = metrics_of_fixture(NULL, -1);
    assert_string_equal(json_string_value(json_object_get(j, "format")), "lorahil-metrics-1");
    assert_string_equal(json_string_value(json_object_get(j, "name")), "lorawan-node");
    assert_true(json_is_null(json_object_get(j, "firmware")));
    assert_true(json_is_null(json_object_get(j, "wall")));
    assert_int_equal(geti(j, "simulated_ns"), 180000000000ll);
    assert_int_equal(geti(j, "uplinks"), 3);
    assert_int_equal(geti(j, "downlinks"), 1);
    assert_int_equal(geti(j, "checks/verified"), 16);
    assert_int_equal(geti(j, "checks/failed"), 1);
    assert_int_equal(geti(j, "time_on_air_ns"), 159488000);
    assert_int_equal(geti(j, "duty_cycle/868.0-868.6/time_on_air_ns"), 159488000);
    assert_true(getr(j, "duty_cycle/868.0-868.6/limit_pct") == 1.0);
    /* 159.488 ms of 180 s = 0.0886044 %; of one hour = 0.00443022 % */
    assert_float_equal(getr(j, "duty_cycle/868.0-868.6/used_pct"), 0.088604, 1e-9);
    assert_float_equal(getr(j, "duty_cycle/868.0-868.6/max_hour_pct"), 0.00443, 1e-9);
    assert_int_equal(json_object_size(json_object_get(j, "duty_cycle")), 1);
    assert_int_equal(geti(j, "rx_window_error_ns/rx1/count"), 3);
    assert_int_equal(geti(j, "rx_window_error_ns/rx1/min_ns"), -5000000);
    assert_int_equal(geti(j, "rx_window_error_ns/rx1/max_ns"), -3000000);
    assert_int_equal(geti(j, "rx_window_error_ns/rx1/mean_ns"), -4000000);
    assert_int_equal(geti(j, "rx_window_error_ns/rx1/max_abs_ns"), 5000000);
    assert_int_equal(geti(j, "rx_window_error_ns/rx2/count"), 2);
    assert_int_equal(geti(j, "rx_window_error_ns/rx2/min_ns"), 0);
    assert_int_equal(geti(j, "rx_window_error_ns/rx2/max_ns"), 1000000);
    assert_int_equal(geti(j, "rx_window_error_ns/rx2/mean_ns"), 500000);
    assert_int_equal(geti(j, "faults/count"), 1);
    assert_int_equal(geti(j, "faults/kinds/watchdog_reset"), 1);
    json_t *v = json_object_get(j, "verdicts");
    assert_int_equal(json_object_size(v), 17);
    assert_true(json_is_false(json_object_get(v, "lorawan-node/node0/frame2/fcnt")));
    assert_true(json_is_true(json_object_get(v, "lorawan-node/node0/frame1/e2ee_padding")));
    assert_true(json_is_true(json_object_get(v, "lorawan-node/node0/frame0/mic")));
    json_decref(j);
}

static void elf_and_wall(void **state)
{
    (void)state;
    char *dir = make_tmpdir();
    char elf[600];
    snprintf(elf, sizeof elf, "%s/fw.elf", dir);
    write_elf(elf, 1234, 56, 789);
    rpt_elf_sizes sz;
    char err[256];
    assert_int_equal(rpt_elf_sizes_read(elf, &sz, err, sizeof err), 0);
    assert_int_equal(sz.text, 1234);
    assert_int_equal(sz.data, 56);
    assert_int_equal(sz.bss, 789);
    assert_int_equal(sz.flash, 1290);
    assert_int_equal(sz.ram, 845);
    json_t *j = metrics_of_fixture(elf, 2.0);
    assert_int_equal(geti(j, "firmware/flash_bytes"), 1290);
    assert_int_equal(geti(j, "firmware/ram_bytes"), 845);
    assert_int_equal(geti(j, "firmware/bss_bytes"), 789);
    /* 180 simulated seconds in 2 wall seconds */
    assert_true(getr(j, "wall/wall_s") == 2.0);
    assert_true(getr(j, "wall/sim_s_per_wall_s") == 90.0);
    json_decref(j);
    /* not an ELF */
    char txt[600];
    snprintf(txt, sizeof txt, "%s/x.txt", dir);
    FILE *f = fopen(txt, "w");
    fputs("hello\n", f);
    fclose(f);
    assert_int_equal(rpt_elf_sizes_read(txt, &sz, err, sizeof err), -1);
    assert_non_null(strstr(err, "not an ELF file"));
    remove_tree(dir);
    free(dir);
}

static double hour_pct(int with_node1)
{
    /* node 0 in 868.0-868.6 MHz: A at 0 s for 2 s, B at 3599 s for 0.5 s, C at
     * 3600 s for 1 s. Hours ending at each frame end: 2 s; 2.5 s (A + B);
     * 1 s of A (the window starts at 1 s) + B + C = 2.5 s. Node 1: 3 s at 10 s,
     * counted on its own (ETSI limits are per device). */
    rpt_events e;
    rpt_events_init(&e);
    static const uint8_t pl[12] = {0x40};
    const struct {
        int node;
        uint64_t t, toa;
    } tx[] = {{0, 0, 2000000000ull}, {1, 10000000000ull, 3000000000ull},
              {0, 3599000000000ull, 500000000ull}, {0, 3600000000000ull, 1000000000ull}};
    for (size_t i = 0; i < 4; i++) {
        if (tx[i].node == 1 && !with_node1)
            continue;
        ev_event ev = {.type = EV_RADIO_TX, .t_ns = tx[i].t, .node = tx[i].node,
                       .u.tx = {.freq_hz = 868100000, .sf = 12, .bw_hz = 125000,
                                .toa_ns = tx[i].toa, .payload = pl, .len = sizeof pl}};
        assert_int_equal(rpt_events_add(&e, &ev), 0);
    }
    rpt_opts o;
    rpt_opts_init(&o);
    char *buf = NULL, err[256];
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_int_equal(rpt_write_metrics(f, &e, &o, err, sizeof err), 0);
    fclose(f);
    json_error_t je;
    json_t *j = json_loads(buf, 0, &je);
    assert_non_null(j);
    double v = getr(j, "duty_cycle/868.0-868.6/max_hour_pct");
    json_decref(j);
    free(buf);
    rpt_events_free(&e);
    return v;
}

static void hour_window_per_device(void **state)
{
    (void)state;
    assert_float_equal(hour_pct(0), 0.069444, 1e-9);  /* 2.5 s of 3600 s */
    assert_float_equal(hour_pct(1), 0.083333, 1e-9);  /* node 1: 3 s of 3600 s */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fixture_metrics),
        cmocka_unit_test(hour_window_per_device),
        cmocka_unit_test(elf_and_wall),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
