// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Interrupt routing: ISA lines into a cascaded pair of i8259A PICs, the
 * master's INTR out to one hook.  Register semantics from Intel's 8259A
 * data sheet (ICW1-4, OCW1-3) and the PC's ELCR (edge/level control at
 * 0x4d0/0x4d1), as Linux's arch/x86/kernel/i8259.c programs them: ICW1
 * 0x11, vector bases 0x30/0x38, cascade on IRQ 2, specific EOIs, and the
 * ISR read (OCW3 0x0b) that tells a spurious IRQ 7/15 from a real one.
 */
#include <errno.h>
#include <stdlib.h>

#include "dev.h"

#define PIC_NONE	8	/* priority rank: nothing requested */
#define CASCADE_IRQ	2

struct pic {
	uint8_t irr;		/* requests latched */
	uint8_t isr;		/* in service */
	uint8_t imr;		/* masked */
	uint8_t elcr;		/* level-triggered lines */
	uint8_t elcr_mask;	/* lines that may be level-triggered */
	uint8_t input;		/* the lines' current levels */
	uint8_t base;		/* ICW2: vector of line 0 */
	uint8_t lowest;		/* line with the lowest priority + 1 (rotation) */
	uint8_t init_step;	/* 0 ready; 2, 3, 4: the ICW expected next */
	bool need_icw4, single, auto_eoi, rotate_on_aeoi;
	bool read_isr, poll, special_mask;
};

struct vmctl_irq {
	struct pic pic[2];	/* master, slave */
	bool intr;		/* the master's INTR output */
	vmctl_irq_notify_t notify;
	void *notify_opaque;
};

/* Rank (0 highest) of the highest-priority line in mask, or PIC_NONE. */
static unsigned int pic_rank(const struct pic *p, uint8_t mask)
{
	unsigned int rank;

	for (rank = 0; rank < 8; rank++)
		if (mask & (1u << ((rank + p->lowest) & 7)))
			return rank;
	return PIC_NONE;
}

/* The line this PIC would interrupt with now, or -1. */
static int pic_wanted(const struct pic *p)
{
	unsigned int want = pic_rank(p, p->irr & ~p->imr);
	uint8_t busy = p->isr;

	if (want == PIC_NONE)
		return -1;
	/* Special mask mode lets lines masked in IMR not block others. */
	if (p->special_mask)
		busy &= ~p->imr;
	if (want >= pic_rank(p, busy))
		return -1;
	return (want + p->lowest) & 7;
}

static void pic_set_input(struct pic *p, unsigned int line, bool high)
{
	uint8_t bit = 1u << line;

	if (p->elcr & bit) {
		if (high)
			p->irr |= bit;
		else
			p->irr &= ~bit;
	} else if (high && !(p->input & bit)) {
		p->irr |= bit;
	}
	if (high)
		p->input |= bit;
	else
		p->input &= ~bit;
}

static void pic_ack(struct pic *p, unsigned int line)
{
	uint8_t bit = 1u << line;

	if (p->auto_eoi) {
		if (p->rotate_on_aeoi)
			p->lowest = (line + 1) & 7;
	} else {
		p->isr |= bit;
	}
	/* A level request stays while its line is high. */
	if (!(p->elcr & bit))
		p->irr &= ~bit;
}

static void irq_update(struct vmctl_irq *irq)
{
	bool was = irq->intr;

	/*
	 * The slave's INT drives the master's IRQ 2: a pulse per update, so
	 * that an edge-triggered IRQ 2 sees each new slave request even when
	 * the output never dropped in between.
	 */
	if (pic_wanted(&irq->pic[1]) >= 0) {
		pic_set_input(&irq->pic[0], CASCADE_IRQ, true);
		pic_set_input(&irq->pic[0], CASCADE_IRQ, false);
	}
	irq->intr = pic_wanted(&irq->pic[0]) >= 0;
	if (irq->intr && !was && irq->notify)
		irq->notify(irq->notify_opaque);
}

static void pic_reset(struct pic *p)
{
	uint8_t elcr = p->elcr, mask = p->elcr_mask, input = p->input;

	*p = (struct pic){ .elcr = elcr, .elcr_mask = mask, .input = input };
	/* Level requests survive ICW1: their lines are still high. */
	p->irr = input & elcr;
}

VMCTL_EXPORT int vmctl_irq_create(struct vmctl_irq **irqp)
{
	struct vmctl_irq *irq;

	if (!irqp)
		return -EINVAL;
	irq = calloc(1, sizeof(*irq));
	if (!irq)
		return -ENOMEM;
	/* IRQ 0, 1, 2, 8 and 13 are edge-only on a PC. */
	irq->pic[0].elcr_mask = 0xf8;
	irq->pic[1].elcr_mask = 0xde;
	*irqp = irq;
	return 0;
}

VMCTL_EXPORT void vmctl_irq_destroy(struct vmctl_irq *irq)
{
	free(irq);
}

VMCTL_EXPORT void vmctl_irq_set_notify(struct vmctl_irq *irq, vmctl_irq_notify_t notify,
				       void *opaque)
{
	if (!irq)
		return;
	irq->notify = notify;
	irq->notify_opaque = opaque;
}

