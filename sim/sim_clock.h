/* sim_clock.h — simulated time: AVR cycles <-> nanoseconds. A cycle at
 * 16 MHz is 62.5 ns; cycles * 1e9 would overflow 64 bits after 18e9 cycles
 * (19 simulated minutes at 16 MHz), so conversions split whole seconds from
 * the remainder and stay exact for runs of any length. */
#ifndef LORAHIL_SIM_CLOCK_H
#define LORAHIL_SIM_CLOCK_H

#include <stdint.h>

/* Time of cycle `c` at hz, rounded down. */
static inline uint64_t sim_cycles_to_ns(uint64_t c, uint32_t hz)
{
    return c / hz * 1000000000ull + c % hz * 1000000000ull / hz;
}

/* First cycle at or after t_ns. */
static inline uint64_t sim_ns_to_cycles(uint64_t t_ns, uint32_t hz)
{
    uint64_t s = t_ns / 1000000000ull, r = t_ns % 1000000000ull;
    return s * hz + (r * hz + 999999999ull) / 1000000000ull;
}

#endif
