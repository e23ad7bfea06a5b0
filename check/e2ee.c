/* e2ee.c — the E2EE frame rules of e2ee.h. Crypto goes through
 * check/cryptojs (OpenSSL EVP), JSON through jansson. The run state is the
 * set of IVs seen (open addressing on the 16 bytes) and, per device, the
 * highest accepted SEQN plus the SEQNs of the current epoch (to name the
 * frame a replay copies). */
#include "check/e2ee.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/crypto.h>

#include "check/cryptojs.h"
#include "check/lw_util.h"

typedef struct seqn_use {
    long long seqn;
    int frame;
} seqn_use;

typedef struct dev_state {
    int device;
    bool has_last;
    long long last;         /* highest accepted SEQN */
    int last_frame;
    bool rebooted;          /* a reboot was noted since its last frame */
    bool unannounced;       /* an unannounced reset was flagged and SEQN has not recovered */
    seqn_use *used;         /* SEQNs of the current epoch */
    size_t nused, capused;
} dev_state;

typedef struct iv_slot {
    bool used;
    int frame;
    uint8_t iv[CJS_BLOCK];
} iv_slot;

struct e2ee_checker {
    uint8_t key[32];
    size_t keylen;
    int frames;
    iv_slot *ivs;
    size_t ivcap, ivcount;
    bool has_prev_block;
    uint8_t prev_block[CJS_BLOCK]; /* last ciphertext block of the previous frame */
    dev_state *devs;
    size_t ndevs, capdevs;
};

static const char *const rule_names[E2EE__NRULES] = {
    "key", "iv", "ciphertext", "padding", "base64", "json", "seqn", "match",
};

const char *e2ee_rule_name(e2ee_rule r)
{
    return (unsigned)r < E2EE__NRULES ? rule_names[r] : "?";
}

/* Appends "; text" (or "text" when empty) to a rule's detail and fails it. */
static void fail(e2ee_rule_result *r, const char *fmt, ...)
{
    size_t l = strlen(r->detail);
    if (l && l + 2 < sizeof r->detail) {
        memcpy(r->detail + l, "; ", 3);
        l += 2;
    }
    va_list ap;
    va_start(ap, fmt);
    if (l < sizeof r->detail)
        vsnprintf(r->detail + l, sizeof r->detail - l, fmt, ap);
    va_end(ap);
    r->checked = true;
    r->ok = false;
}

static void pass(e2ee_rule_result *r, const char *fmt, ...)
{
    r->checked = true;
    r->ok = true;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->detail, sizeof r->detail, fmt, ap);
    va_end(ap);
}

static void skip(e2ee_rule_result *r, const char *why)
{
    r->checked = false;
    r->ok = false;
    snprintf(r->detail, sizeof r->detail, "not checked: %s", why);
}

void e2ee_mask_key(const uint8_t *key, size_t keylen, char *out, size_t outlen)
{
    if (!out || !outlen)
        return;
    if (outlen < 12 || keylen < 4) {
        out[0] = 0;
        return;
    }
    snprintf(out, outlen, "%02X%02X\xe2\x80\xa6%02X%02X", key[0], key[1], key[keylen - 2], key[keylen - 1]);
}

e2ee_checker *e2ee_new(const uint8_t *key, size_t keylen, char *err, size_t errlen)
{
    if (keylen != 16 && keylen != 24 && keylen != 32) {
        lw_errf(err, errlen, "key of %zu bytes: AES needs 16, 24 or 32 (the protocol uses 16)", keylen);
        return NULL;
    }
    e2ee_checker *c = calloc(1, sizeof *c);
    if (!c) {
        lw_errf(err, errlen, "out of memory");
        return NULL;
    }
    memcpy(c->key, key, keylen);
    c->keylen = keylen;
    return c;
}

void e2ee_free(e2ee_checker *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->ndevs; i++)
        free(c->devs[i].used);
    free(c->devs);
    free(c->ivs);
    OPENSSL_cleanse(c->key, sizeof c->key);
    free(c);
}