VMCTL_EXPORT void vmctl_irq_set_line(struct vmctl_irq *irq, unsigned int line, bool high)
{
	if (!irq || line >= VMCTL_IRQ_LINES)
		return;
	pic_set_input(&irq->pic[line / 8], line % 8, high);
	irq_update(irq);
}

VMCTL_EXPORT void vmctl_irq_pulse(struct vmctl_irq *irq, unsigned int line)
{
	vmctl_irq_set_line(irq, line, true);
	vmctl_irq_set_line(irq, line, false);
}

VMCTL_EXPORT bool vmctl_irq_pending(struct vmctl_irq *irq)
{
	return irq && irq->intr;
}

VMCTL_EXPORT uint8_t vmctl_irq_acknowledge(struct vmctl_irq *irq)
{
	struct pic *master = &irq->pic[0], *slave = &irq->pic[1];
	int line = pic_wanted(master), sline;
	uint8_t vector;

	if (line < 0) {
		/* The request went away before INTA: spurious IRQ 7. */
		vector = master->base + 7;
	} else if (line == CASCADE_IRQ) {
		sline = pic_wanted(slave);
		if (sline >= 0)
			pic_ack(slave, sline);
		else
			sline = 7;	/* spurious IRQ 15: the master still acks IRQ 2 */
		vector = slave->base + sline;
		pic_ack(master, CASCADE_IRQ);
	} else {
		vector = master->base + line;
		pic_ack(master, line);
	}
	irq->intr = false;
	irq_update(irq);
	return vector;
}

static void pic_write_command(struct pic *p, uint8_t v)
{
	unsigned int rank, line;

	if (v & 0x10) {				/* ICW1 */
		pic_reset(p);
		p->need_icw4 = v & 0x01;
		p->single = v & 0x02;
		p->init_step = 2;
		return;
	}
	if (v & 0x08) {				/* OCW3 */
		if (v & 0x04)
			p->poll = true;
		if (v & 0x02)
			p->read_isr = v & 0x01;
		if (v & 0x40)
			p->special_mask = v & 0x20;
		return;
	}
	switch (v >> 5) {			/* OCW2 */
	case 0:					/* clear rotate in auto-EOI */
		p->rotate_on_aeoi = false;
		break;
	case 4:					/* set rotate in auto-EOI */
		p->rotate_on_aeoi = true;
		break;
	case 1:					/* non-specific EOI */
	case 5:					/* ... and rotate */
		rank = pic_rank(p, p->isr);
		if (rank == PIC_NONE)
			break;
		line = (rank + p->lowest) & 7;
		p->isr &= ~(1u << line);
		if (v >> 5 == 5)
			p->lowest = (line + 1) & 7;
		break;
	case 3:					/* specific EOI */
		p->isr &= ~(1u << (v & 7));
		break;
	case 7:					/* specific EOI and rotate */
		p->isr &= ~(1u << (v & 7));
		p->lowest = ((v & 7) + 1) & 7;
		break;
	case 6:					/* set lowest priority */
		p->lowest = ((v & 7) + 1) & 7;
		break;
	default:				/* 2: no operation */
		break;
	}
}

static void pic_write_data(struct pic *p, uint8_t v)
{
	switch (p->init_step) {
	case 2:					/* ICW2 */
		p->base = v & 0xf8;
		p->init_step = p->single ? (p->need_icw4 ? 4 : 0) : 3;
		break;
	case 3:					/* ICW3: the cascade wiring is fixed */
		p->init_step = p->need_icw4 ? 4 : 0;
		break;
	case 4:					/* ICW4 */
		p->auto_eoi = v & 0x02;
		p->init_step = 0;
		break;
	default:				/* OCW1 */
		p->imr = v;
		break;
	}
}

static uint8_t pic_read_command(struct vmctl_irq *irq, struct pic *p)
{
	int line;

	if (!p->poll)
		return p->read_isr ? p->isr : p->irr;
	/* Poll command: the read is the INTA. */
	p->poll = false;
	line = pic_wanted(p);
	if (line < 0)
		return 0;
	pic_ack(p, line);
	irq_update(irq);
	return 0x80 | line;
}

VMCTL_EXPORT uint8_t vmctl_irq_io(struct vmctl_irq *irq, uint16_t port, uint8_t value,
				  bool is_write)
{
	struct pic *p;

	switch (port) {
	case 0x20: case 0x21: p = &irq->pic[0]; break;
	case 0xa0: case 0xa1: p = &irq->pic[1]; break;
	case 0x4d0: case 0x4d1:
		p = &irq->pic[port - 0x4d0];
		if (is_write) {
			p->elcr = value & p->elcr_mask;
			irq_update(irq);
		}
		return p->elcr;
	default:
		return 0xff;
	}
	if (!is_write)
		return port & 1 ? p->imr : pic_read_command(irq, p);
	if (port & 1)
		pic_write_data(p, value);
	else
		pic_write_command(p, value);
	irq_update(irq);
	return 0;
}

static uint8_t irq_byte_io(void *dev, uint16_t port, uint8_t value, bool is_write)
{
	return vmctl_irq_io(dev, port, value, is_write);
}

VMCTL_EXPORT int vmctl_irq_pio(struct vmctl_vcpu *vcpu, uint16_t port, uint32_t *data,
			       unsigned int size, bool is_write, void *opaque)
{
	(void)vcpu;
	return dev_pio_bytes(port, data, size, is_write, irq_byte_io, opaque);
}
