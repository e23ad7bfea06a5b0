/* sim_pty.c — UART bytes to a pseudo-terminal (see sim_pty.h). */
#include "sim_pty.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <avr_uart.h>

static void on_byte(struct avr_irq_t *irq, uint32_t value, void *param)
{
    (void)irq;
    sim_pty *p = param;
    if (p->stalled || p->master < 0)
        return;
    uint8_t c = (uint8_t)value;
    for (;;) {
        ssize_t n = write(p->master, &c, 1);
        if (n == 1) {
            p->bytes++;
            return;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno != EAGAIN) {
            snprintf(p->err, sizeof p->err, "pty %s: %s; UART no longer copied", p->path,
                     strerror(errno));
            p->stalled = true;
            return;
        }
        /* Full: the reader is behind. Wait for room, not for ever. */
        struct pollfd pf = {p->master, POLLOUT, 0};
        if (poll(&pf, 1, SIM_PTY_STALL_MS) <= 0) {
            snprintf(p->err, sizeof p->err,
                     "nobody read %s for %d s; UART no longer copied", p->path,
                     SIM_PTY_STALL_MS / 1000);
            p->stalled = true;
            return;
        }
    }
}

int sim_pty_open(sim_pty *p, avr_t *avr, char name, char *err, size_t errlen)
{
    memset(p, 0, sizeof *p);
    p->master = p->slave = -1;
    avr_irq_t *out = avr_io_getirq(avr, AVR_IOCTL_UART_GETIRQ(name), UART_IRQ_OUTPUT);
    if (!out) {
        snprintf(err, errlen, "%s has no UART%c", avr->mmcu, name);
        return -1;
    }
    if (openpty(&p->master, &p->slave, p->path, NULL, NULL) != 0) {
        snprintf(err, errlen, "cannot open a pseudo-terminal: %s", strerror(errno));
        return -1;
    }
    /* Raw on the slave: no echo back into the master, no line editing, no
     * "\n" -> "\r\n"; the reader gets the firmware's bytes unchanged. We keep
     * the slave open so bytes wait in it until a reader comes. */
    struct termios t;
    if (tcgetattr(p->slave, &t) == 0) {
        cfmakeraw(&t);
        cfsetispeed(&t, B115200);
        cfsetospeed(&t, B115200);
        tcsetattr(p->slave, TCSANOW, &t);
    }
    fcntl(p->master, F_SETFL, fcntl(p->master, F_GETFL) | O_NONBLOCK);
    fcntl(p->master, F_SETFD, FD_CLOEXEC);
    fcntl(p->slave, F_SETFD, FD_CLOEXEC);
    avr_irq_register_notify(out, on_byte, p);
    return 0;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

bool sim_pty_close(sim_pty *p, int wait_ms)
{
    if (p->master < 0)
        return true;
    /* Written bytes reach the slave's queue a moment later (the tty layer
     * pushes them from a work queue): let them, then wait for an empty
     * queue several times in a row. */
    bool drained = false;
    int empty = 0;
    sleep_ms(30);
    for (int waited = 0; waited <= wait_ms; waited += 5) {
        int q = 0;
        if (ioctl(p->slave, TIOCINQ, &q) != 0)
            break;
        empty = q == 0 ? empty + 1 : 0;
        if (empty == 4) {
            drained = true;
            break;
        }
        sleep_ms(5);
    }
    close(p->master);
    close(p->slave);
    p->master = p->slave = -1;
    return drained;
}
