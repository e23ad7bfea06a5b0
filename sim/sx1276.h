/* sx1276.h — a model of the Semtech SX1276 LoRa transceiver (LoRa mode), as
 * seen from its SPI bus, reset pin and DIO pins. It follows the datasheet
 * (register map and reset values, FIFO pointers, write-1-to-clear IRQ flags,
 * DIO mapping, mode transitions and their timing), not any one driver.
 *
 * The model knows nothing of simavr: the host (sim/host.c) feeds it NSS edges
 * and SPI bytes with their simulated time, asks when it next needs to run
 * (sx1276_next_event_ns) and calls sx1276_advance at that time. Everything the
 * radio does to the outside world goes through sx1276_hooks, at the simulated
 * instant it happens. This keeps the model unit-testable without an AVR.
 *
 * Ownership: the model copies what it needs from every argument; pointers in
 * hook arguments are valid only during the call. Times are simulated ns. */
#ifndef LORAHIL_SX1276_H
#define LORAHIL_SX1276_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "events/events.h"

typedef struct sx1276 sx1276;

typedef struct sx1276_hooks {
    void *ctx;
    /* DIO pin `dio` (0..5) changed to `level` at t_ns. */
    void (*dio_changed)(void *ctx, int dio, bool level, uint64_t t_ns);
    /* A frame left the antenna: emitted when TX starts (start_ns) with the
     * modem settings latched at that instant; tx->toa_ns says when it ends. */
    void (*tx_started)(void *ctx, const ev_radio_tx *tx, uint64_t start_ns);
    /* A receive window ended (RxTimeout, RxDone, CRC error, or the driver
     * left RX mode); w->open_ns/close_ns bound it. */
    void (*rx_window)(void *ctx, const ev_radio_rx_window *w, uint64_t t_ns);
    /* The driver used something the model does not cover (a register, a mode,
     * FSK mode...). `what` names it, e.g. "RegOpMode: FSK/OOK mode (0x00)". */
    void (*fault)(void *ctx, const char *what, uint64_t t_ns);
} sx1276_hooks;

/* A frame arriving over the air at this radio. */
typedef struct sx1276_air_frame {
    uint32_t freq_hz;
    int sf;
    uint32_t bw_hz;
    int cr;
    bool iq_inverted;       /* as transmitted */
    bool implicit_header;
    bool crc;
    uint8_t sync_word;
    int preamble;
    uint64_t start_ns;      /* first preamble symbol reaches the antenna */
    double rssi_dbm;
    double snr_db;
    const uint8_t *payload;
    size_t len;
} sx1276_air_frame;

/* Creates a radio in its power-on-reset state. `seed` drives every random
 * value it produces (RegRssiWideband noise, RSSI jitter). NULL on OOM. */
sx1276 *sx1276_new(const sx1276_hooks *hooks, uint64_t seed);
void sx1276_free(sx1276 *r);

/* The RESET pin (active low). Driving it low returns every register to its
 * reset value; the chip is ready again 5 ms after release (datasheet 7.2). */
void sx1276_reset_pin(sx1276 *r, bool level, uint64_t t_ns);

/* NSS (active low). A falling edge starts an SPI transaction: the first byte
 * is the address (bit 7 = write), further bytes burst-access successive
 * registers (the FIFO at 0x00 does not increment the address). */
void sx1276_nss(sx1276 *r, bool level, uint64_t t_ns);

/* One full-duplex SPI byte while NSS is low; returns MISO. */
uint8_t sx1276_spi_byte(sx1276 *r, uint8_t mosi, uint64_t t_ns);

/* The earliest simulated time at which the model has something to do
 * (end of TX, RX timeout, a mode transition), or UINT64_MAX. */
uint64_t sx1276_next_event_ns(const sx1276 *r);

/* Runs everything due at or before t_ns. */
void sx1276_advance(sx1276 *r, uint64_t t_ns);

/* Offers a frame from the air. The model receives it if, when its preamble
 * arrives, the radio is in RXCONTINUOUS or RXSINGLE (not timed out) on the
 * same frequency, SF and bandwidth, with matching IQ inversion
 * (RegInvertIQ) and sync word; then RxDone fires after its time on air.
 * May be called before start_ns (the model schedules it). Receiving a frame
 * that overlaps another offered frame with the same SF and bandwidth on the
 * channel raises a fault (co-channel interference is not modelled). */
void sx1276_offer_frame(sx1276 *r, const sx1276_air_frame *f);

/* Register value as stored, without read side effects (tests, reports). */
uint8_t sx1276_peek(const sx1276 *r, uint8_t addr);

/* Current DIO level (0..5). */
bool sx1276_dio(const sx1276 *r, int dio);

#endif
