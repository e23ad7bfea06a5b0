/* test_cjs_fixtures.c — check/cryptojs against the real crypto-js 4.2.0:
 * every row of fixtures/cryptojs/{keyiv,protocol,passphrase,decrypt,base64,
 * captured}.tsv (made by fixtures/gen/gen-cryptojs.js, cross-checked with
 * OpenSSL there), plus NIST SP 800-38A F.2 CBC-AES128. Expected bytes are
 * decoded by the fixture helper's own hex reader, never by the code under
 * test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/cryptojs.h"
#include "lw_fixture.h"

#define BIG 1024

static void assert_hex_eq(const uint8_t *got, size_t n, const char *hex, const char *what, const char *row)
{
    uint8_t exp[BIG];
    size_t en = fx_hex(hex, exp, sizeof exp);
    if (en != n || memcmp(exp, got, n)) {
        char g[2 * BIG + 1] = "";
        for (size_t i = 0; i < n && i < BIG; i++)
            sprintf(g + 2 * i, "%02x", got[i]);
        fail_msg("%s %s: got %zu bytes %s, crypto-js gives %zu bytes %s", row, what, n, g, en, hex);
    }
}

/* '-' means empty in the fixtures */
static const char *txt(const char *s)
{
    return strcmp(s, "-") ? s : "";
}

/* ---------------------------------------------------------- keyiv.tsv */

static void keyiv_encrypt_and_decrypt(void **state)
{
    (void)state;
    fx_table t;
    fx_load("cryptojs/keyiv.tsv", &t);
    assert_true(t.nrows >= 18);
    for (size_t i = 0; i < t.nrows; i++) {
        const char *name = fx_get(&t, i, "name");
        uint8_t key[32], iv[16], pt[BIG], ct[BIG], buf[BIG];
        size_t kl = fx_hex(fx_get(&t, i, "key"), key, sizeof key);
        assert_int_equal(fx_hex(fx_get(&t, i, "iv"), iv, sizeof iv), 16);
        size_t pl = fx_hex(fx_get(&t, i, "plaintext"), pt, sizeof pt);
        assert_int_equal(pl, fx_num(fx_get(&t, i, "plaintext_len")));
        char err[128];
        long cl = cjs_encrypt_keyiv(key, kl, iv, pt, pl, ct, sizeof ct, err, sizeof err);
        assert_true(cl > 0);
        assert_hex_eq(ct, (size_t)cl, fx_get(&t, i, "ciphertext"), "ciphertext", name);
        char b64[BIG];
        assert_true(cjs_b64_encode(ct, (size_t)cl, b64, sizeof b64) > 0);
        assert_string_equal(b64, fx_get(&t, i, "ciphertext_b64"));

        cjs_result r;
        const char *in = fx_get(&t, i, "ciphertext_b64");
        assert_int_equal(cjs_decrypt_keyiv(key, kl, iv, in, strlen(in), buf, sizeof buf, &r, err, sizeof err), 0);
        assert_true(r.b64_canonical);
        assert_false(r.salted);
        assert_int_equal(r.sig_bytes, (long)pl);
        assert_int_equal(r.pad, CJS_PAD_OK);
        assert_int_equal(r.pt_len, pl);
        assert_true(r.utf8_ok);
        assert_false(r.cjs_utf8_throws);
        assert_hex_eq(r.raw, r.pt_len, fx_get(&t, i, "plaintext"), "decrypted", name);
    }
    fx_free(&t);
}

/* ------------------------------------------------------- protocol.tsv */

static void protocol_double_base64(void **state)
{
    (void)state;
    fx_table t;
    fx_load("cryptojs/protocol.tsv", &t);
    assert_true(t.nrows >= 9);
    for (size_t i = 0; i < t.nrows; i++) {
        uint8_t key[16], iv[16], ct[BIG], buf[BIG], dec[BIG];
        char b64[BIG], ivb64[64], err[128];
        assert_int_equal(fx_hex(fx_get(&t, i, "key"), key, sizeof key), 16);
        assert_int_equal(fx_hex(fx_get(&t, i, "iv"), iv, sizeof iv), 16);
        const char *json = fx_get(&t, i, "json");
        assert_int_equal(cjs_b64_encode(iv, 16, ivb64, sizeof ivb64), 24);
        assert_string_equal(ivb64, fx_get(&t, i, "iv_b64"));
        long ml = cjs_b64_encode((const uint8_t *)json, strlen(json), b64, sizeof b64);
        assert_string_equal(b64, fx_get(&t, i, "msg_b64"));
        long cl = cjs_encrypt_keyiv(key, 16, iv, (const uint8_t *)b64, (size_t)ml, ct, sizeof ct, err, sizeof err);
        assert_true(cl > 0);
        char ctb64[BIG];
        cjs_b64_encode(ct, (size_t)cl, ctb64, sizeof ctb64);
        assert_string_equal(ctb64, fx_get(&t, i, "ct_b64"));

        /* and back, strictly */
        cjs_result r;
        const char *in = fx_get(&t, i, "ct_b64");
        assert_int_equal(cjs_decrypt_keyiv(key, 16, iv, in, strlen(in), buf, sizeof buf, &r, err, sizeof err), 0);
        assert_int_equal(r.pad, CJS_PAD_OK);
        cjs_b64_verdict v;
        long jl = cjs_b64_decode_strict((const char *)r.raw, r.pt_len, dec, sizeof dec, &v);
        assert_int_equal(v.err, CJS_B64_OK);
        assert_int_equal(jl, (long)strlen(json));
        assert_memory_equal(dec, json, strlen(json));
    }
    fx_free(&t);
}

