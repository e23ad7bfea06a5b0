/* sx1276.c — the Semtech SX1276 as its SPI bus, RESET pin and DIO pins see
 * it, in LoRa mode, for firmware running under the simulator.
 *
 * What it models (section numbers are those of the Semtech SX1276/77/78/79
 * datasheet rev. 4, March 2015; the HopeRF RFM95 datasheet, a rebadged copy,
 * was used to read the prose of sections 4.1 and 4.3):
 *  - the register file after power-on reset and after a RESET pulse (7.2):
 *    registers common to both modems (0x01, 0x06..0x0C, 0x40..0x7F), the
 *    LoRa page 0x0D..0x3F (6.4) and the FSK/OOK page 0x02..0x05, 0x0D..0x3F
 *    (6.2), kept apart as on the chip (4.1.2.1: "The content of the LoRa
 *    configuration registers is retained in FSK/OOK mode"), with
 *    AccessSharedReg (RegOpMode bit 6) exposing the FSK page in LoRa mode;
 *  - SPI framing (4.3): address byte with bit 7 = write, burst access with
 *    auto-increment, FIFO access at 0x00 through RegFifoAddrPtr (no address
 *    increment, the pointer increments and wraps at 256), MISO during a write
 *    returns the register's previous value;
 *  - the 256-byte LoRa FIFO (4.1.2.3): TX sends RegPayloadLength bytes from
 *    RegFifoTxBaseAddr, RX writes from RegFifoRxBaseAddr, sets
 *    RegFifoRxCurrentAddr, RegRxNbBytes, RegFifoRxByteAddr; the FIFO is
 *    cleared and not accessible in SLEEP;
 *  - the LoRa modes SLEEP, STDBY, FSTX, TX, FSRX, RXCONTINUOUS, RXSINGLE and
 *    CAD (4.1.3, 4.1.5), with LongRangeMode changeable only in SLEEP;
 *  - TxDone exactly one time on air after entering TX (time on air from
 *    check/lw_toa, the formula of 4.1.1.7), then STDBY; RXSINGLE's RxTimeout
 *    after RegSymbTimeout symbols; reception of frames offered by the air
 *    (ValidHeader, RxDone, packet SNR/RSSI, 5.5.5); CAD (4.1.5);
 *  - RegIrqFlags (write 1 to clear) and RegIrqFlagsMask (a masked IRQ is not
 *    set in RegIrqFlags, 6.4), and the DIO mapping of Table 18 (4.1.5.1),
 *    each DIO changing at the simulated instant its flag changes;
 *  - RegRssiWideband noise and RegRssiValue from a seeded generator.
 * Where real silicon differs from the datasheet and common drivers depend on
 * it, the code says so next to the rule, with the evidence.
 *
 * Anything else a driver does (FSK/OOK transmit or receive, FHSS, TX
 * continuous mode, reserved register values, test registers, ClkOut, SPI
 * during reset) produces a fault through the hooks, naming what it was,
 * rather than a silent wrong answer; so does receiving a frame that another
 * frame with the same SF and bandwidth overlapped on the channel.
 *
 * Time: every entry point takes the simulated time of the call and first
 * runs whatever fell due before it, so a register read always sees the chip
 * as it is at that instant. */
#include "sim/sx1276.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/lw_toa.h"

/* --- register addresses (6.1, 6.4) ------------------------------------- */
enum {
    REG_FIFO = 0x00, REG_OPMODE = 0x01,
    REG_FRF_MSB = 0x06, REG_FRF_MID = 0x07, REG_FRF_LSB = 0x08,
    REG_PA_CONFIG = 0x09, REG_PA_RAMP = 0x0A, REG_OCP = 0x0B, REG_LNA = 0x0C,
    /* LoRa page */
    LR_FIFO_ADDR_PTR = 0x0D, LR_FIFO_TX_BASE = 0x0E, LR_FIFO_RX_BASE = 0x0F,
    LR_FIFO_RX_CURRENT = 0x10, LR_IRQ_MASK = 0x11, LR_IRQ_FLAGS = 0x12,
    LR_RX_NB_BYTES = 0x13, LR_HDR_CNT_MSB = 0x14, LR_HDR_CNT_LSB = 0x15,
    LR_PKT_CNT_MSB = 0x16, LR_PKT_CNT_LSB = 0x17, LR_MODEM_STAT = 0x18,
    LR_PKT_SNR = 0x19, LR_PKT_RSSI = 0x1A, LR_RSSI = 0x1B, LR_HOP_CHANNEL = 0x1C,
    LR_MODEM_CONFIG1 = 0x1D, LR_MODEM_CONFIG2 = 0x1E, LR_SYMB_TIMEOUT_LSB = 0x1F,
    LR_PREAMBLE_MSB = 0x20, LR_PREAMBLE_LSB = 0x21, LR_PAYLOAD_LENGTH = 0x22,
    LR_MAX_PAYLOAD = 0x23, LR_HOP_PERIOD = 0x24, LR_FIFO_RX_BYTE_ADDR = 0x25,
    LR_MODEM_CONFIG3 = 0x26, LR_RSSI_WIDEBAND = 0x2C, LR_INVERT_IQ = 0x33,
    LR_SYNC_WORD = 0x39,
    /* FSK page registers the model looks at */
    FSK_OSC = 0x24, FSK_IMAGE_CAL = 0x3B,
    /* common */
    REG_DIO_MAPPING1 = 0x40, REG_DIO_MAPPING2 = 0x41, REG_VERSION = 0x42,
    REG_PA_DAC = 0x4D,
};

enum { MODE_SLEEP, MODE_STDBY, MODE_FSTX, MODE_TX, MODE_FSRX,
       MODE_RXCONT, MODE_RXSINGLE, MODE_CAD };

static const char *const lora_mode_name[8] = {
    "SLEEP", "STDBY", "FSTX", "TX", "FSRX", "RXCONTINUOUS", "RXSINGLE", "CAD" };
static const char *const fsk_mode_name[8] = {
    "SLEEP", "STDBY", "FSTX", "TX", "FSRX", "RX", "reserved (110)", "reserved (111)" };

/* RegIrqFlags bits (6.4) */
enum {
    IRQ_RX_TIMEOUT = 0x80, IRQ_RX_DONE = 0x40, IRQ_CRC_ERROR = 0x20,
    IRQ_VALID_HEADER = 0x10, IRQ_TX_DONE = 0x08, IRQ_CAD_DONE = 0x04,
    IRQ_FHSS = 0x02, IRQ_CAD_DETECTED = 0x01,
};

/* Power-on reset values. The datasheet's register tables give "Reset"
 * (what the chip holds after POR, and what a driver reads) and, for some FSK
 * registers, a different "Default" (Semtech's recommended value); these are
 * the Reset values.
 * Common registers and the LoRa page: 6.4 "LoRa Mode Register Map", column
 * Reset. RegOpMode: LongRangeMode 0, Mode 001 (STDBY) and LowFrequencyModeOn
 * 1 per the bit table, i.e. 0x09 (the summary table's "0x01" contradicts the
 * bit table; the bit table is taken). Registers 0x40..0x70: table 6.1
 * "Registers Summary", Reset column. "n/a" (status) registers start at 0.
 * LoRa registers this revision of the datasheet does not document (RegIfFreq1
 * 0x2F, RegIfFreq2 0x30, RegHighBwOptimize1/2 0x36/0x3A: errata registers
 * drivers only write) and the reserved LoRa addresses read 0x00 here. */
