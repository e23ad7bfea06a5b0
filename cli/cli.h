/* cli.h — the lorahil subcommands. Only the CLI talks to the terminal and
 * decides exit codes; library code returns errors with a message. */
#ifndef LORAHIL_CLI_H
#define LORAHIL_CLI_H

/* Exit codes shared by every subcommand (CI depends on them). */
enum {
    LH_EXIT_OK = 0,      /* all checks passed */
    LH_EXIT_FAIL = 1,    /* a check failed or the firmware faulted */
    LH_EXIT_USAGE = 2,   /* bad usage or bad input */
};

int cmd_check(int argc, char **argv);
int cmd_check_e2ee(int argc, char **argv); /* `lorahil check --e2ee-key ...` (cli/cmd_check_e2ee.c) */
int cmd_sim(int argc, char **argv);
int cmd_hil(int argc, char **argv);   /* `lorahil hil` (cli/cmd_hil.c) */
int cmd_ports(int argc, char **argv); /* `lorahil ports` (cli/cmd_ports.c) */
int cmd_report(int argc, char **argv); /* `lorahil report`, `lorahil report diff` (cli/cmd_report.c) */

/* Shared helpers (cli/cli_util.c). */
struct lw_keys;
/* Prints "lorahil CMD: <message>" as one line on stderr; returns LH_EXIT_USAGE. */
int cli_bad(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Reads the keys file PATH (text, at most 64 KiB) into *k with lw_keys_parse
 * (check/lorawan.h). Returns 0, or prints one line naming the file (and the
 * line, from lw_keys_parse) with cli_bad(CMD, ...) and returns LH_EXIT_USAGE. */
int cli_read_keys_file(const char *cmd, const char *path, struct lw_keys *k);

#endif
