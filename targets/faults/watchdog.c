/* watchdog.c — enables the watchdog (15 ms, reset mode) and then never
 * kicks it. Expected: fault "watchdog_reset", symbol main (where it hung). */
#include <avr/io.h>
#include <avr/wdt.h>

int main(void)
{
    wdt_enable(WDTO_15MS);
    for (;;)
        ;
}
