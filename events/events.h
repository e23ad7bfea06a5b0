/* events.h — the one vocabulary shared by runners (sim/, hil/), checks and
 * reports. A runner emits events through an ev_sink; the CLI's sink writes
 * them as JSON Lines (one object per line, flushed as it happens) and prints
 * them. Sim and HIL produce the same types, so every check and report works
 * unchanged against a simulated and a real board.
 *
 * Ownership: every pointer inside an ev_event is borrowed for the duration of
 * the sink call only; a sink that keeps data must copy it.
 * Units: times in nanoseconds (_ns), frequencies in Hz (_hz), power in dBm.
 */
#ifndef LORAHIL_EVENTS_H
#define LORAHIL_EVENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef enum ev_type {
    EV_RADIO_TX = 0,
    EV_RADIO_RX_WINDOW,
    EV_SERIAL_LINE,
    EV_GATEWAY_RX,
    EV_FAULT,
    EV_VERDICT,
    EV_RUN_START,   /* scenario metadata: firmware, board, seed */
    EV_RUN_END,     /* end of a run: reason, simulated and wall time */
    EV__COUNT
} ev_type;

typedef struct ev_radio_tx {
    uint32_t freq_hz;
    int sf;                 /* 6..12 */
    uint32_t bw_hz;         /* 7800 .. 500000 */
    int cr;                 /* 5..8 meaning 4/5..4/8 */
    int power_dbm;
    int preamble;           /* programmed preamble symbols (RegPreamble) */
    bool crc;
    bool iq_inverted;
    bool implicit_header;
    bool ldro;              /* low data rate optimisation */
    uint8_t sync_word;
    uint64_t toa_ns;        /* time on air */
    const uint8_t *payload;
    size_t len;
} ev_radio_tx;

typedef struct ev_radio_rx_window {
    uint32_t freq_hz;
    int sf;
    uint32_t bw_hz;
    uint64_t open_ns;
    uint64_t close_ns;
    const char *result;     /* "timeout", "rx", "crc_error", "aborted" */
    const uint8_t *payload; /* frame received, or NULL */
    size_t len;
} ev_radio_rx_window;

typedef struct ev_serial_line {
    const char *text;       /* without the line terminator */
} ev_serial_line;

typedef struct ev_gateway_rx {
    const char *gateway;    /* gateway id / name */
    uint32_t freq_hz;
    int sf;
    uint32_t bw_hz;
    int cr;
    double rssi_dbm;
    double snr_db;
    int channel;            /* -1 when unknown */
    const uint8_t *payload;
    size_t len;
} ev_gateway_rx;

typedef struct ev_fault {
    const char *kind;       /* "illegal_opcode", "watchdog_reset", "stack_overflow",
                               "jump_outside_flash", "reset_loop", "silent",
                               "radio_unmodelled", "port_lost", ... */
    uint32_t pc;            /* byte address; 0 when not applicable */
    const char *symbol;     /* ELF symbol containing pc, or NULL */
    const char *detail;
} ev_fault;

typedef struct ev_verdict {
    const char *check;      /* "mic", "fcnt", "decrypt", "duty_cycle", "e2ee_padding", ... */
    bool ok;
    const char *detail;
    int frame;              /* index of the frame the verdict is about, -1 if none */
} ev_verdict;

typedef struct ev_run_start {
    const char *runner;     /* "sim" or "hil" */
    const char *firmware;   /* path as given */
    const char *board;
    uint64_t seed;
} ev_run_start;

typedef struct ev_run_end {
    const char *reason;     /* "duration", "fault", "interrupted", "port_lost" */
    double wall_s;          /* wall-clock seconds; NOT deterministic, so it is
                               left out of the events file unless asked for */
} ev_run_end;

typedef struct ev_event {
    ev_type type;
    uint64_t t_ns;          /* simulated (sim) or real since start (hil) */
    int node;               /* node id, 0 for the first */
    union {
        ev_radio_tx tx;
        ev_radio_rx_window rxw;
        ev_serial_line line;
        ev_gateway_rx gw;
        ev_fault fault;
        ev_verdict verdict;
        ev_run_start start;
        ev_run_end end;
    } u;
} ev_event;

/* A sink receives events as they happen. */
typedef void (*ev_sink_fn)(void *ctx, const ev_event *ev);
typedef struct ev_sink {
    ev_sink_fn fn;
    void *ctx;
} ev_sink;

static inline void ev_emit(const ev_sink *s, const ev_event *ev)
{
    if (s && s->fn)
        s->fn(s->ctx, ev);
}

/* Name used in JSON ("radio_tx", ...); NULL for an unknown type. */
const char *ev_type_name(ev_type t);

/* Writes one event as a single JSON line and flushes, so a crash or Ctrl-C
 * loses nothing. Key order is fixed, so equal events give equal bytes.
 * Returns 0, or -1 with errno set on a write error. */
int ev_write_jsonl(FILE *f, const ev_event *ev);

/* Parses one JSON line into *ev. String and byte fields point into storage
 * owned by *store, valid until the next call with the same store or
 * ev_store_free(). Returns 0, or -1 with a message in err naming the column. */
typedef struct ev_store {
    void *json;             /* the parsed document (jansson json_t *) */
    uint8_t *bytes;         /* decoded payload */
} ev_store;
int ev_parse_jsonl(const char *line, ev_event *ev, ev_store *store,
                   char *err, size_t errlen);
void ev_store_free(ev_store *store);

#endif
