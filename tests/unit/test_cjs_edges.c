/* test_cjs_edges.c — check/cryptojs error paths and the strict verdicts on
 * hand-made inputs. Expected values follow from the definitions: RFC 4648
 * sections 3.3/3.5 and 4 (canonical base64, pad bits), Unicode 15 Table 3-7
 * (well-formed UTF-8), RFC 5652 6.3 (PKCS#7 padding). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "check/cryptojs.h"

static cjs_b64_verdict strict(const char *s)
{
    uint8_t out[64];
    cjs_b64_verdict v;
    long l = cjs_b64_decode_strict(s, strlen(s), out, sizeof out, &v);
    assert_true((l >= 0) == (v.err == CJS_B64_OK));
    return v;
}

static void b64_verdicts(void **state)
{
    (void)state;
    assert_int_equal(strict("").err, CJS_B64_OK);
    assert_int_equal(strict("Zm9vYg==").err, CJS_B64_OK);
    cjs_b64_verdict v = strict("Zm9vYg=");
    assert_int_equal(v.err, CJS_B64_BAD_LENGTH);
    assert_int_equal(v.pos, 7);
    v = strict("Zm9v*mFy");
    assert_int_equal(v.err, CJS_B64_BAD_CHAR);
    assert_int_equal(v.pos, 4);
    v = strict("Zm9v YmFy");
    assert_int_equal(v.err, CJS_B64_BAD_CHAR);
    assert_int_equal(v.pos, 4);
    v = strict("-_-_");
    assert_int_equal(v.err, CJS_B64_BAD_CHAR);
    assert_int_equal(v.pos, 0);
    v = strict("Zg==Zm8=");
    assert_int_equal(v.err, CJS_B64_BAD_PAD);
    assert_int_equal(v.pos, 2);
    v = strict("Zg===");
    assert_int_equal(v.err, CJS_B64_BAD_PAD);
    v = strict("=Zm9");
    assert_int_equal(v.err, CJS_B64_BAD_PAD);
    assert_int_equal(v.pos, 0);
    v = strict("Zh=="); /* 'h' = 33 = 100001b: low 4 bits not 0 */
    assert_int_equal(v.err, CJS_B64_NONZERO_BITS);
    assert_int_equal(v.pos, 1);
    v = strict("Zm9="); /* '9' = 61 = 111101b: low 2 bits not 0 */
    assert_int_equal(v.err, CJS_B64_NONZERO_BITS);
    assert_int_equal(v.pos, 2);
    assert_int_equal(strict("Zm8=").err, CJS_B64_OK); /* '8' = 60 = 111100b */
    for (int e = CJS_B64_OK; e <= CJS_B64_NONZERO_BITS; e++)
        assert_true(strlen(cjs_b64_err_text((cjs_b64_err)e)) > 3);
}

static void b64_caps(void **state)
{
    (void)state;
    uint8_t out[8];
    char txt[8];
    /* "foobar" needs 8 characters and a NUL */
    assert_int_equal(cjs_b64_encode((const uint8_t *)"foobar", 6, txt, 8), -1);
    char t9[9];
    assert_int_equal(cjs_b64_encode((const uint8_t *)"foobar", 6, t9, 9), 8);
    assert_string_equal(t9, "Zm9vYmFy");
    assert_int_equal(cjs_b64_encode(NULL, 0, txt, 1), 0);
    assert_string_equal(txt, "");
    cjs_b64_verdict v;
    assert_int_equal(cjs_b64_decode_strict("Zm9vYmFy", 8, out, 5, &v), -1);
    assert_int_equal(v.err, CJS_B64_OK); /* canonical, but no room */
    assert_int_equal(cjs_b64_decode_strict("Zm9vYmE=", 8, out, 5, NULL), 5);
    assert_memory_equal(out, "fooba", 5);
    assert_int_equal(cjs_b64_decode_cryptojs("Zm9vYmFy", 8, out, 5), -1);
    assert_int_equal(cjs_b64_decode_node("Zm9vYmFy", 8, out, 5), -1);
}

/* crypto-js counts JavaScript UTF-16 units: "é" (1 unit) and "😀" (2 units)
 * shift the 4-character groups differently. Bytes per the enc-base64.js
 * loop: one byte per unit not at a position 0 mod 4, invalid units = 0. */
