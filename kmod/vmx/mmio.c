// SPDX-License-Identifier: GPL-2.0
/*
 * Decoded MMIO: a guest access that no slot backs (or a write to a
 * read-only slot) ends in an EPT violation, which tells the address but not
 * what the instruction wanted.  Here the instruction is fetched through the
 * guest's segmentation and page tables (walk.c), decoded (x86/insn_decode),
 * and its memory operands translated the way the CPU translates them, with
 * the guest's privilege checks: a fault the CPU would raise is injected
 * instead.  The operands that turn out to be guest RAM are accessed here;
 * the others reach user space as VMCTL_EXIT_MMIO, one exit per access, and
 * the next RUN continues the instruction (vmx_mmio_continue()).
 *
 * An operand that crosses a page is two pieces, one per page, each
 * translated (and checked) before any access, as the CPU checks both pages
 * first: each piece is RAM or MMIO on its own, and each MMIO piece is an
 * exit of its own, in address order, as under KVM.
 *
 * Guest memory is reached through the core's accessors, which sleep: the
 * emulation runs after the exit with preemption enabled and the guest's FPU
 * state saved (ACTION_EMULATE_MMIO), loading the VMCS only to read or write
 * registers.
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/string.h>
#include <asm/processor.h>
#include <asm/trapnr.h>

#include "vmx.h"
#include "vmx_ops.h"
#include "walk.h"

/* EPT-violation qualification: what the guest-linear address was for. */
#define EPT_QUAL_LINEAR_VALID	BIT(7)
#define EPT_QUAL_TRANSLATION	BIT(8)	/* not an access of the walk itself */

#define MMIO_NR_SEGS		6	/* ES CS SS DS FS GS, encoding order */

/* What the emulation of one exit needs of the guest, read once. */
struct mmio_ctx {
	struct vmx_vcpu *v;
	struct vmx_paging paging;
	struct vmx_walk_seg seg[MMIO_NR_SEGS];
	struct vmctl_insn_regs regs;
	struct vmx_walk_mem mem;
	bool long_mode;			/* 64-bit mode: IA-32e and CS.L */
	enum vmctl_insn_mode mode;
	u64 exit_gpa;
	u32 idt_vectoring;

	/* a fault for the guest, when a step returns MMIO_INJECT */
	unsigned int vector;
	u32 error_code;
	u64 cr2;
	/* enum vmctl_mmio_failure, when a step returns MMIO_FAIL */
	u32 failure;
};

enum mmio_step {
	MMIO_OK,
	MMIO_INJECT,			/* the CPU would fault: ctx says how */
	MMIO_FAIL,			/* cannot emulate: ctx->failure */
};

static const struct {
	u32 base, limit, ar;
} mmio_seg_fields[MMIO_NR_SEGS] = {
#define SEG(s) { VMCS_GUEST_##s##_BASE, VMCS_GUEST_##s##_LIMIT, VMCS_GUEST_##s##_AR }
	SEG(ES), SEG(CS), SEG(SS), SEG(DS), SEG(FS), SEG(GS),
#undef SEG
};

static int mmio_read_phys(void *vm, u64 gpa, void *buf, unsigned int len)
{
	return vmctl_read_guest_phys(vm, gpa, buf, len);
}

static int mmio_write_phys(void *vm, u64 gpa, const void *buf,
			   unsigned int len)
{
	return vmctl_write_guest_phys(vm, gpa, buf, len);
}

/* The general registers, RIP and RFLAGS; the VMCS is loaded. */
static void mmio_read_regs(struct vmx_vcpu *v, struct vmctl_insn_regs *r)
{
	unsigned int i;

	for (i = 0; i < VMX_NR_GPRS; i++)
		r->gpr[i] = v->gpr[i];
	r->gpr[GPR_RSP] = vmcs_readl(VMCS_GUEST_RSP);
	r->rip = vmcs_readl(VMCS_GUEST_RIP);
	r->rflags = vmcs_readl(VMCS_GUEST_RFLAGS);
}

