// SPDX-License-Identifier: GPL-2.0
/*
 * Port I/O, which user space completes: the value of an IN is supplied by
 * the next RUN.  MMIO is in mmio.c, INS/OUTS in string_io.c.
 */
#include <linux/kernel.h>

#include "vmx.h"
#include "vmx_ops.h"

enum vmx_exit_action vmx_handle_io(struct vmx_vcpu *v)
{
	struct vmctl_run *run = vmx_run(v);
	unsigned long q = v->exit_qual;
	unsigned int size = IO_QUAL_SIZE(q);

	/* Reads guest memory, which may sleep: not here. */
	if (q & IO_QUAL_STRING)
		return ACTION_EMULATE_STRING_IO;
	if ((q & IO_QUAL_REP) || size == 3 || size > 4) {
		u64 data[3] = { q, vmcs_readl(VMCS_GUEST_RIP), ~0ULL };

		return vmx_internal_error(v, VMCTL_INTERNAL_UNSUPPORTED_IO,
					  ARRAY_SIZE(data), data);
	}
	vmx_report_exit(v, VMCTL_EXIT_IO);
	run->io.port = IO_QUAL_PORT(q);
	run->io.size = size;
	run->io.count = 1;
	run->io.data_offset = offsetof(struct vmctl_run, io.data);
	run->io.flags = 0;
	if (q & IO_QUAL_IN) {
		run->io.direction = VMCTL_IO_IN;
		run->io.data = 0;
		/* Completed by the next RUN, with the value user space stores. */
		v->io_in_pending = true;
		v->io_size = size;
		v->io_insn_len = vmcs_read32(VMCS_EXIT_INSTRUCTION_LEN);
	} else {
		run->io.direction = VMCTL_IO_OUT;
		run->io.data = v->gpr[GPR_RAX] & GENMASK_ULL(size * 8 - 1, 0);
		vmx_skip_exiting_instruction(v);
	}
	return ACTION_EXIT_TO_USER;
}

/* IN: AL and AX keep the other bits of RAX, EAX zero-extends into RAX. */
void vmx_complete_io_in(struct vmx_vcpu *v)
{
	u64 data = vmx_run(v)->io.data;
	unsigned long *rax = &v->gpr[GPR_RAX];

	switch (v->io_size) {
	case 1:
		*rax = (*rax & ~0xffUL) | (data & 0xff);
		break;
	case 2:
		*rax = (*rax & ~0xffffUL) | (data & 0xffff);
		break;
	default:
		*rax = (u32)data;
		break;
	}
	vmx_skip_instruction(v, v->io_insn_len);
	v->io_in_pending = false;
}
