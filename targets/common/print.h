/* print.h — the few UART formatting helpers our firmware needs (no printf: it
 * would cost about 1.5 KB of flash), over uart_putc (uart.h). Strings stay in
 * flash (PSTR). Used by targets/lorawan-node and targets/sniffer. */
#ifndef TARGETS_PRINT_H
#define TARGETS_PRINT_H

#include <avr/pgmspace.h>
#include <stdint.h>

void pr_str_P(const char *s);            /* a PSTR() string */
#define pr(s) pr_str_P(PSTR(s))
void pr_u32(uint32_t v);                 /* decimal */
void pr_i32(int32_t v);                  /* decimal, with '-' when negative */
void pr_hex(const uint8_t *b, uint8_t n); /* lowercase hex, no separators */
void pr_hex8(uint8_t v);
void pr_hex32(uint32_t v);               /* 8 digits, most significant first */
void pr_nl(void);                        /* "\r\n" */

#endif
