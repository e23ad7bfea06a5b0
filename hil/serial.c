/* serial.c — serial ports through libserialport, pseudo-terminals through
 * termios (see serial.h for why), and the Arduino DTR reset. */
#include "hil/serial.h"

#include <errno.h>
#include <fcntl.h>
#include <libserialport.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "check/lw_util.h"

struct serial_port {
    char name[256];
    struct sp_port *sp;     /* NULL for a pseudo-terminal */
    int fd;                 /* poll()able descriptor for both kinds */
    int zero_reads;         /* consecutive 0-byte reads after poll said "ready" */
};

static void copy_str(char *dst, size_t cap, const char *src)
{
    snprintf(dst, cap, "%s", src ? src : "");
}

/* VID:PID pairs as the vendors publish them (also in Linux's usb.ids). */
static const struct {
    int vid, pid;
    const char *board;
} known_ids[] = {
    {0x2341, 0x0043, "Arduino Uno R3"},
    {0x2341, 0x0001, "Arduino Uno"},
    {0x2a03, 0x0043, "Arduino Uno R3 (arduino.org)"},
    {0x2341, 0x0010, "Arduino Mega 2560"},
    {0x2341, 0x0042, "Arduino Mega 2560 R3"},
    {0x1a86, 0x7523, "CH340 USB-serial (Uno/Nano clone, many ESP8266 boards)"},
    {0x10c4, 0xea60, "CP210x USB-serial (NodeMCU and other ESP8266 boards)"},
    {0x0403, 0x6001, "FTDI FT232R USB-serial (Duemilanove, FTDI adapters)"},
};

const char *serial_board_guess(int vid, int pid)
{
    for (size_t i = 0; i < sizeof known_ids / sizeof known_ids[0]; i++)
        if (known_ids[i].vid == vid && known_ids[i].pid == pid)
            return known_ids[i].board;
    return NULL;
}

static const char *transport_name(enum sp_transport t)
{
    switch (t) {
    case SP_TRANSPORT_USB: return "usb";
    case SP_TRANSPORT_BLUETOOTH: return "bluetooth";
    default: return "native";
    }
}

int serial_list(serial_port_info **out, size_t *n, char *err, size_t errlen)
{
    *out = NULL;
    *n = 0;
    struct sp_port **list = NULL;
    enum sp_return rc = sp_list_ports(&list);
    if (rc != SP_OK && access("/sys/class/tty", F_OK) != 0) {
        /* No sysfs (a container or chroot): libserialport cannot enumerate
           and fails; there are no ports to list, which is not an error. */
        *out = calloc(1, sizeof **out);
        return *out ? 0 : (lw_errf(err, errlen, "out of memory listing serial ports"), -1);
    }
    if (rc != SP_OK) {
        char *m = sp_last_error_message();
        lw_errf(err, errlen, "cannot list serial ports: %s", m ? m : "libserialport error");
        sp_free_error_message(m);
        return -1;
    }
    size_t count = 0;
    while (list[count])
        count++;
    serial_port_info *v = calloc(count ? count : 1, sizeof *v);
    if (!v) {
        sp_free_port_list(list);
        lw_errf(err, errlen, "out of memory listing serial ports");
        return -1;
    }
    for (size_t i = 0; i < count; i++) {
        struct sp_port *p = list[i];
        serial_port_info *d = &v[i];
        copy_str(d->name, sizeof d->name, sp_get_port_name(p));
        copy_str(d->description, sizeof d->description, sp_get_port_description(p));
        enum sp_transport t = sp_get_port_transport(p);
        d->transport = transport_name(t);
        d->usb_vid = d->usb_pid = -1;
        if (t == SP_TRANSPORT_USB) {
            int vid, pid;
            if (sp_get_port_usb_vid_pid(p, &vid, &pid) == SP_OK) {
                d->usb_vid = vid;
                d->usb_pid = pid;
            }
            copy_str(d->serial_number, sizeof d->serial_number, sp_get_port_usb_serial(p));
        }
        d->board = serial_board_guess(d->usb_vid, d->usb_pid);
    }
    sp_free_port_list(list);
    *out = v;
    *n = count;
    return 0;
}

void serial_list_free(serial_port_info *ports)
{
    free(ports);
}

/* A pseudo-terminal slave: /dev/pts/N, or a symlink to one (socat, our
 * tests). Decided by the device's major number range rather than the name
 * so symlinks work: Unix98 pty slaves are majors 136..143. */
