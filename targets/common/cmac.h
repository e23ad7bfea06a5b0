/* cmac.h — AES-CMAC (RFC 4493, NIST SP 800-38B) over aes128.h, for the MIC of
 * LoRaWAN frames on our AVR targets. Streaming, so a caller can MAC a header
 * block (LoRaWAN's B0) followed by the frame without copying them together.
 *
 * Ownership: the caller owns the context (about 210 bytes: put it on the
 * stack for the duration of one MIC). The key is not referenced after
 * cmac_init. Call cmac_init, any number of cmac_update, then cmac_final once. */
#ifndef TARGETS_CMAC_H
#define TARGETS_CMAC_H

#include <stddef.h>
#include <stdint.h>

#include "aes128.h"

typedef struct {
    aes128_ctx aes;
    uint8_t x[16];    /* CBC chaining value */
    uint8_t buf[16];  /* pending bytes of the current block */
    uint8_t n;        /* number of pending bytes, 0..16 */
} cmac_ctx;

void cmac_init(cmac_ctx *c, const uint8_t key[16]);
void cmac_update(cmac_ctx *c, const uint8_t *data, size_t len);
/* Writes the full 16-byte tag (LoRaWAN's MIC is its first 4 bytes). */
void cmac_final(cmac_ctx *c, uint8_t tag[16]);

/* One-shot: tag = AES-CMAC(key, msg). */
void cmac_aes128(const uint8_t key[16], const uint8_t *msg, size_t len, uint8_t tag[16]);

#endif