/* Writes back what the instruction changed; the VMCS is loaded. */
static void mmio_write_regs(struct vmx_vcpu *v, const struct vmctl_insn *insn,
			    const struct vmctl_insn_regs *old,
			    const struct vmctl_insn_regs *r)
{
	unsigned int i;

	for (i = 0; i < VMX_NR_GPRS; i++)
		if (r->gpr[i] != old->gpr[i])
			vmx_write_gpr(v, i, r->gpr[i]);
	if (r->rflags != old->rflags)
		vmcs_writel(VMCS_GUEST_RFLAGS, r->rflags);
	/* A REP form with elements left stays at the instruction. */
	if (r->rip != old->rip)
		vmx_skip_instruction(v, insn->len);
}

/*
 * What the guest's page walk depends on, from the loaded VMCS: shared by
 * every emulation that reaches guest memory through guest-linear addresses
 * (MMIO, string I/O).
 */
void vmx_read_guest_paging(struct vmx_paging *p)
{
	p->cr0 = (vmcs_readl(VMCS_GUEST_CR0) & CR0_GUEST_OWNED) |
		 (vmcs_readl(VMCS_CR0_READ_SHADOW) & ~CR0_GUEST_OWNED);
	p->cr3 = vmcs_readl(VMCS_GUEST_CR3);
	p->cr4 = vmx_get_cr4();
	p->efer = vmcs_read64(VMCS_GUEST_IA32_EFER);
	p->rflags = vmcs_readl(VMCS_GUEST_RFLAGS);
	p->pdpte[0] = vmcs_read64(VMCS_GUEST_PDPTE0);
	p->pdpte[1] = vmcs_read64(VMCS_GUEST_PDPTE1);
	p->pdpte[2] = vmcs_read64(VMCS_GUEST_PDPTE2);
	p->pdpte[3] = vmcs_read64(VMCS_GUEST_PDPTE3);
	/* SS.DPL is the CPL, also in real mode (0) under VMX. */
	p->cpl = (vmcs_read32(VMCS_GUEST_SS_AR) & SEG_AR_DPL_MASK) >>
		 SEG_AR_DPL_SHIFT;
	p->phys_bits = boot_cpu_data.x86_phys_bits;
	p->virt_bits = boot_cpu_data.x86_virt_bits;
}

/* The VMCS is loaded. */
static void mmio_read_state(struct vmx_vcpu *v, struct mmio_ctx *c)
{
	struct vmx_paging *p = &c->paging;
	unsigned int i;
	u32 cs_ar;

	vmx_read_guest_paging(p);
	for (i = 0; i < MMIO_NR_SEGS; i++) {
		c->seg[i].base = __vmcs_read(mmio_seg_fields[i].base);
		c->seg[i].limit = __vmcs_read(mmio_seg_fields[i].limit);
		c->seg[i].ar = __vmcs_read(mmio_seg_fields[i].ar);
	}
	mmio_read_regs(v, &c->regs);
	cs_ar = c->seg[VMCTL_INSN_SEG_CS].ar;
	c->long_mode = (p->efer & EFER_LMA) && (cs_ar & SEG_AR_L);
	if (c->long_mode)
		c->mode = VMCTL_INSN_MODE_64;
	else if (cs_ar & SEG_AR_DB)
		c->mode = VMCTL_INSN_MODE_32;
	else
		c->mode = VMCTL_INSN_MODE_16;
	c->exit_gpa = vmcs_read64(VMCS_GUEST_PHYSICAL_ADDRESS);
	c->idt_vectoring = vmcs_read32(VMCS_IDT_VECTORING_INFO);
}

static enum mmio_step mmio_fail(struct mmio_ctx *c, u32 failure)
{
	c->failure = failure;
	return MMIO_FAIL;
}

/* A fault of segmentation: #GP(0) or #SS(0). */
static enum mmio_step mmio_seg_fault(struct mmio_ctx *c, unsigned int seg)
{
	c->vector = seg == VMCTL_INSN_SEG_SS ? X86_TRAP_SS : X86_TRAP_GP;
	c->error_code = 0;
	return MMIO_INJECT;
}

