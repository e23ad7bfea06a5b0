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

#endif
