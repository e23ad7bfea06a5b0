/* test_hil_lines.c — splitting a board's byte stream into lines (line ends,
 * garbage, over-long lines, wrong-baud noise) and recognising the frame
 * lines documented in hil/hil_lines.h. Frames are rows of
 * fixtures/lorawan/frames.tsv (lora-packet 0.9.3); expected texts are
 * written out by hand from the documented format. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hil/hil_lines.h"

typedef struct collected {
    char text[8][HIL_LINE_MAX * 4 + 1];
    bool truncated[8];
    size_t nontext[8];
    int n;
} collected;

static void collect(void *ctx, const hil_line *l)
{
    collected *c = ctx;
    assert_true(c->n < 8);
    strcpy(c->text[c->n], l->text);
    c->truncated[c->n] = l->truncated;
    c->nontext[c->n] = l->nontext;
    c->n++;
}

static void push_str(hil_lines *l, const char *s, collected *c)
{
    hil_lines_push(l, (const uint8_t *)s, strlen(s), collect, c);
}

static void line_ends(void **state)
{
    (void)state;
    hil_lines l;
    collected c = {0};
    hil_lines_init(&l);
    push_str(&l, "one\r\ntwo\nthree\rfour", &c);
    assert_int_equal(c.n, 3);
    assert_string_equal(c.text[0], "one");
    assert_string_equal(c.text[1], "two");
    assert_string_equal(c.text[2], "three");
    /* "\r\n" split across two reads is still one line end */
    push_str(&l, "\r", &c);
    push_str(&l, "\nfive\r\n", &c);
    assert_int_equal(c.n, 5);
    assert_string_equal(c.text[3], "four");
    assert_string_equal(c.text[4], "five");
    /* an empty line is a line */
    push_str(&l, "\r\n", &c);
    assert_int_equal(c.n, 6);
    assert_string_equal(c.text[5], "");
}

static void garbage_escaped(void **state)
{
    (void)state;
    hil_lines l;
    collected c = {0};
    hil_lines_init(&l);
    const uint8_t b[] = {0x00, 'o', 'k', 0xFF, '\t', 0x80, 0x1B, '\n'};
    hil_lines_push(&l, b, sizeof b, collect, &c);
    assert_int_equal(c.n, 1);
    assert_string_equal(c.text[0], "\\x00ok\\xff\t\\x80\\x1b");
    assert_int_equal(c.nontext[0], 4);
    assert_false(c.truncated[0]);
}

static void long_line_truncated(void **state)
{
    (void)state;
    hil_lines l;
    collected c = {0};
    hil_lines_init(&l);
    char *big = malloc(3000);
    memset(big, 'A', 2999);
    big[2999] = 0;
    push_str(&l, big, &c);
    /* handed on as soon as HIL_LINE_MAX bytes are in */
    assert_int_equal(c.n, 1);
    assert_int_equal(strlen(c.text[0]), 1024);
    assert_true(c.truncated[0]);
    push_str(&l, "BBB\r\nnext\r\n", &c);
    /* the rest of the long line is dropped, the next one is whole */
    assert_int_equal(c.n, 2);
    assert_string_equal(c.text[1], "next");
    assert_false(c.truncated[1]);
    free(big);
}

static void exactly_max_is_not_truncated_twice(void **state)
{
    (void)state;
    hil_lines l;
    collected c = {0};
    hil_lines_init(&l);
    char buf[1025];
    memset(buf, 'x', 1023);
    buf[1023] = 0;
    push_str(&l, buf, &c);
    push_str(&l, "\n", &c);
    assert_int_equal(c.n, 1);
    assert_int_equal(strlen(c.text[0]), 1023);
    assert_false(c.truncated[0]);
}

static void flush_partial(void **state)
{
    (void)state;
    hil_lines l;
    collected c = {0};
    hil_lines_init(&l);
    push_str(&l, "done\r\nhalf a li", &c);
    assert_int_equal(c.n, 1);
    hil_lines_flush(&l, collect, &c);
    assert_int_equal(c.n, 2);
    assert_string_equal(c.text[1], "half a li");
    hil_lines_flush(&l, collect, &c);
    assert_int_equal(c.n, 2);
}

