/* test_rpt_progress.c — the progress line appears on a terminal (a pty) with
 * simulated time, frames and speed, is redrawn at most every interval, is
 * cleared at the end, and never appears on a pipe or in a file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <pty.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "reports/progress.h"

static size_t drain(int fd, char *buf, size_t cap)
{
    size_t n = 0;
    int fl = fcntl(fd, F_GETFL);
    fcntl(fd, F_SETFL, fl | O_NONBLOCK);
    for (;;) {
        ssize_t r = read(fd, buf + n, cap - 1 - n);
        if (r <= 0)
            break;
        n += (size_t)r;
    }
    buf[n] = 0;
    return n;
}

static void on_a_terminal(void **state)
{
    (void)state;
    int master, slave;
    struct termios t;
    assert_int_equal(openpty(&master, &slave, NULL, NULL, NULL), 0);
    tcgetattr(slave, &t);
    cfmakeraw(&t);   /* no CR/LF translation: the bytes as written */
    tcsetattr(slave, TCSANOW, &t);
    FILE *f = fdopen(slave, "w");
    rpt_progress p;
    rpt_progress_init(&p, f);
    assert_true(p.tty);
    uint64_t w0 = p.wall0_ns;
    /* 2 wall seconds, 120 simulated seconds: 60x */
    rpt_progress_update_at(&p, w0 + 2000000000ull, 120000000000ull, 3);
    /* 100 ms later: within the 200 ms interval, not redrawn */
    rpt_progress_update_at(&p, w0 + 2100000000ull, 130000000000ull, 4);
    rpt_progress_done(&p);
    char buf[512];
    drain(master, buf, sizeof buf);
    assert_string_equal(buf, "\r  sim 120.000 s  frames 3  speed 60.0x\033[K\r\033[K");
    fclose(f);
    close(master);
}

static void not_on_a_pipe_or_file(void **state)
{
    (void)state;
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    FILE *f = fdopen(fds[1], "w");
    rpt_progress p;
    rpt_progress_init(&p, f);
    assert_false(p.tty);
    rpt_progress_update_at(&p, p.wall0_ns + 5000000000ull, 1000000000ull, 1);
    rpt_progress_update(&p, 2000000000ull, 2);
    rpt_progress_done(&p);
    fclose(f);
    char buf[64];
    assert_int_equal(drain(fds[0], buf, sizeof buf), 0);
    close(fds[0]);

    char *mem = NULL;
    size_t len = 0;
    f = open_memstream(&mem, &len);
    rpt_progress_init(&p, f);
    rpt_progress_update(&p, 2000000000ull, 2);
    rpt_progress_done(&p);
    fclose(f);
    assert_int_equal(len, 0);
    free(mem);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(on_a_terminal),
        cmocka_unit_test(not_on_a_pipe_or_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
