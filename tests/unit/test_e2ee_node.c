/* test_e2ee_node.c — targets/e2ee-node's portable sources built for the
 * host (the .c files are included here, as the AVR build compiles them).
 * Expected values come from crypto-js 4.2.0 (fixtures/cryptojs/protocol.tsv,
 * keyiv.tsv, base64.tsv), from OpenSSL for the IV (AES-128-ECB of the nonce
 * laid out as e2ee_msg.h documents) and from RFC 5652 for PKCS#7; the
 * node's whole output is then checked by the harness's own E2EE rules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "../../targets/common/aes128.c"
#include "../../targets/e2ee-node/e2ee_msg.c"

#include "check/e2ee_stream.h"
#include "lw_fixture.h"

static const uint8_t KEY[16] = {0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6,
                                0xab, 0xf7, 0x15, 0x88, 0x09, 0xcf, 0x4f, 0x3c};

typedef struct sbuf {
    char s[8192];
    size_t n;
} sbuf;

static void to_buf(void *ctx, char c)
{
    sbuf *b = ctx;
    assert_true(b->n + 1 < sizeof b->s);
    b->s[b->n++] = c;
    b->s[b->n] = 0;
}

/* the protocol.tsv rows whose JSON is the node's format */
static const struct {
    const char *row;
    uint8_t boot;
    uint16_t value;
    uint32_t seqn;
} NODE_ROWS[] = {
    {"boot_seqn1", 1, 512, 1},
    {"seqn2", 0, 513, 2},
    {"seqn3", 0, 1023, 3},
    {"seqn_big", 0, 0, 4294967295u},
};

static size_t row_of(const fx_table *t, const char *name)
{
    for (size_t i = 0; i < t->nrows; i++)
        if (!strcmp(fx_get(t, i, "name"), name))
            return i;
    fail_msg("protocol.tsv has no row %s", name);
    return 0;
}

static void json_format(void **state)
{
    (void)state;
    fx_table t;
    fx_load("cryptojs/protocol.tsv", &t);
    for (size_t k = 0; k < sizeof NODE_ROWS / sizeof NODE_ROWS[0]; k++) {
        char json[ENODE_JSON_MAX];
        uint8_t n = enode_json(json, NODE_ROWS[k].boot, NODE_ROWS[k].value, NODE_ROWS[k].seqn);
        const char *exp = fx_get(&t, row_of(&t, NODE_ROWS[k].row), "json");
        assert_int_equal(n, strlen(exp));
        assert_memory_equal(json, exp, n);
    }
    /* the longest JSON fits */
    char json[ENODE_JSON_MAX];
    assert_true(enode_json(json, 1, 65535, 4294967295u) <= ENODE_JSON_MAX);
    fx_free(&t);
}

/* The three lines for a fixture's IV and JSON are exactly crypto-js's. */
static void frames_match_cryptojs(void **state)
{
    (void)state;
    fx_table t;
    fx_load("cryptojs/protocol.tsv", &t);
    aes128_ctx k;
    aes128_init(&k, KEY);
    for (size_t r = 0; r < sizeof NODE_ROWS / sizeof NODE_ROWS[0]; r++) {
        size_t i = row_of(&t, NODE_ROWS[r].row);
        uint8_t iv[16];
        fx_hex(fx_get(&t, i, "iv"), iv, sizeof iv);
        sbuf b = {.n = 0};
        enode_out o = {to_buf, &b};
        enode_frame(&k, iv, NODE_ROWS[r].boot, NODE_ROWS[r].value, NODE_ROWS[r].seqn, &o);
        char exp[2048];
        snprintf(exp, sizeof exp, "IV b64: %s\r\nMessage in B64: %s\r\nEncrypted data in base64: %s\r\n",
                 fx_get(&t, i, "iv_b64"), fx_get(&t, i, "msg_b64"), fx_get(&t, i, "ct_b64"));
        assert_string_equal(b.s, exp);
    }
    fx_free(&t);
}

static void base64_vectors(void **state)
{
    (void)state;
    fx_table t;
    fx_load("cryptojs/base64.tsv", &t);
    size_t done = 0;
    for (size_t i = 0; i < t.nrows; i++) {
        if (strcmp(fx_get(&t, i, "canonical"), "yes"))
            continue;
        uint8_t in[256];
        size_t n = fx_hex(fx_get(&t, i, "node_hex"), in, sizeof in);
        const char *exp = fx_get(&t, i, "input");
        if (!strcmp(exp, "-"))
            exp = "";
        char out[400];
        uint8_t m = enode_b64(in, (uint8_t)n, out);
        assert_int_equal(m, strlen(exp));
        assert_memory_equal(out, exp, m);
        sbuf b = {.n = 0};
        enode_out o = {to_buf, &b};
        enode_b64_put(in, (uint8_t)n, &o);
        assert_string_equal(b.s, exp);
        done++;
    }
    assert_true(done >= 10);
    fx_free(&t);
}

/* PKCS#7 + CBC with aes128 against crypto-js's key/IV rows (key 2B7E...,
 * plaintexts of 0..100 bytes). */
