/* test_hil_gw.c — the Semtech packet-forwarder protocol (hil/gw_semtech.h).
 * Datagram layouts, acknowledgements and JSON examples are taken from
 * Semtech's packet_forwarder PROTOCOL.TXT (sections 3, 4, 5); base64
 * expectations were made with coreutils' base64 (e.g. `echo
 * 4038773395000000019B4FB80A37 | xxd -r -p | base64`), the frame is
 * fixtures/lorawan/frames.tsv row up_fcnt0_p1_len1 (lora-packet 0.9.3). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "hil/gw_semtech.h"
#include "hil/gw_udp.h"

static void push_data_header_and_ack(void **state)
{
    (void)state;
    /* PROTOCOL.TXT 3.2: version 2, token, 0x00, gateway EUI, JSON */
    const uint8_t dg[] = {0x02, 0x12, 0x34, 0x00, 0xAA, 0x55, 0x5A, 0x00,
                          0x00, 0x00, 0x01, 0x01, '{', '}'};
    gw_datagram d;
    char err[160];
    assert_int_equal(gw_parse_datagram(dg, sizeof dg, &d, err, sizeof err), 0);
    assert_int_equal(d.version, 2);
    assert_int_equal(d.token, 0x1234);
    assert_int_equal(d.ident, GW_PUSH_DATA);
    assert_true(d.has_eui);
    char eui[17];
    gw_eui_hex(d.eui, eui);
    assert_string_equal(eui, "AA555A0000000101");
    assert_int_equal(d.json_len, 2);
    assert_memory_equal(d.json, "{}", 2);
    /* 3.3 PUSH_ACK: version, same token, 0x01 */
    uint8_t ack[4];
    const uint8_t want[] = {0x02, 0x12, 0x34, 0x01};
    assert_int_equal(gw_build_ack(&d, ack), 4);
    assert_memory_equal(ack, want, 4);
}

static void pull_data_ack(void **state)
{
    (void)state;
    /* 5.2 PULL_DATA: version, token, 0x02, EUI; 5.3 PULL_ACK: version, token, 0x04 */
    const uint8_t dg[] = {0x02, 0xAB, 0xCD, 0x02, 1, 2, 3, 4, 5, 6, 7, 8};
    gw_datagram d;
    char err[160];
    assert_int_equal(gw_parse_datagram(dg, sizeof dg, &d, err, sizeof err), 0);
    uint8_t ack[4];
    const uint8_t want[] = {0x02, 0xAB, 0xCD, 0x04};
    assert_int_equal(gw_build_ack(&d, ack), 4);
    assert_memory_equal(ack, want, 4);
    /* TX_ACK needs no answer */
    const uint8_t txack[] = {0x02, 0x00, 0x01, 0x05, 1, 2, 3, 4, 5, 6, 7, 8};
    assert_int_equal(gw_parse_datagram(txack, sizeof txack, &d, err, sizeof err), 0);
    assert_int_equal(gw_build_ack(&d, ack), 0);
}

static void malformed_datagrams(void **state)
{
    (void)state;
    gw_datagram d;
    char err[160];
    const uint8_t shortd[] = {0x02, 0x12, 0x34};
    assert_int_equal(gw_parse_datagram(shortd, sizeof shortd, &d, err, sizeof err), -1);
    assert_string_equal(err, "datagram of 3 bytes is too short: the header needs 4 (bytes 0-3)");
    const uint8_t ver[] = {0x07, 0x12, 0x34, 0x00, 1, 2, 3, 4, 5, 6, 7, 8, '{', '}'};
    assert_int_equal(gw_parse_datagram(ver, sizeof ver, &d, err, sizeof err), -1);
    assert_string_equal(err, "byte 0: protocol version 7, expected 2 (or 1)");
    const uint8_t ident[] = {0x02, 0x12, 0x34, 0x09};
    assert_int_equal(gw_parse_datagram(ident, sizeof ident, &d, err, sizeof err), -1);
    assert_string_equal(err, "byte 3: unknown identifier 0x09");
    const uint8_t noeui[] = {0x02, 0x12, 0x34, 0x00, 1, 2, 3};
    assert_int_equal(gw_parse_datagram(noeui, sizeof noeui, &d, err, sizeof err), -1);
    assert_string_equal(err, "PUSH_DATA of 7 bytes: the gateway EUI needs bytes 4-11");
    const uint8_t nojson[] = {0x02, 0x12, 0x34, 0x00, 1, 2, 3, 4, 5, 6, 7, 8, '['};
    assert_int_equal(gw_parse_datagram(nojson, sizeof nojson, &d, err, sizeof err), -1);
    assert_string_equal(err, "byte 12: PUSH_DATA JSON must start with '{', got 0x5B");
}

