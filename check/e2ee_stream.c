/* e2ee_stream.c — serial lines -> E2EE frames -> verdict events. */
#include "check/e2ee_stream.h"

#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const kind_names[E2EES__NKINDS] = {"iv", "msg", "ct", "boot"};
static const char *const default_patterns[E2EES__NKINDS] = {
    "IV b64:[[:space:]]*(.*)",
    "Message in B64:[[:space:]]*(.*)",
    "Encrypted data in base64:[[:space:]]*(.*)",
    "^[[:space:]]*(Booting|e2ee-node: boot)",
};

const char *e2ees_kind_name(e2ees_kind k)
{
    return (unsigned)k < E2EES__NKINDS ? kind_names[k] : "?";
}

const char *e2ees_default_pattern(e2ees_kind k)
{
    return (unsigned)k < E2EES__NKINDS ? default_patterns[k] : NULL;
}

int e2ees_kind_by_name(const char *name)
{
    for (int k = 0; k < E2EES__NKINDS; k++)
        if (!strcmp(name, kind_names[k]))
            return k;
    return -1;
}

typedef struct pending {
    int node;
    char *iv, *msg;             /* values waiting for the node's next ct line */
} pending;

struct e2ees_state {
    e2ee_checker *chk;
    regex_t re[E2EES__NKINDS];
    pending *p;
    size_t np, capp;
    e2ee_verdict last;
    bool has_last;
    e2ees_totals t;
};

e2ees_state *e2ees_new(const e2ees_config *cfg, char *err, size_t errlen)
{
    e2ees_state *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    int k = 0;
    for (; k < E2EES__NKINDS; k++) {
        const char *pat = cfg->pattern[k] ? cfg->pattern[k] : default_patterns[k];
        int rc = regcomp(&s->re[k], pat, REG_EXTENDED);
        if (rc) {
            char why[128];
            regerror(rc, &s->re[k], why, sizeof why);
            snprintf(err, errlen, "%s pattern '%s': %s", kind_names[k], pat, why);
            break;
        }
    }
    if (k == E2EES__NKINDS && (s->chk = e2ee_new(cfg->key, cfg->keylen, err, errlen)))
        return s;
    while (k-- > 0)
        regfree(&s->re[k]);
    free(s);
    return NULL;
}

void e2ees_free(e2ees_state *s)
{
    if (!s)
        return;
    for (int k = 0; k < E2EES__NKINDS; k++)
        regfree(&s->re[k]);
    for (size_t i = 0; i < s->np; i++) {
        free(s->p[i].iv);
        free(s->p[i].msg);
    }
    free(s->p);
    e2ee_free(s->chk);
    free(s);
}

static pending *pending_of(e2ees_state *s, int node)
{
    for (size_t i = 0; i < s->np; i++)
        if (s->p[i].node == node)
            return &s->p[i];
    if (s->np == s->capp) {
        size_t cap = s->capp ? 2 * s->capp : 4;
        pending *n = realloc(s->p, cap * sizeof *n);
        if (!n)
            return NULL;
        s->p = n;
        s->capp = cap;
    }
    pending *p = &s->p[s->np++];
    memset(p, 0, sizeof *p);
    p->node = node;
    return p;
}

/* The value of a matching line: group 1, else the rest after the match,
 * trailing blanks removed. NULL when the line does not match. */
static char *match_value(const regex_t *re, const char *text)
{
    regmatch_t m[2];
    if (regexec(re, text, 2, m, 0))
        return NULL;
    const char *v;
    size_t n;
    if (re->re_nsub >= 1 && m[1].rm_so >= 0) {
        v = text + m[1].rm_so;
        n = (size_t)(m[1].rm_eo - m[1].rm_so);
    } else {
        v = text + m[0].rm_eo;
        n = strlen(v);
    }
    while (n && (v[n - 1] == ' ' || v[n - 1] == '\t' || v[n - 1] == '\r' || v[n - 1] == '\n'))
        n--;
    char *r = malloc(n + 1);
    if (r) {
        memcpy(r, v, n);
        r[n] = 0;
    }
    return r;
}

static void emit(const ev_sink *out, int node, uint64_t t_ns, bool ok, const char *detail, int frame)
{
    ev_event ev = {.type = EV_VERDICT, .t_ns = t_ns, .node = node,
                   .u.verdict = {.check = "e2ee", .ok = ok, .detail = detail, .frame = frame}};
    ev_emit(out, &ev);
}

void e2ees_line(e2ees_state *s, int node, uint64_t t_ns, const char *text, const ev_sink *out)
{
    char *val;
    if (!regexec(&s->re[E2EES_BOOT], text, 0, NULL, 0)) {
        s->t.reboots++;
        e2ee_note_reboot(s->chk, node);
        return;
    }
    pending *p = pending_of(s, node);
    if (!p)
        return;
    if ((val = match_value(&s->re[E2EES_CT], text))) {
        e2ee_frame f = {.iv_b64 = p->iv, .iv_len = p->iv ? strlen(p->iv) : 0,
                        .msg_b64 = p->msg, .msg_len = p->msg ? strlen(p->msg) : 0,
                        .ct_b64 = val, .ct_len = strlen(val), .device = node};
        e2ee_check(s->chk, &f, &s->last);
        s->has_last = true;
        s->t.frames++;
        if (s->last.ok)
            s->t.passed++;
        else
            s->t.failed++;
        for (int r = 0; r < E2EE__NRULES; r++)
            if (s->last.rule[r].checked && !s->last.rule[r].ok)
                s->t.rule_failed[r]++;
        char line[E2EE__NRULES * (E2EE_DETAIL_LEN + 16)];
        emit(out, node, t_ns, s->last.ok, e2ee_verdict_line(&s->last, line, sizeof line), s->last.frame);
        free(val);
        free(p->iv);
        free(p->msg);
        p->iv = p->msg = NULL;
        return;
    }
    if ((val = match_value(&s->re[E2EES_IV], text))) {
        if (p->iv) {
            s->t.orphan_ivs++;
            emit(out, node, t_ns, false, "frame: an IV line with no ciphertext line after it", -1);
        }
        free(p->iv);
        p->iv = val;
        return;
    }
    if ((val = match_value(&s->re[E2EES_MSG], text))) {
        free(p->msg);
        p->msg = val;
    }
}

void e2ees_feed(e2ees_state *s, const ev_event *in, const ev_sink *out)
{
    if (in->type == EV_SERIAL_LINE && in->u.line.text) {
        e2ees_line(s, in->node, in->t_ns, in->u.line.text, out);
    } else if (in->type == EV_FAULT && in->u.fault.kind && strstr(in->u.fault.kind, "reset")) {
        s->t.reboots++;
        e2ee_note_reboot(s->chk, in->node);
    }
}

const e2ee_verdict *e2ees_last(const e2ees_state *s)
{
    return s->has_last ? &s->last : NULL;
}

void e2ees_summary(const e2ees_state *s, e2ees_totals *out)
{
    *out = s->t;
    out->pending = 0;
    for (size_t i = 0; i < s->np; i++)
        if (s->p[i].iv)
            out->pending++;
}
