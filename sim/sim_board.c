/* sim_board.c — parses board wiring profiles (format in sim_board.h and
 * targets/boards/README.md) and finds them by name. */
#include "sim_board.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *sim_pin_name(sim_pin p, char buf[8])
{
    if (!p.port)
        snprintf(buf, 8, "nc");
    else
        snprintf(buf, 8, "P%c%u", p.port, p.bit);
    return buf;
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        s[--n] = 0;
    return s;
}

static int parse_pin(const char *v, sim_pin *p)
{
    if (!strcmp(v, "nc")) {
        p->port = 0;
        p->bit = 0;
        return 0;
    }
    if (strlen(v) != 3 || toupper((unsigned char)v[0]) != 'P' ||
        !(toupper((unsigned char)v[1]) >= 'A' && toupper((unsigned char)v[1]) <= 'L') ||
        !(v[2] >= '0' && v[2] <= '7'))
        return -1;
    p->port = (char)toupper((unsigned char)v[1]);
    p->bit = (uint8_t)(v[2] - '0');
    return 0;
}

static int find_jumper(const sim_board *b, const char *name)
{
    for (int i = 0; i < b->njumpers; i++)
        if (!strcasecmp(b->jumpers[i].name, name))
            return i;
    return -1;
}

static int add_jumper(sim_board *b, const char *name)
{
    int j = find_jumper(b, name);
    if (j >= 0)
        return j;
    if (b->njumpers == SIM_BOARD_MAX_JUMPERS || strlen(name) >= sizeof b->jumpers[0].name)
        return -1;
    j = b->njumpers++;
    memcpy(b->jumpers[j].name, name, strlen(name) + 1);
    b->jumpers[j].open = false;
    return j;
}

#define FAIL(...)                                                                         \
    do {                                                                                  \
        char m_[200];                                                                     \
        snprintf(m_, sizeof m_, __VA_ARGS__);                                             \
        if (lineno)                                                                   \
            snprintf(err, errlen, "%s:%u: %s", source, lineno, m_);                       \
        else                                                                              \
            snprintf(err, errlen, "%s: %s", source, m_);                         \
        free(copy);                                                                       \
        return -1;                                                                        \
    } while (0)

int sim_board_parse(sim_board *b, const char *text, const char *source, char *err,
                    size_t errlen)
{
    memset(b, 0, sizeof *b);
    for (int i = 0; i < SIM_BOARD_NDIO; i++)
        b->dio_jumper[i] = -1;
    snprintf(b->source, sizeof b->source, "%s", source);
    char *copy = strdup(text);
    unsigned lineno = 0;
    if (!copy) {
        snprintf(err, errlen, "%s: out of memory", source);
        return -1;
    }
    bool seen_nss = false, seen_rst = false, seen_dio[SIM_BOARD_NDIO] = {false};
    /* strtok_r would merge empty lines and lose numbering: walk by hand */
    char *p = copy;
    while (p && *p) {
        char *nl = strchr(p, '\n');
        if (nl)
            *nl = 0;
        lineno++;
        char *line = p;
        p = nl ? nl + 1 : NULL;
        char *hash = strchr(line, '#');
        if (hash)
            *hash = 0;
        line = trim(line);
        if (!*line)
            continue;
        char *eq = strchr(line, '=');
        if (!eq)
            FAIL("expected 'key = value', got '%.40s'", line);
        *eq = 0;
        char *key = trim(line), *val = trim(eq + 1);
        if (!*val)
            FAIL("'%s' has no value", key);
        if (!strcmp(key, "name")) {
            if (strlen(val) >= sizeof b->name)
                FAIL("name too long");
            snprintf(b->name, sizeof b->name, "%s", val);
        } else if (!strcmp(key, "aliases")) {
            snprintf(b->aliases, sizeof b->aliases, "%s", val);
        } else if (!strcmp(key, "description")) {
            snprintf(b->description, sizeof b->description, "%s", val);
        } else if (!strcmp(key, "mcu")) {
            if (strlen(val) >= sizeof b->mcu)
                FAIL("mcu name too long");
            snprintf(b->mcu, sizeof b->mcu, "%s", val);
        } else if (!strcmp(key, "freq_hz")) {
            char *end;
            errno = 0;
            unsigned long f = strtoul(val, &end, 10);
            if (*end || errno || f < 1000 || f > 100000000)
                FAIL("freq_hz '%s' is not a clock frequency in Hz", val);
            b->freq_hz = (uint32_t)f;
        } else if (!strcmp(key, "nss") || !strcmp(key, "rst")) {
            sim_pin pin;
            if (parse_pin(val, &pin) || !pin.port)
                FAIL("%s: '%s' is not a pin like PB2", key, val);
            if (key[0] == 'n') {
                b->nss = pin;
                seen_nss = true;
            } else {
                b->rst = pin;
                seen_rst = true;
            }
        } else if (!strncmp(key, "dio", 3) && key[3] >= '0' && key[3] <= '5' && !key[4]) {
            int d = key[3] - '0';
            if (seen_dio[d])
                FAIL("%s given twice", key);
            seen_dio[d] = true;
            char pinbuf[16] = "", jp[32] = "", extra[8] = "";
            int n = sscanf(val, "%15s %31s %7s", pinbuf, jp, extra);
            if (n < 1 || n > 2 || parse_pin(pinbuf, &b->dio[d]))
                FAIL("%s: expected 'PD2' or 'PD6 JP1', got '%s'", key, val);
            if (n == 2) {
                int j = add_jumper(b, jp);
                if (j < 0)
                    FAIL("too many jumpers or jumper name too long: '%s'", jp);
                b->dio_jumper[d] = j;
            }
        } else {
            FAIL("unknown key '%s' (name, aliases, description, mcu, freq_hz, nss, rst, "
                 "dio0..dio5)", key);
        }
    }
    lineno = 0;
    if (!b->mcu[0])
        FAIL("missing 'mcu'");
    if (!b->freq_hz)
        FAIL("missing 'freq_hz'");
    if (!seen_nss)
        FAIL("missing 'nss'");
    if (!seen_rst)
        FAIL("missing 'rst'");
    if (!b->name[0]) {
        /* default the name to the file's base name */
        const char *base = strrchr(source, '/');
        base = base ? base + 1 : source;
        snprintf(b->name, sizeof b->name, "%.*s", (int)strcspn(base, "."), base);
    }
    free(copy);
    return 0;
}
#undef FAIL

