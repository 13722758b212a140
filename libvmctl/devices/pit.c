// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * i8254 programmable interval timer at 0x40-0x43, and port 0x61 (gate and
 * output of channel 2, as Linux's PIT calibration and the PC speaker use
 * them).  The counters are not stepped: each value is computed from the
 * clock when read, so a guest that does not look costs nothing, and
 * channel 0's interrupts come from a timerfd armed for the next one (no
 * busy waiting; a halted guest sleeps until then).  BCD counting is not
 * modelled (the count is binary either way).
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "dev.h"

#define NS_PER_SEC	1000000000ULL
#define PIT_IRQ		0
#define REFRESH_NS	15085	/* port 0x61 bit 4 toggles every 15.085 us */

enum { RW_LATCH, RW_LSB, RW_MSB, RW_WORD };

struct channel {
	uint32_t count;		/* initial count, 1..65536 */
	uint8_t mode;		/* 0-5 */
	uint8_t rw;		/* RW_* access mode */
	uint8_t bcd;
	bool gate;
	bool loaded;		/* a count was written since the control word */
	bool started;		/* counting (modes 1, 5: after a gate trigger) */
	bool write_msb;		/* RW_WORD: the next write is the MSB */
	bool read_msb;		/* RW_WORD: the next read is the MSB */
	uint8_t lsb_written;
	bool count_latched, status_latched;
	uint16_t latch;
	uint8_t latch_reads;	/* bytes of the latched count still to read */
	uint8_t status;
	uint64_t start_ns;	/* when counting began (or resumed) */
	uint64_t frozen_ticks;	/* modes 0, 4 with gate low: where it stopped */
	uint64_t irqs;		/* channel 0: interrupts raised since start_ns */
};

struct vmctl_pit {
	struct channel ch[3];
	struct vmctl_irq *irq;
	vmctl_clock_t clock;
	void *clock_opaque;
	bool speaker;
	int timer_fd;
};

static uint64_t now(struct vmctl_pit *pit)
{
	return dev_clock(pit->clock, pit->clock_opaque, CLOCK_MONOTONIC);
}

static uint64_t ticks_since(uint64_t start, uint64_t t)
{
	return t < start ? 0 : (uint64_t)((unsigned __int128)(t - start) * VMCTL_PIT_HZ / NS_PER_SEC);
}

/* The first clock time at which ticks counter ticks have passed. */
static uint64_t ticks_to_ns(uint64_t start, uint64_t ticks)
{
	return start + (uint64_t)(((unsigned __int128)ticks * NS_PER_SEC + VMCTL_PIT_HZ - 1) /
				  VMCTL_PIT_HZ);
}

/* Input clock periods counted so far. */
static uint64_t elapsed(struct vmctl_pit *pit, struct channel *c)
{
	if (!c->loaded || !c->started)
		return 0;
	if (!c->gate && (c->mode == 0 || c->mode == 4))
		return c->frozen_ticks;
	return ticks_since(c->start_ns, now(pit));
}

static uint16_t current_count(struct vmctl_pit *pit, struct channel *c)
{
	uint64_t d = elapsed(pit, c);

	if (!c->loaded)
		return c->count;
	switch (c->mode) {
	case 2:
		return c->count - d % c->count;
	case 3:
		/* Counts down by two, twice per period. */
		return (c->count - (2 * d) % c->count) & 0xfffe;
	default:
		return (c->count - d) & 0xffff;
	}
}

static bool output(struct vmctl_pit *pit, struct channel *c)
{
	uint64_t d = elapsed(pit, c);

	switch (c->mode) {
	case 0:
		return c->loaded && c->started && d >= c->count;
	case 1:
		return !c->started || d >= c->count;
	case 2:
		return !c->gate || !c->started || d % c->count != c->count - 1;
	case 3:
		return !c->gate || !c->started || d % c->count < (c->count + 1) / 2;
	default:	/* 4, 5: a one-clock low strobe at terminal count */
		return !c->started || d != c->count;
	}
}

static bool periodic(const struct channel *c)
{
	return c->mode == 2 || c->mode == 3;
}

VMCTL_EXPORT uint64_t vmctl_pit_next_deadline(struct vmctl_pit *pit)
{
	struct channel *c;

	if (!pit)
		return 0;
	c = &pit->ch[0];
	if (!c->loaded || !c->started)
		return 0;
	if (periodic(c))
		return ticks_to_ns(c->start_ns, (c->irqs + 1) * c->count);
	if ((c->mode == 0 || c->mode == 4) && c->irqs == 0)
		return ticks_to_ns(c->start_ns, c->count);
	return 0;
}