/* PROTOCOL.TXT section 4's rxpk example, verbatim except whitespace. */
static const char spec_rxpk[] =
    "{\"rxpk\":[{\"time\":\"2013-03-31T16:21:17.528002Z\",\"tmst\":3512348611,\"chan\":2,"
    "\"rfch\":0,\"freq\":866.349812,\"stat\":1,\"modu\":\"LORA\",\"datr\":\"SF7BW125\","
    "\"codr\":\"4/6\",\"rssi\":-35,\"lsnr\":5.1,\"size\":32,"
    "\"data\":\"-DS4CGaDCdG+48eJNM3Vai-zDpsR71Pn9CPA9uCON84\"},"
    "{\"time\":\"2013-03-31T16:21:17.530974Z\",\"tmst\":3512348514,\"chan\":9,\"rfch\":1,"
    "\"freq\":869.1,\"stat\":1,\"modu\":\"FSK\",\"datr\":50000,\"rssi\":-75,\"size\":16,"
    "\"data\":\"VEVTVF9QQUNLRVRfMTIzNA==\"},"
    "{\"time\":\"2013-03-31T16:21:17.532038Z\",\"tmst\":3316387610,\"chan\":0,\"rfch\":0,"
    "\"freq\":863.00981,\"stat\":1,\"modu\":\"LORA\",\"datr\":\"SF10BW125\",\"codr\":\"4/7\","
    "\"rssi\":-38,\"lsnr\":5.5,\"size\":32,"
    "\"data\":\"ysgRl452xNLep9S1NTIg2lomKDxUgn3DJ7DE+b00Ass\"}]}";

static void spec_example(void **state)
{
    (void)state;
    gw_push p;
    char err[160];
    assert_int_equal(gw_parse_push(spec_rxpk, strlen(spec_rxpk), &p, err, sizeof err), 0);
    assert_int_equal(p.nrxpk, 3);
    /* The spec's first example is not base64 ('-' is not in its alphabet). */
    assert_false(p.rxpk[0].ok);
    assert_string_equal(p.rxpk[0].error, "rxpk[0].data: base64: bad character '-' at position 0");
    /* FSK: valid, not ours */
    assert_true(p.rxpk[1].ok);
    assert_true(p.rxpk[1].skipped);
    /* The third: every field */
    const gw_rxpk *r = &p.rxpk[2];
    assert_true(r->ok);
    assert_false(r->skipped);
    assert_int_equal(r->freq_hz, 863009810);
    assert_int_equal(r->sf, 10);
    assert_int_equal(r->bw_hz, 125000);
    assert_int_equal(r->cr, 7);
    assert_true(r->rssi_dbm == -38.0);
    assert_true(r->snr_db == 5.5);
    assert_int_equal(r->chan, 0);
    assert_int_equal(r->tmst, 3316387610u);
    /* `echo ysgRl452xNLep9S1NTIg2lomKDxUgn3DJ7DE+b00Ass= | base64 -d | xxd -p` */
    const uint8_t want[] = {0xca, 0xc8, 0x11, 0x97, 0x8e, 0x76, 0xc4, 0xd2, 0xde, 0xa7, 0xd4,
                            0xb5, 0x35, 0x32, 0x20, 0xda, 0x5a, 0x26, 0x28, 0x3c, 0x54, 0x82,
                            0x7d, 0xc3, 0x27, 0xb0, 0xc4, 0xf9, 0xbd, 0x34, 0x02, 0xcb};
    assert_int_equal(r->len, sizeof want);
    assert_memory_equal(r->data, want, sizeof want);
    assert_false(p.stat.present);
    gw_push_free(&p);
}

static void spec_stat(void **state)
{
    (void)state;
    const char *js = "{\"stat\":{\"time\":\"2014-01-12 08:59:28 GMT\",\"lati\":46.24000,"
                     "\"long\":3.25230,\"alti\":145,\"rxnb\":2,\"rxok\":2,\"rxfw\":2,"
                     "\"ackr\":100.0,\"dwnb\":2,\"txnb\":2}}";
    gw_push p;
    char err[160];
    assert_int_equal(gw_parse_push(js, strlen(js), &p, err, sizeof err), 0);
    assert_int_equal(p.nrxpk, 0);
    assert_true(p.stat.present);
    assert_string_equal(p.stat.summary, "rxnb=2 rxok=2 rxfw=2 ackr=100.0 dwnb=2 txnb=2");
    gw_push_free(&p);
}

