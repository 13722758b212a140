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

#define INSN_CASE_CMP(field)						\
	do {								\
		if ((u64)got->field != (u64)want->field) {		\
			snprintf(why, size, "%s: got 0x%llx, want 0x%llx", \
				 #field, (unsigned long long)got->field, \
				 (unsigned long long)want->field);	\
			return -1;					\
		}							\
	} while (0)

/* Field by field; the first mismatch is described in why. */
static inline int insn_case_compare(const struct vmctl_insn *got,
				    const struct vmctl_insn *want,
				    char *why, unsigned int size)
{
	unsigned int i;

	INSN_CASE_CMP(status);
	if (want->status != VMCTL_INSN_OK)
		return 0;
	INSN_CASE_CMP(len);
	INSN_CASE_CMP(op);
	INSN_CASE_CMP(width);
	INSN_CASE_CMP(opsize);
	INSN_CASE_CMP(addr_size);
	INSN_CASE_CMP(lock);
	INSN_CASE_CMP(rep);
	INSN_CASE_CMP(hint);
	INSN_CASE_CMP(reg);
	if (want->reg != VMCTL_INSN_REG_NONE) {
		INSN_CASE_CMP(reg_width);
		INSN_CASE_CMP(reg_hi8);
	}
	INSN_CASE_CMP(ext);
	INSN_CASE_CMP(reg_is_dst);
	INSN_CASE_CMP(writes_reg);
	INSN_CASE_CMP(has_imm);
	INSN_CASE_CMP(imm);
	INSN_CASE_CMP(nmem);
	for (i = 0; i < want->nmem; i++) {
		INSN_CASE_CMP(mem[i].base);
		INSN_CASE_CMP(mem[i].index);
		if (want->mem[i].index != VMCTL_INSN_REG_NONE)
			INSN_CASE_CMP(mem[i].scale);
		INSN_CASE_CMP(mem[i].seg);
		INSN_CASE_CMP(mem[i].access);
		INSN_CASE_CMP(mem[i].disp);
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
