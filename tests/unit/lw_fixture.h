/* lw_fixture.h — reading the fixtures/ TSV files in unit tests (format in
 * fixtures/README.md: '#' comment lines, a header line naming the columns,
 * TAB-separated fields, '-' for empty). Test-only helpers, including a hex
 * decoder of their own so that expected bytes never pass through the code
 * under test. Tests run with cwd = repository root; $FIXTURES overrides the
 * fixtures directory. Include after <cmocka.h>. */
#ifndef LORAHIL_TEST_LW_FIXTURE_H
#define LORAHIL_TEST_LW_FIXTURE_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FX_MAX_COLS 24

typedef struct fx_table {
    char *buf;                 /* the file, split in place */
    char *hdr[FX_MAX_COLS];
    size_t ncols;
    char *(*rows)[FX_MAX_COLS];
    size_t nrows;
} fx_table;

static inline void fx_path(const char *rel, char *out, size_t n)
{
    const char *dir = getenv("FIXTURES");
    snprintf(out, n, "%s/%s", dir && *dir ? dir : "fixtures", rel);
}

/* Loads a TSV fixture; fails the test when it is missing or malformed. */
static inline void fx_load(const char *rel, fx_table *t)
{
    char path[512];
    fx_path(rel, path, sizeof path);
    memset(t, 0, sizeof *t);
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open fixture %s (run from the repository root or set FIXTURES)", path);
    fseek(f, 0, SEEK_END);
    long sz = ftell(f);
    fseek(f, 0, SEEK_SET);
    assert_true(sz > 0);
    t->buf = malloc((size_t)sz + 1);
    assert_non_null(t->buf);
    assert_int_equal(fread(t->buf, 1, (size_t)sz, f), (size_t)sz);
    fclose(f);
    t->buf[sz] = 0;
    size_t cap = 0;
    for (char *line = t->buf, *next; line && *line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = 0;
        size_t l = strlen(line);
        if (l && line[l - 1] == '\r')
            line[--l] = 0;
        if (line[0] == '#' || !l)
            continue;
        char *cells[FX_MAX_COLS];
        size_t nc = 0;
        for (char *c = line;; ) {
            assert_true(nc < FX_MAX_COLS);
            cells[nc++] = c;
            char *tab = strchr(c, '\t');
            if (!tab)
                break;
            *tab = 0;
            c = tab + 1;
        }
        if (!t->ncols) {
            memcpy(t->hdr, cells, nc * sizeof *cells);
            t->ncols = nc;
            continue;
        }
        if (nc != t->ncols)
            fail_msg("%s: row '%s' has %zu fields, header has %zu", path, cells[0], nc, t->ncols);
        if (t->nrows == cap) {
            cap = cap ? 2 * cap : 64;
            t->rows = realloc(t->rows, cap * sizeof *t->rows);
            assert_non_null(t->rows);
        }
        memcpy(t->rows[t->nrows++], cells, nc * sizeof *cells);
    }
    assert_true(t->ncols > 0);
}

static inline void fx_free(fx_table *t)
{
    free(t->rows);
    free(t->buf);
    memset(t, 0, sizeof *t);
}

static inline const char *fx_get(const fx_table *t, size_t row, const char *col)
{
    for (size_t c = 0; c < t->ncols; c++)
        if (!strcmp(t->hdr[c], col))
            return t->rows[row][c];
    fail_msg("fixture has no column '%s'", col);
    return NULL;
}

static inline int fx_nib(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    fail_msg("bad hex digit '%c' in fixture", c);
    return 0;
}

/* hex (or '-' = empty) into out; returns the byte count */
static inline size_t fx_hex(const char *s, uint8_t *out, size_t cap)
{
    if (!strcmp(s, "-"))
        return 0;
    size_t n = strlen(s);
    assert_int_equal(n % 2, 0);
    assert_true(n / 2 <= cap);
    for (size_t i = 0; i < n / 2; i++)
        out[i] = (uint8_t)(fx_nib(s[2 * i]) << 4 | fx_nib(s[2 * i + 1]));
    return n / 2;
}

static inline unsigned long long fx_num(const char *s)
{
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (*end || end == s)
        fail_msg("bad number '%s' in fixture", s);
    return v;
}

#endif
