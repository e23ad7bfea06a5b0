/* cryptojs.h — the two AES formats of the JavaScript library Crypto-JS
 * (crypto-js 4.2.0), which the E2EE backend decrypts with, reproduced
 * through OpenSSL EVP (AES, MD5 via EVP_BytesToKey, base64):
 *
 *  - key/IV mode: CryptoJS.AES.encrypt(text, CryptoJS.enc.Hex.parse(key),
 *    {iv}) — AES-CBC with PKCS#7, AES-128/192/256 chosen by the key length;
 *    the result's toString() is the plain base64 of the ciphertext;
 *  - passphrase mode: CryptoJS.AES.encrypt(text, "passphrase") — OpenSSL's
 *    format base64("Salted__" | 8-byte salt | ciphertext), AES-256-CBC with
 *    key and IV from EVP_BytesToKey(MD5, 1 iteration).
 *
 * Decryption reports two things (fixtures/README.md, "How Crypto-JS
 * decrypts"): what crypto-js itself returns — it never fails on a wrong key
 * or bad padding, it just subtracts the last byte from sigBytes — and a
 * strict verdict: base64 canonical (RFC 4648), PKCS#7 padding valid, UTF-8
 * well-formed. Expected values in the tests come from fixtures/cryptojs/,
 * produced by the real crypto-js.
 *
 * Pure functions: no I/O, no globals (RAND_bytes only for a random salt).
 * Keys and passphrases are secrets: nothing here prints them and no error
 * message contains them. */
#ifndef LORAHIL_CRYPTOJS_H
#define LORAHIL_CRYPTOJS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CJS_BLOCK 16    /* AES block and CBC IV size, bytes */
#define CJS_SALT_LEN 8  /* passphrase mode salt, bytes */
#define CJS_HEADER_LEN 16 /* "Salted__" + salt */

/* Characters of the canonical base64 of n bytes (without the NUL). */
#define CJS_B64_LEN(n) ((((size_t)(n) + 2) / 3) * 4)
/* Ciphertext bytes for n plaintext bytes with PKCS#7 padding. */
#define CJS_PADDED_LEN(n) (((size_t)(n) / CJS_BLOCK + 1) * CJS_BLOCK)

/* ------------------------------------------------------------ base64 */

/* Why a text is not canonical RFC 4648 base64 (standard alphabet, '='
 * padding to a multiple of 4, unused bits zero). */
typedef enum cjs_b64_err {
    CJS_B64_OK = 0,
    CJS_B64_BAD_CHAR,     /* a character outside A-Z a-z 0-9 + / = (incl. spaces, '-', '_') */
    CJS_B64_BAD_PAD,      /* '=' inside the text, or more than two */
    CJS_B64_BAD_LENGTH,   /* length not a multiple of 4: '=' missing or text cut */
    CJS_B64_NONZERO_BITS, /* the unused low bits of the last character are not 0 */
} cjs_b64_err;

typedef struct cjs_b64_verdict {
    cjs_b64_err err;
    size_t pos;           /* offset of the offending character, or the length for BAD_LENGTH */
} cjs_b64_verdict;

/* Short English text for an error ("not a multiple of 4 characters", ...). */
const char *cjs_b64_err_text(cjs_b64_err e);

/* Canonical base64 of n bytes into out (cap >= CJS_B64_LEN(n) + 1), NUL
 * terminated. Returns the number of characters, or -1 when out is too small. */
long cjs_b64_encode(const uint8_t *in, size_t n, char *out, size_t cap);

/* Strict decoder: accepts only canonical base64 (an empty text is canonical).
 * Returns the decoded length, or -1 when the text is not canonical (*v says
 * why and where) or cap is too small (v->err CJS_B64_OK). v may be NULL. */
long cjs_b64_decode_strict(const char *s, size_t n, uint8_t *out, size_t cap, cjs_b64_verdict *v);

/* Exactly what CryptoJS.enc.Base64.parse returns (enc-base64.js): stops at
 * the first '=', counts every other character — also invalid ones, which it
 * reads as value 0 — and emits one byte for each character that is not at a
 * position 0 mod 4; unused bits are dropped. Text is UTF-8: a character
 * counts as one JavaScript UTF-16 unit (two for those above U+FFFF).
 * Returns the length, or -1 when cap is too small (cap >= n suffices). */
long cjs_b64_decode_cryptojs(const char *s, size_t n, uint8_t *out, size_t cap);

/* What node's Buffer.from(s, 'base64') returns (node 20): base64url
 * characters accepted, other invalid characters skipped, stops at the first
 * '=', floor(6k/8) bytes from k valid characters. Returns the length, or -1
 * when cap is too small (cap >= n suffices). */
long cjs_b64_decode_node(const char *s, size_t n, uint8_t *out, size_t cap);

/* ------------------------------------------------------------ UTF-8 */

/* Well-formed UTF-8 (Unicode Table 3-7: no overlongs, surrogates, code
 * points above U+10FFFF or cut sequences) — exactly what crypto-js's
 * Utf8.stringify (decodeURIComponent) accepts. On false, *bad_at (if not
 * NULL) is the offset of the first byte of the bad sequence. */
bool cjs_utf8_valid(const uint8_t *s, size_t n, size_t *bad_at);

/* ------------------------------------------------------------ encrypt */

/* CryptoJS.AES.encrypt(pt, key, {iv}) in key/IV mode: CBC + PKCS#7 with
 * AES-128/192/256 for keylen 16/24/32. Writes CJS_PADDED_LEN(n) bytes to out.
 * Returns that length, or -1 with a message (bad key length, cap too small,
 * OpenSSL error). */
