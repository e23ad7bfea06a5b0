/* cmd_check_e2ee.c — `lorahil check --e2ee-key HEX --serial-log FILE`:
 * verifies every E2EE frame (issue 4) a node printed, from a raw serial log
 * or an events file (JSON Lines, as `lorahil sim/hil --events` write). The
 * rules and verdicts come from check/e2ee_stream and check/e2ee; this file
 * reads options and the file, prints, and picks the exit code. The whole
 * input is read and checked first and verdicts are buffered, so bad input
 * prints one line on stderr and nothing on stdout. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/e2ee_stream.h"
#include "check/lw_util.h"
#include "events/events.h"
#include "cli.h"

#define LINE_MAX_BYTES (64 * 1024)
#define FILE_MAX_BYTES (256u * 1024 * 1024)

static const char *const help_text =
    "usage: lorahil check --e2ee-key HEX --serial-log FILE [--pattern KIND=REGEX]...\n"
    "                     [-v|--verbose]\n"
    "\n"
    "Verifies the end-to-end encrypted (E2EE) frames an ESP8266-style node printed:\n"
    "per message the lines 'IV b64: ...', 'Message in B64: ...' (optional) and\n"
    "'Encrypted data in base64: ...'. Each frame is decrypted with OpenSSL\n"
    "(AES-128-CBC, the Crypto-JS key/IV format), re-encrypted with the Crypto-JS-\n"
    "compatible code and compared byte for byte, and must pass every rule:\n"
    "  key         the key is 16 bytes (AES-128)\n"
    "  iv          canonical base64 of 16 bytes, not all zero, never reused in the\n"
    "              log, not the previous frame's last ciphertext block\n"
    "  ciphertext  canonical base64 of a non-empty multiple of 16 bytes\n"
    "  padding     PKCS#7 valid (crypto-js itself never complains: the verdict\n"
    "              says what it would return instead)\n"
    "  base64      the plaintext is canonical base64; otherwise the verdict says\n"
    "              what lenient (crypto-js, node Buffer) and strict (OpenSSL,\n"
    "              atob) decoders make of it\n"
    "  json        the decoded text is a UTF-8 JSON object\n"
    "  seqn        \"SEQN\" is an integer above the node's highest so far: replays,\n"
    "              SEQN going backwards and unannounced resets fail. A frame with\n"
    "              \"boot\": true announces a reset and may start SEQN again.\n"
    "  match       re-encryption identical; plaintext equals 'Message in B64'\n"
    "One verdict line per frame, then a summary.\n"
    "\n"
    "  --e2ee-key HEX     the AES key, 32 hex digits (48 or 64 are read but fail\n"
    "                     the key rule); printed only masked (2B7E\xE2\x80\xA6" "4F3C)\n"
    "  --serial-log FILE  the node's serial output ('-' = stdin): text lines, or an\n"
    "                     events file (JSON Lines whose first line starts\n"
    "                     {\"type\":), whose serial_line events are read (per node)\n"
    "                     and whose reset faults count as restarts\n"
    "  --pattern KIND=REGEX\n"
    "                     how lines are recognised, as a POSIX extended regular\n"
    "                     expression; the value is its first group, or the rest of\n"
    "                     the line after the match. KIND and default:\n"
    "                       iv    IV b64:[[:space:]]*(.*)\n"
    "                       msg   Message in B64:[[:space:]]*(.*)\n"
    "                       ct    Encrypted data in base64:[[:space:]]*(.*)\n"
    "                       boot  ^[[:space:]]*(Booting|e2ee-node: boot)\n"
    "                     A ct line completes a frame with the node's last iv and\n"
    "                     msg lines; a boot line marks a restart.\n"
    "                     Example: --pattern 'iv=^iv=([^ ]*)' --pattern 'ct=^ct=(.*)'\n"
    "  -v, --verbose      every rule's verdict under each frame\n"
    "  -h, --help         this text\n"
    "\n"
    "Exit status: 0 every frame passed; 1 a rule failed (or an IV line had no\n"
    "ciphertext line); 2 bad usage or bad input (unreadable file, a line over\n"
    "64 KiB, a malformed events line, no frame found, key not hex), reported on\n"
    "one line of stderr naming the file and line.\n";

/* One line on stderr, returns LH_EXIT_USAGE (cli/cli_util.c). */
#define bad(...) cli_bad("check", __VA_ARGS__)

