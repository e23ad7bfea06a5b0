/* cmd_sim.c — `lorahil sim`: runs AVR firmware on a simulated board
 * (sim/sim_host.h), prints what it does as it happens, checks every frame
 * (check/lw_stream.h), writes the events file, and sums up. */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check/lorawan.h"
#include "check/lw_duty.h"
#include "check/e2ee_stream.h"
#include "check/lw_stream.h"
#include "cli.h"
#include "events/events.h"
#include "reports/progress.h"
#include "reports/rpt.h"
#include "sim/sim_board.h"
#include "sim/sim_host.h"
#include "sim/sim_netserver.h"
#include "sim/sim_pty.h"

#define DEFAULT_DURATION_NS (10ull * 60 * 1000000000ull)
#define DEFAULT_SILENT_NS (5ull * 60 * 1000000000ull)
#define MAX_EXTRA_NODES 7       /* --node boards besides node 0 */

static void usage(FILE *f)
{
    fprintf(f,
        "usage: lorahil sim FIRMWARE.elf|.hex [OPTIONS]\n"
        "\n"
        "Runs AVR firmware under simavr on a simulated board with an SX1276 LoRa radio,\n"
        "prints its serial lines and every transmission as it happens, checks each\n"
        "frame (DevAddr, MIC, FCnt, payload decryption, EU868 duty cycle) and ends with\n"
        "a summary. Simulated time: slept time costs (almost) nothing.\n"
        "Each downlink the radio receives in a window (ACKs, --downlink payloads) is\n"
        "checked the same way with its own counter (FCntDown): verdicts downlink_devaddr,\n"
        "downlink_mic, downlink_fcnt, downlink_decrypt, downlink_mac, printed after the\n"
        "rx line as \"downlink: ...\", and a summary line \"N downlinks, N verified,\n"
        "N failed\" when any arrived.\n"
        "\n"
        "Options:\n"
        "  --board NAME|FILE     board profile (default dragino-shield-v1.4, alias\n"
        "                        dragino-shield; see targets/boards/README.md)\n"
        "  --jumper JPn=open     open (or =closed) a board jumper; repeatable\n"
        "  --mcu NAME            simavr core (default: the board's, atmega328p)\n"
        "  --freq HZ             CPU clock (default: the board's, 16000000)\n"
        "  --devaddr HEX --nwkskey HEX --appskey HEX\n"
        "                        the ABP session to check frames against\n"
        "  --keys FILE           the same from a file (hex lines or the LMIC sketch's\n"
        "                        C arrays)\n"
        "  --downlink PORT:HEX   have the simulated network server send this\n"
        "                        application payload in RX1 after the next verified\n"
        "                        uplink; repeatable, sent in order (needs keys)\n"
        "  --for DURATION        simulated run length: 500ms, 90s, 10m, 1h (default 10m)\n"
        "  --seed N              seed for every random choice (default 1)\n"
        "  --fcnt-last N         the session already used uplink FCnt values up to N\n"
        "                        (32-bit): needed when its counter is above 65535,\n"
        "                        since frames carry only the low 16 bits\n"        "  --events FILE.jsonl   write every event as JSON Lines as it happens\n"
        "  --silent-timeout DUR  fault when the firmware has no SPI or UART activity\n"
        "                        for this long (default 5m; 0 turns it off)\n"
        "  --quiet               print only failures, faults and the summary\n"
        "  --report DIR          at the end, write the reports of lorahil report (junit.xml,\n"
        "                        report.html, report.md, frames.pcap, metrics.json) into DIR\n"
        "  --e2ee-key HEX        AES-128 key (32 hex digits) of an E2EE node: every frame its\n"
        "                        serial lines carry (IV b64 / Message in B64 / Encrypted\n"
        "                        data in base64) is checked as by lorahil check --e2ee-key\n"
        "                        (check/e2ee.h): one e2ee verdict per frame\n"
        "  --pty                 also copy the UART to a pseudo-terminal (its path is\n"
        "                        printed on stderr) for tools made for real boards:\n"
        "                        lorahil hil --port PATH --reset none. Closed at the end\n"
        "                        of the run once the reader has taken every byte\n"
        "  --node FIRMWARE[,board=NAME|FILE][,pty]\n"
        "                        one more board on the same simulated air (repeatable, up\n"
        "                        to %d): the first firmware is node 0, these are nodes 1,\n"
        "                        2, ... Each has its own AVR, SX1276 and UART (serial lines\n"
        "                        tagged nN) and hears every frame the others transmit when\n"
        "                        its radio listens on the same frequency, SF, bandwidth, IQ\n"
        "                        and sync word (RSSI -60 dBm, SNR 9 dB). board= defaults to\n"
        "                        --board (jumpers apply to node 0 only). The keys, checks,\n"
        "                        network server, --e2ee-key and --pty are node 0's; the\n"
        "                        gateway hears every node (two nodes' frames colliding\n"
        "                        there, same SF/bandwidth and overlapping, are a\n"
        "                        radio_unmodelled fault). Boards run in simulated-time\n"
        "                        order, none more than 100 us ahead of another. pty: copy\n"
        "                        this board's UART to a pseudo-terminal as --pty does\n"
        "                        (e.g. a sniffer for lorahil hil --sniffer PATH)\n"
        "\n"
        "A fault (illegal opcode, jump outside flash, stack overflow, watchdog reset,\n"
        "reset loop, silence, crash) ends the run. Keys are never printed unmasked.\n"
        "Exit status: 0 every check passed, 1 a check failed, the firmware faulted or\n"
        "the run was interrupted (Ctrl-C: what ran is kept), 2 bad usage or input.\n",
        MAX_EXTRA_NODES);
}

