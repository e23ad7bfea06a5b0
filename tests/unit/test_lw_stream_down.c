/* test_lw_stream_down.c — downlinks in a stream of events: frames the
 * node's radio received (radio_rx_window, result "rx") are checked like
 * uplinks with direction 1 and their own counter, under downlink_* names.
 * Every frame, key, counter, MIC and plaintext comes from the dir=down (and
 * two dir=up) rows of fixtures/lorawan/frames.tsv, built by npm lora-packet
 * 0.9.3 and cross-checked with OpenSSL there (see fixtures/README.md); the
 * expected details are assembled from those columns, never from check/. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "check/lw_stream.h"
#include "tests/unit/lw_fixture.h"

static fx_table frames;

static int load(void **state)
{
    (void)state;
    fx_load("lorawan/frames.tsv", &frames);
    return 0;
}

static int unload(void **state)
{
    (void)state;
    fx_free(&frames);
    return 0;
}

#define MAXV 48

typedef struct got {
    int n;
    char check[MAXV][32];
    bool ok[MAXV];
    char detail[MAXV][600];
    int frame[MAXV];
} got;

static void collect(void *ctx, const ev_event *ev)
{
    got *g = ctx;
    assert_int_equal(ev->type, EV_VERDICT);
    assert_true(g->n < MAXV);
    snprintf(g->check[g->n], sizeof g->check[0], "%s", ev->u.verdict.check);
    g->ok[g->n] = ev->u.verdict.ok;
    snprintf(g->detail[g->n], sizeof g->detail[0], "%s", ev->u.verdict.detail);
    g->frame[g->n] = ev->u.verdict.frame;
    g->n++;
}

static size_t row_of(const char *name)
{
    for (size_t r = 0; r < frames.nrows; r++)
        if (!strcmp(fx_get(&frames, r, "name"), name))
            return r;
    fail_msg("frames.tsv has no row %s", name);
    return 0;
}

static lw_keys keys_of(size_t r)
{
    lw_keys k;
    uint8_t da[4];
    assert_int_equal(fx_hex(fx_get(&frames, r, "devaddr"), da, 4), 4);
    k.devaddr = (uint32_t)da[0] << 24 | (uint32_t)da[1] << 16 | (uint32_t)da[2] << 8 | da[3];
    assert_int_equal(fx_hex(fx_get(&frames, r, "nwkskey"), k.nwkskey, 16), 16);
    assert_int_equal(fx_hex(fx_get(&frames, r, "appskey"), k.appskey, 16), 16);
    return k;
}

/* a receive window that got the row's PHYPayload */
static void feed_rx(lws_state *s, got *g, size_t r, uint64_t t_ns)
{
    uint8_t buf[LW_MAX_FRAME];
    size_t n = fx_hex(fx_get(&frames, r, "phypayload"), buf, sizeof buf);
    ev_event ev = {.type = EV_RADIO_RX_WINDOW, .t_ns = t_ns};
    ev.u.rxw = (ev_radio_rx_window){.freq_hz = 868100000, .sf = 7, .bw_hz = 125000,
                                    .open_ns = t_ns - 50000000, .close_ns = t_ns,
                                    .result = "rx", .payload = buf, .len = n};
    ev_sink out = {collect, g};
    lws_feed(s, &ev, &out);
}

/* the row's frame as an uplink transmission */
static void feed_tx(lws_state *s, got *g, size_t r, uint64_t t_ns)
{
    uint8_t buf[LW_MAX_FRAME];
    size_t n = fx_hex(fx_get(&frames, r, "phypayload"), buf, sizeof buf);
    ev_event ev = {.type = EV_RADIO_TX, .t_ns = t_ns};
    ev.u.tx = (ev_radio_tx){.freq_hz = 868100000, .sf = 7, .bw_hz = 125000, .cr = 5,
                            .toa_ns = 50000000, .payload = buf, .len = n};
    ev_sink out = {collect, g};
    lws_feed(s, &ev, &out);
}

/* index of the last verdict named check at or after `from`, or -1 */
static int find(const got *g, int from, const char *check)
{
    int at = -1;
    for (int i = from; i < g->n; i++)
        if (!strcmp(g->check[i], check))
            at = i;
    return at;
}

static int must(const got *g, int from, const char *check)
{
    int i = find(g, from, check);
    if (i < 0)
        fail_msg("no %s verdict", check);
    return i;
}

static lws_state *stream(const lw_keys *k, bool have_last, uint32_t last)
{
    lws_config c = {.keys = k, .source = LWS_FROM_RADIO_TX, .have_fcnt_down_last = have_last,
                    .fcnt_down_last = last};
    lws_state *s = lws_new(&c);
    assert_non_null(s);
    return s;
}

