/* cmd_hil.c — `lorahil hil`: a real board on a serial port (optionally
 * programmed first with avrdude), a sniffer board and a packet forwarder
 * as capture sources; every line and frame becomes an event, frames are
 * checked with the session keys, and the events go to a JSON Lines file as
 * they happen. The runner is hil/hil_run.c; this file reads options, wires
 * sinks, prints and picks the exit code. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "check/e2ee_stream.h"
#include "check/lorawan.h"
#include "check/lw_stream.h"
#include "check/lw_util.h"
#include "cli.h"
#include "events/events.h"
#include "hil/gw_udp.h"
#include "hil/hil_flash.h"
#include "hil/hil_lines.h"
#include "hil/hil_run.h"
#include "reports/rpt.h"

#define MAX_PATTERNS 8

static const char *const help_text =
    "usage: lorahil hil --port PORT [--baud N] [--reset dtr|none] [--for DURATION]\n"
    "                   [--flash FIRMWARE.hex [--flash-baud N] [--mcu PART]]\n"
    "                   [--keys FILE | --devaddr HEX --nwkskey HEX --appskey HEX]\n"
    "                   [--sniffer PORT [--sniffer-baud N]] [--gateway udp://HOST:PORT]\n"
    "                   [--events FILE.jsonl] [--line-pattern 'TEXT%h']... [--silent DURATION]\n"
    "\n"
    "Runs firmware on a real board and checks what it sends, with the same events\n"
    "and checks as 'lorahil sim'. Find the port with 'lorahil ports'.\n"
    "\n"
    "Board:\n"
    "  --port PORT        the board's serial port (/dev/ttyACM0, /dev/ttyUSB0, or a\n"
    "                     pseudo-terminal such as 'lorahil sim --pty' makes)\n"
    "  --baud N           its baud rate, 8N1 (default 115200)\n"
    "  --reset dtr|none   dtr (default): reset the board after opening the port by\n"
    "                     pulsing DTR, as avrdude and the Arduino IDE do (DTR and RTS\n"
    "                     off 250 ms, then on), and drop what came before; none: do\n"
    "                     not (a pseudo-terminal has no DTR and is never reset)\n"
    "  --flash FILE.hex   first program FILE (Intel HEX) with avrdude:\n"
    "                     avrdude -p atmega328p -c arduino -P PORT -b 115200 -D\n"
    "                             -U flash:w:FILE:i\n"
    "  --flash-baud N     the bootloader's baud rate (115200 Uno/Optiboot, 57600 old\n"
    "                     Nano/Duemilanove bootloaders)\n"
    "  --mcu PART         avrdude part name (default atmega328p)\n"
    "  --for DURATION     stop after DURATION (90s, 10m, 1h, 500ms; default: until\n"
    "                     Ctrl-C or the port is lost)\n"
    "  --silent DURATION  fault 'silent' when the board sends no byte for this long\n"
    "                     after the start (default 15s; 0 = wait for ever)\n"
    "\n"
    "What the board prints (see README \"On a real board\"): every line becomes a\n"
    "serial_line event. 'frame: <hex>' is a frame it sent (a radio_tx event; the\n"
    "radio settings are those it prints: freq= sf= bw= cr= power= on that line or a\n"
    "'tx:' line just before; the others are 0 = unknown).\n"
    "  --line-pattern 'TEXT%h'  also take lines starting with TEXT followed by hex as\n"
    "                     frames (e.g. 'Sending: %h'); up to 8\n"
    "\n"
    "Capture (frames on air, gateway_rx events, checked like the board's own):\n"
    "  --sniffer PORT     a second board running targets/sniffer, which prints\n"
    "                     'rx: <hex> rssi=-NN snr=N.N' for each frame it hears\n"
    "  --sniffer-baud N   its baud rate (default 115200)\n"
    "  --gateway URL      listen for a Semtech UDP packet forwarder (protocol v2)\n"
    "                     on URL, udp://127.0.0.1:1700 by default when given as\n"
    "                     'default'; use udp://0.0.0.0:1700 for a gateway on the\n"
    "                     network. PUSH_DATA is answered with PUSH_ACK, PULL_DATA\n"
    "                     with PULL_ACK; stat objects are shown\n"
    "\n"
    "Session (frames are recorded but not checked without keys):\n"
    "  --keys FILE        DevAddr, NwkSKey, AppSKey (as for 'lorahil check')\n"
    "  --devaddr HEX, --nwkskey HEX, --appskey HEX   the same one by one\n"
    "  --e2ee-key HEX     AES-128 key of the ESP8266 E2EE nodes: their \"IV b64:\" and\n"
    "                     \"Encrypted data in base64:\" lines are checked as\n"
    "                     'lorahil check --e2ee-key' does (check/e2ee_stream.h)\n"
    "\n"
    "Output:\n"
    "  --events FILE      write every event as JSON Lines to FILE, flushed per event\n"
    "                     (t_ns = real nanoseconds since the start)\n"
    "  --report DIR       at the end, write the reports of lorahil report (junit.xml,\n"
    "                     report.html, report.md, frames.pcap, metrics.json) into DIR\n"
    "  -q, --quiet        do not print serial lines, only frames, verdicts and faults\n"
    "\n"
    "Keys are only ever printed masked.\n"
    "Exit status: 0 every frame passed; 1 a check failed, the board faulted (port\n"
    "lost, silent), avrdude failed, or keys were given and no frame came; 2 bad usage\n"
    "or bad input (unknown option, port or file that cannot be opened, wrong baud\n"
    "rate, malformed datagrams from a gateway).\n";

/* One line on stderr, returns LH_EXIT_USAGE (cli/cli_util.c). */
#define bad(...) cli_bad("hil", __VA_ARGS__)