/* ---- argument helpers ---- */

/* "500ms", "90s", "10m", "1h" -> ns; -1 when malformed */
static int parse_duration(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    if (!isdigit((unsigned char)*s))
        return -1;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno)
        return -1;
    uint64_t mul;
    if (!strcmp(end, "ms"))
        mul = 1000000ull;
    else if (!strcmp(end, "s"))
        mul = 1000000000ull;
    else if (!strcmp(end, "m"))
        mul = 60ull * 1000000000ull;
    else if (!strcmp(end, "h"))
        mul = 3600ull * 1000000000ull;
    else if (!strcmp(end, "") && v == 0)
        mul = 0;
    else
        return -1;
    if (mul && v > UINT64_MAX / mul)
        return -1;
    *out = v * mul;
    return 0;
}

static int parse_hex_bytes(const char *opt, const char *s, uint8_t *out, size_t n)
{
    if (!strncmp(s, "0x", 2) || !strncmp(s, "0X", 2))
        s += 2;
    size_t len = strlen(s);
    for (size_t i = 0; i < len; i++)
        if (!isxdigit((unsigned char)s[i])) {
            fprintf(stderr, "lorahil sim: %s: '%c' at position %zu is not a hex digit\n", opt,
                    s[i], i + 1);
            return -1;
        }
    if (len != 2 * n) {
        fprintf(stderr, "lorahil sim: %s: %zu hex digits, expected %zu\n", opt, len, 2 * n);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        char b[3] = {s[2 * i], s[2 * i + 1], 0};
        out[i] = (uint8_t)strtoul(b, NULL, 16);
    }
    return 0;
}

/* "PORT:HEX", e.g. "1:CAFE": an application downlink (FPort 1..223) */
static int parse_downlink(const char *s, sim_ns_downlink *d)
{
    char *end;
    errno = 0;
    long port = strtol(s, &end, 10);
    if (end == s || *end != ':' || errno || port < 1 || port > 223) {
        fprintf(stderr, "lorahil sim: --downlink '%s': expected FPORT:HEX with FPort 1..223, "
                "e.g. 1:CAFE\n", s);
        return -1;
    }
    const char *hex = end + 1;
    size_t n = strlen(hex);
    if (n % 2 || n / 2 > SIM_NS_MAX_PAYLOAD) {
        fprintf(stderr, "lorahil sim: --downlink '%s': payload must be whole bytes, at most %d\n",
                s, SIM_NS_MAX_PAYLOAD);
        return -1;
    }
    d->fport = (int)port;
    d->len = n / 2;
    return d->len ? parse_hex_bytes("--downlink", hex, d->payload, d->len) : 0;
}

static char *read_text(const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return NULL;
    }
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        n += fread(buf + n, 1, cap - n - 1, f);
        if (n < cap - 1 || cap > (1u << 20))
            break;
        char *nb = realloc(buf, cap * 2);
        if (!nb) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = nb;
        cap *= 2;
    }
    fclose(f);
    if (!buf) {
        snprintf(err, errlen, "%s: out of memory", path);
        return NULL;
    }
    buf[n] = 0;
    return buf;
}

/* targets/boards next to the source tree the binary was built in:
 * build/lorahil and build/<dir>/lorahil both find it */
static void find_boards_dir(char *out, size_t len)
{
    const char *env = getenv("LORAHIL_BOARDS");
    if (env && *env) {
        snprintf(out, len, "%s", env);
        return;
    }
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = 0;
        char *slash = strrchr(exe, '/');
        if (slash)
            *slash = 0;
        for (int up = 0; up < 4; up++) {
            char cand[PATH_MAX + 64];
            snprintf(cand, sizeof cand, "%s/targets/boards", exe);
            if (access(cand, R_OK) == 0) {
                if (snprintf(out, len, "%s", cand) < (int)len)
                    return;
            }
            slash = strrchr(exe, '/');
            if (!slash)
                break;
            *slash = 0;
        }
    }
    snprintf(out, len, "targets/boards");
}

/* ---- output ---- */

typedef struct out_ctx {
    bool quiet;
    FILE *events;
    bool events_error;
    char events_errmsg[200];
    lws_state *lws;
    e2ees_state *e2ee;          /* NULL without --e2ee-key */
    uint8_t e2ee_key[16];
    bool have_keys;
    lw_keys keys;
    /* verdicts of the current frame, printed as one line */
    int vframe;
    char vline[1024];
    bool vline_ok;
    size_t vlen;
    rpt_events *rep;            /* events kept for --report, or NULL */
    rpt_progress prog;          /* progress line on a terminal (stderr) */
    unsigned long frames;
    bool multi;                 /* several boards: tag lines with their node */
} out_ctx;

static void fmt_t(char *b, size_t n, uint64_t t_ns)
{
    snprintf(b, n, "%11.6f s", t_ns / 1e9);
}

