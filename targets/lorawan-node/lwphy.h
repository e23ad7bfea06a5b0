/* lwphy.h — the arithmetic of the LoRa physical layer that the node needs:
 * time on air (duty cycle), the SX1276 frequency register value, and where
 * to open a receive window and for how many symbols. Pure integer code with
 * no AVR dependency, unit-tested on the host against independent values.
 *
 * Scope: what this node transmits and receives — 125 kHz bandwidth, coding
 * rate 4/5, explicit header, preamble 8, low-data-rate optimisation on for
 * SF11 and SF12 (SX1276 datasheet 4.1.1.6: mandated when a symbol exceeds
 * 16 ms). Units: microseconds (_us), Hz. */
#ifndef TARGETS_LWPHY_H
#define TARGETS_LWPHY_H

#include <stdbool.h>
#include <stdint.h>

/* Time on air of a `len`-byte payload at `sf` (7..12), SX1276 datasheet
 * 4.1.1.7, exact at 125 kHz (a symbol is 2^SF * 8 us). */
uint32_t lwn_toa_us(uint8_t sf, uint8_t len, bool crc);

/* Symbol time at 125 kHz. */
uint32_t lwn_tsym_us(uint8_t sf);

/* RegFrf (24 bits) for a carrier: Frf = f * 2^19 / 32 MHz (datasheet 4.1.4),
 * rounded down as the synthesizer step would; 32-bit arithmetic only. */
uint32_t lwn_frf(uint32_t freq_hz);

/* A receive window expected to begin (downlink preamble at the antenna) at
 * t0: the radio is put into RXSINGLE at t0 + *offset_us and listens for
 * *symb_timeout symbols (RegSymbTimeout). It must see at least
 * LWN_RX_MIN_SYMBOLS preamble symbols while allowing the local clock to be
 * off by +-LWN_RX_ERROR_US; the same reasoning as Semtech's LoRaMac-node
 * (RegionCommonComputeRxWindowParameters). */
#define LWN_RX_MIN_SYMBOLS 6
#define LWN_RX_ERROR_US 10000L
#define LWN_RX_WAKEUP_US 1000L /* SPI write + oscillator/PLL start (datasheet TS_OSC, TS_FS) */
void lwn_rx_window(uint8_t sf, uint16_t *symb_timeout, int32_t *offset_us);

#endif
