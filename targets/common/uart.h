/* uart.h — USART0 transmit for our ATmega328P firmware at 16 MHz (Arduino
 * Uno): 115200 baud 8N1 (U2X, UBRR = 16: 2.1 % error, as the Uno
 * bootloader), interrupt-driven from a 64-byte ring buffer. Used by
 * targets/lorawan-node, targets/sniffer and targets/e2ee-node.
 *
 * uart_putc and uart_flush sleep in whatever sleep mode the firmware has
 * set; it must be SLEEP_MODE_IDLE (the UART keeps running) and interrupts
 * must be enabled. Each leaves interrupts enabled. A firmware that waits
 * its own way (targets/e2ee-node: power-down needs the last stop bit out)
 * builds on uart_room, uart_queue and uart_idle instead. */
#ifndef TARGETS_UART_H
#define TARGETS_UART_H

#include <stdint.h>

/* Sets the baud rate and frame format and enables the transmitter. */
void uart_init(void);

/* Queues one byte; sleeps while the buffer is full. */
void uart_putc(char c);

/* Sleeps until the buffer is empty and UDR0 can take a byte (the last byte
 * may still be in the shift register). */
void uart_flush(void);

/* Nonzero when the buffer has room for one more byte. */
uint8_t uart_room(void);
/* Queues one byte (there must be room) and enables the UDRE interrupt,
 * which sends it; leaves the interrupt flag as it was. */
void uart_queue(char c);
/* Nonzero when nothing is queued and the UDRE interrupt has found the
 * buffer empty (the last byte may still be in UDR0 or the shift register). */
uint8_t uart_idle(void);

#endif
