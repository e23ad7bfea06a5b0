/* lw_mac.h — LoRaWAN 1.0.2 MAC commands (spec section 5, EU868 meanings
 * from the 1.0.2 Regional Parameters), both directions, as carried in FOpts
 * or in an FPort 0 FRMPayload. Pure functions: decode bytes into structs,
 * format one struct as a line. */
#ifndef LORAHIL_LW_MAC_H
#define LORAHIL_LW_MAC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Command identifiers (CID). The same CID names the Req and the Ans; which
 * one a byte means depends on the frame's direction. */
enum {
    LW_CID_LINK_CHECK = 0x02,     /* up: LinkCheckReq, down: LinkCheckAns */
    LW_CID_LINK_ADR = 0x03,       /* down: LinkADRReq, up: LinkADRAns */
    LW_CID_DUTY_CYCLE = 0x04,
    LW_CID_RX_PARAM_SETUP = 0x05,
    LW_CID_DEV_STATUS = 0x06,
    LW_CID_NEW_CHANNEL = 0x07,
    LW_CID_RX_TIMING_SETUP = 0x08,
    LW_CID_TX_PARAM_SETUP = 0x09,
    LW_CID_DL_CHANNEL = 0x0A,
    LW_CID_PROPRIETARY_FIRST = 0x80, /* 0x80..0xFF: proprietary, length unknown */
};

#define LW_MAC_MAX 64 /* commands one decode call can return */

typedef struct lw_mac_cmd {
    uint8_t cid;
    bool uplink;          /* sent by the end-device (LinkCheckReq, ...Ans) */
    bool proprietary;     /* CID 0x80..0xFF: the rest of the buffer, undecoded */
    size_t offset;        /* of the CID byte in the decoded buffer */
    size_t len;           /* bytes including the CID */
    const uint8_t *bytes; /* borrows from the decoded buffer (len bytes) */
    bool rfu_set;         /* a bit the spec marks RFU is 1 */
    union {
        struct { uint8_t margin_db, gw_cnt; } link_check_ans;
        struct {
            uint8_t data_rate, tx_power; /* DR index; TXPower index: MaxEIRP - 2*index dB */
            uint16_t ch_mask;            /* bit n = channel n (of the block ChMaskCntl picks) */
            uint8_t ch_mask_cntl, nb_trans;
        } link_adr_req;
        struct { bool power_ack, data_rate_ack, channel_mask_ack; } link_adr_ans;
        struct { uint8_t max_dcycle; } duty_cycle_req;    /* aggregate duty = 1/2^max_dcycle */
        struct {
            uint8_t rx1_dr_offset, rx2_data_rate;
            uint32_t freq_hz;                          /* 24-bit LE * 100 Hz */
        } rx_param_setup_req;
        struct { bool rx1_dr_offset_ack, rx2_data_rate_ack, channel_ack; } rx_param_setup_ans;
        struct {
            uint8_t battery;  /* 0 external power, 1..254 level, 255 cannot measure */
            int8_t margin_db; /* 6-bit signed SNR of the last DevStatusReq, -32..31 */
        } dev_status_ans;
        struct {
            uint8_t ch_index;
            uint32_t freq_hz;  /* 0 disables the channel */
            uint8_t max_dr, min_dr;
        } new_channel_req;
        struct { bool data_rate_range_ok, channel_freq_ok; } new_channel_ans;
        struct { uint8_t del_s; } rx_timing_setup_req; /* RX1 delay; 0 means 1 s */
        struct {
            bool downlink_dwell, uplink_dwell; /* true: 400 ms dwell limit */
            uint8_t max_eirp_index, max_eirp_dbm;
        } tx_param_setup_req;
        struct { uint8_t ch_index; uint32_t freq_hz; } dl_channel_req;
        struct { bool uplink_freq_exists, channel_freq_ok; } dl_channel_ans;
    } u;
} lw_mac_cmd;

/* Decodes buf[0..len) as a sequence of MAC commands travelling up (from the
 * device) or down. Fills out[0..*n). Returns 0, or -1 with a message naming
 * the byte offset (truncated command, unknown CID, more than max commands);
 * the commands before the bad one are still in out[0..*n). A proprietary CID
 * (0x80..0xFF) ends decoding: its length is not defined by the spec. */
int lw_mac_decode(const uint8_t *buf, size_t len, bool uplink, lw_mac_cmd *out, size_t max,
                  size_t *n, char *err, size_t errlen);

/* The command's name as in the spec ("LinkADRReq"), or "Proprietary". */
const char *lw_mac_name(const lw_mac_cmd *c);

/* Formats one command as a line without newline, e.g.
 * "LinkADRReq DataRate 5 (SF7/125 kHz) TXPower 0 (MaxEIRP) ChMask 00FF (channels 1-8)
 *  ChMaskCntl 0 NbTrans 1". Returns the length snprintf would give. */
int lw_mac_format(const lw_mac_cmd *c, char *out, size_t outlen);

#endif
