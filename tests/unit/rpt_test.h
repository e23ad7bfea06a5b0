/* rpt_test.h — helpers for the report tests: the hand-written events
 * fixture, temporary directories and running a command line tool
 * (xmllint) on a file. Expected values live in the tests, written from the
 * formats' documentation and fixtures/events/README.md. */
#ifndef RPT_TEST_H
#define RPT_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/rpt.h"

#define KEY_NWKS "AA0F29D39D7AAE3B54CFDF2F2A2355B5"
#define KEY_APPS "2F85435B349C80C6A8FA27495A368221"

static inline const char *fixtures_dir(void)
{
    const char *d = getenv("FIXTURES");
    return d && *d ? d : "fixtures";
}

static inline void fixture_path(char *out, size_t n, const char *rel)
{
    snprintf(out, n, "%s/%s", fixtures_dir(), rel);
}

static inline int load_small_run(rpt_events *e)
{
    char p[512], err[256];
    fixture_path(p, sizeof p, "events/small-run.jsonl");
    rpt_events_init(e);
    int rc = rpt_events_read(e, p, err, sizeof err);
    if (rc)
        fprintf(stderr, "%s\n", err);
    return rc;
}

static inline void hexkey(const char *hex, uint8_t out[16])
{
    for (int i = 0; i < 16; i++) {
        unsigned v;
        sscanf(hex + 2 * i, "%2x", &v);
        out[i] = (uint8_t)v;
    }
}

static inline void opts_with_keys(rpt_opts *o)
{
    rpt_opts_init(o);
    hexkey(KEY_NWKS, o->keys[0]);
    hexkey(KEY_APPS, o->keys[1]);
    o->nkeys = 2;
}

/* A fresh directory under $TMPDIR; free the result. */
static inline char *make_tmpdir(void)
{
    const char *t = getenv("TMPDIR");
    char tmpl[512];
    snprintf(tmpl, sizeof tmpl, "%s/rpt-test-XXXXXX", t && *t ? t : "/tmp");
    char *d = mkdtemp(tmpl);
    return d ? strdup(d) : NULL;
}

static inline void remove_tree(const char *dir)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
}

/* Whole file into a malloc'd string (NUL-terminated). */
static inline char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = NULL;
    size_t n = 0, cap = 0;
    int c;
    while ((c = fgetc(f)) != EOF) {
        if (n + 2 > cap) {
            cap = cap ? 2 * cap : 4096;
            buf = realloc(buf, cap);
        }
        buf[n++] = (char)c;
    }
    fclose(f);
    if (!buf)
        buf = calloc(1, 1);
    else
        buf[n] = 0;
    if (len)
        *len = n;
    return buf;
}

/* Writes a report with fn into dir/name; returns the path (static buffer). */
typedef int (*rpt_writer)(FILE *, const rpt_events *, const rpt_opts *, char *, size_t);
static inline const char *write_report(const char *dir, const char *name, rpt_writer fn,
                                       const rpt_events *e, const rpt_opts *o)
{
    static char path[1024];
    char err[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f)
        return NULL;
    int rc = fn(f, e, o, err, sizeof err);
    fclose(f);
    if (rc) {
        fprintf(stderr, "%s\n", err);
        return NULL;
    }
    return path;
}

/* The events fixture's report `name`, written by fn with options o into a
 * fresh temporary directory (*dir_out: remove_tree and free it). Returns the
 * file's path (static buffer), or NULL. */
static inline const char *fixture_report(const char *name, rpt_writer fn, const rpt_opts *o,
                                         char **dir_out)
{
    rpt_events e;
    const char *p = NULL;
    *dir_out = NULL;
    if (load_small_run(&e) == 0 && (*dir_out = make_tmpdir()) != NULL)
        p = write_report(*dir_out, name, fn, &e, o);
    rpt_events_free(&e);
    return p;
}

/* Case-insensitive search. */
static inline int contains_ci(const char *hay, const char *needle)
{
    return strcasestr(hay, needle) != NULL;
}

#endif
