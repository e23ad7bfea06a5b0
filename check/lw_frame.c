/* lw_frame.c — LoRaWAN 1.0.x data frame layout (spec 4.1-4.3):
 *   PHYPayload = MHDR | MACPayload | MIC
 *   MACPayload = FHDR | [FPort | FRMPayload]
 *   FHDR       = DevAddr(4, LE) | FCtrl | FCnt(2, LE) | FOpts(0..15)
 * Parsing only splits and names the fields; crypto is in lw_crypto.c. */
#include <string.h>

#include "lorawan.h"
#include "lw_util.h"

#define LW_MIN_FRAME 12 /* MHDR 1 + FHDR 7 + MIC 4 */

const char *lw_mtype_name(lw_mtype t)
{
    static const char *const names[] = {
        "Join Request", "Join Accept", "Unconfirmed Data Up", "Unconfirmed Data Down",
        "Confirmed Data Up", "Confirmed Data Down", "RFU", "Proprietary",
    };
    return (unsigned)t < 8 ? names[t] : "?";
}

int lw_frame_parse(const uint8_t *buf, size_t len, lw_frame *f, char *err, size_t errlen)
{
    if (!buf || !f) {
        lw_errf(err, errlen, "no frame");
        return -1;
    }
    memset(f, 0, sizeof *f);
    f->fport = -1;
    if (len == 0) {
        lw_errf(err, errlen, "empty frame");
        return -1;
    }
    f->mhdr = buf[0];
    f->mtype = (lw_mtype)(buf[0] >> 5);
    f->major = buf[0] & 3;
    switch (f->mtype) {
    case LW_JOIN_REQUEST:
    case LW_JOIN_ACCEPT:
        lw_errf(err, errlen, "byte 0: MHDR %02X is a %s (MType %d), not a data frame",
                buf[0], lw_mtype_name(f->mtype), (int)f->mtype);
        return -1;
    case LW_RFU:
    case LW_PROPRIETARY:
        lw_errf(err, errlen, "byte 0: MHDR %02X has MType %d (%s), not a LoRaWAN data frame",
                buf[0], (int)f->mtype, lw_mtype_name(f->mtype));
        return -1;
    default:
        break;
    }
    if (f->major != 0) {
        lw_errf(err, errlen, "byte 0: MHDR %02X has Major %d; only 0 (LoRaWAN R1) is defined",
                buf[0], f->major);
        return -1;
    }
    if (len < LW_MIN_FRAME) {
        lw_errf(err, errlen, "frame is %zu bytes; a data frame has at least %d "
                "(MHDR 1, FHDR 7, MIC 4)", len, LW_MIN_FRAME);
        return -1;
    }
    if (len > LW_MAX_FRAME) {
        lw_errf(err, errlen, "frame is %zu bytes; at most %d are accepted", len, LW_MAX_FRAME);
        return -1;
    }
    f->uplink = f->mtype == LW_UNCONFIRMED_UP || f->mtype == LW_CONFIRMED_UP;
    f->devaddr = (uint32_t)buf[1] | (uint32_t)buf[2] << 8 | (uint32_t)buf[3] << 16 |
                 (uint32_t)buf[4] << 24;
    f->fctrl = buf[5];
    f->adr = buf[5] & 0x80;
    f->adrackreq = buf[5] & 0x40;
    f->ack = buf[5] & 0x20;
    f->fpending = buf[5] & 0x10;
    f->foptslen = buf[5] & 0x0f;
    f->fcnt16 = (uint16_t)(buf[6] | buf[7] << 8);
    size_t macend = len - 4; /* MIC is the last four bytes */
    if (8 + (size_t)f->foptslen > macend) {
        lw_errf(err, errlen, "byte 5: FCtrl %02X says FOptsLen %u but only %zu byte%s "
                "before the MIC", buf[5], f->foptslen, macend - 8, macend - 8 == 1 ? "" : "s");
        return -1;
    }
    f->fopts = f->foptslen ? buf + 8 : NULL;
    size_t p = 8 + f->foptslen;
    if (p < macend) {
        f->fport = buf[p];
        f->frmpayload = buf + p + 1;
        f->frmlen = macend - p - 1;
    }
    f->mic = (uint32_t)buf[macend] << 24 | (uint32_t)buf[macend + 1] << 16 |
             (uint32_t)buf[macend + 2] << 8 | buf[macend + 3];
    f->raw = buf;
    f->rawlen = len;
    return 0;
}