static void lorawan_frame_in_rxpk(void **state)
{
    (void)state;
    const char *js = "{\"rxpk\":[{\"tmst\":1000,\"freq\":868.1,\"chan\":0,\"stat\":1,"
                     "\"modu\":\"LORA\",\"datr\":\"SF7BW125\",\"codr\":\"4/5\",\"rssi\":-57,"
                     "\"lsnr\":9.5,\"size\":14,\"data\":\"QDh3M5UAAAABm0+4Cjc=\"}]}";
    const uint8_t want[] = {0x40, 0x38, 0x77, 0x33, 0x95, 0x00, 0x00, 0x00,
                            0x01, 0x9B, 0x4F, 0xB8, 0x0A, 0x37};
    gw_push p;
    char err[160];
    assert_int_equal(gw_parse_push(js, strlen(js), &p, err, sizeof err), 0);
    assert_int_equal(p.nrxpk, 1);
    assert_true(p.rxpk[0].ok);
    assert_int_equal(p.rxpk[0].freq_hz, 868100000);
    assert_int_equal(p.rxpk[0].cr, 5);
    assert_int_equal(p.rxpk[0].len, sizeof want);
    assert_memory_equal(p.rxpk[0].data, want, sizeof want);
    gw_push_free(&p);
}

static void malformed_json(void **state)
{
    (void)state;
    gw_push p;
    char err[160];
    const char *trunc = "{\"rxpk\":[{\"freq\":868.1,";
    assert_int_equal(gw_parse_push(trunc, strlen(trunc), &p, err, sizeof err), -1);
    assert_non_null(strstr(err, "JSON error at byte"));
    gw_push_free(&p);
    const char *notarr = "{\"rxpk\":{}}";
    assert_int_equal(gw_parse_push(notarr, strlen(notarr), &p, err, sizeof err), -1);
    assert_string_equal(err, "\"rxpk\" is not an array");
    gw_push_free(&p);
    const char *neither = "{\"foo\":1}";
    assert_int_equal(gw_parse_push(neither, strlen(neither), &p, err, sizeof err), -1);
    assert_string_equal(err, "JSON has neither \"rxpk\" nor \"stat\"");
    gw_push_free(&p);

    static const struct {
        const char *json, *error;
    } fields[] = {
        {"{\"rxpk\":[{\"datr\":\"SF7BW125\",\"rssi\":-1,\"lsnr\":1,\"data\":\"AA==\"}]}",
         "rxpk[0].freq is missing"},
        {"{\"rxpk\":[{\"freq\":\"868.1\",\"datr\":\"SF7BW125\",\"rssi\":-1,\"lsnr\":1,"
         "\"data\":\"AA==\"}]}",
         "rxpk[0].freq is not a number"},
        {"{\"rxpk\":[{\"freq\":868.1,\"datr\":\"SF13BW125\",\"rssi\":-1,\"lsnr\":1,"
         "\"data\":\"AA==\"}]}",
         "rxpk[0].datr \"SF13BW125\" is not SF<6..12>BW<kHz>"},
        {"{\"rxpk\":[{\"freq\":868.1,\"datr\":\"SF7BW125\",\"codr\":\"5/4\",\"rssi\":-1,"
         "\"lsnr\":1,\"data\":\"AA==\"}]}",
         "rxpk[0].codr \"5/4\" is not 4/5..4/8"},
        {"{\"rxpk\":[{\"freq\":868.1,\"datr\":\"SF7BW125\",\"lsnr\":1,\"data\":\"AA==\"}]}",
         "rxpk[0].rssi is missing"},
        {"{\"rxpk\":[{\"freq\":868.1,\"datr\":\"SF7BW125\",\"rssi\":-1,\"lsnr\":1}]}",
         "rxpk[0].data is missing"},
        {"{\"rxpk\":[{\"freq\":868.1,\"datr\":\"SF7BW125\",\"rssi\":-1,\"lsnr\":1,"
         "\"size\":2,\"data\":\"AA==\"}]}",
         "rxpk[0].size is 2 but data holds 1 bytes"},
        {"{\"rxpk\":[{\"freq\":868.1,\"datr\":\"SF7BW125\",\"rssi\":-1,\"lsnr\":1,"
         "\"data\":\"A\"}]}",
         "rxpk[0].data: base64: 1 characters cannot be whole bytes"},
        {"{\"rxpk\":[7]}", "rxpk[0] is not an object"},
    };
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        assert_int_equal(gw_parse_push(fields[i].json, strlen(fields[i].json), &p, err,
                                       sizeof err), 0);
        assert_int_equal(p.nrxpk, 1);
        assert_false(p.rxpk[0].ok);
        assert_string_equal(p.rxpk[0].error, fields[i].error);
        gw_push_free(&p);
    }
}

