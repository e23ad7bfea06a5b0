/* silent.c — says hello, then sleeps with interrupts on and nothing to wake
 * it: no SPI or UART activity ever again. Expected (with a short
 * --silent-timeout): fault "silent", symbol main. */
#include <avr/interrupt.h>
#include <avr/io.h>
#include <avr/sleep.h>

int main(void)
{
    UBRR0 = 16;                 /* 115200 baud at 16 MHz, U2X */
    UCSR0A = _BV(U2X0);
    UCSR0B = _BV(TXEN0);
    const char *s = "hello\n";
    while (*s) {
        while (!(UCSR0A & _BV(UDRE0)))
            ;
        UDR0 = *s++;
    }
    sei();
    set_sleep_mode(SLEEP_MODE_PWR_DOWN);
    for (;;)
        sleep_mode();
}
