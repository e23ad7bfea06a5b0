/* illegal_opcode.c — executes 0x0001, a reserved encoding in the AVR
 * instruction set (AVR Instruction Set Manual: no instruction matches it).
 * Expected: fault "illegal_opcode", symbol bad_code. */
#include <avr/io.h>

__attribute__((noinline)) static void bad_code(void)
{
    __asm__ volatile(".word 0x0001");
}

int main(void)
{
    bad_code();
    for (;;)
        ;
}
