/* test_sim_rlink.c — the board wiring between the AVR and the SX1276 model,
 * exercised the way firmware does it: register writes to the AVR's ports
 * and SPI (addresses from the ATmega328P datasheet register summary, data
 * space: PINB 0x23 DDRB 0x24 PORTB 0x25, PIND 0x29 DDRD 0x2A PORTD 0x2B,
 * EIFR 0x3C, SPCR 0x4C SPSR 0x4D SPDR 0x4E, EICRA 0x69). Expected radio
 * values from the SX1276 datasheet: RegVersion (0x42) = 0x12, RegFrfMsb
 * (0x06) resets to 0x6C. Wiring: Dragino LoRa Shield v1.4 on an Uno
 * (NSS PB2, RST PB1, DIO0 PD2, DIO1 PD6 through JP1). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "sim/sim_board.h"
#include "sim/sim_rlink.h"
#include "sim/sim_spiclk.h"
#include "sim/sim_extint.h"
#include "sim_test_avr.h"

enum { PINB = 0x23, DDRB = 0x24, PORTB = 0x25, PIND = 0x29, DDRD = 0x2A, PORTD = 0x2B,
       EIFR = 0x3C, SPCR = 0x4C, SPSR = 0x4D, SPDR = 0x4E, EICRA = 0x69 };

static const char *DRAGINO =
    "mcu = atmega328p\nfreq_hz = 16000000\nnss = PB2\nrst = PB1\n"
    "dio0 = PD2\ndio1 = PD6 JP1\ndio2 = PD7 JP2\ndio5 = PB0 JP3\n";

typedef struct fx {
    avr_t *avr;
    sim_spiclk spi;
    sim_rlink rl;
    bool rl_ready;
    sx1276 *radio;
    sim_board board;
    int faults;
} fx;

static void on_dio(void *ctx, int dio, bool level, uint64_t t)
{
    (void)t;
    fx *f = ctx;
    if (f->rl_ready)
        sim_rlink_dio(&f->rl, dio, level);
}

static void on_fault(void *ctx, const char *what, uint64_t t)
{
    (void)what, (void)t;
    ((fx *)ctx)->faults++;
}

static void wait_cycles(avr_t *avr, uint64_t n)
{
    for (uint64_t i = 0; i < n; i++) {
        avr->cycle++;
        avr_cycle_timer_process(avr);
    }
}

static void skip_ms(avr_t *avr, unsigned ms)
{
    /* jump ahead like a sleeping AVR, stopping at every timer */
    uint64_t end = avr->cycle + (uint64_t)ms * 16000;
    while (avr->cycle < end) {
        avr_cycle_count_t s = avr_cycle_timer_process(avr);
        avr->cycle += s < end - avr->cycle ? (s ? s : 1) : end - avr->cycle;
    }
    avr_cycle_timer_process(avr);
}

static int setup_board(void **state, const char *jumper)
{
    fx *f = calloc(1, sizeof *f);
    char err[200];
    assert_int_equal(sim_board_parse(&f->board, DRAGINO, "dragino", err, sizeof err), 0);
    if (jumper)
        assert_int_equal(sim_board_set_jumper(&f->board, jumper, err, sizeof err), 0);
    f->avr = sim_test_avr_new(16000000);
    assert_int_equal(sim_spiclk_attach(&f->spi, f->avr, err, sizeof err), 0);
    sx1276_hooks h = {.ctx = f, .dio_changed = on_dio, .fault = on_fault};
    f->radio = sx1276_new(&h, 1);
    assert_int_equal(sim_rlink_attach(&f->rl, f->avr, &f->board, f->radio, err, sizeof err), 0);
    f->rl_ready = true;
    /* SPI pins and NSS/RST as outputs, NSS and RST high; radio ready */
    sim_test_avr_write(f->avr, DDRB, 0x2E);
    sim_test_avr_write(f->avr, PORTB, 0x06);
    skip_ms(f->avr, 20);
    sim_test_avr_write(f->avr, SPCR, 0x50);      /* SPE | MSTR, fosc/4 */
    *state = f;
    return 0;
}

static int setup(void **state) { return setup_board(state, NULL); }
static int setup_jp1_open(void **state) { return setup_board(state, "JP1=open"); }

static int teardown(void **state)
{
    fx *f = *state;
    sx1276_free(f->radio);
    avr_terminate(f->avr);
    free(f->avr);
    free(f);
    return 0;
}

static uint8_t spi(avr_t *avr, uint8_t mosi)
{
    sim_test_avr_write(avr, SPDR, mosi);
    wait_cycles(avr, 32);
    assert_true(avr->data[SPSR] & 0x80);
    return sim_test_avr_read(avr, SPDR);
}

