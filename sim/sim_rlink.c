/* sim_rlink.c — wiring between the AVR and the SX1276 model (see
 * sim_rlink.h). */
#include "sim_rlink.h"

#include <stdio.h>
#include <string.h>

#include <avr_spi.h>

#include "sim_clock.h"

static uint64_t now_ns(const sim_rlink *rl)
{
    return sim_cycles_to_ns(rl->avr->cycle, rl->avr->frequency);
}

static avr_cycle_count_t on_timer(avr_t *avr, avr_cycle_count_t when, void *param)
{
    (void)avr, (void)when;
    sim_rlink *rl = param;
    rl->armed_cycle = 0;
    sx1276_advance(rl->radio, now_ns(rl));
    sim_rlink_rearm(rl);
    return 0;
}

void sim_rlink_rearm(sim_rlink *rl)
{
    avr_t *avr = rl->avr;
    uint64_t next = sx1276_next_event_ns(rl->radio);
    if (next == UINT64_MAX) {
        if (rl->armed_cycle)
            avr_cycle_timer_cancel(avr, on_timer, rl);
        rl->armed_cycle = 0;
        return;
    }
    uint64_t c = sim_ns_to_cycles(next, avr->frequency);
    if (c <= avr->cycle)
        c = avr->cycle + 1;
    if (c == rl->armed_cycle)
        return;
    avr_cycle_timer_register(avr, c - avr->cycle, on_timer, rl);
    rl->armed_cycle = c;
}

/* The level of a line driven by an AVR pin: the PORT bit when the pin is an
 * output, released (high) when it is an input — NRESET must float in normal
 * operation (SX1276 datasheet 7.2.2) and NSS idles high. */
static void line_update(sim_rlink_line *l, uint8_t port, uint8_t ddr)
{
    bool level = (ddr & l->mask) ? (port & l->mask) != 0 : true;
    if (level == l->level)
        return;
    l->level = level;
    sim_rlink *rl = l->rl;
    if (l->is_nss)
        sx1276_nss(rl->radio, level, now_ns(rl));
    else
        sx1276_reset_pin(rl->radio, level, now_ns(rl));
    sim_rlink_rearm(rl);
}

/* PORTx written: simavr has stored the new value already */
static void on_port(struct avr_irq_t *irq, uint32_t value, void *param)
{
    (void)irq;
    sim_rlink_line *l = param;
    line_update(l, (uint8_t)value, l->rl->avr->data[l->port->r_ddr]);
}

/* DDRx written: raised before simavr stores it, so take the value given */
static void on_ddr(struct avr_irq_t *irq, uint32_t value, void *param)
{
    (void)irq;
    sim_rlink_line *l = param;
    line_update(l, l->rl->avr->data[l->port->r_port], (uint8_t)value);
}

static void on_spi(struct avr_irq_t *irq, uint32_t value, void *param)
{
    (void)irq;
    sim_rlink *rl = param;
    if (rl->nss.level)
        return;         /* not selected: the radio's MISO stays high-Z */
    rl->spi_bytes++;
    uint8_t miso = sx1276_spi_byte(rl->radio, (uint8_t)value, now_ns(rl));
    avr_raise_irq(rl->spi_in, miso);
    sim_rlink_rearm(rl);
}

/* The radio drives its DIO lines push-pull, so the AVR pin follows the DIO
 * whatever the firmware does with its pull-up. simavr 1.6 would otherwise
 * re-drive an input pin from PORTx on every PORT/DDR write (a pull-up reads
 * 1 over a DIO at 0); its "external" pull value is the hook it gives parts
 * that drive a pin from outside (avr_ioport.c: avr_ioport_update_irqs). */
static void drive_dio(sim_rlink *rl, int d, bool level)
{
    rl->dio_level[d] = level;
    if (!rl->dio_irq[d])
        return;
    avr_ioport_t *p = rl->dio_port[d];
    if (level)
        p->external.pull_value |= rl->dio_mask[d];
    else
        p->external.pull_value &= (uint8_t)~rl->dio_mask[d];
    avr_raise_irq(rl->dio_irq[d], level);
}