static void flush_verdicts(out_ctx *o)
{
    if (!o->vlen)
        return;
    if (!o->quiet || !o->vline_ok) {
        rpt_progress_done(&o->prog);
        printf("%15s  %s %s\n", "", o->vline_ok ? "ok  " : "FAIL", o->vline);
    }
    o->vlen = 0;
    o->vline[0] = 0;
}

static void add_verdict(out_ctx *o, const ev_verdict *v)
{
    if (o->vlen && v->frame != o->vframe)
        flush_verdicts(o);
    if (!o->vlen) {
        o->vframe = v->frame;
        o->vline_ok = true;
    }
    if (!v->ok)
        o->vline_ok = false;
    /* a received frame's verdicts (downlink_mic, ...): one "downlink:" at
     * the start of the line, the check names without the prefix */
    const char *check = v->check ? v->check : "?";
    const char *lead = "";
    if (!strncmp(check, "downlink_", 9)) {
        check += 9;
        if (!o->vlen)
            lead = "downlink: ";
    }
    int k = snprintf(o->vline + o->vlen, sizeof o->vline - o->vlen, "%s%s%s%s: %s",
                     o->vlen ? "; " : "", lead, v->ok ? "" : "!", check,
                     v->detail ? v->detail : "");
    if (k > 0)
        o->vlen = o->vlen + (size_t)k < sizeof o->vline ? o->vlen + (size_t)k : sizeof o->vline - 1;
}

static void write_event(out_ctx *o, const ev_event *ev)
{
    if (o->events && !o->events_error && ev_write_jsonl(o->events, ev) != 0) {
        o->events_error = true;
        snprintf(o->events_errmsg, sizeof o->events_errmsg, "%s", strerror(errno));
    }
    if (o->rep)
        rpt_events_add(o->rep, ev);
}

static const char *bw_name(uint32_t bw, char *b, size_t n)
{
    if (bw % 1000 == 0)
        snprintf(b, n, "%u", bw / 1000);
    else
        snprintf(b, n, "%.1f", bw / 1000.0);
    return b;
}

static void print_event(out_ctx *o, const ev_event *ev)
{
    char t[40], bw[16];
    fmt_t(t, sizeof t, ev->t_ns);
    if (o->multi) {
        size_t l = strlen(t);
        snprintf(t + l, sizeof t - l, "  n%d", ev->node);
    }
    switch (ev->type) {
    case EV_SERIAL_LINE:
        if (!o->quiet)
            printf("%s  serial   %s\n", t, ev->u.line.text);
        break;
    case EV_RADIO_TX: {
        const ev_radio_tx *x = &ev->u.tx;
        if (!o->quiet)
            printf("%s  tx       %.3f MHz SF%dBW%s CR4/%d %d dBm  toa %.1f ms  %zu bytes%s\n", t,
                   x->freq_hz / 1e6, x->sf, bw_name(x->bw_hz, bw, sizeof bw), x->cr,
                   x->power_dbm, x->toa_ns / 1e6, x->len, x->iq_inverted ? "  (IQ inverted)" : "");
        break;
    }
    case EV_RADIO_RX_WINDOW: {
        const ev_radio_rx_window *x = &ev->u.rxw;
        if (!o->quiet)
            printf("%s  rx       %.3f MHz SF%dBW%s  open %.3f ms  %s%s\n", t, x->freq_hz / 1e6,
                   x->sf, bw_name(x->bw_hz, bw, sizeof bw),
                   (x->close_ns - x->open_ns) / 1e6, x->result ? x->result : "?",
                   x->payload ? "  (frame received)" : "");
        break;
    }
    case EV_GATEWAY_RX: {
        const ev_gateway_rx *x = &ev->u.gw;
        if (!o->quiet)
            printf("%s  gateway  %s heard %zu bytes  RSSI %.0f dBm  SNR %.2f dB\n", t,
                   x->gateway ? x->gateway : "?", x->len, x->rssi_dbm, x->snr_db);
        break;
    }
    case EV_FAULT: {
        const ev_fault *x = &ev->u.fault;
        rpt_progress_done(&o->prog);
        printf("%s  FAULT    %s at 0x%04X (%s): %s\n", t, x->kind, (unsigned)x->pc,
               x->symbol ? x->symbol : "no symbol", x->detail ? x->detail : "");
        break;
    }
    default:
        break;
    }
}

/* Replaces any rendering of a session key in text (contiguous hex, or bytes
 * separated by spaces, colons, commas, "0x") by its masked form. */
static void scrub_key(char *s, const uint8_t key[LW_KEY_LEN])
{
    static const char d[] = "0123456789abcdef";
    char masked[LW_MASKED_LEN + 4];
    lw_mask_key(key, masked, sizeof masked);
    for (size_t i = 0; s[i]; i++) {
        size_t p = i;
        int b;
        for (b = 0; b < LW_KEY_LEN; b++) {
            if (b > 0)
                while (s[p] == ' ' || s[p] == ':' || s[p] == ',' || s[p] == '-' ||
                       ((s[p] == '0') && (s[p + 1] == 'x' || s[p + 1] == 'X')) ||
                       s[p] == 'x' || s[p] == 'X')
                    p += (s[p] == '0') ? 2 : 1;
            if (tolower((unsigned char)s[p]) != d[key[b] >> 4] ||
                tolower((unsigned char)s[p + 1]) != d[key[b] & 15])
                break;
            p += 2;
        }
        if (b == LW_KEY_LEN) {
            size_t ml = strlen(masked), span = p - i;
            if (ml <= span) {
                memcpy(s + i, masked, ml);
                memmove(s + i + ml, s + p, strlen(s + p) + 1);
            }
            i += ml - 1;
        }
    }
}