/* ----------------------------------------------------- passphrase.tsv */

static void passphrase_fixed_salt(void **state)
{
    (void)state;
    fx_table t;
    fx_load("cryptojs/passphrase.tsv", &t);
    assert_true(t.nrows >= 11);
    for (size_t i = 0; i < t.nrows; i++) {
        const char *name = fx_get(&t, i, "name");
        uint8_t passb[128], salt[8], pt[BIG], key[32], iv[16], buf[BIG];
        size_t passlen = fx_hex(fx_get(&t, i, "passphrase_hex"), passb, sizeof passb - 1);
        passb[passlen] = 0;
        const char *pass = (const char *)passb;
        assert_int_equal(fx_hex(fx_get(&t, i, "salt"), salt, sizeof salt), 8);
        size_t pl = fx_hex(fx_get(&t, i, "plaintext"), pt, sizeof pt);
        assert_int_equal(cjs_kdf_openssl(pass, passlen, salt, key, iv), 0);
        assert_hex_eq(key, 32, fx_get(&t, i, "key"), "derived key", name);
        assert_hex_eq(iv, 16, fx_get(&t, i, "iv"), "derived iv", name);

        char out[BIG], err[128];
        uint8_t used[8];
        long n = cjs_encrypt_passphrase(pass, passlen, salt, pt, pl, out, sizeof out, used, err, sizeof err);
        assert_true(n > 0);
        assert_string_equal(out, fx_get(&t, i, "ciphertext_b64"));
        assert_memory_equal(used, salt, 8);

        cjs_result r;
        const char *in = fx_get(&t, i, "ciphertext_b64");
        assert_int_equal(cjs_decrypt_passphrase(pass, passlen, in, strlen(in), buf, sizeof buf, &r, err, sizeof err), 0);
        assert_true(r.salted);
        assert_memory_equal(r.salt, salt, 8);
        assert_int_equal(r.pad, CJS_PAD_OK);
        assert_int_equal(r.sig_bytes, (long)pl);
        assert_hex_eq(r.raw, r.pt_len, fx_get(&t, i, "plaintext"), "decrypted", name);
    }
    fx_free(&t);
}

/* A random salt (RAND_bytes) gives a different string each time, and both
 * decrypt: expected plaintext is the input, the salts must differ. */
static void passphrase_random_salt(void **state)
{
    (void)state;
    const char *msg = "eyJTRVFOIjoyMH0=", *pass = "2B7E151628AED2A6ABF7158809CF4F3C";
    char a[128], b[128], err[128];
    uint8_t sa[8], sb[8], buf[128];
    assert_int_equal(cjs_encrypt_passphrase(pass, strlen(pass), NULL, (const uint8_t *)msg, strlen(msg),
                                            a, sizeof a, sa, err, sizeof err), 64);
    assert_int_equal(cjs_encrypt_passphrase(pass, strlen(pass), NULL, (const uint8_t *)msg, strlen(msg),
                                            b, sizeof b, sb, err, sizeof err), 64);
    assert_memory_not_equal(sa, sb, 8);
    assert_string_not_equal(a, b);
    assert_memory_equal(a, "U2FsdGVkX1", 10); /* base64 of "Salted_" */
    cjs_result r;
    assert_int_equal(cjs_decrypt_passphrase(pass, strlen(pass), a, strlen(a), buf, sizeof buf, &r, err, sizeof err), 0);
    assert_memory_equal(r.salt, sa, 8);
    assert_int_equal(r.pt_len, strlen(msg));
    assert_memory_equal(r.raw, msg, strlen(msg));
}

