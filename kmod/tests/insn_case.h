/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One unit case of the instruction decoder and the checks run on it, shared
 * by the user-space unit test (tests/decoder/unit.c) and the KUnit suite
 * (kmod/tests/insn_decode_kunit.c), so that both builds of the decoder are
 * held to exactly the same expectations.  The cases themselves are generated
 * from tests/decoder/cases.txt into generated/insn_cases.h.
 *
 * The includer provides snprintf() (<linux/kernel.h> or <stdio.h>).
 */
#ifndef VMCTL_TESTS_INSN_CASE_H
#define VMCTL_TESTS_INSN_CASE_H

#include "insn_decode.h"

struct insn_case {
	int line;			/* in cases.txt */
	u8 mode;
	u8 nbytes;
	u8 bytes[VMCTL_INSN_MAX_LEN];
	const char *text;
	int cx;				/* index into insn_cxs[], or -1 */
	struct vmctl_insn expect;
};

/* A completion check: registers before and after, device data. */
struct insn_cx {
	struct vmctl_insn_regs in, out;
	u64 rdata, wdata, ea;
	int check_ea;
	int ret;
};

static inline bool insn_field_differs(char *why, unsigned int size,
				      const char *name, u64 got, u64 want)
{
	if (got == want)
		return false;
	snprintf(why, size, "%s: got 0x%llx, want 0x%llx", name,
		 (unsigned long long)got, (unsigned long long)want);
	return true;
}

/* Field by field; the first mismatch is described in why. */
static inline int insn_case_compare(const struct vmctl_insn *got,
				    const struct vmctl_insn *want,
				    char *why, unsigned int size)
{
	const struct vmctl_insn_mem *gm, *wm;
	unsigned int i;

	if (insn_field_differs(why, size, "status", got->status, want->status))
		return -1;
	if (want->status != VMCTL_INSN_OK)
		return 0;
	if (insn_field_differs(why, size, "len", got->len, want->len) ||
	    insn_field_differs(why, size, "op", got->op, want->op) ||
	    insn_field_differs(why, size, "width", got->width, want->width) ||
	    insn_field_differs(why, size, "opsize", got->opsize, want->opsize) ||
	    insn_field_differs(why, size, "addr_size", got->addr_size,
			       want->addr_size) ||
	    insn_field_differs(why, size, "lock", got->lock, want->lock) ||
	    insn_field_differs(why, size, "rep", got->rep, want->rep) ||
	    insn_field_differs(why, size, "hint", got->hint, want->hint) ||
	    insn_field_differs(why, size, "reg", got->reg, want->reg) ||
	    insn_field_differs(why, size, "ext", got->ext, want->ext) ||
	    insn_field_differs(why, size, "reg_is_dst", got->reg_is_dst,
			       want->reg_is_dst) ||
	    insn_field_differs(why, size, "writes_reg", got->writes_reg,
			       want->writes_reg) ||
	    insn_field_differs(why, size, "has_imm", got->has_imm,
			       want->has_imm) ||
	    insn_field_differs(why, size, "imm", got->imm, want->imm) ||
	    insn_field_differs(why, size, "nmem", got->nmem, want->nmem))
		return -1;
	if (want->reg != VMCTL_INSN_REG_NONE &&
	    (insn_field_differs(why, size, "reg_width", got->reg_width,
				want->reg_width) ||
	     insn_field_differs(why, size, "reg_hi8", got->reg_hi8,
				want->reg_hi8)))
		return -1;
	for (i = 0; i < want->nmem; i++) {
		gm = &got->mem[i];
		wm = &want->mem[i];
		if (insn_field_differs(why, size, "mem.base", gm->base,
				       wm->base) ||
		    insn_field_differs(why, size, "mem.index", gm->index,
				       wm->index) ||
		    insn_field_differs(why, size, "mem.seg", gm->seg, wm->seg) ||
		    insn_field_differs(why, size, "mem.access", gm->access,
				       wm->access) ||
		    insn_field_differs(why, size, "mem.disp", gm->disp,
				       wm->disp))
			return -1;
		if (wm->index != VMCTL_INSN_REG_NONE &&
		    insn_field_differs(why, size, "mem.scale", gm->scale,
				       wm->scale))
			return -1;
	}
	return 0;
}

