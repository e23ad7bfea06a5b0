/* radio.c — SX1276 LoRa-mode register driver; see radio.h. Register names
 * and addresses are those of the SX1276 datasheet, section 6.4 (LoRa page). */
#include "radio.h"

#include "hal.h"
#include "lwphy.h"

#define REG_FIFO            0x00
#define REG_OPMODE          0x01
#define REG_FRF_MSB         0x06
#define REG_FRF_MID         0x07
#define REG_FRF_LSB         0x08
#define REG_PA_CONFIG       0x09
#define REG_LNA             0x0C
#define REG_FIFO_ADDR_PTR   0x0D
#define REG_FIFO_TX_BASE    0x0E
#define REG_FIFO_RX_BASE    0x0F
#define REG_FIFO_RX_CURRENT 0x10
#define REG_IRQ_FLAGS_MASK  0x11
#define REG_IRQ_FLAGS       0x12
#define REG_RX_NB_BYTES     0x13
#define REG_PKT_SNR         0x19
#define REG_PKT_RSSI        0x1A
#define REG_MODEM_CONFIG1   0x1D
#define REG_MODEM_CONFIG2   0x1E
#define REG_SYMB_TIMEOUT    0x1F
#define REG_PREAMBLE_MSB    0x20
#define REG_PREAMBLE_LSB    0x21
#define REG_PAYLOAD_LENGTH  0x22
#define REG_MAX_PAYLOAD     0x23
#define REG_MODEM_CONFIG3   0x26
#define REG_RSSI_WIDEBAND   0x2C
#define REG_INVERT_IQ       0x33
#define REG_SYNC_WORD       0x39
#define REG_INVERT_IQ2      0x3B
#define REG_DIO_MAPPING1    0x40
#define REG_VERSION         0x42

/* RegOpMode: LongRangeMode (bit 7) = LoRa, LowFrequencyModeOn (bit 3) = 0
 * because 868 MHz is on the high-frequency port, Mode in bits 2..0. */
#define MODE_LORA     0x80
#define MODE_SLEEP    0x00
#define MODE_STDBY    0x01
#define MODE_TX       0x03
#define MODE_RXCONT   0x05
#define MODE_RXSINGLE 0x06

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

static uint8_t rd(uint8_t addr)
{
    uint8_t v;
    hal_spi_select(1);
    hal_spi_byte(addr & 0x7F);
    v = hal_spi_byte(0);
    hal_spi_select(0);
    return v;
}

static void wr(uint8_t addr, uint8_t v)
{
    hal_spi_select(1);
    hal_spi_byte(addr | 0x80);
    hal_spi_byte(v);
    hal_spi_select(0);
}

static void opmode(uint8_t mode)
{
    wr(REG_OPMODE, MODE_LORA | mode);
}

static void set_freq(uint32_t freq_hz)
{
    uint32_t frf = lwn_frf(freq_hz);
    wr(REG_FRF_MSB, (uint8_t)(frf >> 16));
    wr(REG_FRF_MID, (uint8_t)(frf >> 8));
    wr(REG_FRF_LSB, (uint8_t)frf); /* the new frequency takes effect here */
}

/* BW 125 kHz, CR 4/5, explicit header; SF, CRC, RegSymbTimeout and the
 * low-data-rate optimisation (SF11/SF12, symbols > 16 ms). */
static void set_modem(uint8_t sf, uint8_t crc, uint16_t symb_timeout)
{
    wr(REG_MODEM_CONFIG1, MC1_BW125_CR45);
    wr(REG_MODEM_CONFIG2, (uint8_t)(sf << 4 | (crc ? MC2_CRC_ON : 0) | ((symb_timeout >> 8) & 0x03)));
    wr(REG_SYMB_TIMEOUT, (uint8_t)symb_timeout);
    wr(REG_MODEM_CONFIG3, (uint8_t)(MC3_AGC | (sf >= 11 ? MC3_LDRO : 0)));
}

uint8_t radio_init(int8_t power_dbm)
{
    uint8_t v;
    /* Datasheet 7.2: NRESET low for at least 100 us, release, wait 5 ms. */
    hal_radio_reset(0);
    hal_delay_us(150);
    hal_radio_reset(1);
    hal_sleep_ms(6);

    v = rd(REG_VERSION);
    if (v != RADIO_VERSION_SX1276)
        return v;
    /* LongRangeMode can only change in SLEEP: FSK sleep first, then LoRa. */
    wr(REG_OPMODE, MODE_SLEEP);
    opmode(MODE_SLEEP);

    if (power_dbm < 2)
        power_dbm = 2;
    if (power_dbm > 17)
        power_dbm = 17;
    /* PaSelect = PA_BOOST: Pout = 17 - (15 - OutputPower) dBm. */
    wr(REG_PA_CONFIG, (uint8_t)(0x80 | (power_dbm - 2)));
    wr(REG_LNA, 0x23);             /* LnaGain G1 (max), LnaBoostHf on */
    wr(REG_SYNC_WORD, SYNC_WORD_LORAWAN);
    wr(REG_PREAMBLE_MSB, 0);
    wr(REG_PREAMBLE_LSB, 8);       /* LoRaWAN: 8 symbols */
    wr(REG_MAX_PAYLOAD, 0xFF);
    return v;
}

