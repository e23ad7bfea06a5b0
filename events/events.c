/* events.c — JSON Lines form of the shared event vocabulary (events.h).
 * One object per line, keys in a fixed order, flushed per event: the file is
 * both the determinism witness (same run => same bytes) and the crash-safe
 * record of a run. */
#include "events.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static const char *const type_names[EV__COUNT] = {
    [EV_RADIO_TX] = "radio_tx",
    [EV_RADIO_RX_WINDOW] = "radio_rx_window",
    [EV_SERIAL_LINE] = "serial_line",
    [EV_GATEWAY_RX] = "gateway_rx",
    [EV_FAULT] = "fault",
    [EV_VERDICT] = "verdict",
    [EV_RUN_START] = "run_start",
    [EV_RUN_END] = "run_end",
};

const char *ev_type_name(ev_type t)
{
    return (unsigned)t < EV__COUNT ? type_names[t] : NULL;
}

static json_t *hex_string(const uint8_t *p, size_t n)
{
    static const char digits[] = "0123456789ABCDEF";
    char *s = malloc(2 * n + 1);
    if (!s)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        s[2 * i] = digits[p[i] >> 4];
        s[2 * i + 1] = digits[p[i] & 15];
    }
    s[2 * n] = 0;
    json_t *j = json_string(s);
    free(s);
    return j;
}

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *event_object(const ev_event *ev)
{
    json_t *o = json_object();
    json_object_set_new(o, "type", json_string(ev_type_name(ev->type)));
    json_object_set_new(o, "t_ns", json_integer((json_int_t)ev->t_ns));
    json_object_set_new(o, "node", json_integer(ev->node));
    switch (ev->type) {
    case EV_RADIO_TX: {
        const ev_radio_tx *x = &ev->u.tx;
        json_object_set_new(o, "freq_hz", json_integer(x->freq_hz));
        json_object_set_new(o, "sf", json_integer(x->sf));
        json_object_set_new(o, "bw_hz", json_integer(x->bw_hz));
        json_object_set_new(o, "cr", json_integer(x->cr));
        json_object_set_new(o, "power_dbm", json_integer(x->power_dbm));
        json_object_set_new(o, "preamble", json_integer(x->preamble));
        json_object_set_new(o, "crc", json_boolean(x->crc));
        json_object_set_new(o, "iq_inverted", json_boolean(x->iq_inverted));
        json_object_set_new(o, "implicit_header", json_boolean(x->implicit_header));
        json_object_set_new(o, "ldro", json_boolean(x->ldro));
        json_object_set_new(o, "sync_word", json_integer(x->sync_word));
        json_object_set_new(o, "toa_ns", json_integer((json_int_t)x->toa_ns));
        json_object_set_new(o, "payload_hex", hex_string(x->payload, x->len));
        break;
    }
    case EV_RADIO_RX_WINDOW: {
        const ev_radio_rx_window *x = &ev->u.rxw;
        json_object_set_new(o, "freq_hz", json_integer(x->freq_hz));
        json_object_set_new(o, "sf", json_integer(x->sf));
        json_object_set_new(o, "bw_hz", json_integer(x->bw_hz));
        json_object_set_new(o, "open_ns", json_integer((json_int_t)x->open_ns));
        json_object_set_new(o, "close_ns", json_integer((json_int_t)x->close_ns));
        json_object_set_new(o, "result", str_or_null(x->result));
        json_object_set_new(o, "payload_hex",
                            x->payload ? hex_string(x->payload, x->len) : json_null());
        break;
    }
    case EV_SERIAL_LINE:
        json_object_set_new(o, "text", str_or_null(ev->u.line.text));
        break;
    case EV_GATEWAY_RX: {
        const ev_gateway_rx *x = &ev->u.gw;
        json_object_set_new(o, "gateway", str_or_null(x->gateway));
        json_object_set_new(o, "freq_hz", json_integer(x->freq_hz));
        json_object_set_new(o, "sf", json_integer(x->sf));
        json_object_set_new(o, "bw_hz", json_integer(x->bw_hz));
        json_object_set_new(o, "cr", json_integer(x->cr));
        json_object_set_new(o, "rssi_dbm", json_real(x->rssi_dbm));
        json_object_set_new(o, "snr_db", json_real(x->snr_db));
        json_object_set_new(o, "channel", json_integer(x->channel));
        json_object_set_new(o, "payload_hex", hex_string(x->payload, x->len));
        break;
    }
    case EV_FAULT: {
        const ev_fault *x = &ev->u.fault;
        json_object_set_new(o, "kind", str_or_null(x->kind));
        json_object_set_new(o, "pc", json_integer(x->pc));
        json_object_set_new(o, "symbol", str_or_null(x->symbol));
        json_object_set_new(o, "detail", str_or_null(x->detail));
        break;
    }
    case EV_VERDICT: {
        const ev_verdict *x = &ev->u.verdict;
        json_object_set_new(o, "check", str_or_null(x->check));
        json_object_set_new(o, "ok", json_boolean(x->ok));
        json_object_set_new(o, "detail", str_or_null(x->detail));
        json_object_set_new(o, "frame", json_integer(x->frame));
        break;
    }
    case EV_RUN_START: {
        const ev_run_start *x = &ev->u.start;
        json_object_set_new(o, "runner", str_or_null(x->runner));
        json_object_set_new(o, "firmware", str_or_null(x->firmware));
        json_object_set_new(o, "board", str_or_null(x->board));
        /* as a string: seeds are 64-bit and JSON numbers are doubles */
        char seed[24];
        snprintf(seed, sizeof seed, "%llu", (unsigned long long)x->seed);
        json_object_set_new(o, "seed", json_string(seed));
        break;
    }
    case EV_RUN_END:
        json_object_set_new(o, "reason", str_or_null(ev->u.end.reason));
        break;
    default:
        break;
    }
    return o;
}

