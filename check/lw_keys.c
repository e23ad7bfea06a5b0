/* lw_keys.c — reading an ABP session (DevAddr, NwkSKey, AppSKey) from the
 * text people already have: plain hex lines ("NwkSKey AA0F..."), or the
 * C lines TTN's console copies for LMIC and that the ttn-abp sketch holds:
 *   static const PROGMEM u1_t NWKSKEY[16] = { 0xAA, 0x0F, ... };
 *   static const u4_t DEVADDR = 0x95337738 ; // comment
 * A name counts as a definition only when a value follows it (after an
 * optional "[16]" and "=" or ":"), so the sketch's other uses of the same
 * names (LMIC_setSession(0x13, DEVADDR, nwkskey, appskey)) are not. Session
 * keys are msb-first in both forms (TTN console "msb"). Also: key masking. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lorawan.h"
#include "lw_util.h"

enum { K_DEVADDR, K_NWKSKEY, K_APPSKEY, K_N };
static const char *const knames[K_N] = {"DevAddr", "NwkSKey", "AppSKey"};
static const size_t klens[K_N] = {4, LW_KEY_LEN, LW_KEY_LEN};

typedef struct kparse {
    const char *text; /* comment-free copy, same length and line breaks as the input */
    size_t len;
    const char *name;
    char *err;
    size_t errlen;
} kparse;

static void where(const kparse *k, size_t pos, size_t *line, size_t *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < pos && i < k->len; i++) {
        if (k->text[i] == '\n') {
            ++*line;
            *col = 1;
        } else {
            ++*col;
        }
    }
}

static bool is_ident(int c)
{
    return isalnum(c) || c == '_';
}

static bool is_blank(int c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

/* Copy of the text with comments blanked (columns and newlines kept):
 * slash-star blocks, slash-slash to end of line, and lines starting with '#'
 * except "#define", of which only the word goes. */
static char *strip_comments(const char *in, size_t len)
{
    char *out = malloc(len + 1);
    if (!out)
        return NULL;
    memcpy(out, in, len + 1);
    bool block = false, line_start = true;
    for (size_t i = 0; i < len; i++) {
        char c = out[i];
        if (block) {
            if (c == '*' && out[i + 1] == '/') {
                out[i] = out[i + 1] = ' ';
                i++;
                block = false;
            } else if (c != '\n') {
                out[i] = ' ';
            }
            continue;
        }
        if (c == '\n') {
            line_start = true;
            continue;
        }
        if (c == '/' && out[i + 1] == '*') {
            block = true;
            out[i] = out[i + 1] = ' ';
            i++;
            continue;
        }
        if (c == '/' && out[i + 1] == '/') {
            while (i < len && out[i] != '\n')
                out[i++] = ' ';
            i--;
            continue;
        }
        if (line_start && c == '#') {
            if (!strncmp(out + i, "#define", 7)) {
                memset(out + i, ' ', 7);
                i += 6;
            } else {
                while (i < len && out[i] != '\n')
                    out[i++] = ' ';
                i--;
                continue;
            }
        }
        if (!is_blank(c))
            line_start = false;
    }
    return out;
}

/* Which of our names an identifier is: case, '_' and '-' do not matter. */
static int key_of(const char *s, size_t n)
{
    char norm[32];
    size_t m = 0;
    for (size_t i = 0; i < n && m < sizeof norm - 1; i++)
        if (s[i] != '_')
            norm[m++] = (char)tolower((unsigned char)s[i]);
    norm[m] = 0;
    if (n >= sizeof norm)
        return -1;
    if (!strcmp(norm, "devaddr"))
        return K_DEVADDR;
    if (!strcmp(norm, "nwkskey"))
        return K_NWKSKEY;
    if (!strcmp(norm, "appskey"))
        return K_APPSKEY;
    return -1;
}

static bool is_otaa_name(const char *s, size_t n)
{
    char norm[16];
    size_t m = 0;
    if (n >= sizeof norm)
        return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] != '_')
            norm[m++] = (char)tolower((unsigned char)s[i]);
    norm[m] = 0;
    return !strcmp(norm, "appkey") || !strcmp(norm, "deveui") || !strcmp(norm, "appeui") ||
           !strcmp(norm, "joineui");
}

