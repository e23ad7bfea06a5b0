/* sim_sched.c — time-ordered host actions on one simavr cycle timer. */
#include "sim_sched.h"

#include <stdlib.h>

#include "sim_clock.h"

static avr_cycle_count_t on_timer(avr_t *avr, avr_cycle_count_t when, void *param);

void sim_sched_init(sim_sched *s, avr_t *avr)
{
    s->avr = avr;
    s->head = NULL;
    s->armed_cycle = 0;
}

void sim_sched_rearm(sim_sched *s)
{
    avr_t *avr = s->avr;
    if (!s->head) {
        if (s->armed_cycle)
            avr_cycle_timer_cancel(avr, on_timer, s);
        s->armed_cycle = 0;
        return;
    }
    uint64_t c = sim_ns_to_cycles(s->head->t_ns, avr->frequency);
    if (c <= avr->cycle)
        c = avr->cycle + 1;
    if (c == s->armed_cycle)
        return;
    avr_cycle_timer_register(avr, c - avr->cycle, on_timer, s);
    s->armed_cycle = c;
}

static avr_cycle_count_t on_timer(avr_t *avr, avr_cycle_count_t when, void *param)
{
    (void)when;
    sim_sched *s = param;
    s->armed_cycle = 0;
    uint64_t now = sim_cycles_to_ns(avr->cycle, avr->frequency);
    while (s->head && s->head->t_ns <= now) {
        sim_sched_item *it = s->head;
        s->head = it->next;
        it->fn(it->ctx, it->data, it->t_ns);
        free(it->data);
        free(it);
    }
    sim_sched_rearm(s);
    return 0;
}

int sim_sched_at(sim_sched *s, uint64_t t_ns, sim_sched_fn fn, void *ctx, void *data)
{
    sim_sched_item *it = malloc(sizeof *it);
    if (!it) {
        free(data);
        return -1;
    }
    *it = (sim_sched_item){t_ns, fn, ctx, data, NULL};
    sim_sched_item **pp = &s->head;
    while (*pp && (*pp)->t_ns <= t_ns)
        pp = &(*pp)->next;
    it->next = *pp;
    *pp = it;
    sim_sched_rearm(s);
    return 0;
}

void sim_sched_clear(sim_sched *s)
{
    while (s->head) {
        sim_sched_item *it = s->head;
        s->head = it->next;
        free(it->data);
        free(it);
    }
    if (s->armed_cycle)
        avr_cycle_timer_cancel(s->avr, on_timer, s);
    s->armed_cycle = 0;
}
