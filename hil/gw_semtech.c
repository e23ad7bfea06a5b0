/* gw_semtech.c — Semtech UDP packet-forwarder datagrams and rxpk/stat JSON
 * (see gw_semtech.h and Semtech's PROTOCOL.TXT). JSON through jansson,
 * base64 through OpenSSL. */
#include "hil/gw_semtech.h"

#include <jansson.h>
#include <math.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/lw_util.h"

const char *gw_ident_name(uint8_t ident)
{
    static const char *const names[] = {"PUSH_DATA", "PUSH_ACK", "PULL_DATA",
                                        "PULL_RESP", "PULL_ACK", "TX_ACK"};
    return ident < 6 ? names[ident] : "unknown";
}

void gw_eui_hex(const uint8_t eui[8], char out[17])
{
    static const char d[] = "0123456789ABCDEF";
    for (int i = 0; i < 8; i++) {
        out[2 * i] = d[eui[i] >> 4];
        out[2 * i + 1] = d[eui[i] & 15];
    }
    out[16] = 0;
}

int gw_parse_datagram(const uint8_t *buf, size_t len, gw_datagram *d, char *err, size_t errlen)
{
    memset(d, 0, sizeof *d);
    if (len < 4) {
        lw_errf(err, errlen, "datagram of %zu bytes is too short: the header needs 4 (bytes 0-3)",
                len);
        return -1;
    }
    d->version = buf[0];
    d->token = (uint16_t)(buf[1] << 8 | buf[2]);
    d->ident = buf[3];
    if (d->version != 1 && d->version != 2) {
        lw_errf(err, errlen, "byte 0: protocol version %u, expected 2 (or 1)", d->version);
        return -1;
    }
    switch (d->ident) {
    case GW_PUSH_DATA:
    case GW_PULL_DATA:
    case GW_TX_ACK:
        if (len < 12) {
            lw_errf(err, errlen, "%s of %zu bytes: the gateway EUI needs bytes 4-11",
                    gw_ident_name(d->ident), len);
            return -1;
        }
        d->has_eui = true;
        memcpy(d->eui, buf + 4, 8);
        d->json = (const char *)buf + 12;
        d->json_len = len - 12;
        if (d->ident == GW_PULL_DATA && d->json_len) {
            lw_errf(err, errlen, "PULL_DATA of %zu bytes: expected 12, extra data from byte 12",
                    len);
            return -1;
        }
        if (d->ident == GW_PUSH_DATA && (d->json_len == 0 || buf[12] != '{')) {
            if (d->json_len == 0)
                lw_errf(err, errlen, "PUSH_DATA without JSON: expected '{' at byte 12");
            else
                lw_errf(err, errlen, "byte 12: PUSH_DATA JSON must start with '{', got 0x%02X",
                        buf[12]);
            return -1;
        }
        return 0;
    case GW_PUSH_ACK:
    case GW_PULL_RESP:
    case GW_PULL_ACK:
        /* Server-to-gateway messages: valid, but nothing a server receives. */
        d->json = len > 4 ? (const char *)buf + 4 : NULL;
        d->json_len = len > 4 ? len - 4 : 0;
        return 0;
    default:
        lw_errf(err, errlen, "byte 3: unknown identifier 0x%02X", d->ident);
        return -1;
    }
}

size_t gw_build_ack(const gw_datagram *d, uint8_t out[4])
{
    uint8_t ident;
    if (d->ident == GW_PUSH_DATA)
        ident = GW_PUSH_ACK;
    else if (d->ident == GW_PULL_DATA)
        ident = GW_PULL_ACK;
    else
        return 0;
    out[0] = d->version;
    out[1] = (uint8_t)(d->token >> 8);
    out[2] = (uint8_t)d->token;
    out[3] = ident;
    return 4;
}

int gw_parse_datr(const char *s, int *sf, uint32_t *bw_hz)
{
    int f;
    unsigned bw;
    char tail;
    if (sscanf(s, "SF%dBW%u%c", &f, &bw, &tail) != 2)
        return -1;
    if (f < 6 || f > 12)
        return -1;
    /* The bandwidths a LoRaWAN gateway reports (SX1301/SX1302 use these). */
    if (bw != 125 && bw != 250 && bw != 500)
        return -1;
    *bw_hz = bw * 1000u;
    *sf = f;
    return 0;
}

