/* The PC/AT real-time clock and CMOS RAM: a Motorola MC146818A (or the compatible Dallas
 * DS12887) at ports 0x70 (index; bit 7 masks NMI) and 0x71 (data), its interrupt on IRQ 8.
 * Follows the MC146818A datasheet (Motorola, MC146818A/D). */
#ifndef GLASS86_RTC_H
#define GLASS86_RTC_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

struct machine;
struct rtc;

#define RTC_PORT 0x70

/* Create the clock showing `base` (seconds since 1970, read as UTC), or the host clock
 * at this moment when use_host_clock is set. From then on the clock advances with virtual
 * time only, so a run with a fixed base repeats exactly. It starts running in BCD, 24-hour
 * mode with register A = 0x26 (32.768 kHz, 1024 Hz periodic rate); CMOS byte 0x32 gets the
 * BCD century, as IBM's BIOS keeps it. NULL on failure. */
struct rtc *rtc_create(struct machine *m, time_t base, bool use_host_clock);

/* Whether the guest left NMI enabled (last index write had bit 7 clear). Whoever raises
 * an NMI (parity, I/O channel check) asks first. Masked after reset. */
bool rtc_nmi_enabled(const struct rtc *r);

/* CMOS access for the BIOS setup code and the board: index 0-127 (masked), the same
 * effect as a guest write to 0x71 but without touching the index or the NMI mask. A read
 * of register C here does not clear its flags. */
void rtc_set_nvram(struct rtc *r, unsigned index, uint8_t value);
uint8_t rtc_get_nvram(struct rtc *r, unsigned index);

#endif
