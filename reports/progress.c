/* progress.c — see progress.h. A terminal-only status line: carriage return,
 * the text, erase to end of line; nothing at all on a pipe or a file. */
#include "reports/progress.h"

#include <time.h>
#include <unistd.h>

uint64_t rpt_progress_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void rpt_progress_init(rpt_progress *p, FILE *f)
{
    p->f = f;
    p->tty = f && isatty(fileno(f));
    p->shown = false;
    p->wall0_ns = rpt_progress_now_ns();
    p->last_ns = 0;
    p->interval_ns = 200000000ull;
}

void rpt_progress_update_at(rpt_progress *p, uint64_t wall_ns, uint64_t sim_ns,
                            unsigned long frames)
{
    if (!p->tty)
        return;
    if (p->shown && wall_ns - p->last_ns < p->interval_ns)
        return;
    p->last_ns = wall_ns;
    double wall_s = wall_ns > p->wall0_ns ? (double)(wall_ns - p->wall0_ns) / 1e9 : 0;
    double sim_s = (double)sim_ns / 1e9;
    fprintf(p->f, "\r  sim %.3f s  frames %lu", sim_s, frames);
    if (wall_s > 0)
        fprintf(p->f, "  speed %.1fx", sim_s / wall_s);
    fputs("\033[K", p->f);
    fflush(p->f);
    p->shown = true;
}

void rpt_progress_update(rpt_progress *p, uint64_t sim_ns, unsigned long frames)
{
    if (p->tty)
        rpt_progress_update_at(p, rpt_progress_now_ns(), sim_ns, frames);
}

void rpt_progress_done(rpt_progress *p)
{
    if (p->tty && p->shown) {
        fputs("\r\033[K", p->f);
        fflush(p->f);
    }
    p->shown = false;
}
