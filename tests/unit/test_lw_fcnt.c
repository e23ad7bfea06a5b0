/* test_lw_fcnt.c — 32-bit FCnt reconstruction (LoRaWAN 1.0.x 4.3.1.5: the
 * frame carries the 16 LSBs; the receiver keeps the 32-bit counter) and the
 * per-device rules: grow by one, skip, replay, gap of MAX_FCNT_GAP (16384,
 * LoRaWAN 1.0 section 4.3.1.5 / 6). Expected values are worked out by hand
 * from those definitions; frames come from lora-packet (frames.tsv). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "check/lorawan.h"
#include "tests/unit/lw_fixture.h"

static void reconstruct(void **state)
{
    (void)state;
    /* no history: the wire value */
    assert_int_equal(lw_fcnt_reconstruct(0, 0, false), 0);
    assert_int_equal(lw_fcnt_reconstruct(0xFFFF, 12345, false), 0xFFFF);
    /* the next one */
    assert_int_equal(lw_fcnt_reconstruct(1, 0, true), 1);
    assert_int_equal(lw_fcnt_reconstruct(0xFFFF, 0xFFFE, true), 0xFFFF);
    /* rollover of the 16-bit wire value: 0xFFFF -> 0x10000 */
    assert_int_equal(lw_fcnt_reconstruct(0x0000, 0xFFFF, true), 0x10000);
    assert_int_equal(lw_fcnt_reconstruct(0x0001, 0xFFFF, true), 0x10001);
    assert_int_equal(lw_fcnt_reconstruct(0x0001, 0x1FFFF, true), 0x20001);
    assert_int_equal(lw_fcnt_reconstruct(0x1170, 0x1116F, true), 70000); /* 70000 = 0x11170 */
    /* within the same upper half */
    assert_int_equal(lw_fcnt_reconstruct(0x5679, 0x12345678, true), 0x12345679);
    assert_int_equal(lw_fcnt_reconstruct(0x0005, 0x12340003, true), 0x12340005);
    /* equal to the last value: stays (a replay) */
    assert_int_equal(lw_fcnt_reconstruct(2, 2, true), 2);
    assert_int_equal(lw_fcnt_reconstruct(0x5678, 0x12345678, true), 0x12345678);
    /* below the last low half: the next 65536 block */
    assert_int_equal(lw_fcnt_reconstruct(1, 2, true), 0x10001);
    /* the very top: 0xFFFFFFFF after 0xFFFFFFFE, then a wrap to 0 */
    assert_int_equal(lw_fcnt_reconstruct(0xFFFF, 0xFFFFFFFE, true), 0xFFFFFFFF);
    assert_int_equal(lw_fcnt_reconstruct(0x0000, 0xFFFFFFFF, true), 0);
}

static void verdicts(void **state)
{
    (void)state;
    lw_fcnt_state none = {0}, st = {.have_last = true, .last = 100};
    assert_int_equal(lw_fcnt_check(&none, 0), LW_FCNT_OK);
    assert_int_equal(lw_fcnt_check(&none, 99999), LW_FCNT_OK);
    assert_int_equal(lw_fcnt_check(NULL, 5), LW_FCNT_OK);
    assert_int_equal(lw_fcnt_check(&st, 101), LW_FCNT_OK);
    assert_int_equal(lw_fcnt_check(&st, 102), LW_FCNT_SKIP);
    assert_int_equal(lw_fcnt_check(&st, 100 + 16383), LW_FCNT_SKIP);
    assert_int_equal(lw_fcnt_check(&st, 100 + 16384), LW_FCNT_GAP);
    assert_int_equal(lw_fcnt_check(&st, 100 + 65535), LW_FCNT_GAP);
    assert_int_equal(lw_fcnt_check(&st, 100), LW_FCNT_REPLAY);
    assert_int_equal(lw_fcnt_check(&st, 99), LW_FCNT_REPLAY);
    assert_int_equal(lw_fcnt_check(&st, 0), LW_FCNT_REPLAY);
    assert_string_equal(lw_fcnt_verdict_name(LW_FCNT_OK), "ok");
    assert_string_equal(lw_fcnt_verdict_name(LW_FCNT_SKIP), "skip");
    assert_string_equal(lw_fcnt_verdict_name(LW_FCNT_REPLAY), "replay");
    assert_string_equal(lw_fcnt_verdict_name(LW_FCNT_GAP), "gap");
    assert_string_equal(lw_fcnt_verdict_name((lw_fcnt_verdict)9), "?");
}

/* frames.tsv rows of the reference device, by name */
static fx_table frames;

static size_t phy(const char *name, uint8_t *out)
{
    for (size_t i = 0; i < frames.nrows; i++)
        if (!strcmp(fx_get(&frames, i, "name"), name))
            return fx_hex(fx_get(&frames, i, "phypayload"), out, LW_MAX_FRAME);
    fail_msg("no row %s in frames.tsv", name);
    return 0;
}

