/* fuzz_e2ee.c — libFuzzer target for what `lorahil check --e2ee-key` and
 * `lorahil sim/hil --e2ee-key` feed with untrusted bytes: serial lines
 * through check/e2ee_stream and check/e2ee, and every check/cryptojs
 * decoder. Besides crashes and sanitizer reports it checks properties:
 *  - a text the strict base64 decoder accepts re-encodes to itself, and the
 *    crypto-js and node models decode it to the same bytes;
 *  - a decryption with valid padding re-encrypts to the same ciphertext;
 *  - crypto-js's sigBytes never exceeds the ciphertext length.
 * Seeds: tests/fuzz/seeds/fuzz_e2ee/ (serial logs as the nodes print them). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check/cryptojs.h"
#include "check/e2ee_stream.h"

static const uint8_t K[16] = {0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6,
                              0xab, 0xf7, 0x15, 0x88, 0x09, 0xcf, 0x4f, 0x3c};
static const uint8_t IV[16] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};

static void base64_props(const char *s, size_t n)
{
    uint8_t *a = malloc(n + 4), *b = malloc(n + 4), *c = malloc(n + 4);
    char *re = malloc(CJS_B64_LEN(n) + 1);
    if (!a || !b || !c || !re)
        abort();
    long la = cjs_b64_decode_strict(s, n, a, n + 4, NULL);
    long lb = cjs_b64_decode_cryptojs(s, n, b, n + 4);
    long lc = cjs_b64_decode_node(s, n, c, n + 4);
    if (lb < 0 || lc < 0)
        abort();
    if (la >= 0) {
        if (cjs_b64_encode(a, (size_t)la, re, CJS_B64_LEN(n) + 1) != (long)n || memcmp(re, s, n))
            abort();
        if (lb != la || lc != la || memcmp(a, b, (size_t)la) || memcmp(a, c, (size_t)la))
            abort();
    }
    free(a);
    free(b);
    free(c);
    free(re);
}

static void decrypt_props(const char *s, size_t n)
{
    size_t cap = CJS_DECRYPT_CAP(n);
    uint8_t *buf = malloc(cap), *ct = malloc(n + 4), *re = malloc(n + 48);
    if (!buf || !ct || !re)
        abort();
    cjs_result r;
    char err[200];
    if (cjs_decrypt_keyiv(K, 16, IV, s, n, buf, cap, &r, err, sizeof err) == 0) {
        if (r.sig_bytes > (long)r.ct_len || r.raw_len < r.ct_len || r.raw_len % 16)
            abort();
        if (r.pad == CJS_PAD_OK && !r.salted) {
            /* the ciphertext crypto-js read: decode the text the same way */
            long cl = cjs_b64_decode_cryptojs(s, n, ct, n + 4);
            long rl = cjs_encrypt_keyiv(K, 16, IV, r.raw, r.pt_len, re, n + 48, err, sizeof err);
            if (cl != (long)r.ct_len || rl != cl || memcmp(re, ct, (size_t)cl))
                abort();
        }
    }
    cjs_decrypt_passphrase("2B7E151628AED2A6ABF7158809CF4F3C", 32, s, n, buf, cap, &r, err, sizeof err);
    free(buf);
    free(ct);
    free(re);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 16384)
        return 0;
    char *text = malloc(size + 1);
    if (!text)
        abort();
    memcpy(text, data, size);
    text[size] = 0;

    base64_props(text, size);
    decrypt_props(text, size);

    /* the input as a serial log */
    e2ees_config cfg = {.key = K, .keylen = 16};
    char err[200];
    e2ees_state *st = e2ees_new(&cfg, err, sizeof err);
    if (!st)
        abort();
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
        e2ees_line(st, 0, 0, line, NULL);
    e2ees_totals t;
    e2ees_summary(st, &t);
    if (t.passed + t.failed != t.frames)
        abort();
    e2ees_free(st);
    free(text);
    return 0;
}
