/* test_lw_mac.c — LoRaWAN 1.0.2 MAC commands, decoded field by field. The
 * expected values are decoded by hand from the payload tables of the
 * LoRaWAN 1.0.2 specification, section 5 (bit positions in the comments),
 * and the EU863-870 tables of the 1.0.2 Regional Parameters. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "check/lw_mac.h"

static lw_mac_cmd one(const uint8_t *b, size_t n, bool uplink)
{
    lw_mac_cmd c[4];
    size_t k = 99;
    char err[200] = "";
    if (lw_mac_decode(b, n, uplink, c, 4, &k, err, sizeof err) != 0)
        fail_msg("decode failed: %s", err);
    assert_int_equal(k, 1);
    assert_int_equal(c[0].len, n);
    assert_int_equal(c[0].offset, 0);
    assert_int_equal(c[0].uplink, uplink);
    assert_ptr_equal(c[0].bytes, b);
    return c[0];
}

#define B(...) ((const uint8_t[]){__VA_ARGS__}), sizeof((const uint8_t[]){__VA_ARGS__})

static void uplink_commands(void **state)
{
    (void)state;
    lw_mac_cmd c = one(B(0x02), true);
    assert_string_equal(lw_mac_name(&c), "LinkCheckReq");

    /* LinkADRAns Status: bit 2 Power ACK, 1 Data rate ACK, 0 Channel mask ACK */
    c = one(B(0x03, 0x07), true);
    assert_string_equal(lw_mac_name(&c), "LinkADRAns");
    assert_true(c.u.link_adr_ans.power_ack && c.u.link_adr_ans.data_rate_ack &&
                c.u.link_adr_ans.channel_mask_ack);
    assert_false(c.rfu_set);
    c = one(B(0x03, 0x04), true);
    assert_true(c.u.link_adr_ans.power_ack);
    assert_false(c.u.link_adr_ans.data_rate_ack || c.u.link_adr_ans.channel_mask_ack);
    c = one(B(0x03, 0xF9), true); /* 1111 1001: RFU 7..3 set, channel mask ACK */
    assert_true(c.rfu_set);
    assert_true(c.u.link_adr_ans.channel_mask_ack);
    assert_false(c.u.link_adr_ans.power_ack || c.u.link_adr_ans.data_rate_ack);

    c = one(B(0x04), true);
    assert_string_equal(lw_mac_name(&c), "DutyCycleAns");

    /* RXParamSetupAns: bit 2 RX1DRoffset ACK, 1 RX2 Data rate ACK, 0 Channel ACK */
    c = one(B(0x05, 0x06), true);
    assert_string_equal(lw_mac_name(&c), "RXParamSetupAns");
    assert_true(c.u.rx_param_setup_ans.rx1_dr_offset_ack);
    assert_true(c.u.rx_param_setup_ans.rx2_data_rate_ack);
    assert_false(c.u.rx_param_setup_ans.channel_ack);

    /* DevStatusAns: Battery; Margin bits 5..0, signed 6-bit (-32..31) */
    c = one(B(0x06, 0xFF, 0x2A), true); /* 101010b = 42 - 64 = -22 */
    assert_string_equal(lw_mac_name(&c), "DevStatusAns");
    assert_int_equal(c.u.dev_status_ans.battery, 255);
    assert_int_equal(c.u.dev_status_ans.margin_db, -22);
    assert_false(c.rfu_set);
    c = one(B(0x06, 0x00, 0x1F), true); /* 011111b = 31 */
    assert_int_equal(c.u.dev_status_ans.battery, 0);
    assert_int_equal(c.u.dev_status_ans.margin_db, 31);
    c = one(B(0x06, 0xFE, 0x20), true); /* 100000b = -32 */
    assert_int_equal(c.u.dev_status_ans.battery, 254);
    assert_int_equal(c.u.dev_status_ans.margin_db, -32);
    c = one(B(0x06, 0x01, 0xC0), true); /* RFU bits 7..6 set, margin 0 */
    assert_int_equal(c.u.dev_status_ans.margin_db, 0);
    assert_true(c.rfu_set);

    /* NewChannelAns: bit 1 Data rate range ok, 0 Channel frequency ok */
    c = one(B(0x07, 0x03), true);
    assert_string_equal(lw_mac_name(&c), "NewChannelAns");
    assert_true(c.u.new_channel_ans.data_rate_range_ok && c.u.new_channel_ans.channel_freq_ok);
    c = one(B(0x07, 0x01), true);
    assert_false(c.u.new_channel_ans.data_rate_range_ok);
    assert_true(c.u.new_channel_ans.channel_freq_ok);

    c = one(B(0x08), true);
    assert_string_equal(lw_mac_name(&c), "RXTimingSetupAns");
    c = one(B(0x09), true);
    assert_string_equal(lw_mac_name(&c), "TxParamSetupAns");

    /* DlChannelAns: bit 1 Uplink frequency exists, 0 Channel frequency ok */
    c = one(B(0x0A, 0x02), true);
    assert_string_equal(lw_mac_name(&c), "DlChannelAns");
    assert_true(c.u.dl_channel_ans.uplink_freq_exists);
    assert_false(c.u.dl_channel_ans.channel_freq_ok);
}

