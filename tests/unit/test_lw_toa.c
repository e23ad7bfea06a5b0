/* test_lw_toa.c — LoRa time on air against fixtures/toa/toa.tsv: exact
 * nanosecond values from Semtech LoRaMac-node and RadioLib (see the file's
 * comments; their public functions round up to whole ms, the fixture holds
 * the exact values before that rounding). Symbol time and the LDRO rule
 * against the SX1276 datasheet (Ts = 2^SF / BW; LDRO when Ts > 16 ms). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "check/lw_toa.h"
#include "tests/unit/lw_fixture.h"

static bool bit(const char *s)
{
    if (!strcmp(s, "1"))
        return true;
    assert_string_equal(s, "0");
    return false;
}

static void every_fixture_row(void **state)
{
    (void)state;
    fx_table t;
    fx_load("toa/toa.tsv", &t);
    assert_true(t.nrows >= 150);
    size_t sf6 = 0, forced = 0;
    for (size_t i = 0; i < t.nrows; i++) {
        lw_modem m = {
            .sf = (int)fx_num(fx_get(&t, i, "sf")),
            .bw_hz = (uint32_t)fx_num(fx_get(&t, i, "bw_hz")),
            .cr = (int)fx_num(fx_get(&t, i, "cr")),
            .preamble = (int)fx_num(fx_get(&t, i, "preamble")),
            .implicit_header = bit(fx_get(&t, i, "implicit")),
            .crc = bit(fx_get(&t, i, "crc")),
            .ldro = bit(fx_get(&t, i, "ldro")),
        };
        size_t len = (size_t)fx_num(fx_get(&t, i, "len"));
        uint64_t want = fx_num(fx_get(&t, i, "toa_ns"));
        uint64_t got = lw_toa_ns(&m, len);
        if (got != want)
            fail_msg("row %zu: SF%d BW %u CR 4/%d preamble %d IH %d CRC %d LDRO %d len %zu: "
                     "%llu ns, fixture %llu ns", i + 1, m.sf, (unsigned)m.bw_hz, m.cr, m.preamble,
                     m.implicit_header, m.crc, m.ldro, len, (unsigned long long)got,
                     (unsigned long long)want);
        sf6 += m.sf == 6;
        forced += m.sf > 6 && m.ldro != lw_ldro_required(m.sf, m.bw_hz);
    }
    assert_true(sf6 > 0);
    assert_true(forced > 0);
    fx_free(&t);
}

static void symbol_time_and_ldro(void **state)
{
    (void)state;
    assert_int_equal(lw_symbol_ns(7, 125000), 1024000);
    assert_int_equal(lw_symbol_ns(12, 125000), 32768000);
    assert_int_equal(lw_symbol_ns(7, 250000), 512000);
    assert_int_equal(lw_symbol_ns(12, 500000), 8192000);
    assert_int_equal(lw_symbol_ns(5, 125000), 0);
    assert_int_equal(lw_symbol_ns(13, 125000), 0);
    assert_int_equal(lw_symbol_ns(7, 0), 0);
    /* LoRaMac-node's choice (fixture comments): 125 kHz SF11/12, 250 kHz SF12 */
    assert_true(lw_ldro_required(11, 125000));
    assert_true(lw_ldro_required(12, 125000));
    assert_false(lw_ldro_required(10, 125000));
    assert_true(lw_ldro_required(12, 250000));
    assert_false(lw_ldro_required(11, 250000));
    assert_false(lw_ldro_required(12, 500000));
}

static void out_of_range(void **state)
{
    (void)state;
    lw_modem ok = {.sf = 7, .bw_hz = 125000, .cr = 5, .preamble = 8, .crc = true};
    assert_int_equal(lw_toa_ns(&ok, 13), 46336000); /* the fixture's hand-checked row */
    lw_modem m = ok;
    m.sf = 5;
    assert_int_equal(lw_toa_ns(&m, 13), 0);
    m = ok;
    m.sf = 13;
    assert_int_equal(lw_toa_ns(&m, 13), 0);
    m = ok;
    m.cr = 4;
    assert_int_equal(lw_toa_ns(&m, 13), 0);
    m = ok;
    m.cr = 9;
    assert_int_equal(lw_toa_ns(&m, 13), 0);
    m = ok;
    m.bw_hz = 1000;
    assert_int_equal(lw_toa_ns(&m, 13), 0);
    m = ok;
    m.preamble = -1;
    assert_int_equal(lw_toa_ns(&m, 13), 0);
    assert_int_equal(lw_toa_ns(NULL, 13), 0);
    assert_int_equal(lw_payload_symbols(NULL, 13), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_fixture_row),
        cmocka_unit_test(symbol_time_and_ldro),
        cmocka_unit_test(out_of_range),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
