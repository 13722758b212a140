// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The i8259 pair behind struct vmctl_irq, programmed as Linux's
 * arch/x86/kernel/i8259.c does (ICW1 0x11, bases 0x30/0x38, cascade on
 * IRQ 2, specific EOIs, ISR reads through OCW3 0x0b), plus non-specific EOI,
 * ELCR level lines, masking, spurious IRQ 7/15, auto-EOI and poll mode.
 * Vectors and register values are written down here, not computed.
 */
#include <errno.h>

#include "tap.h"
#include "internal.h"
#include "vmctl/devices.h"

static unsigned int notified;

static void notify(void *opaque)
{
	(void)opaque;
	notified++;
}

static void out(struct vmctl_irq *irq, uint16_t port, uint8_t v)
{
	vmctl_irq_io(irq, port, v, true);
}

static uint8_t in(struct vmctl_irq *irq, uint16_t port)
{
	return vmctl_irq_io(irq, port, 0, false);
}

static uint8_t isr(struct vmctl_irq *irq, uint16_t cmd)
{
	uint8_t v;

	out(irq, cmd, 0x0b);
	v = in(irq, cmd);
	out(irq, cmd, 0x0a);
	return v;
}

static uint8_t irr(struct vmctl_irq *irq, uint16_t cmd)
{
	out(irq, cmd, 0x0a);
	return in(irq, cmd);
}

/* init_8259A(0), then the masks given. */
static void linux_init(struct vmctl_irq *irq, uint8_t icw4, uint8_t master_mask,
		       uint8_t slave_mask)
{
	out(irq, 0x21, 0xff);
	out(irq, 0xa1, 0xff);
	out(irq, 0x20, 0x11);
	out(irq, 0x21, 0x30);
	out(irq, 0x21, 0x04);
	out(irq, 0x21, icw4);
	out(irq, 0xa0, 0x11);
	out(irq, 0xa1, 0x38);
	out(irq, 0xa1, 0x02);
	out(irq, 0xa1, 0x01);
	out(irq, 0x21, master_mask);
	out(irq, 0xa1, slave_mask);
}

