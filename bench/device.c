// SPDX-License-Identifier: GPL-2.0
/*
 * The host-side handling of the loop guests' exits, shared by every side:
 * vmctl through libvmctl, vmctl through raw ioctls and KVM all call these
 * functions for each exit, so that what differs between them is only the
 * hypervisor and the way it is driven.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "bench.h"

void dev_reset(struct device *d)
{
	memset(d, 0, sizeof(*d));
}

/* Keeps the first unexpected access: later ones are its consequences. */
static int dev_error(struct device *d, const char *what, uint64_t where,
		     unsigned int size)
{
	if (!d->error[0])
		snprintf(d->error, sizeof(d->error),
			 "unexpected %s at 0x%llx, size %u", what,
			 (unsigned long long)where, size);
	return -EINVAL;
}

int dev_pio(struct device *d, uint16_t port, bool is_write, unsigned int size,
	    uint32_t *data)
{
	if (port != BENCH_PORT || size != 1)
		return dev_error(d, is_write ? "OUT" : "IN", port, size);
	if (is_write) {
		d->out_count++;
		d->out_sum += *data & 0xff;
	} else {
		/* The guest sums what it reads: 1, 2, 3, ... (low byte). */
		d->in_count++;
		*data = d->in_count & 0xff;
		d->in_sum += *data;
	}
	return 0;
}

int dev_mmio(struct device *d, uint64_t gpa, bool is_write, unsigned int len,
	     uint64_t *data)
{
	if (gpa != MMIO_GPA || len != 1 || !is_write)
		return dev_error(d, is_write ? "MMIO write" : "MMIO read", gpa, len);
	d->mmio_count++;
	d->mmio_sum += *data & 0xff;
	return 0;
}

int dev_hypercall(struct device *d, uint64_t nr, uint64_t a0, uint64_t a1,
		  uint64_t *ret)
{
	if (nr != HC_NR || a0 != HC_GPA || a1 != HC_NPAGES)
		return dev_error(d, "hypercall", nr, 0);
	d->hc_count++;
	*ret = 0;
	return 0;
}