static int load_file(sim_board *b, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    char buf[16384];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    bool toolong = !feof(f);
    fclose(f);
    if (toolong) {
        snprintf(err, errlen, "%s: larger than %zu bytes, not a board profile", path,
                 sizeof buf - 1);
        return -1;
    }
    buf[n] = 0;
    if (strlen(buf) != n) {
        snprintf(err, errlen, "%s: binary data in a board profile", path);
        return -1;
    }
    return sim_board_parse(b, buf, path, err, errlen);
}

static bool has_word(const char *list, const char *w)
{
    size_t wl = strlen(w);
    const char *p = list;
    while (*p) {
        while (*p == ' ' || *p == ',')
            p++;
        size_t l = strcspn(p, " ,");
        if (l == wl && !strncmp(p, w, l))
            return true;
        p += l;
    }
    return false;
}

int sim_board_load(sim_board *b, const char *spec, const char *dir, char *err, size_t errlen)
{
    size_t sl = strlen(spec);
    if (strchr(spec, '/') || (sl > 6 && !strcmp(spec + sl - 6, ".board")))
        return load_file(b, spec, err, errlen);
    char path[512];
    FILE *f = NULL;
    if (snprintf(path, sizeof path, "%s/%s.board", dir, spec) < (int)sizeof path)
        f = fopen(path, "rb");
    if (f) {
        fclose(f);
        return load_file(b, path, err, errlen);
    }
    /* aliases: scan every profile */
    DIR *d = opendir(dir);
    if (!d) {
        snprintf(err, errlen, "unknown board '%s': board directory %s: %s", spec, dir,
                 strerror(errno));
        return -1;
    }
    char known[400] = "";
    struct dirent *e;
    char names[64][64];
    int nn = 0;
    while ((e = readdir(d)) != NULL) {
        size_t l = strlen(e->d_name);
        if (l > 6 && l < sizeof names[0] && !strcmp(e->d_name + l - 6, ".board") && nn < 64)
            memcpy(names[nn++], e->d_name, l + 1);
    }
    closedir(d);
    qsort(names, (size_t)nn, sizeof names[0], (int (*)(const void *, const void *))strcmp);
    for (int i = 0; i < nn; i++) {
        if (snprintf(path, sizeof path, "%s/%s", dir, names[i]) >= (int)sizeof path)
            continue;
        sim_board cand;
        char e2[256];
        if (load_file(&cand, path, e2, sizeof e2) != 0)
            continue;
        if (!strcmp(cand.name, spec) || has_word(cand.aliases, spec)) {
            *b = cand;
            return 0;
        }
        size_t kl = strlen(known);
        snprintf(known + kl, sizeof known - kl, "%s%s", kl ? ", " : "", cand.name);
    }
    snprintf(err, errlen, "unknown board '%s' (known: %s; or give a .board file)", spec,
             known[0] ? known : "none found");
    return -1;
}

int sim_board_set_jumper(sim_board *b, const char *spec, char *err, size_t errlen)
{
    const char *eq = strchr(spec, '=');
    char name[32];
    if (!eq || eq == spec || (size_t)(eq - spec) >= sizeof name) {
        snprintf(err, errlen, "--jumper '%s': expected JPn=open or JPn=closed", spec);
        return -1;
    }
    snprintf(name, sizeof name, "%.*s", (int)(eq - spec), spec);
    int j = find_jumper(b, name);
    if (j < 0) {
        char list[128] = "";
        for (int i = 0; i < b->njumpers; i++) {
            size_t l = strlen(list);
            snprintf(list + l, sizeof list - l, "%s%s", i ? ", " : "", b->jumpers[i].name);
        }
        snprintf(err, errlen, "--jumper '%s': board %s has no jumper %s (jumpers: %s)", spec,
                 b->name, name, list[0] ? list : "none");
        return -1;
    }
    if (!strcmp(eq + 1, "open"))
        b->jumpers[j].open = true;
    else if (!strcmp(eq + 1, "closed"))
        b->jumpers[j].open = false;
    else {
        snprintf(err, errlen, "--jumper '%s': state must be 'open' or 'closed'", spec);
        return -1;
    }
    return 0;
}

bool sim_board_dio_pin(const sim_board *b, int dio, sim_pin *out)
{
    if (dio < 0 || dio >= SIM_BOARD_NDIO || !b->dio[dio].port)
        return false;
    int j = b->dio_jumper[dio];
    if (j >= 0 && b->jumpers[j].open)
        return false;
    *out = b->dio[dio];
    return true;
}
