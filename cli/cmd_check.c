/* cmd_check.c — placeholder until the subcommand lands. */
#include <stdio.h>
#include "cli.h"

int cmd_check(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "lorahil check: not built yet\n");
    return LH_EXIT_USAGE;
}
