/* sim_pty.h — a simulated board's UART as a pseudo-terminal, so tools for
 * real boards (`lorahil hil --port`, minicom, screen) can read it: every
 * byte the firmware sends on the UART is written to the master side; the
 * slave path (/dev/pts/N) is what they open. A part in simavr style, as
 * simavr's examples/parts/uart_pty.c, but output only and without its
 * thread: bytes are written at the simulated instant they leave the UART.
 *
 * Backpressure: a reader slower than the simulation makes the writes wait
 * (the simulation pauses, as a board would not, but nothing is lost). When
 * nobody reads for SIM_PTY_STALL_MS, copying stops with a message and the
 * simulation goes on.
 *
 * Ownership: caller-owned struct; sim_pty_close releases the terminal. */
#ifndef LORAHIL_SIM_PTY_H
#define LORAHIL_SIM_PTY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sim_avr.h>

#define SIM_PTY_STALL_MS 30000

typedef struct sim_pty {
    int master, slave;
    char path[128];             /* the slave's path, for readers */
    bool stalled;               /* nobody read for SIM_PTY_STALL_MS: copying stopped */
    uint64_t bytes;
    char err[256];              /* why copying stopped, when it did */
} sim_pty;

/* Opens a pseudo-terminal (raw, 8N1) and copies UARTn (name '0'..'3') of avr
 * to it. 0, or -1 with a message. */
int sim_pty_open(sim_pty *p, avr_t *avr, char name, char *err, size_t errlen);

/* Waits (at most wait_ms) until the reader has taken every byte, then
 * closes the terminal: the reader sees the port go away, like a board
 * being unplugged. Returns true when everything was read. */
bool sim_pty_close(sim_pty *p, int wait_ms);

#endif
