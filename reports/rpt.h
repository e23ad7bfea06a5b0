/* rpt.h — reports built from an events file (events/events.h) and nothing
 * else: JUnit XML, a self-contained HTML page, Markdown, a LoRaTap pcap,
 * metrics.json and the diff of two metrics files. Sim and HIL runs give the
 * same events, so the same reports come out of both.
 *
 * Library rules: no printing, no exit(); every function returns 0 on success
 * or -1 with a one-line message in err (naming the file, line or byte).
 *
 * Ownership: an rpt_events owns deep copies of every event it holds (strings
 * and payloads included); pointers into it stay valid until rpt_events_free.
 * Units: times in ns (_ns), frequencies in Hz (_hz), sizes in bytes.
 *
 * Secrets: text taken from events (serial lines, verdict and fault details)
 * goes through rpt_mask_text before it is written anywhere, so session keys
 * never reach a report: the keys given in rpt_opts are masked in any spelling
 * (plain hex, "0xAA, 0x0F, ...", "AA:0F:..."), and so is any bare 32-digit
 * hex token (the shape of an AES-128 key) even when no key was given.
 * DevAddr is not a secret and is shown. */
#ifndef LORAHIL_RPT_H
#define LORAHIL_RPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "events/events.h"

#define RPT_KEY_LEN 16
#define RPT_MAX_KEYS 8

/* ---- events ------------------------------------------------------------ */

typedef struct rpt_events {
    ev_event *ev;           /* deep copies, in file order */
    size_t n, cap;
    void *arena;            /* private: storage for strings and payloads */
    bool truncated;         /* the file's last line had no newline and did not
                               parse (a run cut short); it was skipped */
    double wall_s;          /* "wall_s" of the last run_end that had one, else -1 */
} rpt_events;

void rpt_events_init(rpt_events *e);
void rpt_events_free(rpt_events *e);

/* Appends a deep copy of *ev. Returns 0 or -1 (out of memory). */
int rpt_events_add(rpt_events *e, const ev_event *ev);

/* An ev_sink function: ctx is an rpt_events *. Lets a runner collect its
 * events in memory for rpt_write_all at the end of a run. */
void rpt_events_sink(void *ctx, const ev_event *ev);

/* Reads a JSON Lines events file (blank lines are skipped). A bad line is an
 * error "PATH:LINE: message"; only an unparsable last line without a newline
 * is tolerated (truncated = true). */
int rpt_events_read(rpt_events *e, const char *path, char *err, size_t errlen);
int rpt_events_read_stream(rpt_events *e, FILE *f, const char *name, char *err, size_t errlen);

/* ---- options ------------------------------------------------------------ */

typedef struct rpt_opts {
    const char *name;       /* scenario name; NULL: the events file's run_start
                               firmware basename, else "run" */
    const char *elf_path;   /* firmware ELF for flash/RAM figures, or NULL */
    double wall_s;          /* wall-clock seconds the run took; < 0 unknown.
                               Only metrics.json shows wall-clock numbers. */
    uint8_t keys[RPT_MAX_KEYS][RPT_KEY_LEN]; /* secrets to mask (copied in) */
    size_t nkeys;
} rpt_opts;

void rpt_opts_init(rpt_opts *o);

/* ---- masking ------------------------------------------------------------ */

/* Returns a malloc'd copy of text with every key of opts (in any common
 * spelling) and every bare 32-hex-digit token replaced by its masked form
 * "AA0F…55B5" (first and last byte). NULL only when out of memory. */
char *rpt_mask_text(const char *text, const rpt_opts *opts);

/* "AA0F…55B5" for a 16-byte key; out needs 16 bytes. */
void rpt_mask_key(const uint8_t key[RPT_KEY_LEN], char *out, size_t outlen);

/* ---- the model every writer uses ---------------------------------------- */

/* A run is the events from one run_start to the next (or the whole file when
 * there is none). */