/* "90s", "10m", "1h", "500ms", "2.5s", "30" (seconds). Returns 0 or -1. */
static int parse_duration(const char *s, uint64_t *ns)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || v < 0)
        return -1;
    double mul;
    if (!*end || !strcmp(end, "s"))
        mul = 1e9;
    else if (!strcmp(end, "ms"))
        mul = 1e6;
    else if (!strcmp(end, "m") || !strcmp(end, "min"))
        mul = 60e9;
    else if (!strcmp(end, "h"))
        mul = 3600e9;
    else
        return -1;
    double x = v * mul;
    if (x > 1e18)
        return -1;
    *ns = (uint64_t)x;
    return 0;
}

static int parse_int(const char *s, int lo, int hi, int *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi)
        return -1;
    *out = (int)v;
    return 0;
}

/* Exactly n bytes of hex, optional 0x prefix. Never echoes the value. */
static int opt_hex(const char *opt, const char *s, uint8_t *out, size_t n)
{
    if (!strncmp(s, "0x", 2) || !strncmp(s, "0X", 2))
        s += 2;
    size_t len = strlen(s);
    if (len != 2 * n)
        return bad("%s needs %zu hex digits, got %zu", opt, 2 * n, len);
    for (size_t i = 0; i < n; i++) {
        int a = lw_hexval(s[2 * i]), b = lw_hexval(s[2 * i + 1]);
        if (a < 0 || b < 0)
            return bad("%s: not a hex digit at position %zu", opt,
                       (a < 0 ? 2 * i : 2 * i + 1) + 1);
        out[i] = (uint8_t)(a << 4 | b);
    }
    return 0;
}

/* ---- checks ---------------------------------------------------------------
 * The verdicts come from check/lw_stream (and check/e2ee_stream), the same
 * modules `lorahil sim` uses. One stream checks the frames the board itself
 * printed (radio_tx); each capture source (the sniffer, each gateway EUI)
 * gets a stream of its own (gateway_rx), since each sees the counter
 * sequence separately and one frame heard twice is no replay.
 *
 * The board does not always say on which frequency and at which data rate
 * it sent: a radio_tx or gateway_rx with the frequency or the time on air
 * unknown (0) has no duty-cycle verdict (the rule needs both). */

#define MAX_SOURCES 8

typedef struct checker {
    bool have_keys;
    lw_keys keys;
    lws_state *board;
    struct {
        char name[40];
        lws_state *st;
    } gw[MAX_SOURCES];
    size_t ngw;
    e2ees_state *e2ee;
    unsigned passed, failed;
    ev_sink next;
} checker;

static void verdict_sink(void *ctx, const ev_event *ev)
{
    checker *c = ctx;
    if (ev->type == EV_VERDICT) {
        if (ev->u.verdict.ok)
            c->passed++;
        else
            c->failed++;
    }
    ev_emit(&c->next, ev);
}

