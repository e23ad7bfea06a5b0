/* reset_loop.c — enables the Timer0 overflow interrupt without an ISR:
 * avr-libc's __bad_interrupt jumps to the reset vector, the program starts
 * over, and again. Expected: fault "reset_loop", symbol __bad_interrupt. */
#include <avr/interrupt.h>
#include <avr/io.h>

int main(void)
{
    TCCR0B = _BV(CS00);         /* clk/1: overflow after 256 cycles */
    TIMSK0 = _BV(TOIE0);
    sei();
    for (;;)
        ;
}
