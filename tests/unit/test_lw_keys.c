/* test_lw_keys.c — keys files: plain hex, the C lines TTN's console copies
 * for LMIC, the ttn-abp sketch's key lines among its other code, and every
 * error path; key masking. Expected keys: the reference device of issue 2
 * (DevAddr 0x95337738, NwkSKey AA0F29D3..., AppSKey 2F85435B...). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "check/lorawan.h"

static const uint8_t NWK[16] = {0xAA, 0x0F, 0x29, 0xD3, 0x9D, 0x7A, 0xAE, 0x3B,
                                0x54, 0xCF, 0xDF, 0x2F, 0x2A, 0x23, 0x55, 0xB5};
static const uint8_t APP[16] = {0x2F, 0x85, 0x43, 0x5B, 0x34, 0x9C, 0x80, 0xC6,
                                0xA8, 0xFA, 0x27, 0x49, 0x5A, 0x36, 0x82, 0x21};

#define NWK_ARRAY "{ 0xAA, 0x0F, 0x29, 0xD3, 0x9D, 0x7A, 0xAE, 0x3B, 0x54, 0xCF, 0xDF, 0x2F, 0x2A, 0x23, 0x55, 0xB5 }"
#define APP_ARRAY "{ 0x2F, 0x85, 0x43, 0x5B, 0x34, 0x9C, 0x80, 0xC6, 0xA8, 0xFA, 0x27, 0x49, 0x5A, 0x36, 0x82, 0x21 }"

static void expect_ref(const char *text)
{
    lw_keys k;
    memset(&k, 0x55, sizeof k);
    char err[256] = "";
    if (lw_keys_parse(text, "keys.txt", &k, err, sizeof err) != 0)
        fail_msg("rejected: %s\n--- text:\n%s", err, text);
    assert_int_equal(k.devaddr, 0x95337738);
    assert_memory_equal(k.nwkskey, NWK, 16);
    assert_memory_equal(k.appskey, APP, 16);
}

static void plain_hex(void **state)
{
    (void)state;
    expect_ref("# reference device\n"
               "DevAddr 95337738\n"
               "NwkSKey AA0F29D39D7AAE3B54CFDF2F2A2355B5\n"
               "AppSKey 2F85435B349C80C6A8FA27495A368221\n");
    expect_ref("devaddr = 95337738\n"
               "nwkskey = aa0f29d39d7aae3b54cfdf2f2a2355b5\n"
               "appskey = 2f85435b349c80c6a8fa27495a368221");
    expect_ref("DEVADDR 0x95337738\n"
               "NWKSKEY: AA 0F 29 D3 9D 7A AE 3B 54 CF DF 2F 2A 23 55 B5\n"
               "APPSKEY: 2F:85:43:5B:34:9C:80:C6:A8:FA:27:49:5A:36:82:21\n");
    expect_ref("AppSKey=2F85435B349C80C6A8FA27495A368221\r\n"
               "NwkSKey=AA0F29D39D7AAE3B54CFDF2F2A2355B5\r\n"
               "Dev_Addr=0x95337738\r\n");
    expect_ref("DevAddr: 95337738, NwkSKey: AA0F29D39D7AAE3B54CFDF2F2A2355B5, "
               "AppSKey: 2F85435B349C80C6A8FA27495A368221\n");
}

static void lmic_c_form(void **state)
{
    (void)state;
    /* the lines of the ttn-abp sketch, with TTN's console values pasted */
    expect_ref("// LoRaWAN NwkSKey, network session key\n"
               "static const PROGMEM u1_t NWKSKEY[16] = " NWK_ARRAY ";\n"
               "\n"
               "// LoRaWAN AppSKey, application session key\n"
               "static const u1_t PROGMEM APPSKEY[16] = " APP_ARRAY ";\n"
               "\n"
               "// LoRaWAN end-device address (DevAddr)\n"
               "static const u4_t DEVADDR = 0x95337738 ; // <-- Change this address for every node!\n");
    /* the console's bare forms */
    expect_ref("NWKSKEY = " NWK_ARRAY "\nAPPSKEY = " APP_ARRAY "\nDEVADDR = 0x95337738\n");
    expect_ref("NWKSKEY " NWK_ARRAY "\nAPPSKEY " APP_ARRAY "\nDEVADDR 0x95337738UL\n");
    expect_ref("#define DEVADDR 0x95337738\nNWKSKEY{0xaa,0x0f,0x29,0xd3,0x9d,0x7a,0xae,0x3b,"
               "0x54,0xcf,0xdf,0x2f,0x2a,0x23,0x55,0xb5,}\nAPPSKEY = " APP_ARRAY);
    /* an array over several lines, with comments inside */
    expect_ref("static const u1_t NWKSKEY[16] = {\n"
               "    0xAA, 0x0F, 0x29, 0xD3, /* first */ 0x9D, 0x7A, 0xAE, 0x3B,\n"
               "    0x54, 0xCF, 0xDF, 0x2F, // second\n"
               "    0x2A, 0x23, 0x55, 0xB5\n"
               "};\n"
               "static const u1_t APPSKEY[16] = " APP_ARRAY ";\n"
               "static const u4_t DEVADDR = 0x95337738;\n");
    /* DevAddr as a 4-byte array */
    expect_ref("DEVADDR = { 0x95, 0x33, 0x77, 0x38 }\nNWKSKEY = " NWK_ARRAY "\nAPPSKEY = " APP_ARRAY);
}

