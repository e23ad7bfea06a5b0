/* lw_toa.c — time on air from the SX1276 datasheet formula:
 *   Tsym     = 2^SF / BW
 *   Tpreamble = (Npreamble + 4.25) * Tsym
 *   Npayload = 8 + max(ceil((8PL - 4SF + 28 + 16CRC - 20IH) / (4(SF - 2DE))) * (CR + 4), 0)
 * Computed in quarter symbols with integers so results are exact. */
#include "lw_toa.h"

static bool valid(const lw_modem *m)
{
    return m && m->sf >= 6 && m->sf <= 12 && m->bw_hz >= 7800 && m->bw_hz <= 500000 &&
           m->cr >= 5 && m->cr <= 8 && m->preamble >= 0;
}

uint64_t lw_symbol_ns(int sf, uint32_t bw_hz)
{
    if (sf < 6 || sf > 12 || bw_hz == 0)
        return 0;
    return ((uint64_t)1000000000u << sf) / bw_hz;
}

bool lw_ldro_required(int sf, uint32_t bw_hz)
{
    /* Semtech AN1200.22 / SX1276 datasheet: mandated when Tsym exceeds 16 ms. */
    return lw_symbol_ns(sf, bw_hz) > 16000000u;
}

uint32_t lw_payload_symbols(const lw_modem *m, size_t len)
{
    if (!valid(m))
        return 0;
    long num = 8L * (long)len - 4L * m->sf + 28 + (m->crc ? 16 : 0) - (m->implicit_header ? 20 : 0);
    long den = 4L * (m->sf - (m->ldro ? 2 : 0));
    long blocks = num > 0 ? (num + den - 1) / den : 0;
    return (uint32_t)(8 + blocks * m->cr);
}

uint64_t lw_toa_ns(const lw_modem *m, size_t len)
{
    if (!valid(m))
        return 0;
    /* quarter symbols: preamble + 4.25, then the payload symbols */
    uint64_t quarters = 4u * (uint64_t)m->preamble + 17u + 4u * lw_payload_symbols(m, len);
    return (quarters * ((uint64_t)1000000000u << m->sf)) / (4u * (uint64_t)m->bw_hz);
}
