/* progress.h — the one-line progress display of a long run on a terminal:
 * simulated time of the target, frames so far, and speed (simulated seconds
 * per wall second). It writes only when its stream is a terminal, so logs
 * and CI output never contain it. The caller (the CLI) owns the stream. */
#ifndef LORAHIL_PROGRESS_H
#define LORAHIL_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

typedef struct rpt_progress {
    FILE *f;
    bool tty;               /* isatty(fileno(f)) at init */
    bool shown;             /* a line is on screen */
    uint64_t wall0_ns;      /* wall clock at init */
    uint64_t last_ns;       /* wall clock of the last redraw */
    uint64_t interval_ns;   /* redraw at most this often (default 200 ms) */
} rpt_progress;

/* Starts a progress display on f (stderr, say). */
void rpt_progress_init(rpt_progress *p, FILE *f);

/* Redraws the line if the stream is a terminal and interval_ns has passed:
 * "  sim 12.345 s  frames 3  speed 85.2x". sim_ns is the target's simulated
 * time. */
void rpt_progress_update(rpt_progress *p, uint64_t sim_ns, unsigned long frames);

/* The same with the wall clock given (CLOCK_MONOTONIC ns), for tests. */
void rpt_progress_update_at(rpt_progress *p, uint64_t wall_ns, uint64_t sim_ns,
                            unsigned long frames);

/* Clears the line, if one is shown, so the next output starts clean. */
void rpt_progress_done(rpt_progress *p);

/* CLOCK_MONOTONIC in ns. */
uint64_t rpt_progress_now_ns(void);

#endif
