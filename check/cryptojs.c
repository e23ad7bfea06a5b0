/* cryptojs.c — Crypto-JS 4.2.0's AES formats through OpenSSL EVP, plus the
 * base64 and UTF-8 behaviour of crypto-js and node that decides what a
 * backend makes of a frame. Every quirk modelled here is pinned by a row of
 * fixtures/cryptojs/ produced by the real crypto-js. */
#include "check/cryptojs.h"

#include <limits.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "check/lw_util.h"

/* ------------------------------------------------------------ base64 */

static int b64_value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

const char *cjs_b64_err_text(cjs_b64_err e)
{
    switch (e) {
    case CJS_B64_OK: return "canonical";
    case CJS_B64_BAD_CHAR: return "character outside the base64 alphabet";
    case CJS_B64_BAD_PAD: return "'=' where it does not belong";
    case CJS_B64_BAD_LENGTH: return "length not a multiple of 4 ('=' missing or text cut)";
    case CJS_B64_NONZERO_BITS: return "unused bits of the last character not zero";
    }
    return "?";
}

/* The canonical-form check of RFC 4648 section 3 (3.5 for the pad bits). */
static cjs_b64_err b64_check(const char *s, size_t n, size_t *pos)
{
    size_t pads = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '=') {
            pads++;
            continue;
        }
        if (pads) { /* data after '=' */
            *pos = i - pads;
            return CJS_B64_BAD_PAD;
        }
        if (b64_value(c) < 0) {
            *pos = i;
            return CJS_B64_BAD_CHAR;
        }
    }
    if (pads > 2) {
        *pos = n - pads + 2;
        return CJS_B64_BAD_PAD;
    }
    if (n % 4) {
        *pos = n;
        return CJS_B64_BAD_LENGTH;
    }
    if (pads) {
        /* last data character: its low 2 (one '=') or 4 (two '=') bits are unused */
        size_t last = n - pads - 1;
        int v = b64_value((unsigned char)s[last]);
        if (v & (pads == 1 ? 0x03 : 0x0f)) {
            *pos = last;
            return CJS_B64_NONZERO_BITS;
        }
    }
    *pos = 0;
    return CJS_B64_OK;
}

long cjs_b64_encode(const uint8_t *in, size_t n, char *out, size_t cap)
{
    if (n > (size_t)INT_MAX / 2 || cap < CJS_B64_LEN(n) + 1)
        return -1;
    return EVP_EncodeBlock((unsigned char *)out, in, (int)n);
}

long cjs_b64_decode_strict(const char *s, size_t n, uint8_t *out, size_t cap, cjs_b64_verdict *v)
{
    cjs_b64_verdict tmp;
    if (!v)
        v = &tmp;
    v->err = b64_check(s, n, &v->pos);
    if (v->err != CJS_B64_OK || n > (size_t)INT_MAX)
        return -1;
    if (n == 0)
        return 0;
    size_t pads = (s[n - 1] == '=') + (n > 1 && s[n - 2] == '=');
    size_t len = n / 4 * 3 - pads;
    if (cap < len)
        return -1;
    /* EVP_DecodeBlock writes whole 3-byte groups (zeros for '='), so the
     * last group goes through a small buffer to respect cap. */
    if (n > 4 && EVP_DecodeBlock(out, (const unsigned char *)s, (int)(n - 4)) != (int)((n - 4) / 4 * 3))
        return -1;
    unsigned char last[3];
    if (EVP_DecodeBlock(last, (const unsigned char *)s + n - 4, 4) != 3)
        return -1;
    memcpy(out + (n - 4) / 4 * 3, last, 3 - pads);
    return (long)len;
}

/* Length of the UTF-8 sequence starting at s[i] and how many JavaScript
 * UTF-16 units it makes; an ill-formed byte counts as one unit. */
static size_t utf8_seq(const uint8_t *s, size_t n, size_t i, int *units)
{
    size_t bad;
    *units = 1;
    uint8_t c = s[i];
    size_t len = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 1;
    if (len > 1 && (i + len > n || !cjs_utf8_valid(s + i, len, &bad)))
        return 1;
    if (len == 4)
        *units = 2;
    return len;
}