typedef struct rpt_span {
    size_t first, count;
} rpt_span;

/* Splits e into runs. *spans is malloc'd; free it. Returns the count (>= 1
 * when e has events, 0 when empty), or -1 out of memory. */
long rpt_split_runs(const rpt_events *e, rpt_span **spans);

typedef enum rpt_rxslot { RPT_RX_OTHER = 0, RPT_RX1, RPT_RX2 } rpt_rxslot;

/* LoRaWAN spec receive delays (1.0.x, RECEIVE_DELAY1/2). */
#define RPT_RX1_DELAY_NS 1000000000ull
#define RPT_RX2_DELAY_NS 2000000000ull

/* One frame on air. In a run with radio_tx events the frames are those (in
 * order; verdict.frame counts them from 0 across all nodes) followed by the
 * frames received in RX windows that no radio_tx carried (downlinks); in a
 * run without radio_tx (HIL with a gateway only) they are the gateway_rx
 * frames. Verdicts whose check starts with "e2ee" number the E2EE frames the
 * firmware printed, not radio frames, and are never attached to a frame. */
typedef struct rpt_frame {
    int index;              /* frame index as verdicts use it; -1 for RX-window frames */
    int node;
    uint64_t t_ns, toa_ns;
    uint32_t freq_hz, bw_hz;
    int sf, cr;
    uint8_t sync_word;
    bool received;          /* came from an RX window (downlink to the node) */
    bool have_radio;        /* rssi/snr known (from a matching gateway_rx) */
    double rssi_dbm, snr_db;
    const uint8_t *payload;
    size_t len;
    /* header fields (parsed here only for display) */
    bool parsed;            /* MHDR..FCnt present (data frame, >= 12 bytes) */
    int mtype;              /* MHDR bits 7..5, -1 when empty */
    uint32_t devaddr;
    uint32_t fcnt;          /* 16-bit wire value, or the 32-bit value a verdict gave */
    int fport;              /* -1 when absent */
    uint32_t mic;           /* the last 4 bytes, in wire order */
    /* from verdicts about this frame */
    int mic_ok;             /* 1 ok, 0 failed, -1 no "mic" verdict */
    const char *plain_hex;  /* decrypted payload from a verdict detail, or NULL */
    int checks_ok, checks_failed;
} rpt_frame;

typedef struct rpt_rxwin {
    size_t ev;              /* index into rpt_events.ev */
    int tx_frame;           /* frame (rpt_model.frames index) it follows, -1 none */
    rpt_rxslot slot;
    int64_t error_ns;       /* open_ns - (TX end + RX1/RX2 delay), for RX1/RX2 */
} rpt_rxwin;

/* EU868 sub-bands with their duty-cycle limits (ETSI EN 300 220-2, as the
 * LoRaWAN Regional Parameters use them). */
typedef struct rpt_subband {
    const char *name;       /* "g1" */
    uint32_t lo_hz, hi_hz;  /* [lo, hi) */
    double limit;           /* 0.01 = 1 % */
} rpt_subband;
extern const rpt_subband rpt_eu868_subbands[];
extern const size_t rpt_eu868_nsubbands;
/* Index into rpt_eu868_subbands, or -1 outside them. */
int rpt_subband_of(uint32_t freq_hz);

typedef struct rpt_model {
    const rpt_events *e;
    rpt_span span;
    char name[128];         /* scenario name (already safe: no keys) */
    const ev_event *start;  /* run_start or NULL */
    const ev_event *end;    /* run_end or NULL */
    uint64_t t0_ns, t1_ns;  /* first and last event time (RX window close included) */
    rpt_frame *frames;
    size_t nframes;
    size_t nframes_tx;      /* frames with index >= 0 */
    rpt_rxwin *rx;
    size_t nrx;
    size_t nverdicts, verdicts_ok, verdicts_failed, nfaults, nserial;
    uint64_t toa_ns;        /* sum over uplink/TX frames */
    uint64_t subband_toa_ns[8];
    uint64_t other_toa_ns;  /* outside the EU868 sub-bands */
    int nodes[64];          /* distinct node ids, ascending */
    size_t nnodes;
    void *arena;            /* private */
} rpt_model;

