/* lwframe.h — LoRaWAN 1.0.x data frames (MACPayload) for our node firmware:
 * building an uplink, checking and decrypting a downlink, with the MIC
 * (AES-CMAC over B0 | msg) and FRMPayload encryption (AES blocks A_i) of the
 * LoRaWAN 1.0.2 specification, sections 4.3.3 and 4.4. Pure code with no AVR
 * dependency, so the unit test runs it on the host against frames that an
 * independent implementation (lora-packet) built.
 *
 * Names follow the spec (MHDR, FCtrl, FCnt, FOpts, FPort, FRMPayload).
 * Ownership: lwn_parse decrypts in place and points the frame's fopts and
 * payload into the caller's buffer. */
#ifndef TARGETS_LWFRAME_H
#define TARGETS_LWFRAME_H

#include <stdbool.h>
#include <stdint.h>

/* MHDR values (MType in bits 7..5, Major 0 = LoRaWAN R1). */
#define LWN_MHDR_UNCONF_UP   0x40
#define LWN_MHDR_UNCONF_DOWN 0x60
#define LWN_MHDR_CONF_UP     0x80
#define LWN_MHDR_CONF_DOWN   0xA0

/* FCtrl bits (FOptsLen, bits 3..0, is derived from fopts_len). */
#define LWN_FCTRL_ADR       0x80
#define LWN_FCTRL_ADRACKREQ 0x40 /* uplink only */
#define LWN_FCTRL_ACK       0x20
#define LWN_FCTRL_FPENDING  0x10 /* downlink only */

#define LWN_NO_FPORT (-1)

typedef struct {
    uint8_t mhdr;
    uint32_t devaddr;
    uint8_t fctrl;            /* flag bits only */
    uint32_t fcnt;            /* full 32-bit counter; 16 LSBs go on air */
    const uint8_t *fopts;     /* plaintext MAC commands (1.0.x) */
    uint8_t fopts_len;        /* 0..15 */
    int16_t fport;            /* 0..255, or LWN_NO_FPORT */
    const uint8_t *payload;   /* plaintext FRMPayload */
    uint8_t len;
} lwn_frame;

typedef enum {
    LWN_OK = 0,
    LWN_ESHORT,   /* shorter than MHDR + FHDR + MIC, or FOptsLen too long */
    LWN_EMTYPE,   /* not a data frame of LoRaWAN R1 */
    LWN_EADDR,    /* DevAddr is not ours */
    LWN_EMIC      /* MIC does not verify */
} lwn_status;

/* 1 for a downlink MHDR (MType 011/101), 0 for an uplink. */
uint8_t lwn_dir(uint8_t mhdr);

/* Writes the PHYPayload of `f` into out (capacity `cap`); returns its length,
 * or 0 if it does not fit. FRMPayload is encrypted with NwkSKey for FPort 0
 * and AppSKey otherwise; the MIC is computed with NwkSKey. */
uint8_t lwn_build(const lwn_frame *f, const uint8_t nwkskey[16], const uint8_t appskey[16],
                  uint8_t *out, uint8_t cap);

/* Checks a received PHYPayload addressed to `devaddr`: the 16-bit FCnt is
 * extended to 32 bits as the smallest value >= fcnt_next with those 16 LSBs
 * (fcnt_next = the next counter expected), the MIC verified, FRMPayload
 * decrypted in place. Fills *f on LWN_OK. */
lwn_status lwn_parse(uint8_t *buf, uint8_t len, uint32_t devaddr, uint32_t fcnt_next,
                     const uint8_t nwkskey[16], const uint8_t appskey[16], lwn_frame *f);

/* The 4-byte MIC of msg[0..len) (spec 4.4: CMAC(NwkSKey, B0 | msg)). */
void lwn_mic(const uint8_t key[16], uint8_t dir, uint32_t devaddr, uint32_t fcnt,
             const uint8_t *msg, uint8_t len, uint8_t mic[4]);

/* En/decrypts FRMPayload in place (spec 4.3.3.1: XOR with AES(K, A_i)). */
void lwn_crypt(const uint8_t key[16], uint8_t dir, uint32_t devaddr, uint32_t fcnt,
               uint8_t *buf, uint8_t len);

#endif
