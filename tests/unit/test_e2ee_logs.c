/* test_e2ee_logs.c — check/e2ee_stream + check/e2ee on the serial logs of
 * fixtures/e2ee-logs/, written by crypto-js 4.2.0 (fixtures/gen/
 * gen-cryptojs.js): one correct node and one per classic bug, plus the
 * captured exchange (b). Expected verdicts follow from the protocol of
 * issue 4 and the bug each log was made with. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/e2ee_stream.h"

static const uint8_t KEY[16] = {0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6,
                                0xab, 0xf7, 0x15, 0x88, 0x09, 0xcf, 0x4f, 0x3c};

#define MAXV 32
typedef struct seen {
    int n;
    bool ok[MAXV];
    int frame[MAXV];
    char detail[MAXV][2048];
} seen;

static void collect(void *ctx, const ev_event *ev)
{
    seen *s = ctx;
    assert_int_equal(ev->type, EV_VERDICT);
    assert_string_equal(ev->u.verdict.check, "e2ee");
    assert_true(s->n < MAXV);
    s->ok[s->n] = ev->u.verdict.ok;
    s->frame[s->n] = ev->u.verdict.frame;
    snprintf(s->detail[s->n], sizeof s->detail[0], "%s", ev->u.verdict.detail);
    s->n++;
}

/* Runs a log through a fresh stream; returns the totals. */
static e2ees_totals run_log(const char *name, seen *s)
{
    char path[512];
    const char *dir = getenv("FIXTURES");
    snprintf(path, sizeof path, "%s/e2ee-logs/%s.log", dir && *dir ? dir : "fixtures", name);
    FILE *f = fopen(path, "r");
    if (!f)
        fail_msg("cannot open %s", path);
    e2ees_config cfg = {.key = KEY, .keylen = 16};
    char err[256];
    e2ees_state *st = e2ees_new(&cfg, err, sizeof err);
    assert_non_null(st);
    memset(s, 0, sizeof *s);
    ev_sink sink = {collect, s};
    char line[4096];
    uint64_t t = 0;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = 0;
        e2ees_line(st, 0, t += 1000, line, &sink);
    }
    fclose(f);
    e2ees_totals tot;
    e2ees_summary(st, &tot);
    e2ees_free(st);
    return tot;
}

static void expect(const seen *s, int i, bool ok, const char *needle)
{
    assert_true(i < s->n);
    if (s->ok[i] != ok)
        fail_msg("verdict %d: expected %s, got: %s", i, ok ? "ok" : "FAIL", s->detail[i]);
    if (needle && !strstr(s->detail[i], needle))
        fail_msg("verdict %d lacks \"%s\": %s", i, needle, s->detail[i]);
}

static void good(void **state)
{
    (void)state;
    seen s;
    e2ees_totals t = run_log("good", &s);
    assert_int_equal(t.frames, 6);
    assert_int_equal(t.passed, 6);
    assert_int_equal(t.reboots, 1);
    expect(&s, 0, true, "SEQN 1 (reset announced)");
    for (int i = 1; i < 6; i++)
        expect(&s, i, true, "rules passed");
    assert_int_equal(s.frame[5], 5);
}

static void zero_iv(void **state)
{
    (void)state;
    seen s;
    e2ees_totals t = run_log("zero-iv", &s);
    assert_int_equal(t.failed, 4);
    assert_int_equal(t.rule_failed[E2EE_IV], 4);
    assert_int_equal(t.rule_failed[E2EE_PADDING], 0); /* it still decrypts */
    expect(&s, 0, false, "iv: the IV is all zeros");
    expect(&s, 1, false, "IV reused: frame 0 had the same IV");
}

static void iv_reused(void **state)
{
    (void)state;
    seen s;
    e2ees_totals t = run_log("iv-reused", &s);
    assert_int_equal(t.passed, 1);
    assert_int_equal(t.rule_failed[E2EE_IV], 3);
    expect(&s, 0, true, NULL);
    for (int i = 1; i < 4; i++)
        expect(&s, i, false, "IV reused: frame 0 had the same IV");
    assert_null(strstr(s.detail[1], "all zeros"));
}

