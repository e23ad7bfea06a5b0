/* hal.c — Timer1 clock, sleep and the SX1276 DIO interrupts on the
 * ATmega328P; the radio's SPI bus and the UART are in targets/common
 * (spi_radio.c, uart.c). See hal.h. */
#include "hal.h"

#include <avr/interrupt.h>
#include <avr/io.h>
#include <avr/sleep.h>
#include <util/delay.h>

#include "../common/spi_radio.h"
#include "../common/uart.h"

static volatile uint16_t clock_hi;   /* Timer1 overflows: bits 31..16 of the time */
static volatile uint8_t events;      /* HAL_EV_* seen since last cleared */
static volatile uint32_t dio0_time;

ISR(TIMER1_OVF_vect)
{
    clock_hi++;
}

/* Only wakes the CPU; hal_wait looks at the time itself. */
EMPTY_INTERRUPT(TIMER1_COMPA_vect);

ISR(INT0_vect) /* DIO0 rising: TxDone or RxDone */
{
    dio0_time = hal_now();
    events |= HAL_EV_DIO0;
}

ISR(PCINT2_vect) /* any change on PD6; only the rising edge matters */
{
    if (PIND & _BV(PD6))
        events |= HAL_EV_DIO1;
}

void hal_init(void)
{
    spi_radio_init(); /* SX1276 bus, NSS idling high (common/spi_radio.c) */

    /* DIO0 on INT0, rising edge; DIO1 on PCINT22. Plain inputs: the radio
     * drives them. */
    DDRD &= (uint8_t)~(_BV(PD2) | _BV(PD6) | _BV(PD7));
    EICRA = _BV(ISC01) | _BV(ISC00);
    EIFR = _BV(INTF0);
    EIMSK = _BV(INT0);
    PCMSK2 = _BV(PCINT22);
    PCIFR = _BV(PCIF2);
    PCICR = _BV(PCIE2);

    /* Timer1 free-running, clk/1024; overflow extends the count. */
    TCCR1A = 0;
    TCCR1B = _BV(CS12) | _BV(CS10);
    TCNT1 = 0;
    TIFR1 = _BV(TOV1) | _BV(OCF1A);
    TIMSK1 = _BV(TOIE1);

    uart_init();      /* 115200 8N1 (common/uart.c) */

    set_sleep_mode(SLEEP_MODE_IDLE);
    sei();
}
uint32_t hal_now(void)
{
    uint8_t sreg = SREG;
    uint16_t hi, lo;
    cli();
    hi = clock_hi;
    lo = TCNT1;
    /* An overflow not yet serviced: count it if TCNT1 was read after it. */
    if ((TIFR1 & _BV(TOV1)) && lo < 0x8000)
        hi++;
    SREG = sreg;
    return (uint32_t)hi << 16 | lo;
}

uint32_t hal_dio0_time(void)
{
    uint32_t t;
    cli();
    t = dio0_time;
    sei();
    return t;
}

void hal_clear_events(uint8_t mask)
{
    cli();
    events &= (uint8_t)~mask;
    sei();
}

uint8_t hal_wait(uint8_t mask, uint32_t deadline)
{
    for (;;) {
        int32_t left;
        uint8_t got;
        cli();
        got = events & mask;
        if (got) {
            events &= (uint8_t)~got;
            sei();
            return got;
        }
        left = (int32_t)(deadline - hal_now());
        if (left <= 0) {
            sei();
            return 0;
        }
        if (left < 2) { /* under two ticks: the compare could be missed */
            sei();
            continue;
        }
        /* The compare fires once TCNT1 reaches the deadline's low half; if
         * the deadline is further than one wrap, that is an early wake-up
         * and the loop goes back to sleep. */
        OCR1A = (uint16_t)deadline;
        TIFR1 = _BV(OCF1A);
        TIMSK1 |= _BV(OCIE1A);
        sleep_enable();
        sei();          /* the instruction after SEI runs before any interrupt: */
        sleep_cpu();    /* no wake-up is lost between the test and the sleep */
        sleep_disable();
        TIMSK1 &= (uint8_t)~_BV(OCIE1A);
    }
}

void hal_sleep_until(uint32_t deadline)
{
    hal_wait(0, deadline);
}

void hal_sleep_ms(uint32_t ms)
{
    hal_sleep_until(hal_now() + HAL_MS(ms) + 1);
}

void hal_delay_us(uint16_t us)
{
    while (us--)
        _delay_us(1);
}

void hal_halt(void)
{
    uart_flush();
    cli();
    set_sleep_mode(SLEEP_MODE_PWR_DOWN);
    for (;;) {
        sleep_enable();
        sleep_cpu();
    }
}
