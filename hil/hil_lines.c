/* hil_lines.c — byte stream to lines, lines to frames (see hil_lines.h for
 * the recognised formats). */
#include "hil/hil_lines.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/lw_util.h"

void hil_lines_init(hil_lines *l)
{
    memset(l, 0, sizeof *l);
}

static bool is_text_byte(uint8_t c)
{
    return (c >= 0x20 && c < 0x7f) || c == '\t' || c == '\r' || c == '\n';
}

static void emit(hil_lines *l, bool truncated, hil_line_fn fn, void *ctx)
{
    l->text[l->text_len] = 0;
    hil_line line = {.text = l->text, .raw_len = l->raw_len, .truncated = truncated,
                     .nontext = l->nontext};
    if (fn)
        fn(ctx, &line);
    l->text_len = 0;
    l->raw_len = 0;
    l->nontext = 0;
}

static void count_noise(hil_lines *l, uint8_t c)
{
    l->bytes++;
    if (is_text_byte(c))
        l->text_bytes++;
    else
        l->block_bad++;
    if (++l->block_bytes == HIL_NOISE_BLOCK) {
        if (l->block_bad * 100 >= HIL_NOISE_PERCENT * HIL_NOISE_BLOCK)
            l->noise_blocks++;
        l->block_bytes = 0;
        l->block_bad = 0;
    }
}

void hil_lines_push(hil_lines *l, const uint8_t *buf, size_t n, hil_line_fn fn, void *ctx)
{
    /* lower case, as sim/sim_uart.c writes them: the same bytes give the
     * same serial_line text from both runners */
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        uint8_t c = buf[i];
        count_noise(l, c);
        if (c == '\n' && l->after_cr) {
            l->after_cr = false;
            continue;
        }
        l->after_cr = (c == '\r');
        if (c == '\n' || c == '\r') {
            if (l->skipping)
                l->skipping = false;
            else
                emit(l, false, fn, ctx);
            continue;
        }
        if (l->skipping)
            continue;
        if (c >= 0x20 && c < 0x7f) {
            l->text[l->text_len++] = (char)c;
        } else if (c == '\t') {
            l->text[l->text_len++] = '\t';
        } else {
            l->nontext++;
            l->text[l->text_len++] = '\\';
            l->text[l->text_len++] = 'x';
            l->text[l->text_len++] = hex[c >> 4];
            l->text[l->text_len++] = hex[c & 15];
        }
        if (++l->raw_len == HIL_LINE_MAX) {
            emit(l, true, fn, ctx);
            l->skipping = true;
        }
    }
}

void hil_lines_flush(hil_lines *l, hil_line_fn fn, void *ctx)
{
    if (l->raw_len > 0)
        emit(l, false, fn, ctx);
    l->skipping = false;
}

/* ---- classification ---------------------------------------------------- */

static void errf(hil_parsed *out, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out->error, sizeof out->error, fmt, ap);
    va_end(ap);
    out->kind = HIL_BAD;
}

/* Parses hex groups starting at line[pos] until the end or the first token
 * containing '='. Returns the position after the hex, or -1 (error set). */
static long parse_hex(const char *line, size_t pos, hil_parsed *out)
{
    size_t nibbles = 0;
    int hi = 0;
    out->len = 0;
    while (line[pos]) {
        while (line[pos] == ' ' || line[pos] == '\t')
            pos++;
        if (!line[pos])
            break;
        /* a key=value token ends the hex */
        size_t end = pos;
        while (line[end] && line[end] != ' ' && line[end] != '\t')
            end++;
        if (memchr(line + pos, '=', end - pos))
            break;
        for (size_t i = pos; i < end; i++) {
            int v = lw_hexval(line[i]);
            if (v < 0) {
                errf(out, "bad hex digit '%c' at column %zu", line[i], i + 1);
                return -1;
            }
            if (nibbles & 1) {
                if (out->len == sizeof out->frame) {
                    errf(out, "frame longer than %zu bytes at column %zu", sizeof out->frame,
                         i + 1);
                    return -1;
                }
                out->frame[out->len++] = (uint8_t)(hi << 4 | v);
            } else {
                hi = v;
            }
            nibbles++;
        }
        pos = end;
    }
    if (nibbles == 0) {
        errf(out, "no hex frame at column %zu", pos + 1);
        return -1;
    }
    if (nibbles & 1) {
        errf(out, "odd number of hex digits (%zu) before column %zu", nibbles, pos + 1);
        return -1;
    }
    return (long)pos;
}

