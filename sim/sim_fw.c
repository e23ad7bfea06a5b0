/* sim_fw.c — firmware image: format detection, symbol lookup, cleanup.
 * The ELF and HEX parsers live in sim_fw_elf.c and sim_fw_hex.c. We do not
 * use simavr's elf_read_firmware/read_ihex_file: they print to the terminal,
 * abort() on oversized images and report no line numbers, and a bad input
 * file must give one clear line and exit 2. */
#include "sim_fw.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int sim_fw_load(sim_fw *fw, const char *path, uint32_t flash_cap, char *err, size_t errlen)
{
    memset(fw, 0, sizeof *fw);
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    unsigned char magic[4] = {0};
    size_t n = fread(magic, 1, sizeof magic, f);
    /* HEX may start with whitespace or a BOM-less blank line */
    int c = 0;
    if (n > 0 && magic[0] != 0x7f) {
        rewind(f);
        while ((c = fgetc(f)) != EOF && (c == ' ' || c == '\t' || c == '\r' || c == '\n'))
            ;
    }
    fclose(f);
    fw->flash_cap = flash_cap;
    fw->flash = malloc(flash_cap ? flash_cap : 1);
    if (!fw->flash) {
        snprintf(err, errlen, "%s: out of memory", path);
        return -1;
    }
    memset(fw->flash, 0xff, flash_cap);
    int rc;
    if (n == 4 && !memcmp(magic, "\177ELF", 4)) {
        fw->is_elf = true;
        rc = sim_fw_load_elf(fw, path, err, errlen);
    } else if (c == ':') {
        rc = sim_fw_load_hex(fw, path, err, errlen);
    } else {
        snprintf(err, errlen, "%s: neither an ELF file nor Intel HEX (%s)", path,
                 n == 0 ? "empty file" : "unknown content");
        rc = -1;
    }
    if (rc == 0 && (!fw->is_elf || fw->exec_end == 0))
        fw->exec_end = fw->code_end;
    if (rc == 0 && fw->code_end == 0) {
        snprintf(err, errlen, "%s: no code to load into flash", path);
        rc = -1;
    }
    if (rc != 0)
        sim_fw_free(fw);
    return rc;
}

const char *sim_fw_symbol_at(const sim_fw *fw, uint32_t pc)
{
    if (!fw->nsyms || pc >= fw->code_end)
        return NULL;
    /* last symbol with addr <= pc */
    size_t lo = 0, hi = fw->nsyms;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (fw->syms[mid].addr <= pc)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return NULL;
    const sim_fw_symbol *near = &fw->syms[lo - 1];
    /* functions do not overlap: the nearest function at or below pc is the
     * only one that can contain it */
    for (size_t i = lo; i-- > 0;) {
        const sim_fw_symbol *s = &fw->syms[i];
        if (s->func) {
            if (pc < s->addr + s->size)
                return s->name;
            break;
        }
    }
    return near->name;
}

int64_t sim_fw_symbol_addr(const sim_fw *fw, const char *name)
{
    for (size_t i = 0; i < fw->nsyms; i++)
        if (!strcmp(fw->syms[i].name, name))
            return fw->syms[i].addr;
    return -1;
}

void sim_fw_free(sim_fw *fw)
{
    free(fw->flash);
    free(fw->eeprom);
    for (size_t i = 0; i < fw->nsyms; i++)
        free(fw->syms[i].name);
    free(fw->syms);
    memset(fw, 0, sizeof *fw);
}
