/* e2ee.h — the rules every E2EE frame must pass (issue 4). A frame is what
 * a node prints per message: the IV and the ciphertext in base64 and,
 * optionally, the base64 text it claims to have encrypted. The protocol:
 * JSON with an integer SEQN -> canonical base64 text -> AES-128-CBC with
 * PKCS#7 under a fresh random IV (Crypto-JS key/IV mode, check/cryptojs.h)
 * -> base64. The rules, in order (a rule whose input is missing is "not
 * checked"):
 *
 *   key         the key is 16 bytes (AES-128)
 *   iv          canonical base64 of 16 bytes; not all zero; not the IV of an
 *               earlier frame of the run; not the previous frame's last
 *               ciphertext block (a chained, predictable IV)
 *   ciphertext  canonical base64 of a non-empty multiple of 16 bytes
 *   padding     PKCS#7 valid after AES-CBC decryption (OpenSSL EVP)
 *   base64      the plaintext is canonical base64; when it is not, the
 *               detail says what lenient decoders (crypto-js Base64.parse,
 *               node Buffer) and strict ones (OpenSSL, atob) make of it
 *   json        the decoded text is a UTF-8 JSON object (jansson)
 *   seqn        SEQN present, an integer >= 0, strictly above the device's
 *               highest accepted SEQN; replays, SEQN going backwards and
 *               unannounced resets flagged. A frame with "boot": true
 *               announces a reset and may restart SEQN.
 *   match       re-encrypting the decrypted plaintext with the same key and
 *               IV (Crypto-JS-compatible code) gives the received ciphertext
 *               byte for byte, and the plaintext equals the device's
 *               "Message in B64" text when it printed one
 *
 * When the plaintext fails "base64" but a lenient decoder recovers JSON,
 * "json" and "seqn" are checked on that (what a crypto-js backend sees).
 *
 * Pure: no I/O. Details never contain the key. Ownership: e2ee_new copies
 * the key; e2ee_free releases everything. */
#ifndef LORAHIL_E2EE_H
#define LORAHIL_E2EE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define E2EE_KEY_LEN 16
#define E2EE_DETAIL_LEN 320

typedef enum e2ee_rule {
    E2EE_KEY = 0,
    E2EE_IV,
    E2EE_CIPHERTEXT,
    E2EE_PADDING,
    E2EE_BASE64,
    E2EE_JSON,
    E2EE_SEQN,
    E2EE_MATCH,
    E2EE__NRULES
} e2ee_rule;

/* "key", "iv", "ciphertext", "padding", "base64", "json", "seqn", "match". */
const char *e2ee_rule_name(e2ee_rule r);

/* One frame as printed. Texts need not be NUL-terminated. */
typedef struct e2ee_frame {
    const char *iv_b64;         /* the IV line's value; NULL when the node printed none */
    size_t iv_len;
    const char *msg_b64;        /* the "Message in B64" value; NULL when not printed */
    size_t msg_len;
    const char *ct_b64;         /* the ciphertext line's value (required) */
    size_t ct_len;
    int device;                 /* node id: SEQN is tracked per device */
} e2ee_frame;

typedef struct e2ee_rule_result {
    bool checked;
    bool ok;
    char detail[E2EE_DETAIL_LEN];
} e2ee_rule_result;

typedef struct e2ee_verdict {
    bool ok;                    /* every checked rule passed */
    int frame;                  /* index of the frame in the run, from 0 */
    e2ee_rule_result rule[E2EE__NRULES];
    bool has_seqn;
    long long seqn;
    bool boot;                  /* the frame announced a reset */
    size_t pt_len;              /* plaintext (base64 text) length */
} e2ee_verdict;

typedef struct e2ee_checker e2ee_checker;

/* A checker for one run. keylen 16, 24 or 32 (anything but 16 fails the
 * "key" rule on every frame); returns NULL with a message otherwise. */
e2ee_checker *e2ee_new(const uint8_t *key, size_t keylen, char *err, size_t errlen);
void e2ee_free(e2ee_checker *c);

/* The device restarted (a boot banner, a reset fault): its next frame must
 * announce the reset if SEQN does not keep growing. */
void e2ee_note_reboot(e2ee_checker *c, int device);

/* Applies every rule to one frame and updates the run state (IVs seen,
 * SEQN per device). Returns true when the frame passed. */
bool e2ee_check(e2ee_checker *c, const e2ee_frame *f, e2ee_verdict *v);

/* One line for a verdict, without an ok/FAIL word (the caller has v->ok):
 * "SEQN 5, 44-character message, all 8 rules passed", or the failed rules
 * "iv: ... | seqn: ...". Returns out. */
char *e2ee_verdict_line(const e2ee_verdict *v, char *out, size_t outlen);

/* Masks a key for display like lw_mask_key: first two and last two bytes,
 * "2B7E…4F3C" (out needs 12 bytes; "" when too small). */
void e2ee_mask_key(const uint8_t *key, size_t keylen, char *out, size_t outlen);

#endif
