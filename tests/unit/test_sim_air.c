/* test_sim_air.c — the gateway's co-channel collision rule
 * (sim_air_co_channel), with times on air taken from fixtures/toa/toa.tsv
 * (row: sf 7, bw 125000, cr 5 (4/5), preamble 8, explicit header, CRC on,
 * no LDRO, 13 bytes -> 46336000 ns, loramac-node+radiolib) and overlap,
 * frequency and SF boundaries worked out by hand from that figure. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sim/sim_air.h"

#define TOA_SF7_13B_NS 46336000ull  /* fixtures/toa/toa.tsv, row above */

static ev_radio_tx frame(uint32_t freq_hz, int sf)
{
    return (ev_radio_tx){.freq_hz = freq_hz, .sf = sf, .bw_hz = 125000, .cr = 5,
                         .preamble = 8, .crc = true, .len = 13,
                         .toa_ns = TOA_SF7_13B_NS};
}

static void overlap_in_time(void **state)
{
    (void)state;
    ev_radio_tx a = frame(868100000, 7), b = frame(868100000, 7);
    uint64_t t0 = 1000000000ull;
    /* b starts 1 ns before a ends: 1 ns of overlap */
    assert_true(sim_air_co_channel(&a, t0, &b, t0 + 46335999ull));
    assert_true(sim_air_co_channel(&b, t0 + 46335999ull, &a, t0));
    /* b starts the instant a ends (t0 + 46.336 ms): no overlap */
    assert_false(sim_air_co_channel(&a, t0, &b, t0 + 46336000ull));
    assert_false(sim_air_co_channel(&b, t0 + 46336000ull, &a, t0));
    /* b ends the instant a starts: no overlap; 1 ns later: overlap */
    assert_false(sim_air_co_channel(&a, t0, &b, t0 - 46336000ull));
    assert_true(sim_air_co_channel(&a, t0, &b, t0 - 46335999ull));
    /* same start */
    assert_true(sim_air_co_channel(&a, t0, &b, t0));
}

static void overlap_in_frequency(void **state)
{
    (void)state;
    ev_radio_tx a = frame(868100000, 7);
    ev_radio_tx near = frame(868100000 + 124999, 7), apart = frame(868100000 + 125000, 7);
    ev_radio_tx eu_ch2 = frame(868300000, 7);  /* next EU868 default channel, 200 kHz away */
    assert_true(sim_air_co_channel(&a, 0, &near, 0));
    assert_true(sim_air_co_channel(&near, 0, &a, 0));
    assert_false(sim_air_co_channel(&a, 0, &apart, 0));
    assert_false(sim_air_co_channel(&apart, 0, &a, 0));
    assert_false(sim_air_co_channel(&a, 0, &eu_ch2, 0));
}

static void other_sf_or_bw_passes(void **state)
{
    (void)state;
    /* AN1200.22 2.1: different spreading factors are orthogonal */
    ev_radio_tx a = frame(868100000, 7), b = frame(868100000, 8);
    assert_false(sim_air_co_channel(&a, 0, &b, 0));
    ev_radio_tx c = frame(868100000, 7);
    c.bw_hz = 250000;
    assert_false(sim_air_co_channel(&a, 0, &c, 0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(overlap_in_time),
        cmocka_unit_test(overlap_in_frequency),
        cmocka_unit_test(other_sf_or_bw_passes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
