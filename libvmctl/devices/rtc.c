// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * CMOS RAM and the MC146818 real-time clock at 0x70 (index, bit 7 masks
 * NMI) and 0x71 (data).  The time is the host's UTC plus an offset the
 * guest may set (register B's SET bit freezes the registers while it
 * writes them); register B chooses BCD or binary and 12- or 24-hour
 * format; register A's update-in-progress bit is set during the last
 * 244 us before each host second ends, as on the chip, so a guest that
 * waits for it to clear does not wait long.  No periodic, alarm or
 * update interrupts (IRQ 8): Linux's boot does not need them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dev.h"

#define NS_PER_SEC	1000000000ULL
#define UIP_NS		244000ULL

enum {
	RTC_SECONDS = 0x00, RTC_MINUTES = 0x02, RTC_HOURS = 0x04, RTC_WEEKDAY = 0x06,
	RTC_DAY = 0x07, RTC_MONTH = 0x08, RTC_YEAR = 0x09,
	RTC_REG_A = 0x0a, RTC_REG_B = 0x0b, RTC_REG_C = 0x0c, RTC_REG_D = 0x0d,
	RTC_CENTURY = 0x32,
};

#define REG_A_UIP	0x80
#define REG_B_SET	0x80
#define REG_B_DM_BINARY	0x04
#define REG_B_24H	0x02
#define REG_D_VRT	0x80	/* valid RAM and time: the battery is fine */
#define HOUR_PM		0x80

struct vmctl_rtc {
	uint8_t index;
	bool nmi_masked;
	uint8_t ram[128];
	vmctl_clock_t clock;
	void *opaque;
	int64_t offset;		/* guest time - host time, seconds */
	struct tm frozen;	/* the time while SET is on */
};

static uint64_t host_ns(struct vmctl_rtc *rtc)
{
	return dev_clock(rtc->clock, rtc->opaque, CLOCK_REALTIME);
}

static uint8_t to_bcd(unsigned int v)
{
	return (v / 10) << 4 | v % 10;
}

static unsigned int from_bcd(uint8_t v)
{
	return (v >> 4) * 10 + (v & 0xf);
}

static void guest_tm(struct vmctl_rtc *rtc, struct tm *tm)
{
	time_t t;

	if (rtc->ram[RTC_REG_B] & REG_B_SET) {
		*tm = rtc->frozen;
		return;
	}
	t = (time_t)(host_ns(rtc) / NS_PER_SEC) + rtc->offset;
	gmtime_r(&t, tm);
}

static uint8_t encode(struct vmctl_rtc *rtc, unsigned int v)
{
	return rtc->ram[RTC_REG_B] & REG_B_DM_BINARY ? v : to_bcd(v);
}

static unsigned int decode(struct vmctl_rtc *rtc, uint8_t v)
{
	return rtc->ram[RTC_REG_B] & REG_B_DM_BINARY ? v : from_bcd(v);
}

static uint8_t read_hours(struct vmctl_rtc *rtc, unsigned int hour)
{
	unsigned int h12;

	if (rtc->ram[RTC_REG_B] & REG_B_24H)
		return encode(rtc, hour);
	h12 = hour % 12 ? hour % 12 : 12;
	return encode(rtc, h12) | (hour >= 12 ? HOUR_PM : 0);
}

static unsigned int write_hours(struct vmctl_rtc *rtc, uint8_t v)
{
	unsigned int h;

	if (rtc->ram[RTC_REG_B] & REG_B_24H)
		return decode(rtc, v);
	h = decode(rtc, v & ~HOUR_PM) % 12;
	return v & HOUR_PM ? h + 12 : h;
}

static uint8_t rtc_read(struct vmctl_rtc *rtc, uint8_t reg)
{
	struct tm tm;
	uint64_t ns;

	switch (reg) {
	case RTC_SECONDS: case RTC_MINUTES: case RTC_HOURS: case RTC_WEEKDAY:
	case RTC_DAY: case RTC_MONTH: case RTC_YEAR: case RTC_CENTURY:
		guest_tm(rtc, &tm);
		switch (reg) {
		case RTC_SECONDS:	return encode(rtc, tm.tm_sec);
		case RTC_MINUTES:	return encode(rtc, tm.tm_min);
		case RTC_HOURS:		return read_hours(rtc, tm.tm_hour);
		case RTC_WEEKDAY:	return encode(rtc, tm.tm_wday + 1);
		case RTC_DAY:		return encode(rtc, tm.tm_mday);
		case RTC_MONTH:		return encode(rtc, tm.tm_mon + 1);
		case RTC_YEAR:		return encode(rtc, tm.tm_year % 100);
		default:		return encode(rtc, (tm.tm_year + 1900) / 100);
		}
	case RTC_REG_A:
		ns = host_ns(rtc) % NS_PER_SEC;
		if (!(rtc->ram[RTC_REG_B] & REG_B_SET) && ns >= NS_PER_SEC - UIP_NS)
			return rtc->ram[RTC_REG_A] | REG_A_UIP;
		return rtc->ram[RTC_REG_A] & ~REG_A_UIP;
	case RTC_REG_C:
		/* No interrupt sources are modelled, so no flags are ever set. */
		return 0;
	case RTC_REG_D:
		return REG_D_VRT;
	default:
		return rtc->ram[reg];
	}
}

