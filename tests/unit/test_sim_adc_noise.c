/* test_sim_adc_noise.c — the seeded analog inputs behind simavr's ADC, read
 * the way firmware reads them: write ADMUX and ADCSRA (ADSC), read ADCL then
 * ADCH. Register addresses from the ATmega328P datasheet register summary
 * (ADCL 0x78, ADCH 0x79, ADCSRA 0x7A, ADMUX 0x7C; REFS0 = AVcc reference).
 * What is asserted is what sim_adc_noise.h promises: the same seed gives
 * the same readings, another seed others, the sensor input sits at
 * 1650 mV (337 counts of 1023 at 5 V) within its noise, and a floating input
 * has noisy low bits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <sim_cycle_timers.h>

#include "sim/sim_adc_noise.h"
#include "sim_test_avr.h"

#define ADCL 0x78
#define ADCH 0x79
#define ADCSRA 0x7A
#define ADMUX 0x7C
#define REFS0 0x40
#define ADEN 0x80
#define ADSC 0x40

typedef struct board {
    avr_t *avr;
    sim_adc_noise adc;
} board;

static board *make(uint64_t seed)
{
    board *b = calloc(1, sizeof *b);
    assert_non_null(b);
    b->avr = sim_test_avr_new(16000000);
    assert_int_equal(sim_adc_noise_attach(&b->adc, b->avr, seed), 0);
    return b;
}

static void destroy(board *b)
{
    avr_terminate(b->avr);
    free(b->avr);
    free(b);
}

/* one conversion as firmware does it */
static unsigned convert(board *b, unsigned ch)
{
    sim_test_avr_write(b->avr, ADMUX, (uint8_t)(REFS0 | ch));
    sim_test_avr_write(b->avr, ADCSRA, ADEN | ADSC | 0x07);
    b->avr->cycle += 4000; /* a conversion: 13 (first: 25) ADC clocks of 128 CPU cycles */
    avr_cycle_timer_process(b->avr);
    unsigned lo = sim_test_avr_read(b->avr, ADCL);
    unsigned hi = sim_test_avr_read(b->avr, ADCH);
    return hi << 8 | lo;
}

static void reproducible(void **state)
{
    (void)state;
    board *a = make(42), *b = make(42), *c = make(43);
    unsigned same = 0, differ = 0;
    for (int i = 0; i < 200; i++) {
        unsigned ch = (unsigned)(i % 3); /* sensor and two floating inputs */
        unsigned va = convert(a, ch), vb = convert(b, ch), vc = convert(c, ch);
        same += va == vb;
        differ += va != vc;
    }
    assert_int_equal(same, 200);
    assert_true(differ > 50);
    assert_int_equal(a->adc.conversions, 200);
    assert_int_equal(a->avr->avcc, 5000);
    destroy(a);
    destroy(b);
    destroy(c);
}

static void sensor_and_floating(void **state)
{
    (void)state;
    board *b = make(7);
    double sum = 0, sum2 = 0;
    unsigned lo = 1023, hi = 0;
    for (int i = 0; i < 500; i++) {
        unsigned v = convert(b, 0);
        lo = v < lo ? v : lo;
        hi = v > hi ? v : hi;
    }
    /* 1650 mV * 1023 / 5000 = 337.6; sd 3 mV = 0.6 counts: +-5 counts is 8 sd */
    assert_true(lo >= 332 && hi <= 343);
    unsigned odd = 0;
    for (int i = 0; i < 1000; i++) {
        unsigned v = convert(b, 1);
        sum += v;
        sum2 += (double)v * v;
        odd += v & 1;
    }
    double mean = sum / 1000, sd = sqrt(sum2 / 1000 - mean * mean);
    /* mid-rail 2500 mV = 511.5 counts, noise sd 40 mV = 8 counts plus the walk */
    assert_true(mean > 460 && mean < 563);
    assert_true(sd > 5);
    assert_true(odd > 400 && odd < 600); /* the low bit is noise */
    destroy(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reproducible),
        cmocka_unit_test(sensor_and_floating),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
