/* main.c — lorawan-node: a LoRaWAN 1.0.x class-A ABP end device for an
 * Arduino Uno + Dragino LoRa Shield (ATmega328P at 16 MHz, SX1276), written
 * the way battery-powered firmware is: it sleeps between events and is woken
 * by Timer1 or the radio's DIO lines.
 *
 * Every TX_INTERVAL_S seconds it sends an unconfirmed (or every
 * CONFIRMED_EVERY-th a confirmed) data uplink on FPort 1 on one of the three
 * EU868 default channels (picked at random from a generator seeded with
 * RegRssiWideband noise), at data rate DR, within the 1% duty cycle of the
 * 868.0-868.6 MHz sub-band. It then opens RX1 (uplink channel and DR, 1 s
 * after the end of the uplink) and, if nothing valid arrived there, RX2
 * (869.525 MHz, SF9 as TTN uses, or SF12 with RX2_SF12, 2 s after). A
 * downlink is checked (DevAddr, MIC), decrypted and printed; its ACK bit and
 * the MAC commands LinkCheckAns and DevStatusReq are handled.
 *
 * FRMPayload of each uplink: 2 bytes, big-endian, the number of uplinks sent
 * since reset (0, 1, 2, ...). FCnt starts at FCNT_START at every reset (ABP
 * without persistent storage).
 *
 * UART lines (115200 8N1, CRLF) are documented in README.md, section
 * "targets/lorawan-node"; keep the two in step. */
#include <stdbool.h>
#include <stdint.h>

#include "hal.h"
#include "lwframe.h"
#include "lwphy.h"
#include "../common/print.h"
#include "radio.h"

/* ---- configuration (make variables, see Makefile) ---- */
#ifndef DEVADDR
#define DEVADDR 0x95337738UL
#endif
#ifndef NWKSKEY_BYTES
#define NWKSKEY_BYTES 0xAA, 0x0F, 0x29, 0xD3, 0x9D, 0x7A, 0xAE, 0x3B, \
                      0x54, 0xCF, 0xDF, 0x2F, 0x2A, 0x23, 0x55, 0xB5
#endif
#ifndef APPSKEY_BYTES
#define APPSKEY_BYTES 0x2F, 0x85, 0x43, 0x5B, 0x34, 0x9C, 0x80, 0xC6, \
                      0xA8, 0xFA, 0x27, 0x49, 0x5A, 0x36, 0x82, 0x21
#endif
#ifndef FCNT_START
#define FCNT_START 0
#endif
#ifndef TX_INTERVAL_S
#define TX_INTERVAL_S 30
#endif
#ifndef DR
#define DR 5
#endif
#ifndef CONFIRMED_EVERY
#define CONFIRMED_EVERY 0
#endif
#ifndef TX_POWER_DBM
#define TX_POWER_DBM 14
#endif
#define FPORT 1

#if DR < 0 || DR > 5
#error "DR must be 0..5 (EU868 SF12BW125..SF7BW125)"
#endif
#if TX_INTERVAL_S < 1 || TX_INTERVAL_S > 32400
/* HAL_MS(s * 1000) must fit 32 bits, and times compare by signed difference. */
#error "TX_INTERVAL_S must be 1..32400 (9 h)"
#endif

static const uint8_t nwkskey[] = {NWKSKEY_BYTES};
static const uint8_t appskey[] = {APPSKEY_BYTES};
_Static_assert(sizeof nwkskey == 16, "NWKSKEY must be 16 bytes (32 hex digits)");
_Static_assert(sizeof appskey == 16, "APPSKEY must be 16 bytes (32 hex digits)");

