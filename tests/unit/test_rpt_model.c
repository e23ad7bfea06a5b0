/* test_rpt_model.c — reading events files, splitting runs, masking keys and
 * the per-run model (frames, RX window timing, airtime). Expected values are
 * the hand-worked numbers of fixtures/events/README.md (datasheet time on
 * air, spec RX1/RX2 delays) and hand-written strings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/unit/rpt_test.h"

static void reads_fixture(void **state)
{
    (void)state;
    rpt_events e;
    assert_int_equal(load_small_run(&e), 0);
    assert_int_equal(e.n, 36);  /* lines of small-run.jsonl */
    assert_false(e.truncated);
    assert_int_equal(e.ev[0].type, EV_RUN_START);
    assert_string_equal(e.ev[0].u.start.board, "uno-dragino");
    assert_int_equal(e.ev[4].type, EV_RADIO_TX);
    assert_int_equal(e.ev[4].u.tx.len, 14);
    assert_int_equal(e.ev[4].u.tx.payload[0], 0x40);
    assert_int_equal(e.ev[4].u.tx.payload[13], 0x37);
    rpt_span *s;
    assert_int_equal(rpt_split_runs(&e, &s), 1);
    assert_int_equal(s[0].first, 0);
    assert_int_equal(s[0].count, 36);
    free(s);
    rpt_events_free(&e);
}

static int read_text(const char *text, rpt_events *e, char *err, size_t n)
{
    FILE *f = fmemopen((void *)text, strlen(text), "r");
    rpt_events_init(e);
    int rc = rpt_events_read_stream(e, f, "x.jsonl", err, n);
    fclose(f);
    return rc;
}

static void bad_line_is_named(void **state)
{
    (void)state;
    rpt_events e;
    char err[256];
    const char *text = "{\"type\":\"serial_line\",\"t_ns\":1,\"node\":0,\"text\":\"a\"}\n"
                       "\n"
                       "{\"type\":\"bogus\",\"t_ns\":2}\n";
    assert_int_equal(read_text(text, &e, err, sizeof err), -1);
    assert_string_equal(err, "x.jsonl:3: unknown event type \"bogus\"");
    rpt_events_free(&e);
}

static void cut_last_line_tolerated(void **state)
{
    (void)state;
    rpt_events e;
    char err[256];
    const char *text = "{\"type\":\"serial_line\",\"t_ns\":1,\"node\":0,\"text\":\"a\"}\n"
                       "{\"type\":\"serial_li";
    assert_int_equal(read_text(text, &e, err, sizeof err), 0);
    assert_true(e.truncated);
    assert_int_equal(e.n, 1);
    rpt_events_free(&e);
    /* the same bad line with its newline is an error */
    text = "{\"type\":\"serial_li\n";
    assert_int_equal(read_text(text, &e, err, sizeof err), -1);
    assert_non_null(strstr(err, "x.jsonl:1: "));
    rpt_events_free(&e);
}

static void runs_split_at_run_start(void **state)
{
    (void)state;
    rpt_events e;
    char err[256];
    const char *text =
        "{\"type\":\"serial_line\",\"t_ns\":0,\"node\":0,\"text\":\"before\"}\n"
        "{\"type\":\"run_start\",\"t_ns\":0,\"node\":0,\"runner\":\"sim\",\"firmware\":\"a.elf\","
        "\"board\":\"b\",\"seed\":\"1\"}\n"
        "{\"type\":\"run_end\",\"t_ns\":5,\"node\":0,\"reason\":\"duration\"}\n"
        "{\"type\":\"run_start\",\"t_ns\":0,\"node\":0,\"runner\":\"sim\",\"firmware\":\"dir/c.hex\","
        "\"board\":\"b\",\"seed\":\"2\"}\n"
        "{\"type\":\"run_end\",\"t_ns\":7,\"node\":0,\"reason\":\"duration\",\"wall_s\":0.5}\n";
    assert_int_equal(read_text(text, &e, err, sizeof err), 0);
    rpt_span *s;
    assert_int_equal(rpt_split_runs(&e, &s), 2);
    assert_int_equal(s[0].first, 0);
    assert_int_equal(s[0].count, 3);
    assert_int_equal(s[1].first, 3);
    assert_int_equal(s[1].count, 2);
    assert_true(e.wall_s == 0.5);
    rpt_opts o;
    rpt_opts_init(&o);
    rpt_model m;
    assert_int_equal(rpt_model_build(&m, &e, s[1], &o, err, sizeof err), 0);
    assert_string_equal(m.name, "c");  /* firmware basename without extension */
    rpt_model_free(&m);
    free(s);
    rpt_events_free(&e);
}