/* Linear to guest-physical for @access, as the CPU would translate it. */
static enum mmio_step mmio_translate(struct mmio_ctx *c, u64 la,
				     unsigned int access, u64 *gpa)
{
	u32 pf_error;

	switch (vmx_walk(&c->paging, &c->mem, la, access, gpa, &pf_error)) {
	case 0:
		return MMIO_OK;
	case -EFAULT:
		c->vector = X86_TRAP_PF;
		c->error_code = pf_error;
		c->cr2 = la;
		return MMIO_INJECT;
	case -EOPNOTSUPP:
		return mmio_fail(c, VMCTL_MMIO_PAGING_UNSUPPORTED);
	default:
		return mmio_fail(c, VMCTL_MMIO_TABLES_NOT_RAM);
	}
}

/*
 * Fetches up to 15 bytes at CS:RIP into @bytes.  Stops early at a fault
 * past the first byte (the instruction may end before it); the fault is
 * kept in @c for when the decoder needs those bytes.
 */
static enum mmio_step mmio_fetch(struct mmio_ctx *c, u8 *bytes,
				 unsigned int *nbytes, enum mmio_step *stopped)
{
	const struct vmx_walk_seg *cs = &c->seg[VMCTL_INSN_SEG_CS];
	unsigned int off = 0;

	*stopped = MMIO_OK;
	while (off < VMCTL_INSN_MAX_LEN) {
		u64 ip = c->regs.rip + off, la, gpa;
		unsigned int chunk = VMCTL_INSN_MAX_LEN - off;
		enum mmio_step step;

		if (vmx_seg_linear(cs, VMCTL_INSN_SEG_CS, c->long_mode,
				   c->paging.virt_bits, ip, 1, VMX_WALK_FETCH,
				   &la))
			step = mmio_seg_fault(c, VMCTL_INSN_SEG_CS);
		else
			step = mmio_translate(c, la, VMX_WALK_FETCH, &gpa);
		if (step == MMIO_OK) {
			chunk = min_t(u64, chunk, PAGE_SIZE - offset_in_page(la));
			if (!c->long_mode && ip + chunk - 1 > cs->limit)
				chunk = cs->limit - ip + 1;
			if (vmctl_read_guest_phys(c->v->vcpu->vm, gpa,
						  bytes + off, chunk))
				step = mmio_fail(c, VMCTL_MMIO_FETCH_FAILED);
		}
		if (step != MMIO_OK) {
			if (!off)
				return step;
			*stopped = step;
			break;
		}
		off += chunk;
	}
	*nbytes = off;
	return MMIO_OK;
}

/*
 * The guest-physical pieces of memory operand @which for @access, with
 * the segment and paging checks of the CPU: the segment checks cover the
 * whole access, and a second page is translated only once the first one
 * passed (the CPU reports the lower page's fault first).
 */
static enum mmio_step mmio_operand(struct mmio_ctx *c, unsigned int which,
				   unsigned int access)
{
	struct vmx_mmio *m = &c->v->mmio;
	struct vmx_mmio_piece *piece = m->piece[which];
	unsigned int seg = m->insn.mem[which].seg, width = m->insn.width;
	u64 ea = vmctl_insn_ea(&m->insn, &c->regs, which), la;
	unsigned int first;
	enum mmio_step step;

	if (vmx_seg_linear(&c->seg[seg], seg, c->long_mode,
			   c->paging.virt_bits, ea, width, access, &la))
		return mmio_seg_fault(c, seg);
	first = min_t(unsigned int, width, PAGE_SIZE - offset_in_page(la));
	piece[0] = (struct vmx_mmio_piece){ .offset = 0, .len = first };
	m->npieces[which] = 1;
	step = mmio_translate(c, la, access, &piece[0].gpa);
	if (step != MMIO_OK || first == width)
		return step;
	/* Outside 64-bit mode the linear address wraps at 4 GiB. */
	la += first;
	if (!c->long_mode)
		la = (u32)la;
	piece[1] = (struct vmx_mmio_piece){ .offset = first,
					    .len = width - first };
	m->npieces[which] = 2;
	return mmio_translate(c, la, access, &piece[1].gpa);
}

