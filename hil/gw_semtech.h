/* gw_semtech.h — the Semtech UDP packet-forwarder protocol ("GWMP"), the
 * server side: what a gateway's packet forwarder sends (PUSH_DATA with rxpk
 * and stat JSON, PULL_DATA, TX_ACK) and the acknowledgements we answer with.
 * Layouts from Semtech's packet_forwarder PROTOCOL.TXT (protocol version 2;
 * version 1 forwarders use the same header and are accepted too):
 *
 *   byte 0     protocol version (2)
 *   bytes 1-2  random token, echoed in the ack
 *   byte 3     identifier: 0x00 PUSH_DATA, 0x01 PUSH_ACK, 0x02 PULL_DATA,
 *              0x03 PULL_RESP, 0x04 PULL_ACK, 0x05 TX_ACK
 *   bytes 4-11 gateway EUI (PUSH_DATA, PULL_DATA, TX_ACK)
 *   12-end     JSON (PUSH_DATA: {"rxpk":[...],"stat":{...}}; TX_ACK: optional)
 *
 * Pure functions: no sockets, no printing. Errors name the byte or field.
 */
#ifndef LORAHIL_GW_SEMTECH_H
#define LORAHIL_GW_SEMTECH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
    GW_PUSH_DATA = 0x00,
    GW_PUSH_ACK = 0x01,
    GW_PULL_DATA = 0x02,
    GW_PULL_RESP = 0x03,
    GW_PULL_ACK = 0x04,
    GW_TX_ACK = 0x05,
};

typedef struct gw_datagram {
    uint8_t version;
    uint16_t token;             /* bytes 1-2, byte 1 first (as sent) */
    uint8_t ident;
    bool has_eui;
    uint8_t eui[8];
    const char *json;           /* borrowed from the datagram; not NUL-terminated */
    size_t json_len;            /* 0 when none */
} gw_datagram;

/* Parses the header. Returns 0, or -1 with a message naming the byte
 * ("byte 0: protocol version 7, expected 1 or 2"). */
int gw_parse_datagram(const uint8_t *buf, size_t len, gw_datagram *d, char *err, size_t errlen);

/* The acknowledgement for d (PUSH_ACK for PUSH_DATA, PULL_ACK for PULL_DATA):
 * 4 bytes written to out; 0 when d needs none. */
size_t gw_build_ack(const gw_datagram *d, uint8_t out[4]);

/* Gateway EUI as 16 uppercase hex digits plus NUL. */
void gw_eui_hex(const uint8_t eui[8], char out[17]);

/* Identifier name ("PUSH_DATA"...), or "unknown". */
const char *gw_ident_name(uint8_t ident);

/* One received packet of an rxpk array. */
typedef struct gw_rxpk {
    bool ok;                    /* false: error[] says which field is wrong */
    bool skipped;               /* ok but not a LoRa frame with a good CRC; note[] says why */
    char error[160];
    char note[96];
    uint32_t freq_hz;
    int sf;
    uint32_t bw_hz;
    int cr;                     /* 5..8, 0 when codr is absent or "OFF" */
    double rssi_dbm;
    double snr_db;
    int chan;                   /* -1 when absent */
    int crc_stat;               /* 1 OK, -1 bad CRC, 0 no CRC */
    uint32_t tmst;              /* gateway's microsecond counter */
    uint8_t data[256];
    size_t len;
} gw_rxpk;

typedef struct gw_stat {
    bool present;
    char summary[200];          /* "rxnb=2 rxok=2 rxfw=2 ackr=100.0 dwnb=2 txnb=2" */
} gw_stat;

typedef struct gw_push {
    gw_rxpk *rxpk;              /* owned; free with gw_push_free() */
    size_t nrxpk;
    gw_stat stat;
} gw_push;

/* Parses PUSH_DATA JSON. Returns 0 when the document is usable (individual
 * rxpk entries may still have ok == false), or -1 with a message naming the
 * byte ("JSON error at byte 57: ...") or the field ("rxpk is not an array").
 * Always call gw_push_free() afterwards. */
int gw_parse_push(const char *json, size_t len, gw_push *out, char *err, size_t errlen);
void gw_push_free(gw_push *p);

/* Parses a LoRa data rate "SF7BW125" into sf and bandwidth. Returns 0 or -1. */
int gw_parse_datr(const char *s, int *sf, uint32_t *bw_hz);

/* Decodes standard base64, padded or not. Returns the length, or -1 with a
 * message naming the character position (0-based). */
long gw_base64_decode(const char *s, uint8_t *out, size_t cap, char *err, size_t errlen);

#endif
