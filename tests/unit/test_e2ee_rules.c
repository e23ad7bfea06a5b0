/* test_e2ee_rules.c — each rule of check/e2ee.h on its own. Correct frames
 * come from fixtures/cryptojs/protocol.tsv (crypto-js 4.2.0); the broken
 * ones are built here from a JSON text with check/cryptojs, whose output is
 * pinned to crypto-js by test_cjs_fixtures — what these tests assert is the
 * verdict, which follows from the protocol of issue 4. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/cryptojs.h"
#include "check/e2ee.h"
#include "lw_fixture.h"

static const uint8_t KEY[16] = {0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6,
                                0xab, 0xf7, 0x15, 0x88, 0x09, 0xcf, 0x4f, 0x3c};

typedef struct built {
    char iv[64], msg[512], ct[1024];
    e2ee_frame f;
} built;

/* A frame carrying `plain` (the text to encrypt) under an IV made from
 * `ivseed`; msg (may be NULL) is what the node claims to have encrypted. */
static e2ee_frame *build(built *b, const char *plain, size_t plen, int ivseed, const char *msg, int dev)
{
    uint8_t iv[16], ct[600];
    for (int i = 0; i < 16; i++)
        iv[i] = (uint8_t)(ivseed * 31 + i * 7 + 1);
    iv[0] = (uint8_t)ivseed;
    iv[1] = (uint8_t)(ivseed >> 8);
    char err[128];
    long cl = cjs_encrypt_keyiv(KEY, 16, iv, (const uint8_t *)plain, plen, ct, sizeof ct, err, sizeof err);
    assert_true(cl > 0);
    cjs_b64_encode(iv, 16, b->iv, sizeof b->iv);
    cjs_b64_encode(ct, (size_t)cl, b->ct, sizeof b->ct);
    if (msg)
        snprintf(b->msg, sizeof b->msg, "%s", msg);
    b->f = (e2ee_frame){.iv_b64 = b->iv, .iv_len = strlen(b->iv), .msg_b64 = msg ? b->msg : NULL,
                        .msg_len = msg ? strlen(b->msg) : 0, .ct_b64 = b->ct, .ct_len = strlen(b->ct), .device = dev};
    return &b->f;
}

/* A frame for a JSON text: canonical base64 of it, then encrypted. */
static e2ee_frame *build_json(built *b, const char *json, int ivseed, int dev)
{
    char b64[512];
    cjs_b64_encode((const uint8_t *)json, strlen(json), b64, sizeof b64);
    return build(b, b64, strlen(b64), ivseed, b64, dev);
}

static e2ee_checker *new_checker(void)
{
    char err[128];
    e2ee_checker *c = e2ee_new(KEY, 16, err, sizeof err);
    assert_non_null(c);
    return c;
}

static void rule_fails(const e2ee_verdict *v, e2ee_rule r, const char *needle)
{
    if (!v->rule[r].checked || v->rule[r].ok)
        fail_msg("rule %s should fail: %s", e2ee_rule_name(r), v->rule[r].detail);
    if (needle && !strstr(v->rule[r].detail, needle))
        fail_msg("rule %s detail lacks \"%s\": %s", e2ee_rule_name(r), needle, v->rule[r].detail);
    assert_false(v->ok);
}

static void protocol_rows_pass(void **state)
{
    (void)state;
    fx_table t;
    fx_load("cryptojs/protocol.tsv", &t);
    for (size_t i = 0; i < t.nrows; i++) {
        e2ee_checker *c = new_checker();
        const char *iv = fx_get(&t, i, "iv_b64"), *m = fx_get(&t, i, "msg_b64"), *ct = fx_get(&t, i, "ct_b64");
        e2ee_frame f = {iv, strlen(iv), m, strlen(m), ct, strlen(ct), 0};
        e2ee_verdict v;
        char line[4096];
        if (!e2ee_check(c, &f, &v))
            fail_msg("%s: %s", fx_get(&t, i, "name"), e2ee_verdict_line(&v, line, sizeof line));
        for (int r = 0; r < E2EE__NRULES; r++)
            assert_true(v.rule[r].checked && v.rule[r].ok);
        assert_true(v.has_seqn);
        e2ee_free(c);
    }
    fx_free(&t);
}

