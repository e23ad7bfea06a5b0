/* sim_fw_hex.c — Intel HEX (the .hex the Arduino IDE, arduino-cli and
 * PlatformIO export) into a flash image. Record types 00 data, 01 end of
 * file, 02 extended segment address, 04 extended linear address; 03/05
 * (start address) are accepted and ignored, as avrdude does. Every error
 * names the file and line. */
#include "sim_fw.h"

#include "check/lw_util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Parses one record (without the line terminator). Returns 0 data/other,
 * 1 end of file, -1 error (message in err). */
static int parse_record(sim_fw *fw, const char *path, unsigned lineno, const char *s, size_t len,
                        uint32_t *base, char *err, size_t errlen)
{
    uint8_t b[256 + 5];
    if (len == 0 || s[0] != ':') {
        snprintf(err, errlen, "%s:%u: not an Intel HEX record (expected ':' at column 1)",
                 path, lineno);
        return -1;
    }
    size_t digits = len - 1;
    if (digits % 2 || digits < 10) {
        snprintf(err, errlen, "%s:%u: record too short or odd number of hex digits", path,
                 lineno);
        return -1;
    }
    size_t nb = digits / 2;
    if (nb > sizeof b) {
        snprintf(err, errlen, "%s:%u: record too long", path, lineno);
        return -1;
    }
    for (size_t i = 0; i < nb; i++) {
        int hi = lw_hexval((unsigned char)s[1 + 2 * i]);
        int lo = lw_hexval((unsigned char)s[2 + 2 * i]);
        if (hi < 0 || lo < 0) {
            size_t col = 2 + 2 * i + (hi < 0 ? 0 : 1);
            snprintf(err, errlen, "%s:%u: column %zu: '%c' is not a hex digit", path, lineno,
                     col, s[col - 1]);
            return -1;
        }
        b[i] = (uint8_t)(hi << 4 | lo);
    }
    size_t count = b[0];
    if (nb != count + 5) {
        snprintf(err, errlen, "%s:%u: byte count says %zu data bytes, record has %zu", path,
                 lineno, count, nb >= 5 ? nb - 5 : 0);
        return -1;
    }
    uint8_t sum = 0;
    for (size_t i = 0; i + 1 < nb; i++)
        sum += b[i];
    uint8_t want = (uint8_t)(0x100 - sum);
    if (b[nb - 1] != want) {
        snprintf(err, errlen, "%s:%u: bad checksum %02X, expected %02X", path, lineno,
                 b[nb - 1], want);
        return -1;
    }
    uint32_t addr = (uint32_t)b[1] << 8 | b[2];
    const uint8_t *data = b + 4;
    switch (b[3]) {
    case 0x00: {
        uint64_t a = (uint64_t)*base + addr;
        if (a + count > fw->flash_cap) {
            snprintf(err, errlen, "%s:%u: data at 0x%llX lies beyond the %u bytes of flash "
                     "(wrong --mcu?)", path, lineno, (unsigned long long)a, fw->flash_cap);
            return -1;
        }
        memcpy(fw->flash + a, data, count);
        if (count && a + count > fw->code_end)
            fw->code_end = (uint32_t)(a + count);
        return 0;
    }
    case 0x01:
        return 1;
    case 0x02:
    case 0x04:
        if (count != 2) {
            snprintf(err, errlen, "%s:%u: address record needs 2 data bytes", path, lineno);
            return -1;
        }
        *base = b[3] == 0x02 ? ((uint32_t)data[0] << 8 | data[1]) << 4
                             : ((uint32_t)data[0] << 8 | data[1]) << 16;
        return 0;
    case 0x03:
    case 0x05:
        return 0;
    default:
        snprintf(err, errlen, "%s:%u: unknown record type %02X", path, lineno, b[3]);
        return -1;
    }
}

int sim_fw_load_hex(sim_fw *fw, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t got;
    unsigned lineno = 0;
    uint32_t base = 0;
    int rc = -1;
    bool eof = false;
    while ((got = getline(&line, &cap, f)) >= 0) {
        lineno++;
        size_t len = (size_t)got;
        while (len && (line[len - 1] == '\n' || line[len - 1] == '\r' || line[len - 1] == ' ' ||
                       line[len - 1] == '\t'))
            len--;
        if (len == 0)
            continue;
        if (memchr(line, 0, len)) {
            snprintf(err, errlen, "%s:%u: binary data in a HEX file", path, lineno);
            goto out;
        }
        int r = parse_record(fw, path, lineno, line, len, &base, err, errlen);
        if (r < 0)
            goto out;
        if (r == 1) {
            eof = true;
            break;
        }
    }
    if (ferror(f)) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        goto out;
    }
    if (!eof) {
        snprintf(err, errlen, "%s:%u: no end-of-file record (:00000001FF); file truncated?",
                 path, lineno);
        goto out;
    }
    rc = 0;
out:
    free(line);
    fclose(f);
    return rc;
}