static lws_state *gateway_stream(checker *c, const char *name)
{
    for (size_t i = 0; i < c->ngw; i++)
        if (!strcmp(c->gw[i].name, name))
            return c->gw[i].st;
    if (c->ngw == MAX_SOURCES)
        return NULL;
    lws_config cfg = {.keys = c->have_keys ? &c->keys : NULL, .source = LWS_FROM_GATEWAY_RX};
    lws_state *st = lws_new(&cfg);
    if (!st)
        return NULL;
    snprintf(c->gw[c->ngw].name, sizeof c->gw[c->ngw].name, "%s", name);
    c->gw[c->ngw++].st = st;
    return st;
}

static void checker_sink(void *ctx, const ev_event *ev)
{
    checker *c = ctx;
    ev_sink vs = {verdict_sink, c};
    /* the event itself first, its verdicts after it */
    if (ev->type == EV_VERDICT)
        verdict_sink(c, ev);
    else
        ev_emit(&c->next, ev);
    switch (ev->type) {
    case EV_RADIO_TX:
        lws_feed(c->board, ev, &vs);
        break;
    case EV_GATEWAY_RX: {
        lws_state *st = gateway_stream(c, ev->u.gw.gateway ? ev->u.gw.gateway : "gateway");
        if (st)
            lws_feed(st, ev, &vs);
        break;
    }
    case EV_SERIAL_LINE:
    case EV_FAULT:
        if (c->e2ee)
            e2ees_feed(c->e2ee, ev, &vs);
        lws_feed(c->board, ev, NULL);
        break;
    default:
        lws_feed(c->board, ev, NULL);
        break;
    }
}

/* Frames of every stream that got no duty-cycle verdict (see lw_stream.h). */
static unsigned checker_duty_unchecked(const checker *c)
{
    lws_totals t;
    lws_summary(c->board, &t);
    unsigned n = t.duty_unchecked;
    for (size_t i = 0; i < c->ngw; i++) {
        lws_summary(c->gw[i].st, &t);
        n += t.duty_unchecked;
    }
    return n;
}

static void checker_free(checker *c)
{
    lws_free(c->board);
    for (size_t i = 0; i < c->ngw; i++)
        lws_free(c->gw[i].st);
    e2ees_free(c->e2ee);
}

/* ---- output -------------------------------------------------------------- */

typedef struct output {
    FILE *events;
    const char *events_path;
    bool write_failed;
    bool quiet;
    rpt_events *rep;        /* events kept for --report, or NULL */
} output;

static void print_hex(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        printf("%02X", p[i]);
}

static void output_sink(void *ctx, const ev_event *ev)
{
    output *o = ctx;
    if (o->events && !o->write_failed && ev_write_jsonl(o->events, ev) != 0) {
        o->write_failed = true;
        fprintf(stderr, "lorahil hil: cannot write %s: %s; events from here on are lost\n",
                o->events_path, strerror(errno));
    }
    if (o->rep)
        rpt_events_add(o->rep, ev);
    double t = (double)ev->t_ns / 1e9;
    switch (ev->type) {
    case EV_SERIAL_LINE:
        /* the events file has the whole line; the terminal a readable part */
        if (!o->quiet) {
            size_t len = strlen(ev->u.line.text);
            printf("[%9.3f] %s| %.*s%s\n", t, ev->node ? "sniffer " : "",
                   len > 200 ? 200 : (int)len, ev->u.line.text,
                   len > 200 ? "... (shortened here)" : "");
        }
        break;
    case EV_RADIO_TX:
        printf("[%9.3f] frame sent, %zu bytes: ", t, ev->u.tx.len);
        print_hex(ev->u.tx.payload, ev->u.tx.len);
        putchar('\n');
        break;
    case EV_GATEWAY_RX:
        printf("[%9.3f] frame heard by %s (%.1f dBm, SNR %.1f dB), %zu bytes: ", t,
               ev->u.gw.gateway, ev->u.gw.rssi_dbm, ev->u.gw.snr_db, ev->u.gw.len);
        print_hex(ev->u.gw.payload, ev->u.gw.len);
        putchar('\n');
        break;
    case EV_VERDICT:
        printf("[%9.3f] %s %s: %s\n", t, ev->u.verdict.ok ? "PASS" : "FAIL",
               ev->u.verdict.check, ev->u.verdict.detail ? ev->u.verdict.detail : "");
        break;
    case EV_FAULT:
        printf("[%9.3f] FAULT %s: %s\n", t, ev->u.fault.kind,
               ev->u.fault.detail ? ev->u.fault.detail : "");
        break;
    default:
        break;
    }
    fflush(stdout);
}

