/* test_rpt_pcap.c — frames.pcap read back with libpcap: link type
 * DLT_LORATAP (270), nanosecond timestamps equal to the events' t_ns, and
 * each record's LoRaTap version 0 header byte for byte as the LoRaTap spec
 * (github eriknl/LoRaTap README) lays it out, with the values worked out by
 * hand in fixtures/events/README.md, followed by the frame from frames.tsv. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pcap/pcap.h>

#include "tests/unit/rpt_test.h"

static void records(void **state)
{
    (void)state;
    rpt_events e;
    assert_int_equal(load_small_run(&e), 0);
    rpt_opts o;
    rpt_opts_init(&o);
    char *dir = make_tmpdir();
    char path[600], err[256];
    snprintf(path, sizeof path, "%s/frames.pcap", dir);
    assert_int_equal(rpt_write_pcap(path, &e, &o, err, sizeof err), 0);

    char perr[PCAP_ERRBUF_SIZE];
    pcap_t *p = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_NANO, perr);
    assert_non_null(p);
    assert_int_equal(pcap_datalink(p), 270);
    static const struct {
        long sec, nsec;
        uint8_t hdr[15];
        const char *frame;
    } want[] = {
        /* version 0, padding, length 15 (BE), frequency (BE), bandwidth 1 (125 kHz),
         * SF 7, packet RSSI, max RSSI n/a, current RSSI n/a, SNR (quarter dB), sync 0x34 */
        {1, 0, {0, 0, 0, 15, 0x33, 0xBE, 0x27, 0xA0, 1, 7, 59, 255, 255, 38, 0x34},
         "4038773395000000019B4FB80A37"},
        {61, 0, {0, 0, 0, 15, 0x33, 0xC1, 0x34, 0xE0, 1, 7, 106, 255, 255, 0xE3, 0x34},
         "40387733950001000271986568BE45BA06E51056ED9BDE8BEA379BDB25"},
        /* the downlink received in RX1: no gateway, RSSI and SNR unknown */
        {62, 63816000, {0, 0, 0, 15, 0x33, 0xC1, 0x34, 0xE0, 1, 7, 255, 255, 255, 0, 0x34},
         "603877339500000001790868FD69"},
        {121, 0, {0, 0, 0, 15, 0x33, 0xC4, 0x42, 0x20, 1, 7, 44, 255, 255, 8, 0x34},
         "4038773395000000019B4FB80A37"},
    };
    struct pcap_pkthdr *h;
    const u_char *data;
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(pcap_next_ex(p, &h, &data), 1);
        assert_int_equal(h->ts.tv_sec, want[i].sec);
        assert_int_equal(h->ts.tv_usec, want[i].nsec); /* ns in nano precision */
        size_t flen = strlen(want[i].frame) / 2;
        assert_int_equal(h->caplen, 15 + flen);
        assert_int_equal(h->len, 15 + flen);
        assert_memory_equal(data, want[i].hdr, 15);
        for (size_t k = 0; k < flen; k++) {
            unsigned b;
            sscanf(want[i].frame + 2 * k, "%2x", &b);
            assert_int_equal(data[15 + k], b);
        }
    }
    assert_int_equal(pcap_next_ex(p, &h, &data), PCAP_ERROR_BREAK);
    pcap_close(p);
    remove_tree(dir);
    free(dir);
    rpt_events_free(&e);
}

static void unwritable_path_is_an_error(void **state)
{
    (void)state;
    rpt_events e;
    rpt_events_init(&e);
    rpt_opts o;
    rpt_opts_init(&o);
    char err[256] = "";
    assert_int_equal(rpt_write_pcap("/nonexistent-dir/x.pcap", &e, &o, err, sizeof err), -1);
    assert_non_null(strstr(err, "/nonexistent-dir/x.pcap"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(records),
        cmocka_unit_test(unwritable_path_is_an_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
