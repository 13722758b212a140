/* SPDX-License-Identifier: GPL-2.0 */
/*
 * String port I/O (INS/OUTS, with and without REP): the arithmetic of a
 * batch, pure functions of the instruction and the guest's registers
 * (string_io_batch.c, which KUnit includes as it is).  The VMX side that
 * reads the VMCS and copies guest memory is string_io.c.
 */
#ifndef VMCTL_VMX_STRING_IO_H
#define VMCTL_VMX_STRING_IO_H

#include <linux/types.h>

#include "walk.h"

/* What the exit says about the instruction. */
struct strio_op {
	unsigned int size;		/* element: 1, 2 or 4 bytes */
	unsigned int addr_bytes;	/* address size: 2, 4 or 8 bytes */
	bool df;			/* RFLAGS.DF: elements go down */
	bool rep;
};

/* The bits of RSI/RDI/RCX that the address size uses. */
u64 strio_addr_mask(unsigned int addr_bytes);

/*
 * @val written to a register of @addr_bytes as the CPU writes it: a
 * 16-bit write keeps bits 63:16, a 32-bit write zero-extends.
 */
u64 strio_write_reg(u64 old, u64 val, unsigned int addr_bytes);

/*
 * Elements in the batch that starts with the element at offset @index
 * (already masked to the address size), linear address @la, when @count
 * are left: at least 1 for @count >= 1.  Stops at the guest page (an
 * element that straddles two pages goes alone), at VMCTL_IO_DATA_SIZE
 * bytes and where @index would wrap around the address size.
 */
u32 strio_batch_count(const struct strio_op *op, u64 count, u64 index, u64 la);

/*
 * Shortens a batch of @n elements from @index to the elements that pass
 * the segment's checks; the caller has checked the first one.
 */
u32 strio_seg_clamp(const struct strio_op *op, const struct vmx_walk_seg *seg,
		    unsigned int seg_nr, bool long_mode, unsigned int virt_bits,
		    u64 index, unsigned int access, u32 n);

/* RSI or RDI (@index) and RCX after @n elements, as the CPU leaves them. */
void strio_advance(const struct strio_op *op, u32 n, u64 *index, u64 *rcx);

#endif /* VMCTL_VMX_STRING_IO_H */
