/* radio.h — an SX1276 driver in LoRa mode, through its registers as the
 * Semtech datasheet (rev. 7, chapters 4.1, 6.4) describes them: just what a
 * class-A LoRaWAN node needs. Transmit at 125 kHz / CR 4/5 / explicit header
 * / CRC on / normal IQ; receive one window in RXSINGLE with inverted IQ and
 * no CRC check (LoRaWAN downlinks carry no payload CRC); entropy from
 * RegRssiWideband. The application waits for the DIO lines itself (hal_wait):
 * DIO0 = TxDone (RegDioMapping1 01) or RxDone (00), DIO1 = RxTimeout (00). */
#ifndef TARGETS_RADIO_H
#define TARGETS_RADIO_H

#include <stdint.h>

#include "../common/sx1276.h" /* SX_VERSION_SX1276, SX_IRQ_* (RegIrqFlags bits) */

/* Manual reset (datasheet 7.2) and LoRa-mode set-up, radio left in SLEEP.
 * Returns RegVersion (SX_VERSION_SX1276 on success; the caller stops
 * otherwise). `power_dbm` 2..17 on PA_BOOST. */
uint8_t radio_init(int8_t power_dbm);

/* 32 random bits, one per RegRssiWideband LSB read 1 ms apart in
 * RXCONTINUOUS (as Semtech's SX1276Random does); radio left in SLEEP. */
uint32_t radio_random(uint32_t freq_hz);

/* Loads `buf` and starts TX; DIO0 rises at TxDone, then the radio is back in
 * STDBY by itself. */
void radio_tx(uint32_t freq_hz, uint8_t sf, const uint8_t *buf, uint8_t len);

/* Configures a receive window in STDBY (ahead of time) ... */
void radio_rx_prepare(uint32_t freq_hz, uint8_t sf, uint16_t symb_timeout);
/* ... and opens it: RXSINGLE. DIO0 rises at RxDone, DIO1 at RxTimeout. */
void radio_rx_start(void);

/* Reads RegIrqFlags. */
uint8_t radio_irq_flags(void);

/* After RxDone: copies up to `cap` bytes of the received payload to buf and
 * returns the payload length the radio reports (may exceed cap). Packet RSSI
 * in dBm and SNR in dB (datasheet 5.5.5, HF port). */
uint8_t radio_read_packet(uint8_t *buf, uint8_t cap, int16_t *rssi_dbm, int8_t *snr_db);

/* Clears all IRQ flags and puts the radio to SLEEP (registers are kept). */
void radio_sleep(void);

#endif