static const uint8_t por_common[0x80] = {
    [0x01] = 0x09,
    [0x06] = 0x6C, [0x07] = 0x80, [0x08] = 0x00,   /* 434 MHz */
    [0x09] = 0x4F, [0x0A] = 0x09, [0x0B] = 0x2B, [0x0C] = 0x20,
    [0x40] = 0x00, [0x41] = 0x00, [0x42] = 0x12,   /* RegVersion */
    [0x44] = 0x2D, [0x4B] = 0x09, [0x4D] = 0x84, [0x5D] = 0x00,
    [0x61] = 0x13, [0x62] = 0x0E, [0x63] = 0x5B, [0x64] = 0xDB,
    [0x70] = 0xD0,
};

static const uint8_t por_lora[0x40] = {
    [0x0D] = 0x00, [0x0E] = 0x80, [0x0F] = 0x00, [0x10] = 0x00,
    [0x11] = 0x00, [0x12] = 0x00, [0x18] = 0x10,   /* ModemClear */
    [0x1D] = 0x72, [0x1E] = 0x70, [0x1F] = 0x64,
    [0x20] = 0x00, [0x21] = 0x08, [0x22] = 0x01, [0x23] = 0xFF,
    [0x24] = 0x00, [0x26] = 0x00, [0x27] = 0x00,
    [0x31] = 0xC3, [0x33] = 0x27, [0x37] = 0x0A, [0x39] = 0x12, [0x3B] = 0x1D,
};

/* FSK/OOK page, Reset column of 6.1 (stored only: the FSK modem is not
 * modelled, but drivers read and write these while selecting the modem). */
static const uint8_t por_fsk[0x40] = {
    [0x02] = 0x1A, [0x03] = 0x0B, [0x04] = 0x00, [0x05] = 0x52,
    [0x0D] = 0x08, [0x0E] = 0x02, [0x0F] = 0x0A, [0x10] = 0xFF,
    [0x12] = 0x15, [0x13] = 0x0B, [0x14] = 0x28, [0x15] = 0x0C, [0x16] = 0x12,
    [0x17] = 0x47, [0x18] = 0x32, [0x19] = 0x3E,
    [0x1F] = 0x40, [0x24] = 0x05, [0x26] = 0x03, [0x27] = 0x93,
    [0x28] = 0x55, [0x29] = 0x55, [0x2A] = 0x55, [0x2B] = 0x55,
    [0x2C] = 0x55, [0x2D] = 0x55, [0x2E] = 0x55, [0x2F] = 0x55,
    [0x30] = 0x90, [0x31] = 0x40, [0x32] = 0x40, [0x35] = 0x0F,
    [0x39] = 0xF5, [0x3A] = 0x20, [0x3B] = 0x82, [0x3D] = 0x02,
    [0x3E] = 0x80, [0x3F] = 0x40,
};

/* How the LoRa page reacts to a write (6.4: r, rw, rc). */
enum { W_RW, W_RO, W_CLEAR, W_RESERVED };
static uint8_t lora_write_kind(uint8_t a)
{
    switch (a) {
    case LR_FIFO_RX_CURRENT: case LR_RX_NB_BYTES: case LR_HDR_CNT_MSB:
    case LR_HDR_CNT_LSB: case LR_PKT_CNT_MSB: case LR_PKT_CNT_LSB:
    case LR_MODEM_STAT: case LR_PKT_SNR: case LR_PKT_RSSI: case LR_RSSI:
    case LR_HOP_CHANNEL: case LR_FIFO_RX_BYTE_ADDR: case 0x28: case 0x29:
    case 0x2A: case LR_RSSI_WIDEBAND:
        return W_RO;
    case LR_IRQ_FLAGS:
        return W_CLEAR;
    case 0x2B: case 0x2D: case 0x2E: case 0x32: case 0x34: case 0x35:
    case 0x38: case 0x3C: case 0x3D: case 0x3E: case 0x3F:
        return W_RESERVED;
    default:
        return W_RW;
    }
}

/* Common registers 0x40..0x7F that are documented; the rest are "RegTest:
 * internal test registers, do not overwrite" (6.1). */
static bool common_documented(uint8_t a)
{
    switch (a) {
    case 0x40: case 0x41: case 0x42: case 0x44: case 0x4B: case 0x4D:
    case 0x5B: case 0x5D: case 0x61: case 0x62: case 0x63: case 0x64: case 0x70:
        return true;
    default:
        return false;
    }
}

/* A frame offered by the air, kept until it has left the antenna. */
typedef struct air_frame {
    sx1276_air_frame f;     /* f.payload points at data */
    uint8_t *data;
    uint64_t end_ns;        /* last instant it can be on air */
    uint64_t air_end_ns;    /* end of its time on air (LDRO as 6.4 mandates) */
    bool done;              /* received (or given up) by this radio */
    bool interfered;        /* overlapped by a co-channel frame (see offer) */
    bool interference_told; /* that fault was raised for this frame */
} air_frame;

/* Modem settings latched when a TX, RX or CAD starts (4.1.3: settings are
 * taken into account on entering the mode). */
typedef struct latched {
    uint32_t freq_hz;
    int sf;
    uint32_t bw_hz;
    int cr;
    bool implicit;
    bool crc;
    bool ldro;
    bool iq_inverted;
    uint8_t sync;
    int preamble;
    uint8_t payload_len;
    uint8_t max_payload;
    uint64_t ts_ns;         /* symbol time */
} latched;

struct sx1276 {
    sx1276_hooks hooks;
    uint64_t rng;
    uint64_t now_ns;

    uint8_t common[0x80];
    uint8_t lora[0x40];
    uint8_t fsk[0x40];
    uint8_t fifo[256];
    uint16_t hdr_cnt, pkt_cnt;
    uint8_t last_wideband;

    /* RESET pin (7.2) */
    bool in_reset;
    uint64_t ready_ns;

    /* SPI */
    bool nss_low;
    bool have_addr;
    bool spi_write;
    bool spi_faulted;       /* one fault per NSS frame */
    uint8_t spi_addr;

    /* modes */
    latched set;            /* settings of the current TX/RX/CAD */
    uint64_t tx_end_ns;     /* UINT64_MAX when not transmitting */
    uint64_t tx_start_ns;
    bool rx_open;
    uint64_t rx_open_ns;
    uint64_t rx_timeout_ns; /* UINT64_MAX when none (RXCONTINUOUS) */
    uint8_t rx_wptr;        /* RX modem write pointer into the FIFO */
    air_frame *rx_frame;    /* frame being received, or NULL */
    uint64_t rx_detect_ns, rx_header_ns, rx_done_ns;
    bool rx_header_seen;
    uint64_t cad_end_ns;    /* UINT64_MAX when no CAD */
    uint64_t cad_start_ns;

    air_frame **frames;
    size_t nframes, capframes;

    bool dio[6];
    char msg[192];
};

/* --- helpers ------------------------------------------------------------ */

static uint64_t splitmix64(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static void fault(sx1276 *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->msg, sizeof r->msg, fmt, ap);
    va_end(ap);
    if (r->hooks.fault)
        r->hooks.fault(r->hooks.ctx, r->msg, r->now_ns);
}

static bool lora_mode(const sx1276 *r) { return (r->common[REG_OPMODE] & 0x80) != 0; }
static int cur_mode(const sx1276 *r) { return r->common[REG_OPMODE] & 7; }

/* RegModemConfig1 Bw field (6.4); 0 for a reserved value. */
static uint32_t bw_hz_of(unsigned code)
{
    static const uint32_t bw[10] = { 7800, 10400, 15600, 20800, 31250,
                                     41700, 62500, 125000, 250000, 500000 };
    return code < 10 ? bw[code] : 0;
}

/* Frf * Fxosc / 2^19 (4.1.4) with Fxosc = 32 MHz, i.e. Frf * 15625 / 256,
 * rounded to the nearest Hz. */
