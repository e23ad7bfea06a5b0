/* sim_watch.h — watches the simulated CPU for the ways firmware dies, so a
 * run always ends with a named fault instead of hanging or running garbage:
 *
 *   illegal_opcode      simavr decoded an invalid instruction (it only logs
 *                       that and goes on; we stop)
 *   jump_outside_flash  PC left the loaded program (into erased flash)
 *   stack_overflow      SP went below the end of .bss (__bss_end): the stack
 *                       is overwriting variables. Ignored for a few
 *                       instructions, because avr-gcc prologues write SPH and
 *                       SPL separately and SP is briefly a mix of the two
 *   watchdog_reset      the watchdog reset the MCU (MCUSR.WDRF set by reset)
 *   reset_loop          PC came back to the reset vector (jmp 0, an
 *                       interrupt without a handler -> __bad_interrupt) 3
 *                       times within 1 simulated second
 *   silent              no SPI or UART activity for the silence timeout
 *   crashed / halted    simavr states cpu_Crashed (e.g. a write outside RAM)
 *                       and cpu_Done (sleep with interrupts off: halted)
 *
 * PCs are flash byte addresses. The watch installs a simavr logger (a
 * process-wide hook in simavr 1.6) that finds the watch through
 * avr->custom.data; library code never prints, so simavr's messages are
 * kept for fault details instead of reaching the terminal.
 *
 * Ownership: caller-owned struct; fw and avr outlive it. */
#ifndef LORAHIL_SIM_WATCH_H
#define LORAHIL_SIM_WATCH_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include <sim_avr.h>

#include "sim/sim_fw.h"

#define SIM_WATCH_RESET_LOOP_COUNT 3
#define SIM_WATCH_RESET_LOOP_NS 1000000000ull
#define SIM_WATCH_SP_GRACE 4        /* instructions SP may sit low */

typedef struct sim_watch {
    avr_t *avr;
    const sim_fw *fw;
    void (*orig_reset)(struct avr_t *);
    uint64_t silent_cycles;         /* 0: no silence check */
    uint64_t last_activity_cycle;
    uint64_t activity;              /* SPI + UART byte count last seen */
    bool reset_seen;
    uint64_t reset_cycles[SIM_WATCH_RESET_LOOP_COUNT];
    unsigned nresets;               /* returns to the reset vector */
    unsigned sp_low;                /* consecutive instructions with SP < __bss_end */
    uint32_t sp_low_pc;
    char last_log[200];             /* simavr's last error message */
    /* the fault, once one happened */
    bool fault;
    const char *kind;
    uint32_t pc;
    char detail[256];
} sim_watch;

/* Installs the reset hook and the logger. Call after avr_init and loading. */
void sim_watch_attach(sim_watch *w, avr_t *avr, const sim_fw *fw, uint64_t silent_cycles);

/* Call after every avr_run() with the PC before it and the SPI+UART byte
 * count; returns true when a fault happened (details in w). */
bool sim_watch_step(sim_watch *w, uint32_t pc_before, uint64_t activity);

/* The logger for avr_global_logger_set (exposed for tests). */
void sim_watch_logger(avr_t *avr, const int level, const char *fmt, va_list ap);

#endif
