/* e2ee_msg.h — the device side of the E2EE protocol (issue 4), portable C
 * for the ATmega328P and the host: JSON with SEQN -> canonical base64 ->
 * AES-128-CBC with PKCS#7 under a fresh IV -> base64, printed as the
 * reference ESP8266 sketch prints it:
 *
 *   IV b64: <base64 of the 16-byte IV>
 *   Message in B64: <base64 of the JSON>
 *   Encrypted data in base64: <base64 of the ciphertext>
 *
 * The IV is E_K(noise[8] | SEQN (4 bytes, little-endian) | "E2EE") — NIST
 * SP 800-38A Appendix C's first method (the forward cipher under the same
 * key applied to a nonce), so IVs stay unique through the SEQN even when
 * the entropy source is poor, and unpredictable without the key. SEQN
 * survives resets through a reserve kept in non-volatile memory: the node
 * persists `reserved` (a bound 16 above SEQN) and restarts from it, so a
 * value is never used twice; its first message after a reset carries
 * "boot":true, announcing the reset to the backend.
 *
 * RAM: one enode (185 bytes, mostly the AES round keys) plus about 200
 * bytes of stack while a message is built; the ciphertext is streamed out,
 * never stored.
 *
 * Classic bugs, for the harness to catch (compile one in with -D):
 *   E2EE_BUG_ZERO_IV         the IV is all zeros
 *   E2EE_BUG_IV_REUSED       one IV, made at boot, for every message
 *   E2EE_BUG_SEQN_BACKWARDS  SEQN counts down from 1000
 *   E2EE_BUG_PAD_DROPS_LAST  the padding routine pads n-1 bytes, dropping the
 *                            last one (spaniakos/AES calc_size_n_pad, 2014-18)
 *   E2EE_BUG_TRUNCATED       only the whole data blocks are sent: the block
 *                            holding the padding is cut off */
#ifndef TARGETS_E2EE_MSG_H
#define TARGETS_E2EE_MSG_H

#include <stdint.h>

#include "../common/aes128.h"

#define ENODE_JSON_MAX 64                          /* bytes of the longest JSON */
#define ENODE_B64_MAX (((ENODE_JSON_MAX + 2) / 3) * 4) /* its base64: 88 characters */
#define ENODE_SEQN_RESERVE 16                      /* SEQN values reserved per NVM write */

/* Where output characters go (the UART on the AVR, a buffer in tests). */
typedef struct enode_out {
    void (*putc)(void *ctx, char c);
    void *ctx;
} enode_out;

typedef struct enode {
    aes128_ctx aes;
    uint32_t seqn;          /* SEQN of the last message sent */
    uint32_t reserved;      /* SEQN values up to this one may be used before the next NVM write */
    uint8_t boot;           /* the next message announces a reset */
#ifdef E2EE_BUG_IV_REUSED
    uint8_t iv_made;
    uint8_t iv[16];
#endif
} enode;

/* {"boot":true,"data":{"value":V},"SEQN":N} ("boot" only when set) into
 * out (ENODE_JSON_MAX bytes, no NUL). Returns the length. */
uint8_t enode_json(char *out, uint8_t boot, uint16_t value, uint32_t seqn);

/* Canonical base64 (RFC 4648) of n bytes into out (no NUL); returns the
 * number of characters. */
uint8_t enode_b64(const uint8_t *in, uint8_t n, char *out);

/* The same, streamed to o. */
void enode_b64_put(const uint8_t *in, uint8_t n, const enode_out *o);

/* PKCS#7 (RFC 5652 6.3): pads buf[0..n) to a multiple of 16; buf needs
 * n + 16 bytes. Returns the padded length. */
uint8_t enode_pkcs7(uint8_t *buf, uint8_t n);

/* The IV for a message (see above). */
void enode_iv(const aes128_ctx *k, const uint8_t noise[8], uint32_t seqn, uint8_t iv[16]);

/* Prints the three lines of one message under iv. */
void enode_frame(const aes128_ctx *k, const uint8_t iv[16], uint8_t boot, uint16_t value,
                uint32_t seqn, const enode_out *o);

/* After a reset: `stored` is the reserve read back from non-volatile memory
 * (0xFFFFFFFF when erased). Returns the new reserve to persist. */
uint32_t enode_init(enode *n, const uint8_t key[16], uint32_t stored);

/* One message: next SEQN, its IV from 8 bytes of noise, the three lines.
 * Returns a reserve to persist, or 0 when nothing needs writing. */
uint32_t enode_send(enode *n, const uint8_t noise[8], uint16_t value, const enode_out *o);

/* "ok", or the bug compiled in ("zero-iv", ...). */
const char *enode_variant(void);

#endif
