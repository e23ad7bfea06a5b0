/* test_target_aes.c — the pure parts of our AVR firmware, built for the host:
 * targets/common/aes128.c and cmac.c, and the LoRaWAN frame codec and LoRa
 * arithmetic of targets/lorawan-node (lwframe.c, lwphy.c).
 *
 * Expected values come from published standards and from fixtures made by
 * independent implementations, never from this code:
 *   - FIPS-197 Appendix A.1 (key expansion), B and C.1 (cipher), typed in;
 *   - NIST SP 800-38A F.2.1 forward-cipher blocks, fixtures/vectors/nist-sp800-38a-cbc.tsv;
 *   - RFC 4493 section 4 examples, fixtures/vectors/rfc4493-cmac.tsv;
 *   - LoRaWAN frames from npm lora-packet 0.9.3, fixtures/lorawan/frames.tsv;
 *   - LoRa time on air from LoRaMac-node and RadioLib, fixtures/toa/toa.tsv;
 *   - RegFrf values worked out by hand from the SX1276 datasheet formula
 *     (Frf = f * 2^19 / 32 MHz, evaluated with bc).
 * The firmware sources are #included because the top-level Makefile does not
 * link targets/ into tests. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "targets/common/aes128.c"
#include "targets/common/cmac.c"
#include "targets/lorawan-node/lwframe.c"
#include "targets/lorawan-node/lwphy.c"

/* ---- helpers: hex and TSV fixtures ---- */

static size_t unhex(const char *s, uint8_t *out, size_t cap)
{
    size_t n = 0;
    if (!strcmp(s, "-"))
        return 0;
    size_t len = strlen(s);
    assert_int_equal(len % 2, 0);
    for (size_t i = 0; i < len; i += 2) {
        unsigned v;
        assert_true(n < cap);
        assert_int_equal(sscanf(s + i, "%2x", &v), 1);
        out[n++] = (uint8_t)v;
    }
    return n;
}

#define MAXCOLS 20
typedef struct {
    FILE *f;
    char path[512];
    char line[4096];
    char *hdr[MAXCOLS];
    char hdrbuf[1024];
    int nhdr;
    char *col[MAXCOLS];
    int ncol;
    int lineno;
} tsv;

static int split(char *s, char **cols)
{
    int n = 0;
    s[strcspn(s, "\r\n")] = 0;
    for (char *p = s; n < MAXCOLS;) {
        cols[n++] = p;
        p = strchr(p, '\t');
        if (!p)
            break;
        *p++ = 0;
    }
    return n;
}

static bool tsv_next(tsv *t)
{
    while (fgets(t->line, sizeof t->line, t->f)) {
        t->lineno++;
        if (t->line[0] == '#' || t->line[0] == '\n')
            continue;
        t->ncol = split(t->line, t->col);
        assert_int_equal(t->ncol, t->nhdr);
        return true;
    }
    return false;
}

static void tsv_open(tsv *t, const char *rel)
{
    const char *dir = getenv("FIXTURES");
    memset(t, 0, sizeof *t);
    snprintf(t->path, sizeof t->path, "%s/%s", dir ? dir : "fixtures", rel);
    t->f = fopen(t->path, "r");
    if (!t->f)
        fail_msg("cannot open %s", t->path);
    while (fgets(t->hdrbuf, sizeof t->hdrbuf, t->f)) {
        t->lineno++;
        if (t->hdrbuf[0] != '#')
            break;
    }
    t->nhdr = split(t->hdrbuf, t->hdr);
}

static const char *tsv_get(const tsv *t, const char *name)
{
    for (int i = 0; i < t->nhdr; i++)
        if (!strcmp(t->hdr[i], name))
            return t->col[i];
    fail_msg("%s: no column %s", t->path, name);
    return NULL;
}

/* Calls row() on each data row of the fixture rel; returns the number of
 * rows it checked (row() returns false for a row it skips). */
static int tsv_rows(const char *rel, bool (*row)(const tsv *t))
{
    tsv t;
    int rows = 0;
    tsv_open(&t, rel);
    while (tsv_next(&t))
        rows += row(&t);
    fclose(t.f);
    return rows;
}

/* ---- AES-128 ---- */

