/* hal.h — the board under the node firmware: an ATmega328P at 16 MHz on an
 * Arduino Uno with a Dragino LoRa Shield v1.4. Time (Timer1), sleeping until
 * a deadline or a radio interrupt (the SX1276's DIO pins). Its SPI bus and
 * reset line (spi_radio.h) and the UART (uart.h) are in targets/common,
 * shared with the sniffer; hal_init sets them up too. Everything else that
 * touches AVR registers lives here.
 *
 * Time is a free-running 32-bit count of Timer1 ticks at 16 MHz / 1024
 * (64 us; wraps after 76 h, so compare times only through differences).
 * Waiting always sleeps (SLEEP_MODE_IDLE: Timer1, SPI and UART keep running)
 * until the deadline's compare match or an interrupt; Timer1's overflow also
 * wakes the CPU every 4.2 s to extend the count.
 *
 * Pins (Dragino shield): NSS D10 = PB2, RST D9 = PB1, SPI PB3/PB4/PB5,
 * DIO0 D2 = PD2 (INT0), DIO1 D6 = PD6 (PCINT22, jumper JP1). */
#ifndef TARGETS_HAL_H
#define TARGETS_HAL_H

#include <stdint.h>

#define HAL_TICK_US 64UL
#define HAL_MS(ms) ((uint32_t)(ms) * 125UL / 8UL)   /* ms -> ticks */
#define HAL_US(us) ((uint32_t)(us) / HAL_TICK_US)   /* us -> ticks, rounded down */
#define HAL_TICKS_TO_MS(t) ((uint32_t)(t) * 8UL / 125UL)

/* Radio interrupt lines, as bits of hal_wait's mask and result. */
#define HAL_EV_DIO0 0x01
#define HAL_EV_DIO1 0x02

void hal_init(void);

/* Current time in ticks. Also usable inside interrupt handlers. */
uint32_t hal_now(void);

/* Sleeps until one of the events in `mask` has happened (returns those bits
 * and clears them) or until `deadline` (returns 0). Events that happened
 * before the call count: hal_clear_events first to wait for a new one. */
uint8_t hal_wait(uint8_t mask, uint32_t deadline);
void hal_clear_events(uint8_t mask);
/* Time the last DIO0 rising edge was seen (captured in the interrupt). */
uint32_t hal_dio0_time(void);
void hal_sleep_until(uint32_t deadline);
void hal_sleep_ms(uint32_t ms);
/* A short busy wait for pulses shorter than a tick (reset pulse). */
void hal_delay_us(uint16_t us);
/* Stops for good (interrupts off, deepest sleep): used after a fatal error. */
void hal_halt(void) __attribute__((noreturn));

#endif
