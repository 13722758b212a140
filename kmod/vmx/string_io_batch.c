// SPDX-License-Identifier: GPL-2.0
/*
 * The arithmetic of a string I/O batch (see string_io.h), after the SDM's
 * INS/INSB/INSW/INSD and OUTS/OUTSB/OUTSW/OUTSD pages and "Address-Size
 * Attribute".  Only kernel headers: KUnit includes this file as it is.
 */
#include <linux/kernel.h>
#include <linux/minmax.h>

#include <linux/vmctl.h>

#include "string_io.h"

/* The guest's page size, whatever the host's. */
#define STRIO_PAGE_SIZE		4096

u64 strio_addr_mask(unsigned int addr_bytes)
{
	return addr_bytes >= 8 ? ~0ULL : BIT_ULL(addr_bytes * 8) - 1;
}

u64 strio_write_reg(u64 old, u64 val, unsigned int addr_bytes)
{
	if (addr_bytes == 2)
		return (old & ~0xffffULL) | (val & 0xffff);
	if (addr_bytes == 4)
		return (u32)val;
	return val;
}

u32 strio_batch_count(const struct strio_op *op, u64 count, u64 index, u64 la)
{
	unsigned int off = la & (STRIO_PAGE_SIZE - 1);
	u64 mask = strio_addr_mask(op->addr_bytes);
	u64 n, in_page, in_addr;

	if (!count)
		return 0;
	if (off + op->size > STRIO_PAGE_SIZE)
		return 1;
	n = min_t(u64, count, VMCTL_IO_DATA_SIZE / op->size);
	if (op->df) {
		in_page = off / op->size + 1;
		in_addr = index / op->size + 1;
	} else {
		in_page = (STRIO_PAGE_SIZE - off) / op->size;
		in_addr = (mask - index) / op->size + 1;
	}
	return min3(n, in_page, in_addr);
}

/* The lowest offset of @n elements from @index. */
static u64 strio_low_offset(const struct strio_op *op, u64 index, u32 n)
{
	return op->df ? index - (u64)(n - 1) * op->size : index;
}

static bool strio_seg_fits(const struct strio_op *op,
			   const struct vmx_walk_seg *seg, unsigned int seg_nr,
			   bool long_mode, unsigned int virt_bits, u64 index,
			   unsigned int access, u32 n)
{
	u64 la;

	return !vmx_seg_linear(seg, seg_nr, long_mode, virt_bits,
			       strio_low_offset(op, index, n), n * op->size,
			       access, &la);
}

u32 strio_seg_clamp(const struct strio_op *op, const struct vmx_walk_seg *seg,
		    unsigned int seg_nr, bool long_mode, unsigned int virt_bits,
		    u64 index, unsigned int access, u32 n)
{
	u32 good = 1, bad = n;

	if (strio_seg_fits(op, seg, seg_nr, long_mode, virt_bits, index,
			   access, n))
		return n;
	/* The elements that pass form a run from the first one. */
	while (bad - good > 1) {
		u32 mid = good + (bad - good) / 2;

		if (strio_seg_fits(op, seg, seg_nr, long_mode, virt_bits,
				   index, access, mid))
			good = mid;
		else
			bad = mid;
	}
	return good;
}

void strio_advance(const struct strio_op *op, u32 n, u64 *index, u64 *rcx)
{
	u64 delta = (u64)n * op->size;

	*index = strio_write_reg(*index, op->df ? *index - delta : *index + delta,
				 op->addr_bytes);
	if (op->rep)
		*rcx = strio_write_reg(*rcx, *rcx - n, op->addr_bytes);
}
