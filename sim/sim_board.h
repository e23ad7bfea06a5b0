/* sim_board.h — board wiring profiles: which AVR, at what clock, and which
 * AVR pins the radio's NSS, RESET and DIO0..DIO5 lines reach (some through
 * a jumper that can be opened). Profiles are data files under
 * targets/boards/ (NAME.board); the format is documented in
 * targets/boards/README.md:
 *
 *     # comment
 *     name = dragino-shield-v1.4
 *     aliases = dragino-shield          # other names --board accepts
 *     mcu = atmega328p
 *     freq_hz = 16000000
 *     nss = PB2                          # Arduino D10
 *     rst = PB1
 *     dio0 = PD2
 *     dio1 = PD6 JP1                     # through jumper JP1 (closed unless opened)
 *
 * Ownership: plain value struct, no heap. */
#ifndef LORAHIL_SIM_BOARD_H
#define LORAHIL_SIM_BOARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SIM_BOARD_NDIO 6
#define SIM_BOARD_MAX_JUMPERS 8

/* An AVR port pin; port == 0 means not connected. */
typedef struct sim_pin {
    char port;              /* 'A'..'L' */
    uint8_t bit;            /* 0..7 */
} sim_pin;

typedef struct sim_board {
    char name[64];
    char aliases[128];      /* space separated */
    char description[160];
    char mcu[32];
    uint32_t freq_hz;
    sim_pin nss, rst;
    sim_pin dio[SIM_BOARD_NDIO];
    int dio_jumper[SIM_BOARD_NDIO];     /* index into jumpers, -1 when wired directly */
    struct {
        char name[16];
        bool open;
    } jumpers[SIM_BOARD_MAX_JUMPERS];
    int njumpers;
    char source[256];       /* file it was read from */
} sim_board;

/* Parses profile text; `source` names it in errors ("x.board:7: ..."). */
int sim_board_parse(sim_board *b, const char *text, const char *source, char *err,
                    size_t errlen);

/* Loads a profile given as a file path (contains '/' or ends in ".board")
 * or as a name/alias looked up in dir. Unknown names list the known ones. */
int sim_board_load(sim_board *b, const char *spec, const char *dir, char *err, size_t errlen);

/* Applies "JP1=open" or "JP1=closed". */
int sim_board_set_jumper(sim_board *b, const char *spec, char *err, size_t errlen);

/* The AVR pin DIO `dio` reaches, or false when it is not wired or its
 * jumper is open (the AVR pin then floats). */
bool sim_board_dio_pin(const sim_board *b, int dio, sim_pin *out);

/* "PB2" into buf (or "nc"). */
const char *sim_pin_name(sim_pin p, char buf[8]);

#endif
