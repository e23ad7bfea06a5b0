/* cmd_check_e2ee.c — placeholder for `lorahil check --e2ee-key HEX
 * --serial-log FILE` (issue 4, E2EE). cmd_check() dispatches here whenever
 * --e2ee-key is on the command line; the E2EE engineer replaces this file. */
#include <stdio.h>

#include "cli.h"

int cmd_check_e2ee(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "lorahil check --e2ee-key: not built yet\n");
    return LH_EXIT_USAGE;
}