/* ---- EU868 (LoRaWAN Regional Parameters, EU863-870) ---- */
#define UPLINK_SF (12 - DR)
static const uint32_t channels_hz[3] PROGMEM = {868100000UL, 868300000UL, 868500000UL};
#define RX2_FREQ_HZ 869525000UL
#ifdef RX2_SF12
#define RX2_SF 12               /* the specification's default, DR0 */
#else
#define RX2_SF 9                /* The Things Network's RX2, DR3 */
#endif
#define RECEIVE_DELAY1_MS 1000UL
#define RECEIVE_DELAY2_MS 2000UL
/* All three default channels lie in sub-band 868.0-868.6 MHz, 1% duty cycle:
 * after a frame of time on air T the band stays closed until start + 100 T. */
#define DUTY_CYCLE_DIVISOR 100UL

/* ---- state ---- */
static uint32_t fcnt_up = FCNT_START;
static uint32_t fcnt_down;          /* next downlink counter expected */
static uint16_t uplinks;            /* sent since reset: the payload */
static uint32_t band_free_at;       /* ticks: when the sub-band may be used again */
static bool band_used;
static bool ack_downlink;           /* a confirmed downlink awaits our ACK bit */
static uint8_t mac_answers[15];     /* FOpts of the next uplink */
static uint8_t mac_answers_len;
static uint32_t rng_state;

static uint8_t frame[64];
static uint8_t rxbuf[64];

static uint32_t rng_next(void) /* xorshift32 (Marsaglia 2003) */
{
    uint32_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return rng_state = x;
}

/* MAC commands (LoRaWAN 1.0.2 section 5) in FOpts or an FPort 0 payload. */
static void mac_process(const uint8_t *c, uint8_t len, int8_t snr_db)
{
    /* Lengths of the network's 1.0.x requests/answers after the CID. */
    static const uint8_t req_len[11] PROGMEM = {0, 0, 2, 4, 1, 4, 0, 5, 1, 1, 4};
    uint8_t i = 0;
    while (i < len) {
        uint8_t cid = c[i++];
        uint8_t n = cid < sizeof req_len ? pgm_read_byte(&req_len[cid]) : 0xFF;
        if (cid < 2 || n == 0xFF || i + n > len) {
            pr("mac: cid=0x");
            pr_hex8(cid);
            pr(" unknown, rest ignored");
            pr_nl();
            return;
        }
        if (cid == 0x02) { /* LinkCheckAns: Margin (dB), GwCnt */
            pr("mac: linkcheck margin=");
            pr_u32(c[i]);
            pr(" gw=");
            pr_u32(c[i + 1]);
            pr_nl();
        } else if (cid == 0x06 && mac_answers_len + 3u <= sizeof mac_answers) {
            /* DevStatusReq -> DevStatusAns: battery 0 = external power,
             * margin = SNR of the request, 6-bit signed. */
            mac_answers[mac_answers_len++] = 0x06;
            mac_answers[mac_answers_len++] = 0;
            mac_answers[mac_answers_len++] = (uint8_t)snr_db & 0x3F;
            pr("mac: devstatus");
            pr_nl();
        } else {
            pr("mac: cid=0x");
            pr_hex8(cid);
            pr(" ignored");
            pr_nl();
        }
        i = (uint8_t)(i + n);
    }
}

/* Checks and prints a received frame; true if it was a valid downlink for
 * us (then RX2 is not opened). */
static bool handle_downlink(uint8_t len, int8_t snr_db, bool *acked)
{
    lwn_frame f;
    lwn_status st = lwn_parse(rxbuf, len, DEVADDR, fcnt_down, nwkskey, appskey, &f);
    if (st == LWN_OK && !lwn_dir(f.mhdr))
        st = LWN_EMTYPE;
    if (st != LWN_OK) {
        pr("down: ");
        if (st == LWN_EADDR)
            pr("other devaddr");
        else if (st == LWN_EMIC)
            pr("bad mic");
        else
            pr("not a data downlink");
        pr_nl();
        return false;
    }
    fcnt_down = f.fcnt + 1;
    pr("down: fcnt=");
    pr_u32(f.fcnt);
    pr(" fport=");
    if (f.fport == LWN_NO_FPORT)
        pr("-");
    else
        pr_u32((uint32_t)f.fport);
    pr(" ack=");
    pr_u32((f.fctrl & LWN_FCTRL_ACK) ? 1 : 0);
    pr(" data=");
    if (f.len)
        pr_hex(f.payload, f.len);
    else
        pr("-");
    pr_nl();
    if (f.fctrl & LWN_FCTRL_ACK)
        *acked = true;
    if (f.mhdr == LWN_MHDR_CONF_DOWN)
        ack_downlink = true;
    mac_answers_len = 0;
    mac_process(f.fopts, f.fopts_len, snr_db);
    if (f.fport == 0)
        mac_process(f.payload, f.len, snr_db);
    return true;
}