static void crc_failed_is_skipped(void **state)
{
    (void)state;
    const char *js = "{\"rxpk\":[{\"freq\":868.1,\"stat\":-1,\"modu\":\"LORA\",\"datr\":"
                     "\"SF7BW125\",\"rssi\":-100,\"lsnr\":-3.2,\"data\":\"AAEC\"}]}";
    gw_push p;
    char err[160];
    assert_int_equal(gw_parse_push(js, strlen(js), &p, err, sizeof err), 0);
    assert_true(p.rxpk[0].ok);
    assert_true(p.rxpk[0].skipped);
    assert_int_equal(p.rxpk[0].crc_stat, -1);
    gw_push_free(&p);
}

static void base64(void **state)
{
    (void)state;
    uint8_t out[32];
    char err[128];
    /* coreutils: printf '\x40\xF1\x7D...' | base64 -> QPF9vkkAAgABlUN4disR/w0= */
    const uint8_t readme[] = {0x40, 0xF1, 0x7D, 0xBE, 0x49, 0x00, 0x02, 0x00, 0x01,
                              0x95, 0x43, 0x78, 0x76, 0x2B, 0x11, 0xFF, 0x0D};
    assert_int_equal(gw_base64_decode("QPF9vkkAAgABlUN4disR/w0=", out, sizeof out, err,
                                      sizeof err), 17);
    assert_memory_equal(out, readme, 17);
    assert_int_equal(gw_base64_decode("QPF9vkkAAgABlUN4disR/w0", out, sizeof out, err,
                                      sizeof err), 17);
    assert_memory_equal(out, readme, 17);
    assert_int_equal(gw_base64_decode("", out, sizeof out, err, sizeof err), 0);
    assert_int_equal(gw_base64_decode("QQ==", out, sizeof out, err, sizeof err), 1);
    assert_int_equal(out[0], 'A');
    assert_int_equal(gw_base64_decode("QP F9", out, sizeof out, err, sizeof err), -1);
    assert_string_equal(err, "base64: bad character ' ' at position 2");
    assert_int_equal(gw_base64_decode("QQ===", out, sizeof out, err, sizeof err), -1);
    assert_int_equal(gw_base64_decode("QQ=", out, sizeof out, err, sizeof err), -1);
    assert_int_equal(gw_base64_decode("QPF9vkkAAgABlUN4disR/w0=", out, 16, err, sizeof err),
                     -1);
}

static void datr(void **state)
{
    (void)state;
    int sf;
    uint32_t bw;
    assert_int_equal(gw_parse_datr("SF7BW125", &sf, &bw), 0);
    assert_int_equal(sf, 7);
    assert_int_equal(bw, 125000);
    assert_int_equal(gw_parse_datr("SF12BW500", &sf, &bw), 0);
    assert_int_equal(sf, 12);
    assert_int_equal(bw, 500000);
    assert_int_equal(gw_parse_datr("SF7BW125x", &sf, &bw), -1);
    assert_int_equal(gw_parse_datr("SF5BW125", &sf, &bw), -1);
    assert_int_equal(gw_parse_datr("SF7BW100", &sf, &bw), -1);
    assert_int_equal(gw_parse_datr("50000", &sf, &bw), -1);
}

static void urls(void **state)
{
    (void)state;
    char host[64], err[160];
    unsigned port;
    assert_int_equal(gw_udp_parse_url("udp://127.0.0.1:1700", host, sizeof host, &port, err,
                                      sizeof err), 0);
    assert_string_equal(host, "127.0.0.1");
    assert_int_equal(port, 1700);
    assert_int_equal(gw_udp_parse_url("[::1]:0", host, sizeof host, &port, err, sizeof err), 0);
    assert_string_equal(host, "::1");
    assert_int_equal(port, 0);
    assert_int_equal(gw_udp_parse_url("tcp://1.2.3.4:1", host, sizeof host, &port, err,
                                      sizeof err), -1);
    assert_int_equal(gw_udp_parse_url("udp://1.2.3.4", host, sizeof host, &port, err,
                                      sizeof err), -1);
    assert_int_equal(gw_udp_parse_url("udp://1.2.3.4:70000", host, sizeof host, &port, err,
                                      sizeof err), -1);
    assert_string_equal(err, "gateway 'udp://1.2.3.4:70000': bad port '70000' (0..65535)");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(push_data_header_and_ack),
        cmocka_unit_test(pull_data_ack),
        cmocka_unit_test(malformed_datagrams),
        cmocka_unit_test(spec_example),
        cmocka_unit_test(spec_stat),
        cmocka_unit_test(lorawan_frame_in_rxpk),
        cmocka_unit_test(malformed_json),
        cmocka_unit_test(crc_failed_is_skipped),
        cmocka_unit_test(base64),
        cmocka_unit_test(datr),
        cmocka_unit_test(urls),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
