/* sim_rlink.h — the copper between the AVR and the SX1276 model, as a board
 * profile describes it: NSS and NRESET follow the AVR pins (seen through the
 * ioport's PORT and DDR IRQs: an output drives the line, an input releases
 * it high), SPI bytes go to the model while NSS is low (MISO answers on
 * simavr's SPI_IRQ_INPUT), and the model's DIO lines drive AVR input pins at
 * the simulated instant they change (avr_raise_irq on the ioport pin IRQ, so
 * INTn and pin-change interrupts fire). DIO lines behind an open jumper, or
 * not wired, reach nothing. One simavr cycle timer wakes the model at
 * sx1276_next_event_ns(), so a sleeping AVR still sees TxDone on time.
 *
 * Ownership: caller-owned struct; the radio and avr outlive it. */
#ifndef LORAHIL_SIM_RLINK_H
#define LORAHIL_SIM_RLINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sim_avr.h>
#include <avr_ioport.h>

#include "sim/sim_board.h"
#include "sim/sx1276.h"

typedef struct sim_rlink sim_rlink;

/* NSS or NRESET: an AVR pin seen as a line level. */
typedef struct sim_rlink_line {
    sim_rlink *rl;
    avr_ioport_t *port;
    uint8_t mask;
    bool level;
    bool is_nss;
} sim_rlink_line;

struct sim_rlink {
    avr_t *avr;
    sx1276 *radio;
    avr_irq_t *spi_in;          /* MISO into simavr's SPI */
    sim_rlink_line nss, rst;
    avr_irq_t *dio_irq[SIM_BOARD_NDIO];   /* NULL: not connected */
    avr_ioport_t *dio_port[SIM_BOARD_NDIO];
    uint8_t dio_mask[SIM_BOARD_NDIO];
    bool dio_level[SIM_BOARD_NDIO];
    uint64_t armed_cycle;       /* model timer, 0 when none */
    uint64_t spi_bytes;         /* bytes exchanged with the radio */
};

/* Wires `radio` to `avr` per `board`. 0, or -1 with a message (a pin on a
 * port this AVR lacks, no SPI). */
int sim_rlink_attach(sim_rlink *rl, avr_t *avr, const sim_board *board, sx1276 *radio,
                     char *err, size_t errlen);

/* The model's dio_changed hook lands here. */
void sim_rlink_dio(sim_rlink *rl, int dio, bool level);

/* Offers a frame from the air to the radio (and re-arms the model timer). */
void sim_rlink_offer(sim_rlink *rl, const sx1276_air_frame *f);

/* Re-arms the model timer; call after anything that may change
 * sx1276_next_event_ns(), and after avr_reset(). */
void sim_rlink_rearm(sim_rlink *rl);

#endif
