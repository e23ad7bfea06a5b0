/* e2ee_msg.c — E2EE message building for the node; see e2ee_msg.h. No
 * printf (too big for the AVR), constant strings in flash there. */
#include "e2ee_msg.h"

#include <string.h>

#ifdef __AVR__
#include <avr/pgmspace.h>
#define FSTR(s) PSTR(s)
#define FBYTE(p) pgm_read_byte(p)
#define FLASH PROGMEM
#else
#define FSTR(s) (s)
#define FBYTE(p) (*(const uint8_t *)(p))
#define FLASH
#endif

#if defined(E2EE_BUG_ZERO_IV) + defined(E2EE_BUG_IV_REUSED) + defined(E2EE_BUG_SEQN_BACKWARDS) + \
    defined(E2EE_BUG_PAD_DROPS_LAST) + defined(E2EE_BUG_TRUNCATED) > 1
#error "compile in at most one E2EE_BUG_*"
#endif

static const char b64chars[64] FLASH =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void put_s(const enode_out *o, const char *flash_s)
{
    char c;
    while ((c = (char)FBYTE(flash_s++)))
        o->putc(o->ctx, c);
}

static void put_n(const enode_out *o, const char *s, uint8_t n)
{
    while (n--)
        o->putc(o->ctx, *s++);
}

const char *enode_variant(void)
{
#if defined(E2EE_BUG_ZERO_IV)
    return FSTR("zero-iv");
#elif defined(E2EE_BUG_IV_REUSED)
    return FSTR("iv-reused");
#elif defined(E2EE_BUG_SEQN_BACKWARDS)
    return FSTR("seqn-backwards");
#elif defined(E2EE_BUG_PAD_DROPS_LAST)
    return FSTR("pad-drops-last");
#elif defined(E2EE_BUG_TRUNCATED)
    return FSTR("truncated");
#else
    return FSTR("ok");
#endif
}

/* ------------------------------------------------------------ JSON */

static uint8_t copy_f(char *out, const char *flash_s)
{
    uint8_t n = 0;
    char c;
    while ((c = (char)FBYTE(flash_s++)))
        out[n++] = c;
    return n;
}

static uint8_t decimal(char *out, uint32_t v)
{
    char tmp[10];
    uint8_t n = 0, k = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        out[k++] = tmp[--n];
    return k;
}

uint8_t enode_json(char *out, uint8_t boot, uint16_t value, uint32_t seqn)
{
    uint8_t n = 0;
    out[n++] = '{';
    if (boot)
        n += copy_f(out + n, FSTR("\"boot\":true,"));
    n += copy_f(out + n, FSTR("\"data\":{\"value\":"));
    n += decimal(out + n, value);
    n += copy_f(out + n, FSTR("},\"SEQN\":"));
    n += decimal(out + n, seqn);
    out[n++] = '}';
    return n; /* at most 1 + 12 + 16 + 5 + 9 + 10 + 1 = 54 <= ENODE_JSON_MAX */
}

/* ------------------------------------------------------------ base64 */

/* One 3-byte group (k = 1..3 bytes present) as 4 characters. */
static void b64_group(const uint8_t *in, uint8_t k, char q[4])
{
    uint32_t v = (uint32_t)in[0] << 16 | (uint32_t)(k > 1 ? in[1] : 0) << 8 | (k > 2 ? in[2] : 0);
    q[0] = (char)FBYTE(&b64chars[v >> 18]);
    q[1] = (char)FBYTE(&b64chars[(v >> 12) & 63]);
    q[2] = k > 1 ? (char)FBYTE(&b64chars[(v >> 6) & 63]) : '=';
    q[3] = k > 2 ? (char)FBYTE(&b64chars[v & 63]) : '=';
}

uint8_t enode_b64(const uint8_t *in, uint8_t n, char *out)
{
    uint8_t o = 0;
    for (uint8_t i = 0; i < n; i += 3, o += 4)
        b64_group(in + i, (uint8_t)(n - i >= 3 ? 3 : n - i), out + o);
    return o;
}

void enode_b64_put(const uint8_t *in, uint8_t n, const enode_out *o)
{
    char q[4];
    for (uint8_t i = 0; i < n; i += 3) {
        b64_group(in + i, (uint8_t)(n - i >= 3 ? 3 : n - i), q);
        put_n(o, q, 4);
    }
}