static void mask_spellings(void **state)
{
    (void)state;
    rpt_opts o;
    opts_with_keys(&o);
    struct {
        const char *in, *out;
    } cases[] = {
        {"NwkSKey AA0F29D39D7AAE3B54CFDF2F2A2355B5 ok", "NwkSKey AA0F\xE2\x80\xA6" "55B5 ok"},
        {"k=aa0f29d39d7aae3b54cfdf2f2a2355b5", "k=AA0F\xE2\x80\xA6" "55B5"},
        {"{ 0x2F, 0x85, 0x43, 0x5B, 0x34, 0x9C, 0x80, 0xC6, 0xA8, 0xFA, 0x27, 0x49, 0x5A, "
         "0x36, 0x82, 0x21 }",
         "{ 2F85\xE2\x80\xA6" "8221 }"},
        {"2F:85:43:5B:34:9C:80:C6:A8:FA:27:49:5A:36:82:21", "2F85\xE2\x80\xA6" "8221"},
        /* a known key inside a longer hex run */
        {"00" KEY_APPS "00", "002F85\xE2\x80\xA6" "822100"},
        /* DevAddr and frames are not keys */
        {"DevAddr 95337738 frame 4038773395000000019B4FB80A37",
         "DevAddr 95337738 frame 4038773395000000019B4FB80A37"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *m = rpt_mask_text(cases[i].in, &o);
        assert_non_null(m);
        assert_string_equal(m, cases[i].out);
        free(m);
    }
    /* without keys: any bare 32-hex token and any 16-byte 0x array */
    rpt_opts none;
    rpt_opts_init(&none);
    char *m = rpt_mask_text("x 000102030405060708090A0B0C0D0E0F y", &none);
    assert_string_equal(m, "x 0001\xE2\x80\xA6" "0E0F y");
    free(m);
    m = rpt_mask_text("0x01,0x02,0x03,0x04,0x05,0x06,0x07,0x08,0x09,0x0A,0x0B,0x0C,0x0D,0x0E,"
                      "0x0F,0x10;",
                      &none);
    assert_string_equal(m, "0102\xE2\x80\xA6" "0F10;");
    free(m);
    /* 31 and 33 digits are not a key */
    m = rpt_mask_text("000102030405060708090A0B0C0D0E0 000102030405060708090A0B0C0D0E0F1", &none);
    assert_string_equal(m, "000102030405060708090A0B0C0D0E0 000102030405060708090A0B0C0D0E0F1");
    free(m);
}

static void detail_values(void **state)
{
    (void)state;
    char v[32];
    assert_int_equal(rpt_detail_value("port=2 plain=0102, x", "plain", v, sizeof v), 1);
    assert_string_equal(v, "0102");
    assert_int_equal(rpt_detail_value("xplain=1", "plain", v, sizeof v), 0);
    assert_int_equal(rpt_detail_value("fcnt: 7;", "fcnt", v, sizeof v), 1);
    assert_string_equal(v, "7");
}

static void subbands(void **state)
{
    (void)state;
    /* edges as LoRaMac-node RegionEU868.c VerifyRfFreq assigns them */
    assert_int_equal(rpt_subband_of(863000000), 0);
    assert_int_equal(rpt_subband_of(864999999), 0);
    assert_int_equal(rpt_subband_of(865000000), 1);
    assert_int_equal(rpt_subband_of(868000000), 1);
    assert_int_equal(rpt_subband_of(868100000), 2);
    assert_int_equal(rpt_subband_of(868600000), 2);
    assert_int_equal(rpt_subband_of(868650000), -1);
    assert_int_equal(rpt_subband_of(869525000), 4);
    assert_int_equal(rpt_subband_of(869300000), -1);
    assert_int_equal(rpt_subband_of(870000000), 5);
    assert_int_equal(rpt_subband_of(870000001), -1);
}

static void model_of_fixture(void **state)
{
    (void)state;
    rpt_events e;
    assert_int_equal(load_small_run(&e), 0);
    rpt_opts o;
    opts_with_keys(&o);
    rpt_model m;
    char err[256];
    assert_int_equal(rpt_model_build(&m, &e, (rpt_span){0, e.n}, &o, err, sizeof err), 0);
    assert_string_equal(m.name, "lorawan-node");
    assert_int_equal(m.nframes, 4);
    assert_int_equal(m.nframes_tx, 3);
    assert_int_equal(m.verdicts_ok, 16);
    assert_int_equal(m.verdicts_failed, 1);
    assert_int_equal(m.nfaults, 1);
    assert_int_equal(m.t0_ns, 0);
    assert_int_equal(m.t1_ns, 180000000000ull);
    /* frames in time order: 0, 1, the downlink, 2 */
    const rpt_frame *f = m.frames;
    assert_int_equal(f[0].index, 0);
    assert_int_equal(f[0].toa_ns, 46336000);
    assert_true(f[0].parsed);
    assert_int_equal(f[0].devaddr, 0x95337738);
    assert_int_equal(f[0].fcnt, 0);
    assert_int_equal(f[0].fport, 1);
    assert_int_equal(f[0].mic, 0x4FB80A37);
    assert_int_equal(f[0].mic_ok, 1);
    assert_string_equal(f[0].plain_hex, "01");
    assert_true(f[0].have_radio);
    assert_true(f[0].rssi_dbm == -80.0 && f[0].snr_db == 9.5);
    assert_int_equal(f[1].index, 1);
    assert_int_equal(f[1].fcnt, 1);
    assert_int_equal(f[1].fport, 2);
    /* a 16-byte plaintext has a key's shape but is not one of the keys */
    assert_string_equal(f[1].plain_hex, "01264B7197BDE30A31587FA7CFF71F48");
    assert_true(f[1].rssi_dbm == -112.5 && f[1].snr_db == -7.25);
    assert_int_equal(f[2].index, -1);
    assert_true(f[2].received);
    assert_int_equal(f[2].mtype, 3);  /* UnconfirmedDataDown */
    assert_int_equal(f[2].mic, 0x0868FD69);
    assert_int_equal(f[2].t_ns, 62063816000ull);
    assert_int_equal(f[3].index, 2);
    assert_int_equal(f[3].checks_failed, 1);
    assert_int_equal(f[3].checks_ok, 4);   /* e2ee_padding is about a printed E2EE frame */
    assert_int_equal(f[1].checks_ok, 5);
    /* airtime: 46.336 + 66.816 + 46.336 ms, all in 868.0-868.6 MHz */
    assert_int_equal(m.toa_ns, 159488000);
    assert_int_equal(m.subband_toa_ns[2], 159488000);
    assert_int_equal(m.other_toa_ns, 0);
    /* RX windows: -5 ms RX1, 0 RX2; -3 ms RX1; -4 ms RX1, +1 ms RX2 */
    assert_int_equal(m.nrx, 5);
    const struct {
        rpt_rxslot slot;
        int64_t err;
        int tx;
    } want[] = {{RPT_RX1, -5000000, 0}, {RPT_RX2, 0, 0}, {RPT_RX1, -3000000, 1},
                {RPT_RX1, -4000000, 3}, {RPT_RX2, 1000000, 3}};
    for (size_t i = 0; i < 5; i++) {
        assert_int_equal(m.rx[i].slot, want[i].slot);
        assert_int_equal(m.rx[i].error_ns, want[i].err);
        assert_int_equal(m.rx[i].tx_frame, want[i].tx);
    }
    rpt_model_free(&m);
    rpt_events_free(&e);
}

static void sink_copies(void **state)
{
    (void)state;
    rpt_events e;
    rpt_events_init(&e);
    ev_sink s = {rpt_events_sink, &e};
    char text[16] = "hello";
    uint8_t pl[3] = {1, 2, 3};
    ev_event a = {.type = EV_SERIAL_LINE, .t_ns = 5, .u.line.text = text};
    ev_event b = {.type = EV_RADIO_TX, .t_ns = 6, .u.tx = {.payload = pl, .len = 3}};
    ev_emit(&s, &a);
    ev_emit(&s, &b);
    strcpy(text, "bye");
    pl[0] = 9;
    assert_int_equal(e.n, 2);
    assert_string_equal(e.ev[0].u.line.text, "hello");
    assert_int_equal(e.ev[1].u.tx.payload[0], 1);
    rpt_events_free(&e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reads_fixture),
        cmocka_unit_test(bad_line_is_named),
        cmocka_unit_test(cut_last_line_tolerated),
        cmocka_unit_test(runs_split_at_run_start),
        cmocka_unit_test(mask_spellings),
        cmocka_unit_test(detail_values),
        cmocka_unit_test(subbands),
        cmocka_unit_test(model_of_fixture),
        cmocka_unit_test(sink_copies),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
