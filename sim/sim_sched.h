/* sim_sched.h — host-side actions at a simulated instant (a frame reaching
 * the gateway, a downlink leaving it): a time-ordered list driven by one
 * simavr cycle timer, so a sleeping AVR wakes for them and time never skips
 * past one. Equal times run in the order they were scheduled.
 *
 * Ownership: `data` given to sim_sched_at is owned by the scheduler and
 * free()d after its callback ran (or by sim_sched_clear). */
#ifndef LORAHIL_SIM_SCHED_H
#define LORAHIL_SIM_SCHED_H

#include <stdint.h>

#include <sim_avr.h>

typedef void (*sim_sched_fn)(void *ctx, void *data, uint64_t t_ns);

typedef struct sim_sched_item {
    uint64_t t_ns;
    sim_sched_fn fn;
    void *ctx;
    void *data;
    struct sim_sched_item *next;
} sim_sched_item;

typedef struct sim_sched {
    avr_t *avr;
    sim_sched_item *head;
    uint64_t armed_cycle;           /* cycle the simavr timer is set for, 0 none */
} sim_sched;

void sim_sched_init(sim_sched *s, avr_t *avr);

/* Runs fn(ctx, data, t) at simulated t_ns (now if already past).
 * Returns 0, or -1 on OOM (data is freed then). */
int sim_sched_at(sim_sched *s, uint64_t t_ns, sim_sched_fn fn, void *ctx, void *data);

/* Re-arms the simavr timer (after avr_reset cleared every cycle timer). */
void sim_sched_rearm(sim_sched *s);

/* Drops every pending action. */
void sim_sched_clear(sim_sched *s);

#endif