static void downlink_commands(void **state)
{
    (void)state;
    /* LinkCheckAns: Margin (dB above demodulation floor), GwCnt */
    lw_mac_cmd c = one(B(0x02, 0x0A, 0x03), false);
    assert_string_equal(lw_mac_name(&c), "LinkCheckAns");
    assert_int_equal(c.u.link_check_ans.margin_db, 10);
    assert_int_equal(c.u.link_check_ans.gw_cnt, 3);

    /* LinkADRReq: DataRate_TXPower (7..4 DataRate, 3..0 TXPower), ChMask
     * (2 bytes LE), Redundancy (7 RFU, 6..4 ChMaskCntl, 3..0 NbTrans) */
    c = one(B(0x03, 0x50, 0xFF, 0x00, 0x01), false);
    assert_string_equal(lw_mac_name(&c), "LinkADRReq");
    assert_int_equal(c.u.link_adr_req.data_rate, 5);
    assert_int_equal(c.u.link_adr_req.tx_power, 0);
    assert_int_equal(c.u.link_adr_req.ch_mask, 0x00FF);
    assert_int_equal(c.u.link_adr_req.ch_mask_cntl, 0);
    assert_int_equal(c.u.link_adr_req.nb_trans, 1);
    assert_false(c.rfu_set);
    c = one(B(0x03, 0x21, 0x05, 0x80, 0x63), false);
    assert_int_equal(c.u.link_adr_req.data_rate, 2);
    assert_int_equal(c.u.link_adr_req.tx_power, 1);
    assert_int_equal(c.u.link_adr_req.ch_mask, 0x8005);
    assert_int_equal(c.u.link_adr_req.ch_mask_cntl, 6);
    assert_int_equal(c.u.link_adr_req.nb_trans, 3);
    c = one(B(0x03, 0x50, 0xFF, 0x00, 0x81), false);
    assert_true(c.rfu_set);
    assert_int_equal(c.u.link_adr_req.nb_trans, 1);

    /* DutyCycleReq: 7..4 RFU, 3..0 MaxDCycle */
    c = one(B(0x04, 0x0F), false);
    assert_string_equal(lw_mac_name(&c), "DutyCycleReq");
    assert_int_equal(c.u.duty_cycle_req.max_dcycle, 15);
    c = one(B(0x04, 0x11), false);
    assert_int_equal(c.u.duty_cycle_req.max_dcycle, 1);
    assert_true(c.rfu_set);

    /* RXParamSetupReq: DLsettings (7 RFU, 6..4 RX1DRoffset, 3..0 RX2DataRate),
     * Frequency 3 bytes LE in 100 Hz: 0x84ADD2 = 8695250 -> 869525000 Hz */
    c = one(B(0x05, 0x03, 0xD2, 0xAD, 0x84), false);
    assert_string_equal(lw_mac_name(&c), "RXParamSetupReq");
    assert_int_equal(c.u.rx_param_setup_req.rx1_dr_offset, 0);
    assert_int_equal(c.u.rx_param_setup_req.rx2_data_rate, 3);
    assert_int_equal(c.u.rx_param_setup_req.freq_hz, 869525000);
    /* 0x23: RX1DRoffset 2, RX2DataRate 3; 0x844F18 = 8671000 -> 867.1 MHz */
    c = one(B(0x05, 0x23, 0x18, 0x4F, 0x84), false);
    assert_int_equal(c.u.rx_param_setup_req.rx1_dr_offset, 2);
    assert_int_equal(c.u.rx_param_setup_req.rx2_data_rate, 3);
    assert_int_equal(c.u.rx_param_setup_req.freq_hz, 867100000);

    c = one(B(0x06), false);
    assert_string_equal(lw_mac_name(&c), "DevStatusReq");

    /* NewChannelReq: ChIndex, Freq (3 bytes LE, 100 Hz), DrRange (7..4 MaxDR,
     * 3..0 MinDR) */
    c = one(B(0x07, 0x03, 0x18, 0x4F, 0x84, 0x50), false);
    assert_string_equal(lw_mac_name(&c), "NewChannelReq");
    assert_int_equal(c.u.new_channel_req.ch_index, 3);
    assert_int_equal(c.u.new_channel_req.freq_hz, 867100000);
    assert_int_equal(c.u.new_channel_req.max_dr, 5);
    assert_int_equal(c.u.new_channel_req.min_dr, 0);
    c = one(B(0x07, 0x0F, 0x00, 0x00, 0x00, 0x00), false); /* frequency 0: disable */
    assert_int_equal(c.u.new_channel_req.ch_index, 15);
    assert_int_equal(c.u.new_channel_req.freq_hz, 0);

    /* RXTimingSetupReq: 7..4 RFU, 3..0 Del (seconds; 0 means 1) */
    c = one(B(0x08, 0x01), false);
    assert_string_equal(lw_mac_name(&c), "RXTimingSetupReq");
    assert_int_equal(c.u.rx_timing_setup_req.del_s, 1);
    c = one(B(0x08, 0x0F), false);
    assert_int_equal(c.u.rx_timing_setup_req.del_s, 15);

    /* TxParamSetupReq: 7..6 RFU, 5 DownlinkDwellTime, 4 UplinkDwellTime,
     * 3..0 MaxEIRP coded 8 10 12 13 14 16 18 20 21 24 26 27 29 30 33 36 dBm */
    c = one(B(0x09, 0x3D), false);
    assert_string_equal(lw_mac_name(&c), "TxParamSetupReq");
    assert_true(c.u.tx_param_setup_req.downlink_dwell);
    assert_true(c.u.tx_param_setup_req.uplink_dwell);
    assert_int_equal(c.u.tx_param_setup_req.max_eirp_index, 13);
    assert_int_equal(c.u.tx_param_setup_req.max_eirp_dbm, 30);
    c = one(B(0x09, 0x05), false);
    assert_false(c.u.tx_param_setup_req.downlink_dwell || c.u.tx_param_setup_req.uplink_dwell);
    assert_int_equal(c.u.tx_param_setup_req.max_eirp_dbm, 16);
    c = one(B(0x09, 0x10), false);
    assert_true(c.u.tx_param_setup_req.uplink_dwell);
    assert_false(c.u.tx_param_setup_req.downlink_dwell);
    assert_int_equal(c.u.tx_param_setup_req.max_eirp_dbm, 8);

    /* DlChannelReq: ChIndex, Freq 3 bytes LE: 0x8485C8 = 8685000 -> 868.5 MHz */
    c = one(B(0x0A, 0x02, 0xC8, 0x85, 0x84), false);
    assert_string_equal(lw_mac_name(&c), "DlChannelReq");
    assert_int_equal(c.u.dl_channel_req.ch_index, 2);
    assert_int_equal(c.u.dl_channel_req.freq_hz, 868500000);
}

