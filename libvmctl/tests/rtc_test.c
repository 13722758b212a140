// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * CMOS/RTC on a realtime clock the test sets: 2026-11-30 12:34:56 UTC
 * (1796042096, a Monday, worked out with date(1)) read in BCD and binary,
 * 24- and 12-hour format; the update-in-progress bit only in the last
 * 244 us of a second; the guest setting the time under register B's SET
 * bit and the clock running on from there; NMI mask bit; CMOS RAM.
 */
#include <errno.h>

#include "tap.h"
#include "internal.h"
#include "vmctl/devices.h"

#define T0	1796042096ULL	/* 2026-11-30 12:34:56 UTC */
#define NS	1000000000ULL

static uint64_t fake_ns;

static uint64_t fake_clock(void *opaque)
{
	(void)opaque;
	return fake_ns;
}

static uint8_t rd(struct vmctl_rtc *rtc, uint8_t reg)
{
	vmctl_rtc_io(rtc, 0x70, reg, true);
	return vmctl_rtc_io(rtc, 0x71, 0, false);
}

static void wr(struct vmctl_rtc *rtc, uint8_t reg, uint8_t v)
{
	vmctl_rtc_io(rtc, 0x70, reg, true);
	vmctl_rtc_io(rtc, 0x71, v, true);
}

int main(void)
{
	struct vmctl_rtc *rtc;

	tap_plan(21);
	tap_ok(vmctl_rtc_create(fake_clock, NULL, NULL) == -EINVAL, "create(NULL): -EINVAL");
	if (vmctl_rtc_create(fake_clock, NULL, &rtc))
		tap_bail("vmctl_rtc_create failed");
	fake_ns = T0 * NS + NS / 2;

	tap_ok(rd(rtc, 0x0b) == 0x02, "register B: 24-hour BCD");
	tap_ok(rd(rtc, 0x00) == 0x56 && rd(rtc, 0x02) == 0x34 && rd(rtc, 0x04) == 0x12,
	       "BCD time 12:34:56");
	tap_ok(rd(rtc, 0x07) == 0x30 && rd(rtc, 0x08) == 0x11 && rd(rtc, 0x09) == 0x26 &&
	       rd(rtc, 0x32) == 0x20, "BCD date 30.11.(20)26");
	tap_ok(rd(rtc, 0x06) == 2, "day of week 2 (Monday; Sunday is 1)");
	tap_ok(rd(rtc, 0x0d) == 0x80, "register D: valid RAM and time");
	tap_ok((rd(rtc, 0x0a) & 0x7f) == 0x26, "register A: divider and rate 0x26");

	fake_ns = T0 * NS + NS - 244001;
	tap_ok(!(rd(rtc, 0x0a) & 0x80), "UIP clear 244.001 us before the second ends");
	fake_ns = T0 * NS + NS - 244000;
	tap_ok(rd(rtc, 0x0a) & 0x80, "UIP set 244 us before");
	tap_ok(rd(rtc, 0x00) == 0x56, "the seconds still read 56 then");
	fake_ns = T0 * NS + NS;
	tap_ok(!(rd(rtc, 0x0a) & 0x80) && rd(rtc, 0x00) == 0x57, "at the second: UIP clear, 57");

	wr(rtc, 0x0b, 0x06);
	tap_ok(rd(rtc, 0x00) == 57 && rd(rtc, 0x04) == 12 && rd(rtc, 0x09) == 26,
	       "binary mode (DM): 12:..:57 in 2026 as plain numbers");
	wr(rtc, 0x0b, 0x00);
	tap_ok(rd(rtc, 0x04) == 0x92, "12-hour BCD: 12 PM is 0x92");
	fake_ns = (T0 + 3600) * NS;
	tap_ok(rd(rtc, 0x04) == 0x81, "an hour later: 1 PM is 0x81");
	fake_ns = (T0 + 12 * 3600) * NS;
	tap_ok(rd(rtc, 0x04) == 0x12, "00:34 next day is 12 AM (0x12)");

	/* The guest sets 05:06:07 on 1.2.2030 under SET, in 24-hour BCD. */
	wr(rtc, 0x0b, 0x82);
	wr(rtc, 0x00, 0x07);
	wr(rtc, 0x02, 0x06);
	wr(rtc, 0x04, 0x05);
	wr(rtc, 0x07, 0x01);
	wr(rtc, 0x08, 0x02);
	wr(rtc, 0x09, 0x30);
	fake_ns += 5 * NS;
	tap_ok(rd(rtc, 0x00) == 0x07 && !(rd(rtc, 0x0a) & 0x80), "SET: the registers stand still");
	wr(rtc, 0x0b, 0x02);
	fake_ns += 61 * NS;
	tap_ok(rd(rtc, 0x00) == 0x08 && rd(rtc, 0x02) == 0x07 && rd(rtc, 0x04) == 0x05 &&
	       rd(rtc, 0x07) == 0x01 && rd(rtc, 0x08) == 0x02 && rd(rtc, 0x09) == 0x30,
	       "SET cleared: 61 s later it is 05:07:08 on 1.2.2030");
	tap_ok(rd(rtc, 0x06) == 6, "and the day of week follows the date (Friday: 6)");

	vmctl_rtc_io(rtc, 0x70, 0x80 | 0x0d, true);
	tap_ok(vmctl_rtc_nmi_masked(rtc) && vmctl_rtc_io(rtc, 0x71, 0, false) == 0x80,
	       "bit 7 of 0x70 masks NMI; the index is the low seven bits");
	vmctl_rtc_io(rtc, 0x70, 0x0d, true);
	tap_ok(!vmctl_rtc_nmi_masked(rtc), "and clears again");
	wr(rtc, 0x40, 0xa5);
	tap_ok(rd(rtc, 0x40) == 0xa5 && rd(rtc, 0x41) == 0x00, "CMOS RAM keeps what is written");

	vmctl_rtc_destroy(rtc);
	return tap_finish();
}
