/* hil_flash.h — programs a board through its serial bootloader with
 * Debian's avrdude, as the Arduino IDE does for an Uno:
 *
 *   avrdude -p atmega328p -c arduino -P PORT -b 115200 -D -U flash:w:FILE:i
 *
 * (-c arduino: the STK500v1 protocol of Optiboot, with the DTR auto-reset;
 * -b: the bootloader's baud rate, 115200 for an Uno's Optiboot, 57600 for
 * older Nano/Duemilanove bootloaders; -D: no chip erase, the bootloader
 * erases pages as it writes them.) avrdude is found on PATH. Its output is
 * collected, not printed. */
#ifndef LORAHIL_HIL_FLASH_H
#define LORAHIL_HIL_FLASH_H

#include <stddef.h>

typedef struct hil_flash_opts {
    const char *port;
    const char *hex_path;       /* Intel HEX */
    int baud;                   /* bootloader baud rate; 0 = 115200 */
    const char *mcu;            /* avrdude -p part; NULL = "atmega328p" */
} hil_flash_opts;

/* Builds avrdude's argument vector into argv (NULL-terminated, pointing into
 * storage owned by buf). Returns argc, or -1 when cap is too small. */
int hil_flash_argv(const hil_flash_opts *o, char *buf, size_t buflen, char **argv, size_t cap);

/* Runs avrdude and waits for it. log receives its combined output (the tail,
 * when longer). Returns 0 on success; -1 when avrdude failed (err names the
 * exit status and avrdude's last error line); -2 when avrdude cannot be run
 * (not installed). */
int hil_flash(const hil_flash_opts *o, char *log, size_t loglen, char *err, size_t errlen);

#endif
