/* sim_watch.c — fault detection on the simulated CPU (see sim_watch.h). */
#include "sim_watch.h"

#include <stdio.h>
#include <string.h>

#include "sim_clock.h"

static void set_fault(sim_watch *w, const char *kind, uint32_t pc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void set_fault(sim_watch *w, const char *kind, uint32_t pc, const char *fmt, ...)
{
    if (w->fault)
        return;
    w->fault = true;
    w->kind = kind;
    w->pc = pc;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(w->detail, sizeof w->detail, fmt, ap);
    va_end(ap);
}

void sim_watch_logger(avr_t *avr, const int level, const char *fmt, va_list ap)
{
    if (!avr || level > LOG_ERROR || !avr->custom.data)
        return;
    sim_watch *w = avr->custom.data;
    char msg[sizeof w->last_log];
    vsnprintf(msg, sizeof msg, fmt, ap);
    if (!strncmp(msg, "avr_sadly_crashed", 17))
        return;     /* keep the message that says why */
    /* drop simavr's colour escapes and the trailing newline */
    size_t o = 0;
    for (size_t i = 0; msg[i] && o + 1 < sizeof w->last_log; i++) {
        if (msg[i] == '\033') {
            while (msg[i] && msg[i] != 'm')
                i++;
            if (!msg[i])
                break;
            continue;
        }
        if (msg[i] != '\n')
            w->last_log[o++] = msg[i];
    }
    w->last_log[o] = 0;
    if (strstr(msg, "Invalid Opcode")) {
        uint32_t pc = avr->pc;
        uint16_t op = pc + 1 <= avr->flashend ? (uint16_t)(avr->flash[pc] | avr->flash[pc + 1] << 8)
                                              : 0;
        set_fault(w, "illegal_opcode", pc, "invalid instruction 0x%04X at 0x%04X", op, pc);
    }
}

static void on_reset(struct avr_t *avr)
{
    sim_watch *w = avr->custom.data;
    if (w->orig_reset)
        w->orig_reset(avr);
    w->reset_seen = true;
}

static avr_cycle_count_t silence_timer(avr_t *avr, avr_cycle_count_t when, void *param)
{
    (void)when;
    sim_watch *w = param;
    uint64_t deadline = w->last_activity_cycle + w->silent_cycles;
    if (avr->cycle < deadline)
        return deadline;    /* there was activity: look again then */
    /* sim_watch_step raises the fault (it knows the PC); keep ticking in
     * case activity arrives in the same step */
    return avr->cycle + w->silent_cycles;
}

void sim_watch_attach(sim_watch *w, avr_t *avr, const sim_fw *fw, uint64_t silent_cycles)
{
    memset(w, 0, sizeof *w);
    w->avr = avr;
    w->fw = fw;
    w->silent_cycles = silent_cycles;
    w->last_activity_cycle = avr->cycle;
    avr->custom.data = w;
    w->orig_reset = avr->reset;
    avr->reset = on_reset;
    avr_global_logger_set(sim_watch_logger);
    if (silent_cycles)
        avr_cycle_timer_register(avr, silent_cycles, silence_timer, w);
}

static double secs(const avr_t *avr, uint64_t cycles)
{
    return (double)cycles / avr->frequency;
}

bool sim_watch_step(sim_watch *w, uint32_t pc_before, uint64_t activity)
{
    avr_t *avr = w->avr;
    if (w->fault)
        return true;
    if (avr->state == cpu_Crashed) {
        set_fault(w, "crashed", pc_before, "simavr stopped the CPU: %s",
                  w->last_log[0] ? w->last_log : "crash");
        return true;
    }
    if (avr->state == cpu_Done) {
        set_fault(w, "halted", pc_before,
                  "SLEEP with interrupts disabled: nothing can wake the CPU");
        return true;
    }
    if (w->reset_seen) {
        w->reset_seen = false;
        bool wdrf = avr->reset_flags.wdrf.reg ? avr_regbit_get(avr, avr->reset_flags.wdrf) : true;
        /* in simavr only the watchdog resets a running AVR */
        set_fault(w, "watchdog_reset", pc_before,
                  "the watchdog reset the MCU%s after %.3f s: the firmware stopped calling wdr",
                  wdrf ? " (MCUSR.WDRF set)" : "", secs(avr, avr->cycle));
        return true;
    }
    uint32_t pc = avr->pc;
    if (pc == 0 && pc_before != 0) {
        /* back at the reset vector without a reset */
        memmove(w->reset_cycles, w->reset_cycles + 1,
                sizeof w->reset_cycles - sizeof w->reset_cycles[0]);
        w->reset_cycles[SIM_WATCH_RESET_LOOP_COUNT - 1] = avr->cycle;
        w->nresets++;
        uint64_t span = avr->cycle - w->reset_cycles[0];
        if (w->nresets >= SIM_WATCH_RESET_LOOP_COUNT &&
            span <= sim_ns_to_cycles(SIM_WATCH_RESET_LOOP_NS, avr->frequency)) {
            set_fault(w, "reset_loop", pc_before,
                      "jumped to the reset vector %d times within %.3f s (last from 0x%04X)",
                      SIM_WATCH_RESET_LOOP_COUNT, secs(avr, span), pc_before);
            return true;
        }
    }
    if (pc >= w->fw->exec_end) {
        set_fault(w, "jump_outside_flash", pc_before,
                  "jumped to 0x%04X, past the end of the program (0x%04X)", pc,
                  w->fw->exec_end);
        return true;
    }
    if (w->fw->bss_end) {
        uint32_t sp = avr->data[R_SPL] | (uint32_t)avr->data[R_SPH] << 8;
        if (sp < w->fw->bss_end) {
            if (w->sp_low++ == 0)
                w->sp_low_pc = pc_before;
            if (w->sp_low > SIM_WATCH_SP_GRACE) {
                set_fault(w, "stack_overflow", w->sp_low_pc,
                          "SP 0x%04X is below the end of .bss (__bss_end 0x%04X): the stack "
                          "overwrites variables", sp, w->fw->bss_end);
                return true;
            }
        } else {
            w->sp_low = 0;
        }
    }
    if (activity != w->activity) {
        w->activity = activity;
        w->last_activity_cycle = avr->cycle;
    } else if (w->silent_cycles && avr->cycle - w->last_activity_cycle >= w->silent_cycles) {
        set_fault(w, "silent", pc,
                  "no SPI or UART activity for %.1f s (since %.3f s)",
                  secs(avr, avr->cycle - w->last_activity_cycle),
                  secs(avr, w->last_activity_cycle));
        return true;
    }
    return false;
}
