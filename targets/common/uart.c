/* uart.c — interrupt-driven USART0 transmit on the ATmega328P; see uart.h. */
#include "uart.h"

#include <avr/interrupt.h>
#include <avr/io.h>
#include <avr/sleep.h>
#include <stdint.h>

#define UART_BUF 64 /* power of two */
static volatile char uart_buf[UART_BUF];
static volatile uint8_t uart_head, uart_tail;

ISR(USART_UDRE_vect)
{
    if (uart_head == uart_tail) {
        UCSR0B &= (uint8_t)~_BV(UDRIE0);
        return;
    }
    UDR0 = uart_buf[uart_tail];
    uart_tail = (uart_tail + 1) & (UART_BUF - 1);
}

void uart_init(void)
{
    UCSR0A = _BV(U2X0);
    UBRR0 = 16;
    UCSR0C = _BV(UCSZ01) | _BV(UCSZ00);
    UCSR0B = _BV(TXEN0);
}

/* The two halves of uart_putc, inlined there and public for the firmware
 * that waits its own way (an unused public copy is dropped at link time). */
static inline uint8_t next_head(void)
{
    return (uart_head + 1) & (UART_BUF - 1);
}

static inline void queue_at(uint8_t next, char c)
{
    uart_buf[uart_head] = c;
    uart_head = next;
    UCSR0B |= _BV(UDRIE0);
}

uint8_t uart_room(void)
{
    return next_head() != uart_tail;
}

void uart_queue(char c)
{
    queue_at(next_head(), c);
}

uint8_t uart_idle(void)
{
    return uart_head == uart_tail && !(UCSR0B & _BV(UDRIE0));
}

void uart_putc(char c)
{
    uint8_t next = next_head();
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
    queue_at(next, c);
    sei();
}

void uart_flush(void)
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