static uint32_t frf_hz(const sx1276 *r)
{
    uint64_t frf = ((uint64_t)r->common[REG_FRF_MSB] << 16) |
                   ((uint64_t)r->common[REG_FRF_MID] << 8) | r->common[REG_FRF_LSB];
    return (uint32_t)((frf * 15625u + 128u) >> 8);
}

/* 5.5.5: RSSI[dBm] = -157 + Rssi on the HF port, -164 + Rssi on the LF
 * port. The HF port serves band 1 (862..1020 MHz); like LoRaMac-node and
 * arduino-LoRa the model picks the port by frequency, above 525 MHz = HF. */
static int rssi_offset(uint32_t freq_hz) { return freq_hz > 525000000u ? 157 : 164; }

/* 2.4.5 FERR_L: maximum tolerated frequency offset between transmitter and
 * receiver. SF6..9: +-2.5 kHz at 10.4 kHz .. +-120 kHz at 500 kHz, i.e. 24%
 * of the bandwidth; SF10/11/12: +-200/100/50 ppm of the carrier. */
static uint32_t freq_tolerance_hz(int sf, uint32_t bw_hz, uint32_t freq_hz)
{
    if (sf >= 10) {
        uint64_t ppm = sf == 10 ? 200 : sf == 11 ? 100 : 50;
        return (uint32_t)(ppm * freq_hz / 1000000u);
    }
    return (uint32_t)((uint64_t)bw_hz * 24 / 100);
}

static bool freq_match(uint32_t a, uint32_t b, uint32_t tol)
{
    return (a > b ? a - b : b - a) <= tol;
}

/* Validates and latches the modem settings for TX/RX/CAD. Returns false
 * (after a fault naming the register) for settings the model does not cover. */
static bool latch(sx1276 *r, const char *what)
{
    const uint8_t *L = r->lora;
    latched s;
    memset(&s, 0, sizeof s);
    unsigned bwcode = L[LR_MODEM_CONFIG1] >> 4;
    unsigned crcode = (L[LR_MODEM_CONFIG1] >> 1) & 7;
    s.sf = L[LR_MODEM_CONFIG2] >> 4;
    s.bw_hz = bw_hz_of(bwcode);
    s.cr = (int)crcode + 4;
    s.implicit = L[LR_MODEM_CONFIG1] & 1;
    s.crc = (L[LR_MODEM_CONFIG2] & 0x04) != 0;
    s.ldro = (L[LR_MODEM_CONFIG3] & 0x08) != 0;
    s.sync = L[LR_SYNC_WORD];
    s.preamble = (L[LR_PREAMBLE_MSB] << 8) | L[LR_PREAMBLE_LSB];
    s.payload_len = L[LR_PAYLOAD_LENGTH];
    s.max_payload = L[LR_MAX_PAYLOAD];
    s.freq_hz = frf_hz(r);
    if (s.bw_hz == 0) {
        fault(r, "RegModemConfig1: reserved bandwidth code %u at %s", bwcode, what);
        return false;
    }
    if (crcode < 1 || crcode > 4) {
        /* In explicit header mode a receiver takes the coding rate from each
         * frame's header (4.1.1.6), so RegModemConfig1's CR is unused in RX.
         * IBM LMIC 1.5 (radio.c rxlora(RXMODE_RSSI)) writes 0x0A, its SX1272
         * value (CR code 5 on the SX1276), before RXCONTINUOUS to read
         * RegRssiWideband noise, and runs so on SX1276 boards (Dragino). */
        if (s.implicit || strncmp(what, "RX", 2) != 0) {
            fault(r, "RegModemConfig1: reserved coding rate code %u at %s", crcode, what);
            return false;
        }
        s.cr = 0;   /* each frame's header gives it */
    }
    if (s.sf < 6 || s.sf > 12) {
        fault(r, "RegModemConfig2: reserved spreading factor %d at %s", s.sf, what);
        return false;
    }
    if (s.sf == 6 && !s.implicit) {
        /* 4.1.1.2: SF6 is only possible in implicit header mode */
        fault(r, "RegModemConfig2: SF6 with explicit header (datasheet 4.1.1.2: SF6 needs implicit header) at %s", what);
        return false;
    }
    if (L[LR_HOP_PERIOD] != 0) {
        fault(r, "RegHopPeriod = %u: frequency hopping (FHSS) is not modelled (%s)",
              L[LR_HOP_PERIOD], what);
        return false;
    }
    s.ts_ns = lw_symbol_ns(s.sf, s.bw_hz);
    r->set = s;
    return true;
}

static lw_modem modem_of(const latched *s)
{
    lw_modem m = { .sf = s->sf, .bw_hz = s->bw_hz, .cr = s->cr, .preamble = s->preamble,
                   .implicit_header = s->implicit, .crc = s->crc, .ldro = s->ldro };
    return m;
}

/* --- DIO pins (4.1.5.1, Table 18) --------------------------------------- */

static bool dio_level(const sx1276 *r, int dio)
{
    if (r->in_reset || !lora_mode(r))
        return false;   /* FSK/OOK-mode DIO functions are not modelled */
    uint8_t f = r->lora[LR_IRQ_FLAGS];
    uint8_t m1 = r->common[REG_DIO_MAPPING1], m2 = r->common[REG_DIO_MAPPING2];
    int mode = cur_mode(r);
    bool pll = mode != MODE_SLEEP && mode != MODE_STDBY;
    switch (dio) {
    case 0:
        switch (m1 >> 6) {
        case 0: return f & IRQ_RX_DONE;
        case 1: return f & IRQ_TX_DONE;
        case 2: return f & IRQ_CAD_DONE;
        default:
            /* Table 18 lists nothing for 11. IBM LMIC 1.5 writes 0x40|0x30|0xC0
             * = 0xF0 before TX and 0x00|0x00|0xC0 = 0xC0 before RX, because its
             * MAP_DIO2_LORA_NOP is 0xC0 instead of 0x0C (matthijskooijman/
             * arduino-lmic src/lmic/radio.c: txlora() and rxlora(); reported in
             * its issue #13 and mcci-catena/arduino-lmic #217, fixed there in
             * fc5c421). LMIC waits for a DIO edge to finish both TX and RX, and
             * it has completed both on real boards for years, so on silicon
             * 11 on DIO0 signals TxDone when transmitting and RxDone when
             * receiving ("the only explanation is that 0xC0 happens to cause
             * the right value to be output on DIO0", #217). */
            return f & (IRQ_TX_DONE | IRQ_RX_DONE);
        }
    case 1:
        switch ((m1 >> 4) & 3) {
        case 0: return f & IRQ_RX_TIMEOUT;
        case 1: return f & IRQ_FHSS;
        case 2: return f & IRQ_CAD_DETECTED;
        default: return false;
        }
    case 2:
        return ((m1 >> 2) & 3) != 3 && (f & IRQ_FHSS);
    case 3:
        switch (m1 & 3) {
        case 0: return f & IRQ_CAD_DONE;
        case 1: return f & IRQ_VALID_HEADER;
        case 2: return f & IRQ_CRC_ERROR;
        default: return false;
        }
    case 4:
        switch (m2 >> 6) {
        case 0: return f & IRQ_CAD_DETECTED;
        case 1: case 2: return pll;     /* PllLock: synthesizer running */
        default: return false;
        }
    case 5:
        /* ModeReady: mode transitions are instantaneous in the model, so the
         * requested mode is always ready once the chip is out of reset.
         * ClkOut (01, 10) is faulted when mapped (see write_common). */
        return ((m2 >> 4) & 3) == 0 && r->now_ns >= r->ready_ns;
    default:
        return false;
    }
}

