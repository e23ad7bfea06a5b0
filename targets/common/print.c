/* print.c — UART formatting helpers; see print.h. */
#include "print.h"

#include "uart.h"

void pr_str_P(const char *s)
{
    char c;
    while ((c = (char)pgm_read_byte(s++)) != 0)
        uart_putc(c);
}

void pr_u32(uint32_t v)
{
    char d[10];
    uint8_t n = 0;
    do {
        d[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        uart_putc(d[--n]);
}

void pr_i32(int32_t v)
{
    if (v < 0) {
        uart_putc('-');
        pr_u32((uint32_t)0 - (uint32_t)v);
    } else {
        pr_u32((uint32_t)v);
    }
}

void pr_hex8(uint8_t v)
{
    static const char digits[] PROGMEM = "0123456789abcdef";
    uart_putc((char)pgm_read_byte(&digits[v >> 4]));
    uart_putc((char)pgm_read_byte(&digits[v & 15]));
}

void pr_hex(const uint8_t *b, uint8_t n)
{
    while (n--)
        pr_hex8(*b++);
}

void pr_hex32(uint32_t v)
{
    for (int8_t s = 24; s >= 0; s -= 8)
        pr_hex8((uint8_t)(v >> s));
}

void pr_nl(void)
{
    uart_putc('\r');
    uart_putc('\n');
}
