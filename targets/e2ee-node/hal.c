/* hal.c — UART waits, ADC, watchdog sleep and EEPROM of the ATmega328P;
 * the UART's ring buffer is targets/common/uart.c. See hal.h. */
#include "hal.h"

#include <avr/eeprom.h>
#include <avr/interrupt.h>
#include <avr/io.h>
#include <avr/sleep.h>
#include <avr/wdt.h>

#include "../common/uart.h"

static volatile uint8_t adc_done, tx_done;

static uint32_t EEMEM nvm_reserve = 0xFFFFFFFFul;

/* TXC: a byte has left. Done only when nothing is queued and UDRE has
 * already found the buffer empty (simavr raises TXC after every byte) */
ISR(USART_TX_vect)
{
    if (uart_idle())
        tx_done = 1;
}

ISR(ADC_vect)
{
    adc_done = 1;
}

EMPTY_INTERRUPT(WDT_vect); /* only wakes hal_sleep_s */

/* Idle sleep unless `cond` already holds; no wake-up can be lost between
 * the test and the sleep (SEI's one-instruction delay). */
#define SLEEP_IDLE_UNTIL(cond)          \
    do {                                \
        set_sleep_mode(SLEEP_MODE_IDLE); \
        cli();                          \
        if (cond) {                     \
            sei();                      \
            break;                      \
        }                               \
        sleep_enable();                 \
        sei();                          \
        sleep_cpu();                    \
        sleep_disable();                \
    } while (1)

void hal_init(void)
{
    /* unused pins: inputs with pull-ups (less current); A0/A1 stay plain
     * inputs with their digital buffers off */
    PORTB = 0xFF;
    PORTD = (uint8_t)~_BV(PD0);
    DIDR0 = _BV(ADC0D) | _BV(ADC1D);
    uart_init(); /* 115200 baud 8N1 */
    tx_done = 1; /* nothing to wait for yet */
    /* ADC: AVcc reference, 16 MHz / 128 = 125 kHz, interrupt on completion */
    ADMUX = _BV(REFS0);
    ADCSRA = _BV(ADEN) | _BV(ADIE) | _BV(ADPS2) | _BV(ADPS1) | _BV(ADPS0);
    sei();
}

void hal_putc(char c)
{
    SLEEP_IDLE_UNTIL(uart_room()); /* full: UDRE takes a byte and wakes us */
    tx_done = 0; /* hal_flush waits for this byte too */
    UCSR0A = _BV(U2X0) | _BV(TXC0); /* a stale TXC (write 1 clears it) must not end the wait early */
    uart_queue(c);
}

void hal_flush(void)
{
    UCSR0B |= _BV(TXCIE0);
    SLEEP_IDLE_UNTIL(tx_done);
    UCSR0B &= (uint8_t)~_BV(TXCIE0);
}

uint16_t hal_adc(uint8_t channel)
{
    ADMUX = _BV(REFS0) | (channel & 0x0F);
    adc_done = 0;
    ADCSRA |= _BV(ADSC);
    SLEEP_IDLE_UNTIL(adc_done);
    return ADC;
}

void hal_noise(uint8_t out[8])
{
    /* each conversion's value folded into a rotating byte: the low bits of a
     * floating input carry the noise; e2ee_iv whitens the result with AES */
    for (uint8_t i = 0; i < 8; i++) {
        uint8_t acc = 0;
        for (uint8_t k = 0; k < 8; k++) {
            uint16_t v = hal_adc(HAL_ADC_FLOATING);
            acc = (uint8_t)((acc << 1 | acc >> 7) ^ (uint8_t)v ^ (uint8_t)(v >> 8));
        }
        out[i] = acc;
    }
}

/* WDTCSR's timed sequence: the new value must be written within 4 cycles of
 * WDCE|WDE, so both stores are back to back in asm (as avr-libc's wdt_enable) */
static void wdt_write(uint8_t v)
{
    __asm__ __volatile__("sts %0, %1\n\t"
                         "sts %0, %2\n\t"
                         :
                         : "n"(_SFR_MEM_ADDR(WDTCSR)), "r"((uint8_t)(_BV(WDCE) | _BV(WDE))), "r"(v)
                         : "memory");
}

static void wdt_sleep(uint8_t wdto)
{
    /* watchdog in interrupt mode only (no reset), then power-down; the
     * UART must be idle first: power-down stops its clock */
    uint8_t v = (uint8_t)(_BV(WDIE) | (wdto & 0x08 ? _BV(WDP3) : 0) | (wdto & 0x07));
    hal_flush();
    cli();
    wdt_reset();
    MCUSR &= (uint8_t)~_BV(WDRF);
    wdt_write(v);
    set_sleep_mode(SLEEP_MODE_PWR_DOWN);
    sleep_enable();
    sei();
    sleep_cpu();
    sleep_disable();
    cli();
    wdt_write(0); /* off until the next sleep */
    sei();
}

void hal_sleep_s(uint16_t s)
{
    while (s >= 8) {
        wdt_sleep(WDTO_8S);
        s -= 8;
    }
    if (s & 4)
        wdt_sleep(WDTO_4S);
    if (s & 2)
        wdt_sleep(WDTO_2S);
    if (s & 1)
        wdt_sleep(WDTO_1S);
}

uint32_t hal_nvm_read(void)
{
    return eeprom_read_dword(&nvm_reserve);
}

void hal_nvm_write(uint32_t v)
{
    eeprom_update_dword(&nvm_reserve, v);
}