int ev_write_jsonl(FILE *f, const ev_event *ev)
{
    if (!ev_type_name(ev->type)) {
        errno = EINVAL;
        return -1;
    }
    json_t *o = event_object(ev);
    char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
    json_decref(o);
    if (!s) {
        errno = ENOMEM;
        return -1;
    }
    int rc = (fputs(s, f) < 0 || fputc('\n', f) == EOF || fflush(f) != 0) ? -1 : 0;
    free(s);
    return rc;
}

/* ---- reading back ---------------------------------------------------- */

static const char *get_str(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static long long get_int(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    return json_is_integer(v) ? json_integer_value(v) : 0;
}

static double get_real(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    return json_is_number(v) ? json_number_value(v) : 0.0;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Decodes the "payload_hex" member into store->bytes. */
static int get_payload(json_t *o, ev_store *st, const uint8_t **p, size_t *n,
                       char *err, size_t errlen)
{
    const char *h = get_str(o, "payload_hex");
    *p = NULL;
    *n = 0;
    if (!h)
        return 0;
    size_t len = strlen(h);
    if (len % 2) {
        snprintf(err, errlen, "payload_hex has odd length %zu", len);
        return -1;
    }
    free(st->bytes);
    st->bytes = malloc(len / 2 + 1);
    if (!st->bytes) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < len / 2; i++) {
        int a = hexval(h[2 * i]), b = hexval(h[2 * i + 1]);
        if (a < 0 || b < 0) {
            snprintf(err, errlen, "payload_hex: bad hex digit at character %zu",
                     a < 0 ? 2 * i + 1 : 2 * i + 2);
            return -1;
        }
        st->bytes[i] = (uint8_t)(a << 4 | b);
    }
    *p = st->bytes;
    *n = len / 2;
    return 0;
}

void ev_store_free(ev_store *st)
{
    if (st->json)
        json_decref((json_t *)st->json);
    free(st->bytes);
    st->json = NULL;
    st->bytes = NULL;
}

int ev_parse_jsonl(const char *line, ev_event *ev, ev_store *st, char *err, size_t errlen)
{
    json_error_t je;
    ev_store_free(st);
    memset(ev, 0, sizeof *ev);
    json_t *o = json_loads(line, JSON_REJECT_DUPLICATES, &je);
    if (!o) {
        snprintf(err, errlen, "invalid JSON at column %d: %s", je.column, je.text);
        return -1;
    }
    st->json = o;
    if (!json_is_object(o)) {
        snprintf(err, errlen, "not a JSON object");
        return -1;
    }
    const char *type = get_str(o, "type");
    if (!type) {
        snprintf(err, errlen, "missing \"type\"");
        return -1;
    }
    int t;
    for (t = 0; t < EV__COUNT; t++)
        if (strcmp(type, type_names[t]) == 0)
            break;
    if (t == EV__COUNT) {
        snprintf(err, errlen, "unknown event type \"%s\"", type);
        return -1;
    }
    if (!json_is_integer(json_object_get(o, "t_ns"))) {
        snprintf(err, errlen, "missing or non-integer \"t_ns\"");
        return -1;
    }
    ev->type = (ev_type)t;
    ev->t_ns = (uint64_t)get_int(o, "t_ns");
    ev->node = (int)get_int(o, "node");
    switch (ev->type) {
    case EV_RADIO_TX: {
        ev_radio_tx *x = &ev->u.tx;
        x->freq_hz = (uint32_t)get_int(o, "freq_hz");
        x->sf = (int)get_int(o, "sf");
        x->bw_hz = (uint32_t)get_int(o, "bw_hz");
        x->cr = (int)get_int(o, "cr");
        x->power_dbm = (int)get_int(o, "power_dbm");
        x->preamble = (int)get_int(o, "preamble");
        x->crc = json_is_true(json_object_get(o, "crc"));
        x->iq_inverted = json_is_true(json_object_get(o, "iq_inverted"));
        x->implicit_header = json_is_true(json_object_get(o, "implicit_header"));
        x->ldro = json_is_true(json_object_get(o, "ldro"));
        x->sync_word = (uint8_t)get_int(o, "sync_word");
        x->toa_ns = (uint64_t)get_int(o, "toa_ns");
        return get_payload(o, st, &x->payload, &x->len, err, errlen);
    }
    case EV_RADIO_RX_WINDOW: {
        ev_radio_rx_window *x = &ev->u.rxw;
        x->freq_hz = (uint32_t)get_int(o, "freq_hz");
        x->sf = (int)get_int(o, "sf");
        x->bw_hz = (uint32_t)get_int(o, "bw_hz");
        x->open_ns = (uint64_t)get_int(o, "open_ns");
        x->close_ns = (uint64_t)get_int(o, "close_ns");
        x->result = get_str(o, "result");
        return get_payload(o, st, &x->payload, &x->len, err, errlen);
    }
    case EV_SERIAL_LINE:
        ev->u.line.text = get_str(o, "text");
        return 0;
    case EV_GATEWAY_RX: {
        ev_gateway_rx *x = &ev->u.gw;
        x->gateway = get_str(o, "gateway");
        x->freq_hz = (uint32_t)get_int(o, "freq_hz");
        x->sf = (int)get_int(o, "sf");
        x->bw_hz = (uint32_t)get_int(o, "bw_hz");
        x->cr = (int)get_int(o, "cr");
        x->rssi_dbm = get_real(o, "rssi_dbm");
        x->snr_db = get_real(o, "snr_db");
        x->channel = (int)get_int(o, "channel");
        return get_payload(o, st, &x->payload, &x->len, err, errlen);
    }
    case EV_FAULT:
        ev->u.fault.kind = get_str(o, "kind");
        ev->u.fault.pc = (uint32_t)get_int(o, "pc");
        ev->u.fault.symbol = get_str(o, "symbol");
        ev->u.fault.detail = get_str(o, "detail");
        return 0;
    case EV_VERDICT:
        ev->u.verdict.check = get_str(o, "check");
        ev->u.verdict.ok = json_is_true(json_object_get(o, "ok"));
        ev->u.verdict.detail = get_str(o, "detail");
        ev->u.verdict.frame = (int)get_int(o, "frame");
        return 0;
    case EV_RUN_START: {
        ev->u.start.runner = get_str(o, "runner");
        ev->u.start.firmware = get_str(o, "firmware");
        ev->u.start.board = get_str(o, "board");
        const char *seed = get_str(o, "seed");
        ev->u.start.seed = seed ? strtoull(seed, NULL, 10) : 0;
        return 0;
    }
    case EV_RUN_END:
        ev->u.end.reason = get_str(o, "reason");
        return 0;
    default:
        return 0;
    }
}
