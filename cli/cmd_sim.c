/* cmd_sim.c — placeholder until the subcommand lands. */
#include <stdio.h>
#include "cli.h"

int cmd_sim(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "lorahil sim: not built yet\n");
    return LH_EXIT_USAGE;
}