static void verdict_sink(void *ctx, const ev_event *ev)
{
    out_ctx *o = ctx;
    write_event(o, ev);
    add_verdict(o, &ev->u.verdict);
}

static void run_sink(void *ctx, const ev_event *ev)
{
    out_ctx *o = ctx;
    ev_event copy = *ev;
    char text[1200];
    if (ev->type == EV_SERIAL_LINE && (o->have_keys || o->e2ee) && ev->u.line.text) {
        snprintf(text, sizeof text, "%s", ev->u.line.text);
        if (o->have_keys) {
            scrub_key(text, o->keys.nwkskey);
            scrub_key(text, o->keys.appskey);
        }
        if (o->e2ee)
            scrub_key(text, o->e2ee_key);
        copy.u.line.text = text;
    }
    flush_verdicts(o);
    write_event(o, &copy);
    print_event(o, &copy);
    ev_sink vs = {verdict_sink, o};
    if (ev->node == 0) {        /* the keys and the E2EE key are node 0's */
        lws_feed(o->lws, &copy, &vs);
        if (o->e2ee)
            e2ees_feed(o->e2ee, &copy, &vs);
    }
    fflush(stdout);
    if (ev->type == EV_RADIO_TX && ev->node == 0)
        o->frames++;
    rpt_progress_update(&o->prog, ev->t_ns, o->frames);
}

static sim_host *running[1 + MAX_EXTRA_NODES];
static size_t nrunning;

/* an early exit after the boards exist: close the events file (if open),
 * free the boards, the checker and the E2EE state */
static int free_run_usage(out_ctx *o, sim_host **hosts, size_t nhosts)
{
    if (o->events)
        fclose(o->events);
    for (size_t k = 0; k < nhosts; k++)
        sim_host_free(hosts[k]);
    lws_free(o->lws);
    e2ees_free(o->e2ee);
    return LH_EXIT_USAGE;
}

static void on_sigint(int sig)
{
    (void)sig;
    for (size_t i = 0; i < nrunning; i++)
        sim_host_stop(running[i]);
}

/* "FIRMWARE[,board=NAME|FILE]" */
/* "FIRMWARE[,board=NAME|FILE][,pty]" */
static int parse_node(const char *s, char *fw, size_t flen, char *board, size_t blen, bool *pty)
{
    const char *comma = strchr(s, ',');
    board[0] = 0;
    *pty = false;
    size_t n = comma ? (size_t)(comma - s) : strlen(s);
    if (n >= flen) {
        fprintf(stderr, "lorahil sim: --node '%s': firmware path too long\n", s);
        return -1;
    }
    if (comma == s || !*s) {
        fprintf(stderr, "lorahil sim: --node '%s': expected FIRMWARE[,board=NAME|FILE][,pty]\n",
                s);
        return -1;
    }
    while (comma) {
        const char *opt = comma + 1, *next = strchr(opt, ',');
        size_t ol = next ? (size_t)(next - opt) : strlen(opt);
        if (ol == 3 && !strncmp(opt, "pty", 3)) {
            *pty = true;
        } else if (ol > 6 && ol - 6 < blen && !strncmp(opt, "board=", 6)) {
            memcpy(board, opt + 6, ol - 6);
            board[ol - 6] = 0;
        } else {
            fprintf(stderr, "lorahil sim: --node '%s': '%.*s': after the firmware only "
                    "board=NAME|FILE and pty are known\n", s, (int)ol, opt);
            return -1;
        }
        comma = next;
    }
    memcpy(fw, s, n);
    fw[n] = 0;
    return 0;
}

