// SPDX-License-Identifier: GPL-2.0
/*
 * MMIO instruction decoder (placeholder: refuses everything until the
 * table-driven decoder lands).
 */
#include "insn_decode.h"

int vmctl_insn_decode(struct vmctl_insn *insn, const u8 *bytes,
		      unsigned int nbytes, enum vmctl_insn_mode mode)
{
	unsigned int i;

	for (i = 0; i < VMCTL_INSN_MAX_LEN; i++)
		insn->bytes[i] = i < nbytes ? bytes[i] : 0;
	insn->nbytes = nbytes < VMCTL_INSN_MAX_LEN ? nbytes : VMCTL_INSN_MAX_LEN;
	insn->mode = mode;
	insn->status = VMCTL_INSN_ERR_UNSUPPORTED;
	return insn->status;
}

u64 vmctl_insn_ea(const struct vmctl_insn *insn,
		  const struct vmctl_insn_regs *regs, unsigned int which)
{
	return 0;
}

int vmctl_insn_complete(const struct vmctl_insn *insn,
			struct vmctl_insn_regs *regs, u64 rdata, u64 *wdata)
{
	return -1;
}

const char *vmctl_insn_op_name(unsigned int op)
{
	return "?";
}

const char *vmctl_insn_status_name(unsigned int status)
{
	return "?";
}