static void key_rule(void **state)
{
    (void)state;
    char err[128];
    uint8_t k32[32] = {1};
    assert_null(e2ee_new(KEY, 15, err, sizeof err));
    assert_non_null(strstr(err, "15 bytes"));
    e2ee_checker *c = e2ee_new(k32, 32, err, sizeof err);
    assert_non_null(c);
    built b;
    e2ee_verdict v;
    e2ee_check(c, build_json(&b, "{\"SEQN\":1}", 1, 0), &v);
    rule_fails(&v, E2EE_KEY, "32 bytes (AES-256)");
    e2ee_free(c);
    char m[16];
    e2ee_mask_key(KEY, 16, m, sizeof m);
    assert_string_equal(m, "2B7E\xe2\x80\xa6" "4F3C");
    e2ee_mask_key(KEY, 16, m, 5);
    assert_string_equal(m, "");
}

static void iv_rules(void **state)
{
    (void)state;
    e2ee_checker *c = new_checker();
    built b;
    e2ee_verdict v;
    /* no IV line */
    e2ee_frame *f = build_json(&b, "{\"SEQN\":1}", 1, 0);
    f->iv_b64 = NULL;
    e2ee_check(c, f, &v);
    rule_fails(&v, E2EE_IV, "no IV line");
    assert_false(v.rule[E2EE_PADDING].checked);
    /* IV not canonical: the '=' padding missing; still 16 bytes for crypto-js */
    f = build_json(&b, "{\"SEQN\":2}", 2, 0);
    b.iv[22] = 0;
    f->iv_len = 22;
    e2ee_check(c, f, &v);
    rule_fails(&v, E2EE_IV, "22 characters, not a multiple of 4");
    assert_true(v.rule[E2EE_PADDING].ok); /* decrypted with the 16 bytes crypto-js reads */
    /* an 8-byte IV */
    f = build_json(&b, "{\"SEQN\":3}", 3, 0);
    strcpy(b.iv, "AAECAwQFBgc=");
    f->iv_len = strlen(b.iv);
    e2ee_check(c, f, &v);
    rule_fails(&v, E2EE_IV, "the IV is 8 bytes");
    /* predictable: the IV is the previous frame's last ciphertext block */
    f = build_json(&b, "{\"SEQN\":4}", 4, 0);
    e2ee_check(c, f, &v);
    assert_true(v.ok);
    uint8_t ct[256], iv[16];
    long cl = cjs_b64_decode_strict(b.ct, strlen(b.ct), ct, sizeof ct, NULL);
    memcpy(iv, ct + cl - 16, 16);
    char b64[600], ivb[32], err[64];
    const char *j = "eyJTRVFOIjo1fQ=="; /* {"SEQN":5} */
    uint8_t c2[64];
    long l2 = cjs_encrypt_keyiv(KEY, 16, iv, (const uint8_t *)j, strlen(j), c2, sizeof c2, err, sizeof err);
    cjs_b64_encode(c2, (size_t)l2, b64, sizeof b64);
    cjs_b64_encode(iv, 16, ivb, sizeof ivb);
    e2ee_frame g = {ivb, strlen(ivb), NULL, 0, b64, strlen(b64), 0};
    e2ee_check(c, &g, &v);
    rule_fails(&v, E2EE_IV, "previous frame's last ciphertext block");
    assert_true(v.rule[E2EE_SEQN].ok);
    e2ee_free(c);
}

static void ciphertext_rules(void **state)
{
    (void)state;
    e2ee_checker *c = new_checker();
    built b;
    e2ee_verdict v;
    e2ee_frame *f = build_json(&b, "{\"SEQN\":1}", 1, 0);
    f->ct_len = 0;
    e2ee_check(c, f, &v);
    rule_fails(&v, E2EE_CIPHERTEXT, "empty");
    /* a space inside: crypto-js reads it as a 0 value, strict rejects */
    f = build_json(&b, "{\"SEQN\":2}", 2, 0);
    b.ct[5] = ' ';
    e2ee_check(c, f, &v);
    rule_fails(&v, E2EE_CIPHERTEXT, "character outside the base64 alphabet at character 5");
    /* cut mid-block: 24 bytes */
    f = build_json(&b, "{\"SEQN\":3}", 3, 0);
    uint8_t ct[64];
    cjs_b64_decode_strict(b.ct, strlen(b.ct), ct, sizeof ct, NULL);
    cjs_b64_encode(ct, 24, b.ct, sizeof b.ct);
    f->ct_len = strlen(b.ct);
    e2ee_check(c, f, &v);
    rule_fails(&v, E2EE_CIPHERTEXT, "24 bytes, not a multiple of 16: cut after byte 16");
    rule_fails(&v, E2EE_PADDING, "PKCS#7 invalid");
    e2ee_free(c);
}

