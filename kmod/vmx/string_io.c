// SPDX-License-Identifier: GPL-2.0
/*
 * String port I/O: INS and OUTS, with and without REP, in batches (see
 * run.io in the uapi header).  The buffer is translated through the
 * guest's segment and page tables (walk.c) with its privilege checks; a
 * fault is injected, never reported.  OUTS copies the batch from guest
 * memory into the run page and is done when user space sees it; INS
 * waits for user space's values, which the next RUN copies into guest
 * memory (vmx_string_io_complete_in()).
 *
 * Guest memory is reached through the core's accessors, which sleep: as
 * MMIO, the emulation runs after the exit with preemption enabled
 * (ACTION_EMULATE_STRING_IO), loading the VMCS only for registers.
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/string.h>
#include <asm/processor.h>
#include <asm/trapnr.h>

#include "capabilities.h"
#include "string_io.h"
#include "vmx.h"
#include "vmx_ops.h"

/* VM-exit instruction information of INS/OUTS (SDM "VM-Exit Instruction-Information Field"). */
#define STRIO_INFO_ADDR_SIZE(i)	(((i) >> 7) & 7)	/* 0: 16, 1: 32, 2: 64 bits */
#define STRIO_INFO_SEG(i)	(((i) >> 15) & 7)	/* OUTS only */
#define STRIO_SEG_ES		0

static const struct {
	u32 base, limit, ar;
} strio_seg_fields[] = {
#define SEG(s) { VMCS_GUEST_##s##_BASE, VMCS_GUEST_##s##_LIMIT, VMCS_GUEST_##s##_AR }
	SEG(ES), SEG(CS), SEG(SS), SEG(DS), SEG(FS), SEG(GS),
#undef SEG
};

/* What one batch needs of the guest, read once. */
struct strio_ctx {
	struct vmx_paging paging;
	struct vmx_walk_seg seg;	/* of the string operand */
	unsigned int seg_nr;
	bool long_mode;
	u64 rip;
	u32 info;			/* VM-exit instruction information */
	u8 insn_len;
};

static int strio_read_phys(void *vm, u64 gpa, void *buf, unsigned int len)
{
	return vmctl_read_guest_phys(vm, gpa, buf, len);
}

static int strio_write_phys(void *vm, u64 gpa, const void *buf,
			    unsigned int len)
{
	return vmctl_write_guest_phys(vm, gpa, buf, len);
}

/* The VMCS is loaded. */
static void strio_read_state(struct vmx_vcpu *v, struct strio_ctx *c)
{
	struct vmx_paging *p = &c->paging;
	bool in = v->exit_qual & IO_QUAL_IN;

	vmx_read_guest_paging(p);
	c->long_mode = (p->efer & EFER_LMA) &&
		       (vmcs_read32(VMCS_GUEST_CS_AR) & SEG_AR_L);
	c->rip = vmcs_readl(VMCS_GUEST_RIP);
	c->info = vmcs_read32(VMCS_EXIT_INSTRUCTION_INFO);
	c->insn_len = vmcs_read32(VMCS_EXIT_INSTRUCTION_LEN);
	/* INS always writes ES:RDI; a prefix can change only OUTS's DS. */
	c->seg_nr = in ? STRIO_SEG_ES : STRIO_INFO_SEG(c->info);
	if (c->seg_nr >= ARRAY_SIZE(strio_seg_fields))
		c->seg_nr = 3;		/* reserved encodings: DS */
	c->seg.base = __vmcs_read(strio_seg_fields[c->seg_nr].base);
	c->seg.limit = __vmcs_read(strio_seg_fields[c->seg_nr].limit);
	c->seg.ar = __vmcs_read(strio_seg_fields[c->seg_nr].ar);
}

static enum vmx_exit_action strio_inject(struct vmx_vcpu *v,
					 unsigned int vector, u32 error_code,
					 u64 cr2)
{
	vmx_vcpu_get(v);
	vmx_queue_exception(v, vector, true, error_code);
	if (vector == X86_TRAP_PF)
		v->cr2 = cr2;
	return vmx_vcpu_put() ? ACTION_ERROR : ACTION_RESUME_GUEST;
}

