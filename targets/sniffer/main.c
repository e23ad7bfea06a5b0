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
 * 6.4, LoRa register map); the wiring is the shield's (NSS D10 = PB2,
 * RESET D9 = PB1, DIO0 D2 = PD2/INT0). */
#include <avr/interrupt.h>
#include <avr/io.h>
#include <avr/sleep.h>
#include <stdbool.h>
#include <stdint.h>
#include <util/delay.h>

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

#define REG_FIFO            0x00
#define REG_OPMODE          0x01
#define REG_FRF_MSB         0x06
#define REG_FRF_MID         0x07
#define REG_FRF_LSB         0x08
#define REG_LNA             0x0C
#define REG_FIFO_ADDR_PTR   0x0D
#define REG_FIFO_RX_BASE    0x0F
#define REG_FIFO_RX_CURRENT 0x10
#define REG_IRQ_FLAGS_MASK  0x11
#define REG_IRQ_FLAGS       0x12
#define REG_RX_NB_BYTES     0x13
#define REG_PKT_SNR         0x19
#define REG_PKT_RSSI        0x1A
#define REG_MODEM_CONFIG1   0x1D
#define REG_MODEM_CONFIG2   0x1E
#define REG_PREAMBLE_MSB    0x20
#define REG_PREAMBLE_LSB    0x21
#define REG_MAX_PAYLOAD     0x23
#define REG_MODEM_CONFIG3   0x26
#define REG_INVERT_IQ       0x33
#define REG_SYNC_WORD       0x39
#define REG_INVERT_IQ2      0x3B
#define REG_DIO_MAPPING1    0x40
#define REG_VERSION         0x42

#define MODE_LORA   0x80
#define MODE_SLEEP  0x00
#define MODE_STDBY  0x01
#define MODE_RXCONT 0x05

#define IRQ_RX_DONE    0x40
#define IRQ_CRC_ERROR  0x20

/* ---- UART: interrupt-driven transmit, the CPU sleeps while it drains ---- */

#define UART_BUF 64
static volatile uint8_t uart_buf[UART_BUF];
static volatile uint8_t uart_head, uart_tail;
static volatile bool dio0_seen;

ISR(USART_UDRE_vect)
{
    if (uart_head == uart_tail) {
        UCSR0B &= (uint8_t)~_BV(UDRIE0);
        return;
    }
    UDR0 = uart_buf[uart_tail];
    uart_tail = (uart_tail + 1) & (UART_BUF - 1);
}

ISR(INT0_vect)
{
    dio0_seen = true;
}

static void putch(char c)
{
    uint8_t next = (uart_head + 1) & (UART_BUF - 1);
    for (;;) {
        cli();
        if (next != uart_tail)
            break;
        sleep_enable();
        sei();
        sleep_cpu();
        sleep_disable();
    }
    uart_buf[uart_head] = (uint8_t)c;
    uart_head = next;
    UCSR0B |= _BV(UDRIE0);
    sei();
}

static void puts_(const char *s)
{
    while (*s)
        putch(*s++);
}

static void put_hex8(uint8_t v)
{
    static const char d[] = "0123456789ABCDEF";
    putch(d[v >> 4]);
    putch(d[v & 15]);
}

