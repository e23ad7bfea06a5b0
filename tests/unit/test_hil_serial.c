/* test_hil_serial.c — board guesses from USB IDs (the IDs the vendors
 * publish: Arduino 2341:0043 Uno R3 and 2341:0001 Uno, WCH 1a86:7523 CH340,
 * Silicon Labs 10c4:ea60 CP210x, FTDI 0403:6001 FT232R), and serial_open /
 * serial_read on a pseudo-terminal pair: raw 8N1, no data = 0, the other
 * end closing = the port is lost. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <poll.h>
#include <pty.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "hil/serial.h"

static void board_guesses(void **state)
{
    (void)state;
    assert_non_null(strstr(serial_board_guess(0x2341, 0x0043), "Uno"));
    assert_non_null(strstr(serial_board_guess(0x2341, 0x0001), "Uno"));
    assert_non_null(strstr(serial_board_guess(0x1a86, 0x7523), "CH340"));
    assert_non_null(strstr(serial_board_guess(0x10c4, 0xea60), "CP210x"));
    assert_non_null(strstr(serial_board_guess(0x0403, 0x6001), "FTDI"));
    assert_null(serial_board_guess(0x0403, 0x6015));
    assert_null(serial_board_guess(-1, -1));
}

static void listing_works(void **state)
{
    (void)state;
    serial_port_info *p;
    size_t n;
    char err[256];
    /* Whatever the machine has (maybe nothing): it must not fail. */
    assert_int_equal(serial_list(&p, &n, err, sizeof err), 0);
    for (size_t i = 0; i < n; i++) {
        assert_true(p[i].name[0] != 0);
        assert_non_null(p[i].transport);
    }
    serial_list_free(p);
}

static void pty_read_and_hangup(void **state)
{
    (void)state;
    int m, s;
    char name[128];
    assert_int_equal(openpty(&m, &s, name, NULL, NULL), 0);
    serial_port *p;
    char err[256];
    assert_int_equal(serial_open(name, 115200, &p, err, sizeof err), 0);
    assert_true(serial_is_pty(p));
    /* raw: no echo back, bytes pass unchanged, "\r" is not turned into "\n" */
    struct termios t;
    assert_int_equal(tcgetattr(serial_fd(p), &t), 0);
    assert_int_equal(t.c_lflag & (ECHO | ICANON), 0);
    assert_int_equal(cfgetispeed(&t), B115200);
    assert_int_equal(t.c_cflag & CSIZE, CS8);
    assert_int_equal(t.c_cflag & (PARENB | CSTOPB), 0);
    uint8_t buf[64];
    assert_int_equal(serial_read(p, buf, sizeof buf, false, err, sizeof err), 0);
    const uint8_t sent[] = {'a', '\r', '\n', 0x00, 0xFF};
    assert_int_equal(write(m, sent, sizeof sent), (ssize_t)sizeof sent);
    struct pollfd pf = {serial_fd(p), POLLIN, 0};
    assert_int_equal(poll(&pf, 1, 2000), 1);
    assert_int_equal(serial_read(p, buf, sizeof buf, false, err, sizeof err), sizeof sent);
    assert_memory_equal(buf, sent, sizeof sent);
    /* a pty has no DTR: the reset says so instead of failing */
    assert_int_equal(serial_reset_dtr(p, err, sizeof err), 1);
    close(m);
    close(s);
    assert_int_equal(poll(&pf, 1, 2000), 1);
    assert_true(pf.revents & (POLLHUP | POLLERR));
    assert_int_equal(serial_read(p, buf, sizeof buf, true, err, sizeof err), -1);
    assert_non_null(strstr(err, "lost"));
    serial_close(p);
}

static void open_errors(void **state)
{
    (void)state;
    serial_port *p;
    char err[256];
    assert_int_equal(serial_open("/dev/lorahil-no-such-port", 115200, &p, err, sizeof err), -1);
    assert_string_equal(err, "cannot open /dev/lorahil-no-such-port: no such port "
                             "(see 'lorahil ports')");
    int m, s;
    char name[128];
    assert_int_equal(openpty(&m, &s, name, NULL, NULL), 0);
    assert_int_equal(serial_open(name, 12345, &p, err, sizeof err), -1);
    assert_non_null(strstr(err, "unsupported baud rate 12345"));
    close(m);
    close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(board_guesses),
        cmocka_unit_test(listing_works),
        cmocka_unit_test(pty_read_and_hangup),
        cmocka_unit_test(open_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