/* the detail of downlink_decrypt for a row: "FPort P: PLAINHEX" */
static void plain_detail(size_t r, char *out, size_t cap)
{
    const char *port = fx_get(&frames, r, "fport"), *pl = fx_get(&frames, r, "payload");
    if (!strcmp(port, "-"))
        snprintf(out, cap, "no FPort, no FRMPayload");
    else
        snprintf(out, cap, "FPort %s: %s", port, strcmp(pl, "-") ? pl : "");
}

/* Every downlink row, each in a fresh stream (a counter above 65535 given
 * as the previous value, as the wire has only its low 16 bits): every check
 * passes with the fixture's DevAddr, MIC, FCnt and plaintext, except the
 * MAC commands of the row built truncated on purpose. */
static void fixture_downlinks_verify(void **state)
{
    (void)state;
    int rows = 0;
    for (size_t r = 0; r < frames.nrows; r++) {
        if (strcmp(fx_get(&frames, r, "dir"), "down"))
            continue;
        rows++;
        const char *name = fx_get(&frames, r, "name");
        unsigned long long fc = fx_num(fx_get(&frames, r, "fcnt"));
        lw_keys k = keys_of(r);
        lws_state *s = stream(&k, fc > 0xffff, (uint32_t)(fc - 1));
        got g = {0};
        feed_rx(s, &g, r, 5000000000ull);
        char want[600];
        for (int i = 0; i < g.n; i++) {
            if (strncmp(g.check[i], "downlink_", 9))
                fail_msg("%s: verdict '%s' is not a downlink one", name, g.check[i]);
            assert_int_equal(g.frame[i], -1);
        }
        snprintf(want, sizeof want, "DevAddr %s", fx_get(&frames, r, "devaddr"));
        int i = must(&g, 0, "downlink_devaddr");
        assert_true(g.ok[i]);
        assert_string_equal(g.detail[i], want);
        snprintf(want, sizeof want, "MIC %s", fx_get(&frames, r, "mic"));
        i = must(&g, 0, "downlink_mic");
        if (!g.ok[i])
            fail_msg("%s: %s", name, g.detail[i]);
        assert_string_equal(g.detail[i], want);
        snprintf(want, sizeof want, "FCnt %s (ok)", fx_get(&frames, r, "fcnt"));
        i = must(&g, 0, "downlink_fcnt");
        assert_true(g.ok[i]);
        assert_string_equal(g.detail[i], want);
        plain_detail(r, want, sizeof want);
        i = must(&g, 0, "downlink_decrypt");
        assert_true(g.ok[i]);
        assert_string_equal(g.detail[i], want);
        bool macs = strcmp(fx_get(&frames, r, "fopts"), "-") ||
                    !strcmp(fx_get(&frames, r, "fport"), "0");
        bool bad_mac = strstr(name, "truncated_mac") != NULL;
        i = find(&g, 0, "downlink_mac");
        if (macs) {
            if (i < 0)
                fail_msg("%s: no downlink_mac verdict", name);
            if (g.ok[i] == bad_mac)
                fail_msg("%s: downlink_mac %s: %s", name, g.ok[i] ? "ok" : "failed", g.detail[i]);
        } else {
            assert_int_equal(i, -1);
        }
        lws_totals t;
        lws_summary(s, &t);
        assert_int_equal(t.downlinks, 1);
        assert_int_equal(t.downlinks_verified, bad_mac ? 0 : 1);
        assert_int_equal(t.downlinks_failed, bad_mac ? 1 : 0);
        assert_int_equal(t.verdicts_failed, bad_mac ? 1 : 0);
        /* uplink totals untouched */
        assert_int_equal(t.frames, 0);
        assert_int_equal(t.verified, 0);
        assert_int_equal(t.failed, 0);
        lws_free(s);
    }
    assert_true(rows >= 20);
}

/* A wrong NwkSKey: the downlink MIC fails (B0 with direction 1 and the right
 * key is what verifies, see above) and the decryption is not trusted. */
static void wrong_nwkskey_fails(void **state)
{
    (void)state;
    size_t r = row_of("down_fcnt0_p1_len1");
    lw_keys k = keys_of(r);
    k.nwkskey[15] ^= 0x80;
    lws_state *s = stream(&k, false, 0);
    got g = {0};
    feed_rx(s, &g, r, 2000000000ull);
    int i = must(&g, 0, "downlink_mic");
    assert_false(g.ok[i]);
    char want[64];
    snprintf(want, sizeof want, "MIC %s on the wire", fx_get(&frames, r, "mic"));
    assert_non_null(strstr(g.detail[i], want));
    assert_false(g.ok[must(&g, 0, "downlink_decrypt")]);
    assert_true(g.ok[must(&g, 0, "downlink_devaddr")]);
    lws_totals t;
    lws_summary(s, &t);
    assert_int_equal(t.downlinks, 1);
    assert_int_equal(t.downlinks_verified, 0);
    assert_int_equal(t.downlinks_failed, 1);
    assert_int_equal(t.verdicts_failed, 2);
    lws_free(s);
}

