/* rpt_util.c — the small pieces every report writer shares: an arena for
 * copies, hex and time formatting, and the escaping rules of XML, HTML and
 * Markdown. Escaping lives here so that no writer can forget it. */
#include "reports/rpt_int.h"

#include <stdlib.h>
#include <string.h>

typedef struct block {
    struct block *next;
    max_align_t align[];
} block;

void *rpt_arena_new(void)
{
    return calloc(1, sizeof(block *));
}

void *rpt_arena_alloc(void *arena, size_t n)
{
    block **head = arena;
    block *b = malloc(sizeof *b + (n ? n : 1));
    if (!b)
        return NULL;
    b->next = *head;
    *head = b;
    return b->align;
}

char *rpt_arena_strdup(void *arena, const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *d = rpt_arena_alloc(arena, n);
    if (d)
        memcpy(d, s, n);
    return d;
}

void rpt_arena_free(void *arena)
{
    if (!arena)
        return;
    block **head = arena;
    for (block *b = *head, *next; b; b = next) {
        next = b->next;
        free(b);
    }
    free(head);
}

void rpt_hex(const uint8_t *p, size_t n, char *out)
{
    static const char d[] = "0123456789ABCDEF";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = d[p[i] >> 4];
        out[2 * i + 1] = d[p[i] & 15];
    }
    out[2 * n] = 0;
}

const char *rpt_masked(void *arena, const char *s, const rpt_opts *opts)
{
    char *m = rpt_mask_text(s ? s : "", opts);
    if (!m)
        return NULL;
    const char *r = rpt_arena_strdup(arena, m);
    free(m);
    return r;
}

void rpt_fmt_s(uint64_t ns, char *out, size_t outlen)
{
    uint64_t ms = (ns + 500000) / 1000000;
    snprintf(out, outlen, "%llu.%03llu", (unsigned long long)(ms / 1000),
             (unsigned long long)(ms % 1000));
}

void rpt_run_name(const rpt_events *e, rpt_span span, const rpt_opts *opts, char *out,
                  size_t outlen)
{
    const char *src = opts && opts->name ? opts->name : NULL;
    char tmp[256] = "";
    if (!src) {
        for (size_t i = span.first; i < span.first + span.count; i++) {
            const ev_event *ev = &e->ev[i];
            if (ev->type == EV_RUN_START && ev->u.start.firmware && *ev->u.start.firmware) {
                const char *b = strrchr(ev->u.start.firmware, '/');
                snprintf(tmp, sizeof tmp, "%s", b ? b + 1 : ev->u.start.firmware);
                char *dot = strrchr(tmp, '.');
                if (dot && dot != tmp)
                    *dot = 0;
                src = tmp;
                break;
            }
        }
    }
    if (!src || !*src)
        src = "run";
    char *m = rpt_mask_text(src, opts);
    snprintf(out, outlen, "%s", m ? m : "run");
    free(m);
}

const char *rpt_mtype_name(int mtype)
{
    static const char *const names[8] = {
        "JoinRequest", "JoinAccept", "UnconfirmedDataUp", "UnconfirmedDataDown",
        "ConfirmedDataUp", "ConfirmedDataDown", "RFU", "Proprietary"};
    return mtype >= 0 && mtype < 8 ? names[mtype] : "?";
}

/* XML 1.0 allows no C0 control other than TAB, LF, CR: they become U+FFFD. */
static void xml_char(FILE *f, unsigned char c, int html)
{
    switch (c) {
    case '&': fputs("&amp;", f); return;
    case '<': fputs("&lt;", f); return;
    case '>': fputs("&gt;", f); return;
    case '"': fputs("&quot;", f); return;
    case '\'': fputs("&#39;", f); return;
    default: break;
    }
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
        fputs("\xEF\xBF\xBD", f);
        return;
    }
    if (c == 0x7F) {
        fputs("\xEF\xBF\xBD", f);
        return;
    }
    /* In HTML, text from events never spells a URL, an attribute or an
     * at-rule: ':' '/' '=' '@' become character references, which a browser
     * shows unchanged. */
    if (html && (c == ':' || c == '/' || c == '=' || c == '@')) {
        fprintf(f, "&#%d;", c);
        return;
    }
    fputc(c, f);
}

void rpt_xml_escape(FILE *f, const char *s)
{
    for (; s && *s; s++)
        xml_char(f, (unsigned char)*s, 0);
}

void rpt_html_escape(FILE *f, const char *s)
{
    for (; s && *s; s++)
        xml_char(f, (unsigned char)*s, 1);
}

void rpt_md_escape(FILE *f, const char *s)
{
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '\n' || c == '\r' || c == '\t') {
            fputc(' ', f);
        } else if (c < 0x20 || c == 0x7F) {
            fputs("\xEF\xBF\xBD", f);
        } else if (c == '<') {
            fputs("&lt;", f);
        } else if (c == '>') {
            fputs("&gt;", f);
        } else if (c == '&') {
            fputs("&amp;", f);
        } else if (strchr("\\`*_[]|#!~", c)) {
            fputc('\\', f);
            fputc(c, f);
        } else {
            fputc(c, f);
        }
    }
}

const char *rpt_masked_keys(void *arena, const char *s, const rpt_opts *opts)
{
    char *m = rpt_mask_keys_only(s ? s : "", opts);
    if (!m)
        return NULL;
    const char *r = rpt_arena_strdup(arena, m);
    free(m);
    return r;
}