static void rtc_write(struct vmctl_rtc *rtc, uint8_t reg, uint8_t v)
{
	struct tm *f = &rtc->frozen;
	time_t guest;

	switch (reg) {
	case RTC_SECONDS:	f->tm_sec = decode(rtc, v); break;
	case RTC_MINUTES:	f->tm_min = decode(rtc, v); break;
	case RTC_HOURS:		f->tm_hour = write_hours(rtc, v); break;
	case RTC_WEEKDAY:	break;	/* derived from the date */
	case RTC_DAY:		f->tm_mday = decode(rtc, v); break;
	case RTC_MONTH:		f->tm_mon = decode(rtc, v) - 1; break;
	case RTC_YEAR:
		f->tm_year = (f->tm_year + 1900) / 100 * 100 + decode(rtc, v) - 1900;
		break;
	case RTC_CENTURY:
		f->tm_year = decode(rtc, v) * 100 + (f->tm_year + 1900) % 100 - 1900;
		break;
	case RTC_REG_A:
		rtc->ram[reg] = v & ~REG_A_UIP;
		return;
	case RTC_REG_B:
		if ((v & REG_B_SET) && !(rtc->ram[reg] & REG_B_SET)) {
			guest_tm(rtc, f);
		} else if (!(v & REG_B_SET) && (rtc->ram[reg] & REG_B_SET)) {
			guest = timegm(f);
			rtc->offset = (int64_t)guest - (int64_t)(host_ns(rtc) / NS_PER_SEC);
		}
		rtc->ram[reg] = v;
		return;
	case RTC_REG_C:
	case RTC_REG_D:
		return;	/* read-only */
	default:
		rtc->ram[reg] = v;
		return;
	}
	/* A time register written without SET: take effect at once. */
	if (!(rtc->ram[RTC_REG_B] & REG_B_SET)) {
		guest = timegm(f);
		rtc->offset = (int64_t)guest - (int64_t)(host_ns(rtc) / NS_PER_SEC);
	}
}

VMCTL_EXPORT uint8_t vmctl_rtc_io(struct vmctl_rtc *rtc, uint16_t port, uint8_t value,
				  bool is_write)
{
	if (port == 0x70) {
		if (is_write) {
			rtc->index = value & 0x7f;
			rtc->nmi_masked = value & 0x80;
		}
		return 0xff;	/* the index register is write-only */
	}
	if (port != 0x71)
		return 0xff;
	if (!is_write)
		return rtc_read(rtc, rtc->index);
	if (!(rtc->ram[RTC_REG_B] & REG_B_SET) &&
	    (rtc->index <= RTC_YEAR || rtc->index == RTC_CENTURY))
		guest_tm(rtc, &rtc->frozen);	/* the other fields stay as they read */
	rtc_write(rtc, rtc->index, value);
	return 0;
}

static uint8_t rtc_byte_io(void *dev, uint16_t port, uint8_t value, bool is_write)
{
	return vmctl_rtc_io(dev, port, value, is_write);
}

VMCTL_EXPORT int vmctl_rtc_pio(struct vmctl_vcpu *vcpu, uint16_t port, uint32_t *data,
			       unsigned int size, bool is_write, void *opaque)
{
	(void)vcpu;
	return dev_pio_bytes(port, data, size, is_write, rtc_byte_io, opaque);
}

VMCTL_EXPORT bool vmctl_rtc_nmi_masked(struct vmctl_rtc *rtc)
{
	return rtc && rtc->nmi_masked;
}

VMCTL_EXPORT int vmctl_rtc_create(vmctl_clock_t realtime, void *opaque, struct vmctl_rtc **rtcp)
{
	struct vmctl_rtc *rtc;

	if (!rtcp)
		return -EINVAL;
	rtc = calloc(1, sizeof(*rtc));
	if (!rtc)
		return -ENOMEM;
	rtc->clock = realtime;
	rtc->opaque = opaque;
	/* 32.768 kHz time base, 1024 Hz rate; 24-hour BCD, as a PC BIOS leaves it. */
	rtc->ram[RTC_REG_A] = 0x26;
	rtc->ram[RTC_REG_B] = REG_B_24H;
	*rtcp = rtc;
	return 0;
}

VMCTL_EXPORT void vmctl_rtc_destroy(struct vmctl_rtc *rtc)
{
	free(rtc);
}
