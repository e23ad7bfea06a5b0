/* test_sim_spiclk.c — SPI byte timing. Expected durations come from the
 * ATmega328P datasheet, SPI chapter, table "Relationship Between SCK and the
 * Oscillator Frequency": SPI2X SPR1 SPR0 = 000 fosc/4, 001 fosc/16,
 * 010 fosc/64, 011 fosc/128, 100 fosc/2, 101 fosc/8, 110 fosc/32,
 * 111 fosc/64; a byte is 8 SCK periods. Register addresses (data space)
 * from the datasheet register summary: SPCR 0x4C, SPSR 0x4D, SPDR 0x4E. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "sim/sim_spiclk.h"
#include "sim_test_avr.h"

#define SPCR 0x4C
#define SPSR 0x4D
#define SPDR 0x4E
#define SPE 0x40
#define MSTR 0x10
#define SPIF 0x80
#define WCOL 0x40

typedef struct fixture {
    avr_t *avr;
    sim_spiclk spi;
    uint8_t last_mosi;
    int answered;
} fixture;

/* a slave that answers every byte with its complement */
static void slave(struct avr_irq_t *irq, uint32_t value, void *param)
{
    (void)irq;
    fixture *f = param;
    f->last_mosi = (uint8_t)value;
    f->answered++;
    avr_raise_irq(f->spi.spi->io.irq + SPI_IRQ_INPUT, (uint8_t)~value);
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    f->avr = sim_test_avr_new(16000000);
    char err[128];
    assert_int_equal(sim_spiclk_attach(&f->spi, f->avr, err, sizeof err), 0);
    avr_irq_register_notify(f->spi.spi->io.irq + SPI_IRQ_OUTPUT, slave, f);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    avr_terminate(f->avr);
    free(f->avr);
    free(f);
    return 0;
}

/* cycles from the SPDR write until SPIF reads 1 */
static unsigned byte_cycles(fixture *f, uint8_t spcr, uint8_t spsr, uint8_t mosi)
{
    avr_t *avr = f->avr;
    sim_test_avr_write(avr, SPCR, spcr);
    avr->data[SPSR] = spsr;
    avr_cycle_count_t start = avr->cycle;
    sim_test_avr_write(avr, SPDR, mosi);
    while (!(avr->data[SPSR] & SPIF)) {
        avr->cycle++;
        avr_cycle_timer_process(avr);
        if (avr->cycle - start > 10000)
            fail_msg("SPIF never set");
    }
    return (unsigned)(avr->cycle - start);
}

static void timing_per_divisor(void **state)
{
    fixture *f = *state;
    static const struct {
        uint8_t spr, spi2x;
        unsigned div;
    } t[] = {
        {0, 0, 4}, {1, 0, 16}, {2, 0, 64}, {3, 0, 128},
        {0, 1, 2}, {1, 1, 8},  {2, 1, 32}, {3, 1, 64},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        unsigned c = byte_cycles(f, SPE | MSTR | t[i].spr, t[i].spi2x, 0x42);
        if (c != 8 * t[i].div)
            fail_msg("SPR=%u SPI2X=%u: %u cycles, datasheet says 8 x fosc/%u = %u",
                     t[i].spr, t[i].spi2x, c, t[i].div, 8 * t[i].div);
        assert_int_equal(sim_test_avr_read(f->avr, SPDR), 0xBD);
    }
    /* 16 MHz, fosc/4: 2 us per byte, not simavr 1.6's fixed 100 us */
    assert_int_equal(byte_cycles(f, SPE | MSTR, 0, 1), 32);
}

static void exchange_and_flags(void **state)
{
    fixture *f = *state;
    avr_t *avr = f->avr;
    byte_cycles(f, SPE | MSTR | 1, 0, 0x81);
    assert_int_equal(f->last_mosi, 0x81);
    assert_int_equal(f->answered, 1);
    assert_true(avr->data[SPSR] & SPIF);
    /* reading SPDR clears SPIF; the buffer keeps its byte */
    assert_int_equal(sim_test_avr_read(avr, SPDR), 0x7E);
    assert_false(avr->data[SPSR] & SPIF);
    assert_int_equal(sim_test_avr_read(avr, SPDR), 0x7E);
}

static void write_collision(void **state)
{
    fixture *f = *state;
    avr_t *avr = f->avr;
    sim_test_avr_write(avr, SPCR, SPE | MSTR | 1);       /* fosc/16: 128 cycles */
    avr->data[SPSR] = 0;
    avr_cycle_count_t start = avr->cycle;
    sim_test_avr_write(avr, SPDR, 0x11);
    avr->cycle += 10;
    avr_cycle_timer_process(avr);
    sim_test_avr_write(avr, SPDR, 0x22);                 /* during the transfer */
    assert_true(avr->data[SPSR] & WCOL);
    while (!(avr->data[SPSR] & SPIF)) {
        avr->cycle++;
        avr_cycle_timer_process(avr);
    }
    assert_int_equal(avr->cycle - start, 128);  /* first byte unaffected */
    assert_int_equal(f->last_mosi, 0x11);
    assert_int_equal(f->answered, 1);
    sim_test_avr_read(avr, SPDR);
    assert_false(avr->data[SPSR] & WCOL);
}

static void disabled_spi_sends_nothing(void **state)
{
    fixture *f = *state;
    avr_t *avr = f->avr;
    sim_test_avr_write(avr, SPCR, 0);
    sim_test_avr_write(avr, SPDR, 0x55);
    for (int i = 0; i < 3000; i++) {
        avr->cycle++;
        avr_cycle_timer_process(avr);
    }
    assert_int_equal(f->answered, 0);
    assert_false(avr->data[SPSR] & SPIF);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(timing_per_divisor, setup, teardown),
        cmocka_unit_test_setup_teardown(exchange_and_flags, setup, teardown),
        cmocka_unit_test_setup_teardown(write_collision, setup, teardown),
        cmocka_unit_test_setup_teardown(disabled_spi_sends_nothing, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
