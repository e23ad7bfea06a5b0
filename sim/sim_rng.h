/* sim_rng.h — the scenario's seeded random numbers (design: "every random
 * choice comes from one seeded generator per scenario"). SplitMix64
 * (Steele, Lea, Flood 2014): tiny, full-period, and good enough for RSSI
 * noise; each consumer derives its own stream with sim_rng_split so adding a
 * consumer does not shift the others' numbers. */
#ifndef LORAHIL_SIM_RNG_H
#define LORAHIL_SIM_RNG_H

#include <math.h>
#include <stdint.h>

typedef struct sim_rng {
    uint64_t s;
} sim_rng;

static inline uint64_t sim_rng_next(sim_rng *r)
{
    uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* An independent stream for consumer `tag` of scenario `seed`. */
static inline sim_rng sim_rng_split(uint64_t seed, uint64_t tag)
{
    sim_rng r = {seed ^ (tag * 0xD1B54A32D192ED03ull)};
    sim_rng_next(&r);
    return r;
}

/* Uniform in [0, 1). */
static inline double sim_rng_uniform(sim_rng *r)
{
    return (double)(sim_rng_next(r) >> 11) * 0x1.0p-53;
}

/* Normal(0, 1), Box-Muller. */
static inline double sim_rng_gauss(sim_rng *r)
{
    double u1 = sim_rng_uniform(r), u2 = sim_rng_uniform(r);
    if (u1 < 1e-300)
        u1 = 1e-300;
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

#endif
