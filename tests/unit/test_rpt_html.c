/* test_rpt_html.c — report.html is well-formed (an XML parser and libxml2's
 * HTML parser both read it), self-contained (no URL scheme, no "//", no src=,
 * no <link, no @import, no script), escapes text from events, masks keys and
 * carries the tables and a timeline per node; report.md has the same tables
 * with Markdown escaping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/unit/rpt_test.h"

static char *html_of_fixture(char **dir_out)
{
    rpt_opts o;
    opts_with_keys(&o);
    const char *p = fixture_report("report.html", rpt_write_html, &o, dir_out);
    assert_non_null(p);
    return strdup(p);
}

static void well_formed(void **state)
{
    (void)state;
    char *dir, *p = html_of_fixture(&dir);
    char cmd[2048];
    /* as XML: strict well-formedness */
    snprintf(cmd, sizeof cmd, "xmllint --noout '%s'", p);
    assert_int_equal(system(cmd), 0);
    /* as HTML: libxml2's parser knows HTML 4 only, so it names the HTML5 and
     * SVG elements ("Tag svg invalid"); anything else is an error */
    snprintf(cmd, sizeof cmd,
             "xmllint --html --noout '%s' 2>&1 | grep 'parser error' | "
             "grep -v -E 'Tag (section|svg|rect|line|polyline|text|title|details|summary) "
             "invalid' | grep -q . && exit 1; exit 0",
             p);
    assert_int_equal(system(cmd), 0);
    free(p);
    remove_tree(dir);
    free(dir);
}

static void self_contained_and_escaped(void **state)
{
    (void)state;
    char *dir, *p = html_of_fixture(&dir);
    char *h = slurp(p, NULL);
    assert_non_null(h);
    static const char *const forbidden[] = {"http:", "https:", "//", "src=", "<link",
                                            "@import", "<script", "url(", "<img", "href="};
    for (size_t i = 0; i < sizeof forbidden / sizeof *forbidden; i++) {
        if (contains_ci(h, forbidden[i]))
            fail_msg("report.html contains \"%s\"", forbidden[i]);
    }
    /* the serial line <img src="http://example.invalid/x.png"> & 'quotes' // @import */
    assert_non_null(strstr(h, "&lt;img src&#61;&quot;http&#58;&#47;&#47;example.invalid&#47;"
                              "x.png&quot;&gt; &amp; &#39;quotes&#39; &#47;&#47; &#64;import"));
    assert_false(contains_ci(h, KEY_NWKS));
    assert_false(contains_ci(h, KEY_APPS));
    assert_false(contains_ci(h, "0x2F, 0x85"));
    free(h);
    free(p);
    remove_tree(dir);
    free(dir);
}

