/* hal.h — the ATmega328P under the E2EE node (Arduino Uno, 16 MHz): UART,
 * ADC, watchdog sleep and EEPROM. Everything that touches AVR registers is in
 * hal.c (the UART's ring buffer in targets/common/uart.c, shared with the
 * other targets); e2ee_msg.c stays portable.
 *
 * Power: between messages the node sleeps in power-down, woken by the
 * watchdog interrupt (8 s steps); while a conversion or a UART byte is
 * pending it sleeps in idle. It never spins. */
#ifndef TARGETS_E2EE_HAL_H
#define TARGETS_E2EE_HAL_H

#include <stdint.h>

#define HAL_ADC_SENSOR 0    /* A0: the reading sent as "value" */
#define HAL_ADC_FLOATING 1  /* A1: left open; its noise seeds the IVs */

void hal_init(void);

/* UART 115200 8N1, interrupt-driven; putc sleeps while the buffer is full,
 * flush until the last stop bit has left. */
void hal_putc(char c);
void hal_flush(void);

/* One 10-bit conversion against AVcc (idle sleep until it is done). */
uint16_t hal_adc(uint8_t channel);

/* 8 bytes gathered from 64 conversions of the floating input. */
void hal_noise(uint8_t out[8]);

/* Power-down sleep for about `s` seconds (watchdog steps of 8/4/2/1 s). */
void hal_sleep_s(uint16_t s);

/* The SEQN reserve in EEPROM (0xFFFFFFFF when never written). */
uint32_t hal_nvm_read(void);
void hal_nvm_write(uint32_t v);

#endif
