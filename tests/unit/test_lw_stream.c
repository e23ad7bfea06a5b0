/* test_lw_stream.c — verdicts from a stream of events. The frames and their
 * plaintext are rows of fixtures/lorawan/frames.tsv (built by lora-packet
 * 0.9.3, see fixtures/README.md): up_fcnt0_p1_len1 and up_fcnt1_p2_len16 of
 * the reference device 95337738. The EU868 sub-band 868.0-868.6 MHz has a
 * 1 % duty cycle (ETSI EN 300 220, as LoRaWAN Regional Parameters use it):
 * a 50 ms frame needs 4.95 s of time-off. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/lw_stream.h"

static const char *F0 = "4038773395000000019B4FB80A37";        /* FCnt 0, FPort 1, 01 */
static const char *F1 = "40387733950001000271986568BE45BA06E51056ED9BDE8BEA379BDB25";
static const char *F1_PLAIN = "FPort 2: 01264B7197BDE30A31587FA7CFF71F48";

typedef struct got {
    int n;
    char check[32][16];
    bool ok[32];
    char detail[32][200];
    int frame[32];
} got;

static void collect(void *ctx, const ev_event *ev)
{
    got *g = ctx;
    assert_int_equal(ev->type, EV_VERDICT);
    assert_true(g->n < 32);
    snprintf(g->check[g->n], sizeof g->check[0], "%s", ev->u.verdict.check);
    g->ok[g->n] = ev->u.verdict.ok;
    snprintf(g->detail[g->n], sizeof g->detail[0], "%s", ev->u.verdict.detail);
    g->frame[g->n] = ev->u.verdict.frame;
    g->n++;
}

static size_t unhex(const char *s, uint8_t *out)
{
    size_t n = strlen(s) / 2;
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        sscanf(s + 2 * i, "%2x", &v);
        out[i] = (uint8_t)v;
    }
    return n;
}

static lw_keys ref_keys(void)
{
    lw_keys k = {.devaddr = 0x95337738};
    unhex("AA0F29D39D7AAE3B54CFDF2F2A2355B5", k.nwkskey);
    unhex("2F85435B349C80C6A8FA27495A368221", k.appskey);
    return k;
}

static void feed_tx(lws_state *s, got *g, const char *hex, uint64_t t_ns, uint64_t toa_ns)
{
    uint8_t buf[64];
    size_t n = unhex(hex, buf);
    ev_event ev = {.type = EV_RADIO_TX, .t_ns = t_ns};
    ev.u.tx = (ev_radio_tx){.freq_hz = 868100000, .sf = 7, .bw_hz = 125000, .cr = 5,
                            .toa_ns = toa_ns, .payload = buf, .len = n};
    ev_sink out = {collect, g};
    lws_feed(s, &ev, &out);
}

static int find(const got *g, int frame, const char *check)
{
    for (int i = 0; i < g->n; i++)
        if (g->frame[i] == frame && !strcmp(g->check[i], check))
            return i;
    fail_msg("no %s verdict for frame %d", check, frame);
    return -1;
}

static void good_frames_verify(void **state)
{
    (void)state;
    lw_keys k = ref_keys();
    lws_config c = {.keys = &k, .source = LWS_FROM_RADIO_TX};
    lws_state *s = lws_new(&c);
    got g = {0};
    feed_tx(s, &g, F0, 1000000000ull, 50000000ull);
    feed_tx(s, &g, F1, 61000000000ull, 50000000ull);
    for (int f = 0; f < 2; f++) {
        const char *checks[] = {"devaddr", "mic", "fcnt", "decrypt", "duty_cycle"};
        for (int i = 0; i < 5; i++)
            assert_true(g.ok[find(&g, f, checks[i])]);
    }
    assert_string_equal(g.detail[find(&g, 0, "decrypt")], "FPort 1: 01");
    assert_string_equal(g.detail[find(&g, 1, "decrypt")], F1_PLAIN);
    assert_string_equal(g.detail[find(&g, 1, "mic")], "MIC 379BDB25");
    assert_string_equal(g.detail[find(&g, 1, "fcnt")], "FCnt 1 (ok)");
    lws_totals t;
    lws_summary(s, &t);
    assert_int_equal(t.frames, 2);
    assert_int_equal(t.verified, 2);
    assert_int_equal(t.failed, 0);
    assert_int_equal(t.verdicts_failed, 0);
    lws_free(s);
}

