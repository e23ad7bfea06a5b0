/* test_sx1276_lmic.c — register values IBM LMIC 1.5 (matthijskooijman
 * arduino-lmic 1.5.1, src/lmic/radio.c) really writes to an SX1276, which
 * run on real Dragino/RFM95 boards and so must not fault in the model:
 *  - rxlora(RXMODE_RSSI): RegModemConfig1 = 0x0A
 *    (RXLORA_RXMODE_RSSI_REG_MODEM_CONFIG1, an SX1272 value: CR code 5 on the
 *    SX1276), RegModemConfig2 = 0x70, then RXCONTINUOUS and reads of
 *    RegRssiWideband (0x2C) until its low bit changes;
 *  - configPower(): "#define RegPaDac 0x5A // common" (the SX1272 address),
 *    writeReg(RegPaDac, readReg(RegPaDac)|0x4).
 * A reserved coding rate must still fault where it matters: TX. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "sim/sx1276.h"

typedef struct rec {
    int faults;
    char last[192];
    int tx;
} rec;

static void on_fault(void *ctx, const char *what, uint64_t t)
{
    (void)t;
    rec *r = ctx;
    r->faults++;
    strncpy(r->last, what, sizeof r->last - 1);
}

static void on_tx(void *ctx, const ev_radio_tx *tx, uint64_t t)
{
    (void)tx, (void)t;
    ((rec *)ctx)->tx++;
}

static uint64_t now = 10000000;     /* after power-on reset */

static uint8_t xfer(sx1276 *r, uint8_t addr, uint8_t v)
{
    sx1276_nss(r, false, now);
    sx1276_spi_byte(r, addr, now += 1000);
    uint8_t miso = sx1276_spi_byte(r, v, now += 1000);
    sx1276_nss(r, true, now += 1000);
    return miso;
}

static void wr(sx1276 *r, uint8_t a, uint8_t v) { xfer(r, (uint8_t)(a | 0x80), v); }
static uint8_t rd(sx1276 *r, uint8_t a) { return xfer(r, a, 0); }

static sx1276 *radio(rec *c)
{
    sx1276_hooks h = {.ctx = c, .fault = on_fault, .tx_started = on_tx};
    sx1276 *r = sx1276_new(&h, 7);
    assert_non_null(r);
    wr(r, 0x01, 0x00);      /* SLEEP (FSK) */
    wr(r, 0x01, 0x80);      /* LoRa, SLEEP */
    wr(r, 0x01, 0x81);      /* STDBY */
    return r;
}

static void rssi_seeding_with_sx1272_config(void **state)
{
    (void)state;
    rec c = {0};
    sx1276 *r = radio(&c);
    wr(r, 0x1D, 0x0A);
    wr(r, 0x1E, 0x70);
    wr(r, 0x01, 0x85);      /* RXCONTINUOUS */
    assert_int_equal(rd(r, 0x01) & 7, 5);
    int changes = 0;
    uint8_t prev = rd(r, 0x2C) & 1;
    for (int i = 0; i < 200; i++) {
        uint8_t b = rd(r, 0x2C) & 1;
        changes += b != prev;
        prev = b;
    }
    assert_true(changes > 0);
    if (c.faults)
        fail_msg("fault: %s", c.last);
    sx1276_free(r);
}

static void padac_at_sx1272_address(void **state)
{
    (void)state;
    rec c = {0};
    sx1276 *r = radio(&c);
    wr(r, 0x5A, (uint8_t)(rd(r, 0x5A) | 0x04));
    if (c.faults)
        fail_msg("fault: %s", c.last);
    sx1276_free(r);
}

static void reserved_cr_still_faults_in_tx(void **state)
{
    (void)state;
    rec c = {0};
    sx1276 *r = radio(&c);
    wr(r, 0x1D, 0x0A);
    wr(r, 0x1E, 0x74);
    wr(r, 0x22, 4);         /* RegPayloadLength */
    wr(r, 0x01, 0x83);      /* TX */
    assert_int_equal(c.tx, 0);
    assert_true(c.faults >= 1);
    assert_non_null(strstr(c.last, "coding rate"));
    sx1276_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rssi_seeding_with_sx1272_config),
        cmocka_unit_test(padac_at_sx1272_address),
        cmocka_unit_test(reserved_cr_still_faults_in_tx),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