/* ------------------------------------------------------------ AES-CBC */

uint8_t enode_pkcs7(uint8_t *buf, uint8_t n)
{
#ifdef E2EE_BUG_PAD_DROPS_LAST
    /* as spaniakos/AES's calc_size_n_pad did until 2018: it took the length
     * of a C string *with* its NUL, so the last real byte is padded over */
    n--;
#endif
    uint8_t p = (uint8_t)(16 - n % 16);
    memset(buf + n, p, p);
    return (uint8_t)(n + p);
}

void enode_iv(const aes128_ctx *k, const uint8_t noise[8], uint32_t seqn, uint8_t iv[16])
{
    uint8_t nonce[16];
    memcpy(nonce, noise, 8);
    nonce[8] = (uint8_t)seqn;
    nonce[9] = (uint8_t)(seqn >> 8);
    nonce[10] = (uint8_t)(seqn >> 16);
    nonce[11] = (uint8_t)(seqn >> 24);
    memcpy(nonce + 12, "E2EE", 4);
    aes128_encrypt(k, nonce, iv);
}

void enode_frame(const aes128_ctx *k, const uint8_t iv[16], uint8_t boot, uint16_t value,
                uint32_t seqn, const enode_out *o)
{
    char json[ENODE_JSON_MAX];
    uint8_t buf[ENODE_B64_MAX + 16]; /* the base64 text, then its padding */
    uint8_t jn = enode_json(json, boot, value, seqn);
    uint8_t m = enode_b64((const uint8_t *)json, jn, (char *)buf);

    put_s(o, FSTR("IV b64: "));
    enode_b64_put(iv, 16, o);
    put_s(o, FSTR("\r\nMessage in B64: "));
    put_n(o, (const char *)buf, m);
    put_s(o, FSTR("\r\n"));

    uint8_t len = enode_pkcs7(buf, m);
    const uint8_t *chain = iv;
    for (uint8_t i = 0; i < len; i += 16) {
        for (uint8_t j = 0; j < 16; j++)
            buf[i + j] ^= chain[j];
        aes128_encrypt(k, buf + i, buf + i);
        chain = buf + i;
    }
#ifdef E2EE_BUG_TRUNCATED
    len = (uint8_t)(m / 16 * 16); /* "whole blocks only": the padding block is lost */
#endif
    put_s(o, FSTR("Encrypted data in base64: "));
    enode_b64_put(buf, len, o);
    put_s(o, FSTR("\r\n"));
}

/* ------------------------------------------------------------ the node */

uint32_t enode_init(enode *n, const uint8_t key[16], uint32_t stored)
{
    memset(n, 0, sizeof *n);
    aes128_init(&n->aes, key);
    n->boot = 1;
#ifdef E2EE_BUG_SEQN_BACKWARDS
    (void)stored;
    n->seqn = 1001; /* counts down: 1000, 999, ... */
    return 0;
#else
    /* continue after everything the last run may have used */
    n->seqn = stored == 0xFFFFFFFFul ? 0 : stored;
    n->reserved = n->seqn + ENODE_SEQN_RESERVE;
    return n->reserved;
#endif
}

uint32_t enode_send(enode *n, const uint8_t noise[8], uint16_t value, const enode_out *o)
{
    uint32_t persist = 0;
#ifdef E2EE_BUG_SEQN_BACKWARDS
    n->seqn--;
#else
    n->seqn++;
    if (n->seqn > n->reserved) {
        n->reserved = n->seqn + ENODE_SEQN_RESERVE;
        persist = n->reserved;
    }
#endif
    uint8_t iv[16];
#if defined(E2EE_BUG_ZERO_IV)
    (void)noise;
    memset(iv, 0, sizeof iv);
#elif defined(E2EE_BUG_IV_REUSED)
    if (!n->iv_made) {
        enode_iv(&n->aes, noise, n->seqn, n->iv);
        n->iv_made = 1;
    }
    memcpy(iv, n->iv, 16);
#else
    enode_iv(&n->aes, noise, n->seqn, iv);
#endif
    enode_frame(&n->aes, iv, n->boot, value, n->seqn, o);
    n->boot = 0;
    return persist;
}