/* -------------------------------------------------------- decrypt.tsv */

static void check_cjs_view(const fx_table *t, size_t i, const cjs_result *r)
{
    const char *name = fx_get(t, i, "name");
    long sig = strtol(fx_get(t, i, "sigbytes"), NULL, 10);
    if (r->sig_bytes != sig)
        fail_msg("%s: sigBytes %ld, crypto-js %ld", name, r->sig_bytes, sig);
    assert_hex_eq(r->raw, sig > 0 ? (size_t)sig : 0, fx_get(t, i, "hex"), "toString(Hex)", name);

    const char *u8 = fx_get(t, i, "utf8");
    if (!strncmp(u8, "throw:", 6)) {
        assert_string_equal(u8, "throw:Malformed UTF-8 data");
        if (!r->cjs_utf8_throws)
            fail_msg("%s: crypto-js throws in toString(Utf8), model does not", name);
    } else {
        assert_memory_equal(u8, "ok:", 3);
        if (r->cjs_utf8_throws)
            fail_msg("%s: model throws in toString(Utf8), crypto-js does not", name);
        /* the returned string's UTF-8 is the bytes themselves */
        assert_hex_eq(r->raw, sig > 0 ? (size_t)sig : 0, *(u8 + 3) ? u8 + 3 : "-", "toString(Utf8)", name);
    }
    const char *b = fx_get(t, i, "b64");
    if (!strncmp(b, "throw:", 6)) {
        assert_true(r->cjs_b64_throws);
    } else {
        assert_false(r->cjs_b64_throws);
        char enc[BIG];
        assert_true(cjs_b64_encode(r->raw, sig > 0 ? (size_t)sig : 0, enc, sizeof enc) >= 0);
        assert_string_equal(enc, b + 3);
    }
    assert_int_equal(r->ct_len, (size_t)strtol(fx_get(t, i, "raw_sigbytes"), NULL, 10));
    assert_hex_eq(r->raw, r->raw_len, fx_get(t, i, "raw_hex"), "NoPadding words", name);
}

/* The fixture's strict column is OpenSSL on node's Buffer decoding of the
 * whole input, so the strict side is recomputed the same way. */
static void check_strict(const fx_table *t, size_t i, const cjs_result *r)
{
    const char *name = fx_get(t, i, "name");
    const char *o = fx_get(t, i, "openssl");
    if (!strcmp(o, "bad_length")) {
        assert_int_equal(r->pad, CJS_PAD_BAD_LENGTH);
    } else if (!strcmp(o, "bad_decrypt")) {
        if (r->pad == CJS_PAD_OK || r->pad == CJS_PAD_BAD_LENGTH)
            fail_msg("%s: OpenSSL rejects the padding, model says %s", name, cjs_pad_err_text(r->pad));
    } else {
        assert_memory_equal(o, "ok:", 3);
        if (r->pad != CJS_PAD_OK)
            fail_msg("%s: OpenSSL accepts the padding, model says %s", name, cjs_pad_err_text(r->pad));
        assert_hex_eq(r->raw, r->pt_len, o[3] ? o + 3 : "-", "strict plaintext", name);
    }
}

static void decrypt_behaviour(void **state)
{
    (void)state;
    fx_table t;
    fx_load("cryptojs/decrypt.tsv", &t);
    assert_true(t.nrows >= 40);
    size_t keyiv = 0, pass = 0;
    for (size_t i = 0; i < t.nrows; i++) {
        const char *mode = fx_get(&t, i, "mode"), *in = txt(fx_get(&t, i, "input"));
        const char *secret = txt(fx_get(&t, i, "secret"));
        uint8_t buf[BIG], nb[BIG], sbuf[BIG];
        char err[160];
        cjs_result r, s;
        long nl = cjs_b64_decode_node(in, strlen(in), nb, sizeof nb);
        assert_true(nl >= 0);
        if (!strcmp(mode, "keyiv")) {
            uint8_t key[32], iv[16];
            size_t kl = fx_hex(secret, key, sizeof key);
            assert_int_equal(fx_hex(fx_get(&t, i, "iv"), iv, sizeof iv), 16);
            if (cjs_decrypt_keyiv(key, kl, iv, in, strlen(in), buf, sizeof buf, &r, err, sizeof err))
                fail_msg("%s: %s", fx_get(&t, i, "name"), err);
            assert_int_equal(cjs_decrypt_keyiv_bytes(key, kl, iv, nb, (size_t)nl, sbuf, sizeof sbuf, &s,
                                                     err, sizeof err), 0);
            keyiv++;
        } else {
            assert_string_equal(mode, "passphrase");
            if (cjs_decrypt_passphrase(secret, strlen(secret), in, strlen(in), buf, sizeof buf, &r, err, sizeof err))
                fail_msg("%s: %s", fx_get(&t, i, "name"), err);
            uint8_t key[32], iv[16];
            assert_true(nl >= 16);
            assert_int_equal(cjs_kdf_openssl(secret, strlen(secret), nb + 8, key, iv), 0);
            assert_int_equal(cjs_decrypt_keyiv_bytes(key, 32, iv, nb + 16, (size_t)nl - 16, sbuf, sizeof sbuf, &s,
                                                     err, sizeof err), 0);
            pass++;
        }
        check_cjs_view(&t, i, &r);
        check_strict(&t, i, &s);
    }
    assert_true(keyiv >= 25);
    assert_true(pass >= 10);
    fx_free(&t);
}

