/* stack_overflow.c — unbounded recursion with a local buffer: the stack
 * grows down into .bss. Expected: fault "stack_overflow", symbol recurse. */
#include <avr/io.h>

volatile uint8_t sink;

__attribute__((noinline)) static void recurse(uint8_t n)
{
    volatile uint8_t buf[24];
    buf[0] = n;
    recurse((uint8_t)(n + 1));
    sink = buf[0];
}

int main(void)
{
    recurse(0);
    for (;;)
        ;
}
