/* sim_test_avr.h — shared simavr fixture for unit tests that drive a bare
 * ATmega328P (no firmware) through its I/O registers, the way the CPU does
 * on `out`/`in`/`sts`/`lds`. Each tests/unit/test_*.c is built as its own
 * binary, so everything here is static inline, except the one LSan hook,
 * which a test binary defines exactly once by including this header. */
#ifndef SIM_TEST_AVR_H
#define SIM_TEST_AVR_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sim_avr.h>

/* simavr 1.6 does not free its IRQ pools in avr_terminate(); not our leak */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:libsimavr.so\n";
}

static inline void sim_test_avr_quiet(avr_t *avr, const int level, const char *fmt, va_list ap)
{
    (void)avr, (void)level, (void)fmt, (void)ap;
}

/* a silenced, initialised ATmega328P clocked at freq_hz; caller owns it
 * (avr_terminate + free) */
static inline avr_t *sim_test_avr_new(uint32_t freq_hz)
{
    avr_global_logger_set(sim_test_avr_quiet);
    avr_t *avr = avr_make_mcu_by_name("atmega328p");
    assert_non_null(avr);
    avr_init(avr);
    avr->frequency = freq_hz;
    return avr;
}

/* a CPU write to data-space address addr (an I/O register's handler, if any) */
static inline void sim_test_avr_write(avr_t *avr, uint16_t addr, uint8_t v)
{
    avr_io_addr_t io = AVR_DATA_TO_IO(addr);
    if (avr->io[io].w.c)
        avr->io[io].w.c(avr, addr, v, avr->io[io].w.param);
    else
        avr->data[addr] = v;
}

/* a CPU read of data-space address addr */
static inline uint8_t sim_test_avr_read(avr_t *avr, uint16_t addr)
{
    avr_io_addr_t io = AVR_DATA_TO_IO(addr);
    if (avr->io[io].r.c)
        return avr->io[io].r.c(avr, addr, avr->io[io].r.param);
    return avr->data[addr];
}

#endif
