/* lw_stream.h — turns a run's events into verdicts, as they happen. Feed
 * every event of a run (sim or HIL) to lws_feed; for each uplink frame it
 * emits verdict events on `out` (same t_ns as the frame, `frame` = the
 * frame's index from 0):
 *
 *   parse      the frame is a LoRaWAN data frame (only when it is not)
 *   devaddr    DevAddr is the session's
 *   mic        the MIC verifies with the NwkSKey
 *   fcnt       FCnt grows (LoRaWAN 1.0.x 4.3.1.5: no replay, no gap >= 16384)
 *   decrypt    FRMPayload decrypted (ok when the MIC held; detail = FPort and
 *              plaintext hex)
 *   mac        MAC commands decode (only for frames that carry them)
 *   duty_cycle the EU868 sub-band's time-off after the previous
 *              transmission was respected (check/lw_duty.h)
 *
 * Without keys only duty_cycle is checked. Which events carry the frames is
 * configurable: radio_tx (sim: what left the antenna) or gateway_rx (HIL:
 * what a gateway heard); the other kind is ignored so a frame is checked
 * once. Faults are counted. Pure: no I/O; verdict strings never contain
 * keys.
 *
 * Downlinks: a radio_rx_window event with result "rx" and a payload is a
 * frame the node's radio received (from either source setting). Unless its
 * MType is an uplink one (Join Request, Data Up: another device heard, not
 * a downlink; ignored) it is checked like an uplink, with direction 1 in B0
 * and A_i and its own counter (FCntDown, never mixed with the uplink FCnt),
 * and its verdicts are named apart: downlink_parse, downlink_devaddr,
 * downlink_mic, downlink_fcnt, downlink_decrypt (FPort 0: NwkSKey, else
 * AppSKey), downlink_mac, with the same details as the uplink checks and
 * `frame` = -1 (reports number radio_tx frames only). No duty_cycle: the
 * node did not transmit it.
 *
 * Ownership: lws_new copies the config and keys; lws_free releases. */
#ifndef LORAHIL_LW_STREAM_H
#define LORAHIL_LW_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "check/lorawan.h"
#include "check/lw_duty.h"
#include "events/events.h"

typedef enum lws_source {
    LWS_FROM_RADIO_TX = 0,
    LWS_FROM_GATEWAY_RX,
} lws_source;

typedef struct lws_config {
    const lw_keys *keys;        /* NULL: frames are not verified */
    lws_source source;
    bool have_fcnt_last;        /* the session already used uplink FCnt values up to */
    uint32_t fcnt_last;         /* fcnt_last (32-bit): needed above 65535, where the */
                                /* wire carries only the low 16 bits */
    bool have_fcnt_down_last;   /* the same for the downlink counter (FCntDown); */
    uint32_t fcnt_down_last;    /* without it the first downlink's wire value is taken */
} lws_config;

typedef struct lws_band_use {
    bool used;
    unsigned frames;
    uint64_t airtime_ns;
    unsigned violations;        /* time-off not respected */
} lws_band_use;

typedef struct lws_totals {
    unsigned frames;            /* uplink frames seen on the source */
    unsigned verified;          /* every check of the frame passed */
    unsigned failed;            /* a frame check failed (parse, devaddr, mic, fcnt, mac) */
    unsigned duty_violations;
    unsigned duty_unchecked;    /* frames whose frequency or time on air is unknown (0),
                                   as a board over serial may not print them: no
                                   duty-cycle verdict, the rule needs both */
    unsigned faults;            /* fault events */
    unsigned verdicts_failed;   /* verdict events with ok = false, of any check */
    uint64_t start_ns, end_ns;  /* run_start .. run_end (or last event) */
    lws_band_use band[LW_DUTY_NBANDS];
    unsigned out_of_band;       /* frames outside every EU868 sub-band */
    uint64_t out_of_band_airtime_ns;
    unsigned downlinks;         /* frames received in RX windows (not counted in frames) */
    unsigned downlinks_verified;/* every downlink_* check passed (0 without keys) */
    unsigned downlinks_failed;  /* a downlink_* check failed */
} lws_totals;

typedef struct lws_state lws_state;

lws_state *lws_new(const lws_config *cfg);
void lws_free(lws_state *s);

/* Consumes one event; verdicts go to out (may be NULL). */
void lws_feed(lws_state *s, const ev_event *in, const ev_sink *out);

void lws_summary(const lws_state *s, lws_totals *out);

/* Share of [start, end) band `b` was on air (0 when the run is empty). */
double lws_band_fraction(const lws_totals *t, int b);

#endif
