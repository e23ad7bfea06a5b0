/* sim_uart.h — captures what the firmware prints on a UART as lines, with
 * the simulated time of each line's last byte. A part in simavr style: it
 * hooks the UART's UART_IRQ_OUTPUT and turns off simavr's own echo to the
 * terminal and its poll-sleep (usleep on RX polling, which costs wall time).
 *
 * Lines end at '\n'; '\r' is dropped; other bytes outside printable ASCII
 * are shown as \xNN so every line is valid UTF-8 JSON text. A line longer
 * than SIM_UART_MAX_LINE is emitted in pieces.
 *
 * Ownership: caller-owned struct; `text` passed to the callback is valid
 * during the call only. */
#ifndef LORAHIL_SIM_UART_H
#define LORAHIL_SIM_UART_H

#include <stddef.h>
#include <stdint.h>

#include <sim_avr.h>

#define SIM_UART_MAX_LINE 512

typedef void (*sim_uart_line_fn)(void *ctx, const char *text, uint64_t t_ns);

typedef struct sim_uart {
    avr_t *avr;
    char name;                  /* '0' for UART0 */
    sim_uart_line_fn line;
    void *ctx;
    char buf[SIM_UART_MAX_LINE + 8];
    size_t len;
    uint64_t bytes;             /* bytes the firmware wrote */
} sim_uart;

/* Hooks UARTn (name '0'..'3'). 0, or -1 with a message. */
int sim_uart_attach(sim_uart *u, avr_t *avr, char name, sim_uart_line_fn line, void *ctx,
                    char *err, size_t errlen);

/* Emits a pending partial line (end of run). */
void sim_uart_flush(sim_uart *u);

#endif