uint32_t radio_random(uint32_t freq_hz)
{
    uint32_t r = 0;
    opmode(MODE_STDBY);
    set_freq(freq_hz);
    wr(REG_IRQ_FLAGS_MASK, 0xFF); /* no interrupts while we listen */
    opmode(MODE_RXCONT);
    for (uint8_t i = 0; i < 32; i++) {
        hal_sleep_ms(1);
        r = (r << 1) | (rd(REG_RSSI_WIDEBAND) & 0x01);
    }
    radio_sleep();
    return r;
}

void radio_tx(uint32_t freq_hz, uint8_t sf, const uint8_t *buf, uint8_t len)
{
    opmode(MODE_STDBY); /* the FIFO is not accessible in SLEEP */
    set_freq(freq_hz);
    set_modem(sf, 1, 0);
    wr(REG_INVERT_IQ, (uint8_t)((rd(REG_INVERT_IQ) & INVERTIQ_KEEP) | INVERTIQ_TX_OFF));
    wr(REG_INVERT_IQ2, INVERTIQ2_OFF);
    wr(REG_FIFO_TX_BASE, 0);
    wr(REG_FIFO_ADDR_PTR, 0);
    hal_spi_select(1);
    hal_spi_byte(REG_FIFO | 0x80);
    for (uint8_t i = 0; i < len; i++)
        hal_spi_byte(buf[i]);
    hal_spi_select(0);
    wr(REG_PAYLOAD_LENGTH, len);
    wr(REG_DIO_MAPPING1, 0x40);                     /* DIO0 = TxDone */
    wr(REG_IRQ_FLAGS_MASK, (uint8_t)~RADIO_IRQ_TXDONE);
    wr(REG_IRQ_FLAGS, 0xFF);
    opmode(MODE_TX);
}

void radio_rx_prepare(uint32_t freq_hz, uint8_t sf, uint16_t symb_timeout)
{
    opmode(MODE_STDBY);
    set_freq(freq_hz);
    set_modem(sf, 0, symb_timeout);
    wr(REG_INVERT_IQ, (uint8_t)((rd(REG_INVERT_IQ) & INVERTIQ_KEEP) | INVERTIQ_RX | INVERTIQ_TX_OFF));
    wr(REG_INVERT_IQ2, INVERTIQ2_ON);
    wr(REG_FIFO_RX_BASE, 0);
    wr(REG_FIFO_ADDR_PTR, 0);
    wr(REG_DIO_MAPPING1, 0x00);                     /* DIO0 = RxDone, DIO1 = RxTimeout */
    wr(REG_IRQ_FLAGS_MASK,
       (uint8_t)~(RADIO_IRQ_RXTIMEOUT | RADIO_IRQ_RXDONE | RADIO_IRQ_CRCERROR));
    wr(REG_IRQ_FLAGS, 0xFF);
}

void radio_rx_start(void)
{
    opmode(MODE_RXSINGLE);
}

uint8_t radio_irq_flags(void)
{
    return rd(REG_IRQ_FLAGS);
}

uint8_t radio_read_packet(uint8_t *buf, uint8_t cap, int16_t *rssi_dbm, int8_t *snr_db)
{
    uint8_t n = rd(REG_RX_NB_BYTES);
    uint8_t take = n < cap ? n : cap;
    wr(REG_FIFO_ADDR_PTR, rd(REG_FIFO_RX_CURRENT));
    hal_spi_select(1);
    hal_spi_byte(REG_FIFO);
    for (uint8_t i = 0; i < take; i++)
        buf[i] = hal_spi_byte(0);
    hal_spi_select(0);
    *snr_db = (int8_t)((int8_t)rd(REG_PKT_SNR) / 4);
    *rssi_dbm = (int16_t)(-157 + rd(REG_PKT_RSSI));
    return n;
}

void radio_sleep(void)
{
    wr(REG_IRQ_FLAGS, 0xFF);
    opmode(MODE_SLEEP);
}