static void padding_rule(void **state)
{
    (void)state;
    e2ee_checker *c = new_checker();
    built b;
    e2ee_verdict v;
    /* encrypt 16 bytes and drop the padding block: last byte 'Q' = 0x51 */
    e2ee_frame *f = build(&b, "eyJTRVFOIjoxfQ==", 16, 1, "eyJTRVFOIjoxfQ==", 0);
    uint8_t ct[64];
    cjs_b64_decode_strict(b.ct, strlen(b.ct), ct, sizeof ct, NULL);
    cjs_b64_encode(ct, 16, b.ct, sizeof b.ct);
    f->ct_len = strlen(b.ct);
    e2ee_check(c, f, &v);
    rule_fails(&v, E2EE_PADDING, "the last byte is 0x3d, above 0x10");
    rule_fails(&v, E2EE_PADDING, "sigBytes -45");
    assert_false(v.rule[E2EE_BASE64].checked);
    assert_false(v.rule[E2EE_SEQN].checked);
    rule_fails(&v, E2EE_MATCH, NULL);
    e2ee_free(c);
}

static void base64_and_json_rules(void **state)
{
    (void)state;
    e2ee_checker *c = new_checker();
    built b;
    e2ee_verdict v;
    /* {"SEQN":120} is 12 bytes: base64 without '='; dropping a character
     * loses data for every decoder: JSON fails even leniently */
    e2ee_check(c, build(&b, "eyJTRVFOIjoxMjB", 15, 1, "eyJTRVFOIjoxMjB9", 0), &v);
    rule_fails(&v, E2EE_BASE64, "'=' padding missing or text cut");
    rule_fails(&v, E2EE_JSON, "(as a lenient decoder reads it) is not JSON");
    rule_fails(&v, E2EE_MATCH, "the last one, '9', was dropped");
    /* a lone character */
    e2ee_check(c, build(&b, "eyJTRVFOIjoxMjB9e", 17, 2, NULL, 0), &v);
    rule_fails(&v, E2EE_BASE64, "cut short (a lone last character)");
    /* not JSON at all */
    e2ee_check(c, build_json(&b, "SEQN=5", 3, 0), &v);
    rule_fails(&v, E2EE_JSON, "is not JSON");
    /* JSON, not an object */
    e2ee_check(c, build_json(&b, "[5]", 4, 0), &v);
    rule_fails(&v, E2EE_JSON, "not an object");
    /* duplicate keys are rejected */
    e2ee_check(c, build_json(&b, "{\"SEQN\":5,\"SEQN\":6}", 5, 0), &v);
    rule_fails(&v, E2EE_JSON, "duplicate");
    /* Latin-1 inside: not UTF-8 */
    e2ee_check(c, build_json(&b, "{\"SEQN\":5,\"t\":\"\xb0" "C\"}", 6, 0), &v);
    rule_fails(&v, E2EE_JSON, "not UTF-8 (byte 15)");
    /* plaintext base64 with a bad character */
    e2ee_check(c, build(&b, "eyJTRVFOIjo3fQ*=", 16, 7, NULL, 0), &v);
    rule_fails(&v, E2EE_BASE64, "character outside the base64 alphabet at character 14");
    e2ee_free(c);
}

