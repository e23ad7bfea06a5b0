/* cmd_ports.c — `lorahil ports`: the serial ports libserialport sees, with
 * what is known about each and a guess of the board behind it. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "hil/serial.h"

static const char *const help_text =
    "usage: lorahil ports\n"
    "\n"
    "Lists the serial ports this machine has (as libserialport sees them): name,\n"
    "description, transport (usb, native, bluetooth), USB VID:PID and serial number,\n"
    "and a guess of the board from the VID:PID (Arduino Uno 2341:0043 and 2341:0001,\n"
    "CH340 clones 1a86:7523, CP210x 10c4:ea60, FTDI 0403:6001, ...).\n"
    "Give the name to 'lorahil hil --port NAME'.\n"
    "\n"
    "Exit status: 0 (also when there is no port), 2 bad usage or the ports cannot\n"
    "be listed.\n";

int cmd_ports(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            fputs(help_text, stdout);
            return LH_EXIT_OK;
        }
        fprintf(stderr, "lorahil ports: unknown option '%s' (see 'lorahil ports --help')\n",
                argv[i]);
        return LH_EXIT_USAGE;
    }
    serial_port_info *ports;
    size_t n;
    char err[256];
    if (serial_list(&ports, &n, err, sizeof err) != 0) {
        fprintf(stderr, "lorahil ports: %s\n", err);
        return LH_EXIT_USAGE;
    }
    if (n == 0) {
        printf("no serial ports found (is the board plugged in? 'dmesg | tail' shows "
               "what the kernel saw)\n");
        serial_list_free(ports);
        return LH_EXIT_OK;
    }
    for (size_t i = 0; i < n; i++) {
        const serial_port_info *p = &ports[i];
        printf("%s\n", p->name);
        printf("  description: %s\n", p->description[0] ? p->description : "-");
        printf("  transport:   %s\n", p->transport);
        if (p->usb_vid >= 0)
            printf("  usb id:      %04x:%04x\n", (unsigned)p->usb_vid, (unsigned)p->usb_pid);
        if (p->serial_number[0])
            printf("  serial:      %s\n", p->serial_number);
        if (p->board)
            printf("  board:       %s (guessed from the USB id)\n", p->board);
        else if (p->usb_vid >= 0)
            printf("  board:       unknown USB id\n");
    }
    printf("%zu port%s\n", n, n == 1 ? "" : "s");
    serial_list_free(ports);
    return LH_EXIT_OK;
}
