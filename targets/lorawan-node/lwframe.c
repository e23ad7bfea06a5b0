/* lwframe.c — LoRaWAN 1.0.x frame building and checking; see lwframe.h. */
#include "lwframe.h"

#include "../common/aes128.h"
#include "../common/cmac.h"

static void put_le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static uint32_t get_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The blocks B0 (MIC) and A_i (encryption) share one layout:
 * tag | 0x00 x4 | Dir | DevAddr | FCnt (both little-endian) | 0x00 | last. */
static void spec_block(uint8_t b[16], uint8_t tag, uint8_t dir, uint32_t devaddr,
                       uint32_t fcnt, uint8_t last)
{
    b[0] = tag;
    b[1] = b[2] = b[3] = b[4] = 0;
    b[5] = dir;
    put_le32(b + 6, devaddr);
    put_le32(b + 10, fcnt);
    b[14] = 0;
    b[15] = last;
}

uint8_t lwn_dir(uint8_t mhdr)
{
    uint8_t mtype = mhdr >> 5;
    return (mtype == 3 || mtype == 5) ? 1 : 0;
}

void lwn_mic(const uint8_t key[16], uint8_t dir, uint32_t devaddr, uint32_t fcnt,
             const uint8_t *msg, uint8_t len, uint8_t mic[4])
{
    cmac_ctx c;
    uint8_t b[16];
    spec_block(b, 0x49, dir, devaddr, fcnt, len);
    cmac_init(&c, key);
    cmac_update(&c, b, 16);
    cmac_update(&c, msg, len);
    cmac_final(&c, b);
    for (uint8_t i = 0; i < 4; i++)
        mic[i] = b[i];
}

void lwn_crypt(const uint8_t key[16], uint8_t dir, uint32_t devaddr, uint32_t fcnt,
               uint8_t *buf, uint8_t len)
{
    aes128_ctx c;
    uint8_t s[16];
    aes128_init(&c, key);
    for (uint8_t i = 1; len > 0; i++) {
        uint8_t n = len < 16 ? len : 16;
        spec_block(s, 0x01, dir, devaddr, fcnt, i);
        aes128_encrypt(&c, s, s);
        for (uint8_t j = 0; j < n; j++)
            buf[j] ^= s[j];
        buf += n;
        len = (uint8_t)(len - n);
    }
}

uint8_t lwn_build(const lwn_frame *f, const uint8_t nwkskey[16], const uint8_t appskey[16],
                  uint8_t *out, uint8_t cap)
{
    uint16_t need = 1 + 7 + f->fopts_len + (f->fport != LWN_NO_FPORT ? 1 + f->len : 0) + 4;
    uint8_t dir = lwn_dir(f->mhdr);
    uint8_t n = 0;
    if (f->fopts_len > 15 || need > cap || (f->fport == LWN_NO_FPORT && f->len))
        return 0;
    out[n++] = f->mhdr;
    put_le32(out + n, f->devaddr);
    n += 4;
    out[n++] = (uint8_t)((f->fctrl & 0xF0) | f->fopts_len);
    out[n++] = (uint8_t)f->fcnt;
    out[n++] = (uint8_t)(f->fcnt >> 8);
    for (uint8_t i = 0; i < f->fopts_len; i++)
        out[n++] = f->fopts[i];
    if (f->fport != LWN_NO_FPORT) {
        out[n++] = (uint8_t)f->fport;
        for (uint8_t i = 0; i < f->len; i++)
            out[n + i] = f->payload[i];
        lwn_crypt(f->fport == 0 ? nwkskey : appskey, dir, f->devaddr, f->fcnt, out + n, f->len);
        n = (uint8_t)(n + f->len);
    }
    lwn_mic(nwkskey, dir, f->devaddr, f->fcnt, out, n, out + n);
    return (uint8_t)(n + 4);
}

lwn_status lwn_parse(uint8_t *buf, uint8_t len, uint32_t devaddr, uint32_t fcnt_next,
                     const uint8_t nwkskey[16], const uint8_t appskey[16], lwn_frame *f)
{
    uint8_t mic[4];
    uint8_t mtype;
    uint8_t end; /* start of the MIC */
    uint8_t p;
    if (len < 12)
        return LWN_ESHORT;
    mtype = buf[0] >> 5;
    if (mtype < 2 || mtype > 5 || (buf[0] & 0x03) != 0)
        return LWN_EMTYPE;
    f->mhdr = buf[0];
    f->devaddr = get_le32(buf + 1);
    if (f->devaddr != devaddr)
        return LWN_EADDR;
    f->fctrl = buf[5] & 0xF0;
    f->fopts_len = buf[5] & 0x0F;
    end = (uint8_t)(len - 4);
    if (8 + f->fopts_len > end)
        return LWN_ESHORT;
    f->fcnt = (fcnt_next & 0xFFFF0000UL) | buf[6] | (uint16_t)buf[7] << 8;
    if (f->fcnt < fcnt_next)
        f->fcnt += 0x10000UL;
    lwn_mic(nwkskey, lwn_dir(f->mhdr), devaddr, f->fcnt, buf, end, mic);
    for (uint8_t i = 0; i < 4; i++)
        if (mic[i] != buf[end + i])
            return LWN_EMIC;
    f->fopts = buf + 8;
    p = (uint8_t)(8 + f->fopts_len);
    if (p < end) {
        f->fport = buf[p++];
        f->payload = buf + p;
        f->len = (uint8_t)(end - p);
        lwn_crypt(f->fport == 0 ? nwkskey : appskey, lwn_dir(f->mhdr), devaddr, f->fcnt,
                  buf + p, f->len);
    } else {
        f->fport = LWN_NO_FPORT;
        f->payload = buf + p;
        f->len = 0;
    }
    return LWN_OK;
}