static void tables_and_timeline(void **state)
{
    (void)state;
    char *dir, *p = html_of_fixture(&dir);
    char *h = slurp(p, NULL);
    /* frame 1 row: 61 s, 868.3 MHz, SF7, 66.816 ms, DevAddr, FCnt 1, FPort 2, MIC, plaintext */
    assert_non_null(strstr(h, "<td class=\"num\">1</td><td class=\"num\">61.000</td>"
                              "<td class=\"num\">0</td><td>TX</td><td class=\"num\">868.300</td>"
                              "<td class=\"num\">7</td><td class=\"num\">125.0</td>"
                              "<td class=\"num\">66.816</td><td>UnconfirmedDataUp</td>"
                              "<td><code>95337738</code></td><td class=\"num\">1</td>"
                              "<td class=\"num\">2</td><td><code>379BDB25</code> "
                              "<span class=\"ok\">ok</span></td>"
                              "<td class=\"hex\">01264B7197BDE30A31587FA7CFF71F48</td>"));
    /* the E2EE table holds the two e2ee_padding verdicts */
    assert_non_null(strstr(h, "<h3>E2EE frames</h3>"));
    assert_non_null(strstr(h, "PKCS#7 padding of 16 bytes"));
    assert_non_null(strstr(h, "PKCS#7 padding of 1 byte"));
    /* one timeline for node 0: 3 TX bursts, 5 RX windows (one received) */
    assert_non_null(strstr(h, "<h4>node 0</h4>\n<svg "));
    size_t tx = 0, rx1 = 0, rx2 = 0;
    for (const char *s = h; (s = strstr(s, "<rect class=\"tx\"")); s++)
        tx++;
    for (const char *s = h; (s = strstr(s, "<rect class=\"rx1")); s++)
        rx1++;
    for (const char *s = h; (s = strstr(s, "<rect class=\"rx2\"")); s++)
        rx2++;
    assert_int_equal(tx, 3);
    assert_int_equal(rx1, 3);
    assert_int_equal(rx2, 2);
    assert_non_null(strstr(h, "<rect class=\"rx1 rxgot\""));
    assert_non_null(strstr(h, "RX1 at 2.041 s, 868.100 MHz SF7, opened -5.000 ms from the spec"));
    assert_non_null(strstr(h, "RX2 at 123.047 s, 869.525 MHz SF12, opened +1.000 ms from the spec"));
    /* 159.488 ms of the 36 s hourly allowance of a 1 % sub-band = 0.44 % */
    assert_non_null(strstr(h, "868.0-868.6 MHz (limit 1 %): peak 0.44 % of the hourly allowance"));
    assert_non_null(strstr(h, "<span class=\"fail\">FAIL</span>"));
    free(h);
    free(p);
    remove_tree(dir);
    free(dir);
}

static void markdown(void **state)
{
    (void)state;
    rpt_opts o;
    opts_with_keys(&o);
    char *dir;
    const char *p = fixture_report("report.md", rpt_write_md, &o, &dir);
    assert_non_null(p);
    char *m = slurp(p, NULL);
    assert_non_null(strstr(m, "# lorahil report: lorawan-node\n"));
    assert_non_null(strstr(m, "| checks | 16 passed, 1 failed |\n| faults | 1 |\n"));
    assert_non_null(strstr(m, "| time on air | 159.488 ms |\n"));
    assert_non_null(strstr(m, "- **fcnt** frame 2 (node 0, 121.000 s): FCnt 0 (replay)\n"));
    assert_non_null(strstr(m, "| 0 | 1.000 | 0 | TX | 868.100 | 7 | 46.336 | UnconfirmedDataUp | "
                              "95337738 | 0 | 1 | 4FB80A37 ok | 01 | 5 ok |\n"));
    assert_non_null(strstr(m, "| | 62.064 | 0 | down (RX) | 868.300 | 7 |  | "
                              "UnconfirmedDataDown | 95337738 | 0 | 1 | 0868FD69 not checked"));
    /* Markdown specials in text are escaped */
    assert_non_null(strstr(m, "| 61.000 | 0 | 1 | e2ee\\_padding | ok | PKCS\\#7 padding of 16 "
                              "bytes |\n"));
    assert_non_null(strstr(m, "| 100.000 | 0 | watchdog\\_reset | 0x1234 | loop | WDT fired after "
                              "8 s without wdt\\_reset() |\n"));
    assert_false(contains_ci(m, KEY_NWKS));
    assert_false(contains_ci(m, KEY_APPS));
    free(m);
    remove_tree(dir);
    free(dir);
}

static void escapers(void **state)
{
    (void)state;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    rpt_xml_escape(f, "a<b>&\"'\x01\t");
    fputc('|', f);
    rpt_html_escape(f, "x://y=@z");
    fputc('|', f);
    rpt_md_escape(f, "a|b*c\n<d>");
    fclose(f);
    assert_string_equal(buf, "a&lt;b&gt;&amp;&quot;&#39;\xEF\xBF\xBD\t|"
                             "x&#58;&#47;&#47;y&#61;&#64;z|a\\|b\\*c &lt;d&gt;");
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(well_formed),
        cmocka_unit_test(self_contained_and_escaped),
        cmocka_unit_test(tables_and_timeline),
        cmocka_unit_test(markdown),
        cmocka_unit_test(escapers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