/* one register access framed by NSS on PB2, as a driver does it */
static uint8_t reg(fx *f, uint8_t addr, uint8_t v)
{
    sim_test_avr_write(f->avr, PORTB, sim_test_avr_read(f->avr, PORTB) & ~0x04);
    spi(f->avr, addr);
    uint8_t r = spi(f->avr, v);
    sim_test_avr_write(f->avr, PORTB, sim_test_avr_read(f->avr, PORTB) | 0x04);
    return r;
}

static void version_over_spi(void **state)
{
    fx *f = *state;
    assert_int_equal(reg(f, 0x42, 0x00), 0x12);
    assert_int_equal(f->faults, 0);
}

static void no_nss_no_radio(void **state)
{
    fx *f = *state;
    /* NSS high: the radio ignores the bus, MISO floats high */
    assert_int_equal(spi(f->avr, 0x42), 0xFF);
    assert_int_equal(spi(f->avr, 0x00), 0xFF);
    /* NSS as an input (released) is not a select either */
    sim_test_avr_write(f->avr, DDRB, 0x2A);
    sim_test_avr_write(f->avr, PORTB, 0x02);
    assert_int_equal(spi(f->avr, 0x42), 0xFF);
}

static void reset_pin_restores_defaults(void **state)
{
    fx *f = *state;
    reg(f, 0x80 | 0x06, 0x6D);              /* RegFrfMsb, common to both modems */
    assert_int_equal(reg(f, 0x06, 0), 0x6D);
    sim_test_avr_write(f->avr, PORTB, 0x04);         /* RST (PB1) low, NSS high */
    skip_ms(f->avr, 1);
    sim_test_avr_write(f->avr, DDRB, 0x2C);          /* release RST: input, floats high */
    skip_ms(f->avr, 10);
    assert_int_equal(reg(f, 0x06, 0), 0x6C);
    assert_int_equal(f->faults, 0);
}

static void dio_drives_pin_and_int0(void **state)
{
    fx *f = *state;
    avr_t *avr = f->avr;
    sim_test_avr_write(avr, DDRD, 0x00);
    sim_test_avr_write(avr, EICRA, 0x03);            /* INT0 on a rising edge */
    avr->data[EIFR] = 0;
    assert_int_equal(sim_test_avr_read(avr, PIND) & 0x04, 0);
    sim_rlink_dio(&f->rl, 0, true);
    assert_int_equal(sim_test_avr_read(avr, PIND) & 0x04, 0x04);
    assert_true(avr->data[EIFR] & 0x01);    /* INTF0 */
    sim_rlink_dio(&f->rl, 0, false);
    assert_int_equal(sim_test_avr_read(avr, PIND) & 0x04, 0);
}

static void pullup_does_not_override_dio(void **state)
{
    fx *f = *state;
    avr_t *avr = f->avr;
    sim_test_avr_write(avr, DDRD, 0x00);
    sim_test_avr_write(avr, PORTD, 0x44);            /* pull-ups on PD2 and PD6 */
    /* the radio drives DIO0 and DIO1 low: they read 0 */
    assert_int_equal(sim_test_avr_read(avr, PIND) & 0x44, 0x00);
    sim_rlink_dio(&f->rl, 1, true);
    assert_int_equal(sim_test_avr_read(avr, PIND) & 0x44, 0x40);
    sim_test_avr_write(avr, PORTD, 0x00);
    assert_int_equal(sim_test_avr_read(avr, PIND) & 0x44, 0x40);
}

static void open_jumper_floats(void **state)
{
    fx *f = *state;
    avr_t *avr = f->avr;
    sim_test_avr_write(avr, DDRD, 0x00);
    sim_rlink_dio(&f->rl, 1, true);
    assert_int_equal(sim_test_avr_read(avr, PIND) & 0x40, 0);    /* DIO1 reaches nothing */
    sim_test_avr_write(avr, PORTD, 0x40);                         /* only the pull-up */
    assert_int_equal(sim_test_avr_read(avr, PIND) & 0x40, 0x40);
    sim_rlink_dio(&f->rl, 0, true);                      /* DIO0 still wired */
    assert_int_equal(sim_test_avr_read(avr, PIND) & 0x04, 0x04);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(version_over_spi, setup, teardown),
        cmocka_unit_test_setup_teardown(no_nss_no_radio, setup, teardown),
        cmocka_unit_test_setup_teardown(reset_pin_restores_defaults, setup, teardown),
        cmocka_unit_test_setup_teardown(dio_drives_pin_and_int0, setup, teardown),
        cmocka_unit_test_setup_teardown(pullup_does_not_override_dio, setup, teardown),
        cmocka_unit_test_setup_teardown(open_jumper_floats, setup_jp1_open, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