static void update_dios(sx1276 *r)
{
    for (int i = 0; i < 6; i++) {
        bool l = dio_level(r, i);
        if (l != r->dio[i]) {
            r->dio[i] = l;
            if (r->hooks.dio_changed)
                r->hooks.dio_changed(r->hooks.ctx, i, l, r->now_ns);
        }
    }
}

/* 6.4 RegIrqFlagsMask: "setting this bit masks the corresponding IRQ in
 * RegIrqFlags" — a masked IRQ is not set at all. */
static void raise_irq(sx1276 *r, uint8_t bits)
{
    r->lora[LR_IRQ_FLAGS] |= bits & (uint8_t)~r->lora[LR_IRQ_MASK];
}

/* --- receive windows ---------------------------------------------------- */

static void emit_window(sx1276 *r, const char *result, const air_frame *got)
{
    if (!r->rx_open)
        return;
    r->rx_open = false;
    if (!r->hooks.rx_window)
        return;
    ev_radio_rx_window w = {
        .freq_hz = r->set.freq_hz, .sf = r->set.sf, .bw_hz = r->set.bw_hz,
        .open_ns = r->rx_open_ns, .close_ns = r->now_ns, .result = result,
        .payload = got ? got->data : NULL, .len = got ? got->f.len : 0,
    };
    r->hooks.rx_window(r->hooks.ctx, &w, r->now_ns);
}

static void open_window(sx1276 *r)
{
    r->rx_open = true;
    r->rx_open_ns = r->now_ns;
}

/* The instant this radio, as it is now, would detect frame a's preamble, or
 * UINT64_MAX. Detection needs 4 preamble symbols heard while listening (4.1.5:
 * "4 (minimum time for the modem to acquire lock on a preamble)"), all within
 * the frame's programmed up-chirps; in RXSINGLE it must come before the
 * timeout. A receiver opened after the frame started still catches it if
 * enough preamble remains (LoRaWAN stacks open RX windows that way). */
static uint64_t detect_time(const sx1276 *r, const air_frame *a)
{
    const sx1276_air_frame *f = &a->f;
    const latched *s = &r->set;
    if (a->done || !r->rx_open || r->rx_frame || !lora_mode(r))
        return UINT64_MAX;
    int mode = cur_mode(r);
    if (mode != MODE_RXCONT && mode != MODE_RXSINGLE)
        return UINT64_MAX;
    if (f->sf != s->sf || f->bw_hz != s->bw_hz || f->iq_inverted != s->iq_inverted ||
        f->sync_word != s->sync || f->implicit_header != s->implicit ||
        !freq_match(f->freq_hz, s->freq_hz, freq_tolerance_hz(s->sf, s->bw_hz, s->freq_hz)))
        return UINT64_MAX;
    if (f->preamble < 4)
        return UINT64_MAX;
    uint64_t ts = s->ts_ns;
    uint64_t from = f->start_ns > r->rx_open_ns ? f->start_ns : r->rx_open_ns;
    uint64_t t = from + 4 * ts;
    if (t > f->start_ns + (uint64_t)f->preamble * ts)
        return UINT64_MAX;
    if (mode == MODE_RXSINGLE && t > r->rx_timeout_ns)
        return UINT64_MAX;
    return t;
}

static void abort_reception(sx1276 *r)
{
    r->rx_frame = NULL;
}

/* Leaves the current LoRa mode (for new_mode); closes what it had open. */
static void leave_mode(sx1276 *r, int old, int new_mode)
{
    if (old == MODE_TX && r->tx_end_ns != UINT64_MAX) {
        fault(r, "RegOpMode: TX left for %s after %llu of %llu ns: a truncated frame is not modelled",
              lora_mode_name[new_mode & 7], (unsigned long long)(r->now_ns - r->tx_start_ns),
              (unsigned long long)(r->tx_end_ns - r->tx_start_ns));
        r->tx_end_ns = UINT64_MAX;
    }
    if (old == MODE_RXCONT || old == MODE_RXSINGLE) {
        abort_reception(r);
        emit_window(r, "aborted", NULL);
        r->rx_timeout_ns = UINT64_MAX;
    }
    if (old == MODE_CAD)
        r->cad_end_ns = UINT64_MAX;
}

static void enter_sleep_effects(sx1276 *r)
{
    /* 4.1.2.3: "The FIFO data buffer is cleared when the device is put in
     * SLEEP mode"; 6.4: header and packet counters are reset in Sleep mode. */
    memset(r->fifo, 0, sizeof r->fifo);
    r->hdr_cnt = r->pkt_cnt = 0;
    r->lora[LR_HDR_CNT_MSB] = r->lora[LR_HDR_CNT_LSB] = 0;
    r->lora[LR_PKT_CNT_MSB] = r->lora[LR_PKT_CNT_LSB] = 0;
}

static int pout_dbm(const sx1276 *r)
{
    uint8_t pa = r->common[REG_PA_CONFIG];
    int op = pa & 0x0F;
    if (pa & 0x80) {
        /* PA_BOOST: Pout = 17 - (15 - OutputPower) (5.4.2, Table 77);
         * RegPaDac = 0x87 sets Pmax to +20 dBm (5.4.3, Table 78). */
        int pmax = (r->common[REG_PA_DAC] & 7) == 7 ? 20 : 17;
        return pmax - (15 - op);
    }
    /* RFO: Pmax = 10.8 + 0.6 * MaxPower, Pout = Pmax - (15 - OutputPower),
     * in tenths of a dB, rounded to the nearest dB. */
    int maxp = (pa >> 4) & 7;
    int tenths = 108 + 6 * maxp - 10 * (15 - op);
    return tenths >= 0 ? (tenths + 5) / 10 : -((-tenths + 5) / 10);
}

static void start_tx(sx1276 *r)
{
    if (r->lora[LR_MODEM_CONFIG2] & 0x08) {
        fault(r, "RegModemConfig2: TxContinuousMode is not modelled");
        return;
    }
    if (!latch(r, "TX"))
        return;
    uint8_t len = r->lora[LR_PAYLOAD_LENGTH];
    if (len == 0) {
        /* 6.4 RegPayloadLength: "A 0 value is not permitted" */
        fault(r, "RegPayloadLength = 0 at TX (datasheet: a 0 value is not permitted)");
        return;
    }
    uint8_t payload[256];
    uint8_t base = r->lora[LR_FIFO_TX_BASE];
    for (unsigned i = 0; i < len; i++)
        payload[i] = r->fifo[(uint8_t)(base + i)];
    lw_modem m = modem_of(&r->set);
    uint64_t toa = lw_toa_ns(&m, len);
    r->tx_start_ns = r->now_ns;
    r->tx_end_ns = r->now_ns + toa;
    ev_radio_tx tx = {
        .freq_hz = r->set.freq_hz, .sf = r->set.sf, .bw_hz = r->set.bw_hz, .cr = r->set.cr,
        .power_dbm = pout_dbm(r), .preamble = r->set.preamble, .crc = r->set.crc,
        /* RegInvertIQ bit 0 (InvertIQ TX path). The reset value 0x27 has it
         * set, and stacks that never touch it (IBM LMIC, arduino-LoRa by
         * default) transmit normal uplinks that gateways receive; Semtech's
         * LoRaMac-node defines RFLR_INVERTIQ_TX_ON = 0x00 / TX_OFF = 0x01
         * (sx1276Regs-LoRa.h) and RadioLib swapped its bit after finding the
         * datasheet's sense wrong on hardware (jgromes/RadioLib #778). So on
         * silicon 1 = normal, 0 = inverted. */
        .iq_inverted = (r->lora[LR_INVERT_IQ] & 0x01) == 0,
        .implicit_header = r->set.implicit, .ldro = r->set.ldro,
        .sync_word = r->set.sync, .toa_ns = toa, .payload = payload, .len = len,
    };
    if (r->hooks.tx_started)
        r->hooks.tx_started(r->hooks.ctx, &tx, r->now_ns);
}