static inline int insn_cx_run(const struct vmctl_insn *insn,
			      const struct insn_cx *cx, char *why,
			      unsigned int size)
{
	struct vmctl_insn_regs regs = cx->in;
	u64 wdata = 0, ea;
	unsigned int i;
	int ret;

	ea = vmctl_insn_ea(insn, &regs, 0);
	if (cx->check_ea && ea != cx->ea) {
		snprintf(why, size, "ea: got 0x%llx, want 0x%llx",
			 (unsigned long long)ea, (unsigned long long)cx->ea);
		return -1;
	}
	ret = vmctl_insn_complete(insn, &regs, cx->rdata, &wdata);
	if (ret != cx->ret) {
		snprintf(why, size, "complete returned %d, want %d", ret,
			 cx->ret);
		return -1;
	}
	if ((ret & VMCTL_INSN_WRITE) && wdata != cx->wdata) {
		snprintf(why, size, "wdata: got 0x%llx, want 0x%llx",
			 (unsigned long long)wdata,
			 (unsigned long long)cx->wdata);
		return -1;
	}
	for (i = 0; i < 16; i++) {
		if (regs.gpr[i] != cx->out.gpr[i]) {
			snprintf(why, size, "gpr[%u]: got 0x%llx, want 0x%llx",
				 i, (unsigned long long)regs.gpr[i],
				 (unsigned long long)cx->out.gpr[i]);
			return -1;
		}
	}
	if (regs.rip != cx->out.rip || regs.rflags != cx->out.rflags) {
		snprintf(why, size,
			 "rip/rflags: got 0x%llx/0x%llx, want 0x%llx/0x%llx",
			 (unsigned long long)regs.rip,
			 (unsigned long long)regs.rflags,
			 (unsigned long long)cx->out.rip,
			 (unsigned long long)cx->out.rflags);
		return -1;
	}
	return 0;
}

/*
 * Everything one case must satisfy: the fields; every shorter prefix of a
 * decodable instruction is "truncated"; padding it with DS prefixes to 15
 * bytes still decodes, to 16 is "too long"; the completion check if any.
 * scratch must hold at least 2 * VMCTL_INSN_MAX_LEN bytes.
 */
static inline int insn_case_run(const struct insn_case *c,
				const struct insn_cx *cxs, u8 *scratch,
				char *why, unsigned int size)
{
	struct vmctl_insn insn, want = c->expect;
	unsigned int i, n, pad;

	vmctl_insn_decode(&insn, c->bytes, c->nbytes, c->mode);
	if (insn_case_compare(&insn, &want, why, size))
		return -1;
	for (i = 0; i < c->nbytes; i++) {
		if (insn.bytes[i] != c->bytes[i] || insn.nbytes != c->nbytes) {
			snprintf(why, size, "bytes not kept for the report");
			return -1;
		}
	}
	if (want.status != VMCTL_INSN_OK)
		return 0;

	for (n = 0; n < c->nbytes; n++) {
		vmctl_insn_decode(&insn, c->bytes, n, c->mode);
		if (insn.status != VMCTL_INSN_ERR_TRUNCATED) {
			snprintf(why, size, "%u of %u bytes: status %s", n,
				 c->nbytes, vmctl_insn_status_name(insn.status));
			return -1;
		}
	}

	for (pad = VMCTL_INSN_MAX_LEN - c->nbytes;
	     pad + c->nbytes <= VMCTL_INSN_MAX_LEN + 1; pad++) {
		for (i = 0; i < pad; i++)
			scratch[i] = 0x3e;
		for (i = 0; i < c->nbytes; i++)
			scratch[pad + i] = c->bytes[i];
		vmctl_insn_decode(&insn, scratch, pad + c->nbytes, c->mode);
		if (pad + c->nbytes <= VMCTL_INSN_MAX_LEN ?
		    insn.status != VMCTL_INSN_OK || insn.len != pad + c->nbytes ||
		    insn.op != want.op || insn.width != want.width :
		    insn.status != VMCTL_INSN_ERR_TOO_LONG) {
			snprintf(why, size, "padded to %u bytes: status %s len %u",
				 pad + c->nbytes,
				 vmctl_insn_status_name(insn.status), insn.len);
			return -1;
		}
	}

	if (c->cx >= 0) {
		vmctl_insn_decode(&insn, c->bytes, c->nbytes, c->mode);
		if (insn_cx_run(&insn, &cxs[c->cx], why, size))
			return -1;
	}
	return 0;
}

#endif /* VMCTL_TESTS_INSN_CASE_H */
