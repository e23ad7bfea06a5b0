/* radio.c — SX1276 LoRa-mode register driver; see radio.h. Register names
 * (targets/common/sx1276.h) are those of the SX1276 datasheet, section 6.4
 * (LoRa page); the bus is targets/common/spi_radio.c. */
#include "radio.h"

#include "../common/spi_radio.h"
#include "../common/sx1276.h"
#include "hal.h"
#include "lwphy.h"

/* RegModemConfig1: Bw 0111 = 125 kHz, CodingRate 001 = 4/5, explicit header. */
#define MC1_BW125_CR45 0x72
/* RegModemConfig2: RxPayloadCrcOn. RegModemConfig3: LowDataRateOptimize, AgcAutoOn. */
#define MC2_CRC_ON 0x04
#define MC3_LDRO   0x08
#define MC3_AGC    0x04

/* RegInvertIQ (0x33) bit 6 inverts I/Q on receive; bit 0 is set for a
 * non-inverted transmit (reset value 0x27). RegInvertIQ2 (0x3B) must be 0x19
 * with inverted IQ and 0x1D otherwise, as Semtech's own driver does
 * (LoRaMac-node src/radio/sx1276/sx1276.c, SX1276SetRx and SX1276Send). */
#define INVERTIQ_RX     0x40
#define INVERTIQ_TX_OFF 0x01
#define INVERTIQ_KEEP   0xBE
#define INVERTIQ2_ON    0x19
#define INVERTIQ2_OFF   0x1D

/* LoRaWAN public-network sync word. */
#define SYNC_WORD_LORAWAN 0x34

static void opmode(uint8_t mode)
{
    spi_radio_write(SX_REG_OPMODE, SX_MODE_LORA | mode);
}

static void set_freq(uint32_t freq_hz)
{
    uint32_t frf = lwn_frf(freq_hz);
    spi_radio_write(SX_REG_FRF_MSB, (uint8_t)(frf >> 16));
    spi_radio_write(SX_REG_FRF_MID, (uint8_t)(frf >> 8));
    spi_radio_write(SX_REG_FRF_LSB, (uint8_t)frf); /* the new frequency takes effect here */
}

/* BW 125 kHz, CR 4/5, explicit header; SF, CRC, RegSymbTimeout and the
 * low-data-rate optimisation (SF11/SF12, symbols > 16 ms). */
static void set_modem(uint8_t sf, uint8_t crc, uint16_t symb_timeout)
{
    spi_radio_write(SX_REG_MODEM_CONFIG1, MC1_BW125_CR45);
    spi_radio_write(SX_REG_MODEM_CONFIG2,
                    (uint8_t)(sf << 4 | (crc ? MC2_CRC_ON : 0) | ((symb_timeout >> 8) & 0x03)));
    spi_radio_write(SX_REG_SYMB_TIMEOUT, (uint8_t)symb_timeout);
    spi_radio_write(SX_REG_MODEM_CONFIG3, (uint8_t)(MC3_AGC | (sf >= 11 ? MC3_LDRO : 0)));
}

uint8_t radio_init(int8_t power_dbm)
{
    uint8_t v;
    /* Datasheet 7.2: NRESET low for at least 100 us, release, wait 5 ms. */
    spi_radio_reset(0);
    hal_delay_us(150);
    spi_radio_reset(1);
    hal_sleep_ms(6);

    v = spi_radio_read(SX_REG_VERSION);
    if (v != SX_VERSION_SX1276)
        return v;
    /* LongRangeMode can only change in SLEEP: FSK sleep first, then LoRa. */
    spi_radio_write(SX_REG_OPMODE, SX_MODE_SLEEP);
    opmode(SX_MODE_SLEEP);

    if (power_dbm < 2)
        power_dbm = 2;
    if (power_dbm > 17)
        power_dbm = 17;
    /* PaSelect = PA_BOOST: Pout = 17 - (15 - OutputPower) dBm. */
    spi_radio_write(SX_REG_PA_CONFIG, (uint8_t)(0x80 | (power_dbm - 2)));
    spi_radio_write(SX_REG_LNA, 0x23); /* LnaGain G1 (max), LnaBoostHf on */
    spi_radio_write(SX_REG_SYNC_WORD, SYNC_WORD_LORAWAN);
    spi_radio_write(SX_REG_PREAMBLE_MSB, 0);
    spi_radio_write(SX_REG_PREAMBLE_LSB, 8); /* LoRaWAN: 8 symbols */
    spi_radio_write(SX_REG_MAX_PAYLOAD, 0xFF);
    return v;
}