static void start_rx(sx1276 *r, int mode)
{
    if (!latch(r, lora_mode_name[mode]))
        return;
    /* RegInvertIQ bit 6 (InvertIQ RX path): 1 = the receiver expects inverted
     * IQ. LMIC sets it for downlinks and never clears it, yet its uplinks stay
     * normal, so bit 6 acts on RX only. RegInvertIQ2 is stored, not used. */
    r->set.iq_inverted = (r->lora[LR_INVERT_IQ] & 0x40) != 0;
    /* 4.1.5: the RX modem address pointer starts at FifoRxBaseAddr and is
     * "never reseted as long as this mode is enabled" (RXCONTINUOUS). */
    r->rx_wptr = r->lora[LR_FIFO_RX_BASE];
    r->rx_frame = NULL;
    open_window(r);
    if (mode == MODE_RXSINGLE) {
        unsigned symb = ((r->lora[LR_MODEM_CONFIG2] & 3u) << 8) | r->lora[LR_SYMB_TIMEOUT_LSB];
        r->rx_timeout_ns = r->now_ns + symb * r->set.ts_ns;
    } else {
        /* The timeout applies to RXSINGLE only. The datasheet text says the
         * timer also runs in RXCONTINUOUS, but Semtech's LoRaMac-node treats
         * a DIO1 RxTimeout as the end of any LoRa reception (OnDio1Irq sets
         * RF_IDLE) while class C keeps RXCONTINUOUS open for minutes with
         * RegSymbTimeout at a few symbols, which only works if continuous
         * mode raises no RxTimeout. */
        r->rx_timeout_ns = UINT64_MAX;
    }
}

/* 4.1.5 CAD: the receiver listens for (2^SF + 32)/BW, then correlates for
 * "a little bit less than a symbol period"; the model takes a full symbol. */
static void start_cad(sx1276 *r)
{
    if (!latch(r, "CAD"))
        return;
    r->set.iq_inverted = (r->lora[LR_INVERT_IQ] & 0x40) != 0;
    uint64_t listen = (((uint64_t)1 << r->set.sf) + 32u) * 1000000000ull / r->set.bw_hz;
    r->cad_start_ns = r->now_ns;
    r->cad_end_ns = r->now_ns + listen + r->set.ts_ns;
}

static void enter_mode(sx1276 *r, int mode)
{
    switch (mode) {
    case MODE_SLEEP: enter_sleep_effects(r); break;
    case MODE_TX: start_tx(r); break;
    case MODE_RXCONT: case MODE_RXSINGLE: start_rx(r, mode); break;
    case MODE_CAD: start_cad(r); break;
    default: break;     /* STDBY, FSTX, FSRX: nothing happens on their own */
    }
}

/* Puts the chip back in STDBY (end of TX, RXSINGLE, CAD: 4.1.3 Table 61). */
static void back_to_standby(sx1276 *r)
{
    r->common[REG_OPMODE] = (uint8_t)((r->common[REG_OPMODE] & ~7u) | MODE_STDBY);
}

static void write_opmode(sx1276 *r, uint8_t v)
{
    uint8_t old = r->common[REG_OPMODE];
    int old_mode = old & 7, req = v & 7;
    bool old_lr = old & 0x80, lr = old_lr;
    /* 6.4 LongRangeMode: "This bit can be modified only in Sleep mode. A write
     * operation on other device modes is ignored." A write that itself selects
     * SLEEP counts: RadioHead's RH_RF95::init writes SLEEP|LongRangeMode once
     * from the power-on STDBY and then requires RegOpMode to read back 0x80,
     * and arduino-LoRa's begin() does the same; both work on real modules. */
    if (old_mode == MODE_SLEEP || req == MODE_SLEEP)
        lr = v & 0x80;
    /* LoRa: bits 5-4 reserved, read 0 (6.4). FSK: bit 4 is reserved too,
     * but it is kept: IBM LMIC's FSK path writes 0x10 (the SX1272's
     * ModulationShaping) and asserts it reads back, and a failed assert
     * would hide the useful diagnosis, the fault on FSK TX that follows. */
    uint8_t nv = (uint8_t)((lr ? 0x80 : 0) | (v & (lr ? 0x4F : 0x7F)));
    if (lr != old_lr && old_mode != MODE_SLEEP && lora_mode(r))
        leave_mode(r, old_mode, MODE_SLEEP);
    bool mode_change = req != old_mode || lr != old_lr;
    if (mode_change && old_lr && lr)
        leave_mode(r, old_mode, req);
    r->common[REG_OPMODE] = nv;
    if (!mode_change) {
        update_dios(r);
        return;
    }
    if (!lr) {
        if (req >= MODE_FSTX)
            fault(r, "RegOpMode: FSK/OOK modem mode %s (0x%02X) is not modelled",
                  fsk_mode_name[req], nv);
        if (old_lr && req == MODE_SLEEP)
            enter_sleep_effects(r);
    } else {
        /* A mode that cannot start (a fault) keeps the bits as written, so
         * RegOpMode still reads back at once what was written. */
        enter_mode(r, req);
    }
    update_dios(r);
}

/* --- register file ------------------------------------------------------ */

/* Which array and index an address maps to in the current mode. */
static uint8_t *reg_slot(sx1276 *r, uint8_t a)
{
    if (a >= 0x40 || a == REG_OPMODE || (a >= 0x06 && a <= 0x0C))
        return &r->common[a];
    if (a >= 0x02 && a <= 0x05)
        return &r->fsk[a];      /* "Unused" in LoRa mode: the FSK registers */
    if (lora_mode(r) && !(r->common[REG_OPMODE] & 0x40))
        return &r->lora[a];
    return &r->fsk[a];
}

static bool lora_page(const sx1276 *r, uint8_t a)
{
    return a >= 0x0D && a <= 0x3F && lora_mode(r) && !(r->common[REG_OPMODE] & 0x40);
}

static double noise_floor_dbm(uint32_t bw_hz)
{
    /* thermal noise -174 dBm/Hz over the channel plus a 6 dB noise figure */
    return -174.0 + 10.0 * log10((double)bw_hz) + 6.0;
}

