/* e2ee_stream.h — turns a node's serial lines into E2EE frames and
 * verdicts, as they happen (same shape as lw_stream.h). Feed every event of
 * a run (sim or HIL) to e2ees_feed, or raw log lines to e2ees_line; for each
 * frame it emits one verdict event, check "e2ee", ok when every rule of
 * check/e2ee.h passed, detail = e2ee_verdict_line(), frame = the frame's
 * index from 0, at the t_ns and node of the ciphertext line.
 *
 * Lines are recognised by four patterns (POSIX extended regular
 * expressions); a frame's value is the pattern's first group, or the rest of
 * the line after the match when it has none, with trailing blanks removed:
 *
 *   iv    IV b64:[[:space:]]*(.*)                 the IV line
 *   msg   Message in B64:[[:space:]]*(.*)         the text the node says it encrypted (optional)
 *   ct    Encrypted data in base64:[[:space:]]*(.*)  the ciphertext line; completes a frame
 *   boot  ^[[:space:]]*(Booting|e2ee-node: boot)  the node restarted (SEQN rules, e2ee.h)
 *
 * These match the reference ESP8266 sketch and targets/e2ee-node. The most
 * recent iv and msg lines of a node belong to its next ct line; an iv line
 * replaced by another before any ct line is reported as a failed verdict
 * (frame -1). A reset fault event counts as a restart too.
 *
 * Pure: no I/O; verdicts never contain the key. Ownership: e2ees_new copies
 * the config (patterns are compiled); e2ees_free releases. */
#ifndef LORAHIL_E2EE_STREAM_H
#define LORAHIL_E2EE_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "check/e2ee.h"
#include "events/events.h"

typedef enum e2ees_kind {
    E2EES_IV = 0,
    E2EES_MSG,
    E2EES_CT,
    E2EES_BOOT,
    E2EES__NKINDS
} e2ees_kind;

/* "iv", "msg", "ct", "boot" */
const char *e2ees_kind_name(e2ees_kind k);
/* The default pattern of a kind. */
const char *e2ees_default_pattern(e2ees_kind k);
/* The kind named `name`, or -1. */
int e2ees_kind_by_name(const char *name);

typedef struct e2ees_config {
    const uint8_t *key;                     /* 16 bytes (24/32 accepted, fail the key rule) */
    size_t keylen;
    const char *pattern[E2EES__NKINDS];     /* NULL: the default */
} e2ees_config;

typedef struct e2ees_totals {
    unsigned frames;                        /* ciphertext lines seen */
    unsigned passed;
    unsigned failed;
    unsigned rule_failed[E2EE__NRULES];     /* frames failing each rule */
    unsigned orphan_ivs;                    /* IV lines with no ciphertext line after them */
    unsigned reboots;                       /* boot lines and reset faults */
    unsigned pending;                       /* nodes whose last IV line still waits for its ciphertext */
} e2ees_totals;

typedef struct e2ees_state e2ees_state;

/* NULL with a message on a bad key length or a pattern that does not compile. */
e2ees_state *e2ees_new(const e2ees_config *cfg, char *err, size_t errlen);
void e2ees_free(e2ees_state *s);

/* One line printed by node `node` (NUL-terminated, no line terminator). */
void e2ees_line(e2ees_state *s, int node, uint64_t t_ns, const char *text, const ev_sink *out);

/* Consumes one event: serial lines and reset faults; others are ignored. */
void e2ees_feed(e2ees_state *s, const ev_event *in, const ev_sink *out);

/* The full verdict (every rule's detail) of the last frame, or NULL. */
const e2ee_verdict *e2ees_last(const e2ees_state *s);

void e2ees_summary(const e2ees_state *s, e2ees_totals *out);

#endif
