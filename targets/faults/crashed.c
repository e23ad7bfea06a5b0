/* crashed.c — writes past the end of SRAM (0x1000 > RAMEND 0x08FF on the
 * ATmega328P); simavr stops the CPU (cpu_Crashed). Expected: fault
 * "crashed", symbol wild_write. */
#include <avr/io.h>

volatile uint16_t where = 0x1000;

__attribute__((noinline)) static void wild_write(void)
{
    *(volatile uint8_t *)where = 1;
}

int main(void)
{
    wild_write();
    for (;;)
        ;
}