long cjs_b64_decode_cryptojs(const char *s, size_t n, uint8_t *out, size_t cap)
{
    const uint8_t *u = (const uint8_t *)s;
    long nbytes = 0;
    size_t unit = 0; /* index in UTF-16 units, as JavaScript counts */
    int prev = 0;
    for (size_t i = 0; i < n;) {
        int units;
        size_t len = utf8_seq(u, n, i, &units);
        if (len == 1 && u[i] == '=')
            break; /* base64Str.indexOf('=') ends the text */
        int v = len == 1 ? b64_value(u[i]) : -1;
        if (v < 0)
            v = 0; /* reverseMap[c] is undefined: 0 in bit operations */
        for (int k = 0; k < units; k++, unit++) {
            if (unit % 4) {
                int sh = (int)(unit % 4) * 2;
                if ((size_t)nbytes >= cap)
                    return -1;
                out[nbytes++] = (uint8_t)(((prev << sh) | (v >> (6 - sh))) & 0xff);
            }
            prev = v;
        }
        i += len;
    }
    return nbytes;
}

long cjs_b64_decode_node(const char *s, size_t n, uint8_t *out, size_t cap)
{
    uint32_t acc = 0;
    int bits = 0;
    long len = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '=')
            break;
        int v = c == '-' ? 62 : c == '_' ? 63 : b64_value(c);
        if (v < 0)
            continue;
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if ((size_t)len >= cap)
                return -1;
            out[len++] = (uint8_t)(acc >> bits);
            acc &= (1u << bits) - 1;
        }
    }
    return len;
}

/* ------------------------------------------------------------ UTF-8 */

bool cjs_utf8_valid(const uint8_t *s, size_t n, size_t *bad_at)
{
    size_t i = 0;
    while (i < n) {
        uint8_t c = s[i];
        size_t len;
        uint8_t lo = 0x80, hi = 0xBF; /* allowed range of the second byte */
        if (c < 0x80) {
            i++;
            continue;
        } else if (c >= 0xC2 && c <= 0xDF) {
            len = 2;
        } else if (c >= 0xE0 && c <= 0xEF) {
            len = 3;
            if (c == 0xE0)
                lo = 0xA0; /* overlong */
            if (c == 0xED)
                hi = 0x9F; /* surrogates */
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 4;
            if (c == 0xF0)
                lo = 0x90; /* overlong */
            if (c == 0xF4)
                hi = 0x8F; /* above U+10FFFF */
        } else {
            goto bad;
        }
        if (i + len > n || s[i + 1] < lo || s[i + 1] > hi)
            goto bad;
        for (size_t k = 2; k < len; k++)
            if ((s[i + k] & 0xC0) != 0x80)
                goto bad;
        i += len;
    }
    return true;
bad:
    if (bad_at)
        *bad_at = i;
    return false;
}

/* ------------------------------------------------------------ AES */

static const EVP_CIPHER *cbc_for(size_t keylen)
{
    switch (keylen) {
    case 16: return EVP_aes_128_cbc();
    case 24: return EVP_aes_192_cbc();
    case 32: return EVP_aes_256_cbc();
    }
    return NULL;
}

/* One CBC pass. pad: PKCS#7 on encryption. Returns output length or -1. */
static long cbc(const uint8_t *key, size_t keylen, const uint8_t iv[CJS_BLOCK], int enc, int pad,
                const uint8_t *in, size_t n, uint8_t *out, char *err, size_t errlen)
{
    const EVP_CIPHER *c = cbc_for(keylen);
    if (!c) {
        lw_errf(err, errlen, "AES key of %zu bytes (16, 24 or 32 needed)", keylen);
        return -1;
    }
    if (n > (size_t)INT_MAX - CJS_BLOCK) {
        lw_errf(err, errlen, "input too long");
        return -1;
    }
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    int l1 = 0, l2 = 0, ok = ctx && EVP_CipherInit_ex(ctx, c, NULL, key, iv, enc) == 1 &&
                            EVP_CIPHER_CTX_set_padding(ctx, pad) == 1 &&
                            EVP_CipherUpdate(ctx, out, &l1, in, (int)n) == 1 &&
                            EVP_CipherFinal_ex(ctx, out + l1, &l2) == 1;
    EVP_CIPHER_CTX_free(ctx);
    if (!ok) {
        lw_errf(err, errlen, "OpenSSL AES-CBC failed");
        return -1;
    }
    return l1 + l2;
}

long cjs_encrypt_keyiv(const uint8_t *key, size_t keylen, const uint8_t iv[CJS_BLOCK],
                       const uint8_t *pt, size_t n, uint8_t *out, size_t cap,
                       char *err, size_t errlen)
{
    if (cap < CJS_PADDED_LEN(n)) {
        lw_errf(err, errlen, "output buffer of %zu bytes, %zu needed", cap, CJS_PADDED_LEN(n));
        return -1;
    }
    return cbc(key, keylen, iv, 1, 1, pt, n, out, err, errlen);
}

