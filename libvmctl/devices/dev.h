/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What libvmctl's device models share; not part of the interface. */
#ifndef LIBVMCTL_DEV_H
#define LIBVMCTL_DEV_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "../internal.h"
#include "vmctl/devices.h"

typedef uint8_t (*dev_byte_io_t)(void *dev, uint16_t port, uint8_t value, bool is_write);

/*
 * These ISA devices have byte registers: a wider access touches
 * consecutive ports, low byte first, as the bus splits it.
 */
static inline int dev_pio_bytes(uint16_t port, uint32_t *data, unsigned int size,
				bool is_write, dev_byte_io_t io, void *dev)
{
	uint32_t v = 0;
	unsigned int i;

	for (i = 0; i < size && i < 4; i++) {
		uint8_t b = io(dev, port + i, is_write ? *data >> (8 * i) : 0, is_write);

		v |= (uint32_t)b << (8 * i);
	}
	if (!is_write)
		*data = v;
	return 0;
}

static inline uint64_t dev_clock(vmctl_clock_t clock, void *opaque, clockid_t id)
{
	struct timespec ts;

	if (clock)
		return clock(opaque);
	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* The console's escape: Ctrl-A x quits, Ctrl-A Ctrl-A sends Ctrl-A. */
struct pc_escape {
	bool after_ctrl_a;
};

/*
 * Copies terminal input from in to out (at most 2 * n bytes), taking the
 * escapes out; sets *quit and stops at Ctrl-A x.  Returns the bytes
 * stored in out.
 */
size_t pc_console_filter(struct pc_escape *st, const uint8_t *in, size_t n, uint8_t *out,
			 bool *quit);

#endif /* LIBVMCTL_DEV_H */