static const lw_keys ref = {
    .devaddr = 0x95337738,
    .nwkskey = {0xAA, 0x0F, 0x29, 0xD3, 0x9D, 0x7A, 0xAE, 0x3B,
                0x54, 0xCF, 0xDF, 0x2F, 0x2A, 0x23, 0x55, 0xB5},
    .appskey = {0x2F, 0x85, 0x43, 0x5B, 0x34, 0x9C, 0x80, 0xC6,
                0xA8, 0xFA, 0x27, 0x49, 0x5A, 0x36, 0x82, 0x21},
};

static void verify_sequence(void **state)
{
    (void)state;
    fx_load("lorawan/frames.tsv", &frames);
    uint8_t f0[LW_MAX_FRAME], f1[LW_MAX_FRAME], f65535[LW_MAX_FRAME], f65536[LW_MAX_FRAME],
        f70000[LW_MAX_FRAME];
    size_t n0 = phy("up_fcnt0_p1_len1", f0), n1 = phy("up_fcnt1_p2_len16", f1);
    size_t n65535 = phy("up_fcnt65535_p1_len4", f65535);
    size_t n65536 = phy("up_fcnt65536_p1_len4", f65536);
    size_t n70000 = phy("up_fcnt70000_p2_len17", f70000);
    lw_fcnt_state st = {0};
    lw_result r;

    assert_int_equal(lw_verify(&ref, &st, f0, n0, &r), 0);
    assert_true(st.have_last);
    assert_int_equal(st.last, 0);
    assert_int_equal(lw_verify(&ref, &st, f1, n1, &r), 0);
    assert_int_equal(r.fcnt_verdict, LW_FCNT_OK);
    assert_int_equal(st.last, 1);
    /* the same frame again: replay, and the state stays */
    assert_int_equal(lw_verify(&ref, &st, f1, n1, &r), 1);
    assert_int_equal(r.fcnt_verdict, LW_FCNT_REPLAY);
    assert_true(r.mic_ok);
    assert_non_null(strstr(r.detail, "replay"));
    assert_int_equal(st.last, 1);
    /* an older one too */
    assert_int_equal(lw_verify(&ref, &st, f0, n0, &r), 1);
    assert_int_equal(r.fcnt, 0x10000); /* wire 0 after 1 reads as the next block ... */
    assert_false(r.mic_ok);            /* ... and then the MIC (made with 0) fails */
    assert_int_equal(st.last, 1);

    /* 65535 then 65536 (wire 0x0000): the rollover */
    st = (lw_fcnt_state){.have_last = true, .last = 65534};
    assert_int_equal(lw_verify(&ref, &st, f65535, n65535, &r), 0);
    assert_int_equal(r.fcnt, 65535);
    assert_int_equal(lw_verify(&ref, &st, f65536, n65536, &r), 0);
    assert_int_equal(r.frame.fcnt16, 0);
    assert_int_equal(r.fcnt, 65536);
    assert_int_equal(st.last, 65536);
    /* 70000 after 65536: a skip of 4463, still ok */
    assert_int_equal(lw_verify(&ref, &st, f70000, n70000, &r), 0);
    assert_int_equal(r.fcnt_verdict, LW_FCNT_SKIP);
    assert_int_equal(st.last, 70000);

    /* without history the 16-bit value is taken: 65536 reads as 0, MIC bad */
    assert_int_equal(lw_verify(&ref, NULL, f65536, n65536, &r), 1);
    assert_int_equal(r.fcnt, 0);
    assert_false(r.mic_ok);
    assert_non_null(strstr(r.detail, "65535"));

    /* a gap: 65536 after 1 is 65535 ahead */
    st = (lw_fcnt_state){.have_last = true, .last = 1};
    assert_int_equal(lw_verify(&ref, &st, f65536, n65536, &r), 1);
    assert_int_equal(r.fcnt, 65536);
    assert_true(r.mic_ok);
    assert_int_equal(r.fcnt_verdict, LW_FCNT_GAP);
    assert_non_null(strstr(r.detail, "gap"));
    assert_int_equal(st.last, 65536); /* reported once, then counted from */

    /* a frame with a bad MIC never moves the counter */
    st = (lw_fcnt_state){.have_last = true, .last = 0};
    f1[n1 - 1] ^= 1;
    assert_int_equal(lw_verify(&ref, &st, f1, n1, &r), 1);
    assert_false(r.mic_ok);
    assert_int_equal(st.last, 0);
    /* nor does one for another DevAddr */
    lw_keys other = ref;
    other.devaddr = 0x95337739;
    f1[n1 - 1] ^= 1;
    assert_int_equal(lw_verify(&other, &st, f1, n1, &r), 1);
    assert_false(r.devaddr_ok);
    assert_non_null(strstr(r.detail, "DevAddr 95337738"));
    assert_int_equal(st.last, 0);

    /* bad arguments */
    assert_int_equal(lw_verify(&ref, &st, f1, 5, &r), -1);
    assert_false(r.parsed);
    assert_non_null(strstr(r.detail, "5 bytes"));
    assert_int_equal(lw_verify(NULL, &st, f1, n1, &r), -1);
    assert_int_equal(lw_verify(&ref, &st, f1, n1, NULL), -1);
    fx_free(&frames);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reconstruct),
        cmocka_unit_test(verdicts),
        cmocka_unit_test(verify_sequence),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