static enum vmx_exit_action mmio_report(struct vmx_vcpu *v,
					const struct vmx_mmio_piece *piece,
					bool is_write)
{
	struct vmctl_run *run = vmx_report_exit(v, VMCTL_EXIT_MMIO);

	run->mmio.phys_addr = piece->gpa;
	memset(run->mmio.data, 0, sizeof(run->mmio.data));
	if (is_write)
		memcpy(run->mmio.data, v->mmio.data + piece->offset,
		       piece->len);
	run->mmio.len = piece->len;
	run->mmio.is_write = is_write;
	memset(run->mmio.pad, 0, sizeof(run->mmio.pad));
	return ACTION_EXIT_TO_USER;
}

/*
 * Writes the pieces of the destination from the next one on: RAM here,
 * the first MMIO piece to user space, the rest on the RUN after.
 */
static enum vmx_exit_action mmio_write_pieces(struct vmx_vcpu *v)
{
	struct vmx_mmio *m = &v->mmio;
	unsigned int dst = m->insn.nmem - 1;

	while (m->next_piece < m->npieces[dst]) {
		const struct vmx_mmio_piece *piece =
			&m->piece[dst][m->next_piece++];

		if (vmctl_write_guest_phys(v->vcpu->vm, piece->gpa,
					   m->data + piece->offset,
					   piece->len)) {
			m->pending = m->next_piece < m->npieces[dst];
			m->writing = true;
			return mmio_report(v, piece, true);
		}
	}
	return ACTION_RESUME_GUEST;
}

/*
 * Retires the instruction with @rdata as the value read: registers,
 * flags and RIP, then the write, to RAM here or to user space.
 */
static enum vmx_exit_action mmio_finish(struct vmx_vcpu *v, u64 rdata)
{
	struct vmx_mmio *m = &v->mmio;
	const struct vmctl_insn *insn = &m->insn;
	struct vmctl_insn_regs old, regs;
	u64 wdata = 0;
	int done;

	vmx_vcpu_get(v);
	mmio_read_regs(v, &old);
	regs = old;
	done = vmctl_insn_complete(insn, &regs, rdata, &wdata);
	mmio_write_regs(v, insn, &old, &regs);
	if (vmx_vcpu_put())
		return ACTION_ERROR;
	if (done < 0 || !(done & VMCTL_INSN_WRITE))
		return ACTION_RESUME_GUEST;
	memset(m->data, 0, sizeof(m->data));
	memcpy(m->data, &wdata, insn->width);
	m->next_piece = 0;
	return mmio_write_pieces(v);
}

/*
 * Reads the pieces of the source from the next one on: RAM here, MMIO
 * through user space, one RUN per piece; then retires the instruction.
 */
static enum vmx_exit_action mmio_read_pieces(struct vmx_vcpu *v)
{
	struct vmx_mmio *m = &v->mmio;
	u64 rdata = 0;

	while (m->next_piece < m->npieces[0]) {
		const struct vmx_mmio_piece *piece =
			&m->piece[0][m->next_piece];

		if (vmctl_read_guest_phys(v->vcpu->vm, piece->gpa,
					  m->data + piece->offset,
					  piece->len)) {
			m->pending = true;
			m->writing = false;
			return mmio_report(v, piece, false);
		}
		m->next_piece++;
	}
	memcpy(&rdata, m->data, m->insn.width);
	return mmio_finish(v, rdata);
}

static enum vmx_exit_action mmio_failed(struct mmio_ctx *c,
					const u8 *bytes, unsigned int nbytes)
{
	u64 data[6] = { c->exit_gpa, c->regs.rip, c->failure, nbytes };

	memcpy(&data[4], bytes, min_t(unsigned int, nbytes, 16));
	return vmx_internal_error(c->v, VMCTL_INTERNAL_MMIO_FAILED,
				  ARRAY_SIZE(data), data);
}

