/* sim_spiclk.h — SPI master bytes that take as long as on the hardware.
 *
 * Debian's simavr 1.6 completes every SPI byte 100 us after SPDR is written,
 * whatever SPCR/SPSR say (avr_spi.c: avr_cycle_timer_register_usec(avr, 100,
 * ...)); on an ATmega328P at 16 MHz with SCK = fosc/4 a byte takes 2 us.
 * LMIC does its SPI with interrupts off, so 100 us bytes make it lose Timer0
 * overflows (micros()) and shift its receive windows. Without patching
 * simavr, this part takes over the SPDR read/write callbacks in avr->io[]
 * after avr_init and completes a byte after 8 SCK periods at the configured
 * divisor (SPR1:0 and SPI2X: fosc/2 .. fosc/128, ATmega328P datasheet
 * "SPI - Serial Peripheral Interface", table "Relationship Between SCK and
 * the Oscillator Frequency").
 *
 * At completion it does what simavr's SPI does: raises SPI_IRQ_OUTPUT with
 * the MOSI byte (a part wired there answers on SPI_IRQ_INPUT, which stores
 * MISO for the next SPDR read) and sets SPIF / requests the SPI interrupt.
 * Writing SPDR during a transfer sets WCOL and is ignored, as on silicon.
 * Slave mode and a disabled SPI are left to simavr.
 *
 * Ownership: the caller owns the struct; it must outlive the avr_t. */
#ifndef LORAHIL_SIM_SPICLK_H
#define LORAHIL_SIM_SPICLK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sim_avr.h>
#include <avr_spi.h>

typedef struct sim_spiclk {
    avr_t *avr;
    avr_spi_t *spi;                 /* simavr's SPI module of this core */
    avr_io_write_t orig_write;      /* simavr's SPDR callbacks, for slave mode */
    void *orig_write_param;
    avr_io_read_t orig_read;
    void *orig_read_param;
    bool busy;
    uint8_t mosi;
    uint64_t bytes;                 /* bytes completed */
} sim_spiclk;

/* Installs the part on avr's (first) SPI. 0, or -1 with a message. */
int sim_spiclk_attach(sim_spiclk *s, avr_t *avr, char *err, size_t errlen);

/* Current SCK divisor (2..128) from SPCR/SPSR. */
unsigned sim_spiclk_divisor(const sim_spiclk *s);

/* Call after avr_reset(): a reset aborts a byte in flight. */
void sim_spiclk_reset(sim_spiclk *s);

#endif