static uint8_t rssi_reg(double dbm, uint32_t freq_hz)
{
    long v = lround(dbm + rssi_offset(freq_hz));
    return (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
}

/* RegRssiValue in the receiver: the strongest frame on air in the channel,
 * else the noise floor, with +-1 dB of seeded jitter. */
static uint8_t current_rssi(sx1276 *r)
{
    uint32_t f = frf_hz(r);
    uint32_t bw = bw_hz_of(r->lora[LR_MODEM_CONFIG1] >> 4);
    if (bw == 0)
        bw = 125000;
    double level = noise_floor_dbm(bw);
    for (size_t i = 0; i < r->nframes; i++) {
        const sx1276_air_frame *a = &r->frames[i]->f;
        if (a->start_ns <= r->now_ns && r->now_ns < r->frames[i]->end_ns &&
            freq_match(a->freq_hz, f, bw / 2) &&
            a->rssi_dbm > level)
            level = a->rssi_dbm;
    }
    level += (double)((int)(splitmix64(&r->rng) % 3) - 1);
    return rssi_reg(level, f);
}

static uint8_t modem_stat(const sx1276 *r)
{
    uint8_t v = r->lora[LR_MODEM_STAT] & 0xE0;      /* RxCodingRate of last header */
    if (!r->rx_frame)
        return v | 0x10;                            /* modem clear */
    const sx1276_air_frame *f = &r->rx_frame->f;
    v |= 0x01 | 0x04;                               /* signal detected, RX on-going */
    if (r->now_ns >= f->start_ns + (uint64_t)f->preamble * r->set.ts_ns)
        v |= 0x02;                                  /* signal synchronized */
    if (r->rx_header_seen)
        v |= 0x08;                                  /* header info valid */
    return v;
}

static uint8_t read_reg(sx1276 *r, uint8_t a)
{
    if (lora_page(r, a)) {
        switch (a) {
        case LR_RSSI_WIDEBAND: {
            /* Wideband RSSI "used to locally generate a random number" (6.4):
             * seeded noise, a different value on every read (stacks seed
             * their RNG from its low bits and spin until they change). */
            uint8_t v = (uint8_t)splitmix64(&r->rng);
            if (v == r->last_wideband)
                v ^= 1;
            r->last_wideband = v;
            return v;
        }
        case LR_RSSI:
            if (cur_mode(r) == MODE_RXCONT || cur_mode(r) == MODE_RXSINGLE ||
                cur_mode(r) == MODE_CAD)
                r->lora[LR_RSSI] = current_rssi(r);
            return r->lora[LR_RSSI];
        case LR_MODEM_STAT:
            return modem_stat(r);
        default:
            break;
        }
    }
    return *reg_slot(r, a);
}

static void write_reg(sx1276 *r, uint8_t a, uint8_t v)
{
    if (a == REG_OPMODE) {
        write_opmode(r, v);
        return;
    }
    if (lora_page(r, a)) {
        switch (lora_write_kind(a)) {
        case W_RO:
            return;     /* read-only: the write has no effect */
        case W_CLEAR:
            r->lora[a] &= (uint8_t)~v;      /* RegIrqFlags: write 1 to clear */
            update_dios(r);
            return;
        case W_RESERVED:
            fault(r, "write 0x%02X to reserved LoRa register 0x%02X (not modelled)", v, a);
            r->lora[a] = v;
            return;
        default:
            break;
        }
        if (a == LR_MODEM_CONFIG3)
            v &= 0x0F;  /* bits 7-4 unused, read 0 */
        r->lora[a] = v;
        return;
    }
    if (a >= 0x40) {
        if (a == 0x5A) {
            /* 0x5A is RegPaDac on the SX1272; IBM LMIC 1.5 uses that address
             * for the SX1276 too (radio.c: "#define RegPaDac 0x5A // common";
             * configPower: RegPaDac |= 0x04) and works on SX1276 boards, so
             * the write has no visible effect there: stored, nothing more. */
            r->common[a] = v;
            return;
        }
        if (!common_documented(a)) {
            fault(r, "write 0x%02X to internal test register 0x%02X (not modelled)", v, a);
            r->common[a] = v;
            return;
        }
        if (a == REG_VERSION || a == 0x5B)
            return;     /* RegVersion, RegFormerTemp: read-only */
        r->common[a] = v;
        if (a == REG_DIO_MAPPING2 && lora_mode(r)) {
            unsigned d5 = (v >> 4) & 3;
            if ((d5 == 1 || d5 == 2) && (r->fsk[FSK_OSC] & 7) != 7)
                fault(r, "RegDioMapping2: DIO5 mapped to ClkOut (0x%02X): a clock output is not modelled", v);
        }
        if (a == REG_DIO_MAPPING1 || a == REG_DIO_MAPPING2)
            update_dios(r);
        return;
    }
    if (a == REG_OCP)
        v &= 0x3F;      /* bits 7-6 unused */
    uint8_t *slot = reg_slot(r, a);
    if (slot == &r->fsk[FSK_IMAGE_CAL])
        /* RegImageCal (FSK page): ImageCalStart (bit 6) is a trigger and the
         * calibration completes at once (ImageCalRunning, bit 5, stays 0). */
        v &= (uint8_t)~0x60;
    *slot = v;
}

/* --- FIFO (4.1.2.3) ----------------------------------------------------- */

static bool fifo_accessible(const sx1276 *r)
{
    return lora_mode(r) && cur_mode(r) != MODE_SLEEP;
}

static uint8_t fifo_read(sx1276 *r)
{
    if (!lora_mode(r)) {
        fault(r, "RegFifo read in FSK/OOK mode: the FSK packet engine is not modelled");
        return 0;
    }
    if (!fifo_accessible(r))
        return 0;   /* "no access to the FIFO data buffer is possible in sleep mode" */
    uint8_t p = r->lora[LR_FIFO_ADDR_PTR];
    r->lora[LR_FIFO_ADDR_PTR] = (uint8_t)(p + 1);
    return r->fifo[p];
}

static uint8_t fifo_write(sx1276 *r, uint8_t v)
{
    if (!fifo_accessible(r))
        return 0;   /* SLEEP (cleared, not accessible) or FSK mode: discarded */
    uint8_t p = r->lora[LR_FIFO_ADDR_PTR];
    uint8_t old = r->fifo[p];
    r->fifo[p] = v;
    r->lora[LR_FIFO_ADDR_PTR] = (uint8_t)(p + 1);
    return old;
}

/* --- events --------------------------------------------------------------- */

static void drop_finished_frames(sx1276 *r)
{
    size_t j = 0;
    for (size_t i = 0; i < r->nframes; i++) {
        air_frame *a = r->frames[i];
        if (a->end_ns < r->now_ns && a != r->rx_frame) {
            free(a->data);
            free(a);
        } else {
            r->frames[j++] = a;
        }
    }
    r->nframes = j;
}

/* The next thing due, and what it is. */
enum { SXE_NONE, SXE_TX_END, SXE_RX_TIMEOUT, SXE_RX_DETECT, SXE_RX_HEADER, SXE_RX_DONE, SXE_CAD_END };

static uint64_t next_event(const sx1276 *r, int *kind, air_frame **frame)
{
    uint64_t t = UINT64_MAX;
    int k = SXE_NONE;
    air_frame *fr = NULL;
    if (r->in_reset) {
        *kind = SXE_NONE;
        return UINT64_MAX;
    }
    if (r->tx_end_ns < t) { t = r->tx_end_ns; k = SXE_TX_END; }
    if (r->cad_end_ns < t) { t = r->cad_end_ns; k = SXE_CAD_END; }
    if (r->rx_frame) {
        if (!r->rx_header_seen && r->rx_header_ns < t) { t = r->rx_header_ns; k = SXE_RX_HEADER; }
        else if (r->rx_header_seen && r->rx_done_ns < t) { t = r->rx_done_ns; k = SXE_RX_DONE; }
    } else if (r->rx_open) {
        for (size_t i = 0; i < r->nframes; i++) {
            uint64_t d = detect_time(r, r->frames[i]);
            if (d < t) { t = d; k = SXE_RX_DETECT; fr = r->frames[i]; }
        }
        /* detection at the very instant of the timeout wins */
        if (r->rx_timeout_ns < t) { t = r->rx_timeout_ns; k = SXE_RX_TIMEOUT; fr = NULL; }
    }
    *kind = k;
    *frame = fr;
    return t;
}

/* Two LoRa frames interfere when they share spreading factor and
 * bandwidth, their spectra overlap (centre frequencies less than a
 * bandwidth apart) and they are on air at the same time. Frames with
 * different spreading factors are orthogonal (Semtech AN1200.22, "LoRa
 * Modulation Basics", 2.1) and pass each other. What the receiver does with
 * two co-channel frames (capture, a CRC error, nothing) the datasheet does
 * not say: its LoRa receiver specification gives co-channel rejection for a
 * CW tone only (CCR_LCW). So a receiver that takes such a frame raises a fault naming it,
 * then receives it as if it were alone. */
static bool co_channel(const air_frame *x, const air_frame *y)
{
    const sx1276_air_frame *a = &x->f, *b = &y->f;
    uint32_t df = a->freq_hz > b->freq_hz ? a->freq_hz - b->freq_hz : b->freq_hz - a->freq_hz;
    return a->sf == b->sf && a->bw_hz == b->bw_hz && df < a->bw_hz &&
           a->start_ns < y->air_end_ns && b->start_ns < x->air_end_ns;
}

static void tell_interference(sx1276 *r, air_frame *a)
{
    if (!a->interfered || a->interference_told)
        return;
    a->interference_told = true;
    fault(r, "co-channel interference not modelled: the SF%d/%u kHz frame at %.3f MHz "
          "(on air from %.6f s) overlaps another with the same SF and bandwidth; "
          "received as if alone",
          a->f.sf, (unsigned)(a->f.bw_hz / 1000u), a->f.freq_hz / 1e6, a->f.start_ns / 1e9);
}

static void on_rx_detect(sx1276 *r, air_frame *a)
{
    const sx1276_air_frame *f = &a->f;
    const latched *s = &r->set;
    /* implicit header: the receiver must already know length, CR and CRC */
    if (s->implicit && (f->len != s->payload_len || f->cr != s->cr || f->crc != s->crc)) {
        a->done = true;
        return;
    }
    /* 6.4 RegMaxPayloadLength: a longer header payload length gives a header
     * CRC error; the model then ignores the frame (no IRQ). */
    if (!s->implicit && f->len > s->max_payload) {
        a->done = true;
        return;
    }
    r->rx_frame = a;
    r->rx_detect_ns = r->now_ns;
    tell_interference(r, a);
    r->rx_timeout_ns = UINT64_MAX;  /* a detected preamble stops the timeout */
    r->rx_header_seen = false;
    /* header: the first 8 symbols after the preamble (4.1.1.6) */
    r->rx_header_ns = f->start_ns + (4u * (uint64_t)f->preamble + 17u) * s->ts_ns / 4u + 8u * s->ts_ns;
    lw_modem m = { .sf = f->sf, .bw_hz = f->bw_hz, .cr = f->cr, .preamble = f->preamble,
                   .implicit_header = f->implicit_header, .crc = f->crc, .ldro = s->ldro };
    r->rx_done_ns = f->start_ns + lw_toa_ns(&m, f->len);
    if (r->rx_header_ns > r->rx_done_ns)
        r->rx_header_ns = r->rx_done_ns;
}

static void on_rx_header(sx1276 *r)
{
    const sx1276_air_frame *f = &r->rx_frame->f;
    r->rx_header_seen = true;
    r->hdr_cnt++;
    r->lora[LR_HDR_CNT_MSB] = (uint8_t)(r->hdr_cnt >> 8);
    r->lora[LR_HDR_CNT_LSB] = (uint8_t)r->hdr_cnt;
    r->lora[LR_MODEM_STAT] = (uint8_t)(((f->cr - 4) & 7) << 5);
    /* RegHopChannel: CrcOnPayload from the header (explicit mode only) */
    r->lora[LR_HOP_CHANNEL] = (uint8_t)((!f->implicit_header && f->crc) ? 0x40 : 0x00);
    raise_irq(r, IRQ_VALID_HEADER);   /* also in implicit mode (4.1.5) */
    update_dios(r);
}

static void on_rx_done(sx1276 *r)
{
    air_frame *a = r->rx_frame;
    const sx1276_air_frame *f = &a->f;
    a->done = true;
    r->rx_frame = NULL;
    uint8_t start = r->rx_wptr;
    for (size_t i = 0; i < f->len; i++)
        r->fifo[(uint8_t)(start + i)] = f->payload[i];
    r->rx_wptr = (uint8_t)(start + f->len);
    r->lora[LR_FIFO_RX_CURRENT] = start;
    r->lora[LR_RX_NB_BYTES] = (uint8_t)f->len;
    /* RegFifoRxByteAddr: "the address of the last byte written in the data
     * buffer + 1 (or the address at which the next byte will be written)" */
    r->lora[LR_FIFO_RX_BYTE_ADDR] = r->rx_wptr;
    long snr4 = lround(f->snr_db * 4.0);
    snr4 = snr4 < -128 ? -128 : snr4 > 127 ? 127 : snr4;
    r->lora[LR_PKT_SNR] = (uint8_t)(int8_t)snr4;
    /* 5.5.5: Packet Strength = -157 + PacketRssi when SNR >= 0, and
     * -157 + PacketRssi + PacketSnr * 0.25 when SNR < 0 (HF port). */
    double pkt = f->rssi_dbm - (snr4 < 0 ? (double)snr4 / 4.0 : 0.0);
    r->lora[LR_PKT_RSSI] = rssi_reg(pkt, r->set.freq_hz);
    r->pkt_cnt++;
    r->lora[LR_PKT_CNT_MSB] = (uint8_t)(r->pkt_cnt >> 8);
    r->lora[LR_PKT_CNT_LSB] = (uint8_t)r->pkt_cnt;
    raise_irq(r, IRQ_RX_DONE);
    emit_window(r, "rx", a);
    if (cur_mode(r) == MODE_RXSINGLE) {
        back_to_standby(r);
    } else {
        open_window(r);     /* RXCONTINUOUS goes on listening */
    }
    update_dios(r);
}

static void run_event(sx1276 *r, int kind, air_frame *fr)
{
    switch (kind) {
    case SXE_TX_END:
        r->tx_end_ns = UINT64_MAX;
        raise_irq(r, IRQ_TX_DONE);
        back_to_standby(r);     /* 4.1.5: "the radio returns to Stand-by mode" */
        update_dios(r);
        break;
    case SXE_RX_TIMEOUT:
        r->rx_timeout_ns = UINT64_MAX;
        raise_irq(r, IRQ_RX_TIMEOUT);
        emit_window(r, "timeout", NULL);
        back_to_standby(r);
        update_dios(r);
        break;
    case SXE_RX_DETECT:
        on_rx_detect(r, fr);
        break;
    case SXE_RX_HEADER:
        on_rx_header(r);
        break;
    case SXE_RX_DONE:
        on_rx_done(r);
        break;
    case SXE_CAD_END: {
        r->cad_end_ns = UINT64_MAX;
        bool seen = false;
        uint64_t listen_end = r->cad_start_ns +
            (((uint64_t)1 << r->set.sf) + 32u) * 1000000000ull / r->set.bw_hz;
        for (size_t i = 0; i < r->nframes; i++) {
            const sx1276_air_frame *f = &r->frames[i]->f;
            uint64_t pre_end = f->start_ns + (uint64_t)f->preamble * r->set.ts_ns;
            if (f->sf == r->set.sf && f->bw_hz == r->set.bw_hz &&
                f->iq_inverted == r->set.iq_inverted &&
                freq_match(f->freq_hz, r->set.freq_hz,
                           freq_tolerance_hz(r->set.sf, r->set.bw_hz, r->set.freq_hz)) &&
                f->start_ns < listen_end && pre_end > r->cad_start_ns)
                seen = true;
        }
        raise_irq(r, (uint8_t)(IRQ_CAD_DONE | (seen ? IRQ_CAD_DETECTED : 0)));
        back_to_standby(r);
        update_dios(r);
        break;
    }
    default:
        break;
    }
}

void sx1276_advance(sx1276 *r, uint64_t t_ns)
{
    if (!r)
        return;
    for (;;) {
        int kind;
        air_frame *fr;
        uint64_t t = next_event(r, &kind, &fr);
        if (kind == SXE_NONE || t > t_ns)
            break;
        if (t > r->now_ns)
            r->now_ns = t;
        run_event(r, kind, fr);
    }
    if (t_ns > r->now_ns) {
        bool was_ready = r->now_ns >= r->ready_ns;
        r->now_ns = t_ns;
        if (!was_ready && r->now_ns >= r->ready_ns)
            update_dios(r);
    }
    drop_finished_frames(r);
}

uint64_t sx1276_next_event_ns(const sx1276 *r)
{
    if (!r)
        return UINT64_MAX;
    int kind;
    air_frame *fr;
    uint64_t t = next_event(r, &kind, &fr);
    /* ModeReady rises when the chip becomes ready after a reset */
    if (!r->in_reset && r->now_ns < r->ready_ns && r->ready_ns < t)
        t = r->ready_ns;
    return t;
}

/* --- public API ------------------------------------------------------------ */

static void power_on_state(sx1276 *r)
{
    memcpy(r->common, por_common, sizeof r->common);
    memcpy(r->lora, por_lora, sizeof r->lora);
    memcpy(r->fsk, por_fsk, sizeof r->fsk);
    memset(r->fifo, 0, sizeof r->fifo);
    r->hdr_cnt = r->pkt_cnt = 0;
    r->tx_end_ns = UINT64_MAX;
    r->rx_open = false;
    r->rx_timeout_ns = UINT64_MAX;
    r->rx_frame = NULL;
    r->cad_end_ns = UINT64_MAX;
    r->have_addr = false;
}

sx1276 *sx1276_new(const sx1276_hooks *hooks, uint64_t seed)
{
    sx1276 *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    if (hooks)
        r->hooks = *hooks;
    r->rng = seed;
    power_on_state(r);
    r->ready_ns = 0;
    update_dios(r);
    return r;
}

void sx1276_free(sx1276 *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->nframes; i++) {
        free(r->frames[i]->data);
        free(r->frames[i]);
    }
    free(r->frames);
    free(r);
}