static enum vmx_exit_action mmio_inject(struct mmio_ctx *c)
{
	struct vmx_vcpu *v = c->v;

	vmx_vcpu_get(v);
	vmx_queue_exception(v, c->vector, true, c->error_code);
	if (c->vector == X86_TRAP_PF)
		v->cr2 = c->cr2;
	return vmx_vcpu_put() ? ACTION_ERROR : ACTION_RESUME_GUEST;
}

/* Translates every operand first: a fault leaves no access done. */
static enum mmio_step mmio_translate_operands(struct mmio_ctx *c)
{
	struct vmx_mmio *m = &c->v->mmio;
	unsigned int i;

	for (i = 0; i < m->insn.nmem; i++) {
		unsigned int access = m->insn.mem[i].access & VMCTL_INSN_WRITE ?
				      VMX_WALK_WRITE : 0;
		enum mmio_step step = mmio_operand(c, i, access);

		if (step != MMIO_OK)
			return step;
	}
	return MMIO_OK;
}

enum vmx_exit_action vmx_handle_ept_violation(struct vmx_vcpu *v)
{
	/* Emulation reads guest memory, which may sleep: not here. */
	return ACTION_EMULATE_MMIO;
}

enum vmx_exit_action vmx_mmio_emulate(struct vmx_vcpu *v)
{
	struct vmx_mmio *m = &v->mmio;
	struct mmio_ctx c = {
		.v = v,
		.mem = { mmio_read_phys, mmio_write_phys, v->vcpu->vm },
	};
	u8 bytes[VMCTL_INSN_MAX_LEN] = { };
	unsigned int nbytes = 0;
	enum mmio_step step, stopped;

	vmx_vcpu_get(v);
	mmio_read_state(v, &c);
	if (vmx_vcpu_put())
		return ACTION_ERROR;

	/*
	 * A fetch from MMIO, an access of the guest's page walk, or an
	 * access during event delivery (the event would be lost) cannot be
	 * completed by emulating one instruction.
	 */
	if ((v->exit_qual & EPT_QUAL_FETCH) ||
	    ((v->exit_qual & EPT_QUAL_LINEAR_VALID) &&
	     !(v->exit_qual & EPT_QUAL_TRANSLATION)) ||
	    (c.idt_vectoring & INTR_INFO_VALID)) {
		c.failure = VMCTL_MMIO_WRONG_ACCESS;
		return mmio_failed(&c, bytes, 0);
	}

	step = mmio_fetch(&c, bytes, &nbytes, &stopped);
	if (step == MMIO_INJECT)
		return mmio_inject(&c);
	if (step == MMIO_FAIL)
		return mmio_failed(&c, bytes, 0);

	vmctl_insn_decode(&m->insn, bytes, nbytes, c.mode);
	if (m->insn.status == VMCTL_INSN_ERR_TRUNCATED && stopped == MMIO_INJECT)
		return mmio_inject(&c);
	if (m->insn.status != VMCTL_INSN_OK) {
		c.failure = m->insn.status;
		return mmio_failed(&c, bytes, nbytes);
	}

	step = mmio_translate_operands(&c);
	if (step == MMIO_INJECT)
		return mmio_inject(&c);
	if (step == MMIO_FAIL)
		return mmio_failed(&c, bytes, nbytes);

	memset(m->data, 0, sizeof(m->data));
	m->next_piece = 0;
	if (m->insn.mem[0].access & VMCTL_INSN_READ)
		return mmio_read_pieces(v);
	return mmio_finish(v, 0);
}

enum vmx_exit_action vmx_mmio_continue(struct vmx_vcpu *v)
{
	struct vmx_mmio *m = &v->mmio;
	const struct vmx_mmio_piece *piece;

	m->pending = false;
	if (m->writing)
		return mmio_write_pieces(v);
	/* The value of the piece user space was asked to read. */
	piece = &m->piece[0][m->next_piece++];
	memcpy(m->data + piece->offset, vmx_run(v)->mmio.data, piece->len);
	return mmio_read_pieces(v);
}