long cjs_encrypt_keyiv(const uint8_t *key, size_t keylen, const uint8_t iv[CJS_BLOCK],
                       const uint8_t *pt, size_t n, uint8_t *out, size_t cap,
                       char *err, size_t errlen);

/* CryptoJS.kdf.OpenSSL.execute(pass, 8, 4, salt): EVP_BytesToKey with MD5,
 * one iteration, 32 key bytes then 16 IV bytes. Returns 0 or -1. */
int cjs_kdf_openssl(const char *pass, size_t passlen, const uint8_t salt[CJS_SALT_LEN],
                    uint8_t key[32], uint8_t iv[CJS_BLOCK]);

/* CryptoJS.AES.encrypt(pt, pass, {salt}).toString(): base64("Salted__" |
 * salt | AES-256-CBC ciphertext), NUL-terminated in out (cap >=
 * CJS_B64_LEN(16 + CJS_PADDED_LEN(n)) + 1). salt NULL = a random salt from
 * RAND_bytes, as crypto-js does; salt_out (may be NULL) receives the salt
 * used. Returns the number of characters, or -1 with a message. */
long cjs_encrypt_passphrase(const char *pass, size_t passlen, const uint8_t *salt,
                            const uint8_t *pt, size_t n, char *out, size_t cap,
                            uint8_t salt_out[CJS_SALT_LEN], char *err, size_t errlen);

/* ------------------------------------------------------------ decrypt */

/* Why PKCS#7 padding is invalid. */
typedef enum cjs_pad_err {
    CJS_PAD_OK = 0,
    CJS_PAD_BAD_LENGTH,  /* ciphertext empty or not a multiple of 16 */
    CJS_PAD_ZERO,        /* last byte 0 */
    CJS_PAD_TOO_LONG,    /* last byte above 16 */
    CJS_PAD_MISMATCH,    /* the last p bytes are not all p */
} cjs_pad_err;

const char *cjs_pad_err_text(cjs_pad_err e);

/* The outcome of one decryption. raw points into the caller's buffer. */
typedef struct cjs_result {
    /* the input as crypto-js parsed it (text input only) */
    bool b64_canonical;      /* the input text was canonical base64 */
    cjs_b64_verdict b64;     /* why not */
    bool salted;             /* decoded bytes began "Salted__": 16 bytes stripped */
    uint8_t salt[CJS_SALT_LEN];
    size_t ct_len;           /* ciphertext bytes (after the header) */

    /* every decrypted block, no unpadding; a partial last block is decrypted
     * zero-extended, as crypto-js does. raw_len = ct_len rounded up to 16. */
    const uint8_t *raw;
    size_t raw_len;

    /* what crypto-js returns: a WordArray over raw with this sigBytes. Its
     * toString(Hex) shows raw[0 .. max(sig_bytes, 0)); toString(Utf8) is ""
     * when sig_bytes <= 0, else those bytes or the exception "Malformed
     * UTF-8 data"; toString(Base64) throws RangeError when sig_bytes <= -4
     * (Math.ceil(sigBytes / 4) < 0), else "" for sig_bytes <= 0. */
    long sig_bytes;
    bool cjs_utf8_throws;
    bool cjs_b64_throws;

    /* strict verdict (OpenSSL's): */
    cjs_pad_err pad;         /* CJS_PAD_OK when PKCS#7 is valid */
    size_t pt_len;           /* plaintext length after valid padding, else 0 */
    bool utf8_ok;            /* raw[0 .. pt_len) is well-formed UTF-8 (pad ok only) */
    size_t utf8_bad_at;
} cjs_result;

/* Buffer size the decrypt functions need for an input of n bytes/characters. */
#define CJS_DECRYPT_CAP(n) ((((size_t)(n) + CJS_BLOCK - 1) / CJS_BLOCK + 1) * CJS_BLOCK)

/* Key/IV mode on ciphertext bytes (no base64, no header handling). buf
 * receives the decrypted blocks (cap >= CJS_DECRYPT_CAP(ctlen)). Returns 0,
 * or -1 with a message (bad key length, cap, OpenSSL). */
int cjs_decrypt_keyiv_bytes(const uint8_t *key, size_t keylen, const uint8_t iv[CJS_BLOCK],
                            const uint8_t *ct, size_t ctlen, uint8_t *buf, size_t cap,
                            cjs_result *r, char *err, size_t errlen);

/* CryptoJS.AES.decrypt(text, key, {iv}): text parsed by CryptoJS's OpenSSL
 * formatter (its lenient base64, then a "Salted__" header stripped even in
 * this mode). cap >= CJS_DECRYPT_CAP(n). Returns 0 or -1 with a message. */
int cjs_decrypt_keyiv(const uint8_t *key, size_t keylen, const uint8_t iv[CJS_BLOCK],
                      const char *text, size_t n, uint8_t *buf, size_t cap,
                      cjs_result *r, char *err, size_t errlen);

/* CryptoJS.AES.decrypt(text, pass). Without a "Salted__" header crypto-js
 * would derive the key from a fresh random salt, so its output is random:
 * that is reported as an error (-1), as is a header cut short. */
int cjs_decrypt_passphrase(const char *pass, size_t passlen, const char *text, size_t n,
                           uint8_t *buf, size_t cap, cjs_result *r, char *err, size_t errlen);

#endif