static void arm(struct vmctl_pit *pit)
{
	uint64_t when = vmctl_pit_next_deadline(pit);
	struct itimerspec its = { 0 };

	if (pit->timer_fd < 0)
		return;
	if (when) {
		/* 0 would disarm: a deadline at time 0 is simply past. */
		its.it_value.tv_sec = when / NS_PER_SEC;
		its.it_value.tv_nsec = when % NS_PER_SEC;
	}
	timerfd_settime(pit->timer_fd, TFD_TIMER_ABSTIME, &its, NULL);
}

VMCTL_EXPORT int vmctl_pit_service(struct vmctl_pit *pit)
{
	struct channel *c = &pit->ch[0];
	uint64_t expired, d;
	int raised = 0;

	if (!pit)
		return 0;
	if (pit->timer_fd >= 0 && read(pit->timer_fd, &expired, sizeof(expired)) < 0) {
		/* Not readable yet (EAGAIN): the clock decides below. */
	}
	if (c->loaded && c->started) {
		d = elapsed(pit, c);
		if (periodic(c) && d / c->count > c->irqs) {
			/* Missed periods collapse into one interrupt. */
			c->irqs = d / c->count;
			raised = 1;
		} else if ((c->mode == 0 || c->mode == 4) && c->irqs == 0 && d >= c->count) {
			c->irqs = 1;
			raised = 1;
		}
	}
	if (raised)
		vmctl_irq_pulse(pit->irq, PIT_IRQ);
	arm(pit);
	return raised;
}

static void start(struct vmctl_pit *pit, struct channel *c)
{
	c->start_ns = now(pit);
	c->irqs = 0;
	c->frozen_ticks = 0;
	/* Modes 1 and 5 wait for a rising gate; others count while it is high. */
	c->started = c->mode != 1 && c->mode != 5;
}

static void write_control(struct vmctl_pit *pit, uint8_t v)
{
	unsigned int sel = v >> 6, i;
	struct channel *c;

	if (sel == 3) {				/* read-back */
		for (i = 0; i < 3; i++) {
			c = &pit->ch[i];
			if (!(v & (2u << i)))
				continue;
			if (!(v & 0x20) && !c->count_latched) {
				c->latch = current_count(pit, c);
				c->count_latched = true;
				c->latch_reads = c->rw == RW_WORD ? 2 : 1;
			}
			if (!(v & 0x10) && !c->status_latched) {
				c->status = (output(pit, c) << 7) | (!c->loaded << 6) |
					    (c->rw << 4) | (c->mode << 1) | c->bcd;
				c->status_latched = true;
			}
		}
		return;
	}
	c = &pit->ch[sel];
	if (((v >> 4) & 3) == RW_LATCH) {	/* counter latch */
		if (!c->count_latched) {
			c->latch = current_count(pit, c);
			c->count_latched = true;
			c->latch_reads = c->rw == RW_WORD ? 2 : 1;
		}
		return;
	}
	c->rw = (v >> 4) & 3;
	c->mode = (v >> 1) & 7;
	if (c->mode > 5)
		c->mode -= 4;	/* 6 and 7 are 2 and 3 */
	c->bcd = v & 1;
	c->loaded = false;
	c->started = false;
	c->write_msb = c->read_msb = false;
	c->count_latched = c->status_latched = false;
	if (sel == 0)
		arm(pit);
}

static void write_count(struct vmctl_pit *pit, unsigned int sel, uint8_t v)
{
	struct channel *c = &pit->ch[sel];
	uint32_t count;

	switch (c->rw) {
	case RW_LSB:
		count = v;
		break;
	case RW_MSB:
		count = (uint32_t)v << 8;
		break;
	default:
		if (!c->write_msb) {
			c->lsb_written = v;
			c->write_msb = true;
			/* Mode 0: writing the first byte stops the count. */
			if (c->mode == 0) {
				c->loaded = false;
				if (sel == 0)
					arm(pit);
			}
			return;
		}
		c->write_msb = false;
		count = c->lsb_written | (uint32_t)v << 8;
		break;
	}
	c->count = count ? count : 0x10000;
	/* Periodic modes take a new count at the end of the current period;
	 * restarting at once is what Linux's reprogramming expects too. */
	c->loaded = true;
	start(pit, c);
	if (sel == 0)
		arm(pit);
}

