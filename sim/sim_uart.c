/* sim_uart.c — UART output captured as lines (see sim_uart.h). */
#include "sim_uart.h"

#include <stdio.h>
#include <string.h>

#include <avr_uart.h>

#include "sim_clock.h"

static void emit(sim_uart *u)
{
    u->buf[u->len] = 0;
    if (u->line)
        u->line(u->ctx, u->buf, sim_cycles_to_ns(u->avr->cycle, u->avr->frequency));
    u->len = 0;
}

static void on_byte(struct avr_irq_t *irq, uint32_t value, void *param)
{
    (void)irq;
    sim_uart *u = param;
    uint8_t c = (uint8_t)value;
    u->bytes++;
    if (c == '\n') {
        emit(u);
        return;
    }
    if (c == '\r')
        return;
    if (c >= 0x20 && c < 0x7f) {
        u->buf[u->len++] = (char)c;
    } else {
        static const char hex[] = "0123456789abcdef";
        u->buf[u->len++] = '\\';
        u->buf[u->len++] = 'x';
        u->buf[u->len++] = hex[c >> 4];
        u->buf[u->len++] = hex[c & 15];
    }
    if (u->len >= SIM_UART_MAX_LINE)
        emit(u);
}

int sim_uart_attach(sim_uart *u, avr_t *avr, char name, sim_uart_line_fn line, void *ctx,
                    char *err, size_t errlen)
{
    memset(u, 0, sizeof *u);
    u->avr = avr;
    u->name = name;
    u->line = line;
    u->ctx = ctx;
    avr_irq_t *out = avr_io_getirq(avr, AVR_IOCTL_UART_GETIRQ(name), UART_IRQ_OUTPUT);
    if (!out) {
        snprintf(err, errlen, "%s has no UART%c", avr->mmcu, name);
        return -1;
    }
    /* no echo to our stdout, no usleep() while the firmware polls RXC */
    uint32_t flags = 0;
    avr_ioctl(avr, AVR_IOCTL_UART_GET_FLAGS(name), &flags);
    flags &= ~(uint32_t)(AVR_UART_FLAG_STDIO | AVR_UART_FLAG_POLL_SLEEP);
    avr_ioctl(avr, AVR_IOCTL_UART_SET_FLAGS(name), &flags);
    avr_irq_register_notify(out, on_byte, u);
    return 0;
}

void sim_uart_flush(sim_uart *u)
{
    if (u->len)
        emit(u);
}