void sx1276_reset_pin(sx1276 *r, bool level, uint64_t t_ns)
{
    if (!r)
        return;
    sx1276_advance(r, t_ns);
    if (!level && !r->in_reset) {
        /* 7.2: NRESET low resets the chip; every register returns to its
         * reset value. What was in progress stops. */
        if (lora_mode(r)) {
            int m = cur_mode(r);
            if (m == MODE_TX && r->tx_end_ns != UINT64_MAX)
                leave_mode(r, m, MODE_STDBY);
            else if (m == MODE_RXCONT || m == MODE_RXSINGLE)
                leave_mode(r, m, MODE_STDBY);
        }
        r->in_reset = true;
        power_on_state(r);
        update_dios(r);
    } else if (level && r->in_reset) {
        /* 7.2: "wait for 5 ms before using the chip" after releasing NRESET */
        r->in_reset = false;
        r->ready_ns = r->now_ns + 5000000u;
        update_dios(r);
    }
}

void sx1276_nss(sx1276 *r, bool level, uint64_t t_ns)
{
    if (!r)
        return;
    sx1276_advance(r, t_ns);
    if (!level && !r->nss_low) {
        r->nss_low = true;          /* 4.3: a falling NSS edge starts a frame */
        r->have_addr = false;
        r->spi_faulted = false;
    } else if (level && r->nss_low) {
        r->nss_low = false;         /* the frame ends when NSS goes high */
        r->have_addr = false;
    }
}

