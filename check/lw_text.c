/* lw_text.c — a frame typed or pasted by a person: hex (as gateway logs
 * print it, optionally 0x-prefixed and spaced) or base64 (as TTN's console
 * and the Semtech UDP packet forwarder show it). Base64 is decoded by
 * OpenSSL (EVP_DecodeBlock); the validation before it is ours so that an
 * error can name the exact character. */
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "lorawan.h"
#include "lw_util.h"

static bool is_ws(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool is_b64(int c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '+' || c == '/' || c == '-' || c == '_';
}

/* "'G'" for printable characters, "byte 0x07" otherwise */
static const char *show(int c, char *tmp, size_t n)
{
    if (c > 0x20 && c < 0x7f)
        snprintf(tmp, n, "'%c'", c);
    else
        snprintf(tmp, n, "byte 0x%02X", (unsigned)(unsigned char)c);
    return tmp;
}

static int parse_hex(const char *t, size_t start, uint8_t *buf, size_t cap, char *err,
                     size_t errlen)
{
    size_t ndig = 0, nbytes = 0;
    int hi = 0;
    char tmp[16];
    for (size_t i = start; t[i]; i++) {
        int c = (unsigned char)t[i];
        if (is_ws(c) || c == ':')
            continue;
        int v = lw_hexval(c);
        if (v < 0) {
            lw_errf(err, errlen, "invalid hex digit %s at character %zu", show(c, tmp, sizeof tmp),
                    i + 1);
            return -1;
        }
        if (ndig++ % 2 == 0) {
            hi = v;
        } else {
            if (nbytes >= cap) {
                lw_errf(err, errlen, "frame is longer than %zu bytes (at character %zu)", cap,
                        i + 1);
                return -1;
            }
            buf[nbytes++] = (uint8_t)(hi << 4 | v);
        }
    }
    if (ndig % 2) {
        lw_errf(err, errlen, "odd number of hex digits (%zu)", ndig);
        return -1;
    }
    return (int)nbytes;
}

/* Decodes one group of 4 base64 characters (grp, the first of which stood
 * at character `at`, 1-based) and appends its first `keep` bytes. */
static int put_group(const char grp[4], size_t keep, uint8_t *buf, size_t cap, size_t *nbytes,
                     size_t at, char *err, size_t errlen)
{
    uint8_t out[4];
    if (*nbytes + keep > cap) {
        lw_errf(err, errlen, "frame is longer than %zu bytes (at character %zu)", cap, at);
        return -1;
    }
    if (EVP_DecodeBlock(out, (const unsigned char *)grp, 4) != 3) {
        lw_errf(err, errlen, "invalid base64 at character %zu", at);
        return -1;
    }
    memcpy(buf + *nbytes, out, keep);
    *nbytes += keep;
    return 0;
}

static int parse_b64(const char *t, uint8_t *buf, size_t cap, char *err, size_t errlen)
{
    /* collect the significant characters, remembering where each came from */
    char grp[4];
    size_t gpos[4];
    size_t ng = 0, nchars = 0, nbytes = 0, npad = 0, last = 0;
    char tmp[16];
    for (size_t i = 0; t[i]; i++) {
        int c = (unsigned char)t[i];
        if (is_ws(c))
            continue;
        if (c == '=') {
            npad++;
            last = i;
            if (npad > 2 || (nchars + npad) % 4 == 1 || (nchars % 4) < 2) {
                lw_errf(err, errlen, "invalid base64: padding '=' at character %zu", i + 1);
                return -1;
            }
            continue;
        }
        if (!is_b64(c)) {
            lw_errf(err, errlen, "invalid base64 character %s at character %zu",
                    show(c, tmp, sizeof tmp), i + 1);
            return -1;
        }
        if (npad) {
            lw_errf(err, errlen, "invalid base64: %s at character %zu after the '=' padding",
                    show(c, tmp, sizeof tmp), i + 1);
            return -1;
        }
        last = i;
        grp[ng] = c == '-' ? '+' : c == '_' ? '/' : (char)c;
        gpos[ng] = i;
        ng++;
        nchars++;
        if (ng == 4) {
            if (put_group(grp, 3, buf, cap, &nbytes, gpos[0] + 1, err, errlen))
                return -1;
            ng = 0;
        }
    }
    if (ng == 1) {
        lw_errf(err, errlen, "invalid base64: a lone character at character %zu (truncated?)",
                gpos[0] + 1);
        return -1;
    }
    if (npad && (nchars + npad) % 4) {
        lw_errf(err, errlen, "invalid base64: incomplete padding at character %zu", last + 1);
        return -1;
    }
    if (ng) { /* 2 or 3 characters left: 1 or 2 bytes, padded or not */
        for (size_t k = ng; k < 4; k++)
            grp[k] = 'A';
        if (put_group(grp, ng - 1, buf, cap, &nbytes, gpos[0] + 1, err, errlen))
            return -1;
    }
    return (int)nbytes;
}

int lw_parse_frame_text(const char *text, uint8_t *buf, size_t cap, char *err, size_t errlen)
{
    if (!text || !buf) {
        lw_errf(err, errlen, "no frame text");
        return -1;
    }
    size_t start = 0;
    while (is_ws((unsigned char)text[start]))
        start++;
    if (!text[start]) {
        lw_errf(err, errlen, "empty frame text");
        return -1;
    }
    if (text[start] == '0' && (text[start + 1] == 'x' || text[start + 1] == 'X'))
        return parse_hex(text, start + 2, buf, cap, err, errlen);

    /* Which encoding? Plain hex digits: hex. '=', '+', '/', '-', '_': base64.
     * Otherwise letters beyond F mean base64, unless they are so few that a
     * hex string with a typo is far likelier (base64 of random bytes has
     * about two non-hex letters in three characters). Either parser then
     * names the first character it cannot take. */
    size_t n = 0, nonhex = 0;
    bool b64_sign = false;
    for (size_t i = start; text[i]; i++) {
        int c = (unsigned char)text[i];
        if (is_ws(c) || c == ':')
            continue;
        n++;
        if (lw_hexval(c) >= 0)
            continue;
        if (c == '=' || c == '+' || c == '/' || c == '-' || c == '_')
            b64_sign = true;
        else if (is_b64(c))
            nonhex++;
    }
    if (!b64_sign && nonhex * 8 < n)
        return parse_hex(text, start, buf, cap, err, errlen);
    return parse_b64(text, buf, cap, err, errlen);
}