static enum vmx_exit_action strio_unsupported(struct vmx_vcpu *v, u64 rip,
					      u64 gpa)
{
	u64 data[3] = { v->exit_qual, rip, gpa };

	return vmx_internal_error(v, VMCTL_INTERNAL_UNSUPPORTED_IO,
				  ARRAY_SIZE(data), data);
}

/* Copies the batch between guest memory and @buf, lowest address first. */
static int strio_copy(struct vmx_vcpu *v, void *buf, bool write)
{
	const struct vmx_strio *s = &v->strio;
	struct vmctl_vm *vm = v->vcpu->vm;
	unsigned int i, done = 0;

	for (i = 0; i < ARRAY_SIZE(s->gpa) && s->len[i]; i++) {
		int err = write ?
			vmctl_write_guest_phys(vm, s->gpa[i], buf + done, s->len[i]) :
			vmctl_read_guest_phys(vm, s->gpa[i], buf + done, s->len[i]);

		if (err)
			return err;
		done += s->len[i];
	}
	return 0;
}

/*
 * Element k of the port's order is element count - 1 - k of memory's
 * when DF is set.  @dst and @src do not overlap.
 */
static void strio_order(void *dst, const void *src, const struct vmx_strio *s)
{
	unsigned int k;

	if (!s->op.df) {
		memcpy(dst, src, s->count * s->op.size);
		return;
	}
	for (k = 0; k < s->count; k++)
		memcpy(dst + k * s->op.size,
		       src + (s->count - 1 - k) * s->op.size, s->op.size);
}

/* RSI or RDI, RCX and RIP past the batch; the VMCS is loaded. */
static void strio_retire(struct vmx_vcpu *v, unsigned int index_reg)
{
	struct vmx_strio *s = &v->strio;
	u64 index = v->gpr[index_reg], rcx = v->gpr[GPR_RCX];

	strio_advance(&s->op, s->count, &index, &rcx);
	v->gpr[index_reg] = index;
	v->gpr[GPR_RCX] = rcx;
	/* REP with elements left runs again, as the CPU restarts it. */
	if (!s->op.rep || !(rcx & strio_addr_mask(s->op.addr_bytes)))
		vmx_skip_instruction(v, s->insn_len);
}

static void strio_report(struct vmx_vcpu *v, bool in)
{
	struct vmctl_run *run = vmx_report_exit(v, VMCTL_EXIT_IO);
	const struct vmx_strio *s = &v->strio;

	run->io.port = s->port;
	run->io.size = s->op.size;
	run->io.direction = in ? VMCTL_IO_IN : VMCTL_IO_OUT;
	run->io.count = s->count;
	run->io.data = 0;
	run->io.data_offset = VMCTL_IO_DATA_OFFSET;
	run->io.flags = VMCTL_IO_STRING | (s->op.rep ? VMCTL_IO_REP : 0);
}

static void *strio_run_data(struct vmx_vcpu *v)
{
	return (void *)vmx_run(v) + VMCTL_IO_DATA_OFFSET;
}

/*
 * Translates the batch's bytes: all in the page of the first element, or
 * one element across two pages.  Returns 0 or the fault for the guest.
 */
static int strio_translate(struct vmx_vcpu *v, struct strio_ctx *c, u64 la,
			   unsigned int access, u64 *cr2, u32 *pf_error)
{
	const struct vmx_walk_mem mem = {
		strio_read_phys, strio_write_phys, v->vcpu->vm,
	};
	struct vmx_strio *s = &v->strio;
	unsigned int size = s->op.size;
	unsigned int first = PAGE_SIZE - offset_in_page(la);
	u64 gpa;
	int err;

	*cr2 = la;
	err = vmx_walk(&c->paging, &mem, la, access, &gpa, pf_error);
	if (err)
		return err;
	s->len[1] = 0;
	if (first < size) {
		s->gpa[0] = gpa;
		s->len[0] = first;
		*cr2 = la + first;
		err = vmx_walk(&c->paging, &mem, la + first, access,
			       &s->gpa[1], pf_error);
		s->len[1] = size - first;
		return err;
	}
	/* With DF set the batch runs down from the first element. */
	s->gpa[0] = s->op.df ? gpa - (u64)(s->count - 1) * size : gpa;
	s->len[0] = s->count * size;
	return 0;
}