uint32_t radio_random(uint32_t freq_hz)
{
    uint32_t r = 0;
    opmode(SX_MODE_STDBY);
    set_freq(freq_hz);
    spi_radio_write(SX_REG_IRQ_FLAGS_MASK, 0xFF); /* no interrupts while we listen */
    opmode(SX_MODE_RXCONT);
    for (uint8_t i = 0; i < 32; i++) {
        hal_sleep_ms(1);
        r = (r << 1) | (spi_radio_read(SX_REG_RSSI_WIDEBAND) & 0x01);
    }
    radio_sleep();
    return r;
}

void radio_tx(uint32_t freq_hz, uint8_t sf, const uint8_t *buf, uint8_t len)
{
    opmode(SX_MODE_STDBY); /* the FIFO is not accessible in SLEEP */
    set_freq(freq_hz);
    set_modem(sf, 1, 0);
    spi_radio_write(SX_REG_INVERT_IQ,
                    (uint8_t)((spi_radio_read(SX_REG_INVERT_IQ) & INVERTIQ_KEEP) | INVERTIQ_TX_OFF));
    spi_radio_write(SX_REG_INVERT_IQ2, INVERTIQ2_OFF);
    spi_radio_write(SX_REG_FIFO_TX_BASE, 0);
    spi_radio_write(SX_REG_FIFO_ADDR_PTR, 0);
    spi_radio_select(1);
    spi_radio_byte(SX_REG_FIFO | 0x80);
    for (uint8_t i = 0; i < len; i++)
        spi_radio_byte(buf[i]);
    spi_radio_select(0);
    spi_radio_write(SX_REG_PAYLOAD_LENGTH, len);
    spi_radio_write(SX_REG_DIO_MAPPING1, 0x40); /* DIO0 = TxDone */
    spi_radio_write(SX_REG_IRQ_FLAGS_MASK, (uint8_t)~SX_IRQ_TXDONE);
    spi_radio_write(SX_REG_IRQ_FLAGS, 0xFF);
    opmode(SX_MODE_TX);
}

void radio_rx_prepare(uint32_t freq_hz, uint8_t sf, uint16_t symb_timeout)
{
    opmode(SX_MODE_STDBY);
    set_freq(freq_hz);
    set_modem(sf, 0, symb_timeout);
    spi_radio_write(SX_REG_INVERT_IQ, (uint8_t)((spi_radio_read(SX_REG_INVERT_IQ) & INVERTIQ_KEEP) |
                                                INVERTIQ_RX | INVERTIQ_TX_OFF));
    spi_radio_write(SX_REG_INVERT_IQ2, INVERTIQ2_ON);
    spi_radio_write(SX_REG_FIFO_RX_BASE, 0);
    spi_radio_write(SX_REG_FIFO_ADDR_PTR, 0);
    spi_radio_write(SX_REG_DIO_MAPPING1, 0x00); /* DIO0 = RxDone, DIO1 = RxTimeout */
    spi_radio_write(SX_REG_IRQ_FLAGS_MASK,
                    (uint8_t)~(SX_IRQ_RXTIMEOUT | SX_IRQ_RXDONE | SX_IRQ_CRCERROR));
    spi_radio_write(SX_REG_IRQ_FLAGS, 0xFF);
}

void radio_rx_start(void)
{
    opmode(SX_MODE_RXSINGLE);
}

uint8_t radio_irq_flags(void)
{
    return spi_radio_read(SX_REG_IRQ_FLAGS);
}

uint8_t radio_read_packet(uint8_t *buf, uint8_t cap, int16_t *rssi_dbm, int8_t *snr_db)
{
    uint8_t n = spi_radio_read(SX_REG_RX_NB_BYTES);
    uint8_t take = n < cap ? n : cap;
    spi_radio_write(SX_REG_FIFO_ADDR_PTR, spi_radio_read(SX_REG_FIFO_RX_CURRENT));
    spi_radio_select(1);
    spi_radio_byte(SX_REG_FIFO);
    for (uint8_t i = 0; i < take; i++)
        buf[i] = spi_radio_byte(0);
    spi_radio_select(0);
    *snr_db = (int8_t)((int8_t)spi_radio_read(SX_REG_PKT_SNR) / 4);
    *rssi_dbm = (int16_t)(-157 + spi_radio_read(SX_REG_PKT_RSSI));
    return n;
}

void radio_sleep(void)
{
    spi_radio_write(SX_REG_IRQ_FLAGS, 0xFF);
    opmode(SX_MODE_SLEEP);
}