/* --------------------------------------------------------- base64.tsv */

static void base64_decoders(void **state)
{
    (void)state;
    fx_table t;
    fx_load("cryptojs/base64.tsv", &t);
    assert_true(t.nrows >= 25);
    for (size_t i = 0; i < t.nrows; i++) {
        const char *name = fx_get(&t, i, "name");
        uint8_t inb[BIG], out[BIG];
        size_t n = fx_hex(fx_get(&t, i, "input_hex"), inb, sizeof inb - 1);
        const char *s = (const char *)inb;

        long l = cjs_b64_decode_cryptojs(s, n, out, sizeof out);
        assert_int_equal(l, (long)fx_num(fx_get(&t, i, "cryptojs_sigbytes")));
        assert_hex_eq(out, (size_t)l, fx_get(&t, i, "cryptojs_hex"), "CryptoJS.enc.Base64.parse", name);

        l = cjs_b64_decode_node(s, n, out, sizeof out);
        assert_true(l >= 0);
        assert_hex_eq(out, (size_t)l, fx_get(&t, i, "node_hex"), "Buffer.from(base64)", name);

        cjs_b64_verdict v;
        l = cjs_b64_decode_strict(s, n, out, sizeof out, &v);
        if (!strcmp(fx_get(&t, i, "canonical"), "yes")) {
            if (l < 0)
                fail_msg("%s: canonical, strict decoder says %s at %zu", name, cjs_b64_err_text(v.err), v.pos);
            assert_hex_eq(out, (size_t)l, fx_get(&t, i, "node_hex"), "strict decode", name);
        } else {
            if (l >= 0)
                fail_msg("%s: not canonical, strict decoder accepts it", name);
            assert_int_not_equal(v.err, CJS_B64_OK);
        }
    }
    fx_free(&t);
}

/* ------------------------------------------------------- captured.tsv */

static const char *cap_get(const fx_table *t, const char *cap, const char *field)
{
    for (size_t i = 0; i < t->nrows; i++)
        if (!strcmp(t->rows[i][0], cap) && !strcmp(t->rows[i][1], field))
            return t->rows[i][2];
    fail_msg("captured.tsv has no %s/%s", cap, field);
    return NULL;
}

