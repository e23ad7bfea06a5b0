/* serial.h — serial ports for the hil runner: listing what libserialport
 * sees, guessing the board from the USB VID:PID, opening a port 8N1 in raw
 * mode, the Arduino auto-reset pulse on DTR, and non-blocking reads that
 * tell "no data yet" from "the port is gone".
 *
 * Pseudo-terminals: libserialport 0.1.1 (Debian 12) refuses them — it looks
 * up /sys/class/tty/pts/N, which does not exist, and asks for the modem lines
 * (TIOCMGET), which a pty does not have. serial_open() therefore opens a
 * /dev/pts/N or /dev/ptmx-backed path with plain termios, with the same raw
 * 8N1 settings; every other path goes through libserialport. Everything
 * above this file (line splitting, events, checks) is the same for both.
 *
 * No printing, no exit(): errors come back as -1 and a one-line message.
 * Ownership: serial_list() allocates the array; free it with
 * serial_list_free(). A serial_port is owned by the caller of serial_open().
 */
#ifndef LORAHIL_SERIAL_H
#define LORAHIL_SERIAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct serial_port_info {
    char name[256];           /* "/dev/ttyACM0" */
    char description[128];    /* libserialport's description, "" if none */
    const char *transport;    /* "usb", "native", "bluetooth" (static) */
    int usb_vid, usb_pid;     /* -1 when not a USB port or unknown */
    char serial_number[128];  /* "" when unknown */
    const char *board;        /* serial_board_guess(), NULL when no guess (static) */
} serial_port_info;

/* The ports libserialport sees (sp_list_ports). *n may be 0. Returns 0, or
 * -1 with a message. */
int serial_list(serial_port_info **out, size_t *n, char *err, size_t errlen);
void serial_list_free(serial_port_info *ports);

/* A board or adapter guessed from the USB vendor and product IDs, e.g.
 * "Arduino Uno" for 2341:0043; NULL when the pair is not known. The IDs are
 * the ones the vendors publish (and Linux's usb.ids lists). */
const char *serial_board_guess(int vid, int pid);

typedef struct serial_port serial_port;

/* Opens name at baud, 8 data bits, no parity, 1 stop bit, no flow control,
 * raw (no echo, no line editing). Returns 0 and *out, or -1 with a message
 * naming the port ("cannot open /dev/ttyACM0: Permission denied ..."). */
int serial_open(const char *name, int baud, serial_port **out, char *err, size_t errlen);
void serial_close(serial_port *p);

/* True when the port was opened as a pseudo-terminal (no modem lines). */
bool serial_is_pty(const serial_port *p);

/* The file descriptor to poll() for input. */
int serial_fd(const serial_port *p);

/* Arduino auto-reset, done the way avrdude's "arduino" programmer does it
 * (avrdude 7.1 src/arduino.c): DTR and RTS off for 250 ms, then on; the
 * falling edge on the board's DTR# pin goes through a 100 nF capacitor to
 * RESET. Waits 50 ms more, then discards input received before the reset.
 * Returns 0, 1 when the port has no modem lines (a pseudo-terminal: nothing
 * done), or -1 with a message. */
int serial_reset_dtr(serial_port *p, char *err, size_t errlen);

/* Reads what is available now (never blocks). Returns the number of bytes
 * (0 = nothing yet), or -1 when the port is gone or failed, with a message
 * ("port /dev/ttyACM0 lost: Input/output error"). `hangup` is the poll()
 * result for this port: true when POLLHUP/POLLERR was reported. */
long serial_read(serial_port *p, uint8_t *buf, size_t cap, bool hangup, char *err,
                 size_t errlen);

/* Writes all bytes (used by tests and for sending commands). Returns 0 or -1. */
int serial_write(serial_port *p, const void *buf, size_t len, char *err, size_t errlen);

#endif
