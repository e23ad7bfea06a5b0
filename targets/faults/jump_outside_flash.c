/* jump_outside_flash.c — calls through a function pointer into erased flash
 * (byte 0x6000, far past this small program). Expected: fault
 * "jump_outside_flash" naming the function that made the call, jump_away. */
#include <avr/io.h>

typedef void (*fn)(void);
volatile uint16_t target = 0x3000;     /* word address = byte 0x6000 */

__attribute__((noinline)) static void jump_away(void)
{
    ((fn)target)();
}

int main(void)
{
    jump_away();
    for (;;)
        ;
}