static dev_state *device(e2ee_checker *c, int id)
{
    for (size_t i = 0; i < c->ndevs; i++)
        if (c->devs[i].device == id)
            return &c->devs[i];
    if (c->ndevs == c->capdevs) {
        size_t cap = c->capdevs ? 2 * c->capdevs : 4;
        dev_state *d = realloc(c->devs, cap * sizeof *d);
        if (!d)
            return NULL;
        c->devs = d;
        c->capdevs = cap;
    }
    dev_state *d = &c->devs[c->ndevs++];
    memset(d, 0, sizeof *d);
    d->device = id;
    return d;
}

void e2ee_note_reboot(e2ee_checker *c, int dev)
{
    dev_state *d = device(c, dev);
    if (d)
        d->rebooted = true;
}

/* ------------------------------------------------------------ IV set */

static size_t iv_hash(const uint8_t iv[CJS_BLOCK])
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a: IVs may be anything, even constant */
    for (int i = 0; i < CJS_BLOCK; i++)
        h = (h ^ iv[i]) * 1099511628211ull;
    return (size_t)h;
}

/* Returns the frame that used iv before, or -1 after recording it. */
static int iv_seen(e2ee_checker *c, const uint8_t iv[CJS_BLOCK], int frame)
{
    if (2 * (c->ivcount + 1) > c->ivcap) {
        size_t cap = c->ivcap ? 2 * c->ivcap : 64;
        iv_slot *n = calloc(cap, sizeof *n);
        if (!n)
            return -1;
        for (size_t i = 0; i < c->ivcap; i++)
            if (c->ivs[i].used) {
                size_t j = iv_hash(c->ivs[i].iv) & (cap - 1);
                while (n[j].used)
                    j = (j + 1) & (cap - 1);
                n[j] = c->ivs[i];
            }
        free(c->ivs);
        c->ivs = n;
        c->ivcap = cap;
    }
    size_t j = iv_hash(iv) & (c->ivcap - 1);
    for (; c->ivs[j].used; j = (j + 1) & (c->ivcap - 1))
        if (!memcmp(c->ivs[j].iv, iv, CJS_BLOCK))
            return c->ivs[j].frame;
    c->ivs[j].used = true;
    c->ivs[j].frame = frame;
    memcpy(c->ivs[j].iv, iv, CJS_BLOCK);
    c->ivcount++;
    return -1;
}

/* ------------------------------------------------------------ helpers */

/* Printable, shortened copy of a text for details (cap >= 8). */
static const char *shown(const char *s, size_t n, char *buf, size_t cap)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (o + 8 > cap) { /* room for one more item (<= 4) and "...\0" is gone */
            memcpy(buf + o, "...", 4);
            return buf;
        }
        unsigned char ch = (unsigned char)s[i];
        if (ch >= 0x20 && ch < 0x7f)
            buf[o++] = (char)ch;
        else
            o += (size_t)snprintf(buf + o, cap - o, "\\x%02x", ch);
    }
    buf[o] = 0;
    return buf;
}

static bool all_zero(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return false;
    return true;
}

/* Why a base64 text is not canonical, in words. */
static void b64_why(const char *what, const char *s, size_t n, const cjs_b64_verdict *v, e2ee_rule_result *r)
{
    if (v->err == CJS_B64_BAD_LENGTH) {
        const char *hint = n % 4 == 1 ? "cut short (a lone last character)"
                         : s[n - 1] == '=' ? "a '=' is missing at the end"
                                           : "'=' padding missing or text cut";
        fail(r, "%s is not canonical base64: %zu characters, not a multiple of 4: %s", what, n, hint);
    } else {
        fail(r, "%s is not canonical base64: %s at character %zu", what, cjs_b64_err_text(v->err), v->pos);
    }
}

static void seqn_remember(dev_state *d, long long seqn, int frame)
{
    if (d->nused == d->capused) {
        size_t cap = d->capused ? 2 * d->capused : 16;
        seqn_use *u = realloc(d->used, cap * sizeof *u);
        if (!u)
            return;
        d->used = u;
        d->capused = cap;
    }
    d->used[d->nused++] = (seqn_use){seqn, frame};
}