/* The sketch's other uses of the same names must not count. */
static void whole_sketch(void **state)
{
    (void)state;
    expect_ref("/*******************************************************************************\n"
               " * This uses ABP (Activation-by-personalisation), where a DevAddr and\n"
               " * Session keys are preconfigured (unlike OTAA, where a DevEUI and\n"
               " * application key is configured, while the DevAddr and session keys are\n"
               " * assigned/generated in the over-the-air-activation procedure).\n"
               " *******************************************************************************/\n"
               "#include <lmic.h>\n"
               "#include <hal/hal.h>\n"
               "#include <SPI.h>\n"
               "\n"
               "// LoRaWAN NwkSKey, network session key\n"
               "// This should be in big-endian (aka msb).\n"
               "static const PROGMEM u1_t NWKSKEY[16] = " NWK_ARRAY ";\n"
               "\n"
               "// LoRaWAN AppSKey, application session key\n"
               "static const u1_t PROGMEM APPSKEY[16] = " APP_ARRAY ";\n"
               "\n"
               "// LoRaWAN end-device address (DevAddr)\n"
               "static const u4_t DEVADDR = 0x95337738 ; // <-- Change this address for every node!\n"
               "\n"
               "void os_getArtEui (u1_t* buf) { }\n"
               "void os_getDevEui (u1_t* buf) { }\n"
               "void os_getDevKey (u1_t* buf) { }\n"
               "\n"
               "void setup() {\n"
               "    #ifdef PROGMEM\n"
               "    uint8_t appskey[sizeof(APPSKEY)];\n"
               "    uint8_t nwkskey[sizeof(NWKSKEY)];\n"
               "    memcpy_P(appskey, APPSKEY, sizeof(APPSKEY));\n"
               "    memcpy_P(nwkskey, NWKSKEY, sizeof(NWKSKEY));\n"
               "    LMIC_setSession (0x13, DEVADDR, nwkskey, appskey);\n"
               "    #else\n"
               "    LMIC_setSession (0x13, DEVADDR, NWKSKEY, APPSKEY);\n"
               "    #endif\n"
               "}\n");
}

static void expect_err(const char *text, const char *needle)
{
    lw_keys k;
    char err[256] = "";
    assert_int_equal(lw_keys_parse(text, "keys.txt", &k, err, sizeof err), -1);
    if (!strstr(err, needle))
        fail_msg("error '%s' does not contain '%s'", err, needle);
    /* never echo key material */
    assert_null(strstr(err, "29D39D"));
    assert_null(strstr(err, "0x29, 0xD3"));
    assert_null(strstr(err, "435B349C"));
}

#define GOOD_DA "DevAddr 95337738\n"
#define GOOD_NWK "NwkSKey AA0F29D39D7AAE3B54CFDF2F2A2355B5\n"
#define GOOD_APP "AppSKey 2F85435B349C80C6A8FA27495A368221\n"

