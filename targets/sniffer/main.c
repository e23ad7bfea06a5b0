/* main.c — targets/sniffer: a single-channel LoRa receiver for a second
 * Arduino Uno + Dragino LoRa Shield (SX1276), read by `lorahil hil
 * --sniffer PORT` as a capture source. The radio stays in RXCONTINUOUS on
 * one frequency and spreading factor (compile-time: FREQ_HZ, SF, BW_KHZ)
 * with the LoRaWAN uplink settings (sync word 0x34, explicit header, CRC
 * on, IQ not inverted); each frame is printed at 115200 baud as
 *
 *   rx: <HEX> rssi=<dBm> snr=<dB>
 *
 * after a banner "sniffer: freq=<Hz> sf=<n> bw=<Hz> cr=5". Frames with a
 * bad CRC give "crc error: rssi=... snr=..." (not an rx: line, so they are
 * never mistaken for captures). The CPU sleeps (idle) between interrupts.
 *
 * Register names and values follow the SX1276 datasheet (rev. 7, section
 * 6.4, LoRa register map: targets/common/sx1276.h); the wiring is the
 * shield's (NSS D10 = PB2, RESET D9 = PB1, DIO0 D2 = PD2/INT0). The SPI
 * bus, the UART and its number printing are targets/common/spi_radio.c,
 * uart.c and print.c, shared with targets/lorawan-node. */
#include <avr/interrupt.h>
#include <avr/io.h>
#include <avr/sleep.h>
#include <stdbool.h>
#include <stdint.h>
#include <util/delay.h>

#include "../common/print.h"
#include "../common/spi_radio.h"
#include "../common/sx1276.h"
#include "../common/uart.h"

#ifndef FREQ_HZ
#define FREQ_HZ 868100000UL
#endif
#ifndef SF
#define SF 7
#endif
#ifndef BW_KHZ
#define BW_KHZ 125
#endif

#if SF < 7 || SF > 12
#error "SF must be 7..12"
#endif
#if BW_KHZ == 125
#define BW_BITS 0x70
#elif BW_KHZ == 250
#define BW_BITS 0x80
#elif BW_KHZ == 500
#define BW_BITS 0x90
#else
#error "BW_KHZ must be 125, 250 or 500"
#endif

static volatile bool dio0_seen;

ISR(INT0_vect)
{
    dio0_seen = true;
}

static void put_hex8(uint8_t v)
{
    static const char d[] = "0123456789ABCDEF";
    uart_putc(d[v >> 4]);
    uart_putc(d[v & 15]);
}

/* SNR in quarter dB as a decimal: 38 -> "9.5", -9 -> "-2.25". */
static void put_quarters(int16_t q)
{
    if (q < 0) {
        uart_putc('-');
        q = (int16_t)-q;
    }
    pr_u32((uint32_t)(q / 4));
    switch (q % 4) {
    case 1: pr(".25"); break;
    case 2: pr(".5"); break;
    case 3: pr(".75"); break;
    default: pr(".0"); break;
    }
}

static void radio_reset(void)
{
    /* Datasheet 7.2.2: drive NRESET low for > 100 us, release, wait 5 ms. */
    spi_radio_reset(0);
    _delay_us(150);
    spi_radio_reset(1);
    _delay_ms(6);
}

