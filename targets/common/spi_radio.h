/* spi_radio.h — the SX1276 on an ATmega328P's SPI bus, wired as on the
 * Dragino LoRa Shield v1.4: NSS D10 = PB2, RESET D9 = PB1, MOSI/MISO/SCK
 * PB3/PB4/PB5. Register reads and writes (datasheet rev. 7, 4.3: the
 * address's top bit says write), the chip select for FIFO bursts, and the
 * reset line. Used by targets/lorawan-node and targets/sniffer; register
 * names are in sx1276.h. */
#ifndef TARGETS_SPI_RADIO_H
#define TARGETS_SPI_RADIO_H

#include <stdint.h>

/* SPI master, mode 0, fosc/4 = 4 MHz at 16 MHz (the SX1276 allows 10 MHz).
 * NSS (PB2, also the SPI SS pin, which must be an output for master mode to
 * stick) idles high. RESET stays an input (floating) until spi_radio_reset. */
void spi_radio_init(void);

/* 0: drive RESET low; 1: release it (the radio's pull-up holds it high).
 * Datasheet 7.2: low for at least 100 us, then wait 5 ms. */
void spi_radio_reset(uint8_t level);

/* NSS low when on: for bursts of spi_radio_byte. */
void spi_radio_select(uint8_t on);
/* One byte each way; 8 SPI clocks = 2 us. */
uint8_t spi_radio_byte(uint8_t out);

uint8_t spi_radio_read(uint8_t reg);
void spi_radio_write(uint8_t reg, uint8_t v);

#endif
