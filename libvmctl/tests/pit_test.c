// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The i8254 on a clock the test moves: channel 0 as Linux's
 * setup_pit_timer() programs it (mode 2, LATCH = 1193182 / HZ) and as its
 * one-shot clockevent does (mode 0), the counter latch and read-back
 * commands, lobyte/hibyte access, and channel 2 with port 0x61 as
 * pit_calibrate_tsc() and quick_pit_calibrate() read it.  Times are worked
 * out here from 1193182 Hz, not by the model.  Last, a real timerfd: a
 * one-shot due in 1 ms makes the fd readable.
 */
#include <errno.h>
#include <math.h>
#include <poll.h>

#include "tap.h"
#include "internal.h"
#include "vmctl/devices.h"

static uint64_t fake_ns;

static uint64_t fake_clock(void *opaque)
{
	(void)opaque;
	return fake_ns;
}

static void out(struct vmctl_pit *pit, uint16_t port, uint8_t v)
{
	vmctl_pit_io(pit, port, v, true);
}

static uint8_t in(struct vmctl_pit *pit, uint16_t port)
{
	return vmctl_pit_io(pit, port, 0, false);
}

/* ns for n ticks of the 1.193182 MHz clock, rounded up. */
static uint64_t ticks_ns(double n)
{
	return (uint64_t)ceil(n * 1e9 / 1193182.0);
}

static unsigned int irq0_count(struct vmctl_irq *irq)
{
	unsigned int n = 0;

	while (vmctl_irq_pending(irq)) {
		if (vmctl_irq_acknowledge(irq) == 0x30)
			n++;
		vmctl_irq_io(irq, 0x20, 0x20, true);
	}
	return n;
}