enum vmx_exit_action vmx_string_io_emulate(struct vmx_vcpu *v)
{
	struct vmx_strio *s = &v->strio;
	unsigned long q = v->exit_qual;
	bool in = q & IO_QUAL_IN;
	unsigned int index_reg = in ? GPR_RDI : GPR_RSI;
	unsigned int access = in ? VMX_WALK_WRITE : 0;
	struct strio_ctx c = { };
	u64 mask, count, index, la, cr2;
	u32 pf_error;
	int err;

	vmx_vcpu_get(v);
	strio_read_state(v, &c);
	if (vmx_vcpu_put())
		return ACTION_ERROR;
	if (!(vmx_caps.basic & CAP_BASIC_INOUT_INFO))
		return strio_unsupported(v, c.rip, ~0ULL);

	s->port = IO_QUAL_PORT(q);
	s->op.size = IO_QUAL_SIZE(q);
	s->op.addr_bytes = 2 << min(STRIO_INFO_ADDR_SIZE(c.info), 2U);
	s->op.df = c.paging.rflags & X86_EFLAGS_DF;
	s->op.rep = q & IO_QUAL_REP;
	s->insn_len = c.insn_len;
	mask = strio_addr_mask(s->op.addr_bytes);
	count = s->op.rep ? v->gpr[GPR_RCX] & mask : 1;
	if (!count) {
		vmx_vcpu_get(v);
		vmx_skip_instruction(v, s->insn_len);
		return vmx_vcpu_put() ? ACTION_ERROR : ACTION_RESUME_GUEST;
	}

	index = v->gpr[index_reg] & mask;
	err = vmx_seg_linear(&c.seg, c.seg_nr, c.long_mode,
			     c.paging.virt_bits, index, s->op.size, access, &la);
	if (err)
		return strio_inject(v, -err, 0, 0);
	s->count = strio_batch_count(&s->op, count, index, la);
	s->count = strio_seg_clamp(&s->op, &c.seg, c.seg_nr, c.long_mode,
				   c.paging.virt_bits, index, access, s->count);

	err = strio_translate(v, &c, la, access, &cr2, &pf_error);
	if (err == -EFAULT)
		return strio_inject(v, X86_TRAP_PF, pf_error, cr2);
	if (err)
		return strio_unsupported(v, c.rip, ~0ULL);

	if (in) {
		s->in_pending = true;
		strio_report(v, true);
		return ACTION_EXIT_TO_USER;
	}
	if (strio_copy(v, s->buf, false))
		return strio_unsupported(v, c.rip, s->gpa[0]);
	strio_order(strio_run_data(v), s->buf, s);
	vmx_vcpu_get(v);
	strio_retire(v, GPR_RSI);
	if (vmx_vcpu_put())
		return ACTION_ERROR;
	strio_report(v, false);
	return ACTION_EXIT_TO_USER;
}

enum vmx_exit_action vmx_string_io_complete_in(struct vmx_vcpu *v)
{
	struct vmx_strio *s = &v->strio;
	u64 rip;

	s->in_pending = false;
	strio_order(s->buf, strio_run_data(v), s);
	if (strio_copy(v, s->buf, true)) {
		vmx_vcpu_get(v);
		rip = vmcs_readl(VMCS_GUEST_RIP);
		if (vmx_vcpu_put())
			return ACTION_ERROR;
		return strio_unsupported(v, rip, s->gpa[0]);
	}
	vmx_vcpu_get(v);
	strio_retire(v, GPR_RDI);
	return vmx_vcpu_put() ? ACTION_ERROR : ACTION_RESUME_GUEST;
}