int main(void)
{
	struct vmctl_irq *irq;
	uint8_t v;

	tap_plan(39);
	if (vmctl_irq_create(&irq))
		tap_bail("vmctl_irq_create failed");
	tap_ok(vmctl_irq_create(NULL) == -EINVAL, "create(NULL): -EINVAL");
	vmctl_irq_set_notify(irq, notify, NULL);

	out(irq, 0x21, 0xff);
	tap_ok(in(irq, 0x21) == 0xff, "probe_8259A: the mask written reads back");
	linux_init(irq, 0x01, 0xf0, 0xff);	/* IRQ 0-3 open */
	tap_ok(in(irq, 0x21) == 0xf0 && in(irq, 0xa1) == 0xff, "OCW1 after the ICWs sets IMR");

	vmctl_irq_pulse(irq, 0);
	tap_ok(vmctl_irq_pending(irq) && notified == 1, "IRQ 0 edge: INTR up, hook called once");
	tap_ok(irr(irq, 0x20) == 0x01, "IRR shows IRQ 0");
	tap_ok(vmctl_irq_acknowledge(irq) == 0x30, "INTA gives vector 0x30");
	tap_ok(!vmctl_irq_pending(irq) && isr(irq, 0x20) == 0x01 && irr(irq, 0x20) == 0,
	       "IRQ 0 moved from IRR to ISR");
	vmctl_irq_pulse(irq, 0);
	tap_ok(!vmctl_irq_pending(irq) && irr(irq, 0x20) == 0x01,
	       "a second IRQ 0 waits while the first is in service");
	out(irq, 0x20, 0x60);
	tap_ok(vmctl_irq_pending(irq) && isr(irq, 0x20) == 0 && notified == 2,
	       "specific EOI 0x60 ends it; the waiting one raises INTR");
	tap_ok(vmctl_irq_acknowledge(irq) == 0x30, "and is delivered");
	out(irq, 0x20, 0x60);

	/* Nesting: IRQ 3 in service, IRQ 0 preempts it, IRQ 1 does too. */
	vmctl_irq_pulse(irq, 3);
	tap_ok(vmctl_irq_acknowledge(irq) == 0x33, "IRQ 3 delivered as 0x33");
	vmctl_irq_pulse(irq, 2 + 2);	/* IRQ 4 is masked */
	vmctl_irq_pulse(irq, 1);
	tap_ok(vmctl_irq_pending(irq), "IRQ 1 preempts IRQ 3 (higher priority)");
	tap_ok(vmctl_irq_acknowledge(irq) == 0x31 && isr(irq, 0x20) == 0x0a, "ISR holds 1 and 3");
	out(irq, 0x20, 0x20);
	tap_ok(isr(irq, 0x20) == 0x08, "non-specific EOI clears the highest priority (IRQ 1)");
	out(irq, 0x20, 0x20);
	tap_ok(isr(irq, 0x20) == 0x00, "a second one clears IRQ 3");
	vmctl_irq_pulse(irq, 3);
	vmctl_irq_acknowledge(irq);
	vmctl_irq_pulse(irq, 2 + 1);
	tap_ok(!vmctl_irq_pending(irq), "an IRQ of equal or lower priority waits for EOI");
	out(irq, 0x20, 0x63);
	tap_ok(vmctl_irq_pending(irq), "and comes after it");
	vmctl_irq_acknowledge(irq);
	out(irq, 0x20, 0x63);

	/* Masking. */
	out(irq, 0x21, 0xf2);
	vmctl_irq_pulse(irq, 1);
	tap_ok(!vmctl_irq_pending(irq) && irr(irq, 0x20) == 0x12,
	       "masked IRQ 1 latched, not raised (as IRQ 4 earlier)");
	out(irq, 0x21, 0xf0);
	tap_ok(vmctl_irq_pending(irq) && vmctl_irq_acknowledge(irq) == 0x31, "unmasked: delivered");
	out(irq, 0x20, 0x61);

	/* The slave through the cascade, EOIs as mask_and_ack_8259A sends them. */
	out(irq, 0xa1, 0xef);			/* IRQ 12 open */
	vmctl_irq_pulse(irq, 12);
	tap_ok(vmctl_irq_pending(irq), "IRQ 12 raises INTR through IRQ 2");
	tap_ok(vmctl_irq_acknowledge(irq) == 0x3c, "INTA gives the slave's vector 0x3c");
	tap_ok(isr(irq, 0xa0) == 0x10 && isr(irq, 0x20) == 0x04, "slave ISR bit 4, master ISR bit 2");
	out(irq, 0xa0, 0x64);
	out(irq, 0x20, 0x62);
	tap_ok(isr(irq, 0xa0) == 0 && isr(irq, 0x20) == 0, "specific EOIs to both clear them");

	/* ELCR: edge-only lines stay edge. */
	out(irq, 0x4d0, 0xff);
	out(irq, 0x4d1, 0xff);
	tap_ok(in(irq, 0x4d0) == 0xf8 && in(irq, 0x4d1) == 0xde,
	       "ELCR keeps IRQ 0-2, 8 and 13 edge-triggered");
	out(irq, 0x4d0, 0x20);
	out(irq, 0x4d1, 0x04);
	out(irq, 0x21, 0xd0);			/* IRQ 5 open too */
	vmctl_irq_set_line(irq, 5, true);
	tap_ok(vmctl_irq_acknowledge(irq) == 0x35, "level IRQ 5 delivered");
	out(irq, 0x20, 0x65);
	tap_ok(vmctl_irq_pending(irq), "still high after EOI: raised again");
	tap_ok(vmctl_irq_acknowledge(irq) == 0x35, "and delivered again");
	vmctl_irq_set_line(irq, 5, false);
	out(irq, 0x20, 0x65);
	tap_ok(!vmctl_irq_pending(irq) && !(irr(irq, 0x20) & 0x20), "line low: IRQ 5 request gone");

	/* An edge line held high interrupts once. */
	vmctl_irq_set_line(irq, 3, true);
	vmctl_irq_acknowledge(irq);
	out(irq, 0x20, 0x63);
	tap_ok(!vmctl_irq_pending(irq), "edge IRQ 3 held high: one interrupt only");
	vmctl_irq_set_line(irq, 3, false);

	/* Spurious interrupts: the request vanishes before INTA. */
	vmctl_irq_set_line(irq, 5, true);
	vmctl_irq_set_line(irq, 5, false);
	tap_ok(vmctl_irq_acknowledge(irq) == 0x37 && isr(irq, 0x20) == 0,
	       "vanished master request: spurious IRQ 7 (0x37), ISR empty");
	out(irq, 0xa1, 0xfb);			/* IRQ 10 open, level */
	vmctl_irq_set_line(irq, 10, true);
	tap_ok(vmctl_irq_pending(irq), "level IRQ 10 raises INTR");
	vmctl_irq_set_line(irq, 10, false);
	v = vmctl_irq_acknowledge(irq);
	tap_ok(v == 0x3f && isr(irq, 0xa0) == 0 && isr(irq, 0x20) == 0x04,
	       "vanished slave request: spurious IRQ 15 (0x%x), master IRQ 2 in service", v);
	out(irq, 0x20, 0x62);
	tap_ok(vmctl_irq_acknowledge(irq) == 0x37, "INTA with nothing requested: 0x37");

	/* Auto-EOI and poll mode. */
	linux_init(irq, 0x03, 0xfe, 0xff);
	vmctl_irq_pulse(irq, 0);
	tap_ok(vmctl_irq_acknowledge(irq) == 0x30 && isr(irq, 0x20) == 0,
	       "auto-EOI (ICW4 0x03): nothing stays in service");
	linux_init(irq, 0x01, 0xfe, 0xff);
	vmctl_irq_pulse(irq, 0);
	out(irq, 0x20, 0x0c);
	tap_ok(in(irq, 0x20) == 0x80, "poll command: 0x80 | IRQ 0");
	tap_ok(isr(irq, 0x20) == 0x01 && !vmctl_irq_pending(irq), "the poll read acknowledged it");
	out(irq, 0x20, 0x20);
	out(irq, 0x20, 0x0c);
	tap_ok(in(irq, 0x20) == 0x00, "poll with nothing pending: 0");

	/* Wide and out-of-range accesses. */
	{
		uint32_t d = 0;

		vmctl_irq_pio(NULL, 0x4d0, &d, 2, false, irq);
		tap_ok(d == (0x20u | 0x04u << 8), "a 16-bit read of 0x4d0 gives both ELCRs (0x%x)", d);
	}
	vmctl_irq_set_line(irq, 16, true);
	tap_ok(!vmctl_irq_pending(irq), "line 16 does not exist");
	vmctl_irq_destroy(irq);
	vmctl_irq_destroy(NULL);
	return tap_finish();
}
