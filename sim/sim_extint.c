/* sim_extint.c — low-level INTn interrupts checked per instruction instead
 * of per cycle (see sim_extint.h). */
#include "sim_extint.h"

#include <string.h>

void sim_extint_attach(sim_extint *x, avr_t *avr)
{
    memset(x, 0, sizeof *x);
    x->avr = avr;
    for (avr_io_t *io = avr->io_port; io; io = io->next)
        if (io->kind && !strcmp(io->kind, "extint")) {
            x->ext = (avr_extint_t *)io;
            break;
        }
    if (!x->ext)
        return;
    for (int i = 0; i < EXTINT_COUNT; i++) {
        if (!x->ext->eint[i].port_ioctl)
            continue;
        avr_extint_set_strict_lvl_trig(avr, (uint8_t)i, 0);
        x->pin[i] = avr_io_getirq(avr, x->ext->eint[i].port_ioctl, x->ext->eint[i].port_pin);
        if (x->ext->eint[i].vector.enable.reg)
            x->enable_reg = x->ext->eint[i].vector.enable.reg;
    }
}

void sim_extint_levels(sim_extint *x)
{
    avr_t *avr = x->avr;
    for (int i = 0; i < EXTINT_COUNT; i++) {
        avr_int_vector_t *v = &x->ext->eint[i].vector;
        if (!x->pin[i] || !x->ext->eint[i].isc[1].reg || x->pin[i]->value ||
            !avr_regbit_get(avr, v->enable))
            continue;
        if (avr_regbit_get_array(avr, x->ext->eint[i].isc, 2) != 0)
            continue;       /* edge modes: simavr handles them */
        if (!avr_regbit_get(avr, v->raised) && !v->pending)
            avr_raise_interrupt(avr, v);
    }
}