/* One receive window whose downlink would start at t0 (ticks). Returns true
 * if a valid downlink for us arrived. */
static bool rx_window(uint8_t which, uint32_t t0, uint32_t freq_hz, uint8_t sf, bool *acked)
{
    uint16_t symbols;
    int32_t offset_us;
    uint32_t t_open, t_close;
    uint8_t flags;
    bool ok = false;

    lwn_rx_window(sf, &symbols, &offset_us);
    t_open = t0 + (uint32_t)(offset_us / (int32_t)HAL_TICK_US);
    /* Configure a little ahead, then switch to RXSINGLE on time. */
    hal_sleep_until(t_open - HAL_MS(3));
    radio_rx_prepare(freq_hz, sf, symbols);
    hal_clear_events(HAL_EV_DIO0 | HAL_EV_DIO1);
    hal_sleep_until(t_open);
    radio_rx_start();
    /* The radio ends the window itself: RxTimeout (DIO1) after `symbols`,
     * or RxDone (DIO0) after a frame whose preamble it found. DIO1 only
     * reaches the MCU through jumper JP1 on the Dragino shield, so at the
     * window's end the flags are read anyway: no flag yet means a frame is
     * coming in, and then only RxDone (or a dead radio) ends the wait. */
    t_close = t_open + HAL_US((uint32_t)(symbols + 1) * lwn_tsym_us(sf)) + HAL_MS(2);
    hal_wait(HAL_EV_DIO0 | HAL_EV_DIO1, t_close);
    flags = radio_irq_flags();
    if (!(flags & (SX_IRQ_RXDONE | SX_IRQ_RXTIMEOUT))) {
        hal_wait(HAL_EV_DIO0 | HAL_EV_DIO1, t_close + HAL_US(lwn_toa_us(sf, 255, false)) + HAL_MS(100));
        flags = radio_irq_flags();
    }

    pr("rx");
    pr_u32(which);
    pr(": ");
    if (flags & SX_IRQ_RXDONE) {
        int16_t rssi;
        int8_t snr;
        uint8_t n = radio_read_packet(rxbuf, sizeof rxbuf, &rssi, &snr);
        radio_sleep();
        if (flags & SX_IRQ_CRCERROR) {
            pr("crc error");
        } else if (n > sizeof rxbuf) {
            pr("too long (");
            pr_u32(n);
            pr(" bytes)");
        } else {
            pr_hex(rxbuf, n);
            pr(" rssi=");
            pr_i32(rssi);
            pr(" snr=");
            pr_i32(snr);
            pr_nl();
            return handle_downlink(n, snr, acked);
        }
    } else if (flags & SX_IRQ_RXTIMEOUT) {
        radio_sleep();
        pr("timeout");
    } else {
        radio_sleep();
        pr("no interrupt, RegIrqFlags=0x");
        pr_hex8(flags);
    }
    pr_nl();
    return ok;
}

/* Sleeps until the sub-band may be used again (1% duty cycle). */
static void duty_cycle_wait(void)
{
    int32_t left = (int32_t)(band_free_at - hal_now());
    if (!band_used || left <= 0)
        return;
    pr("duty: waiting ");
    pr_u32(HAL_TICKS_TO_MS((uint32_t)left));
    pr(" ms");
    pr_nl();
    hal_sleep_until(band_free_at);
}