static void seqn_backwards(void **state)
{
    (void)state;
    seen s;
    e2ees_totals t = run_log("seqn-backwards", &s);
    assert_int_equal(t.passed, 1);
    assert_int_equal(t.rule_failed[E2EE_SEQN], 3);
    expect(&s, 0, true, "SEQN 10");
    expect(&s, 1, false, "seqn: SEQN went backwards: 9 after 10 (frame 0)");
    expect(&s, 3, false, "SEQN went backwards: 7 after 10 (frame 0)");
}

static void pad_drops_last(void **state)
{
    (void)state;
    seen s;
    e2ees_totals t = run_log("pad-drops-last", &s);
    assert_int_equal(t.failed, 4);
    assert_int_equal(t.rule_failed[E2EE_PADDING], 0); /* padding itself is valid */
    assert_int_equal(t.rule_failed[E2EE_BASE64], 4);
    assert_int_equal(t.rule_failed[E2EE_MATCH], 4);
    assert_int_equal(t.rule_failed[E2EE_JSON], 0); /* lenient decoders still get the JSON */
    expect(&s, 0, false, "a '=' is missing at the end");
    expect(&s, 0, false, "lenient decoders (crypto-js Base64.parse, node Buffer) accept it");
    expect(&s, 1, false, "encrypted only the first 43: the last one, '=', was dropped");
}

static void truncated(void **state)
{
    (void)state;
    seen s;
    e2ees_totals t = run_log("truncated", &s);
    assert_int_equal(t.failed, 4);
    assert_int_equal(t.rule_failed[E2EE_PADDING], 4);
    expect(&s, 0, false, "padding: PKCS#7 invalid");
    expect(&s, 0, false, "crypto-js does not throw");
    expect(&s, 1, false, "holds only the first 32 of the 44 message characters");
}

static void unannounced_reset(void **state)
{
    (void)state;
    seen s;
    e2ees_totals t = run_log("unannounced-reset", &s);
    assert_int_equal(t.reboots, 2);
    assert_int_equal(t.passed, 3);
    expect(&s, 3, false, "unannounced reset: after a restart SEQN is 1, not above 3 (frame 2)");
    expect(&s, 4, false, "unannounced reset");
}

static void announced_reset(void **state)
{
    (void)state;
    seen s;
    e2ees_totals t = run_log("announced-reset", &s);
    assert_int_equal(t.passed, 5);
    expect(&s, 3, true, "reset announced");
}

static void replay(void **state)
{
    (void)state;
    seen s;
    e2ees_totals t = run_log("replay", &s);
    assert_int_equal(t.passed, 3);
    expect(&s, 3, false, "IV reused: frame 2 had the same IV");
    expect(&s, 3, false, "replay: SEQN 3 again, frame 2 had it");
}

static void capture_b(void **state)
{
    (void)state;
    seen s;
    e2ees_totals t = run_log("capture-b", &s);
    assert_int_equal(t.frames, 1);
    assert_int_equal(t.reboots, 1); /* "Booting..." */
    expect(&s, 0, false, "base64: the plaintext is not canonical base64: 75 characters");
    expect(&s, 0, false, "accept it: 55 bytes");
    expect(&s, 0, false, "'openssl base64 -d' keeps only the complete 4-character groups: 54 bytes");
    expect(&s, 0, false, "printed 76 characters as its message but encrypted only the first 75");
    assert_null(strstr(s.detail[0], "padding:"));
    assert_null(strstr(s.detail[0], "json:"));
    assert_null(strstr(s.detail[0], "seqn:"));
    /* the key never shows */
    assert_null(strstr(s.detail[0], "2B7E1516"));
    assert_null(strstr(s.detail[0], "2b7e1516"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(good),
        cmocka_unit_test(zero_iv),
        cmocka_unit_test(iv_reused),
        cmocka_unit_test(seqn_backwards),
        cmocka_unit_test(pad_drops_last),
        cmocka_unit_test(truncated),
        cmocka_unit_test(unannounced_reset),
        cmocka_unit_test(announced_reset),
        cmocka_unit_test(replay),
        cmocka_unit_test(capture_b),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
