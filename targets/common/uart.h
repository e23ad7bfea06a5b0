/* uart.h — USART0 transmit for our ATmega328P firmware at 16 MHz (Arduino
 * Uno): 115200 baud 8N1 (U2X, UBRR = 16: 2.1 % error, as the Uno
 * bootloader), interrupt-driven from a 64-byte ring buffer. Used by
 * targets/lorawan-node and targets/sniffer.
 *
 * The waits sleep in whatever sleep mode the firmware has set; it must be
 * SLEEP_MODE_IDLE (the UART keeps running) and interrupts must be enabled.
 * Each wait leaves interrupts enabled. */
#ifndef TARGETS_UART_H
#define TARGETS_UART_H

/* Sets the baud rate and frame format and enables the transmitter. */
void uart_init(void);

/* Queues one byte; sleeps while the buffer is full. */
void uart_putc(char c);

/* Sleeps until the buffer is empty and UDR0 can take a byte (the last byte
 * may still be in the shift register). */
void uart_flush(void);

#endif