int cjs_kdf_openssl(const char *pass, size_t passlen, const uint8_t salt[CJS_SALT_LEN],
                    uint8_t key[32], uint8_t iv[CJS_BLOCK])
{
    if (passlen > (size_t)INT_MAX)
        return -1;
    /* EVP_BytesToKey rejects a NULL data pointer only when len > 0 */
    return EVP_BytesToKey(EVP_aes_256_cbc(), EVP_md5(), salt, (const unsigned char *)(pass ? pass : ""),
                          (int)passlen, 1, key, iv) == 32 ? 0 : -1;
}

long cjs_encrypt_passphrase(const char *pass, size_t passlen, const uint8_t *salt,
                            const uint8_t *pt, size_t n, char *out, size_t cap,
                            uint8_t salt_out[CJS_SALT_LEN], char *err, size_t errlen)
{
    size_t blen = CJS_HEADER_LEN + CJS_PADDED_LEN(n);
    if (cap < CJS_B64_LEN(blen) + 1) {
        lw_errf(err, errlen, "output buffer of %zu characters, %zu needed", cap, CJS_B64_LEN(blen) + 1);
        return -1;
    }
    uint8_t s[CJS_SALT_LEN], key[32], iv[CJS_BLOCK];
    if (salt)
        memcpy(s, salt, sizeof s);
    else if (RAND_bytes(s, sizeof s) != 1) {
        lw_errf(err, errlen, "RAND_bytes failed");
        return -1;
    }
    if (cjs_kdf_openssl(pass, passlen, s, key, iv)) {
        lw_errf(err, errlen, "EVP_BytesToKey failed");
        return -1;
    }
    uint8_t *bin = OPENSSL_malloc(blen);
    if (!bin) {
        lw_errf(err, errlen, "out of memory");
        return -1;
    }
    memcpy(bin, "Salted__", 8);
    memcpy(bin + 8, s, CJS_SALT_LEN);
    long l = cbc(key, sizeof key, iv, 1, 1, pt, n, bin + CJS_HEADER_LEN, err, errlen);
    long r = l < 0 ? -1 : cjs_b64_encode(bin, CJS_HEADER_LEN + (size_t)l, out, cap);
    OPENSSL_clear_free(bin, blen);
    OPENSSL_cleanse(key, sizeof key);
    OPENSSL_cleanse(iv, sizeof iv);
    if (r >= 0 && salt_out)
        memcpy(salt_out, s, CJS_SALT_LEN);
    return r;
}

/* ------------------------------------------------------------ decrypt */

const char *cjs_pad_err_text(cjs_pad_err e)
{
    switch (e) {
    case CJS_PAD_OK: return "valid";
    case CJS_PAD_BAD_LENGTH: return "ciphertext empty or not a multiple of 16 bytes";
    case CJS_PAD_ZERO: return "last byte 0x00";
    case CJS_PAD_TOO_LONG: return "last byte above 0x10";
    case CJS_PAD_MISMATCH: return "padding bytes differ from the last byte";
    }
    return "?";
}

/* Decrypts buf[0 .. ctlen) in place and fills the result. */
static int decrypt_in_place(const uint8_t *key, size_t keylen, const uint8_t iv[CJS_BLOCK],
                            uint8_t *buf, size_t ctlen, size_t cap, cjs_result *r,
                            char *err, size_t errlen)
{
    size_t raw_len = (ctlen + CJS_BLOCK - 1) / CJS_BLOCK * CJS_BLOCK;
    if (cap < raw_len) {
        lw_errf(err, errlen, "buffer of %zu bytes, %zu needed", cap, raw_len);
        return -1;
    }
    /* crypto-js decrypts a partial last block as if zero-extended */
    memset(buf + ctlen, 0, raw_len - ctlen);
    if (raw_len && cbc(key, keylen, iv, 0, 0, buf, raw_len, buf, err, errlen) < 0)
        return -1;
    if (!raw_len && !cbc_for(keylen)) {
        lw_errf(err, errlen, "AES key of %zu bytes (16, 24 or 32 needed)", keylen);
        return -1;
    }
    r->ct_len = ctlen;
    r->raw = buf;
    r->raw_len = raw_len;

    /* crypto-js Pkcs7.unpad: sigBytes -= words[(sigBytes-1)>>>2] & 0xff, i.e.
     * the LOW byte of the 32-bit word holding the last byte; no checks. */
    long last = ctlen ? buf[((ctlen - 1) / 4) * 4 + 3] : 0;
    r->sig_bytes = (long)ctlen - last;
    /* WordArray.clamp() sets words.length = Math.ceil(sigBytes / 4): a
     * RangeError from -4 down; -1..-3 round to -0 and give "" */
    r->cjs_b64_throws = r->sig_bytes <= -4;
    r->cjs_utf8_throws = r->sig_bytes > 0 && !cjs_utf8_valid(buf, (size_t)r->sig_bytes, NULL);

    /* strict PKCS#7 */
    r->pt_len = 0;
    r->utf8_ok = false;
    r->utf8_bad_at = 0;
    if (ctlen == 0 || ctlen % CJS_BLOCK) {
        r->pad = CJS_PAD_BAD_LENGTH;
    } else {
        uint8_t p = buf[ctlen - 1];
        r->pad = p == 0 ? CJS_PAD_ZERO : p > CJS_BLOCK ? CJS_PAD_TOO_LONG : CJS_PAD_OK;
        for (size_t i = 1; r->pad == CJS_PAD_OK && i <= p; i++)
            if (buf[ctlen - i] != p)
                r->pad = CJS_PAD_MISMATCH;
        if (r->pad == CJS_PAD_OK) {
            r->pt_len = ctlen - p;
            r->utf8_ok = cjs_utf8_valid(buf, r->pt_len, &r->utf8_bad_at);
        }
    }
    return 0;
}