static void fips197_vectors(void **state)
{
    (void)state;
    aes128_ctx c;
    uint8_t key[16], in[16], want[16], out[16];

    /* Appendix C.1 */
    unhex("000102030405060708090a0b0c0d0e0f", key, 16);
    unhex("00112233445566778899aabbccddeeff", in, 16);
    unhex("69c4e0d86a7b0430d8cdb78070b4c55a", want, 16);
    aes128_init(&c, key);
    aes128_encrypt(&c, in, out);
    assert_memory_equal(out, want, 16);

    /* Appendix B (cipher example) and A.1 (w[40..43], the last round key) */
    unhex("2b7e151628aed2a6abf7158809cf4f3c", key, 16);
    unhex("3243f6a8885a308d313198a2e0370734", in, 16);
    unhex("3925841d02dc09fbdc118597196a0b32", want, 16);
    aes128_init(&c, key);
    unhex("d014f9a8c9ee2589e13f0cc8b6630ca6", out, 16);
    assert_memory_equal(c.rk + 160, out, 16);
    aes128_encrypt(&c, in, in); /* in place */
    assert_memory_equal(in, want, 16);
}

static bool nist_sp800_38a_blocks_row(const tsv *t)
{
    if (strcmp(tsv_get(t, "op"), "encrypt") || !strcmp(tsv_get(t, "input_block"), "-"))
        return false;
    uint8_t key[16], in[16], want[16], out[16];
    aes128_ctx c;
    assert_int_equal(unhex(tsv_get(t, "key"), key, 16), 16);
    assert_int_equal(unhex(tsv_get(t, "input_block"), in, 16), 16);
    assert_int_equal(unhex(tsv_get(t, "output_block"), want, 16), 16);
    aes128_init(&c, key);
    aes128_encrypt(&c, in, out);
    assert_memory_equal(out, want, 16);
    return true;
}

static void nist_sp800_38a_blocks(void **state)
{
    (void)state;
    int rows = tsv_rows("vectors/nist-sp800-38a-cbc.tsv", nist_sp800_38a_blocks_row);
    assert_int_equal(rows, 4);
}

/* ---- AES-CMAC ---- */

static bool rfc4493_examples_row(const tsv *t)
{
    uint8_t key[16], msg[64], want[16], tag[16];
    assert_int_equal(unhex(tsv_get(t, "key"), key, 16), 16);
    size_t n = unhex(tsv_get(t, "message"), msg, sizeof msg);
    assert_int_equal(n, (size_t)atoi(tsv_get(t, "len")));
    assert_int_equal(unhex(tsv_get(t, "tag"), want, 16), 16);
    cmac_aes128(key, msg, n, tag);
    assert_memory_equal(tag, want, 16);
    /* The same message fed in two pieces, split everywhere. */
    for (size_t cut = 0; cut <= n; cut++) {
        cmac_ctx c;
        cmac_init(&c, key);
        cmac_update(&c, msg, cut);
        cmac_update(&c, msg + cut, n - cut);
        cmac_final(&c, tag);
        assert_memory_equal(tag, want, 16);
    }
    return true;
}

static void rfc4493_examples(void **state)
{
    (void)state;
    int rows = tsv_rows("vectors/rfc4493-cmac.tsv", rfc4493_examples_row);
    assert_int_equal(rows, 4);
}

/* ---- LoRaWAN frames ---- */

typedef struct {
    lwn_frame f;
    uint8_t nwk[16], app[16];
    uint8_t fopts[16], payload[256], phy[300];
    size_t phylen;
} frame_row;

static void read_frame_row(const tsv *t, frame_row *r)
{
    bool down = !strcmp(tsv_get(t, "dir"), "down");
    bool conf = !strcmp(tsv_get(t, "confirmed"), "1");
    memset(r, 0, sizeof *r);
    r->f.mhdr = down ? (conf ? LWN_MHDR_CONF_DOWN : LWN_MHDR_UNCONF_DOWN)
                     : (conf ? LWN_MHDR_CONF_UP : LWN_MHDR_UNCONF_UP);
    r->f.devaddr = (uint32_t)strtoul(tsv_get(t, "devaddr"), NULL, 16);
    assert_int_equal(unhex(tsv_get(t, "nwkskey"), r->nwk, 16), 16);
    assert_int_equal(unhex(tsv_get(t, "appskey"), r->app, 16), 16);
    r->f.fcnt = (uint32_t)strtoul(tsv_get(t, "fcnt"), NULL, 10);
    if (!strcmp(tsv_get(t, "adr"), "1"))
        r->f.fctrl |= LWN_FCTRL_ADR;
    if (!strcmp(tsv_get(t, "adrackreq"), "1"))
        r->f.fctrl |= LWN_FCTRL_ADRACKREQ;
    if (!strcmp(tsv_get(t, "ack"), "1"))
        r->f.fctrl |= LWN_FCTRL_ACK;
    if (!strcmp(tsv_get(t, "fpending"), "1"))
        r->f.fctrl |= LWN_FCTRL_FPENDING;
    r->f.fopts_len = (uint8_t)unhex(tsv_get(t, "fopts"), r->fopts, sizeof r->fopts);
    r->f.fopts = r->fopts;
    r->f.fport = strcmp(tsv_get(t, "fport"), "-") ? (int16_t)atoi(tsv_get(t, "fport")) : LWN_NO_FPORT;
    r->f.len = (uint8_t)unhex(tsv_get(t, "payload"), r->payload, sizeof r->payload);
    r->f.payload = r->payload;
    r->phylen = unhex(tsv_get(t, "phypayload"), r->phy, sizeof r->phy);
}