static bool parse_long(const char *s, long *v)
{
    char *end;
    errno = 0;
    long x = strtol(s, &end, 10);
    if (errno || end == s || *end)
        return false;
    *v = x;
    return true;
}

static bool parse_double(const char *s, double *v)
{
    char *end;
    errno = 0;
    double x = strtod(s, &end);
    if (errno || end == s || *end || !isfinite(x))
        return false;
    *v = x;
    return true;
}

/* key=value tokens from line[pos] on. Returns 0 or -1 (error set). */
static int parse_keys(const char *line, size_t pos, hil_parsed *out)
{
    hil_radio *r = &out->radio;
    while (line[pos]) {
        while (line[pos] == ' ' || line[pos] == '\t')
            pos++;
        if (!line[pos])
            break;
        size_t start = pos, end = pos;
        while (line[end] && line[end] != ' ' && line[end] != '\t')
            end++;
        pos = end;
        char tok[64];
        size_t tl = end - start;
        const char *eq = memchr(line + start, '=', tl);
        if (!eq)
            continue;           /* free text after the frame: ignored */
        if (tl >= sizeof tok) {
            errf(out, "value too long at column %zu", start + 1);
            return -1;
        }
        memcpy(tok, line + start, tl);
        tok[tl] = 0;
        char *val = tok + (eq - (line + start));
        *val++ = 0;
        const char *key = tok;
        long lv = 0;
        double dv = 0;
        size_t col = start + 1;
        if (!strcmp(key, "freq")) {
            if (strchr(val, '.') ? !parse_double(val, &dv) : !parse_long(val, &lv)) {
                errf(out, "bad freq '%s' at column %zu", val, col);
                return -1;
            }
            double hz = strchr(val, '.') ? dv * 1e6 : (double)lv;
            if (hz < 1e6 || hz > 3e9) {
                errf(out, "freq '%s' out of range at column %zu", val, col);
                return -1;
            }
            r->freq_hz = (uint32_t)llround(hz);
            r->has_freq = true;
        } else if (!strcmp(key, "sf")) {
            if (!parse_long(val, &lv) || lv < 6 || lv > 12) {
                errf(out, "bad sf '%s' at column %zu (6..12)", val, col);
                return -1;
            }
            r->sf = (int)lv;
            r->has_sf = true;
        } else if (!strcmp(key, "bw")) {
            if (!parse_long(val, &lv) || lv <= 0 || lv > 1000000) {
                errf(out, "bad bw '%s' at column %zu", val, col);
                return -1;
            }
            r->bw_hz = (uint32_t)(lv < 1000 ? lv * 1000 : lv);
            r->has_bw = true;
        } else if (!strcmp(key, "cr")) {
            const char *v = !strncmp(val, "4/", 2) ? val + 2 : val;
            if (!parse_long(v, &lv) || lv < 5 || lv > 8) {
                errf(out, "bad cr '%s' at column %zu (5..8 or 4/5..4/8)", val, col);
                return -1;
            }
            r->cr = (int)lv;
            r->has_cr = true;
        } else if (!strcmp(key, "power")) {
            if (!parse_long(val, &lv) || lv < -30 || lv > 40) {
                errf(out, "bad power '%s' at column %zu", val, col);
                return -1;
            }
            r->power_dbm = (int)lv;
            r->has_power = true;
        } else if (!strcmp(key, "rssi")) {
            if (!parse_double(val, &dv) || dv < -200 || dv > 50) {
                errf(out, "bad rssi '%s' at column %zu", val, col);
                return -1;
            }
            r->rssi_dbm = dv;
            r->has_rssi = true;
        } else if (!strcmp(key, "snr")) {
            if (!parse_double(val, &dv) || dv < -50 || dv > 50) {
                errf(out, "bad snr '%s' at column %zu", val, col);
                return -1;
            }
            r->snr_db = dv;
            r->has_snr = true;
        } else if (!strcmp(key, "ch") && parse_long(val, &lv) && lv >= 1000000) {
            if (lv > 3000000000L) {
                errf(out, "ch '%s' out of range at column %zu", val, col);
                return -1;
            }
            r->freq_hz = (uint32_t)lv;
            r->has_freq = true;
        } else if (!strcmp(key, "chan") || !strcmp(key, "ch")) {
            if (!parse_long(val, &lv) || lv < 0 || lv > 255) {
                errf(out, "bad chan '%s' at column %zu", val, col);
                return -1;
            }
            r->chan = (int)lv;
            r->has_chan = true;
        }
    }
    return 0;
}

