/* lorawan.h — LoRaWAN 1.0.x data frames: parse, build, MIC, FRMPayload
 * crypto, FCnt rules, and the one-call verifier used by `lorahil check`,
 * `lorahil sim` and `lorahil hil`. Names follow the spec (MHDR, FCtrl, FOpts,
 * B0 block). Pure functions: no I/O; errors come back as a message.
 * All AES and CMAC go through OpenSSL EVP. */
#ifndef LORAHIL_LORAWAN_H
#define LORAHIL_LORAWAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LW_KEY_LEN 16
#define LW_MAX_FRAME 256

typedef enum lw_mtype {
    LW_JOIN_REQUEST = 0,
    LW_JOIN_ACCEPT = 1,
    LW_UNCONFIRMED_UP = 2,
    LW_UNCONFIRMED_DOWN = 3,
    LW_CONFIRMED_UP = 4,
    LW_CONFIRMED_DOWN = 5,
    LW_RFU = 6,
    LW_PROPRIETARY = 7,
} lw_mtype;

/* Session of an ABP device. Keys are secrets: never print them unmasked. */
typedef struct lw_keys {
    uint32_t devaddr;
    uint8_t nwkskey[LW_KEY_LEN];
    uint8_t appskey[LW_KEY_LEN];
} lw_keys;

/* A parsed data frame. Pointers borrow from the buffer given to the parser. */
typedef struct lw_frame {
    uint8_t mhdr;
    lw_mtype mtype;
    uint8_t major;
    bool uplink;
    uint32_t devaddr;
    uint8_t fctrl;
    bool adr, adrackreq, ack, fpending; /* fpending = ClassB bit in uplinks */
    uint8_t foptslen;
    uint16_t fcnt16;                    /* FCnt as on the wire */
    const uint8_t *fopts;
    int fport;                          /* -1 when absent */
    const uint8_t *frmpayload;          /* still encrypted */
    size_t frmlen;
    uint32_t mic;                       /* as on the wire, bytes in order: B0 B1 B2 B3 -> 0xB0B1B2B3 */
    const uint8_t *raw;
    size_t rawlen;
} lw_frame;

/* Parses a data frame (MType 2..5). Join frames, RFU and proprietary MTypes,
 * frames shorter than 12 bytes and inconsistent lengths are errors with a
 * message naming the byte offset. Returns 0 or -1. */
int lw_frame_parse(const uint8_t *buf, size_t len, lw_frame *f, char *err, size_t errlen);

/* The fields of a data frame to build (plaintext; the builder encrypts). */
typedef struct lw_frame_fields {
    lw_mtype mtype;                 /* LW_UNCONFIRMED_UP .. LW_CONFIRMED_DOWN */
    uint32_t fcnt;                  /* full counter: low 16 bits on the wire, all 32 in B0/A_i */
    bool adr, adrackreq, ack, fpending; /* FCtrl bits 7..4, set as given (bit 6 is RFU in
                                           downlinks, bit 4 is ClassB in uplinks) */
    const uint8_t *fopts;           /* plaintext MAC commands, 0..15 bytes */
    size_t foptslen;
    int fport;                      /* 0..255, or -1 for no FPort (then len must be 0) */
    const uint8_t *payload;         /* plaintext FRMPayload; FPort 0 uses NwkSKey */
    size_t len;
} lw_frame_fields;

/* Assembles MHDR | FHDR | FPort | FRMPayload (encrypted) | MIC for
 * keys->devaddr into out (cap bytes). Returns the frame length, or -1 with a
 * message (bad MType, FOpts over 15 bytes, FPort out of range, payload
 * without FPort, frame over cap or LW_MAX_FRAME). */
int lw_frame_build(const lw_keys *keys, const lw_frame_fields *in, uint8_t *out, size_t cap,
                   char *err, size_t errlen);

/* AES-128 of one block (OpenSSL EVP, ECB, no padding): the A_i keystream
 * primitive of 4.3.3. Returns 0 or -1. */
int lw_aes128_encrypt_block(const uint8_t key[LW_KEY_LEN], const uint8_t in[16], uint8_t out[16]);

/* Full 16-byte AES-CMAC (RFC 4493) via OpenSSL EVP_MAC "CMAC" with
 * AES-128-CBC. Returns 0 or -1. */
int lw_aes_cmac(const uint8_t key[LW_KEY_LEN], const uint8_t *msg, size_t len, uint8_t tag[16]);