static void noise_detection(void **state)
{
    (void)state;
    hil_lines l;
    collected c = {0};
    hil_lines_init(&l);
    /* 128 bytes of text with 8 stray bytes: not noise (6 %) */
    uint8_t b[HIL_NOISE_BLOCK];
    memset(b, 'a', sizeof b);
    for (int i = 0; i < 8; i++)
        b[i * 16] = 0xFF;
    b[127] = '\n';
    hil_lines_push(&l, b, sizeof b, collect, &c);
    assert_int_equal(l.noise_blocks, 0);
    /* 32 of 128 non-text bytes (25 %): noise */
    memset(b, 'a', sizeof b);
    for (int i = 0; i < 32; i++)
        b[i * 4] = 0xF8;
    hil_lines_push(&l, b, sizeof b, collect, &c);
    assert_int_equal(l.noise_blocks, 1);
    /* 31 of 128: just under */
    memset(b, 'a', sizeof b);
    for (int i = 0; i < 31; i++)
        b[i * 4] = 0x00;
    hil_lines_push(&l, b, sizeof b, collect, &c);
    assert_int_equal(l.noise_blocks, 1);
    assert_int_equal(l.bytes, 3 * HIL_NOISE_BLOCK);
}

/* frames.tsv row up_fcnt0_p1_len1 */
static const uint8_t fcnt0[] = {0x40, 0x38, 0x77, 0x33, 0x95, 0x00, 0x00, 0x00,
                                0x01, 0x9B, 0x4F, 0xB8, 0x0A, 0x37};

static void frame_line(void **state)
{
    (void)state;
    hil_parsed p;
    assert_int_equal(hil_parse_line("frame: 4038773395000000019B4FB80A37", NULL, 0, &p),
                     HIL_FRAME_TX);
    assert_int_equal(p.len, sizeof fcnt0);
    assert_memory_equal(p.frame, fcnt0, sizeof fcnt0);
    assert_false(p.radio.has_sf);
    /* lower case, groups, trailing settings */
    assert_int_equal(hil_parse_line("  frame: 40387733 95000000 019b4fb80a37 freq=868.1 sf=9 "
                                    "bw=125 cr=4/5 power=14",
                                    NULL, 0, &p),
                     HIL_FRAME_TX);
    assert_memory_equal(p.frame, fcnt0, sizeof fcnt0);
    assert_true(p.radio.has_freq && p.radio.has_sf && p.radio.has_bw && p.radio.has_cr &&
                p.radio.has_power);
    assert_int_equal(p.radio.freq_hz, 868100000);
    assert_int_equal(p.radio.sf, 9);
    assert_int_equal(p.radio.bw_hz, 125000);
    assert_int_equal(p.radio.cr, 5);
    assert_int_equal(p.radio.power_dbm, 14);
}

static void frame_line_errors(void **state)
{
    (void)state;
    hil_parsed p;
    assert_int_equal(hil_parse_line("frame: 40387733950G", NULL, 0, &p), HIL_BAD);
    assert_string_equal(p.error, "bad hex digit 'G' at column 19");
    assert_int_equal(hil_parse_line("frame: 403", NULL, 0, &p), HIL_BAD);
    assert_string_equal(p.error, "odd number of hex digits (3) before column 11");
    assert_int_equal(hil_parse_line("frame:", NULL, 0, &p), HIL_BAD);
    assert_string_equal(p.error, "no hex frame at column 7");
    assert_int_equal(hil_parse_line("frame: 4038 sf=13", NULL, 0, &p), HIL_BAD);
    assert_string_equal(p.error, "bad sf '13' at column 13 (6..12)");
    /* not frame lines at all */
    assert_int_equal(hil_parse_line("frames sent: 3", NULL, 0, &p), HIL_TEXT);
    assert_int_equal(hil_parse_line("", NULL, 0, &p), HIL_TEXT);
}

