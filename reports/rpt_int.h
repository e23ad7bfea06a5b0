/* rpt_int.h — helpers private to reports/: an arena for copies that live as
 * long as their owner, and small formatting pieces the writers share. */
#ifndef LORAHIL_RPT_INT_H
#define LORAHIL_RPT_INT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "reports/rpt.h"

/* Arena: every allocation is freed at once by rpt_arena_free. */
void *rpt_arena_new(void);
void *rpt_arena_alloc(void *arena, size_t n);
char *rpt_arena_strdup(void *arena, const char *s);   /* NULL stays NULL */
void rpt_arena_free(void *arena);

/* Upper-case hex of n bytes into out (2n+1 bytes). */
void rpt_hex(const uint8_t *p, size_t n, char *out);

/* Like rpt_mask_text but masks only the keys of opts, not every 32-digit hex
 * token: for hex fields (a decrypted 16-byte payload has that shape). */
char *rpt_mask_keys_only(const char *text, const rpt_opts *opts);

/* Masked copy of s kept in the arena ("" for NULL); NULL when out of memory. */
const char *rpt_masked(void *arena, const char *s, const rpt_opts *opts);
const char *rpt_masked_keys(void *arena, const char *s, const rpt_opts *opts);

/* Seconds with millisecond precision ("12.345"). */
void rpt_fmt_s(uint64_t ns, char *out, size_t outlen);

/* Scenario name: opts->name, else basename of run_start.firmware without its
 * extension, else "run"; masked. */
void rpt_run_name(const rpt_events *e, rpt_span span, const rpt_opts *opts, char *out,
                  size_t outlen);

/* metrics.json as a jansson document (rpt_metrics.c); NULL with err set. */
struct json_t;
struct json_t *rpt_metrics_json(const rpt_events *e, const rpt_opts *opts, char *err,
                                size_t errlen);

/* Human MType name ("UnconfirmedDataUp"), "?" when unknown. */
const char *rpt_mtype_name(int mtype);


/* ---- rows: what report.html and report.md both show, built once
 * (rpt_rows.c) and rendered by each writer in its own markup ---------------- */

#define RPT_CELL_TEXT   0x01u /* free text from events: masked, then escaped */
#define RPT_CELL_NUM    0x02u /* a number (right-aligned) */
#define RPT_CELL_CODE   0x04u /* monospace (HTML <code>) */
#define RPT_CELL_OK     0x08u /* a good result (HTML class "ok") */
#define RPT_CELL_BAD    0x10u /* a bad result (HTML class "bad") */
#define RPT_CELL_STRONG 0x20u /* stressed (Markdown **...**) */

/* A cell: text NULL for an empty cell (no class in HTML). Text without
 * RPT_CELL_TEXT is ours (numbers, fixed words) and written as it is. */
typedef struct rpt_cell {
    const char *text;
    unsigned flags;
} rpt_cell;

/* Receives one row; the cells live until it returns. ctx is the writer's. */
typedef void (*rpt_row_fn)(const rpt_cell *cells, size_t ncells, void *ctx);

/* The columns of the E2EE and fault tables: title and flags
 * (RPT_CELL_NUM right-aligned), RPT_*_COLS of each. */
#define RPT_E2EE_COLS 6
#define RPT_FAULT_COLS 6
extern const rpt_cell rpt_e2ee_head[RPT_E2EE_COLS];
extern const rpt_cell rpt_fault_head[RPT_FAULT_COLS];

/* The run's summary, one row of two or three cells each: label (plain text),
 * then the value, sometimes in two parts the writers join with ", " (the
 * checks: passed, failed). The first value cell's flags say how to show the
 * whole value (RPT_CELL_CODE, _OK, _BAD on the table cell), a part's
 * RPT_CELL_OK/_BAD are for that part alone when there are two. */
void rpt_summary_rows(const rpt_model *m, const rpt_opts *opts, rpt_row_fn fn, void *ctx);

/* The run's failed checks in event order: check (RPT_CELL_TEXT), frame
 * (NULL when none), node, time in s, detail (RPT_CELL_TEXT). */
void rpt_failed_rows(const rpt_model *m, rpt_row_fn fn, void *ctx);

/* How many E2EE verdicts (check name starting "e2ee") the run has, and one
 * row each: time (s), node, frame, check, result, detail. */
size_t rpt_e2ee_count(const rpt_model *m);
void rpt_e2ee_rows(const rpt_model *m, rpt_row_fn fn, void *ctx);

/* The run's faults, one row each: time (s), node, kind, pc, symbol, detail. */
void rpt_fault_rows(const rpt_model *m, rpt_row_fn fn, void *ctx);

/* Writes a report over every run of e: head(f, title, nruns) once (title
 * masked, nruns 0 when e is empty), run(...) with each run's model, then
 * tail(f) (may be NULL) even when a model could not be built. A write
 * error ends in "<file>: write error". Returns 0 or -1 with err set. */
typedef struct rpt_run_writer {
    const char *file;
    void (*head)(FILE *f, const char *title, long nruns);
    void (*run)(FILE *f, const rpt_model *m, const rpt_opts *opts, long r, long nruns);
    void (*tail)(FILE *f);
} rpt_run_writer;
int rpt_write_runs(FILE *f, const rpt_events *e, const rpt_opts *opts, const rpt_run_writer *w,
                   char *err, size_t errlen);

#endif
