/* sim_extint.h — level-triggered INTn without simavr's per-cycle polling.
 *
 * simavr 1.6 (avr_extint.c) keeps a cycle timer firing every CPU cycle, each
 * one an avr_ioctl() over all IO modules, for as long as an INTn pin is low
 * while its sense control is "low level" (ISCn = 00, the reset value) —
 * whether or not INTn is enabled in EIMSK. A radio DIO line idles low, so
 * that alone cost a fifth of the simulation time. We turn simavr's polling
 * off (avr_extint_set_strict_lvl_trig) and give the datasheet behaviour
 * back ("the interrupt will trigger as long as the pin is held low",
 * ATmega328P 13.2.1) with a check after each instruction that only looks
 * further when some INTn is enabled: the low-level interrupt is requested
 * while the pin is low, ISCn = 00, INTn enabled and interrupts on.
 *
 * Ownership: caller-owned struct; avr outlives it. */
#ifndef LORAHIL_SIM_EXTINT_H
#define LORAHIL_SIM_EXTINT_H

#include <stdint.h>

#include <sim_avr.h>
#include <avr_extint.h>

typedef struct sim_extint {
    avr_t *avr;
    avr_extint_t *ext;          /* NULL when the core has none */
    uint16_t enable_reg;        /* EIMSK data address, 0 when none */
    avr_irq_t *pin[EXTINT_COUNT];
} sim_extint;

void sim_extint_attach(sim_extint *x, avr_t *avr);

void sim_extint_levels(sim_extint *x);

/* After each instruction. */
static inline void sim_extint_step(sim_extint *x)
{
    if (x->enable_reg && x->avr->data[x->enable_reg] && x->avr->sreg[S_I])
        sim_extint_levels(x);
}

#endif
