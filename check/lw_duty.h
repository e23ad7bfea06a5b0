/* lw_duty.h — EU868 duty-cycle bookkeeping per sub-band: record each
 * transmission, ask how much of a window a sub-band was on air, and whether a
 * transmission now would break the time-off rule. Times in ns, frequencies
 * in Hz. The caller owns an lw_duty (init/free); no I/O, no globals. */
#ifndef LORAHIL_LW_DUTY_H
#define LORAHIL_LW_DUTY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LW_DUTY_NBANDS 6

typedef struct lw_duty_band_def {
    uint32_t lo_hz, hi_hz;  /* edges; which edge belongs to the band: see lw_duty_band_of */
    uint32_t divisor;       /* duty cycle = 1/divisor: 1000 = 0.1 %, 100 = 1 %, 10 = 10 % */
    const char *name;       /* "868.0-868.6 MHz" */
    const char *duty;       /* "1%" */
} lw_duty_band_def;

/* The EU863-870 sub-band index 0..5 of a frequency, or -1 when it is in no
 * sub-band (e.g. 868.65 MHz, 869.3 MHz, or outside 863-870 MHz). */
int lw_duty_band_of(uint32_t freq_hz);

/* The definition of band 0..5, or NULL. */
const lw_duty_band_def *lw_duty_band(int band);

/* Time-off after a transmission of toa_ns in band: toa/d - toa. 0 for a bad band. */
uint64_t lw_duty_time_off_ns(int band, uint64_t toa_ns);

typedef struct lw_duty_tx {
    uint64_t t_ns;          /* start of the transmission */
    uint64_t toa_ns;
    uint32_t freq_hz;
    int band;
} lw_duty_tx;

typedef struct lw_duty {
    lw_duty_tx *tx;         /* owned; transmissions in time order */
    size_t n, cap;
    uint64_t keep_ns;       /* history kept for window queries (default 1 h) */
    uint64_t off_until_ns[LW_DUTY_NBANDS]; /* end of each band's time-off */
    bool used[LW_DUTY_NBANDS];
} lw_duty;

void lw_duty_init(lw_duty *d);
void lw_duty_free(lw_duty *d);

/* Records a transmission starting at t_ns. Returns 0, or -1 when freq_hz is
 * in no sub-band, t_ns is earlier than the previous record's start, or memory
 * runs out (nothing is recorded then). Transmissions older than keep_ns
 * before t_ns are forgotten. */
int lw_duty_record(lw_duty *d, uint64_t t_ns, uint32_t freq_hz, uint64_t toa_ns);

/* On-air time of band inside [from_ns, to_ns), partial overlaps clipped. */
uint64_t lw_duty_used_ns(const lw_duty *d, int band, uint64_t from_ns, uint64_t to_ns);

/* lw_duty_used_ns over the window_ns before now_ns, as a fraction of it. */
double lw_duty_fraction(const lw_duty *d, int band, uint64_t now_ns, uint64_t window_ns);

/* Whether starting a transmission at t_ns on freq_hz breaks the time-off of
 * its sub-band (or freq_hz is in no sub-band). If wait_ns is not NULL it gets
 * how long to wait (0 when allowed; UINT64_MAX for no sub-band). */
bool lw_duty_would_violate(const lw_duty *d, uint64_t t_ns, uint32_t freq_hz, uint64_t *wait_ns);

#endif
