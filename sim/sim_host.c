/* sim_host.c — one simulated board running one firmware (see sim_host.h). */
#include "sim_host.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sim_avr.h>
#include <avr_eeprom.h>

#include "sim_adc_noise.h"
#include "sim_air.h"
#include "sim_clock.h"
#include "sim_extint.h"
#include "sim_fw.h"
#include "sim_netserver.h"
#include "sim_rlink.h"
#include "sim_rng.h"
#include "sim_sched.h"
#include "sim_spiclk.h"
#include "sim_uart.h"
#include "sim_watch.h"
#include "sx1276.h"

/* simavr's table of cores (sim_core_decl.h declares it only inside simavr) */
extern avr_kind_t *avr_kind[];

#define MAX_RADIO_FAULTS 16

struct sim_host {
    sim_host_cfg cfg;
    sim_board board;
    char firmware[512];
    sim_fw fw;
    avr_t *avr;
    sx1276 *radio;
    sim_spiclk spi;
    sim_uart uart;
    sim_rlink rlink;
    bool rlink_ready;
    sim_sched sched;
    sim_air *air;
    sim_ns *ns;
    sim_watch watch;
    sim_extint extint;
    sim_adc_noise adc;          /* seeded analog inputs (ADC entropy for firmware) */
    volatile sig_atomic_t stop;
    unsigned faults;
    char *radio_faults[MAX_RADIO_FAULTS];   /* reported once each */
    unsigned nradio_faults;
};

static uint64_t now_ns(const sim_host *h)
{
    return sim_cycles_to_ns(h->avr->cycle, h->avr->frequency);
}

static void emit(sim_host *h, ev_event *ev)
{
    ev->node = h->cfg.node;
    ev_emit(&h->cfg.sink, ev);
}

static void emit_fault(sim_host *h, uint64_t t_ns, const char *kind, uint32_t pc,
                       const char *detail)
{
    ev_event ev = {.type = EV_FAULT, .t_ns = t_ns};
    ev.u.fault = (ev_fault){.kind = kind, .pc = pc,
                            .symbol = sim_fw_symbol_at(&h->fw, pc), .detail = detail};
    h->faults++;
    emit(h, &ev);
}

/* slept time is free: do not pace to the wall clock */
static void sleep_skip(avr_t *avr, avr_cycle_count_t how_long)
{
    (void)avr, (void)how_long;
}

static avr_cycle_count_t end_timer(avr_t *avr, avr_cycle_count_t when, void *param)
{
    (void)avr, (void)when, (void)param;
    return 0;   /* only there so a sleeping AVR stops at the end of the run */
}

/* ---- SX1276 hooks ---- */

static void radio_dio(void *ctx, int dio, bool level, uint64_t t_ns)
{
    (void)t_ns;
    sim_host *h = ctx;
    if (h->rlink_ready)
        sim_rlink_dio(&h->rlink, dio, level);
}

static void radio_tx(void *ctx, const ev_radio_tx *tx, uint64_t start_ns)
{
    sim_host *h = ctx;
    ev_event ev = {.type = EV_RADIO_TX, .t_ns = start_ns};
    ev.u.tx = *tx;
    emit(h, &ev);
    sim_air_tx(h->air, tx, start_ns, h->cfg.node);
}

static void radio_rx_window(void *ctx, const ev_radio_rx_window *w, uint64_t t_ns)
{
    sim_host *h = ctx;
    ev_event ev = {.type = EV_RADIO_RX_WINDOW, .t_ns = t_ns};
    ev.u.rxw = *w;
    emit(h, &ev);
}

static void radio_fault(void *ctx, const char *what, uint64_t t_ns)
{
    sim_host *h = ctx;
    for (unsigned i = 0; i < h->nradio_faults; i++)
        if (!strcmp(h->radio_faults[i], what))
            return;     /* one event per distinct cause, not one per access */
    if (h->nradio_faults < MAX_RADIO_FAULTS) {
        char *copy = strdup(what);
        if (copy)
            h->radio_faults[h->nradio_faults++] = copy;
    }
    emit_fault(h, t_ns, "radio_unmodelled", h->avr ? h->avr->pc : 0, what);
}