static void sniffer_lines(void **state)
{
    (void)state;
    hil_parsed p;
    assert_int_equal(hil_parse_line("rx: 4038773395000000019B4FB80A37 rssi=-57 snr=9.5", NULL, 0,
                                    &p),
                     HIL_FRAME_RX);
    assert_memory_equal(p.frame, fcnt0, sizeof fcnt0);
    assert_true(p.radio.has_rssi && p.radio.has_snr);
    assert_true(p.radio.rssi_dbm == -57.0);
    assert_true(p.radio.snr_db == 9.5);
    assert_int_equal(hil_parse_line("rx: 4038773395000000019B4FB80A37 rssi=-57", NULL, 0, &p),
                     HIL_BAD);
    assert_string_equal(p.error, "rx: line without rssi= and snr=");
    assert_int_equal(hil_parse_line("sniffer: freq=868100000 sf=7 bw=125000", NULL, 0, &p),
                     HIL_SNIFFER_CONFIG);
    assert_int_equal(p.radio.freq_hz, 868100000);
    assert_int_equal(p.radio.sf, 7);
    assert_int_equal(p.radio.bw_hz, 125000);
}

static void tx_info_lines(void **state)
{
    (void)state;
    hil_parsed p;
    /* what targets/lorawan-node prints before each frame: line */
    assert_int_equal(hil_parse_line("tx: fcnt=3 ch=868300000 sf=7 len=23", NULL, 0, &p),
                     HIL_TX_INFO);
    assert_true(p.radio.has_freq && p.radio.has_sf);
    assert_int_equal(p.radio.freq_hz, 868300000);
    assert_int_equal(p.radio.sf, 7);
    assert_false(p.radio.has_bw);
    /* ch= below 1 MHz is a channel index */
    assert_int_equal(hil_parse_line("tx: ch=2 sf=8", NULL, 0, &p), HIL_TX_INFO);
    assert_false(p.radio.has_freq);
    assert_int_equal(p.radio.chan, 2);
    assert_int_equal(hil_parse_line("tx: no TxDone, RegIrqFlags=0x08", NULL, 0, &p), HIL_TEXT);
    assert_int_equal(hil_parse_line("tx done", NULL, 0, &p), HIL_TEXT);
}

static void patterns(void **state)
{
    (void)state;
    const char *const pats[] = {"Sending packet: %h", "TX %h"};
    hil_parsed p;
    assert_int_equal(hil_parse_line("Sending packet: 4038773395000000019B4FB80A37", pats, 2, &p),
                     HIL_FRAME_TX);
    assert_memory_equal(p.frame, fcnt0, sizeof fcnt0);
    assert_int_equal(hil_parse_line("TX 4038773395000000019B4FB80A37", pats, 2, &p),
                     HIL_FRAME_TX);
    assert_int_equal(hil_parse_line("TX done", pats, 2, &p), HIL_BAD);
    assert_int_equal(hil_parse_line("Sending packet: 4038773395000000019B4FB80A37", NULL, 0, &p),
                     HIL_TEXT);
    char err[128];
    assert_int_equal(hil_pattern_check("Sending: %h", err, sizeof err), 0);
    assert_int_equal(hil_pattern_check("Sending:", err, sizeof err), -1);
    assert_string_equal(err, "--line-pattern 'Sending:': needs %h exactly once");
    assert_int_equal(hil_pattern_check("%h", err, sizeof err), -1);
    assert_int_equal(hil_pattern_check("a %h b %h", err, sizeof err), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(line_ends),
        cmocka_unit_test(garbage_escaped),
        cmocka_unit_test(long_line_truncated),
        cmocka_unit_test(exactly_max_is_not_truncated_twice),
        cmocka_unit_test(flush_partial),
        cmocka_unit_test(noise_detection),
        cmocka_unit_test(frame_line),
        cmocka_unit_test(frame_line_errors),
        cmocka_unit_test(sniffer_lines),
        cmocka_unit_test(tx_info_lines),
        cmocka_unit_test(patterns),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
