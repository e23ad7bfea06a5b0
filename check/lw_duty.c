/* lw_duty.c — EU868 duty cycle per sub-band.
 *
 * Sources:
 * - LoRaWAN Regional Parameters v1.0.2rB, EU863-870 channel frequencies: the
 *   band is regulated by ETSI EN 300 220, and "the current LoRaWAN
 *   specification exclusively uses duty-cycled limited transmissions to
 *   comply with the ETSI regulations", per sub-band. The rule, as the
 *   LoRaWAN 1.0 specification's EU863-870 section states it: after a frame,
 *   the same sub-band is not used again for
 *       Toff = TimeOnAir / DutyCycle_subband - TimeOnAir.
 * - Sub-bands and their limits (ETSI EN 300 220-2 V3.2.1 sub-bands for
 *   non-specific SRDs, as summarised e.g. by TEKTELIC, "Maximum Duty Cycle",
 *   https://tektelic.com/what-it-is/maximum-duty-cycle): 863.0-865.0 MHz 0.1 %, 865.0-868.0 1 %, 868.0-868.6 1 %,
 *   868.7-869.2 0.1 %, 869.4-869.65 10 %, 869.7-870.0 1 %.
 * - Which edge belongs where: Semtech LoRaMac-node
 *   src/mac/region/RegionEU868.c VerifyRfFreq() (863.0 <= f < 865.0,
 *   865.0 <= f <= 868.0, 868.0 < f <= 868.6, 868.7 <= f <= 869.2,
 *   869.4 <= f <= 869.65, 869.7 <= f <= 870.0) with the duty of its
 *   EU868_BAND0..5 definitions (RegionEU868.h).
 * Older texts (LMIC, TTN's first wiki) call 863-868 "g" at 1 % and number
 * the rest g1..g4; the names here are the frequency ranges to avoid that
 * ambiguity. */
#include <stdlib.h>
#include <string.h>

#include "lw_duty.h"

static const lw_duty_band_def bands[LW_DUTY_NBANDS] = {
    {863000000, 865000000, 1000, "863.0-865.0 MHz", "0.1%"},
    {865000000, 868000000, 100, "865.0-868.0 MHz", "1%"},
    {868000000, 868600000, 100, "868.0-868.6 MHz", "1%"},
    {868700000, 869200000, 1000, "868.7-869.2 MHz", "0.1%"},
    {869400000, 869650000, 10, "869.4-869.65 MHz", "10%"},
    {869700000, 870000000, 100, "869.7-870.0 MHz", "1%"},
};

int lw_duty_band_of(uint32_t f)
{
    if (f >= 863000000u && f < 865000000u)
        return 0;
    if (f >= 865000000u && f <= 868000000u)
        return 1;
    if (f > 868000000u && f <= 868600000u)
        return 2;
    if (f >= 868700000u && f <= 869200000u)
        return 3;
    if (f >= 869400000u && f <= 869650000u)
        return 4;
    if (f >= 869700000u && f <= 870000000u)
        return 5;
    return -1;
}

const lw_duty_band_def *lw_duty_band(int band)
{
    return band >= 0 && band < LW_DUTY_NBANDS ? &bands[band] : NULL;
}

uint64_t lw_duty_time_off_ns(int band, uint64_t toa_ns)
{
    if (band < 0 || band >= LW_DUTY_NBANDS)
        return 0;
    return toa_ns * (bands[band].divisor - 1u);
}

void lw_duty_init(lw_duty *d)
{
    memset(d, 0, sizeof *d);
    d->keep_ns = 3600ull * 1000000000ull;
}

void lw_duty_free(lw_duty *d)
{
    free(d->tx);
    d->tx = NULL;
    d->n = d->cap = 0;
}

int lw_duty_record(lw_duty *d, uint64_t t_ns, uint32_t freq_hz, uint64_t toa_ns)
{
    int band = lw_duty_band_of(freq_hz);
    if (!d || band < 0)
        return -1;
    if (d->n && t_ns < d->tx[d->n - 1].t_ns)
        return -1;
    /* forget what ended before the kept window */
    size_t drop = 0;
    while (drop < d->n && d->tx[drop].t_ns + d->tx[drop].toa_ns + d->keep_ns <= t_ns)
        drop++;
    if (drop) {
        memmove(d->tx, d->tx + drop, (d->n - drop) * sizeof *d->tx);
        d->n -= drop;
    }
    if (d->n == d->cap) {
        size_t cap = d->cap ? 2 * d->cap : 64;
        lw_duty_tx *p = realloc(d->tx, cap * sizeof *p);
        if (!p)
            return -1;
        d->tx = p;
        d->cap = cap;
    }
    d->tx[d->n++] = (lw_duty_tx){.t_ns = t_ns, .toa_ns = toa_ns, .freq_hz = freq_hz, .band = band};
    uint64_t until = t_ns + toa_ns + lw_duty_time_off_ns(band, toa_ns);
    if (!d->used[band] || until > d->off_until_ns[band])
        d->off_until_ns[band] = until;
    d->used[band] = true;
    return 0;
}

uint64_t lw_duty_used_ns(const lw_duty *d, int band, uint64_t from_ns, uint64_t to_ns)
{
    uint64_t sum = 0;
    if (!d || to_ns <= from_ns)
        return 0;
    for (size_t i = 0; i < d->n; i++) {
        const lw_duty_tx *x = &d->tx[i];
        if (x->band != band)
            continue;
        uint64_t a = x->t_ns > from_ns ? x->t_ns : from_ns;
        uint64_t e = x->t_ns + x->toa_ns;
        uint64_t b = e < to_ns ? e : to_ns;
        if (b > a)
            sum += b - a;
    }
    return sum;
}

double lw_duty_fraction(const lw_duty *d, int band, uint64_t now_ns, uint64_t window_ns)
{
    if (!window_ns)
        return 0.0;
    uint64_t from = now_ns > window_ns ? now_ns - window_ns : 0;
    return (double)lw_duty_used_ns(d, band, from, now_ns) / (double)window_ns;
}

bool lw_duty_would_violate(const lw_duty *d, uint64_t t_ns, uint32_t freq_hz, uint64_t *wait_ns)
{
    int band = lw_duty_band_of(freq_hz);
    if (band < 0) {
        if (wait_ns)
            *wait_ns = UINT64_MAX;
        return true;
    }
    uint64_t until = d && d->used[band] ? d->off_until_ns[band] : 0;
    bool v = t_ns < until;
    if (wait_ns)
        *wait_ns = v ? until - t_ns : 0;
    return v;
}