int cmd_sim(int argc, char **argv)
{
    enum { O_MCU = 256, O_FREQ, O_BOARD, O_JUMPER, O_DEVADDR, O_NWKSKEY, O_APPSKEY, O_KEYS,
           O_FOR, O_SEED, O_EVENTS, O_SILENT, O_QUIET, O_HELP, O_PTY, O_E2EE, O_DOWNLINK, O_REPORT,
           O_FCNT_LAST, O_NODE };
    static const struct option opts[] = {
        {"mcu", required_argument, 0, O_MCU},       {"freq", required_argument, 0, O_FREQ},
        {"board", required_argument, 0, O_BOARD},   {"jumper", required_argument, 0, O_JUMPER},
        {"devaddr", required_argument, 0, O_DEVADDR},
        {"nwkskey", required_argument, 0, O_NWKSKEY},
        {"appskey", required_argument, 0, O_APPSKEY},
        {"keys", required_argument, 0, O_KEYS},     {"for", required_argument, 0, O_FOR},
        {"downlink", required_argument, 0, O_DOWNLINK},
        {"seed", required_argument, 0, O_SEED},     {"events", required_argument, 0, O_EVENTS},
        {"silent-timeout", required_argument, 0, O_SILENT},
        {"quiet", no_argument, 0, O_QUIET},         {"help", no_argument, 0, O_HELP},
        {"pty", no_argument, 0, O_PTY},
        {"e2ee-key", required_argument, 0, O_E2EE},
        {"report", required_argument, 0, O_REPORT},
        {"fcnt-last", required_argument, 0, O_FCNT_LAST},
        {"node", required_argument, 0, O_NODE},
        {0, 0, 0, 0}};
    const char *mcu = NULL, *board_spec = "dragino-shield-v1.4", *keys_file = NULL;
    const char *events_path = NULL;
    const char *report_dir = NULL;
    const char *e2ee_s = NULL;
    const char *devaddr_s = NULL, *nwk_s = NULL, *app_s = NULL;
    const char *jumpers[16];
    int njumpers = 0;
    uint32_t freq = 0;
    uint64_t duration = DEFAULT_DURATION_NS, silent = DEFAULT_SILENT_NS, seed = 1;
    bool quiet = false, pty = false;
    char err[512];
    sim_ns_downlink downs[SIM_NS_MAX_QUEUE];
    size_t ndowns = 0;
    bool have_fcnt_last = false;
    uint32_t fcnt_last = 0;
    const char *node_args[MAX_EXTRA_NODES];
    size_t nextra = 0;

    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        char *end;
        switch (c) {
        case O_MCU: mcu = optarg; break;
        case O_FREQ: {
            errno = 0;
            unsigned long f = strtoul(optarg, &end, 10);
            if (errno || *end || f < 1000 || f > 100000000) {
                fprintf(stderr, "lorahil sim: --freq '%s' is not a clock in Hz\n", optarg);
                return LH_EXIT_USAGE;
            }
            freq = (uint32_t)f;
            break;
        }
        case O_BOARD: board_spec = optarg; break;
        case O_JUMPER:
            if (njumpers == 16) {
                fprintf(stderr, "lorahil sim: too many --jumper options\n");
                return LH_EXIT_USAGE;
            }
            jumpers[njumpers++] = optarg;
            break;
        case O_DEVADDR: devaddr_s = optarg; break;
        case O_NWKSKEY: nwk_s = optarg; break;
        case O_APPSKEY: app_s = optarg; break;
        case O_KEYS: keys_file = optarg; break;
        case O_DOWNLINK:
            if (ndowns == SIM_NS_MAX_QUEUE) {
                fprintf(stderr, "lorahil sim: at most %d --downlink options\n", SIM_NS_MAX_QUEUE);
                return LH_EXIT_USAGE;
            }
            if (parse_downlink(optarg, &downs[ndowns]))
                return LH_EXIT_USAGE;
            ndowns++;
            break;
        case O_FOR:
            if (parse_duration(optarg, &duration) || duration == 0) {
                fprintf(stderr, "lorahil sim: --for '%s': expected a duration like 500ms, 90s, "
                        "10m, 1h\n", optarg);
                return LH_EXIT_USAGE;
            }
            break;
        case O_SILENT:
            if (parse_duration(optarg, &silent)) {
                fprintf(stderr, "lorahil sim: --silent-timeout '%s': expected a duration like "
                        "30s, 5m (0 = off)\n", optarg);
                return LH_EXIT_USAGE;
            }
            break;
        case O_SEED:
            errno = 0;
            seed = strtoull(optarg, &end, 0);
            if (errno || *end || !*optarg || *optarg == '-') {
                fprintf(stderr, "lorahil sim: --seed '%s' is not a number\n", optarg);
                return LH_EXIT_USAGE;
            }
            break;
        case O_EVENTS: events_path = optarg; break;
        case O_QUIET: quiet = true; break;
        case O_PTY: pty = true; break;
        case O_E2EE: e2ee_s = optarg; break;
        case O_REPORT: report_dir = optarg; break;
        case O_NODE:
            if (nextra == MAX_EXTRA_NODES) {
                fprintf(stderr, "lorahil sim: at most %d --node options\n", MAX_EXTRA_NODES);
                return LH_EXIT_USAGE;
            }
            node_args[nextra++] = optarg;
            break;
        case O_FCNT_LAST: {
            errno = 0;
            unsigned long long v = strtoull(optarg, &end, 0);
            if (errno || *end || !*optarg || *optarg == '-' || v > 0xffffffffull) {
                fprintf(stderr, "lorahil sim: --fcnt-last '%s' is not a 32-bit counter\n", optarg);
                return LH_EXIT_USAGE;
            }
            have_fcnt_last = true;
            fcnt_last = (uint32_t)v;
            break;
        }
        case 'h':
        case O_HELP: usage(stdout); return LH_EXIT_OK;
        default:
            if (optopt)
                fprintf(stderr, "lorahil sim: option needs a value or is unknown: %s\n",
                        argv[optind - 1]);
            else
                fprintf(stderr, "lorahil sim: unknown option %s\n", argv[optind - 1]);
            fprintf(stderr, "see 'lorahil sim --help'\n");
            return LH_EXIT_USAGE;
        }
    }
    if (optind != argc - 1) {
        fprintf(stderr, optind >= argc ? "lorahil sim: no firmware given\n"
                                       : "lorahil sim: one firmware file only\n");
        fprintf(stderr, "usage: lorahil sim FIRMWARE.elf|.hex [OPTIONS] (see --help)\n");
        return LH_EXIT_USAGE;
    }
    const char *firmware = argv[optind];

    /* session keys */
    lw_keys keys;
    bool have_keys = false;
    memset(&keys, 0, sizeof keys);
    if (keys_file && (devaddr_s || nwk_s || app_s)) {
        fprintf(stderr, "lorahil sim: give --keys or --devaddr/--nwkskey/--appskey, not both\n");
        return LH_EXIT_USAGE;
    }
    if (keys_file) {
        char *text = read_text(keys_file, err, sizeof err);
        if (!text) {
            fprintf(stderr, "lorahil sim: %s\n", err);
            return LH_EXIT_USAGE;
        }
        int rc = lw_keys_parse(text, keys_file, &keys, err, sizeof err);
        memset(text, 0, strlen(text));
        free(text);
        if (rc != 0) {
            fprintf(stderr, "lorahil sim: %s\n", err);
            return LH_EXIT_USAGE;
        }
        have_keys = true;
    } else if (devaddr_s || nwk_s || app_s) {
        if (!devaddr_s || !nwk_s || !app_s) {
            fprintf(stderr, "lorahil sim: --devaddr, --nwkskey and --appskey go together "
                    "(missing %s)\n", !devaddr_s ? "--devaddr" : !nwk_s ? "--nwkskey" : "--appskey");
            return LH_EXIT_USAGE;
        }
        uint8_t da[4];
        if (parse_hex_bytes("--devaddr", devaddr_s, da, 4) ||
            parse_hex_bytes("--nwkskey", nwk_s, keys.nwkskey, LW_KEY_LEN) ||
            parse_hex_bytes("--appskey", app_s, keys.appskey, LW_KEY_LEN))
            return LH_EXIT_USAGE;
        keys.devaddr = (uint32_t)da[0] << 24 | (uint32_t)da[1] << 16 | (uint32_t)da[2] << 8 | da[3];
        have_keys = true;
    }

    if (ndowns && !have_keys) {
        fprintf(stderr, "lorahil sim: --downlink needs the session keys (--keys or "
                "--devaddr/--nwkskey/--appskey)\n");
        return LH_EXIT_USAGE;
    }

    /* board */
    char boards_dir[PATH_MAX];
    find_boards_dir(boards_dir, sizeof boards_dir);
    sim_board board;
    if (sim_board_load(&board, board_spec, boards_dir, err, sizeof err) != 0) {
        fprintf(stderr, "lorahil sim: %s\n", err);
        return LH_EXIT_USAGE;
    }
    for (int i = 0; i < njumpers; i++)
        if (sim_board_set_jumper(&board, jumpers[i], err, sizeof err) != 0) {
            fprintf(stderr, "lorahil sim: %s\n", err);
            return LH_EXIT_USAGE;
        }

    out_ctx o = {.quiet = quiet, .have_keys = have_keys, .keys = keys, .vframe = -1};
    rpt_events rep;
    rpt_events_init(&rep);
    if (report_dir)
        o.rep = &rep;
    /* progress on stderr when it is a terminal, unless event lines scroll there */
    rpt_progress_init(&o.prog, stderr);
    if (!quiet && isatty(STDOUT_FILENO))
        o.prog.tty = false;
    lws_config lc = {.keys = have_keys ? &keys : NULL, .source = LWS_FROM_RADIO_TX,
                     .have_fcnt_last = have_fcnt_last, .fcnt_last = fcnt_last};
    o.lws = lws_new(&lc);
    if (!o.lws) {
        fprintf(stderr, "lorahil sim: out of memory\n");
        return LH_EXIT_USAGE;
    }
    if (e2ee_s) {
        e2ees_config ec = {.key = o.e2ee_key, .keylen = sizeof o.e2ee_key};
        if (parse_hex_bytes("--e2ee-key", e2ee_s, o.e2ee_key, sizeof o.e2ee_key)) {
            lws_free(o.lws);
            return LH_EXIT_USAGE;
        }
        if (!(o.e2ee = e2ees_new(&ec, err, sizeof err))) {
            fprintf(stderr, "lorahil sim: --e2ee-key: %s\n", err);
            lws_free(o.lws);
            return LH_EXIT_USAGE;
        }
    }
    sim_host_cfg hc = {.firmware = firmware, .board = &board, .mcu = mcu, .freq_hz = freq,
                       .seed = seed, .duration_ns = duration, .silent_ns = silent,
                       .keys = have_keys ? &keys : NULL, .downlinks = downs,
                       .ndownlinks = ndowns, .sink = {run_sink, &o}};
    sim_host *h;
    if (sim_host_new(&h, &hc, err, sizeof err) != 0) {
        fprintf(stderr, "lorahil sim: %s\n", err);
        lws_free(o.lws);
        e2ees_free(o.e2ee);
        return LH_EXIT_USAGE;
    }
    /* further boards on the same air: no keys, so the network server
     * answers node 0 only */
    static char node_fw[MAX_EXTRA_NODES][PATH_MAX];
    static sim_board node_board[MAX_EXTRA_NODES];
    bool node_pty[MAX_EXTRA_NODES] = {0};
    sim_host *hosts[1 + MAX_EXTRA_NODES] = {h};
    size_t nhosts = 1;
    for (size_t i = 0; i < nextra; i++) {
        char bspec[PATH_MAX];
        int bad = parse_node(node_args[i], node_fw[i], sizeof node_fw[i], bspec, sizeof bspec,
                             &node_pty[i]);
        if (!bad && sim_board_load(&node_board[i], bspec[0] ? bspec : board_spec, boards_dir,
                                   err, sizeof err) != 0) {
            fprintf(stderr, "lorahil sim: --node '%s': %s\n", node_args[i], err);
            bad = 1;
        }
        sim_host_cfg nc = {.firmware = node_fw[i], .board = &node_board[i], .seed = seed,
                           .duration_ns = duration, .silent_ns = silent,
                           .sink = {run_sink, &o}, .node = (int)(i + 1)};
        if (!bad && sim_host_new(&hosts[nhosts], &nc, err, sizeof err) != 0) {
            fprintf(stderr, "lorahil sim: --node '%s': %s\n", node_args[i], err);
            bad = 1;
        }
        if (bad)
            return free_run_usage(&o, hosts, nhosts);
        nhosts++;
    }
    o.multi = nhosts > 1;
    if (events_path) {
        o.events = fopen(events_path, "w");
        if (!o.events) {
            fprintf(stderr, "lorahil sim: %s: %s\n", events_path, strerror(errno));
            return free_run_usage(&o, hosts, nhosts);
        }
    }
    char nwk_m[LW_MASKED_LEN + 4], app_m[LW_MASKED_LEN + 4];
    if (have_keys) {
        lw_mask_key(keys.nwkskey, nwk_m, sizeof nwk_m);
        lw_mask_key(keys.appskey, app_m, sizeof app_m);
    }
    printf("lorahil sim: %s on %s (%s @ %.3g MHz), %.0f s simulated, seed %llu",
           firmware, board.name, mcu ? mcu : board.mcu, (freq ? freq : board.freq_hz) / 1e6,
           duration / 1e9, (unsigned long long)seed);
    if (have_keys)
        printf(", DevAddr %08X NwkSKey %s AppSKey %s", (unsigned)keys.devaddr, nwk_m, app_m);
    else
        printf(", no keys: frames are not verified");
    if (o.e2ee) {
        char em[16];
        e2ee_mask_key(o.e2ee_key, sizeof o.e2ee_key, em, sizeof em);
        printf(", E2EE key %s", em);
    }
    printf("\n");
    for (size_t i = 1; i < nhosts; i++)
        printf("  node %zu: %s on %s (%s @ %.3g MHz)\n", i, node_fw[i - 1],
               node_board[i - 1].name, node_board[i - 1].mcu, node_board[i - 1].freq_hz / 1e6);
    fflush(stdout);

    sim_pty spty = {.master = -1, .slave = -1};
    if (pty) {
        if (sim_pty_open(&spty, sim_host_avr(h), '0', err, sizeof err) != 0) {
            fprintf(stderr, "lorahil sim: --pty: %s\n", err);
            return free_run_usage(&o, hosts, nhosts);
        }
        fprintf(stderr, "lorahil sim: UART0 on %s (lorahil hil --port %s --reset none)\n",
                spty.path, spty.path);
        fflush(stderr);
    }
    /* --node FW,pty: a further board's UART, e.g. a sniffer for hil --sniffer */
    sim_pty nptys[MAX_EXTRA_NODES];
    for (size_t i = 0; i + 1 < nhosts; i++) {
        nptys[i] = (sim_pty){.master = -1, .slave = -1};
        if (!node_pty[i])
            continue;
        if (sim_pty_open(&nptys[i], sim_host_avr(hosts[i + 1]), '0', err, sizeof err) != 0) {
            fprintf(stderr, "lorahil sim: --node '%s': pty: %s\n", node_args[i], err);
            for (size_t k = 0; k < i; k++)
                if (node_pty[k])
                    sim_pty_close(&nptys[k], 0);
            if (pty)
                sim_pty_close(&spty, 0);
            return free_run_usage(&o, hosts, nhosts);
        }
        fprintf(stderr, "lorahil sim: node %zu UART0 on %s\n", i + 1, nptys[i].path);
        fflush(stderr);
    }

    for (size_t k = 0; k < nhosts; k++)
        running[k] = hosts[k];
    nrunning = nhosts;
    struct sigaction sa = {0}, old_int, old_term;
    sa.sa_handler = on_sigint;
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    sim_host_stats nst[1 + MAX_EXTRA_NODES];
    if (nhosts == 1)
        sim_host_run(h, &nst[0]);
    else
        sim_host_run_all(hosts, nhosts, nst);
    sim_host_stats st = nst[0];
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    nrunning = 0;
    flush_verdicts(&o);
    rpt_progress_done(&o.prog);
    /* further boards first: a reader of node 0 (hil --port) ends when it goes */
    for (size_t i = 0; i + 1 < nhosts; i++) {
        if (!node_pty[i])
            continue;
        if (nptys[i].stalled)
            fprintf(stderr, "lorahil sim: node %zu pty: %s\n", i + 1, nptys[i].err);
        if (!sim_pty_close(&nptys[i], 10000))
            fprintf(stderr, "lorahil sim: node %zu pty: the reader of %s did not take "
                            "everything within 10 s\n", i + 1, nptys[i].path);
    }
    if (pty) {
        if (spty.stalled)
            fprintf(stderr, "lorahil sim: --pty: %s\n", spty.err);
        if (!sim_pty_close(&spty, 10000))
            fprintf(stderr, "lorahil sim: --pty: the reader of %s did not take everything "
                            "within 10 s\n", spty.path);
    }

    lws_totals t;
    lws_summary(o.lws, &t);
    printf("summary: %u uplinks, %u verified, %u failed, %u faults", t.frames,
           have_keys ? t.verified : 0, t.failed, t.faults);
    if (!have_keys)
        printf(" (no keys: not verified)");
    printf("; run ended by %s at %.3f s\n", st.end_reason, st.sim_ns / 1e9);
    if (t.downlinks) {
        printf("  %u downlinks, %u verified, %u failed", t.downlinks, t.downlinks_verified,
               t.downlinks_failed);
        if (!have_keys)
            printf(" (no keys: not verified)");
        printf("\n");
    }
    for (int b = 0; b < LW_DUTY_NBANDS; b++) {
        if (!t.band[b].used)
            continue;
        const lw_duty_band_def *d = lw_duty_band(b);
        /* the regulatory figure is the time-off after each frame (the
         * duty_cycle verdicts); the share of this run is for information */
        printf("  duty cycle %s (%s): %u frames, %.1f ms on air = %.3f%% of the %.1f s run; "
               "%s\n", d->name, d->duty, t.band[b].frames, t.band[b].airtime_ns / 1e6,
               100 * lws_band_fraction(&t, b), (t.end_ns - t.start_ns) / 1e9,
               t.band[b].violations ? "TIME-OFF NOT RESPECTED" : "time-off respected");
    }
    if (t.out_of_band)
        printf("  %u frames outside the EU868 sub-bands\n", t.out_of_band);
    e2ees_totals et = {0};
    if (o.e2ee) {
        e2ees_summary(o.e2ee, &et);
        printf("  e2ee: %u frames, %u passed, %u failed", et.frames, et.passed, et.failed);
        for (int r = 0; r < E2EE__NRULES; r++)
            if (et.rule_failed[r])
                printf(", %s %u", e2ee_rule_name((e2ee_rule)r), et.rule_failed[r]);
        if (et.orphan_ivs)
            printf(", %u IV lines without ciphertext", et.orphan_ivs);
        printf("\n");
    }
    bool others_failed = false;
    for (size_t i = 1; i < nhosts; i++) {
        printf("  node %zu: run ended by %s at %.3f s, %u faults, %u frames sent\n", i,
               nst[i].end_reason, nst[i].sim_ns / 1e9, nst[i].faults, nst[i].uplinks);
        if (nst[i].faults || !strcmp(nst[i].end_reason, "interrupted"))
            others_failed = true;
    }
    printf("  speed: %.3f simulated s in %.3f wall s = %.1f simulated s per wall s\n",
           st.sim_ns / 1e9, st.wall_s, st.wall_s > 0 ? st.sim_ns / 1e9 / st.wall_s : 0.0);

    /* an interrupted run did not finish its checks: never report it as passed */
    bool interrupted = !strcmp(st.end_reason, "interrupted");
    int rc = (t.verdicts_failed || t.faults || st.faults || et.failed || et.orphan_ivs ||
              interrupted || others_failed) ? LH_EXIT_FAIL : LH_EXIT_OK;
    if (o.events) {
        if (fclose(o.events) != 0 && !o.events_error) {
            o.events_error = true;
            snprintf(o.events_errmsg, sizeof o.events_errmsg, "%s", strerror(errno));
        }
        if (o.events_error) {
            fprintf(stderr, "lorahil sim: %s: write failed: %s\n", events_path,
                    o.events_errmsg);
            rc = LH_EXIT_USAGE;
        }
    }
    if (report_dir) {
        rpt_opts ro;
        rpt_opts_init(&ro);
        size_t fl = strlen(firmware);
        ro.elf_path = fl > 4 && !strcmp(firmware + fl - 4, ".elf") ? firmware : NULL;
        ro.wall_s = st.wall_s;
        if (have_keys) {
            memcpy(ro.keys[ro.nkeys++], keys.nwkskey, RPT_KEY_LEN);
            memcpy(ro.keys[ro.nkeys++], keys.appskey, RPT_KEY_LEN);
        }
        if (o.e2ee)
            memcpy(ro.keys[ro.nkeys++], o.e2ee_key, RPT_KEY_LEN);
        if (rpt_write_all(report_dir, &rep, &ro, err, sizeof err) != 0) {
            fprintf(stderr, "lorahil sim: --report: %s\n", err);
            rc = LH_EXIT_USAGE;
        } else {
            printf("  report: %s/report.html\n", report_dir);
        }
        memset(&ro, 0, sizeof ro);
    }
    rpt_events_free(&rep);
    for (size_t k = 0; k < nhosts; k++)
        sim_host_free(hosts[k]);
    lws_free(o.lws);
    e2ees_free(o.e2ee);
    memset(&keys, 0, sizeof keys);
    memset(&o.keys, 0, sizeof o.keys);
    memset(o.e2ee_key, 0, sizeof o.e2ee_key);
    return rc;
}