static void sequences(void **state)
{
    (void)state;
    /* FOpts of frames.tsv row up_fopts_three_cmds */
    const uint8_t fo[] = {0x02, 0x06, 0xFF, 0x2A, 0x03, 0x07};
    lw_mac_cmd c[8];
    size_t n;
    assert_int_equal(lw_mac_decode(fo, sizeof fo, true, c, 8, &n, NULL, 0), 0);
    assert_int_equal(n, 3);
    assert_int_equal(c[0].cid, 0x02);
    assert_int_equal(c[0].offset, 0);
    assert_int_equal(c[1].cid, 0x06);
    assert_int_equal(c[1].offset, 1);
    assert_int_equal(c[1].u.dev_status_ans.margin_db, -22);
    assert_int_equal(c[2].cid, 0x03);
    assert_int_equal(c[2].offset, 4);
    assert_true(c[2].u.link_adr_ans.power_ack);
    /* the same bytes downlink mean other commands: 02 06 FF = LinkCheckAns
     * Margin 6 GwCnt 255, then 2A is no 1.0.2 CID */
    char err[200];
    assert_int_equal(lw_mac_decode(fo, sizeof fo, false, c, 8, &n, err, sizeof err), -1);
    assert_int_equal(n, 1);
    assert_int_equal(c[0].u.link_check_ans.margin_db, 6);
    assert_int_equal(c[0].u.link_check_ans.gw_cnt, 255);
    assert_non_null(strstr(err, "offset 3: unknown MAC command CID 0x2A"));
    /* empty is fine */
    assert_int_equal(lw_mac_decode(fo, 0, true, c, 8, &n, NULL, 0), 0);
    assert_int_equal(n, 0);
    /* proprietary (0x80..0xFF): the rest, undecoded */
    const uint8_t pr[] = {0x02, 0x80, 0xAA, 0xBB};
    assert_int_equal(lw_mac_decode(pr, sizeof pr, true, c, 8, &n, NULL, 0), 0);
    assert_int_equal(n, 2);
    assert_true(c[1].proprietary);
    assert_int_equal(c[1].offset, 1);
    assert_int_equal(c[1].len, 3);
    assert_string_equal(lw_mac_name(&c[1]), "Proprietary");
}