int rpt_model_build(rpt_model *m, const rpt_events *e, rpt_span span, const rpt_opts *opts,
                    char *err, size_t errlen);
void rpt_model_free(rpt_model *m);

/* "key=value" in a verdict detail: copies the value (up to a space, ',' or
 * ';') into out. Returns 1 found, 0 not. */
int rpt_detail_value(const char *detail, const char *key, char *out, size_t outlen);

/* ---- writers (each over every run of e) --------------------------------- */

int rpt_write_junit(FILE *f, const rpt_events *e, const rpt_opts *opts, char *err, size_t errlen);
int rpt_write_html(FILE *f, const rpt_events *e, const rpt_opts *opts, char *err, size_t errlen);
int rpt_write_md(FILE *f, const rpt_events *e, const rpt_opts *opts, char *err, size_t errlen);
int rpt_write_pcap(const char *path, const rpt_events *e, const rpt_opts *opts, char *err, size_t errlen);
int rpt_write_metrics(FILE *f, const rpt_events *e, const rpt_opts *opts, char *err, size_t errlen);

/* Creates dir if needed and writes junit.xml, report.html, report.md,
 * frames.pcap and metrics.json into it. */
int rpt_write_all(const char *dir, const rpt_events *e, const rpt_opts *opts,
                  char *err, size_t errlen);
/* Same, reading the events from a JSON Lines file first. */
int rpt_write_all_file(const char *dir, const char *events_path, const rpt_opts *opts,
                       char *err, size_t errlen);

/* Flash (.text + .data) and RAM (.data + .bss) of an ELF file, from its
 * section headers (libelf). */
typedef struct rpt_elf_sizes {
    uint64_t text, data, bss, flash, ram;
} rpt_elf_sizes;
int rpt_elf_sizes_read(const char *path, rpt_elf_sizes *out, char *err, size_t errlen);

/* Text helpers shared by the writers. */
void rpt_xml_escape(FILE *f, const char *s);   /* for XML text and attributes */
void rpt_html_escape(FILE *f, const char *s);  /* also : / = @ as references */
void rpt_md_escape(FILE *f, const char *s);    /* for a Markdown table cell */

/* ---- diff ----------------------------------------------------------------- */

typedef struct rpt_diff_opts {
    double max_flash_growth_pct;   /* < 0: no limit */
    double max_ram_growth_pct;
    double max_toa_growth_pct;
    double max_rx_error_growth_us; /* |RX window error| growth, < 0: no limit */
} rpt_diff_opts;
void rpt_diff_opts_init(rpt_diff_opts *o);

/* Parses "1%", "0.5 %" or "2" (percent). Returns 0 or -1. */
int rpt_parse_percent(const char *s, double *out);

typedef struct rpt_diff_result {
    int changed;            /* rows written */
    int regressions;        /* checks that passed and now fail, thresholds passed */
} rpt_diff_result;

/* Compares OLD_DIR and NEW_DIR: their metrics.json, or, when a directory has
 * none, each subdirectory holding one (matched by name). Writes a Markdown
 * table of every metric and verdict that changed to out. Returns 0 (result
 * filled) or -1 bad input. */
int rpt_diff_dirs(const char *old_dir, const char *new_dir, const rpt_diff_opts *o, FILE *out,
                  rpt_diff_result *res, char *err, size_t errlen);
/* The same for two metrics files, with `label` naming the scenario. */
int rpt_diff_files(const char *old_path, const char *new_path, const char *label,
                   const rpt_diff_opts *o, FILE *out, rpt_diff_result *res, char *err,
                   size_t errlen);

#endif