static avr_ioport_t *find_port(avr_t *avr, char name)
{
    for (avr_io_t *io = avr->io_port; io; io = io->next)
        if (io->kind && !strcmp(io->kind, "port") && ((avr_ioport_t *)io)->name == name)
            return (avr_ioport_t *)io;
    return NULL;
}

static int attach_line(sim_rlink *rl, sim_rlink_line *l, sim_pin pin, bool is_nss,
                       char *err, size_t errlen)
{
    char nb[8];
    l->rl = rl;
    l->is_nss = is_nss;
    l->port = find_port(rl->avr, pin.port);
    if (!l->port) {
        snprintf(err, errlen, "board wires %s to %s, but %s has no port %c",
                 is_nss ? "NSS" : "RST", sim_pin_name(pin, nb), rl->avr->mmcu, pin.port);
        return -1;
    }
    l->mask = (uint8_t)(1u << pin.bit);
    uint8_t port = rl->avr->data[l->port->r_port], ddr = rl->avr->data[l->port->r_ddr];
    l->level = (ddr & l->mask) ? (port & l->mask) != 0 : true;
    avr_irq_register_notify(l->port->io.irq + IOPORT_IRQ_REG_PORT, on_port, l);
    avr_irq_register_notify(l->port->io.irq + IOPORT_IRQ_DIRECTION_ALL, on_ddr, l);
    return 0;
}

int sim_rlink_attach(sim_rlink *rl, avr_t *avr, const sim_board *board, sx1276 *radio,
                     char *err, size_t errlen)
{
    memset(rl, 0, sizeof *rl);
    rl->avr = avr;
    rl->radio = radio;
    avr_spi_t *spi = NULL;
    for (avr_io_t *io = avr->io_port; io; io = io->next)
        if (io->kind && !strcmp(io->kind, "spi")) {
            spi = (avr_spi_t *)io;  /* the first SPI: the one the ICSP header carries */
            break;
        }
    avr_irq_t *spi_out = spi ? spi->io.irq + SPI_IRQ_OUTPUT : NULL;
    rl->spi_in = spi ? spi->io.irq + SPI_IRQ_INPUT : NULL;
    if (!spi_out) {
        snprintf(err, errlen, "%s has no SPI in simavr", avr->mmcu);
        return -1;
    }
    if (attach_line(rl, &rl->nss, board->nss, true, err, errlen) ||
        attach_line(rl, &rl->rst, board->rst, false, err, errlen))
        return -1;
    for (int d = 0; d < SIM_BOARD_NDIO; d++) {
        sim_pin pin;
        if (!sim_board_dio_pin(board, d, &pin))
            continue;
        char nb[8];
        avr_ioport_t *p = find_port(avr, pin.port);
        if (!p) {
            snprintf(err, errlen, "board wires DIO%d to %s, but %s has no port %c", d,
                     sim_pin_name(pin, nb), avr->mmcu, pin.port);
            return -1;
        }
        rl->dio_irq[d] = p->io.irq + IOPORT_IRQ_PIN0 + pin.bit;
        rl->dio_port[d] = p;
        rl->dio_mask[d] = (uint8_t)(1u << pin.bit);
        p->external.pull_mask |= rl->dio_mask[d];
        drive_dio(rl, d, sx1276_dio(radio, d));
    }
    avr_irq_register_notify(spi_out, on_spi, rl);
    /* tell the radio where its lines start (it powers up with NSS high and
     * NRESET released) */
    if (!rl->nss.level)
        sx1276_nss(radio, false, now_ns(rl));
    if (!rl->rst.level)
        sx1276_reset_pin(radio, false, now_ns(rl));
    sim_rlink_rearm(rl);
    return 0;
}

void sim_rlink_dio(sim_rlink *rl, int dio, bool level)
{
    if (dio < 0 || dio >= SIM_BOARD_NDIO)
        return;
    drive_dio(rl, dio, level);
}

void sim_rlink_offer(sim_rlink *rl, const sx1276_air_frame *f)
{
    sx1276_offer_frame(rl->radio, f);
    sim_rlink_rearm(rl);
}