/* The same frame checked against a session with another DevAddr fails
 * downlink_devaddr. */
static void wrong_devaddr_fails(void **state)
{
    (void)state;
    size_t r = row_of("down_fcnt255_p2_len16");
    lw_keys k = keys_of(r);
    k.devaddr ^= 1;
    lws_state *s = stream(&k, false, 0);
    got g = {0};
    feed_rx(s, &g, r, 2000000000ull);
    int i = must(&g, 0, "downlink_devaddr");
    assert_false(g.ok[i]);
    assert_non_null(strstr(g.detail[i], "is not the session's"));
    lws_totals t;
    lws_summary(s, &t);
    assert_int_equal(t.downlinks_failed, 1);
    lws_free(s);
}

/* FRMPayload keys: FPort 0 is decrypted with the NwkSKey (a wrong AppSKey
 * does not matter), any other FPort with the AppSKey (a wrong one gives
 * other bytes; the MIC, over the ciphertext, still holds). */
static void fport0_uses_nwkskey(void **state)
{
    (void)state;
    char want[600];
    size_t r0 = row_of("down_p0_linkadrreq_rxtimingsetupreq");
    lw_keys k = keys_of(r0);
    k.appskey[0] ^= 1;
    lws_state *s = stream(&k, false, 0);
    got g = {0};
    feed_rx(s, &g, r0, 2000000000ull);
    plain_detail(r0, want, sizeof want);
    int i = must(&g, 0, "downlink_decrypt");
    assert_true(g.ok[i]);
    assert_string_equal(g.detail[i], want);
    assert_true(g.ok[must(&g, 0, "downlink_mac")]);
    lws_free(s);

    size_t r1 = row_of("down_fcnt255_p2_len16");
    k = keys_of(r1);
    k.appskey[0] ^= 1;
    s = stream(&k, false, 0);
    memset(&g, 0, sizeof g);
    feed_rx(s, &g, r1, 2000000000ull);
    plain_detail(r1, want, sizeof want);
    i = must(&g, 0, "downlink_decrypt");
    assert_true(g.ok[i]);
    assert_string_not_equal(g.detail[i], want);
    assert_true(g.ok[must(&g, 0, "downlink_mic")]);
    lws_free(s);
}

/* FCntDown is its own counter: uplinks FCnt 0 and 1 do not make a downlink
 * with FCnt 0 a replay, and a downlink replay does not touch the uplinks. */
static void counters_are_separate(void **state)
{
    (void)state;
    size_t u0 = row_of("up_fcnt0_p1_len1"), u1 = row_of("up_fcnt1_p2_len16");
    size_t d0 = row_of("down_fcnt0_p1_len1"), d255 = row_of("down_fcnt255_p2_len16");
    lw_keys k = keys_of(u0);
    lws_state *s = stream(&k, false, 0);
    got g = {0};
    feed_tx(s, &g, u0, 0);
    feed_tx(s, &g, u1, 10000000000ull);
    int mark = g.n;
    feed_rx(s, &g, d0, 11100000000ull);
    int i = must(&g, mark, "downlink_fcnt");
    assert_true(g.ok[i]);
    assert_string_equal(g.detail[i], "FCnt 0 (ok)");
    mark = g.n;
    feed_tx(s, &g, u1, 20000000000ull);            /* uplink replay: fcnt fails */
    assert_false(g.ok[must(&g, mark, "fcnt")]);
    mark = g.n;
    feed_rx(s, &g, d0, 21100000000ull);             /* downlink replay */
    i = must(&g, mark, "downlink_fcnt");
    assert_false(g.ok[i]);
    assert_string_equal(g.detail[i], "FCnt 0 (replay)");
    mark = g.n;
    feed_rx(s, &g, d255, 31100000000ull);           /* grew by 255: a skip, not a failure */
    i = must(&g, mark, "downlink_fcnt");
    assert_true(g.ok[i]);
    assert_string_equal(g.detail[i], "FCnt 255 (skip)");
    lws_totals t;
    lws_summary(s, &t);
    assert_int_equal(t.frames, 3);
    assert_int_equal(t.verified, 2);
    assert_int_equal(t.failed, 1);
    assert_int_equal(t.downlinks, 3);
    assert_int_equal(t.downlinks_verified, 2);
    assert_int_equal(t.downlinks_failed, 1);
    lws_free(s);
}

/* 32-bit FCntDown from 16 wire bits: after 65535 (given as the previous
 * value 65534), wire 0 is 65536 and wire 0x1170 is 70000 (the fixture's MICs
 * use those full counters); a fresh stream takes wire 0 as 0 and the MIC
 * fails. */