static int b64val(char c)
{
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

long gw_base64_decode(const char *s, uint8_t *out, size_t cap, char *err, size_t errlen)
{
    size_t n = strlen(s), body = n;
    while (body > 0 && s[body - 1] == '=')
        body--;
    if (n - body > 2) {
        lw_errf(err, errlen, "base64: too much padding at position %zu", body);
        return -1;
    }
    for (size_t i = 0; i < body; i++)
        if (b64val(s[i]) < 0) {
            lw_errf(err, errlen, "base64: bad character '%c' at position %zu", s[i], i);
            return -1;
        }
    if (body % 4 == 1) {
        lw_errf(err, errlen, "base64: %zu characters cannot be whole bytes", body);
        return -1;
    }
    if (n != body && n % 4) {
        lw_errf(err, errlen, "base64: padded length %zu is not a multiple of 4", n);
        return -1;
    }
    size_t outlen = body / 4 * 3 + (body % 4 ? body % 4 - 1 : 0);
    if (outlen > cap) {
        lw_errf(err, errlen, "base64: %zu bytes, more than %zu", outlen, cap);
        return -1;
    }
    /* EVP_DecodeBlock wants padded input and returns whole triples. */
    size_t plen = (body + 3) / 4 * 4;
    char *padded = malloc(plen + 1);
    unsigned char *tmp = malloc(plen / 4 * 3 + 1);
    if (!padded || !tmp) {
        free(padded);
        free(tmp);
        lw_errf(err, errlen, "out of memory");
        return -1;
    }
    memcpy(padded, s, body);
    memset(padded + body, '=', plen - body);
    padded[plen] = 0;
    int r = plen ? EVP_DecodeBlock(tmp, (const unsigned char *)padded, (int)plen) : 0;
    if (r < 0 || (size_t)r < outlen) {
        free(padded);
        free(tmp);
        lw_errf(err, errlen, "base64: cannot decode");
        return -1;
    }
    memcpy(out, tmp, outlen);
    free(padded);
    free(tmp);
    return (long)outlen;
}

/* ---- rxpk / stat ------------------------------------------------------- */

static void rxpk_error(gw_rxpk *p, size_t i, const char *fmt, ...)
{
    char m[128];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(m, sizeof m, fmt, ap);
    va_end(ap);
    snprintf(p->error, sizeof p->error, "rxpk[%zu].%s", i, m);
    p->ok = false;
}

static void parse_rxpk(json_t *o, size_t i, gw_rxpk *p)
{
    memset(p, 0, sizeof *p);
    p->ok = true;
    p->chan = -1;
    p->crc_stat = 1;
    if (!json_is_object(o)) {
        snprintf(p->error, sizeof p->error, "rxpk[%zu] is not an object", i);
        p->ok = false;
        return;
    }
    json_t *v;
    /* modu first: FSK packets are valid but not ours. */
    v = json_object_get(o, "modu");
    if (v && !json_is_string(v))
        return rxpk_error(p, i, "modu is not a string");
    if (v && strcmp(json_string_value(v), "LORA")) {
        p->skipped = true;
        snprintf(p->note, sizeof p->note, "rxpk[%zu]: modulation %s, not LoRa: ignored", i,
                 json_string_value(v));
        return;
    }
    v = json_object_get(o, "freq");
    if (!v)
        return rxpk_error(p, i, "freq is missing");
    if (!json_is_number(v))
        return rxpk_error(p, i, "freq is not a number");
    double mhz = json_number_value(v);
    if (!(mhz > 1.0 && mhz < 3000.0))
        return rxpk_error(p, i, "freq %g MHz is out of range", mhz);
    p->freq_hz = (uint32_t)llround(mhz * 1e6);
    v = json_object_get(o, "datr");
    if (!v)
        return rxpk_error(p, i, "datr is missing");
    if (!json_is_string(v))
        return rxpk_error(p, i, "datr is not a string (LoRa wants \"SF7BW125\")");
    if (gw_parse_datr(json_string_value(v), &p->sf, &p->bw_hz) != 0)
        return rxpk_error(p, i, "datr \"%.40s\" is not SF<6..12>BW<kHz>", json_string_value(v));
    v = json_object_get(o, "codr");
    if (v) {
        int a, b;
        char tail;
        if (!json_is_string(v))
            return rxpk_error(p, i, "codr is not a string");
        const char *c = json_string_value(v);
        if (!strcmp(c, "OFF"))
            p->cr = 0;
        else if (sscanf(c, "%d/%d%c", &a, &b, &tail) == 2 && a == 4 && b >= 5 && b <= 8)
            p->cr = b;
        else
            return rxpk_error(p, i, "codr \"%.20s\" is not 4/5..4/8", c);
    }
    v = json_object_get(o, "rssi");
    if (!v)
        return rxpk_error(p, i, "rssi is missing");
    if (!json_is_number(v))
        return rxpk_error(p, i, "rssi is not a number");
    p->rssi_dbm = json_number_value(v);
    v = json_object_get(o, "lsnr");
    if (!v)
        return rxpk_error(p, i, "lsnr is missing");
    if (!json_is_number(v))
        return rxpk_error(p, i, "lsnr is not a number");
    p->snr_db = json_number_value(v);
    v = json_object_get(o, "chan");
    if (v) {
        if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 255)
            return rxpk_error(p, i, "chan is not an integer 0..255");
        p->chan = (int)json_integer_value(v);
    }
    v = json_object_get(o, "tmst");
    if (v) {
        if (!json_is_integer(v) || json_integer_value(v) < 0 ||
            json_integer_value(v) > 0xffffffffLL)
            return rxpk_error(p, i, "tmst is not a 32-bit unsigned integer");
        p->tmst = (uint32_t)json_integer_value(v);
    }
    v = json_object_get(o, "stat");
    if (v) {
        if (!json_is_integer(v) || json_integer_value(v) < -1 || json_integer_value(v) > 1)
            return rxpk_error(p, i, "stat is not 1, 0 or -1");
        p->crc_stat = (int)json_integer_value(v);
    }
    v = json_object_get(o, "data");
    if (!v)
        return rxpk_error(p, i, "data is missing");
    if (!json_is_string(v))
        return rxpk_error(p, i, "data is not a string");
    char e[96];
    long n = gw_base64_decode(json_string_value(v), p->data, sizeof p->data, e, sizeof e);
    if (n < 0)
        return rxpk_error(p, i, "data: %s", e);
    p->len = (size_t)n;
    v = json_object_get(o, "size");
    if (v) {
        if (!json_is_integer(v))
            return rxpk_error(p, i, "size is not an integer");
        if (json_integer_value(v) != (json_int_t)p->len)
            return rxpk_error(p, i, "size is %lld but data holds %zu bytes",
                              (long long)json_integer_value(v), p->len);
    }
    if (p->crc_stat == -1) {
        p->skipped = true;
        snprintf(p->note, sizeof p->note, "rxpk[%zu]: CRC error (stat -1): ignored", i);
    }
}

