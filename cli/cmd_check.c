/* cmd_check.c — `lorahil check`: verify LoRaWAN 1.0.x data frames copied
 * from a gateway log or TTN's console against an ABP session. All decoding
 * and verdicts come from check/; this file reads options and files, prints,
 * and picks the exit code. Bad input is found before anything is printed
 * on stdout, so a run either reports every frame or none. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/lorawan.h"
#include "check/lw_mac.h"
#include "check/lw_toa.h"
#include "check/lw_util.h"
#include "cli.h"

static const char *const help_text =
    "usage: lorahil check [--keys FILE] [--devaddr HEX] [--nwkskey HEX] [--appskey HEX]\n"
    "                     [--fcnt-last N] [--sf N] [--bw HZ] FRAME...\n"
    "       lorahil check --e2ee-key HEX --serial-log FILE ...   (E2EE frames; see --e2ee-key --help)\n"
    "\n"
    "Verifies LoRaWAN 1.0.x data frames (uplink or downlink, confirmed or not) of an\n"
    "ABP session and prints every field: MType, DevAddr, FCtrl flags, FOptsLen, FCnt\n"
    "(16-bit wire value and 32-bit counter), FOpts MAC commands, FPort, the MIC\n"
    "verdict with the expected value, the decrypted FRMPayload as hex and text, the\n"
    "MAC commands of an FPort 0 payload, and the time on air.\n"
    "\n"
    "FRAME is a PHYPayload in hex (40F17DBE49..., optionally 0x-prefixed, spaces or\n"
    "colons allowed) or base64 (QPF9vkkAAgAB..., as TTN's console shows it).\n"
    "Several frames are checked in order, and the FCnt rules apply across them\n"
    "(separate counters for uplinks and downlinks).\n"
    "\n"
    "Session:\n"
    "  --keys FILE      DevAddr, NwkSKey and AppSKey from FILE: plain hex lines\n"
    "                   (\"NwkSKey AA0F29...\", \"devaddr = 95337738\") or the C lines\n"
    "                   TTN's console copies for LMIC (\"static const PROGMEM u1_t\n"
    "                   NWKSKEY[16] = { 0xAA, 0x0F, ... };\", \"DEVADDR = 0x95337738\");\n"
    "                   the options below, when given too, override the file\n"
    "  --devaddr HEX    DevAddr, 8 hex digits, most significant first (95337738)\n"
    "  --nwkskey HEX    NwkSKey, 32 hex digits, most significant first\n"
    "  --appskey HEX    AppSKey, 32 hex digits, most significant first\n"
    "\n"
    "Frame counter:\n"
    "  --fcnt-last N    the last 32-bit FCnt accepted from this session (both\n"
    "                   directions). The 32-bit counter is the smallest value above N\n"
    "                   with the frame's 16 bits; a value not above N is a replay, a\n"
    "                   jump of 16384 or more a gap. Without it the first frame's\n"
    "                   16-bit value is its counter, so give it when the counter\n"
    "                   may be above 65535.\n"
    "\n"
    "Time on air (SX1276 datasheet formula):\n"
    "  --sf N           spreading factor 7..12 (default 7)\n"
    "  --bw HZ          bandwidth 125000, 250000 or 500000 (default 125000)\n"
    "                   Always CR 4/5, preamble 8, explicit header, low data rate\n"
    "                   optimisation when a symbol lasts over 16 ms; CRC on for\n"
    "                   uplinks and off for downlinks, as LoRaWAN sends them.\n"
    "\n"
    "  -h, --help       this text\n"
    "\n"
    "Keys are only ever printed masked (AA0F\xE2\x80\xA6" "55B5).\n"
    "Exit status: 0 every frame passed; 1 a check failed (MIC, DevAddr, FCnt replay\n"
    "or gap, malformed MAC commands); 2 bad usage or bad input (invalid hex or\n"
    "base64, frame shorter than 12 bytes, join request/accept, RFU or proprietary\n"
    "MType, key not 16 bytes, unreadable keys file), reported on one line of stderr.\n";

typedef struct frame_in {
    const char *text;
    uint8_t buf[LW_MAX_FRAME];
    int len;
} frame_in;

/* One line on stderr, returns LH_EXIT_USAGE (cli/cli_util.c). */
#define bad(...) cli_bad("check", __VA_ARGS__)

