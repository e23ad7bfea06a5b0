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
    /* the run, split so sim_host_run_all can interleave boards */
    uint64_t end_cycle;
    double t0;
    const char *reason;
    bool faulted, done;
    sim_host **peers;           /* boards sharing the air (sim_host_run_all), or NULL */
    size_t npeers;
    uint64_t seed;              /* this board's: the scenario's for node 0 */
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

/* Events of this board's gateway (sim_air): forwarded, faults counted. */
static void air_event(void *ctx, const ev_event *ev)
{
    sim_host *h = ctx;
    if (ev->type == EV_FAULT)
        h->faults++;
    ev_emit(&h->cfg.sink, ev);
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
    /* every other board on the air hears it from its first preamble symbol
     * (propagation delay, well under a microsecond, is left out); its model
     * applies the frequency/SF/BW/IQ/sync word rules */
    for (size_t i = 0; i < h->npeers; i++) {
        sim_host *p = h->peers[i];
        if (p == h || !p->rlink_ready)
            continue;
        if (p->air)
            sim_air_heard(p->air, tx, start_ns, h->cfg.node);
        sx1276_air_frame f = {.freq_hz = tx->freq_hz, .sf = tx->sf, .bw_hz = tx->bw_hz,
                              .cr = tx->cr, .iq_inverted = tx->iq_inverted,
                              .implicit_header = tx->implicit_header, .crc = tx->crc,
                              .sync_word = tx->sync_word, .preamble = tx->preamble,
                              .start_ns = start_ns, .rssi_dbm = SIM_HOST_PEER_RSSI_DBM,
                              .snr_db = SIM_HOST_PEER_SNR_DB, .payload = tx->payload,
                              .len = tx->len};
        sim_rlink_offer(&p->rlink, &f);
    }
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
    h->seed = cfg->seed;
    if (cfg->node != 0) {
        /* node 0 keeps the scenario seed (a one-board run is unchanged);
         * every further board draws its own streams from it */
        sim_rng nr = sim_rng_split(cfg->seed, 0x4E0DE000ull + (uint64_t)(unsigned)cfg->node);
        h->seed = sim_rng_next(&nr);
    }
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
    sim_adc_noise_attach(&h->adc, avr, h->seed); /* -1: no ADC on this core, nothing to feed */
    if (sim_spiclk_attach(&h->spi, avr, err, errlen) != 0 ||
        sim_uart_attach(&h->uart, avr, '0', on_line, h, err, errlen) != 0)
        goto fail;

    sx1276_hooks hooks = {.ctx = h, .dio_changed = radio_dio, .tx_started = radio_tx,
                          .rx_window = radio_rx_window, .fault = radio_fault};
    sim_rng r = sim_rng_split(h->seed, 0x51276);
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
    /* the gateway's events pass through this board so that a collision fault
       it reports counts among the board's faults (summary, exit status) */
    ev_sink air_sink = {.fn = air_event, .ctx = h};
    sim_air_cfg ac = {.seed = h->seed, .rssi_dbm = -85, .rssi_sd_db = 3, .snr_db = 7,
                      .snr_sd_db = 1.5, .downlink_rssi_dbm = -80, .downlink_snr_db = 8,
                      .gateway = "sim-gw0", .ns = h->ns ? sim_ns_on_uplink : NULL,
                      .ns_ctx = h->ns, .offer = offer_to_radio, .offer_ctx = h};
    h->air = sim_air_new(&ac, &h->sched, &air_sink);
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

static avr_cycle_count_t quantum_timer(avr_t *avr, avr_cycle_count_t when, void *param)
{
    (void)avr, (void)when, (void)param;
    return 0;   /* only there so a sleeping AVR hands over to the other boards */
}

static void run_begin(sim_host *h)
{
    avr_t *avr = h->avr;
    ev_event ev = {.type = EV_RUN_START, .t_ns = now_ns(h)};
    ev.u.start = (ev_run_start){.runner = "sim", .firmware = h->firmware,
                                .board = h->board.name, .seed = h->cfg.seed};
    emit(h, &ev);

    h->end_cycle = sim_ns_to_cycles(h->cfg.duration_ns, avr->frequency);
    if (h->end_cycle > avr->cycle)
        avr_cycle_timer_register(avr, h->end_cycle - avr->cycle, end_timer, h);
    h->t0 = wall_now();
    h->reason = "duration";
    h->faulted = false;
    h->done = false;
}

/* Runs the AVR until its cycle counter reaches limit_cycle (false) or its
 * run ends (true: duration, fault, stop). */
static bool run_until(sim_host *h, uint64_t limit_cycle)
{
    avr_t *avr = h->avr;
    for (;;) {
        uint32_t pc_before = avr->pc;
        avr->run(avr);
        sim_extint_step(&h->extint);
        if (sim_watch_step(&h->watch, pc_before, h->spi.bytes + h->uart.bytes)) {
            h->faulted = true;
            h->reason = "fault";
            return true;
        }
        if (avr->cycle >= h->end_cycle)
            return true;
        if (h->stop) {
            h->reason = "interrupted";
            return true;
        }
        if (avr->cycle >= limit_cycle)
            return false;
    }
}

static void run_finish(sim_host *h, sim_host_stats *st)
{
    memset(st, 0, sizeof *st);
    h->done = true;
    st->wall_s = wall_now() - h->t0;
    sim_uart_flush(&h->uart);
    uint64_t t = now_ns(h);
    if (h->faulted)
        emit_fault(h, t, h->watch.kind, h->watch.pc, h->watch.detail);
    ev_event ev = {.type = EV_RUN_END, .t_ns = t};
    ev.u.end = (ev_run_end){.reason = h->reason, .wall_s = st->wall_s};
    emit(h, &ev);
    st->end_reason = h->reason;
    st->sim_ns = t;
    st->faults = h->faults;
    st->uplinks = sim_air_uplinks(h->air);
    st->downlinks = sim_air_downlinks(h->air);
    st->spi_bytes = h->rlink.spi_bytes;
    st->uart_bytes = h->uart.bytes;
}

int sim_host_run(sim_host *h, sim_host_stats *st)
{
    run_begin(h);
    run_until(h, UINT64_MAX);
    run_finish(h, st);
    return h->faults ? 1 : 0;
}

int sim_host_run_all(sim_host **hs, size_t n, sim_host_stats *st)
{
    for (size_t i = 0; i < n; i++) {
        hs[i]->peers = hs;
        hs[i]->npeers = n;
    }
    for (size_t i = 0; i < n; i++)
        run_begin(hs[i]);
    for (;;) {
        /* the board furthest behind in simulated time runs next (ties: the
         * lowest node index), up to SIM_HOST_QUANTUM_NS past the next one */
        size_t best = n;
        uint64_t bt = UINT64_MAX, second = UINT64_MAX;
        bool stop = false;
        for (size_t i = 0; i < n; i++) {
            if (hs[i]->stop)
                stop = true;
            if (hs[i]->done)
                continue;
            uint64_t t = now_ns(hs[i]);
            if (t < bt) {
                second = bt;
                bt = t;
                best = i;
            } else if (t < second) {
                second = t;
            }
        }
        if (best == n)
            break;
        sim_host *h = hs[best];
        if (stop)
            h->stop = 1;
        avr_t *avr = h->avr;
        uint64_t limit = UINT64_MAX;
        if (second != UINT64_MAX) {
            limit = sim_ns_to_cycles(second + SIM_HOST_QUANTUM_NS, avr->frequency);
            if (limit <= avr->cycle)
                limit = avr->cycle + 1;
            if (limit < h->end_cycle)
                avr_cycle_timer_register(avr, limit - avr->cycle, quantum_timer, h);
        }
        if (run_until(h, limit)) {
            avr_cycle_timer_cancel(avr, quantum_timer, h);
            run_finish(h, &st[best]);
        }
    }
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        if (hs[i]->faults)
            rc = 1;
        hs[i]->peers = NULL;
        hs[i]->npeers = 0;
    }
    return rc;
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
