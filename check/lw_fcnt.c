/* lw_fcnt.c — frame counter rules and the one-call verifier.
 * LoRaWAN 1.0.x sends only the 16 LSBs of the 32-bit FCnt (4.3.1.5); the
 * receiver infers the rest from the last value it accepted. A counter that
 * does not grow is a replay; a jump of MAX_FCNT_GAP or more is what a 1.0
 * network server drops (1.0 spec, MAX_FCNT_GAP = 16384). */
#include <stdio.h>
#include <string.h>

#include "lorawan.h"
#include "lw_mac.h"

uint32_t lw_fcnt_reconstruct(uint16_t wire, uint32_t last, bool have_last)
{
    if (!have_last)
        return wire;
    /* smallest value >= last with these low 16 bits; past 0xFFFFFFFF it
     * wraps (a 1.0 device must rejoin before that), which then reads as a
     * replay */
    uint32_t v = (last & 0xffff0000u) | wire;
    if (v < last)
        v += 0x10000u;
    return v;
}

lw_fcnt_verdict lw_fcnt_check(const lw_fcnt_state *st, uint32_t fcnt)
{
    if (!st || !st->have_last)
        return LW_FCNT_OK;
    if (fcnt <= st->last)
        return LW_FCNT_REPLAY;
    uint32_t d = fcnt - st->last;
    if (d == 1)
        return LW_FCNT_OK;
    return d >= LW_MAX_FCNT_GAP ? LW_FCNT_GAP : LW_FCNT_SKIP;
}

const char *lw_fcnt_verdict_name(lw_fcnt_verdict v)
{
    switch (v) {
    case LW_FCNT_OK: return "ok";
    case LW_FCNT_SKIP: return "skip";
    case LW_FCNT_REPLAY: return "replay";
    case LW_FCNT_GAP: return "gap";
    }
    return "?";
}

/* first failure wins: later checks do not overwrite detail */
static void fail(lw_result *r, const char *msg)
{
    if (!r->detail[0])
        snprintf(r->detail, sizeof r->detail, "%s", msg);
}

int lw_verify(const lw_keys *keys, lw_fcnt_state *st, const uint8_t *buf, size_t len,
              lw_result *r)
{
    if (!r)
        return -1;
    memset(r, 0, sizeof *r);
    if (!keys) {
        snprintf(r->detail, sizeof r->detail, "no keys");
        return -1;
    }
    if (lw_frame_parse(buf, len, &r->frame, r->detail, sizeof r->detail) != 0)
        return -1;
    r->parsed = true;
    const lw_frame *f = &r->frame;
    char msg[200];

    r->devaddr_ok = f->devaddr == keys->devaddr;
    if (!r->devaddr_ok) {
        snprintf(msg, sizeof msg, "DevAddr %08X is not the session's %08X",
                 (unsigned)f->devaddr, (unsigned)keys->devaddr);
        fail(r, msg);
    }

    bool have_last = st && st->have_last;
    r->fcnt = lw_fcnt_reconstruct(f->fcnt16, have_last ? st->last : 0, have_last);
    r->fcnt_verdict = lw_fcnt_check(st, r->fcnt);

    size_t msglen = f->rawlen - 4;
    r->mic_expected = lw_mic(keys->nwkskey, f->uplink, f->devaddr, r->fcnt, f->raw, msglen);
    r->mic_ok = r->mic_expected == f->mic;
    if (!r->mic_ok) {
        int k = snprintf(msg, sizeof msg, "MIC %08X on the wire, expected %08X",
                         (unsigned)f->mic, (unsigned)r->mic_expected);
        if (!have_last && k > 0)
            snprintf(msg + k, sizeof msg - (size_t)k,
                     " (FCnt taken as %u; if the 32-bit counter is above 65535, give the last one)",
                     (unsigned)r->fcnt);
        fail(r, msg);
    }

    if (r->fcnt_verdict == LW_FCNT_REPLAY || r->fcnt_verdict == LW_FCNT_GAP) {
        snprintf(msg, sizeof msg, "FCnt %u after %u: %s", (unsigned)r->fcnt,
                 (unsigned)st->last, r->fcnt_verdict == LW_FCNT_REPLAY
                     ? "replay (the counter must grow)"
                     : "gap of MAX_FCNT_GAP (16384) or more");
        fail(r, msg);
    }

    if (f->frmlen) {
        const uint8_t *key = f->fport == 0 ? keys->nwkskey : keys->appskey;
        if (lw_payload_crypt(key, f->uplink, f->devaddr, r->fcnt, f->frmpayload, f->frmlen,
                             r->plain) != 0) {
            fail(r, "FRMPayload decryption failed (OpenSSL)");
            return 1;
        }
        r->plain_len = f->frmlen;
    }

    /* MAC commands: FOpts (plaintext in 1.0.x) and, when the MIC holds, the
     * decrypted FPort 0 payload; never both in one frame (spec 4.3.1.6) */
    lw_mac_cmd cmds[LW_MAC_MAX];
    size_t n;
    char merr[160];
    r->mac_ok = true;
    if (f->foptslen &&
        lw_mac_decode(f->fopts, f->foptslen, f->uplink, cmds, LW_MAC_MAX, &n, merr,
                      sizeof merr) != 0) {
        r->mac_ok = false;
        snprintf(msg, sizeof msg, "FOpts: %s", merr);
        fail(r, msg);
    }
    if (f->fport == 0 && f->foptslen) {
        r->mac_ok = false;
        fail(r, "FOpts and FPort 0 in one frame (MAC commands may be in only one of them)");
    }
    if (f->fport == 0 && r->mic_ok &&
        lw_mac_decode(r->plain, r->plain_len, f->uplink, cmds, LW_MAC_MAX, &n, merr,
                      sizeof merr) != 0) {
        r->mac_ok = false;
        snprintf(msg, sizeof msg, "FPort 0 payload: %s", merr);
        fail(r, msg);
    }

    /* the counter state moves only on an authentic frame, and never back; a
     * gap is reported once, then counting goes on from the new value */
    if (st && r->mic_ok && r->devaddr_ok &&
        r->fcnt_verdict != LW_FCNT_REPLAY) {
        st->have_last = true;
        st->last = r->fcnt;
    }

    bool ok = r->devaddr_ok && r->mic_ok && r->mac_ok &&
              (r->fcnt_verdict == LW_FCNT_OK || r->fcnt_verdict == LW_FCNT_SKIP);
    return ok ? 0 : 1;
}
