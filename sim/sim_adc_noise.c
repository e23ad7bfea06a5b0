/* sim_adc_noise.c — seeded analog inputs for simavr's ADC; see
 * sim_adc_noise.h. */
#include "sim_adc_noise.h"

#include <string.h>

#include <avr_adc.h>

#define SENSOR_MV 1650.0
#define SENSOR_SD_MV 3.0
#define FLOAT_MID_MV 2500.0
#define FLOAT_STEP_SD_MV 15.0
#define FLOAT_PULL 0.02         /* share of the distance to mid-rail pulled back per draw */
#define FLOAT_SD_MV 40.0
#define RNG_TAG 0xADC0153Eull   /* this consumer's stream of the scenario seed */

uint32_t sim_adc_noise_sample(sim_adc_noise *n, unsigned ch)
{
    double mv;
    if (ch == 0) {
        mv = SENSOR_MV + SENSOR_SD_MV * sim_rng_gauss(&n->rng);
    } else {
        double *w = &n->walk_mv[ch % SIM_ADC_CHANNELS];
        *w += FLOAT_STEP_SD_MV * sim_rng_gauss(&n->rng) - FLOAT_PULL * *w;
        mv = FLOAT_MID_MV + *w + FLOAT_SD_MV * sim_rng_gauss(&n->rng);
    }
    n->conversions++;
    if (mv < 0)
        mv = 0;
    if (mv > SIM_ADC_VCC_MV)
        mv = SIM_ADC_VCC_MV;
    return (uint32_t)(mv + 0.5);
}

/* A conversion starts: give its channel a fresh value before the firmware
 * reads ADCL (simavr computes the result then). */
static void on_trigger(avr_irq_t *irq, uint32_t value, void *param)
{
    (void)irq;
    sim_adc_noise *n = param;
    union {
        avr_adc_mux_t mux;
        uint32_t v;
    } e = {.v = value};
    if (e.mux.kind != ADC_MUX_SINGLE || e.mux.src >= SIM_ADC_CHANNELS)
        return; /* temperature, references, differential: simavr's own values */
    avr_raise_irq(n->in + e.mux.src, sim_adc_noise_sample(n, e.mux.src));
}

int sim_adc_noise_attach(sim_adc_noise *n, avr_t *avr, uint64_t seed)
{
    memset(n, 0, sizeof *n);
    n->avr = avr;
    n->rng = sim_rng_split(seed, RNG_TAG);
    avr_irq_t *trig = avr_io_getirq(avr, AVR_IOCTL_ADC_GETIRQ, ADC_IRQ_OUT_TRIGGER);
    n->in = avr_io_getirq(avr, AVR_IOCTL_ADC_GETIRQ, ADC_IRQ_ADC0);
    if (!trig || !n->in)
        return -1;
    if (!avr->vcc)
        avr->vcc = SIM_ADC_VCC_MV;
    if (!avr->avcc)
        avr->avcc = SIM_ADC_VCC_MV;
    if (!avr->aref)
        avr->aref = SIM_ADC_VCC_MV;
    avr_irq_register_notify(trig, on_trigger, n);
    return 0;
}
