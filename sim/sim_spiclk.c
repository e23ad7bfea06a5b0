/* sim_spiclk.c — SPI byte timing at the configured SCK rate (see
 * sim_spiclk.h for why). */
#include "sim_spiclk.h"

#include <stdio.h>
#include <string.h>

#define SPSR_WCOL 0x40  /* ATmega328P SPSR bit 6, same on every megaAVR */

unsigned sim_spiclk_divisor(const sim_spiclk *s)
{
    /* SPI2X:SPR1:SPR0 -> fosc/N, datasheet table (SPI2X=0: 4 16 64 128,
     * SPI2X=1: 2 8 32 64) */
    static const unsigned div[8] = {4, 16, 64, 128, 2, 8, 32, 64};
    avr_t *avr = s->avr;
    const avr_spi_t *p = s->spi;
    unsigned i = avr_regbit_get(avr, p->spr[0]) | avr_regbit_get(avr, p->spr[1]) << 1 |
                 avr_regbit_get(avr, p->spr[2]) << 2;
    return div[i & 7];
}

static avr_cycle_count_t spiclk_done(avr_t *avr, avr_cycle_count_t when, void *param)
{
    (void)when;
    sim_spiclk *s = param;
    avr_spi_t *p = s->spi;
    s->busy = false;
    s->bytes++;
    /* MISO floats high with nothing on the bus; a wired part answers via
     * SPI_IRQ_INPUT from inside this raise */
    p->input_data_register = 0xff;
    avr_raise_irq(p->io.irq + SPI_IRQ_OUTPUT, s->mosi);
    avr_raise_interrupt(avr, &p->spi);
    return 0;
}

static bool master_enabled(avr_t *avr, const avr_spi_t *p)
{
    return avr_regbit_get(avr, p->spe) && avr_regbit_get(avr, p->mstr);
}

static void spiclk_write(avr_t *avr, avr_io_addr_t addr, uint8_t v, void *param)
{
    sim_spiclk *s = param;
    avr_spi_t *p = s->spi;
    if (!master_enabled(avr, p)) {
        s->orig_write(avr, addr, v, s->orig_write_param);
        return;
    }
    if (s->busy) {
        /* datasheet: writing SPDR during a transfer sets WCOL; the byte
         * being shifted is unaffected */
        avr->data[p->r_spsr] |= SPSR_WCOL;
        return;
    }
    /* accessing SPDR clears SPIF and WCOL (after SPSR was read) */
    avr_regbit_clear(avr, p->spi.raised);
    avr->data[p->r_spsr] &= (uint8_t)~SPSR_WCOL;
    avr_core_watch_write(avr, addr, v);
    s->mosi = v;
    s->busy = true;
    avr_cycle_timer_register(avr, 8u * sim_spiclk_divisor(s), spiclk_done, s);
}

static uint8_t spiclk_read(avr_t *avr, avr_io_addr_t addr, void *param)
{
    sim_spiclk *s = param;
    avr_spi_t *p = s->spi;
    if (!master_enabled(avr, p))
        return s->orig_read(avr, addr, s->orig_read_param);
    /* the receive buffer keeps the last byte until the next one completes
     * (simavr's own read zeroes it, real silicon does not) */
    avr_regbit_clear(avr, p->spi.raised);
    avr->data[p->r_spsr] &= (uint8_t)~SPSR_WCOL;
    return p->input_data_register;
}

int sim_spiclk_attach(sim_spiclk *s, avr_t *avr, char *err, size_t errlen)
{
    memset(s, 0, sizeof *s);
    s->avr = avr;
    for (avr_io_t *io = avr->io_port; io; io = io->next)
        if (io->kind && !strcmp(io->kind, "spi")) {
            s->spi = (avr_spi_t *)io;   /* avr_io_t is avr_spi_t's first member */
            break;
        }
    if (!s->spi) {
        snprintf(err, errlen, "%s has no SPI module in simavr", avr->mmcu);
        return -1;
    }
    avr_io_addr_t io = AVR_DATA_TO_IO(s->spi->r_spdr);
    if (avr->io[io].w.c == NULL || avr->io[io].r.c == NULL) {
        snprintf(err, errlen, "%s: simavr's SPDR callbacks are missing", avr->mmcu);
        return -1;
    }
    s->orig_write = avr->io[io].w.c;
    s->orig_write_param = avr->io[io].w.param;
    s->orig_read = avr->io[io].r.c;
    s->orig_read_param = avr->io[io].r.param;
    avr->io[io].w.c = spiclk_write;
    avr->io[io].w.param = s;
    avr->io[io].r.c = spiclk_read;
    avr->io[io].r.param = s;
    return 0;
}

void sim_spiclk_reset(sim_spiclk *s)
{
    s->busy = false;
    avr_cycle_timer_cancel(s->avr, spiclk_done, s);
}
