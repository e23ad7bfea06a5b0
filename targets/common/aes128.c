/* aes128.c — compact AES-128 forward cipher (FIPS-197) for the AVR targets;
 * see aes128.h. Byte-oriented and table-light on purpose: one 256-byte S-box
 * (in flash on the AVR), xtime() for MixColumns, no T-tables, so it fits a
 * 32 KB / 2 KB part and reads like the standard. The S-box is FIPS-197
 * Figure 7; the unit test proves it through the published test vectors. */
#include "aes128.h"

#ifdef __AVR__
#include <avr/pgmspace.h>
#define AES128_FLASH PROGMEM
#define AES128_SBOX(i) pgm_read_byte(&aes128_sbox[(i)])
#else
#define AES128_FLASH
#define AES128_SBOX(i) (aes128_sbox[(i)])
#endif

static const uint8_t aes128_sbox[256] AES128_FLASH = {
    0x63, 0x7c, 0x77, 0x7b, 0xf2, 0x6b, 0x6f, 0xc5, 0x30, 0x01, 0x67, 0x2b, 0xfe, 0xd7, 0xab, 0x76,
    0xca, 0x82, 0xc9, 0x7d, 0xfa, 0x59, 0x47, 0xf0, 0xad, 0xd4, 0xa2, 0xaf, 0x9c, 0xa4, 0x72, 0xc0,
    0xb7, 0xfd, 0x93, 0x26, 0x36, 0x3f, 0xf7, 0xcc, 0x34, 0xa5, 0xe5, 0xf1, 0x71, 0xd8, 0x31, 0x15,
    0x04, 0xc7, 0x23, 0xc3, 0x18, 0x96, 0x05, 0x9a, 0x07, 0x12, 0x80, 0xe2, 0xeb, 0x27, 0xb2, 0x75,
    0x09, 0x83, 0x2c, 0x1a, 0x1b, 0x6e, 0x5a, 0xa0, 0x52, 0x3b, 0xd6, 0xb3, 0x29, 0xe3, 0x2f, 0x84,
    0x53, 0xd1, 0x00, 0xed, 0x20, 0xfc, 0xb1, 0x5b, 0x6a, 0xcb, 0xbe, 0x39, 0x4a, 0x4c, 0x58, 0xcf,
    0xd0, 0xef, 0xaa, 0xfb, 0x43, 0x4d, 0x33, 0x85, 0x45, 0xf9, 0x02, 0x7f, 0x50, 0x3c, 0x9f, 0xa8,
    0x51, 0xa3, 0x40, 0x8f, 0x92, 0x9d, 0x38, 0xf5, 0xbc, 0xb6, 0xda, 0x21, 0x10, 0xff, 0xf3, 0xd2,
    0xcd, 0x0c, 0x13, 0xec, 0x5f, 0x97, 0x44, 0x17, 0xc4, 0xa7, 0x7e, 0x3d, 0x64, 0x5d, 0x19, 0x73,
    0x60, 0x81, 0x4f, 0xdc, 0x22, 0x2a, 0x90, 0x88, 0x46, 0xee, 0xb8, 0x14, 0xde, 0x5e, 0x0b, 0xdb,
    0xe0, 0x32, 0x3a, 0x0a, 0x49, 0x06, 0x24, 0x5c, 0xc2, 0xd3, 0xac, 0x62, 0x91, 0x95, 0xe4, 0x79,
    0xe7, 0xc8, 0x37, 0x6d, 0x8d, 0xd5, 0x4e, 0xa9, 0x6c, 0x56, 0xf4, 0xea, 0x65, 0x7a, 0xae, 0x08,
    0xba, 0x78, 0x25, 0x2e, 0x1c, 0xa6, 0xb4, 0xc6, 0xe8, 0xdd, 0x74, 0x1f, 0x4b, 0xbd, 0x8b, 0x8a,
    0x70, 0x3e, 0xb5, 0x66, 0x48, 0x03, 0xf6, 0x0e, 0x61, 0x35, 0x57, 0xb9, 0x86, 0xc1, 0x1d, 0x9e,
    0xe1, 0xf8, 0x98, 0x11, 0x69, 0xd9, 0x8e, 0x94, 0x9b, 0x1e, 0x87, 0xe9, 0xce, 0x55, 0x28, 0xdf,
    0x8c, 0xa1, 0x89, 0x0d, 0xbf, 0xe6, 0x42, 0x68, 0x41, 0x99, 0x2d, 0x0f, 0xb0, 0x54, 0xbb, 0x16,
};

