/* hal.c — Timer1 clock, sleep, SX1276 pins/SPI and UART on the ATmega328P;
 * see hal.h. */
#include "hal.h"

#include <avr/interrupt.h>
#include <avr/io.h>
#include <avr/sleep.h>
#include <util/delay.h>

static volatile uint16_t clock_hi;   /* Timer1 overflows: bits 31..16 of the time */
static volatile uint8_t events;      /* HAL_EV_* seen since last cleared */
static volatile uint32_t dio0_time;

#define UART_BUF 64                  /* power of two */
static volatile char uart_buf[UART_BUF];
static volatile uint8_t uart_head, uart_tail;

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

ISR(USART_UDRE_vect)
{
    if (uart_head == uart_tail) {
        UCSR0B &= (uint8_t)~_BV(UDRIE0);
        return;
    }
    UDR0 = uart_buf[uart_tail];
    uart_tail = (uart_tail + 1) & (UART_BUF - 1);
}

void hal_init(void)
{
    /* SPI master, mode 0, fosc/4 = 4 MHz (the SX1276 allows 10 MHz). NSS
     * (PB2, also the SPI SS pin, which must be an output for master mode to
     * stick) idles high. RST stays an input (floating) until hal_radio_reset. */
    PORTB |= _BV(PB2);
    DDRB |= _BV(PB2) | _BV(PB3) | _BV(PB5);
    SPCR = _BV(SPE) | _BV(MSTR);
    SPSR = 0;

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

    /* UART 115200 baud: U2X, UBRR = 16 (2.1% error, as the Uno bootloader). */
    UCSR0A = _BV(U2X0);
    UBRR0 = 16;
    UCSR0C = _BV(UCSZ01) | _BV(UCSZ00);
    UCSR0B = _BV(TXEN0);

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

void hal_radio_reset(uint8_t level)
{
    if (level) {
        DDRB &= (uint8_t)~_BV(PB1); /* release: the radio's pull-up holds it high */
        PORTB &= (uint8_t)~_BV(PB1);
    } else {
        PORTB &= (uint8_t)~_BV(PB1);
        DDRB |= _BV(PB1);
    }
}

void hal_spi_select(uint8_t on)
{
    if (on)
        PORTB &= (uint8_t)~_BV(PB2);
    else
        PORTB |= _BV(PB2);
}

uint8_t hal_spi_byte(uint8_t out)
{
    SPDR = out;
    while (!(SPSR & _BV(SPIF)))
        ; /* 8 SPI clocks = 2 us */
    return SPDR;
}

void hal_putc(char c)
{
    uint8_t next = (uart_head + 1) & (UART_BUF - 1);
    for (;;) {
        cli();
        if (next != uart_tail)
            break;
        /* Full: sleep until the UDRE interrupt has taken a byte. */
        sleep_enable();
        sei();
        sleep_cpu();
        sleep_disable();
    }
    uart_buf[uart_head] = c;
    uart_head = next;
    UCSR0B |= _BV(UDRIE0);
    sei();
}

void hal_flush(void)
{
    for (;;) {
        cli();
        if (uart_head == uart_tail && (UCSR0A & _BV(UDRE0)))
            break;
        sleep_enable();
        sei();
        sleep_cpu();
        sleep_disable();
    }
    sei();
}

void hal_halt(void)
{
    hal_flush();
    cli();
    set_sleep_mode(SLEEP_MODE_PWR_DOWN);
    for (;;) {
        sleep_enable();
        sleep_cpu();
    }
}