static void expect_err(const uint8_t *b, size_t len, bool up, size_t max, size_t want_n,
                       const char *needle)
{
    lw_mac_cmd c[LW_MAC_MAX];
    size_t n = 99;
    char err[200] = "";
    assert_int_equal(lw_mac_decode(b, len, up, c, max, &n, err, sizeof err), -1);
    assert_int_equal(n, want_n);
    if (!strstr(err, needle))
        fail_msg("error '%s' does not contain '%s'", err, needle);
}

static void errors(void **state)
{
    (void)state;
    const uint8_t adr4[] = {0x03, 0x50, 0xFF, 0x00};
    expect_err(adr4, sizeof adr4, false, 8, 0,
               "offset 0: LinkADRReq (CID 0x03) is truncated: needs 5 bytes, 4 left");
    const uint8_t tail[] = {0x04, 0x01, 0x03, 0x50};
    expect_err(tail, sizeof tail, false, 8, 1, "offset 2: LinkADRReq");
    const uint8_t dsa[] = {0x06, 0xFF};
    expect_err(dsa, sizeof dsa, true, 8, 0, "offset 0: DevStatusAns (CID 0x06) is truncated: "
                                            "needs 3 bytes, 2 left");
    const uint8_t nc[] = {0x07, 0x03, 0x18, 0x4F, 0x84};
    expect_err(nc, sizeof nc, false, 8, 0, "NewChannelReq (CID 0x07) is truncated");
    const uint8_t unk[] = {0x0B};
    expect_err(unk, 1, true, 8, 0, "offset 0: unknown MAC command CID 0x0B in an uplink");
    const uint8_t z[] = {0x02, 0x00};
    expect_err(z, 2, true, 8, 1, "offset 1: unknown MAC command CID 0x00");
    const uint8_t r1[] = {0x01, 0x01};
    expect_err(r1, 2, false, 8, 0, "unknown MAC command CID 0x01 in a downlink");
    uint8_t many[LW_MAC_MAX + 1];
    memset(many, 0x02, sizeof many); /* LinkCheckReq x 65 */
    expect_err(many, sizeof many, true, LW_MAC_MAX, LW_MAC_MAX, "offset 64: more than 64");
    expect_err(many, 3, true, 2, 2, "offset 2: more than 2 MAC commands");
    expect_err(NULL, 3, true, 2, 0, "no MAC command bytes");
}