static bool lorawan_build_matches_lora_packet_row(const tsv *t)
{
    static frame_row r;
    uint8_t out[255];
    read_frame_row(t, &r);
    assert_true(r.phylen <= 255);
    uint8_t n = lwn_build(&r.f, r.nwk, r.app, out, sizeof out);
    if (n != r.phylen || memcmp(out, r.phy, n))
        fail_msg("%s line %d (%s): built frame differs", t->path, t->lineno, tsv_get(t, "name"));
    /* Exactly the room it needs, and not a byte less. */
    assert_int_equal(lwn_build(&r.f, r.nwk, r.app, out, n), n);
    assert_int_equal(lwn_build(&r.f, r.nwk, r.app, out, (uint8_t)(n - 1)), 0);
    return true;
}

static void lorawan_build_matches_lora_packet(void **state)
{
    (void)state;
    int rows = tsv_rows("lorawan/frames.tsv", lorawan_build_matches_lora_packet_row);
    assert_true(rows >= 50);
}

static bool lorawan_parse_matches_lora_packet_row(const tsv *t)
{
    static frame_row r;
    lwn_frame got;
    uint8_t buf[255];
    read_frame_row(t, &r);
    uint8_t n = (uint8_t)r.phylen;

    /* A receiver whose counter is at the start of the frame's 64 Ki block,
     * and one that expects exactly this counter. */
    uint32_t hints[2] = {r.f.fcnt & 0xFFFF0000u, r.f.fcnt};
    for (int h = 0; h < 2; h++) {
        memcpy(buf, r.phy, n);
        assert_int_equal(lwn_parse(buf, n, r.f.devaddr, hints[h], r.nwk, r.app, &got), LWN_OK);
        assert_int_equal(got.mhdr, r.f.mhdr);
        assert_int_equal(got.fcnt, r.f.fcnt);
        assert_int_equal(got.fctrl, r.f.fctrl);
        assert_int_equal(got.fport, r.f.fport);
        assert_int_equal(got.fopts_len, r.f.fopts_len);
        assert_memory_equal(got.fopts, r.fopts, r.f.fopts_len);
        assert_int_equal(got.len, r.f.len);
        if (r.f.len)
            assert_memory_equal(got.payload, r.payload, r.f.len);
        assert_int_equal(lwn_dir(got.mhdr), !strcmp(tsv_get(t, "dir"), "down"));
    }

    /* A counter one past the frame's would need FCnt + 2^16: MIC fails. */
    if (r.f.fcnt != 0xFFFFFFFFu) {
        memcpy(buf, r.phy, n);
        assert_int_equal(lwn_parse(buf, n, r.f.devaddr, r.f.fcnt + 1, r.nwk, r.app, &got), LWN_EMIC);
    }
    /* Any flipped bit in the frame or the MIC, wrong keys, other DevAddr. */
    for (uint8_t i = 0; i < n; i++) {
        if (i >= 1 && i <= 4)
            continue; /* DevAddr: tested below */
        memcpy(buf, r.phy, n);
        buf[i] ^= 0x04;
        lwn_status st = lwn_parse(buf, n, r.f.devaddr, r.f.fcnt, r.nwk, r.app, &got);
        assert_true(st == LWN_EMIC || st == LWN_EMTYPE || st == LWN_ESHORT);
    }
    memcpy(buf, r.phy, n);
    assert_int_equal(lwn_parse(buf, n, r.f.devaddr ^ 1, r.f.fcnt, r.nwk, r.app, &got), LWN_EADDR);
    memcpy(buf, r.phy, n);
    assert_int_equal(lwn_parse(buf, n, r.f.devaddr, r.f.fcnt, r.app, r.app, &got), LWN_EMIC);
    return true;
}

static void lorawan_parse_matches_lora_packet(void **state)
{
    (void)state;
    int rows = tsv_rows("lorawan/frames.tsv", lorawan_parse_matches_lora_packet_row);
    assert_true(rows >= 50);
}

