/* rpt_pcap.c — frames.pcap: one record per LoRa frame, each behind a LoRaTap
 * version 0 header (link type DLT_LORATAP = 270), written with libpcap so
 * that Wireshark and tshark dissect the frames as LoRaWAN (sync word 0x34).
 *
 * LoRaTap v0 header (github eriknl/LoRaTap README; multi-byte fields are
 * big-endian), 15 bytes:
 *   0 lt_version (0)   1 lt_padding   2-3 lt_length (15)
 *   4-7 frequency Hz   8 bandwidth in 125 kHz steps   9 SF
 *   10 packet RSSI (dBm = -139 + v when SNR >= 0, else -139 + v/4)
 *   11 max RSSI   12 current RSSI (dBm = -139 + v; 255 = not available)
 *   13 SNR (two's complement, quarter dB)   14 sync word
 * Timestamps are the events' simulated (or HIL) time with ns precision. */
#include "reports/rpt_int.h"

#include <math.h>
#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>

#define LORATAP_V0_LEN 15
#define RSSI_NA 255

static uint8_t clamp_u8(double v)
{
    if (v < 0)
        return 0;
    if (v > 254)
        return 254;
    return (uint8_t)lround(v);
}

static void loratap_header(const rpt_frame *f, uint8_t h[LORATAP_V0_LEN])
{
    memset(h, 0, LORATAP_V0_LEN);
    h[0] = 0;
    h[2] = 0;
    h[3] = LORATAP_V0_LEN;
    h[4] = (uint8_t)(f->freq_hz >> 24);
    h[5] = (uint8_t)(f->freq_hz >> 16);
    h[6] = (uint8_t)(f->freq_hz >> 8);
    h[7] = (uint8_t)f->freq_hz;
    h[8] = (uint8_t)(f->bw_hz / 125000);
    h[9] = (uint8_t)f->sf;
    h[10] = RSSI_NA;
    h[11] = RSSI_NA;
    h[12] = RSSI_NA;
    if (f->have_radio) {
        double q = f->snr_db * 4;
        q = q < -128 ? -128 : q > 127 ? 127 : q;
        h[13] = (uint8_t)(int8_t)lround(q);
        h[10] = f->snr_db >= 0 ? clamp_u8(f->rssi_dbm + 139) : clamp_u8((f->rssi_dbm + 139) * 4);
    }
    h[14] = f->sync_word ? f->sync_word : 0x34;
}

int rpt_write_pcap(const char *path, const rpt_events *e, const rpt_opts *opts, char *err,
                   size_t errlen)
{
    pcap_t *p = pcap_open_dead_with_tstamp_precision(DLT_LORATAP, 65535,
                                                      PCAP_TSTAMP_PRECISION_NANO);
    if (!p) {
        snprintf(err, errlen, "%s: libpcap could not open a LoRaTap capture", path);
        return -1;
    }
    pcap_dumper_t *d = pcap_dump_open(p, path);
    if (!d) {
        snprintf(err, errlen, "%s: %s", path, pcap_geterr(p));
        pcap_close(p);
        return -1;
    }
    rpt_span *spans = NULL;
    long nruns = rpt_split_runs(e, &spans);
    int rc = nruns < 0 ? -1 : 0;
    if (rc)
        snprintf(err, errlen, "out of memory");
    for (long r = 0; rc == 0 && r < nruns; r++) {
        rpt_model m;
        if (rpt_model_build(&m, e, spans[r], opts, err, errlen) != 0) {
            rc = -1;
            break;
        }
        for (size_t k = 0; k < m.nframes; k++) {
            const rpt_frame *f = &m.frames[k];
            uint8_t *rec = malloc(LORATAP_V0_LEN + f->len);
            if (!rec) {
                snprintf(err, errlen, "out of memory");
                rc = -1;
                break;
            }
            loratap_header(f, rec);
            if (f->len)
                memcpy(rec + LORATAP_V0_LEN, f->payload, f->len);
            struct pcap_pkthdr h = {0};
            h.ts.tv_sec = (time_t)(f->t_ns / 1000000000ull);
            h.ts.tv_usec = (suseconds_t)(f->t_ns % 1000000000ull); /* ns: nano precision */
            h.caplen = h.len = (bpf_u_int32)(LORATAP_V0_LEN + f->len);
            pcap_dump((u_char *)d, &h, rec);
            free(rec);
        }
        rpt_model_free(&m);
    }
    free(spans);
    if (pcap_dump_flush(d) != 0 && rc == 0) {
        snprintf(err, errlen, "%s: write error", path);
        rc = -1;
    }
    pcap_dump_close(d);
    pcap_close(p);
    return rc;
}
