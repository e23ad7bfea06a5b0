/* test_lw_util.c — the shared error-buffer and hex-digit helpers. Expected
 * digit values are those of the ASCII table (RFC 20): '0'..'9' = 0x30..0x39,
 * 'A'..'F' = 0x41..0x46, 'a'..'f' = 0x61..0x66; the neighbours of each range
 * ('/', ':', '@', 'G', '`', 'g') are not digits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "check/lw_util.h"

static void hexval_digits(void **state)
{
    (void)state;
    assert_int_equal(lw_hexval(0x30), 0);
    assert_int_equal(lw_hexval(0x39), 9);
    assert_int_equal(lw_hexval(0x41), 10);
    assert_int_equal(lw_hexval(0x46), 15);
    assert_int_equal(lw_hexval(0x61), 10);
    assert_int_equal(lw_hexval(0x66), 15);
    assert_int_equal(lw_hexval(0x63), 12);
    assert_int_equal(lw_hexval(0x44), 13);
}

static void hexval_non_digits(void **state)
{
    (void)state;
    const int not_hex[] = {0x2F, 0x3A, 0x40, 0x47, 0x60, 0x67, 0x00, 0x20, 0x7F, 0xB0, 0xFF, -1,
                           -80};
    for (size_t i = 0; i < sizeof not_hex / sizeof not_hex[0]; i++)
        assert_int_equal(lw_hexval(not_hex[i]), -1);
}

static void errf_formats_and_truncates(void **state)
{
    (void)state;
    char buf[16];
    lw_errf(buf, sizeof buf, "line %d: %s", 7, "bad");
    assert_string_equal(buf, "line 7: bad");
    lw_errf(buf, 6, "%s", "0123456789");
    assert_string_equal(buf, "01234");
}

static void errf_no_buffer(void **state)
{
    (void)state;
    char buf[4] = "abc";
    lw_errf(NULL, 10, "x");
    lw_errf(buf, 0, "x");
    assert_string_equal(buf, "abc");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hexval_digits),
        cmocka_unit_test(hexval_non_digits),
        cmocka_unit_test(errf_formats_and_truncates),
        cmocka_unit_test(errf_no_buffer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