static void stat_summary(json_t *st, gw_stat *out)
{
    static const char *const keys[] = {"rxnb", "rxok", "rxfw", "ackr", "dwnb", "txnb"};
    size_t used = 0;
    out->present = true;
    out->summary[0] = 0;
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
        json_t *v = json_object_get(st, keys[k]);
        if (!v || !json_is_number(v))
            continue;
        int w;
        if (json_is_integer(v))
            w = snprintf(out->summary + used, sizeof out->summary - used, "%s%s=%lld",
                         used ? " " : "", keys[k], (long long)json_integer_value(v));
        else
            w = snprintf(out->summary + used, sizeof out->summary - used, "%s%s=%.1f",
                         used ? " " : "", keys[k], json_real_value(v));
        if (w < 0 || (size_t)w >= sizeof out->summary - used)
            break;
        used += (size_t)w;
    }
}

int gw_parse_push(const char *json, size_t len, gw_push *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    json_error_t je;
    json_t *root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &je);
    if (!root) {
        /* je.position is the byte offset into the JSON; the JSON starts at
         * byte 12 of the datagram. */
        lw_errf(err, errlen, "JSON error at byte %d of the datagram: %s", je.position + 12, je.text);
        return -1;
    }
    if (!json_is_object(root)) {
        lw_errf(err, errlen, "JSON root is not an object");
        json_decref(root);
        return -1;
    }
    json_t *rx = json_object_get(root, "rxpk");
    json_t *st = json_object_get(root, "stat");
    if (!rx && !st) {
        lw_errf(err, errlen, "JSON has neither \"rxpk\" nor \"stat\"");
        json_decref(root);
        return -1;
    }
    if (rx && !json_is_array(rx)) {
        lw_errf(err, errlen, "\"rxpk\" is not an array");
        json_decref(root);
        return -1;
    }
    if (st && !json_is_object(st)) {
        lw_errf(err, errlen, "\"stat\" is not an object");
        json_decref(root);
        return -1;
    }
    if (rx && json_array_size(rx)) {
        out->rxpk = calloc(json_array_size(rx), sizeof *out->rxpk);
        if (!out->rxpk) {
            lw_errf(err, errlen, "out of memory");
            json_decref(root);
            return -1;
        }
        out->nrxpk = json_array_size(rx);
        for (size_t i = 0; i < out->nrxpk; i++)
            parse_rxpk(json_array_get(rx, i), i, &out->rxpk[i]);
    }
    if (st)
        stat_summary(st, &out->stat);
    json_decref(root);
    return 0;
}

void gw_push_free(gw_push *p)
{
    free(p->rxpk);
    p->rxpk = NULL;
    p->nrxpk = 0;
}
