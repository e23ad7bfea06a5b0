/* aes128.h — a compact AES-128 block encryption (FIPS-197) for our AVR
 * firmware targets. Only the forward cipher: LoRaWAN (CMAC, CTR-like payload
 * encryption) and our E2EE targets never need the inverse cipher on the node.
 * The same source builds for the host, where the unit test checks it against
 * FIPS-197 and NIST SP 800-38A vectors.
 *
 * Ownership: the caller owns the context; aes128_init fills it from the key
 * (the key is not referenced afterwards). `in` and `out` may be the same
 * buffer. Cost on an ATmega328P at 16 MHz: 176 bytes of context, the S-box
 * in flash (PROGMEM). */
#ifndef TARGETS_AES128_H
#define TARGETS_AES128_H

#include <stdint.h>

typedef struct {
    uint8_t rk[176]; /* the 11 round keys, FIPS-197 5.2 words w[0..43] as bytes */
} aes128_ctx;

/* Expands `key` into the round keys (FIPS-197 5.2 KeyExpansion). */
void aes128_init(aes128_ctx *c, const uint8_t key[16]);

/* Encrypts one 16-byte block (FIPS-197 5.1 Cipher). */
void aes128_encrypt(const aes128_ctx *c, const uint8_t in[16], uint8_t out[16]);

#endif