uint8_t sx1276_spi_byte(sx1276 *r, uint8_t mosi, uint64_t t_ns)
{
    if (!r)
        return 0;
    sx1276_advance(r, t_ns);
    if (!r->nss_low)
        return 0;   /* not selected (the bus may be shared): MISO high-Z */
    if (r->in_reset || r->now_ns < r->ready_ns) {
        if (r->spi_faulted)
            return 0;
        r->spi_faulted = true;
        fault(r, "SPI access %s (datasheet 7.2: wait 5 ms after releasing NRESET)",
              r->in_reset ? "while NRESET is held low" : "less than 5 ms after reset");
        return 0;
    }
    if (!r->have_addr) {
        /* 4.3: the first byte is wnr + 7-bit address. The datasheet does not
         * say what MISO carries meanwhile; the model returns 0x00. */
        r->have_addr = true;
        r->spi_write = (mosi & 0x80) != 0;
        r->spi_addr = mosi & 0x7F;
        return 0x00;
    }
    uint8_t a = r->spi_addr, miso;
    if (r->spi_write) {
        /* 4.3: during a write MISO carries the register's value before it */
        if (a == REG_FIFO) {
            miso = fifo_write(r, mosi);
        } else {
            miso = *reg_slot(r, a);
            write_reg(r, a, mosi);
        }
    } else {
        miso = a == REG_FIFO ? fifo_read(r) : read_reg(r, a);
    }
    /* 4.3: burst access increments the address, except at the FIFO */
    if (a != REG_FIFO)
        r->spi_addr = (uint8_t)((a + 1) & 0x7F);
    return miso;
}

void sx1276_offer_frame(sx1276 *r, const sx1276_air_frame *f)
{
    if (!r || !f)
        return;
    air_frame *a = calloc(1, sizeof *a);
    uint8_t *data = malloc(f->len ? f->len : 1);
    if (r->nframes == r->capframes) {
        size_t cap = r->capframes ? 2 * r->capframes : 8;
        air_frame **nf = realloc(r->frames, cap * sizeof *nf);
        if (nf) {
            r->frames = nf;
            r->capframes = cap;
        }
    }
    if (!a || !data || r->nframes == r->capframes) {
        free(a);
        free(data);
        fault(r, "out of memory while offering a frame");
        return;
    }
    if (f->len)
        memcpy(data, f->payload, f->len);
    a->f = *f;
    a->f.payload = data;
    a->data = data;
    /* LDRO on gives the longer time on air: the frame is gone after that */
    lw_modem m = { .sf = f->sf, .bw_hz = f->bw_hz, .cr = f->cr, .preamble = f->preamble,
                   .implicit_header = f->implicit_header, .crc = f->crc, .ldro = true };
    uint64_t toa = lw_toa_ns(&m, f->len);
    a->end_ns = f->start_ns + (toa ? toa : 1000000000ull);
    /* its own time on air: RegModemConfig3 (6.4) mandates LowDataRateOptimize
     * when a symbol lasts more than 16 ms, so a transmitter uses it then */
    m.ldro = lw_symbol_ns(f->sf, f->bw_hz) > 16000000u;
    uint64_t own = lw_toa_ns(&m, f->len);
    a->air_end_ns = f->start_ns + (own ? own : 1000000000ull);
    for (size_t i = 0; i < r->nframes; i++) {
        air_frame *b = r->frames[i];
        if (co_channel(a, b)) {
            a->interfered = b->interfered = true;
            if (b == r->rx_frame)
                tell_interference(r, b);
        }
    }
    r->frames[r->nframes++] = a;
}

uint8_t sx1276_peek(const sx1276 *r, uint8_t addr)
{
    if (!r)
        return 0;
    addr &= 0x7F;
    if (addr == REG_FIFO)
        return r->fifo[r->lora[LR_FIFO_ADDR_PTR]];
    sx1276 *m = (sx1276 *)r;    /* reg_slot only computes an address */
    if (lora_page(r, addr) && addr == LR_MODEM_STAT)
        return modem_stat(r);
    return *reg_slot(m, addr);
}

bool sx1276_dio(const sx1276 *r, int dio)
{
    if (!r || dio < 0 || dio > 5)
        return false;
    return r->dio[dio];
}
