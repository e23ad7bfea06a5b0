/* rpt_events.c — an events file held in memory for the report writers:
 * read from JSON Lines (ev_parse_jsonl) or collected from a live run through
 * an ev_sink. Every event is deep-copied, because ev_parse_jsonl and sinks
 * only lend their strings and payloads. */
#include "reports/rpt_int.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

void rpt_events_init(rpt_events *e)
{
    memset(e, 0, sizeof *e);
    e->wall_s = -1;
}

void rpt_events_free(rpt_events *e)
{
    free(e->ev);
    rpt_arena_free(e->arena);
    rpt_events_init(e);
}

static int dup_str(void *a, const char **s)
{
    if (!*s)
        return 0;
    *s = rpt_arena_strdup(a, *s);
    return *s ? 0 : -1;
}

static int dup_bytes(void *a, const uint8_t **p, size_t n)
{
    if (!*p)
        return 0;
    uint8_t *d = rpt_arena_alloc(a, n);
    if (!d)
        return -1;
    memcpy(d, *p, n);
    *p = d;
    return 0;
}

int rpt_events_add(rpt_events *e, const ev_event *ev)
{
    if (!e->arena && !(e->arena = rpt_arena_new()))
        return -1;
    if (e->n == e->cap) {
        size_t cap = e->cap ? 2 * e->cap : 256;
        ev_event *t = realloc(e->ev, cap * sizeof *t);
        if (!t)
            return -1;
        e->ev = t;
        e->cap = cap;
    }
    ev_event c = *ev;
    void *a = e->arena;
    int rc = 0;
    switch (c.type) {
    case EV_RADIO_TX:
        rc = dup_bytes(a, &c.u.tx.payload, c.u.tx.len);
        break;
    case EV_RADIO_RX_WINDOW:
        rc = dup_str(a, &c.u.rxw.result) | dup_bytes(a, &c.u.rxw.payload, c.u.rxw.len);
        break;
    case EV_SERIAL_LINE:
        rc = dup_str(a, &c.u.line.text);
        break;
    case EV_GATEWAY_RX:
        rc = dup_str(a, &c.u.gw.gateway) | dup_bytes(a, &c.u.gw.payload, c.u.gw.len);
        break;
    case EV_FAULT:
        rc = dup_str(a, &c.u.fault.kind) | dup_str(a, &c.u.fault.symbol) |
             dup_str(a, &c.u.fault.detail);
        break;
    case EV_VERDICT:
        rc = dup_str(a, &c.u.verdict.check) | dup_str(a, &c.u.verdict.detail);
        break;
    case EV_RUN_START:
        rc = dup_str(a, &c.u.start.runner) | dup_str(a, &c.u.start.firmware) |
             dup_str(a, &c.u.start.board);
        break;
    case EV_RUN_END:
        rc = dup_str(a, &c.u.end.reason);
        break;
    default:
        break;
    }
    if (rc)
        return -1;
    e->ev[e->n++] = c;
    return 0;
}

void rpt_events_sink(void *ctx, const ev_event *ev)
{
    rpt_events *e = ctx;
    /* A sink cannot report failure; an event lost for lack of memory only
     * makes the report shorter, the events file still has it. */
    (void)rpt_events_add(e, ev);
}

int rpt_events_read_stream(rpt_events *e, FILE *f, const char *name, char *err, size_t errlen)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    long lineno = 0;
    int rc = 0;
    ev_store st = {0};
    while ((len = getline(&line, &cap, f)) >= 0) {
        lineno++;
        bool has_nl = len > 0 && line[len - 1] == '\n';
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = 0;
        if ((size_t)len != strlen(line)) {
            snprintf(err, errlen, "%s:%ld: NUL byte at column %zu", name, lineno, strlen(line) + 1);
            rc = -1;
            break;
        }
        const char *p = line;
        while (*p == ' ' || *p == '\t')
            p++;
        if (!*p)
            continue;
        ev_event ev;
        char msg[200];
        if (ev_parse_jsonl(line, &ev, &st, msg, sizeof msg) != 0) {
            int c = fgetc(f);
            if (!has_nl && c == EOF) {
                e->truncated = true;   /* a run cut short mid-line */
                break;
            }
            if (c != EOF)
                ungetc(c, f);
            snprintf(err, errlen, "%s:%ld: %s", name, lineno, msg);
            rc = -1;
            break;
        }
        if (ev.type == EV_RUN_END && st.json) {
            json_t *w = json_object_get((json_t *)st.json, "wall_s");
            if (json_is_number(w))
                e->wall_s = json_number_value(w);
        }
        if (rpt_events_add(e, &ev) != 0) {
            snprintf(err, errlen, "%s:%ld: out of memory", name, lineno);
            rc = -1;
            break;
        }
    }
    if (rc == 0 && ferror(f)) {
        snprintf(err, errlen, "%s: read error after line %ld", name, lineno);
        rc = -1;
    }
    ev_store_free(&st);
    free(line);
    return rc;
}

int rpt_events_read(rpt_events *e, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    int rc = rpt_events_read_stream(e, f, path, err, errlen);
    fclose(f);
    return rc;
}
