/* sim_fw_elf.c — loads an AVR ELF executable the way a programmer flashes
 * it: every PT_LOAD segment goes to its physical (load) address, so .data's
 * initial values land right after .text as avr-objcopy would place them.
 * Also reads the symbol table (code symbols for fault reports, __bss_end for
 * the stack check). Uses libelf; every offset is bounds-checked because the
 * file is user input. */
#include "sim_fw.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef EM_AVR
#define EM_AVR 83
#endif

/* avr-gcc's address spaces inside one ELF (avr-libc linker scripts) */
#define AVR_DATA_BASE 0x800000u
#define AVR_EEPROM_BASE 0x810000u
#define AVR_EEPROM_END 0x820000u

typedef struct ranked {
    sim_fw_symbol s;
    int rank;
} ranked;

/* by address, then best name first: a function over a label, global over
 * local over weak (so __bad_interrupt wins over its weak alias
 * __vector_default) */
static int cmp_ranked(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    if (x->s.addr != y->s.addr)
        return x->s.addr < y->s.addr ? -1 : 1;
    if (x->rank != y->rank)
        return x->rank > y->rank ? -1 : 1;
    return strcmp(x->s.name, y->s.name);
}

static int sym_rank(const GElf_Sym *s)
{
    int r = 0;
    if (GELF_ST_TYPE(s->st_info) == STT_FUNC)
        r += 4;
    if (GELF_ST_BIND(s->st_info) == STB_GLOBAL)
        r += 2;
    else if (GELF_ST_BIND(s->st_info) == STB_LOCAL)
        r += 1;
    return r;
}

/* true for a symbol that names code: defined in an executable section */
static bool is_code_symbol(Elf *elf, const GElf_Sym *s)
{
    int type = GELF_ST_TYPE(s->st_info);
    if (type != STT_FUNC && type != STT_NOTYPE)
        return false;
    if (s->st_shndx == SHN_UNDEF || s->st_shndx >= SHN_LORESERVE || s->st_value >= AVR_DATA_BASE)
        return false;
    Elf_Scn *in = elf_getscn(elf, s->st_shndx);
    GElf_Shdr ish;
    return in && gelf_getshdr(in, &ish) && (ish.sh_flags & SHF_EXECINSTR);
}

static int read_symbols(sim_fw *fw, Elf *elf, const char *path, char *err, size_t errlen)
{
    int64_t bss_end = -1, end = -1, heap_start = -1;
    ranked *v = NULL;
    size_t n = 0, cap = 0;
    Elf_Scn *scn = NULL;
    while ((scn = elf_nextscn(elf, scn)) != NULL) {
        GElf_Shdr sh;
        Elf_Data *d;
        if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB || !sh.sh_entsize ||
            !(d = elf_getdata(scn, NULL)))
            continue;
        size_t count = sh.sh_size / sh.sh_entsize;
        for (size_t i = 0; i < count; i++) {
            GElf_Sym s;
            if (!gelf_getsym(d, (int)i, &s))
                break;
            const char *name = elf_strptr(elf, sh.sh_link, s.st_name);
            if (!name || !*name)
                continue;
            if (!strcmp(name, "__bss_end"))
                bss_end = s.st_value;
            else if (!strcmp(name, "_end"))
                end = s.st_value;
            else if (!strcmp(name, "__heap_start"))
                heap_start = s.st_value;
            if (!is_code_symbol(elf, &s))
                continue;
            if (n == cap) {
                cap = cap ? 2 * cap : 256;
                ranked *nv = realloc(v, cap * sizeof *nv);
                if (!nv)
                    goto oom;
                v = nv;
            }
            v[n].s.addr = (uint32_t)s.st_value;
            v[n].s.size = (uint32_t)s.st_size;
            v[n].s.func = GELF_ST_TYPE(s.st_info) == STT_FUNC;
            v[n].rank = sym_rank(&s);
            if (!(v[n].s.name = strdup(name)))
                goto oom;
            n++;
        }
    }
    if (n) {
        qsort(v, n, sizeof *v, cmp_ranked);
        fw->syms = malloc(n * sizeof *fw->syms);
        if (!fw->syms)
            goto oom;
        for (size_t i = 0; i < n; i++) {
            if (fw->nsyms && v[i].s.addr == fw->syms[fw->nsyms - 1].addr)
                free(v[i].s.name);          /* a worse name for the same address */
            else
                fw->syms[fw->nsyms++] = v[i].s;
        }
    }
    free(v);
    int64_t b = bss_end >= 0 ? bss_end : end >= 0 ? end : heap_start;
    if (b >= (int64_t)AVR_DATA_BASE && b < (int64_t)AVR_EEPROM_BASE)
        fw->bss_end = (uint32_t)(b - AVR_DATA_BASE);
    return 0;
