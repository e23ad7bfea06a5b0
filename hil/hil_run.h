/* hil_run.h — the hardware-in-the-loop runner: reads a real board's serial
 * port (and optionally a sniffer board's port and a Semtech UDP packet
 * forwarder) and turns what arrives into the same events `lorahil sim`
 * emits, so the same checks and reports apply.
 *
 * Events produced (t_ns = real nanoseconds since the run started):
 *   run_start   runner "hil", firmware = the flashed file or NULL,
 *               board = "serial" (what is on the port is not known), seed 0
 *   serial_line every line of the node port (node 0) and of the sniffer
 *               port (node 1), sanitised as hil_lines.h describes
 *   radio_tx    for each "frame: <hex>" line of the node port (node 0).
 *               A board does not say how it transmitted; the radio fields
 *               it does not print (freq= sf= bw= cr= power=) are 0, and
 *               toa_ns is 0 unless it printed sf= and bw=. When it did, the
 *               fields LoRaWAN fixes for every uplink are filled in: preamble
 *               8, explicit header, CRC on, IQ not inverted, sync word 0x34,
 *               CR 4/5 unless cr= says otherwise, LDRO when the symbol time
 *               exceeds 16 ms; toa_ns then follows from lw_toa_ns().
 *   gateway_rx  for each "rx: <hex> rssi= snr=" line (gateway "sniffer")
 *               and each good LoRa rxpk a packet forwarder sends (gateway =
 *               its EUI in hex); node 0
 *   fault       "port_lost" (node port gone), "silent" (no byte within
 *               silent_ns of the start)
 *   run_end     "duration", "interrupted", "port_lost", "fault" (silent),
 *               "wrong_baud"
 * Checks are not run here: the CLI puts a checker sink between this runner
 * and the events file, exactly as for the simulator.
 *
 * Messages for the terminal (truncated lines, wrong baud rate, malformed
 * datagrams, gateway status) go to the note callback; the library prints
 * nothing.
 */
#ifndef LORAHIL_HIL_RUN_H
#define LORAHIL_HIL_RUN_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "events/events.h"

typedef struct hil_config {
    const char *port;               /* node's serial port (required) */
    int baud;                       /* 115200 by default */
    bool reset_dtr;                 /* pulse DTR after opening (Arduino auto-reset) */
    const char *sniffer_port;       /* NULL: no sniffer board */
    int sniffer_baud;
    const char *gateway_url;        /* NULL: no packet-forwarder listener */
    uint64_t duration_ns;           /* 0: until the port is lost or *stop is set */
    uint64_t silent_ns;             /* 0: never; else fault "silent" when the node
                                       port sent no byte for this long after start */
    const char *const *patterns;    /* extra --line-pattern templates */
    size_t npatterns;
    const char *firmware;           /* for run_start; NULL when not flashed */
    volatile sig_atomic_t *stop;    /* set by a signal handler to end the run */
} hil_config;

typedef enum hil_note_level { HIL_INFO, HIL_WARN, HIL_ERROR } hil_note_level;
typedef void (*hil_note_fn)(void *ctx, hil_note_level level, const char *text);

typedef struct hil_result {
    const char *end_reason;         /* as in run_end (static) */
    bool port_lost;
    bool silent;
    bool wrong_baud;                /* noise detected (stopped the run if no line was good) */
    bool reset_skipped;             /* --reset dtr on a port without DTR */
    unsigned lines, frames_tx, frames_rx, truncated, bad_lines;
    unsigned datagrams, bad_datagrams, rxpk;
    char gateway_bound[128];        /* "udp://127.0.0.1:1700" when listening */
    char message[256];              /* the reason for a port_lost/silent/wrong_baud end */
} hil_result;

/* Runs until the duration elapses, *cfg->stop is set, the node port is
 * lost, the board stays silent or sends only noise. Events go to sink as
 * they happen. `ready` (may be NULL) is called once the ports are open and
 * the listener is bound, before any data is read (the CLI prints where it
 * listens). Returns 0 when the run happened (its outcome is in *res), or -1
 * when it could not start (a port or the socket cannot be opened) with a
 * message in err. */
int hil_run(const hil_config *cfg, const ev_sink *sink, hil_note_fn note, void *note_ctx,
            void (*ready)(void *ctx, const hil_result *res), hil_result *res, char *err,
            size_t errlen);

/* The text the hint for a wrong baud rate gives, shared with the CLI. */
#define HIL_BAUD_HINT "try --baud 9600, 57600 or 115200 (the rate in the sketch's Serial.begin())"

#endif