/* MIC per LoRaWAN 1.0.x 4.4: AES-CMAC(NwkSKey, B0 | msg)[0..3], where msg is
 * MHDR..FRMPayload and fcnt is the full 32-bit counter. Returned as the four
 * bytes in wire order (0xB0B1B2B3). */
uint32_t lw_mic(const uint8_t nwkskey[LW_KEY_LEN], bool uplink, uint32_t devaddr,
                uint32_t fcnt, const uint8_t *msg, size_t len);

/* FRMPayload encryption and decryption (the same operation), spec 4.3.3. */
int lw_payload_crypt(const uint8_t key[LW_KEY_LEN], bool uplink, uint32_t devaddr,
                     uint32_t fcnt, const uint8_t *in, size_t len, uint8_t *out);

/* 32-bit FCnt from the 16-bit wire value: the smallest value >= last whose
 * low 16 bits match (spec 4.3.1.5); with no last value, the wire value. */
uint32_t lw_fcnt_reconstruct(uint16_t wire, uint32_t last, bool have_last);

/* Per-device counter state and verdicts. */
typedef struct lw_fcnt_state {
    bool have_last;
    uint32_t last;
} lw_fcnt_state;

typedef enum lw_fcnt_verdict {
    LW_FCNT_OK = 0,     /* last + 1, or the first frame */
    LW_FCNT_SKIP,       /* grew by more than one but less than MAX_FCNT_GAP */
    LW_FCNT_REPLAY,     /* equal to or below the last value */
    LW_FCNT_GAP,        /* jump of MAX_FCNT_GAP (16384) or more */
} lw_fcnt_verdict;

#define LW_MAX_FCNT_GAP 16384u

/* The verdict for a reconstructed 32-bit counter against the state (does
 * not change the state). */
lw_fcnt_verdict lw_fcnt_check(const lw_fcnt_state *st, uint32_t fcnt);

/* "ok", "skip", "replay", "gap". */
const char *lw_fcnt_verdict_name(lw_fcnt_verdict v);

/* "Join Request", "Unconfirmed Data Up", ... as the spec names them. */
const char *lw_mtype_name(lw_mtype t);

/* The result of checking one frame against a session. */
typedef struct lw_result {
    bool parsed;
    lw_frame frame;
    uint32_t fcnt;                  /* reconstructed 32-bit value */
    bool devaddr_ok;
    bool mic_ok;
    uint32_t mic_expected;
    lw_fcnt_verdict fcnt_verdict;
    uint8_t plain[LW_MAX_FRAME];    /* decrypted FRMPayload */
    size_t plain_len;
    char detail[256];               /* one line: the first thing that is wrong, or "" */
    bool mac_ok;                    /* MAC commands (FOpts, FPort 0 payload) decode and
                                       FOpts is empty when FPort is 0 (spec 4.3.1.6/5) */
} lw_result;

/* Parses, checks DevAddr, reconstructs FCnt (updating *st only when the MIC
 * is good), checks MIC and decrypts, then decodes the MAC commands (lw_mac.h).
 * Returns 0 when everything passed (an FCnt SKIP is only reported), 1 when a
 * check failed (DevAddr, MIC, FCnt REPLAY or GAP, MAC commands), -1 when the
 * frame cannot be parsed (detail says why). st may be NULL (no FCnt rules:
 * the wire value is used). */
int lw_verify(const lw_keys *keys, lw_fcnt_state *st, const uint8_t *buf, size_t len,
              lw_result *r);

/* Parses a keys file's text: DevAddr, NwkSKey, AppSKey as plain hex or in
 * the C-array form TTN's console copies for LMIC sketches
 * ("{ 0xAA, 0x0F, ... }", DevAddr "0x95337738"). `name` is used in error
 * messages ("keys.txt:3: NwkSKey has 15 bytes, expected 16"). */
int lw_keys_parse(const char *text, const char *name, lw_keys *out, char *err, size_t errlen);

/* Parses a frame given as hex or base64 (as a gateway log or TTN's console
 * shows it) into buf. Returns the length, or -1 with a message naming the
 * offending character position. */
int lw_parse_frame_text(const char *text, uint8_t *buf, size_t cap, char *err, size_t errlen);

/* Masks a key for display: the first two and last two bytes shown,
 * "AA0F…55B5" (UTF-8 ellipsis; needs outlen >= LW_MASKED_LEN, else out gets
 * "" or nothing when outlen is 0). */
#define LW_MASKED_LEN 12
void lw_mask_key(const uint8_t key[LW_KEY_LEN], char *out, size_t outlen);

#endif