static void put_u32(uint32_t v)
{
    char b[11];
    uint8_t n = 0;
    do {
        b[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        putch(b[--n]);
}

static void put_i16(int16_t v)
{
    if (v < 0) {
        putch('-');
        put_u32((uint32_t)(-(int32_t)v));
    } else {
        put_u32((uint32_t)v);
    }
}

/* SNR in quarter dB as a decimal: 38 -> "9.5", -9 -> "-2.25". */
static void put_quarters(int16_t q)
{
    if (q < 0) {
        putch('-');
        q = (int16_t)-q;
    }
    put_u32((uint32_t)(q / 4));
    switch (q % 4) {
    case 1: puts_(".25"); break;
    case 2: puts_(".5"); break;
    case 3: puts_(".75"); break;
    default: puts_(".0"); break;
    }
}

/* ---- SX1276 over SPI ------------------------------------------------------ */

static uint8_t spi(uint8_t out)
{
    SPDR = out;
    while (!(SPSR & _BV(SPIF)))
        ; /* 8 SPI clocks at 4 MHz: 2 us */
    return SPDR;
}

static uint8_t rd(uint8_t reg)
{
    PORTB &= (uint8_t)~_BV(PB2);
    spi(reg & 0x7F);
    uint8_t v = spi(0);
    PORTB |= _BV(PB2);
    return v;
}

static void wr(uint8_t reg, uint8_t v)
{
    PORTB &= (uint8_t)~_BV(PB2);
    spi(reg | 0x80);
    spi(v);
    PORTB |= _BV(PB2);
}

static void radio_reset(void)
{
    /* Datasheet 7.2.2: drive NRESET low for > 100 us, release, wait 5 ms. */
    PORTB &= (uint8_t)~_BV(PB1);
    DDRB |= _BV(PB1);
    _delay_us(150);
    DDRB &= (uint8_t)~_BV(PB1);
    _delay_ms(6);
}

static void radio_rx_continuous(void)
{
    wr(REG_OPMODE, MODE_LORA | MODE_SLEEP);   /* LoRa mode can only be set in sleep */
    wr(REG_OPMODE, MODE_LORA | MODE_STDBY);
    /* Frf = f * 2^19 / 32 MHz (datasheet 6.4, RegFrf) */
    uint32_t frf = (uint32_t)(((uint64_t)FREQ_HZ << 19) / 32000000UL);
    wr(REG_FRF_MSB, (uint8_t)(frf >> 16));
    wr(REG_FRF_MID, (uint8_t)(frf >> 8));
    wr(REG_FRF_LSB, (uint8_t)frf);
    wr(REG_LNA, 0x23);                        /* max gain, LNA boost on HF */
    wr(REG_MODEM_CONFIG1, BW_BITS | 0x02);    /* CR 4/5, explicit header */
    wr(REG_MODEM_CONFIG2, (uint8_t)(SF << 4) | 0x04); /* RxPayloadCrcOn */
    /* LDRO when a symbol lasts over 16 ms (SF11/12 at 125 kHz); AGC on */
    wr(REG_MODEM_CONFIG3, (((1UL << SF) * 1000UL / BW_KHZ) > 16000UL ? 0x08 : 0) | 0x04);
    wr(REG_PREAMBLE_MSB, 0);
    wr(REG_PREAMBLE_LSB, 8);
    wr(REG_SYNC_WORD, 0x34);                  /* LoRaWAN public network */
    wr(REG_INVERT_IQ, 0x27);                  /* reset value: IQ not inverted (uplinks) */
    wr(REG_INVERT_IQ2, 0x1D);
    wr(REG_MAX_PAYLOAD, 0xFF);
    wr(REG_FIFO_RX_BASE, 0);
    wr(REG_FIFO_ADDR_PTR, 0);
    wr(REG_DIO_MAPPING1, 0x00);               /* DIO0 = RxDone */
    wr(REG_IRQ_FLAGS_MASK, 0x00);
    wr(REG_IRQ_FLAGS, 0xFF);
    wr(REG_OPMODE, MODE_LORA | MODE_RXCONT);
}

static void report_frame(void)
{
    uint8_t flags = rd(REG_IRQ_FLAGS);
    wr(REG_IRQ_FLAGS, 0xFF);                  /* write 1 to clear */
    if (!(flags & IRQ_RX_DONE))
        return;
    int8_t snr_q = (int8_t)rd(REG_PKT_SNR);
    /* Datasheet 5.5.5, HF port: -157 + PacketRssi, plus SNR when negative */
    int16_t rssi = (int16_t)(-157 + rd(REG_PKT_RSSI));
    if (snr_q < 0)
        rssi = (int16_t)(rssi + snr_q / 4);
    if (flags & IRQ_CRC_ERROR) {
        puts_("crc error: rssi=");
    } else {
        uint8_t n = rd(REG_RX_NB_BYTES);
        wr(REG_FIFO_ADDR_PTR, rd(REG_FIFO_RX_CURRENT));
        puts_("rx: ");
        for (uint8_t i = 0; i < n; i++)
            put_hex8(rd(REG_FIFO));
        puts_(" rssi=");
    }
    put_i16(rssi);
    puts_(" snr=");
    put_quarters(snr_q);
    puts_("\r\n");
}

int main(void)
{
    /* SPI master, mode 0, fosc/4; NSS (PB2), MOSI (PB3), SCK (PB5) outputs */
    PORTB |= _BV(PB2);
    DDRB |= _BV(PB2) | _BV(PB3) | _BV(PB5);
    SPCR = _BV(SPE) | _BV(MSTR);
    /* DIO0 on INT0, rising edge */
    DDRD &= (uint8_t)~_BV(PD2);
    EICRA = _BV(ISC01) | _BV(ISC00);
    EIFR = _BV(INTF0);
    EIMSK = _BV(INT0);
    /* UART 115200 baud: U2X, UBRR = 16 (as the Uno's bootloader) */
    UCSR0A = _BV(U2X0);
    UBRR0 = 16;
    UCSR0C = _BV(UCSZ01) | _BV(UCSZ00);
    UCSR0B = _BV(TXEN0);
    set_sleep_mode(SLEEP_MODE_IDLE);
    sei();

    radio_reset();
    uint8_t version = rd(REG_VERSION);
    if (version != 0x12) {
        puts_("sniffer: error: no SX1276 (RegVersion 0x");
        put_hex8(version);
        puts_(", expected 0x12)\r\n");
        for (;;) {
            sleep_enable();
            sleep_cpu();
        }
    }
    radio_rx_continuous();
    puts_("sniffer: freq=");
    put_u32(FREQ_HZ);
    puts_(" sf=");
    put_u32(SF);
    puts_(" bw=");
    put_u32(BW_KHZ * 1000UL);
    puts_(" cr=5\r\n");

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