static uint8_t read_count(struct vmctl_pit *pit, struct channel *c)
{
	uint16_t v;
	bool msb;

	if (c->status_latched) {
		c->status_latched = false;
		return c->status;
	}
	if (c->count_latched) {
		msb = c->rw == RW_MSB || (c->rw == RW_WORD && c->latch_reads == 1);
		if (--c->latch_reads == 0)
			c->count_latched = false;
		return msb ? c->latch >> 8 : c->latch & 0xff;
	}
	v = current_count(pit, c);
	switch (c->rw) {
	case RW_MSB:
		return v >> 8;
	case RW_WORD:
		msb = c->read_msb;
		c->read_msb = !c->read_msb;
		return msb ? v >> 8 : v & 0xff;
	default:
		return v & 0xff;
	}
}

static void set_gate(struct vmctl_pit *pit, struct channel *c, bool gate)
{
	if (gate == c->gate)
		return;
	if (!gate && (c->mode == 0 || c->mode == 4))
		c->frozen_ticks = elapsed(pit, c);
	c->gate = gate;
	if (!gate || !c->loaded)
		return;
	if (c->mode == 0 || c->mode == 4) {
		/* Resume where the count stopped. */
		c->start_ns = now(pit) - (ticks_to_ns(0, c->frozen_ticks));
	} else {
		/* A rising gate (re)triggers modes 1, 2, 3 and 5. */
		c->start_ns = now(pit);
		c->started = true;
		c->irqs = 0;
	}
}

VMCTL_EXPORT uint8_t vmctl_pit_io(struct vmctl_pit *pit, uint16_t port, uint8_t value,
				  bool is_write)
{
	struct channel *c2 = &pit->ch[2];

	switch (port) {
	case 0x40: case 0x41: case 0x42:
		if (!is_write)
			return read_count(pit, &pit->ch[port - 0x40]);
		write_count(pit, port - 0x40, value);
		return 0;
	case 0x43:
		if (is_write)
			write_control(pit, value);
		return 0xff;	/* the control register cannot be read */
	case 0x61:
		if (is_write) {
			set_gate(pit, c2, value & 1);
			pit->speaker = value & 2;
			return 0;
		}
		return c2->gate | pit->speaker << 1 |
		       ((now(pit) / REFRESH_NS) & 1) << 4 | output(pit, c2) << 5;
	default:
		return 0xff;
	}
}

static uint8_t pit_byte_io(void *dev, uint16_t port, uint8_t value, bool is_write)
{
	return vmctl_pit_io(dev, port, value, is_write);
}

VMCTL_EXPORT int vmctl_pit_pio(struct vmctl_vcpu *vcpu, uint16_t port, uint32_t *data,
			       unsigned int size, bool is_write, void *opaque)
{
	(void)vcpu;
	return dev_pio_bytes(port, data, size, is_write, pit_byte_io, opaque);
}

VMCTL_EXPORT int vmctl_pit_timer_fd(struct vmctl_pit *pit)
{
	return pit ? pit->timer_fd : -1;
}

VMCTL_EXPORT int vmctl_pit_create(struct vmctl_irq *irq, vmctl_clock_t clock, void *clock_opaque,
				  struct vmctl_pit **pitp)
{
	struct vmctl_pit *pit;
	unsigned int i;

	if (!irq || !pitp)
		return -EINVAL;
	pit = calloc(1, sizeof(*pit));
	if (!pit)
		return -ENOMEM;
	pit->irq = irq;
	pit->clock = clock;
	pit->clock_opaque = clock_opaque;
	pit->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (pit->timer_fd < 0) {
		free(pit);
		return errno == ENOMEM ? -ENOMEM : -EMFILE;
	}
	for (i = 0; i < 3; i++) {
		pit->ch[i].count = 0x10000;
		pit->ch[i].rw = RW_WORD;
		/* Channels 0 and 1 are wired to +5 V; 2's gate is port 0x61 bit 0. */
		pit->ch[i].gate = i != 2;
	}
	*pitp = pit;
	return 0;
}

VMCTL_EXPORT void vmctl_pit_destroy(struct vmctl_pit *pit)
{
	if (!pit)
		return;
	close(pit->timer_fd);
	free(pit);
}
