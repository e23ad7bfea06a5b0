/* lw_toa.h — LoRa time on air, per the Semtech SX1276 datasheet (section
 * 4.1.1.7, "Time on air"). Used by the checker and by the SX1276 model to
 * time TxDone. */
#ifndef LORAHIL_LW_TOA_H
#define LORAHIL_LW_TOA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct lw_modem {
    int sf;                 /* spreading factor 6..12 */
    uint32_t bw_hz;         /* 7800 .. 500000 */
    int cr;                 /* coding rate denominator 5..8 (4/5 .. 4/8) */
    int preamble;           /* programmed preamble length (symbols) */
    bool implicit_header;
    bool crc;
    bool ldro;              /* low data rate optimisation on */
} lw_modem;

/* Symbol time in ns, rounded down (exact for 125/250/500 kHz). */
uint64_t lw_symbol_ns(int sf, uint32_t bw_hz);

/* Number of payload symbols (datasheet: 8 + max(ceil(...) * (CR+4), 0)). */
uint32_t lw_payload_symbols(const lw_modem *m, size_t len);

/* Time on air of a len-byte payload in ns, rounded down to whole ns.
 * Returns 0 when the settings are out of range (sf, bw, cr). */
uint64_t lw_toa_ns(const lw_modem *m, size_t len);

/* Whether LoRaWAN/Semtech practice mandates LDRO: symbol time > 16 ms. */
bool lw_ldro_required(int sf, uint32_t bw_hz);

#endif