static void seqn_rules(void **state)
{
    (void)state;
    e2ee_checker *c = new_checker();
    built b;
    e2ee_verdict v;
    int iv = 1;
    e2ee_check(c, build_json(&b, "{\"data\":1}", iv++, 0), &v);
    rule_fails(&v, E2EE_SEQN, "no \"SEQN\" member");
    e2ee_check(c, build_json(&b, "{\"SEQN\":\"5\"}", iv++, 0), &v);
    rule_fails(&v, E2EE_SEQN, "a string, not an integer");
    e2ee_check(c, build_json(&b, "{\"SEQN\":5.0}", iv++, 0), &v);
    rule_fails(&v, E2EE_SEQN, "a real number");
    e2ee_check(c, build_json(&b, "{\"SEQN\":null}", iv++, 0), &v);
    rule_fails(&v, E2EE_SEQN, "null");
    e2ee_check(c, build_json(&b, "{\"SEQN\":-3}", iv++, 0), &v);
    rule_fails(&v, E2EE_SEQN, "negative");
    e2ee_check(c, build_json(&b, "{\"SEQN\":10}", iv++, 0), &v);
    assert_true(v.ok);
    assert_non_null(strstr(v.rule[E2EE_SEQN].detail, "first of the device"));
    e2ee_check(c, build_json(&b, "{\"SEQN\":12}", iv++, 0), &v); /* gaps are fine */
    assert_true(v.ok);
    e2ee_check(c, build_json(&b, "{\"SEQN\":10}", iv++, 0), &v);
    rule_fails(&v, E2EE_SEQN, "replay: SEQN 10 was already used by frame 5 (highest so far 12)");
    e2ee_check(c, build_json(&b, "{\"SEQN\":11}", iv++, 0), &v);
    rule_fails(&v, E2EE_SEQN, "went backwards: 11 after 12");
    e2ee_check(c, build_json(&b, "{\"SEQN\":12}", iv++, 0), &v);
    rule_fails(&v, E2EE_SEQN, "replay: SEQN 12 again, frame 6 had it");
    /* another device has its own counter */
    e2ee_check(c, build_json(&b, "{\"SEQN\":1}", iv++, 7), &v);
    assert_true(v.ok);
    /* a restart without announcement, then recovery above the old maximum */
    e2ee_note_reboot(c, 0);
    e2ee_check(c, build_json(&b, "{\"SEQN\":0}", iv++, 0), &v);
    rule_fails(&v, E2EE_SEQN, "unannounced reset");
    e2ee_check(c, build_json(&b, "{\"SEQN\":13}", iv++, 0), &v);
    assert_true(v.ok);
    /* an announced restart may start again low, then must grow */
    e2ee_note_reboot(c, 0);
    e2ee_check(c, build_json(&b, "{\"boot\":true,\"SEQN\":1}", iv++, 0), &v);
    assert_true(v.ok);
    assert_true(v.boot);
    e2ee_check(c, build_json(&b, "{\"SEQN\":2}", iv++, 0), &v);
    assert_true(v.ok);
    e2ee_check(c, build_json(&b, "{\"SEQN\":2}", iv++, 0), &v);
    rule_fails(&v, E2EE_SEQN, "replay");
    /* a huge SEQN is still an integer */
    e2ee_check(c, build_json(&b, "{\"SEQN\":9223372036854775807}", iv++, 0), &v);
    assert_true(v.ok);
    assert_int_equal(v.seqn, 9223372036854775807LL);
    e2ee_free(c);
}

static void match_rule(void **state)
{
    (void)state;
    e2ee_checker *c = new_checker();
    built b;
    e2ee_verdict v;
    /* the node prints one message and encrypts another */
    e2ee_check(c, build(&b, "eyJTRVFOIjo1fQ==", 16, 1, "eyJTRVFOIjo2fQ==", 0), &v);
    rule_fails(&v, E2EE_MATCH, "differs from the printed message at character 11");
    /* ... or a shorter one */
    e2ee_check(c, build(&b, "eyJTRVFOIjo2fQ=", 15, 2, "eyJTRVFOIjo2fQ===", 0), &v);
    rule_fails(&v, E2EE_MATCH, "encrypted only the first 15");
    char line[4096];
    e2ee_verdict_line(&v, line, sizeof line);
    assert_memory_equal(line, "base64: ", 8);
    assert_non_null(strstr(line, " | match: "));
    e2ee_verdict_line(&v, line, 10); /* truncation is safe */
    assert_int_equal(strlen(line), 9);
    e2ee_free(c);
}

/* 600 frames: the IV table grows and still finds a reuse */
static void many_ivs(void **state)
{
    (void)state;
    e2ee_checker *c = new_checker();
    built b;
    e2ee_verdict v;
    char js[64];
    for (int i = 0; i < 600; i++) {
        snprintf(js, sizeof js, "{\"SEQN\":%d}", i + 1);
        e2ee_check(c, build_json(&b, js, i + 1000, 0), &v);
        if (!v.ok)
            fail_msg("frame %d: %s", i, e2ee_verdict_line(&v, (char[4096]){0}, 4096));
    }
    e2ee_check(c, build_json(&b, "{\"SEQN\":601}", 1000 + 17, 0), &v);
    rule_fails(&v, E2EE_IV, "IV reused: frame 17");
    e2ee_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(protocol_rows_pass),
        cmocka_unit_test(key_rule),
        cmocka_unit_test(iv_rules),
        cmocka_unit_test(ciphertext_rules),
        cmocka_unit_test(padding_rule),
        cmocka_unit_test(base64_and_json_rules),
        cmocka_unit_test(seqn_rules),
        cmocka_unit_test(match_rule),
        cmocka_unit_test(many_ivs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