/* exactly n bytes of hex (optional 0x); returns 0 or prints one line */
static int opt_hex(const char *opt, const char *s, uint8_t *out, size_t n)
{
    size_t i = 0, nd = 0;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
        i = 2;
    for (; s[i]; i++, nd++) {
        int v = lw_hexval((unsigned char)s[i]);
        if (v < 0) {
            int c = (unsigned char)s[i];
            if (c > 0x20 && c < 0x7f)
                bad("%s: invalid hex digit '%c' at character %zu", opt, c, i + 1);
            else
                bad("%s: invalid character 0x%02X at character %zu", opt, (unsigned)c, i + 1);
            return -1;
        }
        if (nd / 2 < n)
            out[nd / 2] = (uint8_t)(nd % 2 ? (out[nd / 2] | v) : v << 4);
    }
    if (nd != 2 * n) {
        bad("%s: %zu hex digits, expected %zu (%zu bytes)", opt, nd, 2 * n, n);
        return -1;
    }
    return 0;
}

static int opt_uint(const char *opt, const char *s, unsigned long long max,
                    unsigned long long *v)
{
    char *end;
    errno = 0;
    if (!s[0] || s[0] == '-' || s[0] == '+' || s[0] == ' ') {
        bad("%s: '%s' is not a number", opt, s);
        return -1;
    }
    *v = strtoull(s, &end, 10);
    if (*end || errno) {
        bad("%s: '%s' is not a number", opt, s);
        return -1;
    }
    if (*v > max) {
        bad("%s: %s is above %llu", opt, s, max);
        return -1;
    }
    return 0;
}

static void put_hex(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        printf("%02X", p[i]);
}

static void put_text(const uint8_t *p, size_t n)
{
    putchar('\'');
    for (size_t i = 0; i < n; i++)
        putchar(p[i] >= 0x20 && p[i] < 0x7f ? p[i] : '.');
    putchar('\'');
}

static void put_macs(const uint8_t *p, size_t n, bool uplink)
{
    lw_mac_cmd cmds[LW_MAC_MAX];
    size_t count = 0;
    char err[200], line[400];
    int rc = lw_mac_decode(p, n, uplink, cmds, LW_MAC_MAX, &count, err, sizeof err);
    for (size_t i = 0; i < count; i++) {
        lw_mac_format(&cmds[i], line, sizeof line);
        printf("    %s\n", line);
    }
    if (rc)
        printf("    MAC command error: %s\n", err);
}