/* "{ 0xAA, 0x0F, ... }" starting at *p (the '{'); may span lines */
static int parse_array(const kparse *k, size_t *p, int key, uint8_t *out, size_t *nout)
{
    const char *t = k->text;
    size_t i = *p + 1, n = 0, line, col;
    for (;;) {
        while (i < k->len && isspace((unsigned char)t[i]))
            i++;
        if (i >= k->len) {
            where(k, *p, &line, &col);
            lw_errf(k->err, k->errlen, "%s:%zu:%zu: %s: '{' without a closing '}'", k->name,
                    line, col, knames[key]);
            return -1;
        }
        if (t[i] == '}') {
            *p = i + 1;
            *nout = n;
            return 0;
        }
        size_t el = i;
        if (t[i] == '0' && (t[i + 1] == 'x' || t[i + 1] == 'X'))
            i += 2;
        size_t d0 = i;
        unsigned v = 0;
        while (i < k->len && lw_hexval((unsigned char)t[i]) >= 0)
            v = v * 16 + (unsigned)lw_hexval((unsigned char)t[i++]);
        size_t nd = i - d0;
        while (i < k->len && isspace((unsigned char)t[i]))
            i++;
        if (nd == 0 || nd > 2 || (i < k->len && t[i] != ',' && t[i] != '}')) {
            size_t bad = nd == 0 ? d0 : nd > 2 ? el : i;
            where(k, bad, &line, &col);
            if (nd > 2)
                lw_errf(k->err, k->errlen, "%s:%zu:%zu: %s: element %zu has %zu hex digits, "
                        "more than one byte", k->name, line, col, knames[key], n + 1, nd);
            else if (bad < k->len && t[bad] > 0x20 && t[bad] < 0x7f && t[bad] != ',' &&
                     t[bad] != '}')
                lw_errf(k->err, k->errlen, "%s:%zu:%zu: %s: invalid hex digit '%c' in element %zu",
                        k->name, line, col, knames[key], t[bad], n + 1);
            else
                lw_errf(k->err, k->errlen, "%s:%zu:%zu: %s: element %zu has no hex digits",
                        k->name, line, col, knames[key], n + 1);
            return -1;
        }
        if (n < 64)
            out[n] = (uint8_t)v;
        n++;
        if (i < k->len && t[i] == ',')
            i++;
    }
}

/* plain hex (optionally 0x, optionally spaced or colon-separated bytes)
 * up to ';', ',' or the end of the line */
static int parse_plain(const kparse *k, size_t *p, int key, uint8_t *out, size_t *nout)
{
    const char *t = k->text;
    size_t i = *p, end = i, line, col;
    while (end < k->len && t[end] != '\n' && t[end] != ';' && t[end] != ',')
        end++;
    size_t stop = end;
    while (stop > i && isspace((unsigned char)t[stop - 1]))
        stop--;
    bool c_literal = t[i] == '0' && i + 1 < stop && (t[i + 1] == 'x' || t[i + 1] == 'X');
    if (c_literal) {
        i += 2;
        while (stop > i && strchr("uUlL", t[stop - 1]))
            stop--;
    }
    if (i >= stop) {
        where(k, *p, &line, &col);
        lw_errf(k->err, k->errlen, "%s:%zu:%zu: %s has no value", k->name, line, col,
                knames[key]);
        return -1;
    }
    size_t nd = 0, n = 0;
    unsigned hi = 0;
    for (; i < stop; i++) {
        int c = (unsigned char)t[i];
        if (!c_literal && nd % 2 == 0 && (c == ' ' || c == '\t' || c == ':' || c == '-'))
            continue;
        int v = lw_hexval(c);
        if (v < 0) {
            where(k, i, &line, &col);
            if (c > 0x20 && c < 0x7f)
                lw_errf(k->err, k->errlen, "%s:%zu:%zu: %s: invalid hex digit '%c'", k->name,
                        line, col, knames[key], c);
            else
                lw_errf(k->err, k->errlen, "%s:%zu:%zu: %s: invalid character 0x%02X", k->name,
                        line, col, knames[key], (unsigned)c);
            return -1;
        }
        if (nd++ % 2 == 0) {
            hi = (unsigned)v;
        } else {
            if (n < 64)
                out[n] = (uint8_t)(hi << 4 | (unsigned)v);
            n++;
        }
    }
    if (nd % 2) {
        where(k, *p, &line, &col);
        lw_errf(k->err, k->errlen, "%s:%zu:%zu: %s has an odd number of hex digits (%zu)",
                k->name, line, col, knames[key], nd);
        return -1;
    }
    *p = end;
    *nout = n;
    return 0;
}

