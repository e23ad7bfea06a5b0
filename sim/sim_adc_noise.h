/* sim_adc_noise.h — the analog side of the simulated board: what the AVR's
 * ADC reads on each single-ended input, drawn from the scenario's seeded
 * generator (design: "every random choice ... entropy read by firmware ...
 * comes from one seeded generator per scenario"), so the same firmware,
 * board and seed read the same values and print the same ciphertexts.
 *
 * Model (kept simple; voltages in mV against a 5 V supply):
 *   ADC0      a connected sensor: 1650 mV plus Gaussian noise, sd 3 mV
 *             (about +-1 LSB, like a real divider);
 *   ADC1..7   floating inputs: a random walk around mid-rail (2500 mV, steps
 *             of sd 15 mV, pulled back to the middle) plus Gaussian noise of
 *             sd 40 mV, so the low bits of each conversion are noise — what
 *             firmware harvests as entropy.
 * A value is drawn when a conversion starts (simavr's ADC_IRQ_OUT_TRIGGER)
 * and handed to the ADC on that channel's input IRQ. AVcc, AREF and Vcc are
 * set to 5000 mV when the core left them at 0.
 *
 * Ownership: caller-owned struct; the avr outlives it (the notify hook is
 * freed with the avr). */
#ifndef LORAHIL_SIM_ADC_NOISE_H
#define LORAHIL_SIM_ADC_NOISE_H

#include <stdint.h>

#include <sim_avr.h>

#include "sim_rng.h"

#define SIM_ADC_VCC_MV 5000
#define SIM_ADC_CHANNELS 8

typedef struct sim_adc_noise {
    avr_t *avr;
    avr_irq_t *in;                      /* ADC_IRQ_ADC0, the first input IRQ */
    sim_rng rng;
    double walk_mv[SIM_ADC_CHANNELS];   /* random-walk state of each floating input */
    uint32_t conversions;
} sim_adc_noise;

/* Seeded from the scenario seed (its own stream). Returns 0, or -1 when the
 * core has no ADC (nothing attached). */
int sim_adc_noise_attach(sim_adc_noise *n, avr_t *avr, uint64_t seed);

/* The millivolts the next conversion of `channel` reads (also used by the
 * attached hook); exposed for tests. */
uint32_t sim_adc_noise_sample(sim_adc_noise *n, unsigned channel);

#endif