static void lorawan_parse_rejects_short_and_join(void **state)
{
    (void)state;
    uint8_t k[16] = {0};
    lwn_frame f;
    /* 11 bytes: one short of MHDR + FHDR + MIC. */
    uint8_t shortf[11] = {0x60, 0x38, 0x77, 0x33, 0x95, 0x00, 0x00, 0x00, 1, 2, 3};
    assert_int_equal(lwn_parse(shortf, sizeof shortf, 0x95337738, 0, k, k, &f), LWN_ESHORT);
    /* FOptsLen 15 in a frame that has no room for it. */
    uint8_t opts[12] = {0x60, 0x38, 0x77, 0x33, 0x95, 0x0F, 0x00, 0x00, 1, 2, 3, 4};
    assert_int_equal(lwn_parse(opts, sizeof opts, 0x95337738, 0, k, k, &f), LWN_ESHORT);
    /* Join-accept (MType 001) and a Major other than 0. */
    uint8_t join[17] = {0x20};
    assert_int_equal(lwn_parse(join, sizeof join, 0x95337738, 0, k, k, &f), LWN_EMTYPE);
    uint8_t major[12] = {0x61, 0x38, 0x77, 0x33, 0x95};
    assert_int_equal(lwn_parse(major, sizeof major, 0x95337738, 0, k, k, &f), LWN_EMTYPE);
}

/* ---- LoRa arithmetic ---- */

static bool toa_matches_loramac_node_and_radiolib_row(const tsv *t)
{
    int sf = atoi(tsv_get(t, "sf"));
    if (strcmp(tsv_get(t, "bw_hz"), "125000") || strcmp(tsv_get(t, "cr"), "5") ||
        strcmp(tsv_get(t, "preamble"), "8") || strcmp(tsv_get(t, "implicit"), "0") ||
        sf < 7 || atoi(tsv_get(t, "ldro")) != (sf >= 11))
        return false; /* outside what the node transmits */
    int len = atoi(tsv_get(t, "len"));
    bool crc = !strcmp(tsv_get(t, "crc"), "1");
    unsigned long long want = strtoull(tsv_get(t, "toa_ns"), NULL, 10);
    if ((unsigned long long)lwn_toa_us((uint8_t)sf, (uint8_t)len, crc) * 1000 != want)
        fail_msg("%s line %d: SF%d len %d crc %d: got %lu us, want %llu ns", t->path, t->lineno, sf,
                 len, crc, (unsigned long)lwn_toa_us((uint8_t)sf, (uint8_t)len, crc), want);
    return true;
}

static void toa_matches_loramac_node_and_radiolib(void **state)
{
    (void)state;
    int rows = tsv_rows("toa/toa.tsv", toa_matches_loramac_node_and_radiolib_row);
    assert_true(rows >= 40);
}

static void frf_from_datasheet_formula(void **state)
{
    (void)state;
    assert_int_equal(lwn_frf(868100000), 0xD90666);
    assert_int_equal(lwn_frf(868300000), 0xD91333);
    assert_int_equal(lwn_frf(868500000), 0xD92000);
    assert_int_equal(lwn_frf(869525000), 0xD96199);
}

/* LoRaMac-node's RegionCommonComputeRxWindowParameters with 6 minimum
 * symbols and 10 ms clock error, worked out by hand (symbol times 1024,
 * 4096 and 32768 us), here with our 1 ms wake-up and kept in microseconds. */
static void rx_window_parameters(void **state)
{
    (void)state;
    uint16_t n;
    int32_t off;
    lwn_rx_window(7, &n, &off);   /* ceil((4*1024 + 20000) / 1024) = 24 */
    assert_int_equal(n, 24);
    assert_int_equal(off, 4 * 1024 - 12288 - 1000);
    lwn_rx_window(9, &n, &off);   /* ceil(36384 / 4096) = 9 */
    assert_int_equal(n, 9);
    assert_int_equal(off, 4 * 4096 - 18432 - 1000);
    lwn_rx_window(12, &n, &off);  /* ceil(151072 / 32768) = 5 -> minimum 6 */
    assert_int_equal(n, 6);
    assert_int_equal(off, 4 * 32768 - 98304 - 1000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fips197_vectors),
        cmocka_unit_test(nist_sp800_38a_blocks),
        cmocka_unit_test(rfc4493_examples),
        cmocka_unit_test(lorawan_build_matches_lora_packet),
        cmocka_unit_test(lorawan_parse_matches_lora_packet),
        cmocka_unit_test(lorawan_parse_rejects_short_and_join),
        cmocka_unit_test(toa_matches_loramac_node_and_radiolib),
        cmocka_unit_test(frf_from_datasheet_formula),
        cmocka_unit_test(rx_window_parameters),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
