/* lw_mac.c — decoding and formatting of LoRaWAN 1.0.2 MAC commands.
 * Layouts and field meanings: LoRaWAN 1.0.2 specification section 5
 * (tables of each command's payload) and, for what a DataRate/TXPower index
 * means in EU863-870, the LoRaWAN 1.0.2 Regional Parameters (rev B) EU863-870
 * data rate and TX power tables. Lengths are fixed per CID and direction; an
 * unknown CID stops decoding because its length is unknown (spec 5: the
 * receiver must then ignore the rest of the commands). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lw_mac.h"
#include "lw_util.h"

typedef struct mac_def {
    const char *name;
    uint8_t len; /* including the CID */
} mac_def;

/* indexed by CID - 2; [0] = from the device (up), [1] = from the network (down) */
static const mac_def defs[9][2] = {
    {{"LinkCheckReq", 1}, {"LinkCheckAns", 3}},
    {{"LinkADRAns", 2}, {"LinkADRReq", 5}},
    {{"DutyCycleAns", 1}, {"DutyCycleReq", 2}},
    {{"RXParamSetupAns", 2}, {"RXParamSetupReq", 5}},
    {{"DevStatusAns", 3}, {"DevStatusReq", 1}},
    {{"NewChannelAns", 2}, {"NewChannelReq", 6}},
    {{"RXTimingSetupAns", 1}, {"RXTimingSetupReq", 2}},
    {{"TxParamSetupAns", 1}, {"TxParamSetupReq", 2}},
    {{"DlChannelAns", 2}, {"DlChannelReq", 5}},
};

static const mac_def *def_of(uint8_t cid, bool uplink)
{
    if (cid < LW_CID_LINK_CHECK || cid > LW_CID_DL_CHANNEL)
        return NULL;
    return &defs[cid - 2][uplink ? 0 : 1];
}