static void fcnt_down_32bit(void **state)
{
    (void)state;
    const char *names[] = {"down_fcnt65535_p223_len51", "down_fcnt65536_p1_len4",
                           "down_fcnt70000_p1_len16"};
    const char *verdict[] = {"ok", "ok", "skip"};
    size_t r = row_of(names[0]);
    lw_keys k = keys_of(r);
    lws_state *s = stream(&k, true, 65534);
    got g = {0};
    for (int n = 0; n < 3; n++) {
        int mark = g.n;
        r = row_of(names[n]);
        feed_rx(s, &g, r, (uint64_t)(n + 1) * 30000000000ull);
        char want[64];
        snprintf(want, sizeof want, "FCnt %s (%s)", fx_get(&frames, r, "fcnt"), verdict[n]);
        int i = must(&g, mark, "downlink_fcnt");
        assert_true(g.ok[i]);
        assert_string_equal(g.detail[i], want);
        assert_true(g.ok[must(&g, mark, "downlink_mic")]);
    }
    lws_totals t;
    lws_summary(s, &t);
    assert_int_equal(t.downlinks_verified, 3);
    lws_free(s);

    s = stream(&k, false, 0);
    memset(&g, 0, sizeof g);
    feed_rx(s, &g, row_of("down_fcnt65536_p1_len4"), 1000000000ull);
    assert_false(g.ok[must(&g, 0, "downlink_mic")]);
    lws_free(s);
}

/* Not downlinks: windows that got nothing, a CRC error, and another
 * device's uplink heard in a window (MType Data Up). A received frame that
 * is no data frame (a Join Accept, 3 bytes of noise) is a downlink that
 * fails downlink_parse. */
static void what_counts_as_downlink(void **state)
{
    (void)state;
    size_t u0 = row_of("up_fcnt0_p1_len1");
    lw_keys k = keys_of(u0);
    lws_state *s = stream(&k, false, 0);
    got g = {0};
    ev_sink out = {collect, &g};
    ev_event ev = {.type = EV_RADIO_RX_WINDOW, .t_ns = 1000000000ull};
    ev.u.rxw = (ev_radio_rx_window){.freq_hz = 868100000, .sf = 7, .bw_hz = 125000,
                                    .result = "timeout"};
    lws_feed(s, &ev, &out);
    ev.u.rxw.result = "crc_error";
    lws_feed(s, &ev, &out);
    ev.u.rxw.result = NULL;
    lws_feed(s, &ev, &out);
    feed_rx(s, &g, u0, 2000000000ull);              /* an uplink in an RX window */
    assert_int_equal(g.n, 0);
    lws_totals t;
    lws_summary(s, &t);
    assert_int_equal(t.downlinks, 0);
    assert_int_equal(t.frames, 0);

    /* Join Accept: MHDR 0x20 (MType 1), 16 bytes after it */
    uint8_t ja[17] = {0x20};
    ev.u.rxw = (ev_radio_rx_window){.result = "rx", .payload = ja, .len = sizeof ja};
    lws_feed(s, &ev, &out);
    uint8_t noise[3] = {0x60, 0x01, 0x02};          /* Unconfirmed Data Down, too short */
    ev.u.rxw.payload = noise;
    ev.u.rxw.len = sizeof noise;
    lws_feed(s, &ev, &out);
    assert_int_equal(g.n, 2);
    assert_string_equal(g.check[0], "downlink_parse");
    assert_false(g.ok[0]);
    assert_string_equal(g.check[1], "downlink_parse");
    assert_false(g.ok[1]);
    lws_summary(s, &t);
    assert_int_equal(t.downlinks, 2);
    assert_int_equal(t.downlinks_failed, 2);
    assert_int_equal(t.failed, 0);
    lws_free(s);
}

/* Without keys downlinks are counted, not verified. */
static void no_keys_counts_only(void **state)
{
    (void)state;
    lws_state *s = stream(NULL, false, 0);
    got g = {0};
    feed_rx(s, &g, row_of("down_conf_p1_len1"), 1000000000ull);
    assert_int_equal(g.n, 0);
    lws_totals t;
    lws_summary(s, &t);
    assert_int_equal(t.downlinks, 1);
    assert_int_equal(t.downlinks_verified, 0);
    assert_int_equal(t.downlinks_failed, 0);
    lws_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fixture_downlinks_verify),
        cmocka_unit_test(wrong_nwkskey_fails),
        cmocka_unit_test(wrong_devaddr_fails),
        cmocka_unit_test(fport0_uses_nwkskey),
        cmocka_unit_test(counters_are_separate),
        cmocka_unit_test(fcnt_down_32bit),
        cmocka_unit_test(what_counts_as_downlink),
        cmocka_unit_test(no_keys_counts_only),
    };
    return cmocka_run_group_tests(tests, load, unload);
}