int main(void)
{
	struct vmctl_irq *irq;
	struct vmctl_pit *pit, *real;
	uint64_t t0, deadline;
	struct pollfd pfd;
	uint16_t v, v2;
	uint8_t lo, hi;
	int i, ok;

	tap_plan(29);
	if (vmctl_irq_create(&irq))
		tap_bail("vmctl_irq_create failed");
	/* Master PIC: base 0x30, IRQ 0 open. */
	vmctl_irq_io(irq, 0x20, 0x11, true);
	vmctl_irq_io(irq, 0x21, 0x30, true);
	vmctl_irq_io(irq, 0x21, 0x04, true);
	vmctl_irq_io(irq, 0x21, 0x01, true);
	vmctl_irq_io(irq, 0x21, 0xfe, true);

	fake_ns = 1000000000ULL;
	tap_ok(vmctl_pit_create(NULL, fake_clock, NULL, &pit) == -EINVAL, "create without irq: -EINVAL");
	if (vmctl_pit_create(irq, fake_clock, NULL, &pit))
		tap_bail("vmctl_pit_create failed");
	tap_ok(vmctl_pit_next_deadline(pit) == 0 && vmctl_pit_timer_fd(pit) >= 0,
	       "nothing due before programming; a timerfd exists");

	/* setup_pit_timer(): 0x34, LATCH for HZ=250 = 4773 (0x12a5). */
	t0 = fake_ns;
	out(pit, 0x43, 0x34);
	out(pit, 0x40, 0xa5);
	out(pit, 0x40, 0x12);
	deadline = vmctl_pit_next_deadline(pit);
	tap_ok(deadline == t0 + ticks_ns(4773), "mode 2: first interrupt 4773 ticks on (%llu ns)",
	       (unsigned long long)(deadline - t0));
	fake_ns = deadline - 1;
	tap_ok(vmctl_pit_service(pit) == 0 && irq0_count(irq) == 0, "1 ns early: no interrupt");
	fake_ns = deadline;
	tap_ok(vmctl_pit_service(pit) == 1 && irq0_count(irq) == 1, "on time: IRQ 0 once");
	tap_ok(vmctl_pit_next_deadline(pit) == t0 + ticks_ns(2 * 4773), "next one a period later");
	fake_ns = t0 + ticks_ns(12.5 * 4773);
	tap_ok(vmctl_pit_service(pit) == 1 && irq0_count(irq) == 1,
	       "ten periods missed: one interrupt, not a burst");
	tap_ok(vmctl_pit_next_deadline(pit) == t0 + ticks_ns(13 * 4773), "then back on the grid");

	/* Counter latch: the value at the latch, not at the read. */
	fake_ns = t0 + ticks_ns(4773 * 20 + 1000);
	out(pit, 0x43, 0x00);
	fake_ns += 500000;
	lo = in(pit, 0x40);
	hi = in(pit, 0x40);
	v = lo | hi << 8;
	tap_ok(v == 4773 - 1000, "latched count 3773 (read %u), though time moved on", v);
	lo = in(pit, 0x40);
	hi = in(pit, 0x40);
	v = lo | hi << 8;
	v2 = 4773 - (uint16_t)((uint64_t)((fake_ns - t0) * 1193182.0 / 1e9) % 4773);
	tap_ok(v == v2, "unlatched read: the live count %u (expected %u)", v, v2);

	/* Mode 0 one-shot, as the PIT clockevent in oneshot mode. */
	t0 = fake_ns;
	out(pit, 0x43, 0x30);
	out(pit, 0x40, 0xe8);
	out(pit, 0x40, 0x03);			/* 1000 */
	tap_ok(vmctl_pit_next_deadline(pit) == t0 + ticks_ns(1000), "mode 0: due 1000 ticks on");
	out(pit, 0x43, 0xc2);			/* read-back status and count of channel 0 */
	v = in(pit, 0x40);
	tap_ok(v == 0x30, "read-back status before terminal count: OUT low, lobyte/hibyte, mode 0 "
	       "(0x%02x)", v);
	lo = in(pit, 0x40);
	hi = in(pit, 0x40);
	tap_ok((lo | hi << 8) == 1000, "read-back count 1000");
	fake_ns = t0 + ticks_ns(1000);
	tap_ok(vmctl_pit_service(pit) == 1 && irq0_count(irq) == 1, "one interrupt at terminal count");
	out(pit, 0x43, 0xe2);			/* status only */
	tap_ok(in(pit, 0x40) == 0xb0, "status now shows OUT high (0xb0)");
	fake_ns += 1000000000ULL;
	tap_ok(vmctl_pit_service(pit) == 0 && vmctl_pit_next_deadline(pit) == 0,
	       "and none after: one-shot");
	/* Mode 4 (0x38), as the i8253 clockevent's oneshot state programs it. */
	t0 = fake_ns;
	out(pit, 0x43, 0x38);
	out(pit, 0x40, 0x2c);
	out(pit, 0x40, 0x01);			/* 300 */
	fake_ns = t0 + ticks_ns(300) - 1;
	tap_ok(vmctl_pit_service(pit) == 0, "mode 4: nothing 1 ns before 300 ticks");
	fake_ns = t0 + ticks_ns(300);
	tap_ok(vmctl_pit_service(pit) == 1 && irq0_count(irq) == 1 &&
	       vmctl_pit_next_deadline(pit) == 0, "one interrupt at 300 ticks, then none");
	out(pit, 0x43, 0x10);			/* channel 0, LSB only, mode 0 */
	out(pit, 0x40, 0x80);
	tap_ok(vmctl_pit_next_deadline(pit) == fake_ns + ticks_ns(128), "LSB-only count 0x80");

	/* Mode 3 counts down by two. */
	out(pit, 0x43, 0x36);
	out(pit, 0x40, 0x00);
	out(pit, 0x40, 0x00);			/* 0 = 65536 */
	t0 = fake_ns;
	fake_ns = t0 + ticks_ns(100);
	out(pit, 0x43, 0x00);
	lo = in(pit, 0x40);
	hi = in(pit, 0x40);
	v = lo | hi << 8;
	tap_ok(v == (uint16_t)(65536 - 200), "mode 3, count 65536: after 100 ticks 65336 (%u)", v);

	/* Channel 2 as pit_calibrate_tsc(): gate on, speaker off, mode 0. */
	out(pit, 0x61, (in(pit, 0x61) & ~0x02) | 0x01);
	out(pit, 0x43, 0xb0);
	out(pit, 0x42, 11932 & 0xff);
	out(pit, 0x42, 11932 >> 8);
	t0 = fake_ns;
	tap_ok(!(in(pit, 0x61) & 0x20), "channel 2 OUT low while counting");
	fake_ns = t0 + ticks_ns(11932) - 1;
	tap_ok(!(in(pit, 0x61) & 0x20), "still low 1 ns before terminal count");
	fake_ns = t0 + ticks_ns(11932);
	tap_ok(in(pit, 0x61) & 0x20, "OUT high at terminal count (10 ms)");

	/* Gate low stops mode 0. */
	out(pit, 0x43, 0xb0);
	out(pit, 0x42, 0xff);
	out(pit, 0x42, 0xff);
	t0 = fake_ns;
	fake_ns = t0 + ticks_ns(300);
	out(pit, 0x61, 0x00);
	fake_ns += 10000000;
	out(pit, 0x43, 0x80);
	lo = in(pit, 0x42);
	hi = in(pit, 0x42);
	tap_ok((lo | hi << 8) == 0xffff - 300, "gate low: channel 2 holds at 0xffff - 300");
	out(pit, 0x61, 0x01);
	fake_ns += ticks_ns(100);
	out(pit, 0x43, 0x80);
	lo = in(pit, 0x42);
	hi = in(pit, 0x42);
	tap_ok((lo | hi << 8) == 0xffff - 400, "gate high again: resumes (0x%x)", lo | hi << 8);

	/* quick_pit_calibrate(): MSB reads fall with time. */
	out(pit, 0x43, 0xb0);
	out(pit, 0x42, 0xff);
	out(pit, 0x42, 0xff);
	t0 = fake_ns;
	ok = 1;
	for (i = 1; i <= 50; i++) {
		fake_ns = t0 + ticks_ns(256 * i + 10);
		in(pit, 0x42);
		if (in(pit, 0x42) != 0xff - i)
			ok = 0;
	}
	tap_ok(ok, "unlatched lobyte/hibyte reads: the MSB falls by one every 256 ticks");

	fake_ns = 15085 * 1000;
	lo = in(pit, 0x61) & 0x10;
	fake_ns += 15085;
	hi = in(pit, 0x61) & 0x10;
	tap_ok(lo != hi, "port 0x61 bit 4 (refresh) toggles every 15.085 us");
	tap_ok(in(pit, 0x43) == 0xff, "the control port reads as nothing");
	vmctl_pit_destroy(pit);

	/* The host clock through the timerfd. */
	if (vmctl_pit_create(irq, NULL, NULL, &real))
		tap_bail("vmctl_pit_create failed");
	out(real, 0x43, 0x30);
	out(real, 0x40, 1193 & 0xff);
	out(real, 0x40, 1193 >> 8);
	pfd = (struct pollfd){ .fd = vmctl_pit_timer_fd(real), .events = POLLIN };
	tap_ok(poll(&pfd, 1, 1000) == 1 && vmctl_pit_service(real) == 1,
	       "a 1 ms one-shot makes the timerfd readable within a second");
	vmctl_pit_destroy(real);
	vmctl_pit_destroy(NULL);
	vmctl_irq_destroy(irq);
	return tap_finish();
}
