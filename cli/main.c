/* main.c — the `lorahil` entry point: dispatches to one subcommand. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const struct {
    const char *name;
    int (*fn)(int, char **);
    const char *summary;
} commands[] = {
    {"check", cmd_check, "verify LoRaWAN frames (MIC, FCnt, payload) with the session keys"},
    {"sim", cmd_sim, "run AVR firmware under simavr with an emulated SX1276 and check every frame"},
    {"hil", cmd_hil, "run firmware on a real board over its serial port and check every frame"},
    {"ports", cmd_ports, "list serial ports and guess the board on each"},
    {"report", cmd_report, "write JUnit, HTML, Markdown, pcap and metrics reports; diff two of them"},
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

static void usage(FILE *f)
{
    fprintf(f, "usage: lorahil COMMAND [OPTIONS]...\n\n"
               "Test harness for LoRaWAN node firmware: simulation and frame checks.\n\n"
               "Commands:\n");
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\n'lorahil COMMAND --help' describes one command.\n"
               "Exit status: 0 all checks passed, 1 a check failed or the firmware faulted,\n"
               "2 bad usage or bad input.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return LH_EXIT_USAGE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return LH_EXIT_OK;
    }
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (!strcmp(argv[1], commands[i].name))
            return commands[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "lorahil: unknown command '%s' (see 'lorahil --help')\n", argv[1]);
    return LH_EXIT_USAGE;
}
