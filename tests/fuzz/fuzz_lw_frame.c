/* fuzz_lw_frame.c — libFuzzer target for everything `lorahil check` feeds
 * with untrusted bytes: lw_frame_parse, lw_verify, MAC command decoding and
 * formatting, lw_parse_frame_text and lw_keys_parse. Besides crashes and
 * sanitizer reports it checks one property: a frame that parses rebuilds
 * (lw_frame_build from its fields and decrypted payload) to the same bytes,
 * MIC included when the MIC verified. Seeds: tests/fuzz/seeds/fuzz_lw_frame/. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check/lorawan.h"
#include "check/lw_mac.h"

static const lw_keys ref = {
    .devaddr = 0x95337738,
    .nwkskey = {0xAA, 0x0F, 0x29, 0xD3, 0x9D, 0x7A, 0xAE, 0x3B,
                0x54, 0xCF, 0xDF, 0x2F, 0x2A, 0x23, 0x55, 0xB5},
    .appskey = {0x2F, 0x85, 0x43, 0x5B, 0x34, 0x9C, 0x80, 0xC6,
                0xA8, 0xFA, 0x27, 0x49, 0x5A, 0x36, 0x82, 0x21},
};

static void macs(const uint8_t *p, size_t n, bool uplink)
{
    lw_mac_cmd cmds[LW_MAC_MAX];
    size_t count = 0;
    char err[200], line[400];
    lw_mac_decode(p, n, uplink, cmds, LW_MAC_MAX, &count, err, sizeof err);
    if (count > LW_MAC_MAX)
        abort();
    for (size_t i = 0; i < count; i++) {
        if (cmds[i].offset + cmds[i].len > n)
            abort();
        lw_mac_format(&cmds[i], line, sizeof line);
        if (strlen(line) >= sizeof line)
            abort();
    }
}

static void rebuild(const uint8_t *data, size_t size, const lw_result *r)
{
    const lw_frame *f = &r->frame;
    if (f->mhdr & 0x1c) /* RFU bits of MHDR: the builder writes zeros */
        return;
    lw_keys k = ref;
    k.devaddr = f->devaddr;
    lw_frame_fields in = {
        .mtype = f->mtype, .fcnt = r->fcnt, .adr = f->adr, .adrackreq = f->adrackreq,
        .ack = f->ack, .fpending = f->fpending, .fopts = f->fopts, .foptslen = f->foptslen,
        .fport = f->fport, .payload = r->plain, .len = r->plain_len,
    };
    uint8_t out[LW_MAX_FRAME];
    int n = lw_frame_build(&k, &in, out, sizeof out, NULL, 0);
    if (n != (int)size || memcmp(out, data, size - 4) != 0)
        abort();
    if (r->mic_ok && memcmp(out + size - 4, data + size - 4, 4) != 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[256];
    lw_frame f;
    if (lw_frame_parse(data, size, &f, err, sizeof err) == 0) {
        if (f.rawlen != size || f.foptslen > 15 || 8u + f.foptslen + 4u > size)
            abort();
        macs(f.fopts, f.foptslen, f.uplink);
    }

    /* two counter histories, picked by the input, so that reconstruction
     * above 65535 is reached */
    lw_fcnt_state st = {.have_last = size & 1, .last = size > 2 ? (uint32_t)data[1] << 16 : 0};
    lw_result r;
    int rc = lw_verify(&ref, &st, data, size, &r);
    if (rc < -1 || rc > 1 || (rc >= 0) != r.parsed)
        abort();
    if (r.parsed) {
        if (r.plain_len != r.frame.frmlen)
            abort();
        if (r.frame.fport == 0)
            macs(r.plain, r.plain_len, r.frame.uplink);
        rebuild(data, size, &r);
    }
    macs(data, size, size & 2);

    /* the same bytes as text: a frame given on the command line, a keys file */
    char *t = malloc(size + 1);
    if (!t)
        return 0;
    memcpy(t, data, size);
    t[size] = 0;
    uint8_t buf[LW_MAX_FRAME];
    int n = lw_parse_frame_text(t, buf, sizeof buf, err, sizeof err);
    if (n > (int)sizeof buf || (n < 0 && !err[0]))
        abort();
    if (n >= 0)
        lw_verify(&ref, NULL, buf, (size_t)n, &r);
    lw_keys k;
    if (lw_keys_parse(t, "fuzz", &k, err, sizeof err) != 0 && !err[0])
        abort();
    free(t);
    return 0;
}