int lw_frame_build(const lw_keys *keys, const lw_frame_fields *in, uint8_t *out, size_t cap,
                   char *err, size_t errlen)
{
    if (!keys || !in || !out) {
        lw_errf(err, errlen, "nothing to build");
        return -1;
    }
    if (in->mtype < LW_UNCONFIRMED_UP || in->mtype > LW_CONFIRMED_DOWN) {
        lw_errf(err, errlen, "MType %d (%s) is not a data frame", (int)in->mtype,
                lw_mtype_name(in->mtype));
        return -1;
    }
    if (in->foptslen > 15 || (in->foptslen && !in->fopts)) {
        lw_errf(err, errlen, "FOpts of %zu bytes; at most 15 fit in FOptsLen", in->foptslen);
        return -1;
    }
    if (in->fport < -1 || in->fport > 255) {
        lw_errf(err, errlen, "FPort %d is out of range 0..255", in->fport);
        return -1;
    }
    if (in->fport < 0 && in->len) {
        lw_errf(err, errlen, "a %zu-byte FRMPayload needs an FPort", in->len);
        return -1;
    }
    if (in->len && !in->payload) {
        lw_errf(err, errlen, "FRMPayload length %zu without data", in->len);
        return -1;
    }
    size_t total = 8 + in->foptslen + (in->fport >= 0 ? 1 + in->len : 0) + 4;
    size_t limit = cap < LW_MAX_FRAME ? cap : LW_MAX_FRAME;
    if (total > limit) {
        lw_errf(err, errlen, "frame would be %zu bytes; room for %zu", total, limit);
        return -1;
    }
    bool uplink = in->mtype == LW_UNCONFIRMED_UP || in->mtype == LW_CONFIRMED_UP;
    uint32_t da = keys->devaddr;
    out[0] = (uint8_t)(in->mtype << 5); /* Major 0 (LoRaWAN R1), RFU 0 */
    out[1] = (uint8_t)da;
    out[2] = (uint8_t)(da >> 8);
    out[3] = (uint8_t)(da >> 16);
    out[4] = (uint8_t)(da >> 24);
    out[5] = (uint8_t)((in->adr ? 0x80 : 0) | (in->adrackreq ? 0x40 : 0) | (in->ack ? 0x20 : 0) |
                       (in->fpending ? 0x10 : 0) | in->foptslen);
    out[6] = (uint8_t)in->fcnt;
    out[7] = (uint8_t)(in->fcnt >> 8);
    if (in->foptslen)
        memcpy(out + 8, in->fopts, in->foptslen);
    size_t p = 8 + in->foptslen;
    if (in->fport >= 0) {
        out[p++] = (uint8_t)in->fport;
        const uint8_t *key = in->fport == 0 ? keys->nwkskey : keys->appskey;
        if (in->len && lw_payload_crypt(key, uplink, da, in->fcnt, in->payload, in->len,
                                        out + p) != 0) {
            lw_errf(err, errlen, "FRMPayload encryption failed (OpenSSL)");
            return -1;
        }
        p += in->len;
    }
    uint32_t mic = lw_mic(keys->nwkskey, uplink, da, in->fcnt, out, p);
    out[p++] = (uint8_t)(mic >> 24);
    out[p++] = (uint8_t)(mic >> 16);
    out[p++] = (uint8_t)(mic >> 8);
    out[p++] = (uint8_t)mic;
    return (int)p;
}
