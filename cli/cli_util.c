/* cli_util.c — what several subcommands print or read the same way: the
 * one-line "lorahil CMD: ..." usage error, and a session keys file (--keys)
 * read whole and handed to check/'s lw_keys_parse. Declared in cli.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/lorawan.h"
#include "cli.h"

/* A keys file is a few lines; anything larger is the wrong file. */
#define KEYS_FILE_MAX (64 * 1024)

int cli_bad(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "lorahil %s: ", cmd);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return LH_EXIT_USAGE;
}

int cli_read_keys_file(const char *cmd, const char *path, struct lw_keys *k)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return cli_bad(cmd, "cannot read keys file '%s': %s", path, strerror(errno));
    char *text = malloc(KEYS_FILE_MAX + 1);
    if (!text) {
        fclose(f);
        return cli_bad(cmd, "out of memory");
    }
    size_t n = fread(text, 1, KEYS_FILE_MAX + 1, f);
    int rerr = ferror(f);
    fclose(f);
    if (rerr) {
        free(text);
        return cli_bad(cmd, "cannot read keys file '%s'", path);
    }
    if (n > KEYS_FILE_MAX) {
        free(text);
        return cli_bad(cmd, "keys file '%s' is over %d bytes; is it the right file?", path,
                       KEYS_FILE_MAX);
    }
    const char *nul = memchr(text, 0, n);
    if (nul) {
        size_t off = (size_t)(nul - text);
        free(text);
        return cli_bad(cmd, "keys file '%s' holds a NUL byte at offset %zu; it is not text", path,
                       off);
    }
    text[n] = 0;
    char err[256];
    int rc = lw_keys_parse(text, path, k, err, sizeof err);
    free(text);
    if (rc)
        return cli_bad(cmd, "%s", err);
    return 0;
}