static void print_frame(size_t idx, const frame_in *in, const lw_keys *keys,
                        const lw_result *r, const lw_fcnt_state *before, const lw_modem *m,
                        int ret)
{
    const lw_frame *f = &r->frame;
    printf("frame %zu: %d bytes\n", idx, in->len);
    printf("  PHYPayload:   ");
    put_hex(f->raw, f->rawlen);
    printf("\n  MHDR:         %02X\n", f->mhdr);
    printf("  Message Type: %s\n", lw_mtype_name(f->mtype));
    printf("  Direction:    %s\n", f->uplink ? "up" : "down");
    printf("  MACPayload:   ");
    put_hex(f->raw + 1, f->rawlen - 5);
    printf("\n  FHDR:         ");
    put_hex(f->raw + 1, 7 + f->foptslen);
    printf("\n  DevAddr:      %08X", (unsigned)f->devaddr);
    if (r->devaddr_ok)
        printf(" (the session's)\n");
    else
        printf(" BAD (the session's is %08X)\n", (unsigned)keys->devaddr);
    printf("  FCtrl:        %02X (ADR %d, %s %d, ACK %d, %s %d, FOptsLen %u)\n", f->fctrl,
           f->adr, f->uplink ? "ADRACKReq" : "RFU", f->adrackreq, f->ack,
           f->uplink ? "ClassB" : "FPending", f->fpending, f->foptslen);
    printf("  FCnt:         %04X on the wire, %u as 32-bit counter", f->fcnt16, (unsigned)r->fcnt);
    if (!before->have_last)
        printf(" (first of its direction)\n");
    else
        switch (r->fcnt_verdict) {
        case LW_FCNT_OK:
            printf(" (ok after %u)\n", (unsigned)before->last);
            break;
        case LW_FCNT_SKIP:
            printf(" (skip: %u missing after %u)\n", (unsigned)(r->fcnt - before->last - 1),
                   (unsigned)before->last);
            break;
        case LW_FCNT_REPLAY:
            printf(" REPLAY (not above %u)\n", (unsigned)before->last);
            break;
        case LW_FCNT_GAP:
            printf(" GAP (%u after %u, 16384 or more)\n", (unsigned)(r->fcnt - before->last),
                   (unsigned)before->last);
            break;
        }
    if (f->foptslen) {
        printf("  FOpts:        ");
        put_hex(f->fopts, f->foptslen);
        printf(" (MAC commands)\n");
        put_macs(f->fopts, f->foptslen, f->uplink);
    } else {
        printf("  FOpts:        none\n");
    }
    if (f->fport < 0) {
        printf("  FPort:        none\n");
    } else {
        printf("  FPort:        %d\n", f->fport);
        printf("  FRMPayload:   ");
        if (f->frmlen) {
            put_hex(f->frmpayload, f->frmlen);
            printf(" (encrypted with %s)\n", f->fport == 0 ? "NwkSKey" : "AppSKey");
        } else {
            printf("empty\n");
        }
    }
    printf("  MIC:          %08X ", (unsigned)f->mic);
    if (r->mic_ok)
        printf("ok\n");
    else
        printf("BAD (expected %08X)\n", (unsigned)r->mic_expected);
    if (f->frmlen) {
        printf("  Plaintext:    ");
        put_hex(r->plain, r->plain_len);
        putchar(' ');
        put_text(r->plain, r->plain_len);
        if (f->fport == 0) {
            printf(" (MAC commands)\n");
            if (r->mic_ok)
                put_macs(r->plain, r->plain_len, f->uplink);
            else
                printf("    (not decoded: the MIC failed, so the plaintext is not trustworthy)\n");
        } else {
            putchar('\n');
        }
    }
    lw_modem mm = *m;
    mm.crc = f->uplink;
    uint64_t toa = lw_toa_ns(&mm, f->rawlen);
    printf("  Time on air:  %llu.%03llu ms at SF%d/%u kHz (CR 4/%d, preamble %d, explicit header, "
           "CRC %s%s)\n", (unsigned long long)(toa / 1000000u),
           (unsigned long long)(toa / 1000u % 1000u), mm.sf, (unsigned)(mm.bw_hz / 1000u), mm.cr,
           mm.preamble, mm.crc ? "on" : "off", mm.ldro ? ", LDRO on" : "");
    if (ret == 0)
        printf("  Result:       ok\n");
    else
        printf("  Result:       FAILED: %s\n", r->detail);
}

