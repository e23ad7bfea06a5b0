/* spi_radio.c — SX1276 register access over the ATmega328P's SPI; see
 * spi_radio.h. */
#include "spi_radio.h"

#include <avr/io.h>

void spi_radio_init(void)
{
    PORTB |= _BV(PB2);
    DDRB |= _BV(PB2) | _BV(PB3) | _BV(PB5);
    SPCR = _BV(SPE) | _BV(MSTR);
    SPSR = 0;
}

void spi_radio_reset(uint8_t level)
{
    if (level) {
        DDRB &= (uint8_t)~_BV(PB1);
        PORTB &= (uint8_t)~_BV(PB1);
    } else {
        PORTB &= (uint8_t)~_BV(PB1);
        DDRB |= _BV(PB1);
    }
}

void spi_radio_select(uint8_t on)
{
    if (on)
        PORTB &= (uint8_t)~_BV(PB2);
    else
        PORTB |= _BV(PB2);
}

uint8_t spi_radio_byte(uint8_t out)
{
    SPDR = out;
    while (!(SPSR & _BV(SPIF)))
        ;
    return SPDR;
}

uint8_t spi_radio_read(uint8_t reg)
{
    uint8_t v;
    spi_radio_select(1);
    spi_radio_byte(reg & 0x7F);
    v = spi_radio_byte(0);
    spi_radio_select(0);
    return v;
}

void spi_radio_write(uint8_t reg, uint8_t v)
{
    spi_radio_select(1);
    spi_radio_byte(reg | 0x80);
    spi_radio_byte(v);
    spi_radio_select(0);
}