static void radio_rx_continuous(void)
{
    spi_radio_write(SX_REG_OPMODE, SX_MODE_LORA | SX_MODE_SLEEP); /* LoRa mode can only be set in sleep */
    spi_radio_write(SX_REG_OPMODE, SX_MODE_LORA | SX_MODE_STDBY);
    /* Frf = f * 2^19 / 32 MHz (datasheet 6.4, RegFrf) */
    uint32_t frf = (uint32_t)(((uint64_t)FREQ_HZ << 19) / 32000000UL);
    spi_radio_write(SX_REG_FRF_MSB, (uint8_t)(frf >> 16));
    spi_radio_write(SX_REG_FRF_MID, (uint8_t)(frf >> 8));
    spi_radio_write(SX_REG_FRF_LSB, (uint8_t)frf);
    spi_radio_write(SX_REG_LNA, 0x23); /* max gain, LNA boost on HF */
    spi_radio_write(SX_REG_MODEM_CONFIG1, BW_BITS | 0x02); /* CR 4/5, explicit header */
    spi_radio_write(SX_REG_MODEM_CONFIG2, (uint8_t)(SF << 4) | 0x04); /* RxPayloadCrcOn */
    /* LDRO when a symbol lasts over 16 ms (SF11/12 at 125 kHz); AGC on */
    spi_radio_write(SX_REG_MODEM_CONFIG3, (((1UL << SF) * 1000UL / BW_KHZ) > 16000UL ? 0x08 : 0) | 0x04);
    spi_radio_write(SX_REG_PREAMBLE_MSB, 0);
    spi_radio_write(SX_REG_PREAMBLE_LSB, 8);
    spi_radio_write(SX_REG_SYNC_WORD, 0x34); /* LoRaWAN public network */
    spi_radio_write(SX_REG_INVERT_IQ, 0x27); /* reset value: IQ not inverted (uplinks) */
    spi_radio_write(SX_REG_INVERT_IQ2, 0x1D);
    spi_radio_write(SX_REG_MAX_PAYLOAD, 0xFF);
    spi_radio_write(SX_REG_FIFO_RX_BASE, 0);
    spi_radio_write(SX_REG_FIFO_ADDR_PTR, 0);
    spi_radio_write(SX_REG_DIO_MAPPING1, 0x00); /* DIO0 = RxDone */
    spi_radio_write(SX_REG_IRQ_FLAGS_MASK, 0x00);
    spi_radio_write(SX_REG_IRQ_FLAGS, 0xFF);
    spi_radio_write(SX_REG_OPMODE, SX_MODE_LORA | SX_MODE_RXCONT);
}

static void report_frame(void)
{
    uint8_t flags = spi_radio_read(SX_REG_IRQ_FLAGS);
    spi_radio_write(SX_REG_IRQ_FLAGS, 0xFF); /* write 1 to clear */
    if (!(flags & SX_IRQ_RXDONE))
        return;
    int8_t snr_q = (int8_t)spi_radio_read(SX_REG_PKT_SNR);
    /* Datasheet 5.5.5, HF port: -157 + PacketRssi, plus SNR when negative */
    int16_t rssi = (int16_t)(-157 + spi_radio_read(SX_REG_PKT_RSSI));
    if (snr_q < 0)
        rssi = (int16_t)(rssi + snr_q / 4);
    if (flags & SX_IRQ_CRCERROR) {
        pr("crc error: rssi=");
    } else {
        uint8_t n = spi_radio_read(SX_REG_RX_NB_BYTES);
        spi_radio_write(SX_REG_FIFO_ADDR_PTR, spi_radio_read(SX_REG_FIFO_RX_CURRENT));
        pr("rx: ");
        for (uint8_t i = 0; i < n; i++)
            put_hex8(spi_radio_read(SX_REG_FIFO));
        pr(" rssi=");
    }
    pr_i32(rssi);
    pr(" snr=");
    put_quarters(snr_q);
    pr("\r\n");
}

int main(void)
{
    spi_radio_init(); /* SPI master, mode 0, fosc/4; NSS idles high */
    /* DIO0 on INT0, rising edge */
    DDRD &= (uint8_t)~_BV(PD2);
    EICRA = _BV(ISC01) | _BV(ISC00);
    EIFR = _BV(INTF0);
    EIMSK = _BV(INT0);
    uart_init();      /* 115200 baud 8N1 */
    set_sleep_mode(SLEEP_MODE_IDLE);
    sei();

    radio_reset();
    uint8_t version = spi_radio_read(SX_REG_VERSION);
    if (version != SX_VERSION_SX1276) {
        pr("sniffer: error: no SX1276 (RegVersion 0x");
        put_hex8(version);
        pr(", expected 0x12)\r\n");
        for (;;) {
            sleep_enable();
            sleep_cpu();
        }
    }
    radio_rx_continuous();
    pr("sniffer: freq=");
    pr_u32(FREQ_HZ);
    pr(" sf=");
    pr_u32(SF);
    pr(" bw=");
    pr_u32(BW_KHZ * 1000UL);
    pr(" cr=5\r\n");

    for (;;) {
        cli();
        if (!dio0_seen) {
            sleep_enable();
            sei();
            sleep_cpu();        /* INT0 or UDRE wakes us; no wake-up is lost */
            sleep_disable();
            continue;
        }
        dio0_seen = false;
        sei();
        report_frame();
    }
}