/* The key: 32, 48 or 64 hex digits. Never echoes the value. */
static int parse_key(const char *s, uint8_t *key, size_t *len)
{
    size_t n = strlen(s);
    for (size_t i = 0; i < n; i++)
        if (lw_hexval((unsigned char)s[i]) < 0)
            return bad("--e2ee-key: character %zu is not a hex digit", i + 1);
    if (n != 32 && n != 48 && n != 64)
        return bad("--e2ee-key: %zu hex digits, expected 32 (AES-128)", n);
    for (size_t i = 0; i < n / 2; i++)
        key[i] = (uint8_t)(lw_hexval((unsigned char)s[2 * i]) << 4 | lw_hexval((unsigned char)s[2 * i + 1]));
    *len = n / 2;
    return 0;
}

static char *read_all(const char *path, size_t *len, int *err)
{
    FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
    if (!f) {
        *err = errno;
        return NULL;
    }
    size_t cap = 65536, n = 0;
    char *buf = malloc(cap + 1);
    while (buf) {
        if (n == cap) {
            if (cap >= FILE_MAX_BYTES) {
                *err = EFBIG;
                free(buf);
                buf = NULL;
                break;
            }
            char *nb = realloc(buf, 2 * cap + 1);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
        size_t r = fread(buf + n, 1, cap - n, f);
        n += r;
        if (r == 0) {
            if (ferror(f)) {
                *err = errno ? errno : EIO;
                free(buf);
                buf = NULL;
            }
            break;
        }
    }
    if (!buf && !*err)
        *err = ENOMEM;
    if (f != stdin)
        fclose(f);
    if (buf)
        buf[n] = 0;
    *len = n;
    return buf;
}

/* Verdicts are printed only once the whole input is known to be good. */
typedef struct out_ctx {
    FILE *mem;
    size_t line;                /* line being fed */
    bool events;                /* input is an events file: show the node */
    bool verbose;
    e2ees_state *st;
} out_ctx;

static void on_verdict(void *ctx, const ev_event *ev)
{
    out_ctx *o = ctx;
    if (ev->type != EV_VERDICT)
        return;
    if (o->events)
        fprintf(o->mem, "line %zu node %d ", o->line, ev->node);
    else
        fprintf(o->mem, "line %zu ", o->line);
    if (ev->u.verdict.frame >= 0)
        fprintf(o->mem, "frame %d: %s%s\n", ev->u.verdict.frame, ev->u.verdict.ok ? "ok: " : "FAIL ",
                ev->u.verdict.detail);
    else
        fprintf(o->mem, "%s%s\n", ev->u.verdict.ok ? "ok: " : "FAIL ", ev->u.verdict.detail);
    const e2ee_verdict *v = e2ees_last(o->st);
    if (o->verbose && ev->u.verdict.frame >= 0 && v && v->frame == ev->u.verdict.frame)
        for (int r = 0; r < E2EE__NRULES; r++)
            fprintf(o->mem, "    %-10s %s %s\n", e2ee_rule_name((e2ee_rule)r),
                    !v->rule[r].checked ? "--" : v->rule[r].ok ? "ok" : "FAIL", v->rule[r].detail);
}

int cmd_check_e2ee(int argc, char **argv)
{
    const char *key_hex = NULL, *log = NULL;
    const char *pattern[E2EES__NKINDS] = {0};
    bool verbose = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = NULL;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(help_text, stdout);
            return LH_EXIT_OK;
        }
        if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
            verbose = true;
            continue;
        }
        const char *opts[] = {"--e2ee-key", "--serial-log", "--pattern"};
        int which = -1;
        for (int k = 0; k < 3 && which < 0; k++) {
            size_t l = strlen(opts[k]);
            if (!strcmp(a, opts[k])) {
                if (i + 1 >= argc)
                    return bad("%s needs a value (see 'lorahil check --e2ee-key x --help')", a);
                v = argv[++i];
                which = k;
            } else if (!strncmp(a, opts[k], l) && a[l] == '=') {
                v = a + l + 1;
                which = k;
            }
        }
        if (which == 0) {
            key_hex = v;
        } else if (which == 1) {
            if (log)
                return bad("--serial-log given twice (one log per run)");
            log = v;
        } else if (which == 2) {
            const char *eq = strchr(v, '=');
            char kind[16];
            size_t kl = eq ? (size_t)(eq - v) : 0;
            if (!eq || kl >= sizeof kind)
                return bad("--pattern '%s': expected KIND=REGEX with KIND iv, msg, ct or boot", v);
            memcpy(kind, v, kl);
            kind[kl] = 0;
            int k = e2ees_kind_by_name(kind);
            if (k < 0)
                return bad("--pattern: unknown kind '%s' (iv, msg, ct or boot)", kind);
            pattern[k] = eq + 1;
        } else {
            return bad("unknown option '%s' with --e2ee-key (see 'lorahil check --e2ee-key x --help')", a);
        }
    }
    if (!key_hex)
        return bad("--e2ee-key needs a value");
    if (!log)
        return bad("--e2ee-key needs --serial-log FILE");
    uint8_t key[32];
    size_t keylen = 0;
    if (parse_key(key_hex, key, &keylen))
        return LH_EXIT_USAGE;

    e2ees_config cfg = {.key = key, .keylen = keylen};
    memcpy(cfg.pattern, pattern, sizeof pattern);
    char err[512];
    e2ees_state *st = e2ees_new(&cfg, err, sizeof err);
    if (!st)
        return bad("%s", err);

    size_t len = 0;
    int e = 0;
    char *buf = read_all(log, &len, &e);
    if (!buf) {
        e2ees_free(st);
        return bad("%s: %s", log, strerror(e));
    }

    /* split into lines in place; NUL bytes (serial noise) become '?' */
    out_ctx o = {.verbose = verbose, .st = st};
    char *membuf = NULL;
    size_t memlen = 0;
    o.mem = open_memstream(&membuf, &memlen);
    int rc = LH_EXIT_USAGE;
    if (!o.mem) {
        rc = bad("out of memory");
        goto done;
    }
    ev_sink sink = {on_verdict, &o};
    size_t nul = 0;
    for (size_t i = 0; i < len; i++)
        if (!buf[i]) {
            buf[i] = '?';
            nul++;
        }
    char *p = buf;
    while (*p == '\n' || *p == '\r' || *p == ' ' || *p == '\t')
        p++;
    o.events = !strncmp(p, "{\"type\":", 8);
    ev_store store = {0};
    char *line = buf;
    for (size_t ln = 1; line < buf + len; ln++) {
        char *nl = memchr(line, '\n', (size_t)(buf + len - line));
        char *end = nl ? nl : buf + len;
        if (end - line > LINE_MAX_BYTES) {
            rc = bad("%s:%zu: line of more than %d bytes: not a serial log", log, ln, LINE_MAX_BYTES);
            goto done;
        }
        *end = 0;
        if (end > line && end[-1] == '\r')
            end[-1] = 0;
        o.line = ln;
        if (o.events) {
            if (*line) {
                ev_event ev;
                char perr[256];
                if (ev_parse_jsonl(line, &ev, &store, perr, sizeof perr)) {
                    ev_store_free(&store);
                    rc = bad("%s:%zu: %s", log, ln, perr);
                    goto done;
                }
                e2ees_feed(st, &ev, &sink);
            }
        } else {
            e2ees_line(st, 0, 0, line, &sink);
        }
        line = end + 1;
    }
    ev_store_free(&store);
    fflush(o.mem);

    e2ees_totals t;
    e2ees_summary(st, &t);
    if (!t.frames && !t.orphan_ivs) {
        rc = bad("%s: no E2EE frame: no line matches the ct pattern '%s' (see --pattern)", log,
                 pattern[E2EES_CT] ? pattern[E2EES_CT] : e2ees_default_pattern(E2EES_CT));
        goto done;
    }

    char masked[16];
    e2ee_mask_key(key, keylen, masked, sizeof masked);
    printf("E2EE frames of %s, key %s (AES-%zu)%s\n", strcmp(log, "-") ? log : "stdin", masked, keylen * 8,
           o.events ? ", events file" : "");
    fwrite(membuf, 1, memlen, stdout);
    printf("%u frame%s: %u passed, %u failed", t.frames, t.frames == 1 ? "" : "s", t.passed, t.failed);
    const char *sep = " (";
    for (int r = 0; r < E2EE__NRULES; r++)
        if (t.rule_failed[r]) {
            printf("%s%s %u", sep, e2ee_rule_name((e2ee_rule)r), t.rule_failed[r]);
            sep = ", ";
        }
    printf("%s\n", *sep == ',' ? ")" : "");
    if (t.orphan_ivs)
        printf("%u IV line%s without a ciphertext line\n", t.orphan_ivs, t.orphan_ivs == 1 ? "" : "s");
    if (t.pending)
        printf("the log ends inside a frame (an IV line without its ciphertext line): not counted\n");
    if (t.reboots)
        printf("%u restart%s seen\n", t.reboots, t.reboots == 1 ? "" : "s");
    if (nul)
        printf("%zu NUL byte%s read as '?'\n", nul, nul == 1 ? "" : "s");
    rc = (t.failed || t.orphan_ivs) ? LH_EXIT_FAIL : LH_EXIT_OK;
done:
    if (o.mem)
        fclose(o.mem);
    free(membuf);
    free(buf);
    e2ees_free(st);
    return rc;
}