static void on_note(void *ctx, hil_note_level lvl, const char *text)
{
    (void)ctx;
    fprintf(stderr, "lorahil hil: %s%s\n", lvl == HIL_WARN ? "warning: " :
                                           lvl == HIL_ERROR ? "error: " : "", text);
}

static void on_ready(void *ctx, const hil_result *res)
{
    (void)ctx;
    if (res->reset_skipped)
        fprintf(stderr, "lorahil hil: the port has no DTR line (a pseudo-terminal): "
                        "the board was not reset\n");
    if (res->gateway_bound[0])
        fprintf(stderr, "lorahil hil: listening for a packet forwarder on %s\n",
                res->gateway_bound);
    fflush(stderr);
}

static volatile sig_atomic_t stop_flag;
static void on_signal(int sig)
{
    (void)sig;
    stop_flag = 1;
}

int cmd_hil(int argc, char **argv)
{
    const char *port = NULL, *keys_path = NULL, *devaddr = NULL, *nwkskey = NULL,
               *appskey = NULL, *flash = NULL, *events_path = NULL, *gateway = NULL,
               *sniffer = NULL, *e2ee = NULL, *mcu = NULL, *report_dir = NULL;
    const char *patterns[MAX_PATTERNS];
    size_t npatterns = 0;
    int baud = 115200, sniffer_baud = 115200, flash_baud = 115200;
    bool reset = true, quiet = false;
    uint64_t duration = 0, silent = 15000000000ull;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(help_text, stdout);
            return LH_EXIT_OK;
        }
        if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
            quiet = true;
            continue;
        }
        if (a[0] != '-')
            return bad("unexpected argument '%s' (see 'lorahil hil --help')", a);
        if (i + 1 >= argc)
            return bad("%s needs a value", a);
        const char *v = argv[++i];
        if (!strcmp(a, "--port"))
            port = v;
        else if (!strcmp(a, "--baud")) {
            if (parse_int(v, 50, 4000000, &baud))
                return bad("--baud '%s': expected a number such as 9600 or 115200", v);
        } else if (!strcmp(a, "--reset")) {
            if (!strcmp(v, "dtr"))
                reset = true;
            else if (!strcmp(v, "none"))
                reset = false;
            else
                return bad("--reset '%s': expected dtr or none", v);
        } else if (!strcmp(a, "--for")) {
            if (parse_duration(v, &duration) || duration == 0)
                return bad("--for '%s': expected a duration such as 90s, 10m, 1h", v);
        } else if (!strcmp(a, "--silent")) {
            if (parse_duration(v, &silent))
                return bad("--silent '%s': expected a duration such as 15s, or 0", v);
        } else if (!strcmp(a, "--flash"))
            flash = v;
        else if (!strcmp(a, "--flash-baud")) {
            if (parse_int(v, 50, 4000000, &flash_baud))
                return bad("--flash-baud '%s': expected a number such as 115200", v);
        } else if (!strcmp(a, "--mcu"))
            mcu = v;
        else if (!strcmp(a, "--keys"))
            keys_path = v;
        else if (!strcmp(a, "--devaddr"))
            devaddr = v;
        else if (!strcmp(a, "--nwkskey"))
            nwkskey = v;
        else if (!strcmp(a, "--appskey"))
            appskey = v;
        else if (!strcmp(a, "--e2ee-key"))
            e2ee = v;
        else if (!strcmp(a, "--events"))
            events_path = v;
        else if (!strcmp(a, "--report"))
            report_dir = v;
        else if (!strcmp(a, "--gateway"))
            gateway = !strcmp(v, "default") ? "udp://127.0.0.1:1700" : v;
        else if (!strcmp(a, "--sniffer"))
            sniffer = v;
        else if (!strcmp(a, "--sniffer-baud")) {
            if (parse_int(v, 50, 4000000, &sniffer_baud))
                return bad("--sniffer-baud '%s': expected a number such as 115200", v);
        } else if (!strcmp(a, "--line-pattern")) {
            char err[200];
            if (hil_pattern_check(v, err, sizeof err))
                return bad("%s", err);
            if (npatterns == MAX_PATTERNS)
                return bad("at most %d --line-pattern options", MAX_PATTERNS);
            patterns[npatterns++] = v;
        } else
            return bad("unknown option '%s' (see 'lorahil hil --help')", a);
    }
    if (!port)
        return bad("--port PORT is required (see 'lorahil ports')");
    if (sniffer && !strcmp(sniffer, port))
        return bad("--sniffer is the same port as --port");

    checker chk = {0};
    if (keys_path && cli_read_keys_file("hil", keys_path, &chk.keys))
        return LH_EXIT_USAGE;
    if (devaddr) {
        uint8_t b[4];
        if (opt_hex("--devaddr", devaddr, b, 4))
            return LH_EXIT_USAGE;
        chk.keys.devaddr = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
    }
    if (nwkskey && opt_hex("--nwkskey", nwkskey, chk.keys.nwkskey, LW_KEY_LEN))
        return LH_EXIT_USAGE;
    if (appskey && opt_hex("--appskey", appskey, chk.keys.appskey, LW_KEY_LEN))
        return LH_EXIT_USAGE;
    if (!keys_path && (devaddr || nwkskey || appskey) && !(devaddr && nwkskey && appskey))
        return bad("give all of --devaddr, --nwkskey and --appskey (or --keys FILE)");
    chk.have_keys = keys_path || devaddr;
    uint8_t e2ee_key[32];
    size_t e2ee_len = 0;
    if (e2ee) {
        size_t hl = strlen(e2ee);
        if (hl != 32 && hl != 48 && hl != 64)
            return bad("--e2ee-key needs 32 hex digits (AES-128), got %zu", hl);
        e2ee_len = hl / 2;
        if (opt_hex("--e2ee-key", e2ee, e2ee_key, e2ee_len))
            return LH_EXIT_USAGE;
    }
    if (gateway) {
        char host[256], err[256];
        unsigned gport;
        if (gw_udp_parse_url(gateway, host, sizeof host, &gport, err, sizeof err))
            return bad("%s", err);
    }

    if (flash) {
        FILE *f = fopen(flash, "rb");
        if (!f)
            return bad("cannot read firmware '%s': %s", flash, strerror(errno));
        int c = fgetc(f);
        fclose(f);
        if (c != ':')
            return bad("firmware '%s' is not Intel HEX (it must start with ':'; "
                       "avr-objcopy -O ihex makes one from an ELF)", flash);
        fprintf(stderr, "lorahil hil: programming %s with avrdude on %s at %d baud...\n", flash,
                port, flash_baud);
        hil_flash_opts fo = {.port = port, .hex_path = flash, .baud = flash_baud, .mcu = mcu};
        char log[4096], err[512];
        int rc = hil_flash(&fo, log, sizeof log, err, sizeof err);
        if (rc == -2)
            return bad("%s", err);
        if (rc != 0) {
            fprintf(stderr, "%s", log);
            fprintf(stderr, "lorahil hil: %s\n", err);
            fprintf(stderr, "lorahil hil: is this the board's port, and its bootloader's baud "
                            "rate (--flash-baud 57600 for old Nano bootloaders)?\n");
            return LH_EXIT_FAIL;
        }
        fprintf(stderr, "lorahil hil: programmed %s\n", flash);
    }

    output out = {.events_path = events_path, .quiet = quiet};
    rpt_events rep;
    rpt_events_init(&rep);
    rpt_opts ro;
    rpt_opts_init(&ro);
    if (report_dir) {
        out.rep = &rep;
        ro.elf_path = flash && strlen(flash) > 4 && !strcmp(flash + strlen(flash) - 4, ".elf")
                          ? flash : NULL;
        if (chk.have_keys) {
            memcpy(ro.keys[ro.nkeys++], chk.keys.nwkskey, RPT_KEY_LEN);
            memcpy(ro.keys[ro.nkeys++], chk.keys.appskey, RPT_KEY_LEN);
        }
        if (e2ee_len == RPT_KEY_LEN)
            memcpy(ro.keys[ro.nkeys++], e2ee_key, RPT_KEY_LEN);
    }
    if (events_path) {
        out.events = fopen(events_path, "w");
        if (!out.events)
            return bad("cannot write events file '%s': %s", events_path, strerror(errno));
    }
    chk.next = (ev_sink){output_sink, &out};
    ev_sink sink = {checker_sink, &chk};
    lws_config lcfg = {.keys = chk.have_keys ? &chk.keys : NULL, .source = LWS_FROM_RADIO_TX};
    chk.board = lws_new(&lcfg);
    if (!chk.board) {
        if (out.events)
            fclose(out.events);
        return bad("out of memory");
    }
    if (e2ee) {
        char err[256];
        e2ees_config ecfg = {.key = e2ee_key, .keylen = e2ee_len};
        chk.e2ee = e2ees_new(&ecfg, err, sizeof err);
        if (!chk.e2ee) {
            checker_free(&chk);
            if (out.events)
                fclose(out.events);
            return bad("--e2ee-key: %s", err);
        }
    }

    if (chk.have_keys) {
        char mn[32], ma[32];
        lw_mask_key(chk.keys.nwkskey, mn, sizeof mn);
        lw_mask_key(chk.keys.appskey, ma, sizeof ma);
        fprintf(stderr, "lorahil hil: session DevAddr %08X, NwkSKey %s, AppSKey %s\n",
                (unsigned)chk.keys.devaddr, mn, ma);
    } else {
        fprintf(stderr, "lorahil hil: no session keys: frames are recorded, not checked\n");
    }
    fprintf(stderr, "lorahil hil: %s at %d baud 8N1%s\n", port, baud,
            reset ? ", reset by DTR" : "");

    struct sigaction sa = {0};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    hil_config cfg = {.port = port, .baud = baud, .reset_dtr = reset,
                      .sniffer_port = sniffer, .sniffer_baud = sniffer_baud,
                      .gateway_url = gateway, .duration_ns = duration, .silent_ns = silent,
                      .patterns = patterns, .npatterns = npatterns, .firmware = flash,
                      .stop = &stop_flag};
    hil_result res;
    char err[512];
    int rc = hil_run(&cfg, &sink, on_note, NULL, on_ready, &res, err, sizeof err);
    unsigned duty_unchecked = checker_duty_unchecked(&chk);
    if (out.events)
        fclose(out.events);
    checker_free(&chk);
    if (rc != 0)
        return bad("%s", err);

    unsigned frames = res.frames_tx + res.frames_rx + res.rxpk;
    fprintf(stderr,
            "lorahil hil: %u lines, %u frames sent, %u heard by the sniffer, %u from gateways; "
            "checks: %u passed, %u failed; ended: %s\n",
            res.lines, res.frames_tx, res.frames_rx, res.rxpk, chk.passed, chk.failed,
            res.end_reason);
    if (duty_unchecked)
        fprintf(stderr, "lorahil hil: duty cycle not checked for %u frame%s: the board did not "
                        "print frequency, SF and bandwidth (freq= sf= bw=) with it\n",
                duty_unchecked, duty_unchecked == 1 ? "" : "s");
    if (events_path)
        fprintf(stderr, "lorahil hil: events in %s\n", events_path);
    int exit_code = LH_EXIT_OK;
    if (res.wrong_baud && res.end_reason && !strcmp(res.end_reason, "wrong_baud")) {
        fprintf(stderr, "lorahil hil: %s\n", res.message);
        exit_code = LH_EXIT_USAGE;
    }
    if (res.bad_datagrams && exit_code == LH_EXIT_OK) {
        fprintf(stderr, "lorahil hil: %u malformed datagram%s or packet%s from gateways "
                        "(see the warnings above)\n",
                res.bad_datagrams, res.bad_datagrams == 1 ? "" : "s",
                res.bad_datagrams == 1 ? "" : "s");
        exit_code = LH_EXIT_USAGE;
    }
    if (res.port_lost || res.silent) {
        fprintf(stderr, "lorahil hil: %s\n", res.message);
        exit_code = LH_EXIT_FAIL;
    }
    if (chk.failed)
        exit_code = LH_EXIT_FAIL;
    if (chk.have_keys && frames == 0 && exit_code == LH_EXIT_OK &&
        strcmp(res.end_reason, "interrupted")) {
        fprintf(stderr, "lorahil hil: no frame came: nothing was checked\n");
        exit_code = LH_EXIT_FAIL;
    }
    if (report_dir) {
        char rerr[512];
        if (rpt_write_all(report_dir, &rep, &ro, rerr, sizeof rerr) != 0) {
            fprintf(stderr, "lorahil hil: --report: %s\n", rerr);
            exit_code = LH_EXIT_USAGE;
        } else {
            fprintf(stderr, "lorahil hil: report in %s/report.html\n", report_dir);
        }
    }
    rpt_events_free(&rep);
    memset(&ro, 0, sizeof ro);
    return exit_code;
}
