/* cmd_report.c — `lorahil report`: turns an events file into the reports of
 * reports/rpt.h, and `lorahil report diff` compares two report directories.
 * All the work is in reports/; this file reads options, prints and picks the
 * exit code. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/lorawan.h"
#include "cli/cli.h"
#include "reports/rpt.h"

static const char usage_text[] =
    "usage: lorahil report EVENTS.jsonl --out DIR [--elf FIRMWARE.elf] [--name SCENARIO]\n"
    "                      [--keys KEYS.txt] [--wall-s SECONDS]\n"
    "       lorahil report diff OLD_DIR NEW_DIR [--max-flash-growth PCT] [--max-ram-growth PCT]\n"
    "                      [--max-toa-growth PCT] [--max-rx-error-growth US]\n"
    "\n"
    "Writes the reports of a run, from its events file (JSON Lines, as `lorahil sim`\n"
    "and `lorahil hil` write them) alone, into DIR:\n"
    "  junit.xml     a testsuite per run, a testcase per check, an error per fault;\n"
    "                a failed check carries the frame (hex) and the reason\n"
    "  report.html   one self-contained page: summary, frame table (time, channel,\n"
    "                SF, time on air, FCnt, MIC, decrypted payload), E2EE frames,\n"
    "                faults, and an SVG timeline per node (TX, RX1/RX2 windows,\n"
    "                duty-cycle budget)\n"
    "  report.md     summary and tables in Markdown (terminals, pull requests)\n"
    "  frames.pcap   every frame behind a LoRaTap v0 header, for Wireshark/tshark\n"
    "  metrics.json  flash and RAM (with --elf), uplinks, checks, time on air, duty\n"
    "                cycle per EU868 sub-band, RX window opening error against the\n"
    "                spec's RX1/RX2 delays (TX end + 1 s / + 2 s), faults, speed\n"
    "\n"
    "Options:\n"
    "  --out DIR         where to write (created if missing)\n"
    "  --elf FILE        firmware ELF: flash = .text + .data, RAM = .data + .bss\n"
    "  --name NAME       scenario name (default: the firmware's file name)\n"
    "  --keys FILE       session keys (DevAddr, NwkSKey, AppSKey as `lorahil check`\n"
    "                    reads them) to mask wherever they appear in the events;\n"
    "                    without it, bare 32-digit hex and 16-byte 0x.. arrays are\n"
    "                    masked anyway. Keys never appear in a report.\n"
    "  --wall-s SECONDS  wall-clock duration of the run, for the speed metric\n"
    "\n"
    "`report diff` prints a Markdown table of every metric and check that changed\n"
    "between two report directories (or, when they hold no metrics.json, between\n"
    "their subdirectories of the same name). PCT is a growth in percent (\"1%\");\n"
    "US a growth of the largest RX window opening error in microseconds.\n"
    "It fails (exit 1) when a check that passed, or did not exist, now fails, when\n"
    "a firmware fault is new, or when a metric grew past its limit.\n"
    "\n"
    "Exit status: 0 all checks passed (diff: no regression); 1 a check failed or\n"
    "the firmware faulted (diff: a regression); 2 bad usage or bad input.\n";

static int usage_error(const char *fmt, const char *arg)
{
    fputs("lorahil report: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs(" (see 'lorahil report --help')\n", stderr);
    return LH_EXIT_USAGE;
}

static int read_keys(const char *path, rpt_opts *o)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "lorahil report: %s: %s\n", path, strerror(errno));
        return -1;
    }
    char text[4096];
    size_t n = fread(text, 1, sizeof text - 1, f);
    bool more = fgetc(f) != EOF;
    fclose(f);
    if (more) {
        fprintf(stderr, "lorahil report: %s: keys file larger than %zu bytes\n", path,
                sizeof text - 1);
        return -1;
    }
    text[n] = 0;
    lw_keys k;
    char err[256];
    if (lw_keys_parse(text, path, &k, err, sizeof err) != 0) {
        fprintf(stderr, "lorahil report: %s\n", err);
        return -1;
    }
    memcpy(o->keys[o->nkeys++], k.nwkskey, RPT_KEY_LEN);
    memcpy(o->keys[o->nkeys++], k.appskey, RPT_KEY_LEN);
    return 0;
}

static int cmd_diff(int argc, char **argv)
{
    rpt_diff_opts o;
    rpt_diff_opts_init(&o);
    const char *dirs[2] = {NULL, NULL};
    int ndirs = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        double *lim = NULL;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(usage_text, stdout);
            return LH_EXIT_OK;
        } else if (!strcmp(a, "--max-flash-growth")) {
            lim = &o.max_flash_growth_pct;
        } else if (!strcmp(a, "--max-ram-growth")) {
            lim = &o.max_ram_growth_pct;
        } else if (!strcmp(a, "--max-toa-growth")) {
            lim = &o.max_toa_growth_pct;
        } else if (!strcmp(a, "--max-rx-error-growth")) {
            lim = &o.max_rx_error_growth_us;
        } else if (a[0] == '-' && a[1]) {
            return usage_error("unknown option '%s'", a);
        } else if (ndirs < 2) {
            dirs[ndirs++] = a;
            continue;
        } else {
            return usage_error("unexpected argument '%s'", a);
        }
        if (i + 1 >= argc)
            return usage_error("%s needs a value", a);
        if (rpt_parse_percent(argv[++i], lim) != 0)
            return usage_error("bad limit '%s' (a number, optionally with %%)", argv[i]);
    }
    if (ndirs != 2)
        return usage_error("diff needs OLD_DIR and NEW_DIR%s", "");
    rpt_diff_result res;
    char err[512];
    if (rpt_diff_dirs(dirs[0], dirs[1], &o, stdout, &res, err, sizeof err) != 0) {
        fflush(stdout);
        fprintf(stderr, "lorahil report diff: %s\n", err);
        return LH_EXIT_USAGE;
    }
    if (res.regressions) {
        fflush(stdout);
        fprintf(stderr, "lorahil report diff: %d regression%s\n", res.regressions,
                res.regressions == 1 ? "" : "s");
        return LH_EXIT_FAIL;
    }
    return LH_EXIT_OK;
}

int cmd_report(int argc, char **argv)
{
    if (argc >= 2 && !strcmp(argv[1], "diff"))
        return cmd_diff(argc - 1, argv + 1);
    rpt_opts o;
    rpt_opts_init(&o);
    const char *events = NULL, *out = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(usage_text, stdout);
            return LH_EXIT_OK;
        }
        bool takes = !strcmp(a, "--out") || !strcmp(a, "--elf") || !strcmp(a, "--name") ||
                     !strcmp(a, "--keys") || !strcmp(a, "--wall-s");
        if (takes && i + 1 >= argc)
            return usage_error("%s needs a value", a);
        if (!strcmp(a, "--out")) {
            out = argv[++i];
        } else if (!strcmp(a, "--elf")) {
            o.elf_path = argv[++i];
        } else if (!strcmp(a, "--name")) {
            o.name = argv[++i];
        } else if (!strcmp(a, "--keys")) {
            if (o.nkeys + 2 > RPT_MAX_KEYS)
                return usage_error("too many --keys (at most %s)", "4");
            if (read_keys(argv[++i], &o) != 0)
                return LH_EXIT_USAGE;
        } else if (!strcmp(a, "--wall-s")) {
            char *end;
            o.wall_s = strtod(argv[++i], &end);
            if (*end || end == argv[i] || o.wall_s < 0)
                return usage_error("bad --wall-s '%s'", argv[i]);
        } else if (a[0] == '-' && a[1]) {
            return usage_error("unknown option '%s'", a);
        } else if (!events) {
            events = a;
        } else {
            return usage_error("unexpected argument '%s'", a);
        }
    }
    if (!events)
        return usage_error("no events file given%s", "");
    if (!out)
        return usage_error("--out DIR is required%s", "");

    rpt_events e;
    rpt_events_init(&e);
    char err[512];
    if (rpt_events_read(&e, events, err, sizeof err) != 0) {
        fprintf(stderr, "lorahil report: %s\n", err);
        rpt_events_free(&e);
        return LH_EXIT_USAGE;
    }
    if (e.truncated)
        fprintf(stderr, "lorahil report: %s: last line is incomplete (run cut short); "
                        "reporting the events before it\n", events);
    if (rpt_write_all(out, &e, &o, err, sizeof err) != 0) {
        fprintf(stderr, "lorahil report: %s\n", err);
        rpt_events_free(&e);
        return LH_EXIT_USAGE;
    }
    size_t ok = 0, failed = 0, faults = 0, tx = 0;
    for (size_t i = 0; i < e.n; i++) {
        const ev_event *x = &e.ev[i];
        if (x->type == EV_VERDICT)
            x->u.verdict.ok ? ok++ : failed++;
        else if (x->type == EV_FAULT)
            faults++;
        else if (x->type == EV_RADIO_TX)
            tx++;
    }
    printf("lorahil report: %s: %zu frame%s sent, %zu check%s passed, %zu failed, %zu fault%s\n",
           out, tx, tx == 1 ? "" : "s", ok, ok == 1 ? "" : "s", failed, faults,
           faults == 1 ? "" : "s");
    rpt_events_free(&e);
    return failed || faults ? LH_EXIT_FAIL : LH_EXIT_OK;
}