static void pkcs7_cbc_vs_cryptojs(void **state)
{
    (void)state;
    fx_table t;
    fx_load("cryptojs/keyiv.tsv", &t);
    aes128_ctx k;
    aes128_init(&k, KEY);
    size_t done = 0;
    for (size_t i = 0; i < t.nrows; i++) {
        if (strcmp(fx_get(&t, i, "key"), "2B7E151628AED2A6ABF7158809CF4F3C"))
            continue;
        uint8_t iv[16], buf[256], exp[256];
        fx_hex(fx_get(&t, i, "iv"), iv, sizeof iv);
        size_t n = fx_hex(fx_get(&t, i, "plaintext"), buf, sizeof buf);
        size_t en = fx_hex(fx_get(&t, i, "ciphertext"), exp, sizeof exp);
        uint8_t len = enode_pkcs7(buf, (uint8_t)n);
        assert_int_equal(len, en);
        for (size_t p = n; p < len; p++) /* RFC 5652 6.3 */
            assert_int_equal(buf[p], len - n);
        const uint8_t *chain = iv;
        for (uint8_t j = 0; j < len; j += 16) {
            for (int q = 0; q < 16; q++)
                buf[j + q] ^= chain[q];
            aes128_encrypt(&k, buf + j, buf + j);
            chain = buf + j;
        }
        assert_memory_equal(buf, exp, en);
        done++;
    }
    assert_true(done >= 14);
    fx_free(&t);
}

static void iv_is_aes_of_nonce(void **state)
{
    (void)state;
    aes128_ctx k;
    aes128_init(&k, KEY);
    const uint8_t noise[8] = {1, 2, 3, 4, 0xfe, 0xdc, 0xba, 0x98};
    uint8_t iv[16], exp[16];
    enode_iv(&k, noise, 0x01020304u, iv);
    const uint8_t nonce[16] = {1, 2, 3, 4, 0xfe, 0xdc, 0xba, 0x98, 0x04, 0x03, 0x02, 0x01, 'E', '2', 'E', 'E'};
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    int l = 0;
    assert_int_equal(EVP_EncryptInit_ex(c, EVP_aes_128_ecb(), NULL, KEY, NULL), 1);
    EVP_CIPHER_CTX_set_padding(c, 0);
    assert_int_equal(EVP_EncryptUpdate(c, exp, &l, nonce, 16), 1);
    EVP_CIPHER_CTX_free(c);
    assert_memory_equal(iv, exp, 16);
}

/* The node: boot announcement, SEQN, reserve persistence, and its whole
 * output passing the harness's rules. */
static void node_run_passes_rules(void **state)
{
    (void)state;
    enode n;
    assert_true(sizeof n <= 200); /* RAM: the ATmega328P has 2 KB */
    assert_int_equal(enode_init(&n, KEY, 0xFFFFFFFFu), ENODE_SEQN_RESERVE); /* erased EEPROM */
    sbuf b = {.n = 0};
    enode_out o = {to_buf, &b};
    const uint8_t noise[8] = {0}; /* the worst entropy source: IVs still differ (SEQN) */
    uint32_t persisted = 0;
    for (int i = 0; i < 20; i++) {
        uint32_t p = enode_send(&n, noise, (uint16_t)(300 + i), &o);
        if (p)
            persisted = p;
    }
    assert_int_equal(n.seqn, 20);
    assert_int_equal(persisted, 17 + ENODE_SEQN_RESERVE); /* written once, at SEQN 17 */
    assert_non_null(strstr(b.s, "Message in B64: eyJib290Ijp0cnVl")); /* {"boot":true */

    /* a reset: the next run continues above everything reserved */
    assert_int_equal(enode_init(&n, KEY, persisted), persisted + ENODE_SEQN_RESERVE);
    enode_send(&n, noise, 7, &o);
    assert_int_equal(n.seqn, persisted + 1);

    /* the harness reads all of it: 21 frames, every rule passes */
    uint8_t key[16];
    memcpy(key, KEY, 16);
    e2ees_config cfg = {.key = key, .keylen = 16};
    char err[128];
    e2ees_state *st = e2ees_new(&cfg, err, sizeof err);
    assert_non_null(st);
    char *save, *line = strtok_r(b.s, "\r\n", &save);
    for (; line; line = strtok_r(NULL, "\r\n", &save)) {
        e2ees_line(st, 0, 0, line, NULL);
        const e2ee_verdict *v = e2ees_last(st);
        if (v && !v->ok) {
            char l[4096];
            fail_msg("frame %d: %s", v->frame, e2ee_verdict_line(v, l, sizeof l));
        }
    }
    e2ees_totals tot;
    e2ees_summary(st, &tot);
    assert_int_equal(tot.frames, 21);
    assert_int_equal(tot.passed, 21);
    e2ees_free(st);
}

static void variant_name(void **state)
{
    (void)state;
    assert_string_equal(enode_variant(), "ok");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(json_format),
        cmocka_unit_test(frames_match_cryptojs),
        cmocka_unit_test(base64_vectors),
        cmocka_unit_test(pkcs7_cbc_vs_cryptojs),
        cmocka_unit_test(iv_is_aes_of_nonce),
        cmocka_unit_test(node_run_passes_rules),
        cmocka_unit_test(variant_name),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