static void b64_cryptojs_units(void **state)
{
    (void)state;
    uint8_t out[16];
    /* "é" at unit 0, then "Zm9v" at units 1..4: bytes from units 1,2,3 */
    long l = cjs_b64_decode_cryptojs("\xc3\xa9Zm9v", 6, out, sizeof out);
    assert_int_equal(l, 3);
    /* unit1 'Z'(25): (0<<2)|(25>>4)=1; unit2 'm'(38): (25<<4|38>>2)&255=0x99; unit3 '9'(61): (38<<6|61)&255=0xbd */
    assert_int_equal(out[0], 0x01);
    assert_int_equal(out[1], 0x99);
    assert_int_equal(out[2], 0xbd);
    /* "😀" = 2 units at 0,1 (1 byte, value 0), then "Zm" at units 2,3 */
    l = cjs_b64_decode_cryptojs("\xf0\x9f\x98\x80Zm", 6, out, sizeof out);
    assert_int_equal(l, 3);
    assert_int_equal(out[0], 0x00);
    assert_int_equal(out[1], (25 >> 2) & 0xff);
    assert_int_equal(out[2], ((25 << 6) | 38) & 0xff);
}

static void utf8(void **state)
{
    (void)state;
    size_t at = 99;
    assert_true(cjs_utf8_valid((const uint8_t *)"", 0, &at));
    assert_true(cjs_utf8_valid((const uint8_t *)"A\0B", 3, &at));
    assert_true(cjs_utf8_valid((const uint8_t *)"Gr\xc3\xbc\xc3\x9f" "e \xe2\x82\xac \xf0\x9f\x8c\xa1", 16, &at));
    assert_true(cjs_utf8_valid((const uint8_t *)"\xf4\x8f\xbf\xbf", 4, &at));    /* U+10FFFF */
    assert_true(cjs_utf8_valid((const uint8_t *)"\xed\x9f\xbf", 3, &at));        /* U+D7FF */
    assert_true(cjs_utf8_valid((const uint8_t *)"\xee\x80\x80", 3, &at));        /* U+E000 */
    const struct { const char *s; size_t n, at; } bad[] = {
        {"A\xff", 2, 1},          /* never in UTF-8 */
        {"\x80", 1, 0},           /* lone continuation */
        {"\xc0\xaf", 2, 0},       /* overlong '/' */
        {"\xc1\xbf", 2, 0},       /* overlong */
        {"\xe0\x80\xaf", 3, 0},   /* overlong 3-byte */
        {"\xf0\x80\x80\xaf", 4, 0}, /* overlong 4-byte */
        {"\xed\xa0\x80", 3, 0},   /* U+D800 surrogate */
        {"\xf4\x90\x80\x80", 4, 0}, /* U+110000 */
        {"\xf5\x80\x80\x80", 4, 0},
        {"AB\xe2\x82", 4, 2},     /* cut at the end */
        {"\xe2\x28\xa1", 3, 0},   /* bad continuation */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        at = 99;
        assert_false(cjs_utf8_valid((const uint8_t *)bad[i].s, bad[i].n, &at));
        assert_int_equal(at, bad[i].at);
    }
}

static const uint8_t K[16] = {0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6,
                              0xab, 0xf7, 0x15, 0x88, 0x09, 0xcf, 0x4f, 0x3c};
static const uint8_t IV[16] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};