static bool path_is_pty(const char *name)
{
    struct stat st;
    if (stat(name, &st) != 0 || !S_ISCHR(st.st_mode))
        return false;
    unsigned maj = major(st.st_rdev);
    return (maj >= 136 && maj <= 143) || !strncmp(name, "/dev/pts/", 9);
}

static speed_t termios_speed(int baud)
{
    switch (baud) {
    case 1200: return B1200;
    case 2400: return B2400;
    case 4800: return B4800;
    case 9600: return B9600;
    case 19200: return B19200;
    case 38400: return B38400;
    case 57600: return B57600;
    case 115200: return B115200;
    case 230400: return B230400;
    case 460800: return B460800;
    case 500000: return B500000;
    case 921600: return B921600;
    case 1000000: return B1000000;
    default: return B0;
    }
}

static int open_pty(serial_port *p, int baud, char *err, size_t errlen)
{
    speed_t sp = termios_speed(baud);
    if (sp == B0) {
        lw_errf(err, errlen, "unsupported baud rate %d for %s", baud, p->name);
        return -1;
    }
    p->fd = open(p->name, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (p->fd < 0) {
        lw_errf(err, errlen, "cannot open %s: %s", p->name, strerror(errno));
        return -1;
    }
    struct termios t;
    if (tcgetattr(p->fd, &t) != 0) {
        lw_errf(err, errlen, "%s is not a terminal: %s", p->name, strerror(errno));
        close(p->fd);
        p->fd = -1;
        return -1;
    }
    cfmakeraw(&t);              /* 8 data bits, no parity, raw */
    t.c_cflag &= ~(tcflag_t)(CSTOPB | CRTSCTS);
    t.c_cflag |= CLOCAL | CREAD;
    t.c_iflag &= ~(tcflag_t)(IXON | IXOFF | IXANY);
    t.c_cc[VMIN] = 0;
    t.c_cc[VTIME] = 0;
    cfsetispeed(&t, sp);
    cfsetospeed(&t, sp);
    if (tcsetattr(p->fd, TCSANOW, &t) != 0) {
        lw_errf(err, errlen, "cannot configure %s: %s", p->name, strerror(errno));
        close(p->fd);
        p->fd = -1;
        return -1;
    }
    return 0;
}

static int sp_fail(serial_port *p, const char *what, char *err, size_t errlen)
{
    char *m = sp_last_error_message();
    lw_errf(err, errlen, "%s %s: %s", what, p->name, m ? m : "libserialport error");
    sp_free_error_message(m);
    return -1;
}

static int open_sp(serial_port *p, int baud, char *err, size_t errlen)
{
    if (sp_get_port_by_name(p->name, &p->sp) != SP_OK) {
        p->sp = NULL;
        if (access(p->name, F_OK) != 0)
            lw_errf(err, errlen, "cannot open %s: no such port (see 'lorahil ports')", p->name);
        else
            return sp_fail(p, "cannot open", err, errlen);
        return -1;
    }
    if (sp_open(p->sp, SP_MODE_READ_WRITE) != SP_OK) {
        sp_fail(p, "cannot open", err, errlen);
        if (errno == EACCES)
            snprintf(err + strlen(err), errlen - strlen(err),
                     " (add yourself to the 'dialout' group)");
        sp_free_port(p->sp);
        p->sp = NULL;
        return -1;
    }
    if (sp_set_baudrate(p->sp, baud) != SP_OK || sp_set_bits(p->sp, 8) != SP_OK ||
        sp_set_parity(p->sp, SP_PARITY_NONE) != SP_OK || sp_set_stopbits(p->sp, 1) != SP_OK ||
        sp_set_flowcontrol(p->sp, SP_FLOWCONTROL_NONE) != SP_OK) {
        sp_fail(p, "cannot configure 8N1 on", err, errlen);
        sp_close(p->sp);
        sp_free_port(p->sp);
        p->sp = NULL;
        return -1;
    }
    if (sp_get_port_handle(p->sp, &p->fd) != SP_OK) {
        sp_fail(p, "no file descriptor for", err, errlen);
        sp_close(p->sp);
        sp_free_port(p->sp);
        p->sp = NULL;
        return -1;
    }
    return 0;
}

int serial_open(const char *name, int baud, serial_port **out, char *err, size_t errlen)
{
    *out = NULL;
    if (baud <= 0) {
        lw_errf(err, errlen, "bad baud rate %d", baud);
        return -1;
    }
    serial_port *p = calloc(1, sizeof *p);
    if (!p) {
        lw_errf(err, errlen, "out of memory");
        return -1;
    }
    if (strlen(name) >= sizeof p->name) {
        lw_errf(err, errlen, "port name too long");
        free(p);
        return -1;
    }
    copy_str(p->name, sizeof p->name, name);
    p->fd = -1;
    int rc = path_is_pty(name) ? open_pty(p, baud, err, errlen) : open_sp(p, baud, err, errlen);
    if (rc != 0) {
        free(p);
        return -1;
    }
    *out = p;
    return 0;
}

void serial_close(serial_port *p)
{
    if (!p)
        return;
    if (p->sp) {
        sp_close(p->sp);
        sp_free_port(p->sp);
    } else if (p->fd >= 0) {
        close(p->fd);
    }
    free(p);
}

bool serial_is_pty(const serial_port *p)
{
    return p && !p->sp;
}

int serial_fd(const serial_port *p)
{
    return p ? p->fd : -1;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

int serial_reset_dtr(serial_port *p, char *err, size_t errlen)
{
    if (!p->sp)
        return 1;
    if (sp_set_dtr(p->sp, SP_DTR_OFF) != SP_OK || sp_set_rts(p->sp, SP_RTS_OFF) != SP_OK) {
        /* Some adapters have no RTS; DTR alone is what resets an Uno. */
        if (sp_set_dtr(p->sp, SP_DTR_OFF) != SP_OK)
            return sp_fail(p, "cannot clear DTR on", err, errlen);
    }
    sleep_ms(250);
    if (sp_set_dtr(p->sp, SP_DTR_ON) != SP_OK)
        return sp_fail(p, "cannot set DTR on", err, errlen);
    (void)sp_set_rts(p->sp, SP_RTS_ON);
    sleep_ms(50);
    if (sp_flush(p->sp, SP_BUF_INPUT) != SP_OK)
        return sp_fail(p, "cannot flush input of", err, errlen);
    return 0;
}

long serial_read(serial_port *p, uint8_t *buf, size_t cap, bool hangup, char *err,
                 size_t errlen)
{
    ssize_t n;
    if (p->sp) {
        enum sp_return rc = sp_nonblocking_read(p->sp, buf, cap);
        if (rc < 0) {
            if (errno == EAGAIN || errno == EINTR)
                return 0;
            lw_errf(err, errlen, "port %s lost: %s", p->name,
                    errno ? strerror(errno) : "read failed");
            return -1;
        }
        n = rc;
    } else {
        n = read(p->fd, buf, cap);
        if (n < 0) {
            if (errno == EAGAIN || errno == EINTR)
                return 0;
            lw_errf(err, errlen, "port %s lost: %s", p->name, strerror(errno));
            return -1;
        }
    }
    if (n > 0) {
        p->zero_reads = 0;
        return (long)n;
    }
    /* poll() said readable or hung up, yet nothing came: the device is gone
     * (a USB adapter unplugged, the other end of a pty closed). */
    if (hangup || ++p->zero_reads >= 3) {
        lw_errf(err, errlen, "port %s lost: %s", p->name,
                access(p->name, F_OK) != 0 ? "the device disappeared (unplugged?)"
                                           : "hang-up (the other end closed)");
        return -1;
    }
    return 0;
}

int serial_write(serial_port *p, const void *buf, size_t len, char *err, size_t errlen)
{
    const uint8_t *b = buf;
    while (len) {
        ssize_t n;
        if (p->sp) {
            enum sp_return rc = sp_blocking_write(p->sp, b, len, 1000);
            if (rc < 0)
                return sp_fail(p, "cannot write to", err, errlen);
            if (rc == 0) {
                lw_errf(err, errlen, "write to %s timed out", p->name);
                return -1;
            }
            n = rc;
        } else {
            n = write(p->fd, b, len);
            if (n < 0) {
                if (errno == EAGAIN || errno == EINTR) {
                    sleep_ms(1);
                    continue;
                }
                lw_errf(err, errlen, "cannot write to %s: %s", p->name, strerror(errno));
                return -1;
            }
        }
        b += n;
        len -= (size_t)n;
    }
    return 0;
}
