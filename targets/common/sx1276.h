/* sx1276.h — the SX1276's LoRa-mode registers and bits, as the Semtech
 * datasheet (rev. 7, section 6.4, LoRa register map) names them: shared by
 * targets/lorawan-node (radio.c) and targets/sniffer. Values only, no code. */
#ifndef TARGETS_SX1276_H
#define TARGETS_SX1276_H

#define SX_REG_FIFO            0x00
#define SX_REG_OPMODE          0x01
#define SX_REG_FRF_MSB         0x06
#define SX_REG_FRF_MID         0x07
#define SX_REG_FRF_LSB         0x08
#define SX_REG_PA_CONFIG       0x09
#define SX_REG_LNA             0x0C
#define SX_REG_FIFO_ADDR_PTR   0x0D
#define SX_REG_FIFO_TX_BASE    0x0E
#define SX_REG_FIFO_RX_BASE    0x0F
#define SX_REG_FIFO_RX_CURRENT 0x10
#define SX_REG_IRQ_FLAGS_MASK  0x11
#define SX_REG_IRQ_FLAGS       0x12
#define SX_REG_RX_NB_BYTES     0x13
#define SX_REG_PKT_SNR         0x19
#define SX_REG_PKT_RSSI        0x1A
#define SX_REG_MODEM_CONFIG1   0x1D
#define SX_REG_MODEM_CONFIG2   0x1E
#define SX_REG_SYMB_TIMEOUT    0x1F
#define SX_REG_PREAMBLE_MSB    0x20
#define SX_REG_PREAMBLE_LSB    0x21
#define SX_REG_PAYLOAD_LENGTH  0x22
#define SX_REG_MAX_PAYLOAD     0x23
#define SX_REG_MODEM_CONFIG3   0x26
#define SX_REG_RSSI_WIDEBAND   0x2C
#define SX_REG_INVERT_IQ       0x33
#define SX_REG_SYNC_WORD       0x39
#define SX_REG_INVERT_IQ2      0x3B
#define SX_REG_DIO_MAPPING1    0x40
#define SX_REG_VERSION         0x42

/* RegVersion of an SX1276. */
#define SX_VERSION_SX1276 0x12

/* RegOpMode: LongRangeMode (bit 7) = LoRa, LowFrequencyModeOn (bit 3) = 0
 * because 868 MHz is on the high-frequency port, Mode in bits 2..0. */
#define SX_MODE_LORA     0x80
#define SX_MODE_SLEEP    0x00
#define SX_MODE_STDBY    0x01
#define SX_MODE_TX       0x03
#define SX_MODE_RXCONT   0x05
#define SX_MODE_RXSINGLE 0x06

/* RegIrqFlags bits (0x12; write 1 to clear). */
#define SX_IRQ_RXTIMEOUT 0x80
#define SX_IRQ_RXDONE    0x40
#define SX_IRQ_CRCERROR  0x20
#define SX_IRQ_TXDONE    0x08

#endif