static hil_kind frame_line(const char *text, size_t pos, hil_kind kind, hil_parsed *out)
{
    out->kind = kind;
    long p = parse_hex(text, pos, out);
    if (p < 0 || parse_keys(text, (size_t)p, out) != 0)
        return out->kind = HIL_BAD;
    if (kind == HIL_FRAME_RX && !(out->radio.has_rssi && out->radio.has_snr)) {
        errf(out, "rx: line without rssi= and snr=");
        return HIL_BAD;
    }
    return kind;
}

hil_kind hil_parse_line(const char *text, const char *const *patterns, size_t npatterns,
                        hil_parsed *out)
{
    memset(out, 0, sizeof *out);
    size_t pos = 0;
    while (text[pos] == ' ' || text[pos] == '\t')
        pos++;
    const char *s = text + pos;
    if (!strncmp(s, "frame:", 6))
        return frame_line(text, pos + 6, HIL_FRAME_TX, out);
    if (!strncmp(s, "rx:", 3))
        return frame_line(text, pos + 3, HIL_FRAME_RX, out);
    if (!strncmp(s, "sniffer:", 8)) {
        out->kind = HIL_SNIFFER_CONFIG;
        if (parse_keys(text, pos + 8, out) != 0)
            return HIL_BAD;
        return HIL_SNIFFER_CONFIG;
    }
    if (!strncmp(s, "tx:", 3)) {
        hil_parsed tmp;
        memset(&tmp, 0, sizeof tmp);
        /* Only lines carrying a known setting; others ("tx: no TxDone, ...")
         * are plain text, and a malformed value is no reason to complain. */
        if (parse_keys(text, pos + 3, &tmp) == 0 &&
            (tmp.radio.has_freq || tmp.radio.has_sf || tmp.radio.has_bw || tmp.radio.has_cr ||
             tmp.radio.has_power)) {
            *out = tmp;
            out->kind = HIL_TX_INFO;
            return HIL_TX_INFO;
        }
        out->kind = HIL_TEXT;
        return HIL_TEXT;
    }
    for (size_t i = 0; i < npatterns; i++) {
        const char *h = strstr(patterns[i], "%h");
        if (!h)
            continue;
        size_t plen = (size_t)(h - patterns[i]);
        if (plen && !strncmp(s, patterns[i], plen))
            return frame_line(text, pos + plen, HIL_FRAME_TX, out);
    }
    out->kind = HIL_TEXT;
    return HIL_TEXT;
}

int hil_pattern_check(const char *pattern, char *err, size_t errlen)
{
    const char *h = strstr(pattern, "%h");
    if (!h || strstr(h + 2, "%h")) {
        snprintf(err, errlen, "--line-pattern '%s': needs %%h exactly once", pattern);
        return -1;
    }
    if (h == pattern) {
        snprintf(err, errlen, "--line-pattern '%s': needs text before %%h", pattern);
        return -1;
    }
    return 0;
}