int lw_keys_parse(const char *text, const char *name, lw_keys *out, char *err, size_t errlen)
{
    if (!name)
        name = "keys";
    if (!text || !out) {
        lw_errf(err, errlen, "%s: no text", name);
        return -1;
    }
    kparse k = {.len = strlen(text), .name = name, .err = err, .errlen = errlen};
    char *clean = strip_comments(text, k.len);
    if (!clean) {
        lw_errf(err, errlen, "%s: out of memory", name);
        return -1;
    }
    k.text = clean;
    size_t found_at[K_N] = {0};
    bool otaa = false;
    uint8_t val[K_N][64];
    int rc = 0;
    size_t i = 0, line, col;
    while (i < k.len && rc == 0) {
        if (!is_ident((unsigned char)clean[i]) || (i > 0 && is_ident((unsigned char)clean[i - 1]))) {
            i++;
            continue;
        }
        size_t s = i;
        while (i < k.len && is_ident((unsigned char)clean[i]))
            i++;
        int key = key_of(clean + s, i - s);
        if (key < 0) {
            otaa = otaa || is_otaa_name(clean + s, i - s);
            continue;
        }
        /* what follows decides whether this is a definition */
        size_t j = i;
        while (j < k.len && is_blank(clean[j]))
            j++;
        if (clean[j] == '[') { /* "[16]" of a C array */
            size_t q = j + 1;
            while (q < k.len && isdigit((unsigned char)clean[q]))
                q++;
            if (q == j + 1 || clean[q] != ']')
                continue; /* appskey[sizeof(APPSKEY)]: a use, not a definition */
            j = q + 1;
            while (j < k.len && is_blank(clean[j]))
                j++;
        }
        bool sep = clean[j] == '=' || clean[j] == ':';
        if (sep) {
            j++;
            while (j < k.len && is_blank(clean[j]))
                j++;
        } else {
            /* without '=' the value must directly look like one */
            if (j == i && clean[j] != '{')
                continue; /* "DEVADDR," "DEVADDR)" and the like */
            if (clean[j] != '{' &&
                !(clean[j] == '0' && (clean[j + 1] == 'x' || clean[j + 1] == 'X'))) {
                /* a number: all hex digits, or at least four before a stray
                 * character (a typo to report); a word such as "and" or
                 * "address" is not a value */
                size_t q = j;
                while (q < k.len && lw_hexval((unsigned char)clean[q]) >= 0)
                    q++;
                if (q == j || (is_ident((unsigned char)clean[q]) && q - j < 4))
                    continue;
            }
        }
        where(&k, s, &line, &col);
        if (found_at[key]) {
            lw_errf(err, errlen, "%s:%zu: %s given again (first on line %zu)", name, line,
                    knames[key], found_at[key]);
            rc = -1;
            break;
        }
        if (clean[j] == '\n' || j >= k.len) {
            lw_errf(err, errlen, "%s:%zu: %s has no value", name, line, knames[key]);
            rc = -1;
            break;
        }
        size_t nbytes = 0;
        rc = clean[j] == '{' ? parse_array(&k, &j, key, val[key], &nbytes)
                             : parse_plain(&k, &j, key, val[key], &nbytes);
        if (rc)
            break;
        if (nbytes != klens[key]) {
            lw_errf(err, errlen, "%s:%zu: %s has %zu byte%s, expected %zu", name, line,
                    knames[key], nbytes, nbytes == 1 ? "" : "s", klens[key]);
            rc = -1;
            break;
        }
        found_at[key] = line;
        i = j;
    }
    free(clean);
    if (rc)
        return -1;
    for (int key = 0; key < K_N; key++) {
        if (!found_at[key]) {
            lw_errf(err, errlen, "%s: no %s found (a keys file needs DevAddr, NwkSKey and "
                    "AppSKey%s)", name, knames[key],
                    otaa ? "; this looks like OTAA keys, lorahil check needs the ABP session" : "");
            return -1;
        }
    }
    out->devaddr = (uint32_t)val[K_DEVADDR][0] << 24 | (uint32_t)val[K_DEVADDR][1] << 16 |
                   (uint32_t)val[K_DEVADDR][2] << 8 | val[K_DEVADDR][3];
    memcpy(out->nwkskey, val[K_NWKSKEY], LW_KEY_LEN);
    memcpy(out->appskey, val[K_APPSKEY], LW_KEY_LEN);
    return 0;
}

void lw_mask_key(const uint8_t key[LW_KEY_LEN], char *out, size_t outlen)
{
    if (!out || !outlen)
        return;
    if (!key || outlen < LW_MASKED_LEN) {
        out[0] = 0;
        return;
    }
    snprintf(out, outlen, "%02X%02X\xE2\x80\xA6%02X%02X", key[0], key[1], key[14], key[15]);
}