oom:
    for (size_t i = 0; i < n; i++)
        free(v[i].s.name);
    free(v);
    snprintf(err, errlen, "%s: out of memory", path);
    return -1;
}

int sim_fw_load_elf(sim_fw *fw, const char *path, char *err, size_t errlen)
{
    if (elf_version(EV_CURRENT) == EV_NONE) {
        snprintf(err, errlen, "%s: libelf is out of date", path);
        return -1;
    }
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    int rc = -1;
    Elf *elf = elf_begin(fd, ELF_C_READ, NULL);
    size_t rawlen = 0;
    const char *raw = elf ? elf_rawfile(elf, &rawlen) : NULL;
    GElf_Ehdr eh;
    size_t nph = 0;
    if (!elf || elf_kind(elf) != ELF_K_ELF || !raw || !gelf_getehdr(elf, &eh)) {
        snprintf(err, errlen, "%s: not a readable ELF file (%s)", path, elf_errmsg(-1));
        goto out;
    }
    if (eh.e_machine != EM_AVR) {
        snprintf(err, errlen, "%s: ELF for machine %u, not AVR (%u)", path,
                 (unsigned)eh.e_machine, EM_AVR);
        goto out;
    }
    if (eh.e_type != ET_EXEC || elf_getphdrnum(elf, &nph) != 0 || nph == 0) {
        snprintf(err, errlen, "%s: not a linked AVR executable (no program headers)", path);
        goto out;
    }
    for (size_t i = 0; i < nph; i++) {
        GElf_Phdr ph;
        if (!gelf_getphdr(elf, (int)i, &ph)) {
            snprintf(err, errlen, "%s: program header %zu unreadable", path, i);
            goto out;
        }
        if (ph.p_type != PT_LOAD || ph.p_filesz == 0)
            continue;
        if (ph.p_offset > rawlen || ph.p_filesz > rawlen - ph.p_offset) {
            snprintf(err, errlen, "%s: segment %zu lies past the end of the file "
                     "(truncated?)", path, i);
            goto out;
        }
        uint64_t a = ph.p_paddr, n = ph.p_filesz;
        if (a < AVR_DATA_BASE) {
            if (a + n > fw->flash_cap) {
                snprintf(err, errlen, "%s: %llu bytes of code at 0x%llx do not fit in "
                         "%u bytes of flash (wrong --mcu?)", path,
                         (unsigned long long)n, (unsigned long long)a, fw->flash_cap);
                goto out;
            }
            memcpy(fw->flash + a, raw + ph.p_offset, n);
            if (a + n > fw->code_end)
                fw->code_end = (uint32_t)(a + n);
            if ((ph.p_flags & PF_X) && a + n > fw->exec_end)
                fw->exec_end = (uint32_t)(a + n);
        } else if (a >= AVR_EEPROM_BASE && a + n <= AVR_EEPROM_END) {
            uint32_t off = (uint32_t)(a - AVR_EEPROM_BASE);
            uint8_t *e = realloc(fw->eeprom, off + n);
            if (!e) {
                snprintf(err, errlen, "%s: out of memory", path);
                goto out;
            }
            if (off + n > fw->eeprom_len)
                memset(e + fw->eeprom_len, 0xff, off + n - fw->eeprom_len);
            memcpy(e + off, raw + ph.p_offset, n);
            fw->eeprom = e;
            if (off + n > fw->eeprom_len)
                fw->eeprom_len = (uint32_t)(off + n);
        }
        /* other segments (fuses, lock bits, signature) are not flash */
    }
    rc = read_symbols(fw, elf, path, err, errlen);
out:
    if (elf)
        elf_end(elf);
    close(fd);
    return rc;
}
