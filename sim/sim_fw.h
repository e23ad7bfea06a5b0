/* sim_fw.h — a firmware image as the simulator needs it: the bytes that go
 * into flash (and EEPROM), where the program ends, where .bss ends (for the
 * stack-overflow check) and the ELF symbol table (to name the function a
 * fault happened in). Loads an ELF (through its program headers, i.e. the
 * load addresses avrdude would flash) or an Intel HEX file; a HEX file has no
 * symbols and no .bss bound.
 *
 * Ownership: sim_fw_load fills a caller-owned sim_fw; sim_fw_free releases
 * what it allocated. Addresses are bytes (flash) or data-space addresses. */
#ifndef LORAHIL_SIM_FW_H
#define LORAHIL_SIM_FW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct sim_fw_symbol {
    uint32_t addr;          /* flash byte address */
    uint32_t size;          /* bytes; 0 for labels (e.g. __bad_interrupt) */
    bool func;              /* STT_FUNC */
    char *name;
} sim_fw_symbol;

typedef struct sim_fw {
    bool is_elf;
    uint8_t *flash;         /* flash_cap bytes, erased (0xFF) where not loaded */
    uint32_t flash_cap;     /* size of the target's flash */
    uint32_t code_end;      /* one past the highest flash byte loaded */
    uint32_t exec_end;      /* one past the last executable byte (end of .text;
                               code_end for HEX) */
    uint8_t *eeprom;        /* NULL when the image has none */
    uint32_t eeprom_len;
    uint32_t bss_end;       /* data address where .bss ends (__bss_end); 0 unknown */
    sim_fw_symbol *syms;    /* flash symbols sorted by address */
    size_t nsyms;
} sim_fw;

/* Loads `path` (ELF or Intel HEX, told apart by content) for a target with
 * flash_cap bytes of flash. Returns 0, or -1 with one line in err naming the
 * file and, for HEX, the line ("fw.hex:12: bad checksum 3A, expected 3B"). */
int sim_fw_load(sim_fw *fw, const char *path, uint32_t flash_cap, char *err, size_t errlen);

/* Name of the symbol containing flash byte address pc: the function whose
 * [addr, addr+size) holds it, else the nearest label at or below it; NULL
 * when unknown (HEX, or below every symbol). The string lives in fw. */
const char *sim_fw_symbol_at(const sim_fw *fw, uint32_t pc);

/* Flash byte address of a code symbol by name; -1 when absent. */
int64_t sim_fw_symbol_addr(const sim_fw *fw, const char *name);

void sim_fw_free(sim_fw *fw);

/* Internal to sim_fw*.c: the two parsers. */
int sim_fw_load_elf(sim_fw *fw, const char *path, char *err, size_t errlen);
int sim_fw_load_hex(sim_fw *fw, const char *path, char *err, size_t errlen);

#endif