static void format(void **state)
{
    (void)state;
    char line[300];
    lw_mac_cmd c = one(B(0x03, 0x50, 0xFF, 0x00, 0x01), false);
    lw_mac_format(&c, line, sizeof line);
    assert_string_equal(line, "LinkADRReq DataRate 5 (SF7/125 kHz) TXPower 0 (MaxEIRP) "
                              "ChMask 00FF (channels 1-8) ChMaskCntl 0 NbTrans 1");
    c = one(B(0x03, 0x21, 0x05, 0x80, 0x63), false);
    lw_mac_format(&c, line, sizeof line);
    assert_string_equal(line, "LinkADRReq DataRate 2 (SF10/125 kHz) TXPower 1 (MaxEIRP-2dB) "
                              "ChMask 8005 (channels 1,3,16) ChMaskCntl 6 (all channels on) "
                              "NbTrans 3");
    c = one(B(0x06, 0xFF, 0x2A), true);
    lw_mac_format(&c, line, sizeof line);
    assert_string_equal(line, "DevStatusAns Battery 255 (cannot measure) Margin -22 dB");
    c = one(B(0x07, 0x03, 0x18, 0x4F, 0x84, 0x50), false);
    lw_mac_format(&c, line, sizeof line);
    assert_string_equal(line, "NewChannelReq ChIndex 3 Frequency 867100000 Hz MinDR 0 MaxDR 5");
    c = one(B(0x05, 0x03, 0xD2, 0xAD, 0x84), false);
    lw_mac_format(&c, line, sizeof line);
    assert_string_equal(line, "RXParamSetupReq RX1DRoffset 0 RX2DataRate 3 (SF9/125 kHz) "
                              "Frequency 869525000 Hz");
    c = one(B(0x04, 0x01), false);
    lw_mac_format(&c, line, sizeof line);
    assert_string_equal(line, "DutyCycleReq MaxDCycle 1 (aggregated duty cycle 1/2)");
    c = one(B(0x02), true);
    lw_mac_format(&c, line, sizeof line);
    assert_string_equal(line, "LinkCheckReq");
    c = one(B(0x03, 0xF9), true);
    lw_mac_format(&c, line, sizeof line);
    assert_string_equal(line, "LinkADRAns PowerACK no DataRateACK no ChannelMaskACK yes "
                              "[RFU bits set]");
    const uint8_t pr[] = {0x80, 0xAA, 0xBB};
    lw_mac_cmd cs[2];
    size_t n;
    assert_int_equal(lw_mac_decode(pr, 3, false, cs, 2, &n, NULL, 0), 0);
    lw_mac_format(&cs[0], line, sizeof line);
    assert_string_equal(line, "Proprietary CID 0x80, 3 bytes: 80 AA BB");
    /* truncation keeps a terminated string and reports the full length */
    char small[11];
    c = one(B(0x06, 0xFF, 0x2A), true);
    int full = lw_mac_format(&c, small, sizeof small);
    assert_int_equal(full, (int)strlen("DevStatusAns Battery 255 (cannot measure) Margin -22 dB"));
    assert_string_equal(small, "DevStatusA");
    assert_int_equal(lw_mac_format(NULL, line, sizeof line), 0);
    assert_string_equal(line, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(uplink_commands),
        cmocka_unit_test(downlink_commands),
        cmocka_unit_test(sequences),
        cmocka_unit_test(errors),
        cmocka_unit_test(format),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