static void errors(void **state)
{
    (void)state;
    uint8_t out[64], buf[64];
    char err[160] = "";
    cjs_result r;
    /* a 15-byte key: crypto-js would run a broken AES; we refuse */
    assert_int_equal(cjs_encrypt_keyiv(K, 15, IV, (const uint8_t *)"x", 1, out, sizeof out, err, sizeof err), -1);
    assert_non_null(strstr(err, "15 bytes"));
    assert_int_equal(cjs_decrypt_keyiv(K, 15, IV, "AAAAAAAAAAAAAAAAAAAAAA==", 24, buf, sizeof buf, &r, err, sizeof err), -1);
    assert_int_equal(cjs_decrypt_keyiv(K, 15, IV, "", 0, buf, sizeof buf, &r, err, sizeof err), -1);
    /* output too small: 16 bytes of text need 32 */
    assert_int_equal(cjs_encrypt_keyiv(K, 16, IV, out, 16, out + 32, 31, err, sizeof err), -1);
    assert_non_null(strstr(err, "32 needed"));
    assert_int_equal(cjs_decrypt_keyiv_bytes(K, 16, IV, out, 32, buf, 16, &r, err, sizeof err), -1);
    char small[10];
    assert_int_equal(cjs_encrypt_passphrase("p", 1, NULL, (const uint8_t *)"x", 1, small, sizeof small, NULL,
                                            err, sizeof err), -1);
    /* passphrase mode needs the header */
    assert_int_equal(cjs_decrypt_passphrase("p", 1, "AAAAAAAAAAAAAAAAAAAAAA==", 24, buf, sizeof buf, &r, err, sizeof err), -1);
    assert_non_null(strstr(err, "random salt"));
    /* "Salted__" + 4 bytes: header cut short */
    assert_int_equal(cjs_decrypt_passphrase("p", 1, "U2FsdGVkX18AAQID", 16, buf, sizeof buf, &r, err, sizeof err), -1);
    assert_non_null(strstr(err, "cut short"));
    /* the secret never appears in messages */
    assert_null(strstr(err, "p\""));
}

/* PKCS#7 verdicts on hand-made last blocks, encrypted with the NIST key:
 * the strict verdict and crypto-js's sigBytes (n - last byte). */
static void padding_verdicts(void **state)
{
    (void)state;
    const struct { uint8_t tail[3]; cjs_pad_err pad; long sig; } cases[] = {
        {{0x01, 0x01, 0x01}, CJS_PAD_OK, 15},
        {{0x03, 0x03, 0x03}, CJS_PAD_OK, 13},
        {{0x02, 0x02, 0x03}, CJS_PAD_MISMATCH, 13},
        {{0x41, 0x42, 0x00}, CJS_PAD_ZERO, 16},
        {{0x41, 0x42, 0x11}, CJS_PAD_TOO_LONG, -1},
        {{0x41, 0x42, 0xff}, CJS_PAD_TOO_LONG, -239},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint8_t pt[16], ct[32], buf[48];
        memset(pt, 0x41, sizeof pt);
        memcpy(pt + 13, cases[i].tail, 3);
        char err[128];
        /* encrypt 16 bytes with padding, keep the first block = no-pad CBC */
        assert_int_equal(cjs_encrypt_keyiv(K, 16, IV, pt, 16, ct, sizeof ct, err, sizeof err), 32);
        cjs_result r;
        assert_int_equal(cjs_decrypt_keyiv_bytes(K, 16, IV, ct, 16, buf, sizeof buf, &r, err, sizeof err), 0);
        assert_int_equal(r.pad, cases[i].pad);
        assert_int_equal(r.sig_bytes, cases[i].sig);
        assert_int_equal(r.cjs_b64_throws, cases[i].sig <= -4);
        assert_int_equal(r.pt_len, cases[i].pad == CJS_PAD_OK ? (size_t)cases[i].sig : 0);
    }
    for (int e = CJS_PAD_OK; e <= CJS_PAD_MISMATCH; e++)
        assert_true(strlen(cjs_pad_err_text((cjs_pad_err)e)) > 3);
}

/* A valid padding whose plaintext is not UTF-8: strict utf8_ok false with
 * the offset, crypto-js's Utf8 throws. */
static void strict_utf8_in_result(void **state)
{
    (void)state;
    const uint8_t pt[] = {'o', 'k', 0xc3, 0x28};
    uint8_t ct[32], buf[48];
    char err[128];
    assert_int_equal(cjs_encrypt_keyiv(K, 16, IV, pt, sizeof pt, ct, sizeof ct, err, sizeof err), 16);
    cjs_result r;
    assert_int_equal(cjs_decrypt_keyiv_bytes(K, 16, IV, ct, 16, buf, sizeof buf, &r, err, sizeof err), 0);
    assert_int_equal(r.pad, CJS_PAD_OK);
    assert_false(r.utf8_ok);
    assert_int_equal(r.utf8_bad_at, 2);
    assert_true(r.cjs_utf8_throws);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(b64_verdicts),
        cmocka_unit_test(b64_caps),
        cmocka_unit_test(b64_cryptojs_units),
        cmocka_unit_test(utf8),
        cmocka_unit_test(errors),
        cmocka_unit_test(padding_verdicts),
        cmocka_unit_test(strict_utf8_in_result),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
