/* rpt_mask.c — keeps session keys out of reports. Firmware debug output and
 * check details are free text, so a key can turn up in any spelling; every
 * piece of text taken from events passes through rpt_mask_text before a
 * writer sees it. */
#include "reports/rpt_int.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

void rpt_opts_init(rpt_opts *o)
{
    memset(o, 0, sizeof *o);
    o->wall_s = -1;
}

void rpt_mask_key(const uint8_t key[RPT_KEY_LEN], char *out, size_t outlen)
{
    /* first two and last two bytes, as lw_mask_key shows them */
    snprintf(out, outlen, "%02X%02X\xE2\x80\xA6%02X%02X", key[0], key[1], key[14], key[15]);
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Length of the spelling of key starting at s (hex bytes, each optionally
 * "0x"-prefixed, optionally separated by spaces, commas, colons or dashes),
 * or 0 when key does not start here. */
static size_t match_key(const char *s, const uint8_t *key)
{
    const char *p = s;
    for (int i = 0; i < RPT_KEY_LEN; i++) {
        if (i > 0)
            while (*p == ' ' || *p == ',' || *p == ':' || *p == '-' || *p == '\t')
                p++;
        if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X') && hexval(p[2]) >= 0 && hexval(p[3]) >= 0)
            p += 2;
        int a = hexval(p[0]), b = hexval(a >= 0 ? p[1] : 0);
        if (a < 0 || b < 0 || (a << 4 | b) != key[i])
            return 0;
        p += 2;
    }
    return (size_t)(p - s);
}

typedef struct sbuf {
    char *s;
    size_t n, cap;
    int oom;
} sbuf;

static void put(sbuf *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->n + n + 1 > b->cap) {
        size_t cap = (b->n + n + 1) * 2;
        char *t = realloc(b->s, cap);
        if (!t) {
            b->oom = 1;
            return;
        }
        b->s = t;
        b->cap = cap;
    }
    memcpy(b->s + b->n, s, n);
    b->n += n;
    b->s[b->n] = 0;
}

static char *mask(const char *text, const rpt_opts *opts, int heuristic)
{
    sbuf b = {0};
    put(&b, "", 0);
    const char *p = text ? text : "";
    while (*p) {
        size_t len = 0;
        char masked[32];
        for (size_t k = 0; opts && k < opts->nkeys && k < RPT_MAX_KEYS; k++) {
            len = match_key(p, opts->keys[k]);
            if (len) {
                rpt_mask_key(opts->keys[k], masked, sizeof masked);
                break;
            }
        }
        if (!len && heuristic && p[0] == '0' && (p[1] == 'x' || p[1] == 'X') &&
            (p == text || !isalnum((unsigned char)p[-1]))) {
            /* sixteen "0xHH" bytes in a row: a key in the C-array form that
             * LMIC sketches use */
            uint8_t k[RPT_KEY_LEN];
            const char *q = p;
            int i;
            for (i = 0; i < RPT_KEY_LEN; i++) {
                if (i > 0)
                    while (*q == ' ' || *q == ',' || *q == '\t')
                        q++;
                if (q[0] != '0' || (q[1] != 'x' && q[1] != 'X') || hexval(q[2]) < 0 ||
                    hexval(q[3]) < 0 || isxdigit((unsigned char)q[4]))
                    break;
                k[i] = (uint8_t)(hexval(q[2]) << 4 | hexval(q[3]));
                q += 4;
            }
            if (i == RPT_KEY_LEN) {
                rpt_mask_key(k, masked, sizeof masked);
                len = (size_t)(q - p);
            }
        }
        if (!len && heuristic && isxdigit((unsigned char)*p) && (p == text || !isxdigit((unsigned char)p[-1]))) {
            size_t run = 0;
            while (isxdigit((unsigned char)p[run]))
                run++;
            if (run == 2 * RPT_KEY_LEN) {
                /* a bare 128-bit hex token: the shape of a key */
                uint8_t k[RPT_KEY_LEN];
                for (int i = 0; i < RPT_KEY_LEN; i++)
                    k[i] = (uint8_t)(hexval(p[2 * i]) << 4 | hexval(p[2 * i + 1]));
                rpt_mask_key(k, masked, sizeof masked);
                len = run;
            }
        }
        if (len) {
            put(&b, masked, strlen(masked));
            p += len;
        } else {
            put(&b, p, 1);
            p++;
        }
    }
    if (b.oom) {
        free(b.s);
        return NULL;
    }
    return b.s;
}

char *rpt_mask_text(const char *text, const rpt_opts *opts)
{
    return mask(text, opts, 1);
}

char *rpt_mask_keys_only(const char *text, const rpt_opts *opts)
{
    return mask(text, opts, 0);
}
