/* test_rpt_junit.c — junit.xml: valid against the Jenkins xUnit schema
 * (fixtures/schemas/junit-10.xsd, checked by xmllint), one testcase per
 * verdict, the failure carrying the frame hex and the reason, faults as
 * errors, and no key in any spelling. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/unit/rpt_test.h"

static int xmllint_schema(const char *file)
{
    char xsd[512], cmd[2048];
    fixture_path(xsd, sizeof xsd, "schemas/junit-10.xsd");
    snprintf(cmd, sizeof cmd, "xmllint --noout --schema '%s' '%s' 2>&1", xsd, file);
    return system(cmd);
}

static void fixture_junit(void **state)
{
    (void)state;
    rpt_opts o;
    opts_with_keys(&o);
    char *dir;
    const char *p = fixture_report("junit.xml", rpt_write_junit, &o, &dir);
    assert_non_null(p);
    assert_int_equal(xmllint_schema(p), 0);
    char *x = slurp(p, NULL);
    assert_non_null(x);
    /* 17 verdicts + 1 fault; the fixture's one failure and one fault */
    assert_non_null(strstr(x, "<testsuites name=\"lorahil\" tests=\"18\" failures=\"1\" "
                              "errors=\"1\" time=\"180.000\">"));
    assert_non_null(strstr(x, "<testsuite name=\"lorawan-node\" tests=\"18\" failures=\"1\" "
                              "errors=\"1\" skipped=\"0\" time=\"180.000\">"));
    assert_non_null(strstr(x, "<testcase name=\"mic frame 0\" classname=\"lorawan-node.node0\" "
                              "time=\"0\"/>"));
    assert_non_null(strstr(x, "<failure type=\"fcnt\" message=\"FCnt 0 (replay)\">"));
    /* the frame of the failure (frames.tsv up_fcnt0_p1_len1) and the reason */
    assert_non_null(strstr(x, "frame: 4038773395000000019B4FB80A37\nreason: FCnt 0 (replay)"));
    assert_non_null(strstr(x, "<error type=\"watchdog_reset\" message=\"WDT fired after 8 s "
                              "without wdt_reset() at pc 0x1234 in loop\">"));
    /* markup from the serial line is text, not elements */
    assert_non_null(strstr(x, "&lt;img src=&quot;"));
    assert_null(strstr(x, "<img"));
    assert_false(contains_ci(x, KEY_NWKS));
    assert_false(contains_ci(x, KEY_APPS));
    assert_false(contains_ci(x, "0x2F, 0x85"));
    /* masked form shown instead */
    assert_non_null(strstr(x, "NwkSKey AA0F\xE2\x80\xA6" "55B5"));
    free(x);
    remove_tree(dir);
    free(dir);
}

static void empty_and_hostile_runs_stay_valid(void **state)
{
    (void)state;
    /* no verdicts at all: a placeholder testcase keeps the suite non-empty;
     * control characters and quotes in names stay valid XML */
    const char *text =
        "{\"type\":\"run_start\",\"t_ns\":0,\"node\":0,\"runner\":\"sim\",\"firmware\":\"a\\u0001\\\"<b>.elf\","
        "\"board\":\"x&y\",\"seed\":\"1\"}\n"
        "{\"type\":\"verdict\",\"t_ns\":5,\"node\":3,\"check\":\"e2ee\\u0002<x>\",\"ok\":false,"
        "\"detail\":null,\"frame\":9}\n"
        "{\"type\":\"run_start\",\"t_ns\":0,\"node\":0,\"runner\":\"sim\",\"firmware\":\"b.elf\","
        "\"board\":\"x\",\"seed\":\"1\"}\n";
    FILE *in = fmemopen((void *)text, strlen(text), "r");
    rpt_events e;
    rpt_events_init(&e);
    char err[256];
    assert_int_equal(rpt_events_read_stream(&e, in, "t", err, sizeof err), 0);
    fclose(in);
    rpt_opts o;
    rpt_opts_init(&o);
    char *dir = make_tmpdir();
    const char *p = write_report(dir, "junit.xml", rpt_write_junit, &e, &o);
    assert_non_null(p);
    assert_int_equal(xmllint_schema(p), 0);
    char *x = slurp(p, NULL);
    assert_non_null(strstr(x, "<testcase name=\"run\" classname=\"b\" time=\"0\"/>"));
    /* frame 9 does not exist: the failure still names node and time */
    assert_non_null(strstr(x, "E2EE frame 9 (as printed by the firmware), node 3, t = 0.000 s\n"
                              "reason: check failed"));
    free(x);
    remove_tree(dir);
    free(dir);
    rpt_events_free(&e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fixture_junit),
        cmocka_unit_test(empty_and_hostile_runs_stay_valid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