static int seqn_used_by(const dev_state *d, long long seqn)
{
    for (size_t i = d->nused; i-- > 0;)
        if (d->used[i].seqn == seqn)
            return d->used[i].frame;
    return -1;
}

/* The SEQN rule on a parsed JSON object. */
static void check_seqn(e2ee_checker *c, const e2ee_frame *f, json_t *obj, e2ee_verdict *v)
{
    e2ee_rule_result *r = &v->rule[E2EE_SEQN];
    dev_state *d = device(c, f->device);
    json_t *s = json_object_get(obj, "SEQN");
    v->boot = json_is_true(json_object_get(obj, "boot"));
    if (!d) {
        fail(r, "out of memory");
        return;
    }
    bool rebooted = d->rebooted;
    d->rebooted = false;
    if (!s) {
        fail(r, "no \"SEQN\" member: the backend cannot reject replays");
        return;
    }
    if (!json_is_integer(s)) {
        const char *t = json_is_string(s) ? "a string" : json_is_real(s) ? "a real number"
                      : json_is_boolean(s) ? "a boolean" : json_is_null(s) ? "null" : "an object or array";
        fail(r, "SEQN is %s, not an integer", t);
        return;
    }
    long long n = json_integer_value(s);
    v->has_seqn = true;
    v->seqn = n;
    if (n < 0) {
        fail(r, "SEQN %lld is negative", n);
        return;
    }
    if (v->boot) {
        /* an announced reset starts a new epoch at any value */
        d->nused = 0;
        d->has_last = true;
        d->last = n;
        d->last_frame = v->frame;
        d->unannounced = false;
        seqn_remember(d, n, v->frame);
        pass(r, "SEQN %lld, reset announced (\"boot\": true)", n);
        return;
    }
    if (!d->has_last || n > d->last) {
        const char *first = d->has_last ? "" : " (first of the device)";
        d->has_last = true;
        d->last = n;
        d->last_frame = v->frame;
        d->unannounced = false;
        seqn_remember(d, n, v->frame);
        pass(r, "SEQN %lld%s", n, first);
        return;
    }
    int prev = seqn_used_by(d, n);
    if (rebooted || d->unannounced) {
        d->unannounced = true;
        fail(r, "unannounced reset: after a restart SEQN is %lld, not above %lld (frame %d), and the frame "
                "does not announce the reset (\"boot\": true); the backend rejects it as a replay",
             n, d->last, d->last_frame);
    } else if (n == d->last) {
        fail(r, "replay: SEQN %lld again, frame %d had it", n, d->last_frame);
    } else if (prev >= 0) {
        fail(r, "replay: SEQN %lld was already used by frame %d (highest so far %lld)", n, prev, d->last);
    } else {
        fail(r, "SEQN went backwards: %lld after %lld (frame %d)", n, d->last, d->last_frame);
    }
}

/* ------------------------------------------------------------ the rules */

