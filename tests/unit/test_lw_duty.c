/* test_lw_duty.c — EU868 duty-cycle bookkeeping. Sub-band edges from
 * Semtech LoRaMac-node RegionEU868.c VerifyRfFreq(); limits from ETSI
 * EN 300 220-2 as cited in check/lw_duty.c; expected times worked out by
 * hand with Toff = ToA / duty - ToA (LoRaWAN 1.0, EU863-870). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "check/lw_duty.h"

#define MS 1000000ull
#define S 1000000000ull

static void bands(void **state)
{
    (void)state;
    assert_int_equal(lw_duty_band_of(862999999), -1);
    assert_int_equal(lw_duty_band_of(863000000), 0);
    assert_int_equal(lw_duty_band_of(864999999), 0);
    assert_int_equal(lw_duty_band_of(865000000), 1);
    assert_int_equal(lw_duty_band_of(867100000), 1);
    assert_int_equal(lw_duty_band_of(868000000), 1);
    assert_int_equal(lw_duty_band_of(868000001), 2);
    assert_int_equal(lw_duty_band_of(868100000), 2);
    assert_int_equal(lw_duty_band_of(868500000), 2);
    assert_int_equal(lw_duty_band_of(868600000), 2);
    assert_int_equal(lw_duty_band_of(868650000), -1);
    assert_int_equal(lw_duty_band_of(868700000), 3);
    assert_int_equal(lw_duty_band_of(869200000), 3);
    assert_int_equal(lw_duty_band_of(869300000), -1);
    assert_int_equal(lw_duty_band_of(869400000), 4);
    assert_int_equal(lw_duty_band_of(869525000), 4);
    assert_int_equal(lw_duty_band_of(869650000), 4);
    assert_int_equal(lw_duty_band_of(869700000), 5);
    assert_int_equal(lw_duty_band_of(870000000), 5);
    assert_int_equal(lw_duty_band_of(870000001), -1);
    /* 0.1 %, 1 %, 1 %, 0.1 %, 10 %, 1 % */
    const unsigned div[LW_DUTY_NBANDS] = {1000, 100, 100, 1000, 10, 100};
    for (int b = 0; b < LW_DUTY_NBANDS; b++)
        assert_int_equal(lw_duty_band(b)->divisor, div[b]);
    assert_string_equal(lw_duty_band(2)->name, "868.0-868.6 MHz");
    assert_string_equal(lw_duty_band(4)->duty, "10%");
    assert_null(lw_duty_band(-1));
    assert_null(lw_duty_band(LW_DUTY_NBANDS));
}

static void time_off(void **state)
{
    (void)state;
    /* 51.456 ms (17-byte frame at SF7/125 kHz) */
    assert_int_equal(lw_duty_time_off_ns(2, 51456000), 5094144000ull);   /* x 99 */
    assert_int_equal(lw_duty_time_off_ns(0, 51456000), 51404544000ull);  /* x 999 */
    assert_int_equal(lw_duty_time_off_ns(4, 51456000), 463104000ull);    /* x 9 */
    assert_int_equal(lw_duty_time_off_ns(-1, 51456000), 0);
    assert_int_equal(lw_duty_time_off_ns(6, 51456000), 0);
}

