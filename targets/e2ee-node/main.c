/* main.c — targets/e2ee-node: an E2EE sensor node on the ATmega328P. Every
 * MSG_INTERVAL_S seconds it reads A0, builds {"data":{"value":A0},"SEQN":n},
 * encrypts it as the Crypto-JS backend expects (e2ee_msg.h) under an IV
 * whitened from the noise of the floating input A1, prints the three lines
 * of the reference ESP8266 sketch at 115200 baud, and sleeps in power-down.
 * After a reset it prints a banner, and its first message says "boot":true. */
#include <avr/pgmspace.h>
#include <string.h>

#include "e2ee_msg.h"
#include "hal.h"

#ifndef MSG_INTERVAL_S
#define MSG_INTERVAL_S 8
#endif
#ifndef KEY_BYTES
#error "KEY_BYTES (16 comma-separated bytes) comes from the Makefile"
#endif

static const uint8_t key_flash[16] PROGMEM = {KEY_BYTES};
static enode node;

static void uart_out(void *ctx, char c)
{
    (void)ctx;
    hal_putc(c);
}

static void put_P(const char *s)
{
    char c;
    while ((c = (char)pgm_read_byte(s++)))
        hal_putc(c);
}

static void put_u(uint16_t v)
{
    char d[5];
    uint8_t n = 0;
    do {
        d[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        hal_putc(d[--n]);
}

int main(void)
{
    hal_init();
    put_P(PSTR("e2ee-node: boot\r\ne2ee-node 1.0 variant="));
    put_P(enode_variant());
    put_P(PSTR(" interval="));
    put_u(MSG_INTERVAL_S);
    put_P(PSTR("s\r\n"));

    uint8_t key[16];
    memcpy_P(key, key_flash, sizeof key);
    uint32_t persist = enode_init(&node, key, hal_nvm_read());
    memset(key, 0, sizeof key);
    if (persist)
        hal_nvm_write(persist);

    const enode_out out = {uart_out, 0};
    for (;;) {
        uint8_t noise[8];
        hal_noise(noise);
        uint16_t value = hal_adc(HAL_ADC_SENSOR);
        persist = enode_send(&node, noise, value, &out);
        if (persist)
            hal_nvm_write(persist);
        hal_sleep_s(MSG_INTERVAL_S);
    }
}