static void offer_to_radio(void *ctx, const sx1276_air_frame *f)
{
    sim_host *h = ctx;
    sim_rlink_offer(&h->rlink, f);
}

/* ---- setup ---- */

void sim_host_mcu_names(char *buf, size_t len)
{
    size_t o = 0;
    buf[0] = 0;
    for (int i = 0; avr_kind[i]; i++)
        for (int j = 0; j < 4 && avr_kind[i]->names[j]; j++) {
            int n = snprintf(buf + o, len - o, "%s%s", o ? " " : "", avr_kind[i]->names[j]);
            if (n < 0 || (size_t)n >= len - o)
                return;
            o += (size_t)n;
        }
}

static void on_line(void *ctx, const char *text, uint64_t t_ns)
{
    sim_host *h = ctx;
    ev_event ev = {.type = EV_SERIAL_LINE, .t_ns = t_ns};
    ev.u.line.text = text;
    emit(h, &ev);
}

int sim_host_new(sim_host **out, const sim_host_cfg *cfg, char *err, size_t errlen)
{
    *out = NULL;
    sim_host *h = calloc(1, sizeof *h);
    if (!h) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    h->cfg = *cfg;
    h->board = *cfg->board;
    h->cfg.board = &h->board;
    snprintf(h->firmware, sizeof h->firmware, "%s", cfg->firmware);
    const char *mcu = cfg->mcu ? cfg->mcu : h->board.mcu;
    uint32_t hz = cfg->freq_hz ? cfg->freq_hz : h->board.freq_hz;

    /* simavr reports through a process-wide logger; ours keeps messages
     * for fault details instead of printing them */
    avr_global_logger_set(sim_watch_logger);
    h->avr = avr_make_mcu_by_name(mcu);
    if (!h->avr) {
        char names[1024];
        sim_host_mcu_names(names, sizeof names);
        snprintf(err, errlen, "unknown MCU '%s' (simavr knows: %s)", mcu, names);
        goto fail;
    }
    avr_t *avr = h->avr;
    avr_init(avr);
    avr->frequency = hz;
    avr->sleep = sleep_skip;
    if (sim_fw_load(&h->fw, h->firmware, avr->flashend + 1, err, errlen) != 0)
        goto fail;
    memcpy(avr->flash, h->fw.flash, avr->flashend + 1);
    avr->codeend = h->fw.code_end;
    if (h->fw.eeprom && h->fw.eeprom_len) {
        if (h->fw.eeprom_len > avr->e2end + 1) {
            snprintf(err, errlen, "%s: %u bytes of EEPROM data, %s has %u", h->firmware,
                     h->fw.eeprom_len, mcu, avr->e2end + 1);
            goto fail;
        }
        avr_eeprom_desc_t d = {.ee = h->fw.eeprom, .offset = 0, .size = h->fw.eeprom_len};
        avr_ioctl(avr, AVR_IOCTL_EEPROM_SET, &d);
    }

    sim_watch_attach(&h->watch, avr, &h->fw,
                     cfg->silent_ns ? sim_ns_to_cycles(cfg->silent_ns, hz) : 0);
    sim_extint_attach(&h->extint, avr);
    sim_adc_noise_attach(&h->adc, avr, cfg->seed); /* -1: no ADC on this core, nothing to feed */
    if (sim_spiclk_attach(&h->spi, avr, err, errlen) != 0 ||
        sim_uart_attach(&h->uart, avr, '0', on_line, h, err, errlen) != 0)
        goto fail;

    sx1276_hooks hooks = {.ctx = h, .dio_changed = radio_dio, .tx_started = radio_tx,
                          .rx_window = radio_rx_window, .fault = radio_fault};
    sim_rng r = sim_rng_split(cfg->seed, 0x51276);
    h->radio = sx1276_new(&hooks, sim_rng_next(&r));
    if (!h->radio) {
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    if (sim_rlink_attach(&h->rlink, avr, &h->board, h->radio, err, errlen) != 0)
        goto fail;
    h->rlink_ready = true;

    sim_sched_init(&h->sched, avr);
    if (cfg->keys && !(h->ns = sim_ns_new(cfg->keys, cfg->downlinks, cfg->ndownlinks))) {
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    sim_air_cfg ac = {.seed = cfg->seed, .rssi_dbm = -85, .rssi_sd_db = 3, .snr_db = 7,
                      .snr_sd_db = 1.5, .downlink_rssi_dbm = -80, .downlink_snr_db = 8,
                      .gateway = "sim-gw0", .ns = h->ns ? sim_ns_on_uplink : NULL,
                      .ns_ctx = h->ns, .offer = offer_to_radio, .offer_ctx = h};
    h->air = sim_air_new(&ac, &h->sched, &h->cfg.sink);
    if (!h->air) {
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    *out = h;
    return 0;
fail:
    sim_host_free(h);
    return -1;
}

struct avr_t *sim_host_avr(sim_host *h)
{
    return h->avr;
}

void sim_host_stop(sim_host *h)
{
    h->stop = 1;
}

static double wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

int sim_host_run(sim_host *h, sim_host_stats *st)
{
    avr_t *avr = h->avr;
    memset(st, 0, sizeof *st);
    ev_event ev = {.type = EV_RUN_START, .t_ns = now_ns(h)};
    ev.u.start = (ev_run_start){.runner = "sim", .firmware = h->firmware,
                                .board = h->board.name, .seed = h->cfg.seed};
    emit(h, &ev);

    uint64_t end_cycle = sim_ns_to_cycles(h->cfg.duration_ns, avr->frequency);
    if (end_cycle > avr->cycle)
        avr_cycle_timer_register(avr, end_cycle - avr->cycle, end_timer, h);
    double t0 = wall_now();
    const char *reason = "duration";
    bool faulted = false;
    for (;;) {
        uint32_t pc_before = avr->pc;
        avr->run(avr);
        sim_extint_step(&h->extint);
        if (sim_watch_step(&h->watch, pc_before, h->spi.bytes + h->uart.bytes)) {
            faulted = true;
            reason = "fault";
            break;
        }
        if (avr->cycle >= end_cycle)
            break;
        if (h->stop) {
            reason = "interrupted";
            break;
        }
    }
    st->wall_s = wall_now() - t0;
    sim_uart_flush(&h->uart);
    uint64_t t = now_ns(h);
    if (faulted)
        emit_fault(h, t, h->watch.kind, h->watch.pc, h->watch.detail);
    ev = (ev_event){.type = EV_RUN_END, .t_ns = t};
    ev.u.end = (ev_run_end){.reason = reason, .wall_s = st->wall_s};
    emit(h, &ev);
    st->end_reason = reason;
    st->sim_ns = t;
    st->faults = h->faults;
    st->uplinks = sim_air_uplinks(h->air);
    st->downlinks = sim_air_downlinks(h->air);
    st->spi_bytes = h->rlink.spi_bytes;
    st->uart_bytes = h->uart.bytes;
    return h->faults ? 1 : 0;
}

void sim_host_free(sim_host *h)
{
    if (!h)
        return;
    if (h->avr) {
        sim_sched_clear(&h->sched);
        h->avr->custom.data = NULL;
        avr_terminate(h->avr);
        free(h->avr);
    }
    sim_air_free(h->air);
    sim_ns_free(h->ns);
    if (h->radio)
        sx1276_free(h->radio);
    for (unsigned i = 0; i < h->nradio_faults; i++)
        free(h->radio_faults[i]);
    sim_fw_free(&h->fw);
    free(h);
}