bool e2ee_check(e2ee_checker *c, const e2ee_frame *f, e2ee_verdict *v)
{
    memset(v, 0, sizeof *v);
    v->frame = c->frames++;
    for (int i = 0; i < E2EE__NRULES; i++)
        skip(&v->rule[i], "an earlier rule failed");

    /* key */
    if (c->keylen == E2EE_KEY_LEN)
        pass(&v->rule[E2EE_KEY], "AES-128 key");
    else
        fail(&v->rule[E2EE_KEY], "the key is %zu bytes (AES-%zu); the protocol uses AES-128 (16 bytes)",
             c->keylen, c->keylen * 8);

    /* iv */
    uint8_t iv[CJS_BLOCK];
    bool iv_ok = false;
    e2ee_rule_result *ri = &v->rule[E2EE_IV];
    ri->detail[0] = 0;
    if (!f->iv_b64) {
        fail(ri, "no IV line before the ciphertext");
    } else {
        uint8_t *tmp = malloc(f->iv_len + 4);
        cjs_b64_verdict bv;
        long l = tmp ? cjs_b64_decode_strict(f->iv_b64, f->iv_len, tmp, f->iv_len + 4, &bv) : -1;
        if (l < 0 && tmp) {
            b64_why("the IV", f->iv_b64, f->iv_len, &bv, ri);
            l = cjs_b64_decode_cryptojs(f->iv_b64, f->iv_len, tmp, f->iv_len + 4);
        }
        if (l == CJS_BLOCK) {
            memcpy(iv, tmp, CJS_BLOCK);
            iv_ok = true;
        } else if (l >= 0) {
            fail(ri, "the IV is %ld bytes, AES-CBC needs 16", l);
        }
        free(tmp);
    }
    if (iv_ok) {
        int prev = iv_seen(c, iv, v->frame);
        if (all_zero(iv, CJS_BLOCK))
            fail(ri, "the IV is all zeros: a fixed IV makes equal messages give equal ciphertexts");
        if (prev >= 0)
            fail(ri, "IV reused: frame %d had the same IV (CBC then leaks equal message prefixes)", prev);
        else if (c->has_prev_block && !memcmp(iv, c->prev_block, CJS_BLOCK))
            fail(ri, "the IV is the previous frame's last ciphertext block: predictable (chained CBC state)");
        if (!ri->checked)
            pass(ri, "fresh IV");
    }

    /* ciphertext */
    e2ee_rule_result *rc = &v->rule[E2EE_CIPHERTEXT];
    rc->detail[0] = 0;
    size_t ctcap = f->ct_len + 4;
    uint8_t *ct = malloc(ctcap);
    long ctlen = -1;
    if (ct) {
        cjs_b64_verdict bv;
        ctlen = cjs_b64_decode_strict(f->ct_b64, f->ct_len, ct, ctcap, &bv);
        if (ctlen < 0) {
            b64_why("the ciphertext", f->ct_b64, f->ct_len, &bv, rc);
            ctlen = cjs_b64_decode_cryptojs(f->ct_b64, f->ct_len, ct, ctcap); /* what crypto-js reads */
        }
    }
    if (ctlen == 0)
        fail(rc, "the ciphertext is empty");
    else if (ctlen > 0 && ctlen % CJS_BLOCK)
        fail(rc, "the ciphertext is %ld bytes, not a multiple of 16: cut after byte %ld", ctlen,
             ctlen / CJS_BLOCK * CJS_BLOCK);
    else if (ctlen < 0)
        fail(rc, "out of memory");
    if (!rc->checked)
        pass(rc, "%ld bytes", ctlen);
    if (ctlen >= CJS_BLOCK) {
        memcpy(c->prev_block, ct + (ctlen / CJS_BLOCK - 1) * CJS_BLOCK, CJS_BLOCK);
        c->has_prev_block = true;
    }

    /* padding: decrypt (OpenSSL) */
    cjs_result dr;
    uint8_t *buf = NULL;
    bool decrypted = false;
    if (iv_ok && ctlen >= 0) {
        size_t cap = CJS_DECRYPT_CAP((size_t)ctlen);
        char err[128];
        buf = malloc(cap);
        if (buf && !cjs_decrypt_keyiv_bytes(c->key, c->keylen, iv, ct, (size_t)ctlen, buf, cap, &dr, err, sizeof err))
            decrypted = true;
        else
            fail(&v->rule[E2EE_PADDING], "decryption failed: %s", buf ? err : "out of memory");
    } else {
        skip(&v->rule[E2EE_PADDING], iv_ok ? "no ciphertext" : "no usable IV");
    }
    const char *text = NULL; /* the base64 text the node encrypted */
    size_t textlen = 0;
    if (decrypted) {
        if (dr.pad == CJS_PAD_OK) {
            pass(&v->rule[E2EE_PADDING], "PKCS#7 valid (%u bytes)", (unsigned)(dr.ct_len - dr.pt_len));
            text = (const char *)dr.raw;
            textlen = dr.pt_len;
            v->pt_len = textlen;
        } else {
            e2ee_rule_result *rp = &v->rule[E2EE_PADDING];
            rp->detail[0] = 0;
            uint8_t lb = dr.ct_len ? dr.raw[dr.ct_len - 1] : 0;
            if (dr.pad == CJS_PAD_BAD_LENGTH)
                fail(rp, "PKCS#7 invalid: %s", cjs_pad_err_text(dr.pad));
            else if (dr.pad == CJS_PAD_MISMATCH)
                fail(rp, "PKCS#7 invalid: the last byte is 0x%02x but the %u bytes before it are not all 0x%02x",
                     lb, (unsigned)lb, lb);
            else
                fail(rp, "PKCS#7 invalid: the last byte is 0x%02x%s", lb, lb ? ", above 0x10" : "");
            if (dr.sig_bytes <= 0)
                fail(rp, "crypto-js does not throw: it returns an empty string (sigBytes %ld)", dr.sig_bytes);
            else
                fail(rp, "crypto-js does not throw: it returns %ld bytes%s", dr.sig_bytes,
                     dr.cjs_utf8_throws ? " and toString(Utf8) throws 'Malformed UTF-8 data'" : "");
        }
    }

    /* base64 of the plaintext */
    uint8_t *json_src = NULL;
    long json_len = -1;
    bool lenient = false;
    if (text) {
        json_src = malloc(textlen + 4);
        cjs_b64_verdict bv;
        json_len = json_src ? cjs_b64_decode_strict(text, textlen, json_src, textlen + 4, &bv) : -1;
        if (json_len >= 0) {
            pass(&v->rule[E2EE_BASE64], "canonical base64, %zu characters", textlen);
        } else if (json_src) {
            e2ee_rule_result *rb = &v->rule[E2EE_BASE64];
            rb->detail[0] = 0;
            b64_why("the plaintext", text, textlen, &bv, rb);
            uint8_t *nb = malloc(textlen + 4);
            json_len = cjs_b64_decode_cryptojs(text, textlen, json_src, textlen + 4);
            long nl = nb ? cjs_b64_decode_node(text, textlen, nb, textlen + 4) : -1;
            if (nl == json_len && !memcmp(nb, json_src, (size_t)nl))
                fail(rb, "lenient decoders (crypto-js Base64.parse, node Buffer) accept it: %ld bytes", json_len);
            else
                fail(rb, "lenient decoders disagree: crypto-js Base64.parse gives %ld bytes, node Buffer %ld",
                     json_len, nl);
            if (bv.err == CJS_B64_BAD_LENGTH)
                fail(rb, "strict ones reject it (OpenSSL EVP_DecodeBlock, atob); 'openssl base64 -d' keeps "
                         "only the complete 4-character groups: %zu bytes", textlen / 4 * 3);
            else
                fail(rb, "strict decoders (OpenSSL, atob) reject it");
            free(nb);
            lenient = true;
        }
    }

    /* json */
    json_t *obj = NULL;
    if (json_src && json_len >= 0) {
        e2ee_rule_result *rj = &v->rule[E2EE_JSON];
        size_t bad;
        json_error_t je;
        const char *how = lenient ? " (as a lenient decoder reads it)" : "";
        char sh[96];
        if (!cjs_utf8_valid(json_src, (size_t)json_len, &bad)) {
            fail(rj, "the decoded text%s is not UTF-8 (byte %zu)", how, bad);
        } else if (!(obj = json_loadb((const char *)json_src, (size_t)json_len, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &je))) {
            fail(rj, "the decoded text%s is not JSON: %s at byte %d: \"%s\"", how, je.text, je.position,
                 shown((const char *)json_src, (size_t)json_len, sh, sizeof sh));
        } else if (!json_is_object(obj)) {
            fail(rj, "the decoded JSON%s is not an object", how);
            json_decref(obj);
            obj = NULL;
        } else {
            pass(rj, "JSON object%s: %s", how, shown((const char *)json_src, (size_t)json_len, sh, sizeof sh));
        }
    }
    if (obj) {
        v->rule[E2EE_SEQN].detail[0] = 0;
        check_seqn(c, f, obj, v);
        json_decref(obj);
    }

    /* match: re-encrypt with the Crypto-JS-compatible code, compare */
    if (decrypted && ct) {
        e2ee_rule_result *rm = &v->rule[E2EE_MATCH];
        rm->detail[0] = 0;
        /* what a crypto-js backend got: the strict plaintext, or its own view */
        const uint8_t *pt = dr.raw;
        size_t ptn = dr.pad == CJS_PAD_OK ? dr.pt_len : dr.sig_bytes > 0 ? (size_t)dr.sig_bytes : 0;
        size_t recap = CJS_PADDED_LEN(ptn);
        uint8_t *re = malloc(recap);
        char err[128];
        long rl = re ? cjs_encrypt_keyiv(c->key, c->keylen, iv, pt, ptn, re, recap, err, sizeof err) : -1;
        if (rl < 0) {
            fail(rm, "re-encryption failed: %s", re ? err : "out of memory");
        } else if (rl != ctlen || memcmp(re, ct, (size_t)rl)) {
            size_t k = 0;
            while (k < (size_t)rl && k < (size_t)ctlen && re[k] == ct[k])
                k++;
            fail(rm, "re-encrypting the %zu bytes a crypto-js backend decrypts gives %ld bytes of ciphertext, "
                     "the node sent %ld (first difference at byte %zu)", ptn, rl, ctlen, k);
        }
        free(re);
        if (f->msg_b64) {
            const char *m = f->msg_b64;
            size_t mn = f->msg_len;
            const char *got = dr.pad == CJS_PAD_OK ? text : (const char *)dr.raw;
            size_t gn = dr.pad == CJS_PAD_OK ? textlen : dr.ct_len;
            char sh[16];
            if (dr.pad == CJS_PAD_OK && gn == mn && !memcmp(got, m, mn)) {
                /* equal */
            } else if (dr.pad == CJS_PAD_OK && gn + 1 == mn && !memcmp(got, m, gn)) {
                fail(rm, "the node printed %zu characters as its message but encrypted only the first %zu: the "
                         "last one, '%s', was dropped (padding written over the last byte)",
                     mn, gn, shown(m + gn, 1, sh, sizeof sh));
            } else if (dr.pad == CJS_PAD_OK && gn < mn && !memcmp(got, m, gn)) {
                fail(rm, "the node printed %zu characters as its message but encrypted only the first %zu", mn, gn);
            } else if (dr.pad != CJS_PAD_OK && gn < mn && !memcmp(got, m, gn)) {
                fail(rm, "the ciphertext holds only the first %zu of the %zu message characters: the last block, "
                         "with the rest and the padding, is missing", gn, mn);
            } else {
                size_t k = 0;
                while (k < gn && k < mn && got[k] == m[k])
                    k++;
                fail(rm, "the decrypted text differs from the printed message at character %zu", k);
            }
        }
        if (!rm->checked)
            pass(rm, "re-encryption identical (%ld bytes)%s", ctlen, f->msg_b64 ? ", equals the printed message" : "");
    } else if (!decrypted) {
        skip(&v->rule[E2EE_MATCH], "not decrypted");
    }

    free(json_src);
    free(buf);
    free(ct);
    v->ok = true;
    for (int i = 0; i < E2EE__NRULES; i++)
        if (v->rule[i].checked && !v->rule[i].ok)
            v->ok = false;
    return v->ok;
}

char *e2ee_verdict_line(const e2ee_verdict *v, char *out, size_t outlen)
{
    if (!outlen)
        return out;
    out[0] = 0;
    size_t o = 0;
    if (v->ok) {
        snprintf(out, outlen, "SEQN %lld%s, %zu-character message, all %d rules passed", v->seqn,
                 v->boot ? " (reset announced)" : "", v->pt_len, E2EE__NRULES);
        return out;
    }
    const char *sep = "";
    for (int i = 0; i < E2EE__NRULES && o < outlen; i++) {
        if (!v->rule[i].checked || v->rule[i].ok)
            continue;
        o += (size_t)snprintf(out + o, outlen - o, "%s%s: %s", sep, rule_names[i], v->rule[i].detail);
        sep = " | ";
    }
    return out;
}