int cmd_check(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--"))
            break;
        if (!strcmp(argv[i], "--e2ee-key") || !strncmp(argv[i], "--e2ee-key=", 11))
            return cmd_check_e2ee(argc, argv);
    }
    for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            fputs(help_text, stdout);
            return LH_EXIT_OK;
        }

    const char *keys_path = NULL, *devaddr = NULL, *nwkskey = NULL, *appskey = NULL;
    const char *fcnt_last = NULL, *sf = NULL, *bw = NULL;
    const char **frames = calloc((size_t)argc + 1, sizeof *frames);
    size_t nframes = 0;
    if (!frames)
        return bad("out of memory");
    int rc = LH_EXIT_USAGE;
    frame_in *in = NULL;
    bool opts_done = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (opts_done || a[0] != '-' || !a[1]) {
            frames[nframes++] = a;
            continue;
        }
        if (!strcmp(a, "--")) {
            opts_done = true;
            continue;
        }
        static const char *const names[] = {"--keys", "--devaddr", "--nwkskey", "--appskey",
                                            "--fcnt-last", "--sf", "--bw"};
        const char **slots[] = {&keys_path, &devaddr, &nwkskey, &appskey, &fcnt_last, &sf, &bw};
        size_t k;
        const char *val = NULL;
        for (k = 0; k < sizeof names / sizeof names[0]; k++) {
            size_t nl = strlen(names[k]);
            if (!strncmp(a, names[k], nl) && (a[nl] == 0 || a[nl] == '=')) {
                val = a[nl] == '=' ? a + nl + 1 : NULL;
                break;
            }
        }
        if (k == sizeof names / sizeof names[0]) {
            bad("unknown option '%s' (see 'lorahil check --help')", a);
            goto out;
        }
        if (!val) {
            if (i + 1 >= argc) {
                bad("%s needs a value (see 'lorahil check --help')", a);
                goto out;
            }
            val = argv[++i];
        }
        *slots[k] = val;
    }
    lw_keys keys = {0};
    bool have[3] = {false, false, false};
    if (keys_path) {
        if (cli_read_keys_file("check", keys_path, &keys))
            goto out;
        have[0] = have[1] = have[2] = true;
    }
    if (devaddr) {
        uint8_t b[4];
        if (opt_hex("--devaddr", devaddr, b, 4))
            goto out;
        keys.devaddr = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
        have[0] = true;
    }
    if (nwkskey) {
        if (opt_hex("--nwkskey", nwkskey, keys.nwkskey, LW_KEY_LEN))
            goto out;
        have[1] = true;
    }
    if (appskey) {
        if (opt_hex("--appskey", appskey, keys.appskey, LW_KEY_LEN))
            goto out;
        have[2] = true;
    }
    if (!have[0] && !have[1] && !have[2]) {
        bad("no session keys: give --keys FILE, or --devaddr, --nwkskey and --appskey");
        goto out;
    }
    static const char *const knames[3] = {"--devaddr", "--nwkskey", "--appskey"};
    for (int k = 0; k < 3; k++)
        if (!have[k]) {
            bad("missing %s (or --keys FILE)", knames[k]);
            goto out;
        }
    lw_fcnt_state st_up = {0}, st_down = {0};
    if (fcnt_last) {
        unsigned long long v;
        if (opt_uint("--fcnt-last", fcnt_last, 0xffffffffull, &v))
            goto out;
        st_up.have_last = st_down.have_last = true;
        st_up.last = st_down.last = (uint32_t)v;
    }
    lw_modem modem = {.sf = 7, .bw_hz = 125000, .cr = 5, .preamble = 8, .crc = true};
    if (sf) {
        unsigned long long v;
        if (opt_uint("--sf", sf, 99, &v))
            goto out;
        if (v < 7 || v > 12) {
            bad("--sf %llu: LoRaWAN uses SF7..SF12", v);
            goto out;
        }
        modem.sf = (int)v;
    }
    if (bw) {
        unsigned long long v;
        if (opt_uint("--bw", bw, 0xffffffffull, &v))
            goto out;
        if (v != 125000 && v != 250000 && v != 500000) {
            bad("--bw %llu: expected 125000, 250000 or 500000 (Hz)", v);
            goto out;
        }
        modem.bw_hz = (uint32_t)v;
    }
    modem.ldro = lw_ldro_required(modem.sf, modem.bw_hz);
    if (!nframes) {
        bad("no FRAME given (see 'lorahil check --help')");
        goto out;
    }

    /* every frame must decode and parse before anything is printed */
    in = calloc(nframes, sizeof *in);
    if (!in) {
        bad("out of memory");
        goto out;
    }
    int nbad = 0;
    for (size_t i = 0; i < nframes; i++) {
        char err[256];
        lw_frame f;
        in[i].text = frames[i];
        in[i].len = lw_parse_frame_text(frames[i], in[i].buf, sizeof in[i].buf, err, sizeof err);
        if (in[i].len < 0 ||
            lw_frame_parse(in[i].buf, (size_t)in[i].len, &f, err, sizeof err) != 0) {
            bad("frame %zu: %s", i + 1, err);
            nbad++;
        }
    }
    if (nbad)
        goto out;

    char mn[LW_MASKED_LEN], ma[LW_MASKED_LEN];
    lw_mask_key(keys.nwkskey, mn, sizeof mn);
    lw_mask_key(keys.appskey, ma, sizeof ma);
    printf("session: DevAddr %08X, NwkSKey %s, AppSKey %s", (unsigned)keys.devaddr, mn, ma);
    if (fcnt_last)
        printf(", last FCnt %u", (unsigned)st_up.last);
    printf("\n");
    size_t failed = 0;
    for (size_t i = 0; i < nframes; i++) {
        lw_result r;
        bool up = (in[i].buf[0] >> 5) == LW_UNCONFIRMED_UP || (in[i].buf[0] >> 5) == LW_CONFIRMED_UP;
        lw_fcnt_state *st = up ? &st_up : &st_down;
        lw_fcnt_state before = *st;
        int v = lw_verify(&keys, st, in[i].buf, (size_t)in[i].len, &r);
        if (v < 0) { /* cannot happen: parsed above */
            bad("frame %zu: %s", i + 1, r.detail);
            goto out;
        }
        print_frame(i + 1, &in[i], &keys, &r, &before, &modem, v);
        failed += v != 0;
    }
    printf("%zu frame%s: %zu passed, %zu failed\n", nframes, nframes == 1 ? "" : "s",
           nframes - failed, failed);
    rc = failed ? LH_EXIT_FAIL : LH_EXIT_OK;
out:
    free(in);
    free(frames);
    return rc;
}
