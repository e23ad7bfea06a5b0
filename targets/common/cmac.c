/* cmac.c — AES-CMAC per RFC 4493 section 2.4; see cmac.h. The last block is
 * held back in buf until cmac_final, because only then do we know whether it
 * is complete (XOR with K1) or must be padded (XOR with K2). */
#include "cmac.h"

void cmac_init(cmac_ctx *c, const uint8_t key[16])
{
    aes128_init(&c->aes, key);
    for (uint8_t i = 0; i < 16; i++)
        c->x[i] = 0;
    c->n = 0;
}

void cmac_update(cmac_ctx *c, const uint8_t *data, size_t len)
{
    while (len > 0) {
        if (c->n == 16) { /* more data follows: the held block is not the last */
            for (uint8_t i = 0; i < 16; i++)
                c->x[i] ^= c->buf[i];
            aes128_encrypt(&c->aes, c->x, c->x);
            c->n = 0;
        }
        c->buf[c->n++] = *data++;
        len--;
    }
}

/* RFC 4493 2.3: doubling in GF(2^128), Rb = 0x87. */
static void cmac_dbl(uint8_t k[16])
{
    uint8_t carry = k[0] & 0x80;
    for (uint8_t i = 0; i < 15; i++)
        k[i] = (uint8_t)((k[i] << 1) | (k[i + 1] >> 7));
    k[15] = (uint8_t)(k[15] << 1);
    if (carry)
        k[15] ^= 0x87;
}

void cmac_final(cmac_ctx *c, uint8_t tag[16])
{
    uint8_t k[16] = {0};
    aes128_encrypt(&c->aes, k, k); /* L = AES(K, 0^128) */
    cmac_dbl(k);                   /* K1 */
    if (c->n < 16) {               /* incomplete (or empty) last block */
        cmac_dbl(k);               /* K2 */
        c->buf[c->n] = 0x80;
        for (uint8_t i = (uint8_t)(c->n + 1); i < 16; i++)
            c->buf[i] = 0x00;
    }
    for (uint8_t i = 0; i < 16; i++)
        c->x[i] ^= (uint8_t)(c->buf[i] ^ k[i]);
    aes128_encrypt(&c->aes, c->x, tag);
}

void cmac_aes128(const uint8_t key[16], const uint8_t *msg, size_t len, uint8_t tag[16])
{
    cmac_ctx c;
    cmac_init(&c, key);
    cmac_update(&c, msg, len);
    cmac_final(&c, tag);
}
