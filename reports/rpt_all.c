/* rpt_all.c — writes every report of a run into one directory; what
 * `lorahil report`, `lorahil sim --report` and `lorahil hil --report` call. */
#include "reports/rpt_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

/* mkdir -p */
static int make_dir(const char *dir, char *err, size_t errlen)
{
    char path[4096];
    if (snprintf(path, sizeof path, "%s", dir) >= (int)sizeof path) {
        snprintf(err, errlen, "%s: path too long", dir);
        return -1;
    }
    for (char *p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = 0;
        if (mkdir(path, 0777) != 0 && errno != EEXIST) {
            snprintf(err, errlen, "%s: %s", path, strerror(errno));
            return -1;
        }
        *p = '/';
    }
    if (mkdir(path, 0777) != 0 && errno != EEXIST) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "%s: not a directory", path);
        return -1;
    }
    return 0;
}

typedef int (*writer_fn)(FILE *, const rpt_events *, const rpt_opts *, char *, size_t);

/* Writes to NAME.tmp and renames, so a report is either whole or absent. */
static int write_file(const char *dir, const char *name, writer_fn fn, const rpt_events *e,
                      const rpt_opts *opts, char *err, size_t errlen)
{
    char path[4200], tmp[4300];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f) {
        snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
        return -1;
    }
    char msg[400];
    int rc = fn(f, e, opts, msg, sizeof msg);
    if (fclose(f) != 0 && rc == 0) {
        snprintf(msg, sizeof msg, "write error");
        rc = -1;
    }
    if (rc != 0) {
        snprintf(err, errlen, "%s: %s", path, msg);
        remove(tmp);
        return -1;
    }
    if (rename(tmp, path) != 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        remove(tmp);
        return -1;
    }
    return 0;
}

int rpt_write_all(const char *dir, const rpt_events *e, const rpt_opts *opts, char *err,
                  size_t errlen)
{
    if (make_dir(dir, err, errlen) != 0)
        return -1;
    if (write_file(dir, "junit.xml", rpt_write_junit, e, opts, err, errlen) != 0 ||
        write_file(dir, "report.html", rpt_write_html, e, opts, err, errlen) != 0 ||
        write_file(dir, "report.md", rpt_write_md, e, opts, err, errlen) != 0 ||
        write_file(dir, "metrics.json", rpt_write_metrics, e, opts, err, errlen) != 0)
        return -1;
    char path[4200], tmp[4300];
    snprintf(path, sizeof path, "%s/frames.pcap", dir);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    if (rpt_write_pcap(tmp, e, opts, err, errlen) != 0) {
        remove(tmp);
        return -1;
    }
    if (rename(tmp, path) != 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        remove(tmp);
        return -1;
    }
    return 0;
}

int rpt_write_all_file(const char *dir, const char *events_path, const rpt_opts *opts,
                       char *err, size_t errlen)
{
    rpt_events e;
    rpt_events_init(&e);
    int rc = rpt_events_read(&e, events_path, err, errlen);
    if (rc == 0)
        rc = rpt_write_all(dir, &e, opts, err, errlen);
    rpt_events_free(&e);
    return rc;
}