/* Builds, sends and follows up one uplink; returns its start time. */
static uint32_t uplink(void)
{
#if CONFIRMED_EVERY > 0
    bool confirmed = (uint16_t)(uplinks + 1) % CONFIRMED_EVERY == 0; /* the K-th, 2K-th, ... */
#else
    bool confirmed = false;
#endif
    uint8_t payload[2] = {(uint8_t)(uplinks >> 8), (uint8_t)uplinks};
    uint32_t freq_hz = pgm_read_dword(&channels_hz[rng_next() % 3]);
    uint32_t toa_us, t_start, t_end;
    bool acked = false;
    lwn_frame f = {
        .mhdr = confirmed ? LWN_MHDR_CONF_UP : LWN_MHDR_UNCONF_UP,
        .devaddr = DEVADDR,
        .fctrl = ack_downlink ? LWN_FCTRL_ACK : 0,
        .fcnt = fcnt_up,
        .fopts = mac_answers,
        .fopts_len = mac_answers_len,
        .fport = FPORT,
        .payload = payload,
        .len = sizeof payload,
    };
    uint8_t len = lwn_build(&f, nwkskey, appskey, frame, sizeof frame);

    duty_cycle_wait();
    toa_us = lwn_toa_us(UPLINK_SF, len, true);
    pr("tx: fcnt=");
    pr_u32(fcnt_up);
    pr(" ch=");
    pr_u32(freq_hz);
    pr(" sf=");
    pr_u32(UPLINK_SF);
    pr(" len=");
    pr_u32(len);
    if (confirmed)
        pr(" confirmed");
    pr_nl();
    pr("frame: ");
    pr_hex(frame, len);
    pr_nl();

    hal_clear_events(HAL_EV_DIO0);
    radio_tx(freq_hz, UPLINK_SF, frame, len);
    t_start = hal_now();
    ack_downlink = false;
    mac_answers_len = 0;
    fcnt_up++;
    uplinks++;
    band_free_at = t_start + HAL_US(toa_us) * DUTY_CYCLE_DIVISOR;
    band_used = true;

    if (!hal_wait(HAL_EV_DIO0, t_start + HAL_US(toa_us) + HAL_MS(1000))) {
        pr("tx: no TxDone, RegIrqFlags=0x");
        pr_hex8(radio_irq_flags());
        pr_nl();
        radio_sleep();
        return t_start;
    }
    t_end = hal_dio0_time();
    radio_sleep();
    pr("tx done");
    pr_nl();

    if (!rx_window(1, t_end + HAL_MS(RECEIVE_DELAY1_MS), freq_hz, UPLINK_SF, &acked))
        rx_window(2, t_end + HAL_MS(RECEIVE_DELAY2_MS), RX2_FREQ_HZ, RX2_SF, &acked);
    if (confirmed) {
        if (acked)
            pr("ack: received");
        else
            pr("ack: missing");
        pr_nl();
    }
    return t_start;
}

int main(void)
{
    uint8_t version;
    uint32_t next;

    hal_init();
    pr("lorawan-node 1.0 devaddr=");
    pr_hex32(DEVADDR);
    pr(" dr=");
    pr_u32(DR);
    pr_nl();

    version = radio_init(TX_POWER_DBM);
    pr("radio: version 0x");
    pr_hex8(version);
    pr_nl();
    if (version != SX_VERSION_SX1276) {
        pr("radio: not an SX1276, stopped");
        pr_nl();
        hal_halt();
    }
    rng_state = radio_random(pgm_read_dword(&channels_hz[0]));
    if (rng_state == 0)
        rng_state = 1; /* xorshift's one fixed point */

    next = hal_now();
    for (;;) {
        hal_sleep_until(next);
        next = uplink() + HAL_MS(TX_INTERVAL_S * 1000UL);
    }
}