static void would_violate(void **state)
{
    (void)state;
    lw_duty d;
    lw_duty_init(&d);
    uint64_t w = 7;
    /* nothing sent yet: all free */
    assert_false(lw_duty_would_violate(&d, 0, 868100000, &w));
    assert_int_equal(w, 0);
    /* 51.456 ms at t = 10 s on 868.1 MHz: off until 10 s + 100 x 51.456 ms */
    assert_int_equal(lw_duty_record(&d, 10 * S, 868100000, 51456000), 0);
    assert_true(lw_duty_would_violate(&d, 10 * S + 20 * MS, 868300000, &w)); /* during the TX */
    assert_true(lw_duty_would_violate(&d, 15145599999ull, 868500000, &w));
    assert_int_equal(w, 1);
    assert_false(lw_duty_would_violate(&d, 15145600000ull, 868100000, &w));
    assert_int_equal(w, 0);
    /* other sub-bands are not affected */
    assert_false(lw_duty_would_violate(&d, 10 * S + 60 * MS, 867100000, NULL));
    assert_false(lw_duty_would_violate(&d, 10 * S + 60 * MS, 869525000, NULL));
    /* 1 s at 869.525 MHz (10 %): off for 9 s more */
    assert_int_equal(lw_duty_record(&d, 20 * S, 869525000, 1 * S), 0);
    assert_true(lw_duty_would_violate(&d, 29 * S, 869525000, &w));
    assert_int_equal(w, 1 * S);
    assert_false(lw_duty_would_violate(&d, 30 * S, 869525000, NULL));
    /* 0.1 %: 10 ms at 869.0 MHz keeps the band off for 10 s */
    assert_int_equal(lw_duty_record(&d, 40 * S, 869000000, 10 * MS), 0);
    assert_true(lw_duty_would_violate(&d, 49 * S, 868800000, NULL));
    assert_false(lw_duty_would_violate(&d, 50 * S, 868800000, NULL));
    /* outside every sub-band */
    assert_true(lw_duty_would_violate(&d, 0, 868650000, &w));
    assert_int_equal(w, UINT64_MAX);
    assert_int_equal(lw_duty_record(&d, 60 * S, 868650000, MS), -1);
    assert_int_equal(lw_duty_record(&d, 60 * S, 915000000, MS), -1);
    /* time cannot go back */
    assert_int_equal(lw_duty_record(&d, 39 * S, 868100000, MS), -1);
    assert_int_equal(d.n, 3);
    lw_duty_free(&d);
    assert_null(d.tx);
}

static void used_over_window(void **state)
{
    (void)state;
    lw_duty d;
    lw_duty_init(&d);
    /* band 868.0-868.6: 1 s at 0, 1 s at 100 s, 0.5 s at 200 s; band 865-868: 2 s at 300 s */
    assert_int_equal(lw_duty_record(&d, 0, 868100000, 1 * S), 0);
    assert_int_equal(lw_duty_record(&d, 100 * S, 868300000, 1 * S), 0);
    assert_int_equal(lw_duty_record(&d, 200 * S, 868500000, 500 * MS), 0);
    assert_int_equal(lw_duty_record(&d, 300 * S, 867500000, 2 * S), 0);
    assert_int_equal(lw_duty_used_ns(&d, 2, 0, 3600 * S), 2500 * MS);
    assert_int_equal(lw_duty_used_ns(&d, 1, 0, 3600 * S), 2 * S);
    assert_int_equal(lw_duty_used_ns(&d, 4, 0, 3600 * S), 0);
    /* clipped at both ends: [100.5 s, 200.2 s) holds 0.5 s + 0.2 s */
    assert_int_equal(lw_duty_used_ns(&d, 2, 100500 * MS, 200200 * MS), 700 * MS);
    assert_int_equal(lw_duty_used_ns(&d, 2, 5 * S, 5 * S), 0);
    assert_int_equal(lw_duty_used_ns(&d, 2, 6 * S, 5 * S), 0);
    /* the hour up to 3600 s: 2.5 s of 3600 s */
    assert_float_equal(lw_duty_fraction(&d, 2, 3600 * S, 3600 * S), 2.5 / 3600.0, 1e-12);
    /* the hour up to 3700.5 s starts at 100.5 s: 0.5 + 0.5 s */
    assert_float_equal(lw_duty_fraction(&d, 2, 3700500 * MS, 3600 * S), 1.0 / 3600.0, 1e-12);
    /* a window longer than the time so far starts at 0 */
    assert_float_equal(lw_duty_fraction(&d, 2, 1 * S, 10 * S), 0.1, 1e-12);
    assert_float_equal(lw_duty_fraction(&d, 2, 1 * S, 0), 0.0, 0);
    lw_duty_free(&d);
}

static void history_is_pruned(void **state)
{
    (void)state;
    lw_duty d;
    lw_duty_init(&d);
    assert_int_equal(d.keep_ns, 3600 * S);
    for (uint64_t t = 0; t < 200; t++)
        assert_int_equal(lw_duty_record(&d, t * 60 * S, 868100000, 100 * MS), 0);
    /* the last record is at 199 min; what ended 60 min or more before is gone */
    assert_true(d.n <= 62);
    assert_true(d.n >= 60);
    assert_int_equal(lw_duty_used_ns(&d, 2, (199 - 59) * 60 * S, 200 * 60 * S), 60 * 100 * MS);
    lw_duty_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bands),
        cmocka_unit_test(time_off),
        cmocka_unit_test(would_violate),
        cmocka_unit_test(used_over_window),
        cmocka_unit_test(history_is_pruned),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
