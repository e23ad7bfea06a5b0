/* hil_flash.c — avrdude as a child process (see hil_flash.h). */
#include "hil/hil_flash.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check/lw_util.h"

extern char **environ;

int hil_flash_argv(const hil_flash_opts *o, char *buf, size_t buflen, char **argv, size_t cap)
{
    char baud[16];
    snprintf(baud, sizeof baud, "%d", o->baud > 0 ? o->baud : 115200);
    const char *fixed[] = {"avrdude", "-p", o->mcu ? o->mcu : "atmega328p", "-c", "arduino",
                           "-P", o->port, "-b", baud, "-D", "-U", NULL};
    size_t n = 0, used = 0;
    for (size_t i = 0; fixed[i]; i++) {
        size_t l = strlen(fixed[i]) + 1;
        if (n + 3 > cap || used + l > buflen)
            return -1;
        memcpy(buf + used, fixed[i], l);
        argv[n++] = buf + used;
        used += l;
    }
    int w = snprintf(buf + used, buflen - used, "flash:w:%s:i", o->hex_path);
    if (w < 0 || (size_t)w >= buflen - used)
        return -1;
    argv[n++] = buf + used;
    argv[n] = NULL;
    return (int)n;
}

/* The most useful line of avrdude's output: the last one naming an error. */
static void last_error_line(const char *log, char *out, size_t outlen)
{
    const char *best = NULL, *last = NULL;
    size_t bestlen = 0, lastlen = 0;
    for (const char *p = log; *p;) {
        const char *e = strchr(p, '\n');
        size_t l = e ? (size_t)(e - p) : strlen(p);
        if (l > 0) {
            last = p;
            lastlen = l;
            if (memmem(p, l, "rror", 4) || memmem(p, l, "not respond", 11) ||
                memmem(p, l, "can't", 5) || memmem(p, l, "cannot", 6)) {
                best = p;
                bestlen = l;
            }
        }
        p = e ? e + 1 : p + l;
    }
    if (!best) {
        best = last;
        bestlen = lastlen;
    }
    snprintf(out, outlen, "%.*s", best ? (int)bestlen : 0, best ? best : "");
}

int hil_flash(const hil_flash_opts *o, char *log, size_t loglen, char *err, size_t errlen)
{
    char buf[4096];
    char *argv[16];
    if (hil_flash_argv(o, buf, sizeof buf, argv, 16) < 0) {
        lw_errf(err, errlen, "avrdude command line too long");
        return -1;
    }
    int pfd[2];
    if (pipe2(pfd, O_CLOEXEC) != 0) {
        lw_errf(err, errlen, "pipe: %s", strerror(errno));
        return -1;
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, pfd[1], 1);
    posix_spawn_file_actions_adddup2(&fa, pfd[1], 2);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    pid_t pid;
    int rc = posix_spawnp(&pid, "avrdude", &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(pfd[1]);
    if (rc != 0) {
        close(pfd[0]);
        lw_errf(err, errlen, "cannot run avrdude: %s (Debian: sudo apt-get install avrdude)",
                strerror(rc));
        return -2;
    }
    /* Keep the tail of the output: the end is where avrdude says what failed. */
    size_t used = 0;
    if (log && loglen)
        log[0] = 0;
    char chunk[1024];
    ssize_t n;
    while ((n = read(pfd[0], chunk, sizeof chunk)) != 0) {
        if (n < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (!log || loglen < 2)
            continue;
        size_t cn = (size_t)n;
        if (cn > loglen - 1) {
            memcpy(log, chunk + cn - (loglen - 1), loglen - 1);
            used = loglen - 1;
        } else {
            if (used + cn > loglen - 1) {
                size_t drop = used + cn - (loglen - 1);
                memmove(log, log + drop, used - drop);
                used -= drop;
            }
            memcpy(log + used, chunk, cn);
            used += cn;
        }
        log[used] = 0;
    }
    close(pfd[0]);
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) {
            lw_errf(err, errlen, "waitpid: %s", strerror(errno));
            return -1;
        }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return 0;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
        lw_errf(err, errlen, "cannot run avrdude (Debian: sudo apt-get install avrdude)");
        return -2;
    }
    char line[200] = "";
    if (log)
        last_error_line(log, line, sizeof line);
    if (WIFEXITED(status))
        lw_errf(err, errlen, "avrdude failed (exit %d): %s", WEXITSTATUS(status),
                line[0] ? line : "no output");
    else
        lw_errf(err, errlen, "avrdude killed by signal %d", WTERMSIG(status));
    return -1;
}