static uint32_t freq24(const uint8_t *p)
{
    return ((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16) * 100u;
}

/* LoRaWAN 1.0.2 TxParamSetupReq MaxEIRP coding (dBm) */
static const uint8_t max_eirp_dbm[16] = {8, 10, 12, 13, 14, 16, 18, 20,
                                         21, 24, 26, 27, 29, 30, 33, 36};

static void fill(lw_mac_cmd *c)
{
    const uint8_t *p = c->bytes + 1;
    switch (c->cid) {
    case LW_CID_LINK_CHECK:
        if (!c->uplink) {
            c->u.link_check_ans.margin_db = p[0];
            c->u.link_check_ans.gw_cnt = p[1];
        }
        break;
    case LW_CID_LINK_ADR:
        if (c->uplink) {
            c->u.link_adr_ans.power_ack = p[0] & 4;
            c->u.link_adr_ans.data_rate_ack = p[0] & 2;
            c->u.link_adr_ans.channel_mask_ack = p[0] & 1;
            c->rfu_set = p[0] & 0xf8;
        } else {
            c->u.link_adr_req.data_rate = p[0] >> 4;
            c->u.link_adr_req.tx_power = p[0] & 0x0f;
            c->u.link_adr_req.ch_mask = (uint16_t)(p[1] | p[2] << 8);
            c->u.link_adr_req.ch_mask_cntl = (p[3] >> 4) & 7;
            c->u.link_adr_req.nb_trans = p[3] & 0x0f;
            c->rfu_set = p[3] & 0x80;
        }
        break;
    case LW_CID_DUTY_CYCLE:
        if (!c->uplink) {
            c->u.duty_cycle_req.max_dcycle = p[0] & 0x0f;
            c->rfu_set = p[0] & 0xf0;
        }
        break;
    case LW_CID_RX_PARAM_SETUP:
        if (c->uplink) {
            c->u.rx_param_setup_ans.rx1_dr_offset_ack = p[0] & 4;
            c->u.rx_param_setup_ans.rx2_data_rate_ack = p[0] & 2;
            c->u.rx_param_setup_ans.channel_ack = p[0] & 1;
            c->rfu_set = p[0] & 0xf8;
        } else {
            c->u.rx_param_setup_req.rx1_dr_offset = (p[0] >> 4) & 7;
            c->u.rx_param_setup_req.rx2_data_rate = p[0] & 0x0f;
            c->u.rx_param_setup_req.freq_hz = freq24(p + 1);
            c->rfu_set = p[0] & 0x80;
        }
        break;
    case LW_CID_DEV_STATUS:
        if (c->uplink) {
            c->u.dev_status_ans.battery = p[0];
            int m = p[1] & 0x3f;
            c->u.dev_status_ans.margin_db = (int8_t)(m >= 32 ? m - 64 : m);
            c->rfu_set = p[1] & 0xc0;
        }
        break;
    case LW_CID_NEW_CHANNEL:
        if (c->uplink) {
            c->u.new_channel_ans.data_rate_range_ok = p[0] & 2;
            c->u.new_channel_ans.channel_freq_ok = p[0] & 1;
            c->rfu_set = p[0] & 0xfc;
        } else {
            c->u.new_channel_req.ch_index = p[0];
            c->u.new_channel_req.freq_hz = freq24(p + 1);
            c->u.new_channel_req.max_dr = p[4] >> 4;
            c->u.new_channel_req.min_dr = p[4] & 0x0f;
        }
        break;
    case LW_CID_RX_TIMING_SETUP:
        if (!c->uplink) {
            c->u.rx_timing_setup_req.del_s = p[0] & 0x0f;
            c->rfu_set = p[0] & 0xf0;
        }
        break;
    case LW_CID_TX_PARAM_SETUP:
        if (!c->uplink) {
            c->u.tx_param_setup_req.downlink_dwell = p[0] & 0x20;
            c->u.tx_param_setup_req.uplink_dwell = p[0] & 0x10;
            c->u.tx_param_setup_req.max_eirp_index = p[0] & 0x0f;
            c->u.tx_param_setup_req.max_eirp_dbm = max_eirp_dbm[p[0] & 0x0f];
            c->rfu_set = p[0] & 0xc0;
        }
        break;
    case LW_CID_DL_CHANNEL:
        if (c->uplink) {
            c->u.dl_channel_ans.uplink_freq_exists = p[0] & 2;
            c->u.dl_channel_ans.channel_freq_ok = p[0] & 1;
            c->rfu_set = p[0] & 0xfc;
        } else {
            c->u.dl_channel_req.ch_index = p[0];
            c->u.dl_channel_req.freq_hz = freq24(p + 1);
        }
        break;
    default:
        break;
    }
}

int lw_mac_decode(const uint8_t *buf, size_t len, bool uplink, lw_mac_cmd *out, size_t max,
                  size_t *n, char *err, size_t errlen)
{
    size_t count = 0;
    if (n)
        *n = 0;
    if (!buf && len) {
        lw_errf(err, errlen, "no MAC command bytes");
        return -1;
    }
    for (size_t off = 0; off < len;) {
        uint8_t cid = buf[off];
        if (count >= max || !out) {
            lw_errf(err, errlen, "offset %zu: more than %zu MAC commands", off, max);
            return -1;
        }
        lw_mac_cmd *c = &out[count];
        memset(c, 0, sizeof *c);
        c->cid = cid;
        c->uplink = uplink;
        c->offset = off;
        c->bytes = buf + off;
        if (cid >= LW_CID_PROPRIETARY_FIRST) {
            c->proprietary = true;
            c->len = len - off;
            *n = ++count;
            return 0;
        }
        const mac_def *d = def_of(cid, uplink);
        if (!d) {
            lw_errf(err, errlen, "offset %zu: unknown MAC command CID 0x%02X in a%s "
                    "(LoRaWAN 1.0.2 defines 0x02..0x0A)", off, cid,
                    uplink ? "n uplink" : " downlink");
            return -1;
        }
        if (len - off < d->len) {
            lw_errf(err, errlen, "offset %zu: %s (CID 0x%02X) is truncated: needs %u bytes, "
                    "%zu left", off, d->name, cid, d->len, len - off);
            return -1;
        }
        c->len = d->len;
        fill(c);
        off += d->len;
        *n = ++count;
    }
    return 0;
}

const char *lw_mac_name(const lw_mac_cmd *c)
{
    if (!c)
        return "?";
    if (c->proprietary)
        return "Proprietary";
    const mac_def *d = def_of(c->cid, c->uplink);
    return d ? d->name : "?";
}

/* EU863-870 DataRate index (Regional Parameters 1.0.2rB, EU863-870 data rates) */
static const char *eu868_dr(unsigned dr)
{
    static const char *const names[] = {"SF12/125 kHz", "SF11/125 kHz", "SF10/125 kHz",
                                        "SF9/125 kHz",  "SF8/125 kHz",  "SF7/125 kHz",
                                        "SF7/250 kHz",  "FSK 50 kbps"};
    return dr < 8 ? names[dr] : "RFU";
}

/* appends to out at *pos; keeps counting when out is full, like snprintf */
static void add(char *out, size_t outlen, size_t *pos, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void add(char *out, size_t outlen, size_t *pos, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t room = *pos < outlen ? outlen - *pos : 0;
    int k = vsnprintf(room ? out + *pos : NULL, room, fmt, ap);
    va_end(ap);
    if (k > 0)
        *pos += (size_t)k;
}

static void add_channels(char *out, size_t outlen, size_t *pos, uint16_t mask)
{
    if (!mask) {
        add(out, outlen, pos, "none");
        return;
    }
    const char *sep = "";
    for (int i = 0; i < 16;) {
        if (!(mask & (1u << i))) {
            i++;
            continue;
        }
        int j = i;
        while (j + 1 < 16 && (mask & (1u << (j + 1))))
            j++;
        if (j == i)
            add(out, outlen, pos, "%s%d", sep, i + 1);
        else
            add(out, outlen, pos, "%s%d-%d", sep, i + 1, j + 1);
        sep = ",";
        i = j + 1;
    }
}

static const char *yesno(bool b)
{
    return b ? "yes" : "no";
}

int lw_mac_format(const lw_mac_cmd *c, char *out, size_t outlen)
{
    size_t pos = 0;
    if (outlen)
        out[0] = 0;
    if (!c)
        return 0;
    if (c->proprietary) {
        add(out, outlen, &pos, "Proprietary CID 0x%02X, %zu bytes:", c->cid, c->len);
        for (size_t i = 0; i < c->len; i++)
            add(out, outlen, &pos, " %02X", c->bytes[i]);
        return (int)pos;
    }
    add(out, outlen, &pos, "%s", lw_mac_name(c));
    switch (c->cid) {
    case LW_CID_LINK_CHECK:
        if (!c->uplink)
            add(out, outlen, &pos, " Margin %u dB GwCnt %u", c->u.link_check_ans.margin_db,
                c->u.link_check_ans.gw_cnt);
        break;
    case LW_CID_LINK_ADR:
        if (c->uplink) {
            add(out, outlen, &pos, " PowerACK %s DataRateACK %s ChannelMaskACK %s",
                yesno(c->u.link_adr_ans.power_ack), yesno(c->u.link_adr_ans.data_rate_ack),
                yesno(c->u.link_adr_ans.channel_mask_ack));
        } else {
            unsigned tp = c->u.link_adr_req.tx_power;
            add(out, outlen, &pos, " DataRate %u (%s) TXPower %u", c->u.link_adr_req.data_rate,
                eu868_dr(c->u.link_adr_req.data_rate), tp);
            if (tp == 0)
                add(out, outlen, &pos, " (MaxEIRP)");
            else if (tp < 8)
                add(out, outlen, &pos, " (MaxEIRP-%udB)", 2 * tp);
            else
                add(out, outlen, &pos, " (RFU)");
            add(out, outlen, &pos, " ChMask %04X (channels ", c->u.link_adr_req.ch_mask);
            add_channels(out, outlen, &pos, c->u.link_adr_req.ch_mask);
            add(out, outlen, &pos, ") ChMaskCntl %u", c->u.link_adr_req.ch_mask_cntl);
            if (c->u.link_adr_req.ch_mask_cntl == 6)
                add(out, outlen, &pos, " (all channels on)");
            else if (c->u.link_adr_req.ch_mask_cntl != 0)
                add(out, outlen, &pos, " (RFU in EU868)");
            add(out, outlen, &pos, " NbTrans %u", c->u.link_adr_req.nb_trans);
        }
        break;
    case LW_CID_DUTY_CYCLE:
        if (!c->uplink) {
            unsigned m = c->u.duty_cycle_req.max_dcycle;
            add(out, outlen, &pos, " MaxDCycle %u (aggregated duty cycle 1/%u)", m, 1u << m);
        }
        break;
    case LW_CID_RX_PARAM_SETUP:
        if (c->uplink) {
            add(out, outlen, &pos, " RX1DRoffsetACK %s RX2DataRateACK %s ChannelACK %s",
                yesno(c->u.rx_param_setup_ans.rx1_dr_offset_ack),
                yesno(c->u.rx_param_setup_ans.rx2_data_rate_ack),
                yesno(c->u.rx_param_setup_ans.channel_ack));
        } else {
            add(out, outlen, &pos, " RX1DRoffset %u RX2DataRate %u (%s) Frequency %u Hz",
                c->u.rx_param_setup_req.rx1_dr_offset, c->u.rx_param_setup_req.rx2_data_rate,
                eu868_dr(c->u.rx_param_setup_req.rx2_data_rate),
                (unsigned)c->u.rx_param_setup_req.freq_hz);
        }
        break;
    case LW_CID_DEV_STATUS:
        if (c->uplink) {
            unsigned b = c->u.dev_status_ans.battery;
            add(out, outlen, &pos, " Battery %u (%s) Margin %d dB", b,
                b == 0 ? "external power" : b == 255 ? "cannot measure" : "level",
                c->u.dev_status_ans.margin_db);
        }
        break;
    case LW_CID_NEW_CHANNEL:
        if (c->uplink) {
            add(out, outlen, &pos, " DataRateRangeOK %s ChannelFrequencyOK %s",
                yesno(c->u.new_channel_ans.data_rate_range_ok),
                yesno(c->u.new_channel_ans.channel_freq_ok));
        } else {
            add(out, outlen, &pos, " ChIndex %u Frequency %u Hz%s MinDR %u MaxDR %u",
                c->u.new_channel_req.ch_index, (unsigned)c->u.new_channel_req.freq_hz,
                c->u.new_channel_req.freq_hz ? "" : " (disable)", c->u.new_channel_req.min_dr,
                c->u.new_channel_req.max_dr);
        }
        break;
    case LW_CID_RX_TIMING_SETUP:
        if (!c->uplink) {
            unsigned d = c->u.rx_timing_setup_req.del_s;
            add(out, outlen, &pos, " Del %u (RX1 delay %u s)", d, d ? d : 1);
        }
        break;
    case LW_CID_TX_PARAM_SETUP:
        if (!c->uplink)
            add(out, outlen, &pos, " DownlinkDwellTime %s UplinkDwellTime %s MaxEIRP %u (%u dBm)",
                c->u.tx_param_setup_req.downlink_dwell ? "400ms" : "none",
                c->u.tx_param_setup_req.uplink_dwell ? "400ms" : "none",
                c->u.tx_param_setup_req.max_eirp_index, c->u.tx_param_setup_req.max_eirp_dbm);
        break;
    case LW_CID_DL_CHANNEL:
        if (c->uplink)
            add(out, outlen, &pos, " UplinkFrequencyExists %s ChannelFrequencyOK %s",
                yesno(c->u.dl_channel_ans.uplink_freq_exists),
                yesno(c->u.dl_channel_ans.channel_freq_ok));
        else
            add(out, outlen, &pos, " ChIndex %u Frequency %u Hz", c->u.dl_channel_req.ch_index,
                (unsigned)c->u.dl_channel_req.freq_hz);
        break;
    default:
        break;
    }
    if (c->rfu_set)
        add(out, outlen, &pos, " [RFU bits set]");
    return (int)pos;
}