static void wrong_key_fails_mic(void **state)
{
    (void)state;
    lw_keys k = ref_keys();
    k.nwkskey[0] ^= 1;
    lws_config c = {.keys = &k};
    lws_state *s = lws_new(&c);
    got g = {0};
    feed_tx(s, &g, F0, 0, 50000000ull);
    assert_false(g.ok[find(&g, 0, "mic")]);
    assert_false(g.ok[find(&g, 0, "decrypt")]);     /* not trusted without the MIC */
    assert_non_null(strstr(g.detail[find(&g, 0, "mic")], "on the wire"));
    lws_totals t;
    lws_summary(s, &t);
    assert_int_equal(t.verified, 0);
    assert_int_equal(t.failed, 1);
    lws_free(s);
}

static void replay_fails_fcnt(void **state)
{
    (void)state;
    lw_keys k = ref_keys();
    lws_config c = {.keys = &k};
    lws_state *s = lws_new(&c);
    got g = {0};
    feed_tx(s, &g, F1, 0, 50000000ull);
    feed_tx(s, &g, F1, 60000000000ull, 50000000ull);
    assert_true(g.ok[find(&g, 0, "fcnt")]);
    assert_false(g.ok[find(&g, 1, "fcnt")]);
    lws_totals t;
    lws_summary(s, &t);
    assert_int_equal(t.failed, 1);
    lws_free(s);
}

static void duty_cycle_time_off(void **state)
{
    (void)state;
    lws_config c = {.keys = NULL};          /* no keys: duty cycle only */
    lws_state *s = lws_new(&c);
    got g = {0};
    feed_tx(s, &g, F0, 0, 50000000ull);
    feed_tx(s, &g, F1, 4000000000ull, 50000000ull);  /* 4 s < 4.95 s of time-off */
    feed_tx(s, &g, F1, 9100000000ull, 50000000ull);  /* 5.1 s after the second */
    assert_int_equal(g.n, 3);
    assert_true(g.ok[find(&g, 0, "duty_cycle")]);
    assert_false(g.ok[find(&g, 1, "duty_cycle")]);
    assert_true(g.ok[find(&g, 2, "duty_cycle")]);
    lws_totals t;
    lws_summary(s, &t);
    assert_int_equal(t.duty_violations, 1);
    assert_int_equal(t.band[lw_duty_band_of(868100000)].frames, 3);
    assert_int_equal(t.band[lw_duty_band_of(868100000)].airtime_ns, 150000000ull);
    lws_free(s);
}

/* A board over serial may not say how it sent (hil): time on air 0 means
 * unknown, and the duty-cycle rule, which needs it, gives no verdict. */
static void duty_cycle_unknown_airtime(void **state)
{
    (void)state;
    lws_config c = {.keys = NULL};
    lws_state *s = lws_new(&c);
    got g = {0};
    feed_tx(s, &g, F0, 0, 0);
    feed_tx(s, &g, F1, 1000000ull, 0);             /* would be inside any time-off */
    assert_int_equal(g.n, 0);
    lws_totals t;
    lws_summary(s, &t);
    assert_int_equal(t.duty_unchecked, 2);
    assert_int_equal(t.duty_violations, 0);
    assert_int_equal(t.band[lw_duty_band_of(868100000)].frames, 0);
    lws_free(s);
}

static void source_and_faults(void **state)
{
    (void)state;
    lw_keys k = ref_keys();
    lws_config c = {.keys = &k, .source = LWS_FROM_GATEWAY_RX};
    lws_state *s = lws_new(&c);
    got g = {0};
    feed_tx(s, &g, F0, 0, 50000000ull);             /* ignored: wrong source */
    assert_int_equal(g.n, 0);
    uint8_t buf[64];
    size_t n = unhex(F0, buf);
    ev_event ev = {.type = EV_GATEWAY_RX, .t_ns = 2000000000ull};
    ev.u.gw = (ev_gateway_rx){.freq_hz = 868300000, .sf = 7, .bw_hz = 125000, .cr = 5,
                              .payload = buf, .len = n};
    ev_sink out = {collect, &g};
    lws_feed(s, &ev, &out);
    assert_true(g.ok[find(&g, 0, "mic")]);
    ev_event f = {.type = EV_FAULT, .t_ns = 3000000000ull};
    f.u.fault.kind = "silent";
    lws_feed(s, &f, &out);
    lws_totals t;
    lws_summary(s, &t);
    assert_int_equal(t.faults, 1);
    assert_int_equal(t.frames, 1);
    lws_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(good_frames_verify),
        cmocka_unit_test(wrong_key_fails_mic),
        cmocka_unit_test(replay_fails_fcnt),
        cmocka_unit_test(duty_cycle_time_off),
        cmocka_unit_test(duty_cycle_unknown_airtime),
        cmocka_unit_test(source_and_faults),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