static void captured_exchanges(void **state)
{
    (void)state;
    fx_table t;
    fx_load("cryptojs/captured.tsv", &t);
    uint8_t buf[BIG], out[BIG];
    char err[160];
    cjs_result r;
    cjs_b64_verdict v;

    /* (a) passphrase mode */
    const char *a = cap_get(&t, "a", "input"), *pass = cap_get(&t, "a", "passphrase");
    assert_int_equal(cjs_decrypt_passphrase(pass, strlen(pass), a, strlen(a), buf, sizeof buf, &r, err, sizeof err), 0);
    assert_true(r.salted);
    assert_hex_eq(r.salt, 8, cap_get(&t, "a", "salt"), "salt", "a");
    assert_int_equal(r.sig_bytes, (long)fx_num(cap_get(&t, "a", "cryptojs_sigbytes")));
    assert_hex_eq(r.raw, r.raw_len, cap_get(&t, "a", "decrypted_nopad_hex"), "raw", "a");
    assert_int_equal(r.pad, CJS_PAD_OK);
    long l = cjs_b64_decode_strict((const char *)r.raw, r.pt_len, out, sizeof out, &v);
    assert_int_equal(v.err, CJS_B64_OK);
    assert_hex_eq(out, (size_t)l, cap_get(&t, "a", "plaintext_b64_node_buffer_hex"), "message", "a");
    assert_string_equal(cap_get(&t, "a", "claim_holds"), "yes");

    /* (b) key/IV mode */
    uint8_t key[16], iv[16];
    assert_int_equal(fx_hex(cap_get(&t, "b", "key"), key, sizeof key), 16);
    const char *ivb64 = cap_get(&t, "b", "iv_b64"), *ct = cap_get(&t, "b", "ciphertext_b64");
    assert_int_equal(cjs_b64_decode_strict(ivb64, strlen(ivb64), iv, sizeof iv, &v), 16);
    assert_hex_eq(iv, 16, cap_get(&t, "b", "iv_hex"), "iv", "b");
    assert_int_equal(cjs_decrypt_keyiv(key, 16, iv, ct, strlen(ct), buf, sizeof buf, &r, err, sizeof err), 0);
    assert_true(r.b64_canonical);
    assert_int_equal(r.ct_len, 80);
    assert_hex_eq(r.raw, r.raw_len, cap_get(&t, "b", "decrypted_nopad_hex"), "raw", "b");
    assert_int_equal(r.sig_bytes, (long)fx_num(cap_get(&t, "b", "cryptojs_sigbytes")));
    assert_int_equal(r.pad, CJS_PAD_OK); /* the padding is valid ... */
    assert_int_equal(r.pt_len, 75);
    l = cjs_b64_decode_strict((const char *)r.raw, r.pt_len, out, sizeof out, &v);
    assert_int_equal(l, -1); /* ... but the base64 inside is not canonical */
    assert_int_equal(v.err, CJS_B64_BAD_LENGTH);
    assert_string_equal(cap_get(&t, "b", "plaintext_b64_canonical"), "no");
    l = cjs_b64_decode_cryptojs((const char *)r.raw, r.pt_len, out, sizeof out);
    assert_hex_eq(out, (size_t)l, cap_get(&t, "b", "plaintext_b64_cryptojs_parse_hex"), "CryptoJS parse", "b");
    l = cjs_b64_decode_node((const char *)r.raw, r.pt_len, out, sizeof out);
    assert_hex_eq(out, (size_t)l, cap_get(&t, "b", "plaintext_b64_node_buffer_hex"), "Buffer", "b");
    /* re-encrypting the claimed message's full base64 with the same IV does
     * not give the captured ciphertext */
    const char *full = cap_get(&t, "b", "claimed_message_b64");
    uint8_t c2[BIG];
    long cl = cjs_encrypt_keyiv(key, 16, iv, (const uint8_t *)full, strlen(full), c2, sizeof c2, err, sizeof err);
    char c2b[BIG];
    cjs_b64_encode(c2, (size_t)cl, c2b, sizeof c2b);
    assert_string_equal(c2b, cap_get(&t, "b", "correct_ciphertext_for_this_iv"));
    assert_string_not_equal(c2b, ct);
    fx_free(&t);
}

/* ---------------------------------------------------- NIST SP 800-38A */

static void nist_cbc(void **state)
{
    (void)state;
    fx_table t;
    fx_load("vectors/nist-sp800-38a-cbc.tsv", &t);
    size_t done = 0;
    for (size_t i = 0; i < t.nrows; i++) {
        uint8_t key[16], iv[16], pt[64], ct[64], out[128], buf[128];
        fx_hex(fx_get(&t, i, "key"), key, 16);
        fx_hex(fx_get(&t, i, "iv"), iv, 16);
        size_t pl = fx_hex(fx_get(&t, i, "plaintext"), pt, sizeof pt);
        size_t cl = fx_hex(fx_get(&t, i, "ciphertext"), ct, sizeof ct);
        assert_int_equal(pl, cl);
        char err[128];
        /* PKCS#7 appends one block; the data blocks are the NIST ones */
        assert_int_equal(cjs_encrypt_keyiv(key, 16, iv, pt, pl, out, sizeof out, err, sizeof err), (long)pl + 16);
        assert_memory_equal(out, ct, cl);
        cjs_result r;
        assert_int_equal(cjs_decrypt_keyiv_bytes(key, 16, iv, ct, cl, buf, sizeof buf, &r, err, sizeof err), 0);
        assert_int_equal(r.raw_len, pl);
        assert_memory_equal(r.raw, pt, pl);
        done++;
    }
    assert_int_equal(done, 10);
    fx_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(keyiv_encrypt_and_decrypt),
        cmocka_unit_test(protocol_double_base64),
        cmocka_unit_test(passphrase_fixed_salt),
        cmocka_unit_test(passphrase_random_salt),
        cmocka_unit_test(decrypt_behaviour),
        cmocka_unit_test(base64_decoders),
        cmocka_unit_test(captured_exchanges),
        cmocka_unit_test(nist_cbc),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
