/* lw_crypto.c — the two LoRaWAN 1.0.x cryptographic operations on data
 * frames: the MIC (AES-CMAC over B0 | msg, spec 4.4) and FRMPayload
 * encryption (AES keystream from the A_i blocks, spec 4.3.3.1). Every AES
 * and CMAC goes through OpenSSL 3 EVP; nothing here is hand-written crypto. */
#include <string.h>

#include <openssl/evp.h>
#include <openssl/core_names.h>
#include <openssl/params.h>

#include "lorawan.h"

int lw_aes128_encrypt_block(const uint8_t key[LW_KEY_LEN], const uint8_t in[16], uint8_t out[16])
{
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    int ok = 0, n = 0, fin = 0;
    if (ctx && EVP_EncryptInit_ex(ctx, EVP_aes_128_ecb(), NULL, key, NULL) == 1 &&
        EVP_CIPHER_CTX_set_padding(ctx, 0) == 1 &&
        EVP_EncryptUpdate(ctx, out, &n, in, 16) == 1 && n == 16 &&
        EVP_EncryptFinal_ex(ctx, out + n, &fin) == 1 && fin == 0)
        ok = 1;
    EVP_CIPHER_CTX_free(ctx);
    return ok ? 0 : -1;
}

int lw_aes_cmac(const uint8_t key[LW_KEY_LEN], const uint8_t *msg, size_t len, uint8_t tag[16])
{
    EVP_MAC *mac = EVP_MAC_fetch(NULL, "CMAC", NULL);
    EVP_MAC_CTX *ctx = mac ? EVP_MAC_CTX_new(mac) : NULL;
    char cipher[] = "AES-128-CBC";
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_CIPHER, cipher, 0),
        OSSL_PARAM_construct_end(),
    };
    size_t outl = 0;
    int ok = ctx && EVP_MAC_init(ctx, key, LW_KEY_LEN, params) == 1 &&
             (len == 0 || EVP_MAC_update(ctx, msg, len) == 1) &&
             EVP_MAC_final(ctx, tag, &outl, 16) == 1 && outl == 16;
    EVP_MAC_CTX_free(ctx);
    EVP_MAC_free(mac);
    return ok ? 0 : -1;
}

/* B0 (4.4) and A_i (4.3.3.1) share a layout: 0x49 or 0x01, four zero bytes,
 * Dir, DevAddr LE, the 32-bit FCnt LE, 0x00, then len(msg) or i. */
static void lw_block(uint8_t blk[16], uint8_t first, bool uplink, uint32_t devaddr,
                     uint32_t fcnt, uint8_t last)
{
    memset(blk, 0, 16);
    blk[0] = first;
    blk[5] = uplink ? 0 : 1;
    for (int i = 0; i < 4; i++) {
        blk[6 + i] = (uint8_t)(devaddr >> (8 * i));
        blk[10 + i] = (uint8_t)(fcnt >> (8 * i));
    }
    blk[15] = last;
}

uint32_t lw_mic(const uint8_t nwkskey[LW_KEY_LEN], bool uplink, uint32_t devaddr,
                uint32_t fcnt, const uint8_t *msg, size_t len)
{
    /* msg is at most a PHYPayload without its MIC; len(msg) is one byte in B0 */
    uint8_t buf[16 + LW_MAX_FRAME];
    uint8_t tag[16];
    if (len > LW_MAX_FRAME || len > 255)
        return 0;
    lw_block(buf, 0x49, uplink, devaddr, fcnt, (uint8_t)len);
    if (len)
        memcpy(buf + 16, msg, len);
    if (lw_aes_cmac(nwkskey, buf, 16 + len, tag) != 0)
        return 0;
    return (uint32_t)tag[0] << 24 | (uint32_t)tag[1] << 16 | (uint32_t)tag[2] << 8 | tag[3];
}

int lw_payload_crypt(const uint8_t key[LW_KEY_LEN], bool uplink, uint32_t devaddr,
                     uint32_t fcnt, const uint8_t *in, size_t len, uint8_t *out)
{
    /* i is one byte in A_i: at most 255 blocks, far above any LoRaWAN payload */
    if (len > 255u * 16u)
        return -1;
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    if (!ctx)
        return -1;
    int ok = EVP_EncryptInit_ex(ctx, EVP_aes_128_ecb(), NULL, key, NULL) == 1 &&
             EVP_CIPHER_CTX_set_padding(ctx, 0) == 1;
    for (size_t off = 0, i = 1; ok && off < len; off += 16, i++) {
        uint8_t a[16], s[16];
        int n = 0;
        lw_block(a, 0x01, uplink, devaddr, fcnt, (uint8_t)i);
        ok = EVP_EncryptUpdate(ctx, s, &n, a, 16) == 1 && n == 16;
        size_t k = len - off < 16 ? len - off : 16;
        for (size_t j = 0; ok && j < k; j++)
            out[off + j] = in[off + j] ^ s[j];
    }
    EVP_CIPHER_CTX_free(ctx);
    return ok ? 0 : -1;
}
