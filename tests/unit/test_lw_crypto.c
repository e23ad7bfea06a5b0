/* test_lw_crypto.c — the AES and CMAC primitives under the MIC and the
 * FRMPayload keystream, against published vectors: RFC 4493 section 4
 * (AES-CMAC, fixtures/vectors/rfc4493-cmac.tsv) and NIST SP 800-38A F.2
 * (the AES forward cipher blocks of CBC-AES128.Encrypt,
 * fixtures/vectors/nist-sp800-38a-cbc.tsv). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "check/lorawan.h"
#include "tests/unit/lw_fixture.h"

static void rfc4493_cmac(void **state)
{
    (void)state;
    fx_table t;
    fx_load("vectors/rfc4493-cmac.tsv", &t);
    assert_int_equal(t.nrows, 4);
    for (size_t i = 0; i < t.nrows; i++) {
        uint8_t key[16], msg[64], tag[16], got[16];
        assert_int_equal(fx_hex(fx_get(&t, i, "key"), key, 16), 16);
        size_t n = fx_hex(fx_get(&t, i, "message"), msg, sizeof msg);
        assert_int_equal(n, fx_num(fx_get(&t, i, "len")));
        assert_int_equal(fx_hex(fx_get(&t, i, "tag"), tag, 16), 16);
        assert_int_equal(lw_aes_cmac(key, n ? msg : NULL, n, got), 0);
        assert_memory_equal(got, tag, 16);
    }
    fx_free(&t);
}

static void nist_aes_blocks(void **state)
{
    (void)state;
    fx_table t;
    fx_load("vectors/nist-sp800-38a-cbc.tsv", &t);
    size_t blocks = 0;
    for (size_t i = 0; i < t.nrows; i++) {
        if (strcmp(fx_get(&t, i, "op"), "encrypt") || !strcmp(fx_get(&t, i, "input_block"), "-"))
            continue;
        uint8_t key[16], in[16], want[16], got[16];
        assert_int_equal(fx_hex(fx_get(&t, i, "key"), key, 16), 16);
        assert_int_equal(fx_hex(fx_get(&t, i, "input_block"), in, 16), 16);
        assert_int_equal(fx_hex(fx_get(&t, i, "output_block"), want, 16), 16);
        assert_int_equal(lw_aes128_encrypt_block(key, in, got), 0);
        assert_memory_equal(got, want, 16);
        blocks++;
    }
    assert_int_equal(blocks, 4);
    fx_free(&t);
}

/* The A_i layout of spec 4.3.3.1, written out here by hand: FRMPayload
 * encryption of zeros must yield AES(key, A_1) | AES(key, A_2). (The AES
 * block itself is checked against NIST above.) */
static void keystream_is_aes_of_a_blocks(void **state)
{
    (void)state;
    const uint8_t key[16] = {0x2B, 0x7E, 0x15, 0x16, 0x28, 0xAE, 0xD2, 0xA6,
                             0xAB, 0xF7, 0x15, 0x88, 0x09, 0xCF, 0x4F, 0x3C};
    uint8_t zeros[20] = {0}, ks[20], s1[16], s2[16];
    /* downlink, DevAddr 0x26011BDA, FCnt 0x12345678 */
    uint8_t a1[16] = {0x01, 0, 0, 0, 0, 0x01, 0xDA, 0x1B, 0x01, 0x26,
                      0x78, 0x56, 0x34, 0x12, 0x00, 0x01};
    uint8_t a2[16];
    memcpy(a2, a1, 16);
    a2[15] = 0x02;
    assert_int_equal(lw_aes128_encrypt_block(key, a1, s1), 0);
    assert_int_equal(lw_aes128_encrypt_block(key, a2, s2), 0);
    assert_int_equal(lw_payload_crypt(key, false, 0x26011BDA, 0x12345678, zeros, 20, ks), 0);
    assert_memory_equal(ks, s1, 16);
    assert_memory_equal(ks + 16, s2, 4);
    /* in place works too */
    assert_int_equal(lw_payload_crypt(key, false, 0x26011BDA, 0x12345678, zeros, 20, zeros), 0);
    assert_memory_equal(zeros, ks, 20);
    /* the A_i counter is one byte */
    static uint8_t big[255 * 16 + 1];
    assert_int_equal(lw_payload_crypt(key, true, 1, 1, big, sizeof big, big), -1);
}

/* B0 of spec 4.4, written out by hand: the MIC is the first four bytes of
 * AES-CMAC(NwkSKey, B0 | msg). Frame: lora-packet's README vector. */
static void mic_is_cmac_of_b0(void **state)
{
    (void)state;
    const uint8_t nwk[16] = {0x44, 0x02, 0x42, 0x41, 0xED, 0x4C, 0xE9, 0xA6,
                             0x8C, 0x6A, 0x8B, 0xC0, 0x55, 0x23, 0x3F, 0xD3};
    const uint8_t msg[13] = {0x40, 0xF1, 0x7D, 0xBE, 0x49, 0x00, 0x02, 0x00,
                             0x01, 0x95, 0x43, 0x78, 0x76};
    uint8_t b[16 + 13] = {0x49, 0, 0, 0, 0, 0x00, 0xF1, 0x7D, 0xBE, 0x49,
                          0x02, 0x00, 0x00, 0x00, 0x00, 13};
    memcpy(b + 16, msg, 13);
    uint8_t tag[16];
    assert_int_equal(lw_aes_cmac(nwk, b, sizeof b, tag), 0);
    uint32_t want = (uint32_t)tag[0] << 24 | (uint32_t)tag[1] << 16 | (uint32_t)tag[2] << 8 | tag[3];
    assert_int_equal(want, 0x2B11FF0D); /* lora-packet README */
    assert_int_equal(lw_mic(nwk, true, 0x49BE7DF1, 2, msg, 13), 0x2B11FF0D);
    /* direction and the upper counter half are in B0 */
    assert_int_not_equal(lw_mic(nwk, false, 0x49BE7DF1, 2, msg, 13), 0x2B11FF0D);
    assert_int_not_equal(lw_mic(nwk, true, 0x49BE7DF1, 0x10002, msg, 13), 0x2B11FF0D);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rfc4493_cmac),
        cmocka_unit_test(nist_aes_blocks),
        cmocka_unit_test(keystream_is_aes_of_a_blocks),
        cmocka_unit_test(mic_is_cmac_of_b0),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
