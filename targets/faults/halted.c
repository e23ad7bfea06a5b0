/* halted.c — sleeps with interrupts disabled: nothing can ever wake the CPU
 * (simavr's cpu_Done). Expected: fault "halted", symbol main. */
#include <avr/interrupt.h>
#include <avr/io.h>
#include <avr/sleep.h>

int main(void)
{
    cli();
    set_sleep_mode(SLEEP_MODE_PWR_DOWN);
    sleep_enable();
    sleep_cpu();
    for (;;)
        ;
}
