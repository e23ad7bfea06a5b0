/* sim_host.h — runs one firmware image on a simulated board: simavr for the
 * AVR, the SX1276 model on its SPI bus (sim_rlink), SPI bytes at the real
 * SCK rate (sim_spiclk), UART lines (sim_uart), the air with one gateway and
 * a network server (sim_air, sim_netserver) and fault watching (sim_watch).
 * Everything observable leaves as events through one ev_sink, in simulated
 * time order, so the same firmware, board and seed give the same events.
 *
 * Slept time is free: the host replaces simavr's default avr->sleep (which
 * usleep()s to pace the simulation to the wall clock) with one that returns
 * at once; simavr then advances the cycle counter to the next timer.
 *
 * Ownership: sim_host_new copies the config (strings must outlive the host);
 * sim_host_free releases everything. */
#ifndef LORAHIL_SIM_HOST_H
#define LORAHIL_SIM_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "check/lorawan.h"
#include "events/events.h"
#include "sim/sim_board.h"
#include "sim/sim_netserver.h"

typedef struct sim_host_cfg {
    const char *firmware;       /* ELF or Intel HEX path */
    const sim_board *board;
    const char *mcu;            /* NULL: the board's */
    uint32_t freq_hz;           /* 0: the board's */
    uint64_t seed;
    uint64_t duration_ns;       /* simulated run length */
    uint64_t silent_ns;         /* fault after this long without SPI/UART bytes; 0 off */
    const lw_keys *keys;        /* session for the simulated network server; NULL none */
    const sim_ns_downlink *downlinks;   /* sent after verified uplinks (needs keys) */
    size_t ndownlinks;
    ev_sink sink;               /* every event of the run */
    int node;                   /* node id in events; nodes other than 0 derive
                                 * their own random streams from seed */
} sim_host_cfg;

typedef struct sim_host_stats {
    const char *end_reason;     /* "duration", "fault", "interrupted" */
    uint64_t sim_ns;            /* simulated time reached */
    double wall_s;              /* wall-clock seconds the run took */
    unsigned faults;
    unsigned uplinks;           /* frames the gateway heard */
    unsigned downlinks;         /* frames the network server sent */
    uint64_t spi_bytes, uart_bytes;
} sim_host_stats;

typedef struct sim_host sim_host;

/* Loads the firmware and builds the board. 0, or -1 with one line in err
 * (bad firmware file, unknown MCU, board wiring the MCU cannot have). */
int sim_host_new(sim_host **out, const sim_host_cfg *cfg, char *err, size_t errlen);

/* Runs until the duration is reached, a fault ends the run, or
 * sim_host_stop. Emits run_start first and run_end last. Returns 0 when the
 * run ended without a fault, 1 otherwise. */
int sim_host_run(sim_host *h, sim_host_stats *st);

/* Several boards on one air. Each host is its own simavr instance, SX1276
 * model, UART, gateway and (if it has keys) network server; a frame any
 * board transmits is also offered to every other board's radio at the
 * instant its preamble starts (RSSI SIM_HOST_PEER_RSSI_DBM, SNR
 * SIM_HOST_PEER_SNR_DB), and each model applies its own frequency/SF/BW/
 * IQ/sync word rules.
 *
 * Scheduling: the board whose simulated time is smallest runs next (ties:
 * the lowest index), until it is SIM_HOST_QUANTUM_NS past the next board
 * (a cycle timer makes a sleeping AVR stop there too). So no board is
 * more than one quantum (plus one instruction or interrupt entry) ahead of
 * another: a frame reaches a board at most that late into its preamble,
 * well inside the 4 of 8 preamble symbols detection needs (1 ms even at
 * SF7/500 kHz). Events of different boards may therefore be out of time
 * order by up to a quantum; within a board they are in order. Everything
 * is single-threaded and ordered by simulated time and node index, so the
 * same firmware, boards and seed give the same events.
 *
 * Each board's run ends on its own (duration, fault); the others go on.
 * st[i] gets host i's figures. Returns 1 when any board faulted, else 0. */
#define SIM_HOST_QUANTUM_NS 100000ull     /* 100 us */
#define SIM_HOST_PEER_RSSI_DBM (-60.0)
#define SIM_HOST_PEER_SNR_DB 9.0
int sim_host_run_all(sim_host **hs, size_t n, sim_host_stats *st);

/* Asks a running sim_host_run to end ("interrupted"); async-signal-safe. */
void sim_host_stop(sim_host *h);

void sim_host_free(sim_host *h);

/* The simulated AVR, for parts the CLI attaches (sim_pty). Owned by h. */
struct avr_t *sim_host_avr(sim_host *h);

/* Names of the MCUs simavr knows, space separated, into buf. */
void sim_host_mcu_names(char *buf, size_t len);

#endif
