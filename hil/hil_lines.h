/* hil_lines.h — what a board prints, turned into lines and then into
 * meaning. Pure functions, no I/O.
 *
 * Splitting: a line ends at "\n", "\r" or "\r\n" (Arduino's println sends
 * "\r\n"). Bytes other than printable ASCII and TAB are kept as the four
 * characters "\xnn" (lower-case hex, as the simulator writes them), so
 * garbage stays visible and the text is valid JSON.
 * A line longer than HIL_LINE_MAX bytes is cut there and handed on at once,
 * marked truncated; the rest, up to the next line end, is dropped.
 *
 * Wrong baud rate: text sent at another baud rate arrives as mostly
 * non-printable bytes. The splitter counts them in blocks of
 * HIL_NOISE_BLOCK bytes; a block with at least HIL_NOISE_PERCENT percent of
 * them counts as noise (hil_lines.noise_blocks).
 *
 * Recognised lines (leading blanks ignored; keys and values are
 * case-sensitive; numbers decimal):
 *   tx: key=value ...                radio settings of the frame: line that
 *                                    follows (targets/lorawan-node prints
 *                                    "tx: fcnt=3 ch=868100000 sf=7 len=23")
 *   frame: <hex> [key=value ...]     a frame the board sent (node firmware)
 *   <prefix><hex> [key=value ...]    the same, for each --line-pattern "<prefix>%h"
 *   rx: <hex> rssi=<dBm> snr=<dB> [key=value ...]
 *                                    a frame the board heard (targets/sniffer)
 *   sniffer: key=value ...           the sniffer's radio settings, remembered
 *                                    for the rx: lines that follow
 * <hex> is hex digits, optionally split into groups by spaces. Keys:
 * freq (Hz, or MHz when it has a decimal point), sf (6..12), bw (Hz, or kHz
 * when below 1000), cr (5..8 or 4/5..4/8), power (dBm), rssi (dBm),
 * snr (dB), chan; ch is freq when it is 1000000 or more (lorawan-node's
 * "ch=868100000"), else chan. Unknown keys and free words are ignored.
 */
#ifndef LORAHIL_HIL_LINES_H
#define LORAHIL_HIL_LINES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HIL_LINE_MAX 1024       /* raw bytes kept per line */
#define HIL_NOISE_BLOCK 128
#define HIL_NOISE_PERCENT 25

typedef struct hil_line {
    const char *text;           /* sanitised, NUL-terminated; borrowed */
    size_t raw_len;             /* bytes of the line as received (<= HIL_LINE_MAX) */
    bool truncated;             /* the line was longer than HIL_LINE_MAX */
    size_t nontext;             /* bytes shown as \xnn */
} hil_line;

typedef void (*hil_line_fn)(void *ctx, const hil_line *line);

typedef struct hil_lines {
    char text[HIL_LINE_MAX * 4 + 1];
    size_t text_len;
    size_t raw_len;
    size_t nontext;
    bool skipping;              /* dropping the rest of a truncated line */
    bool after_cr;              /* swallow the "\n" of "\r\n" */
    unsigned block_bytes, block_bad;
    unsigned noise_blocks;      /* blocks that looked like a wrong baud rate */
    uint64_t bytes;             /* total bytes seen */
    uint64_t text_bytes;        /* printable bytes seen */
} hil_lines;

void hil_lines_init(hil_lines *l);

/* Feeds received bytes; calls fn for each complete (or truncated) line. */
void hil_lines_push(hil_lines *l, const uint8_t *buf, size_t n, hil_line_fn fn, void *ctx);

/* Hands on a partial last line (no terminator yet), e.g. when the port is
 * lost. Does nothing when there is none. */
void hil_lines_flush(hil_lines *l, hil_line_fn fn, void *ctx);

/* Radio settings a line may carry; has_* tells which ones it did. */
typedef struct hil_radio {
    bool has_freq, has_sf, has_bw, has_cr, has_power, has_rssi, has_snr, has_chan;
    uint32_t freq_hz;
    int sf;
    uint32_t bw_hz;
    int cr;                     /* 5..8 */
    int power_dbm;
    double rssi_dbm;
    double snr_db;
    int chan;
} hil_radio;

typedef enum hil_kind {
    HIL_TEXT = 0,               /* anything else */
    HIL_FRAME_TX,               /* frame: — the board sent it */
    HIL_FRAME_RX,               /* rx: — the board heard it */
    HIL_SNIFFER_CONFIG,         /* sniffer: settings */
    HIL_TX_INFO,                /* tx: settings for the next frame: line */
    HIL_BAD,                    /* looked like one of the above but is malformed */
} hil_kind;

typedef struct hil_parsed {
    hil_kind kind;
    uint8_t frame[256];
    size_t len;
    hil_radio radio;
    char error[160];            /* for HIL_BAD: what and at which column (1-based) */
} hil_parsed;

/* Classifies one sanitised line. patterns: extra "<prefix>%h" templates
 * (--line-pattern), may be NULL. Returns the kind (also in out->kind). */
hil_kind hil_parse_line(const char *text, const char *const *patterns, size_t npatterns,
                        hil_parsed *out);

/* Checks a --line-pattern template: it must contain "%h" exactly once, with
 * a non-empty prefix before it. Returns 0 or -1 with a message. */
int hil_pattern_check(const char *pattern, char *err, size_t errlen);

#endif
