/* test_lw_text.c — frames typed or pasted as text: hex in its usual
 * spellings and base64 (standard, URL-safe, padded or not), and every error
 * with the character it names. The base64 strings were made with GNU
 * coreutils `base64` from the hex of frames in frames.tsv, e.g.
 *   echo 40F17DBE4900020001954378762B11FF0D | xxd -r -p | base64 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "check/lorawan.h"

static const uint8_t README[17] = {0x40, 0xF1, 0x7D, 0xBE, 0x49, 0x00, 0x02, 0x00, 0x01,
                                   0x95, 0x43, 0x78, 0x76, 0x2B, 0x11, 0xFF, 0x0D};

static void expect_bytes(const char *text, const uint8_t *want, size_t n)
{
    uint8_t buf[LW_MAX_FRAME];
    char err[200] = "";
    int got = lw_parse_frame_text(text, buf, sizeof buf, err, sizeof err);
    if (got < 0)
        fail_msg("'%s' rejected: %s", text, err);
    assert_int_equal(got, n);
    assert_memory_equal(buf, want, n);
}

static void hex_forms(void **state)
{
    (void)state;
    expect_bytes("40F17DBE4900020001954378762B11FF0D", README, 17);
    expect_bytes("40f17dbe4900020001954378762b11ff0d", README, 17);
    expect_bytes("0x40F17DBE4900020001954378762B11FF0D", README, 17);
    expect_bytes("  40F17DBE4900020001954378762B11FF0D\n", README, 17);
    expect_bytes("40 F1 7D BE 49 00 02 00 01 95 43 78 76 2B 11 FF 0D", README, 17);
    expect_bytes("40:F1:7D:BE:49:00:02:00:01:95:43:78:76:2B:11:FF:0D", README, 17);
}

static void base64_forms(void **state)
{
    (void)state;
    expect_bytes("QPF9vkkAAgABlUN4disR/w0=", README, 17);
    expect_bytes("QPF9vkkAAgABlUN4disR/w0", README, 17);      /* padding left out */
    expect_bytes("QPF9vkkAAgABlUN4disR_w0=", README, 17);     /* URL-safe alphabet */
    expect_bytes(" QPF9vkkA AgABlUN4\ndisR/w0= ", README, 17); /* wrapped */
    const uint8_t fcnt0[14] = {0x40, 0x38, 0x77, 0x33, 0x95, 0x00, 0x00,
                               0x00, 0x01, 0x9B, 0x4F, 0xB8, 0x0A, 0x37};
    expect_bytes("QDh3M5UAAAABm0+4Cjc=", fcnt0, 14);
    const uint8_t fcnt65535[17] = {0x40, 0x38, 0x77, 0x33, 0x95, 0x00, 0xFF, 0xFF, 0x01,
                                   0x07, 0xAB, 0xD2, 0xE2, 0xA8, 0x92, 0xF0, 0xA9};
    expect_bytes("QDh3M5UA//8BB6vS4qiS8Kk=", fcnt65535, 17);
}

static void expect_err(const char *text, const char *needle)
{
    uint8_t buf[LW_MAX_FRAME];
    char err[200] = "";
    assert_int_equal(lw_parse_frame_text(text, buf, sizeof buf, err, sizeof err), -1);
    if (!strstr(err, needle))
        fail_msg("'%s': error '%s' does not contain '%s'", text, err, needle);
}

static void errors(void **state)
{
    (void)state;
    expect_err("40F17DBE4900020001954378762B11FF0", "odd number of hex digits (33)");
    expect_err("40F17DBE49000200G1954378762B11FF0D", "invalid hex digit 'G' at character 17");
    expect_err("40F17DBE4900020001954378762B11FFOD", "invalid hex digit 'O' at character 33");
    expect_err("0x40F1ZZ", "invalid hex digit 'Z' at character 7");
    expect_err("40F1\x01" "7D", "invalid hex digit byte 0x01 at character 5");
    expect_err("QPF9vkkAAgAB!UN4disR/w0=", "invalid base64 character '!' at character 13");
    expect_err("QPF9=kkAAgAB", "padding '=' at character 5");
    expect_err("QPF9vkkAAgABlUN4disR/w0=Q", "at character 25 after the '=' padding");
    expect_err("QPF9vkkAAgABlUN4disR/w0==", "padding '=' at character 25");
    expect_err("QPF9vkkAAgABlUN4disR/w0Q/", "lone character at character 25");
    expect_err("QQ=", "incomplete padding at character 3");
    expect_err("", "empty frame text");
    expect_err(" \t\n", "empty frame text");
    expect_err(NULL, "no frame text");
    /* longer than LW_MAX_FRAME */
    char hex[2 * 257 + 1], b64[345];
    memset(hex, '0', 2 * 257);
    hex[2 * 257] = 0;
    expect_err(hex, "longer than 256 bytes");
    memset(b64, 'A', 344); /* 257 zero bytes: 85 groups + "AAA=" */
    memcpy(b64 + 340, "AAA=", 4);
    b64[344] = 0;
    expect_err(b64, "longer than 256 bytes");
    /* and exactly 256 is fine */
    hex[2 * 256] = 0;
    uint8_t buf[LW_MAX_FRAME];
    assert_int_equal(lw_parse_frame_text(hex, buf, sizeof buf, NULL, 0), 256);
    /* a small buffer is respected */
    assert_int_equal(lw_parse_frame_text("40F17DBE49", buf, 4, NULL, 0), -1);
    assert_int_equal(lw_parse_frame_text("QPF9vkkA", buf, 5, NULL, 0), -1);
    assert_int_equal(lw_parse_frame_text("QPF9vkkA", buf, 6, NULL, 0), 6);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hex_forms),
        cmocka_unit_test(base64_forms),
        cmocka_unit_test(errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
