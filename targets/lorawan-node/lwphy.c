/* lwphy.c — LoRa time on air, Frf and receive-window arithmetic; see lwphy.h. */
#include "lwphy.h"

uint32_t lwn_tsym_us(uint8_t sf)
{
    return (uint32_t)8 << sf; /* 2^SF / 125 kHz */
}

uint32_t lwn_toa_us(uint8_t sf, uint8_t len, bool crc)
{
    /* Datasheet 4.1.1.7 with IH = 0, CR = 1 (4/5), DE = 1 for SF11/SF12:
     * n_payload = 8 + max(ceil((8PL - 4SF + 28 + 16CRC) / (4(SF - 2DE))) * 5, 0)
     * T = (n_preamble + 4.25 + n_payload) * Tsym, n_preamble = 8. */
    uint8_t de = sf >= 11;
    int16_t num = (int16_t)(8 * len - 4 * sf + 28 + (crc ? 16 : 0));
    int16_t den = (int16_t)(4 * (sf - 2 * de));
    uint32_t n = 8;
    if (num > 0)
        n += (uint32_t)((num + den - 1) / den) * 5;
    /* 12.25 preamble symbols = 49/4 */
    return (49 * lwn_tsym_us(sf)) / 4 + n * lwn_tsym_us(sf);
}

uint32_t lwn_frf(uint32_t freq_hz)
{
    /* 32 MHz / 2^19 = 15625 / 256 Hz, so Frf = f * 256 / 15625, split so no
     * intermediate exceeds 32 bits. */
    return (freq_hz / 15625) * 256 + ((freq_hz % 15625) * 256) / 15625;
}

void lwn_rx_window(uint8_t sf, uint16_t *symb_timeout, int32_t *offset_us)
{
    int32_t tsym = (int32_t)lwn_tsym_us(sf);
    /* Long enough to cover the clock error on both sides and still leave
     * LWN_RX_MIN_SYMBOLS of the 8-symbol preamble to lock on. */
    int32_t need = (2 * LWN_RX_MIN_SYMBOLS - 8) * tsym + 2 * LWN_RX_ERROR_US;
    int32_t n = (need + tsym - 1) / tsym;
    if (n < LWN_RX_MIN_SYMBOLS)
        n = LWN_RX_MIN_SYMBOLS;
    if (n > 1023)
        n = 1023; /* RegSymbTimeout is 10 bits */
    *symb_timeout = (uint16_t)n;
    /* Centre the window on the middle of the preamble (4 symbols in), minus
     * the radio's wake-up time. */
    *offset_us = 4 * tsym - (n * tsym + 1) / 2 - LWN_RX_WAKEUP_US;
}