int cjs_decrypt_keyiv_bytes(const uint8_t *key, size_t keylen, const uint8_t iv[CJS_BLOCK],
                            const uint8_t *ct, size_t ctlen, uint8_t *buf, size_t cap,
                            cjs_result *r, char *err, size_t errlen)
{
    memset(r, 0, sizeof *r);
    r->b64_canonical = true;
    if (cap < ctlen) {
        lw_errf(err, errlen, "buffer of %zu bytes, %zu needed", cap, ctlen);
        return -1;
    }
    memmove(buf, ct, ctlen);
    return decrypt_in_place(key, keylen, iv, buf, ctlen, cap, r, err, errlen);
}

/* CryptoJS.format.OpenSSL.parse: lenient base64, then the optional header.
 * Leaves the ciphertext at buf[0 ..) and returns its length, or -1. */
static long parse_openssl_format(const char *text, size_t n, uint8_t *buf, size_t cap, cjs_result *r,
                                 char *err, size_t errlen)
{
    memset(r, 0, sizeof *r);
    r->b64.err = b64_check(text, n, &r->b64.pos);
    r->b64_canonical = r->b64.err == CJS_B64_OK;
    long len = cjs_b64_decode_cryptojs(text, n, buf, cap);
    if (len < 0) {
        lw_errf(err, errlen, "buffer of %zu bytes too small for %zu characters", cap, n);
        return -1;
    }
    if (len >= 8 && !memcmp(buf, "Salted__", 8)) {
        if (len < CJS_HEADER_LEN) {
            lw_errf(err, errlen, "'Salted__' header cut short: %ld of 16 bytes", len);
            return -1;
        }
        r->salted = true;
        memcpy(r->salt, buf + 8, CJS_SALT_LEN);
        len -= CJS_HEADER_LEN;
        memmove(buf, buf + CJS_HEADER_LEN, (size_t)len);
    }
    return len;
}

int cjs_decrypt_keyiv(const uint8_t *key, size_t keylen, const uint8_t iv[CJS_BLOCK],
                      const char *text, size_t n, uint8_t *buf, size_t cap,
                      cjs_result *r, char *err, size_t errlen)
{
    long len = parse_openssl_format(text, n, buf, cap, r, err, errlen);
    if (len < 0)
        return -1;
    return decrypt_in_place(key, keylen, iv, buf, (size_t)len, cap, r, err, errlen);
}

int cjs_decrypt_passphrase(const char *pass, size_t passlen, const char *text, size_t n,
                           uint8_t *buf, size_t cap, cjs_result *r, char *err, size_t errlen)
{
    long len = parse_openssl_format(text, n, buf, cap, r, err, errlen);
    if (len < 0)
        return -1;
    if (!r->salted) {
        lw_errf(err, errlen, "no 'Salted__' header: crypto-js would derive the key from a fresh "
                             "random salt, so its output would be random");
        return -1;
    }
    uint8_t key[32], iv[CJS_BLOCK];
    if (cjs_kdf_openssl(pass, passlen, r->salt, key, iv)) {
        lw_errf(err, errlen, "EVP_BytesToKey failed");
        return -1;
    }
    int rc = decrypt_in_place(key, sizeof key, iv, buf, (size_t)len, cap, r, err, errlen);
    OPENSSL_cleanse(key, sizeof key);
    OPENSSL_cleanse(iv, sizeof iv);
    return rc;
}