/* Multiplication by x in GF(2^8) modulo x^8 + x^4 + x^3 + x + 1 (FIPS-197 4.2.1). */
static uint8_t xtime(uint8_t b)
{
    return (uint8_t)((b << 1) ^ ((b & 0x80) ? 0x1b : 0x00));
}

void aes128_init(aes128_ctx *c, const uint8_t key[16])
{
    uint8_t *w = c->rk;
    uint8_t rcon = 0x01;
    for (uint8_t i = 0; i < 16; i++)
        w[i] = key[i];
    /* Words 4..43: w[i] = w[i-4] ^ temp, temp = SubWord(RotWord(w[i-1])) ^ Rcon
     * for i a multiple of 4 (Nk = 4), else w[i-1]. */
    for (uint8_t i = 16; i < 176; i += 4) {
        uint8_t t0 = w[i - 4], t1 = w[i - 3], t2 = w[i - 2], t3 = w[i - 1];
        if ((i & 15) == 0) {
            uint8_t tmp = t0;
            t0 = (uint8_t)(AES128_SBOX(t1) ^ rcon);
            t1 = AES128_SBOX(t2);
            t2 = AES128_SBOX(t3);
            t3 = AES128_SBOX(tmp);
            rcon = xtime(rcon);
        }
        w[i + 0] = (uint8_t)(w[i - 16] ^ t0);
        w[i + 1] = (uint8_t)(w[i - 15] ^ t1);
        w[i + 2] = (uint8_t)(w[i - 14] ^ t2);
        w[i + 3] = (uint8_t)(w[i - 13] ^ t3);
    }
}

static void add_round_key(uint8_t s[16], const uint8_t *k)
{
    for (uint8_t i = 0; i < 16; i++)
        s[i] ^= k[i];
}

/* SubBytes and ShiftRows together. The state is column-major as in FIPS-197
 * 3.4: byte s[r + 4c] is row r, column c; row r rotates left by r columns. */
static void sub_shift(uint8_t s[16])
{
    uint8_t t;
    s[0] = AES128_SBOX(s[0]);
    s[4] = AES128_SBOX(s[4]);
    s[8] = AES128_SBOX(s[8]);
    s[12] = AES128_SBOX(s[12]);
    /* row 1: left by 1 */
    t = s[1];
    s[1] = AES128_SBOX(s[5]);
    s[5] = AES128_SBOX(s[9]);
    s[9] = AES128_SBOX(s[13]);
    s[13] = AES128_SBOX(t);
    /* row 2: left by 2 (two swaps) */
    t = s[2];
    s[2] = AES128_SBOX(s[10]);
    s[10] = AES128_SBOX(t);
    t = s[6];
    s[6] = AES128_SBOX(s[14]);
    s[14] = AES128_SBOX(t);
    /* row 3: left by 3 = right by 1 */
    t = s[15];
    s[15] = AES128_SBOX(s[11]);
    s[11] = AES128_SBOX(s[7]);
    s[7] = AES128_SBOX(s[3]);
    s[3] = AES128_SBOX(t);
}

/* MixColumns (FIPS-197 5.1.3), written with xtime as in 4.2.1:
 * s'0 = 2a ^ 3b ^ c ^ d = a ^ all ^ xtime(a ^ b), and so on. */
static void mix_columns(uint8_t s[16])
{
    for (uint8_t c = 0; c < 16; c += 4) {
        uint8_t a = s[c], b = s[c + 1], d = s[c + 2], e = s[c + 3];
        uint8_t all = (uint8_t)(a ^ b ^ d ^ e);
        s[c + 0] = (uint8_t)(a ^ all ^ xtime((uint8_t)(a ^ b)));
        s[c + 1] = (uint8_t)(b ^ all ^ xtime((uint8_t)(b ^ d)));
        s[c + 2] = (uint8_t)(d ^ all ^ xtime((uint8_t)(d ^ e)));
        s[c + 3] = (uint8_t)(e ^ all ^ xtime((uint8_t)(e ^ a)));
    }
}

void aes128_encrypt(const aes128_ctx *c, const uint8_t in[16], uint8_t out[16])
{
    uint8_t s[16];
    for (uint8_t i = 0; i < 16; i++)
        s[i] = in[i];
    add_round_key(s, c->rk);
    for (uint8_t round = 1; round < 10; round++) {
        sub_shift(s);
        mix_columns(s);
        add_round_key(s, c->rk + 16 * round);
    }
    sub_shift(s);
    add_round_key(s, c->rk + 160);
    for (uint8_t i = 0; i < 16; i++)
        out[i] = s[i];
}