static void errors(void **state)
{
    (void)state;
    expect_err(GOOD_DA "NwkSKey AA0F29D39D7AAE3B54CFDF2F2A2355\n" GOOD_APP,
               "keys.txt:2: NwkSKey has 15 bytes, expected 16");
    expect_err(GOOD_DA "NwkSKey AA0F29D39D7AAE3B54CFDF2F2A2355B5B5\n" GOOD_APP,
               "keys.txt:2: NwkSKey has 17 bytes, expected 16");
    expect_err(GOOD_DA GOOD_NWK "AppSKey 2F85435B349C80C6A8FA27495A36822\n",
               "keys.txt:3:9: AppSKey has an odd number of hex digits (31)");
    expect_err(GOOD_DA "NwkSKey AA0F29D39D7AAE3B54CFDF2F2A2355G5\n" GOOD_APP,
               "keys.txt:2:39: NwkSKey: invalid hex digit 'G'");
    expect_err("DevAddr 953377\n" GOOD_NWK GOOD_APP, "keys.txt:1: DevAddr has 3 bytes, expected 4");
    expect_err("DEVADDR = 0x9533773G\n" GOOD_NWK GOOD_APP, "keys.txt:1:20: DevAddr: invalid hex digit 'G'");
    expect_err(GOOD_DA "NWKSKEY = { 0xAA, 0x0F, 0x29, 0x1D3 }\n" GOOD_APP,
               "keys.txt:2:31: NwkSKey: element 4 has 3 hex digits");
    expect_err(GOOD_DA "NWKSKEY = { FILLMEIN };\n" GOOD_APP,
               "keys.txt:2:14: NwkSKey: invalid hex digit 'I' in element 1");
    expect_err(GOOD_DA "NWKSKEY = { 0xAA, , 0x0F }\n" GOOD_APP,
               "NwkSKey: element 2 has no hex digits");
    expect_err(GOOD_DA GOOD_APP "NWKSKEY = { 0xAA, 0x0F,\n", "keys.txt:3:11: NwkSKey: '{' without a closing '}'");
    expect_err(GOOD_DA "NWKSKEY = { 0xAA }\n" GOOD_APP, "keys.txt:2: NwkSKey has 1 byte, expected 16");
    expect_err(GOOD_DA GOOD_NWK GOOD_APP "nwkskey = AA0F29D39D7AAE3B54CFDF2F2A2355B5\n",
               "keys.txt:4: NwkSKey given again (first on line 2)");
    expect_err(GOOD_DA GOOD_NWK, "keys.txt: no AppSKey found");
    expect_err(GOOD_NWK GOOD_APP, "keys.txt: no DevAddr found");
    expect_err(GOOD_DA GOOD_APP, "keys.txt: no NwkSKey found");
    expect_err("", "no DevAddr found");
    expect_err("just some text\n", "no DevAddr found");
    expect_err(GOOD_DA "NWKSKEY =\n" GOOD_APP, "keys.txt:2: NwkSKey has no value");
    expect_err(GOOD_DA "NWKSKEY = ;\n" GOOD_APP, "keys.txt:2:11: NwkSKey has no value");
    expect_err(GOOD_DA "NWKSKEY = 0x\n" GOOD_APP, "NwkSKey has no value");
    expect_err("static const u1_t PROGMEM APPEUI[8]={ 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08 };\n"
               "static const u1_t PROGMEM DEVEUI[8]={ 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08 };\n",
               "OTAA");
    /* comments hide definitions */
    expect_err("// DevAddr 95337738\n" GOOD_NWK GOOD_APP, "no DevAddr found");
    expect_err("/* DevAddr 95337738 */\n" GOOD_NWK GOOD_APP, "no DevAddr found");
    expect_err("# DevAddr 95337738\n" GOOD_NWK GOOD_APP, "no DevAddr found");

    lw_keys k;
    char err[64];
    assert_int_equal(lw_keys_parse(NULL, "x", &k, err, sizeof err), -1);
    assert_int_equal(lw_keys_parse(GOOD_DA, NULL, &k, err, sizeof err), -1);
    assert_non_null(strstr(err, "keys: no NwkSKey"));
    assert_int_equal(lw_keys_parse(GOOD_DA GOOD_NWK GOOD_APP, "x", NULL, err, sizeof err), -1);
    assert_int_equal(lw_keys_parse("", "x", &k, NULL, 0), -1);
}

static void mask(void **state)
{
    (void)state;
    char out[LW_MASKED_LEN];
    lw_mask_key(NWK, out, sizeof out);
    assert_string_equal(out, "AA0F\xE2\x80\xA6" "55B5");
    lw_mask_key(APP, out, sizeof out);
    assert_string_equal(out, "2F85\xE2\x80\xA6" "8221");
    char small[LW_MASKED_LEN - 1] = "zzz";
    lw_mask_key(NWK, small, sizeof small);
    assert_string_equal(small, "");
    char none[1] = {'z'};
    lw_mask_key(NWK, none, 0);
    assert_int_equal(none[0], 'z');
    lw_mask_key(NULL, out, sizeof out);
    assert_string_equal(out, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(plain_hex),
        cmocka_unit_test(lmic_c_form),
        cmocka_unit_test(whole_sketch),
        cmocka_unit_test(errors),
        cmocka_unit_test(mask),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
