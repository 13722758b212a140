// SPDX-License-Identifier: GPL-2.0
/*
 * Guest register state: GPRs, segments, CRs, EFER, PDPTEs; CR exits.
 *
 * As the register ioctls, the reset state and guest MOV to CR see it, with
 * one set of rules for what a guest may set.
 */
#include <linux/kernel.h>
#include <linux/string.h>
#include <asm/msr-index.h>
#include <asm/processor.h>
#include <asm/processor-flags.h>
#include <asm/trapnr.h>

#include "../vmctl.h"
#include "capabilities.h"
#include "entry_checks.h"
#include "vmx.h"
#include "vmx_ops.h"

/* CR0 and CR4 bits a guest may set at all */
#define CR0_VALID_BITS		(X86_CR0_PE | X86_CR0_MP | X86_CR0_EM |	\
				 X86_CR0_TS | X86_CR0_ET | X86_CR0_NE |	\
				 X86_CR0_WP | X86_CR0_AM | X86_CR0_NW |	\
				 X86_CR0_CD | X86_CR0_PG)
#define CR4_VALID_BITS		(X86_CR4_VME | X86_CR4_PVI | X86_CR4_TSD | \
				 X86_CR4_DE | X86_CR4_PSE | X86_CR4_PAE | \
				 X86_CR4_MCE | X86_CR4_PGE | X86_CR4_PCE | \
				 X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT |	\
				 X86_CR4_UMIP | X86_CR4_FSGSBASE |	\
				 X86_CR4_PCIDE | X86_CR4_OSXSAVE |	\
				 X86_CR4_SMEP | X86_CR4_SMAP)
#define EFER_VALID_BITS		(EFER_SCE | EFER_LME | EFER_LMA | EFER_NX)
#define RFLAGS_RESERVED		(GENMASK_ULL(63, 22) | BIT(15) | BIT(5) | BIT(3))

static const struct vmx_seg_field {
	u32 selector, base, limit, ar;
} vmx_seg_fields[VMX_NR_SEGS] = {
#define SEG(s) { VMCS_GUEST_##s##_SELECTOR, VMCS_GUEST_##s##_BASE, \
		 VMCS_GUEST_##s##_LIMIT, VMCS_GUEST_##s##_AR }
	[VMX_SEG_ES] = SEG(ES),
	[VMX_SEG_CS] = SEG(CS),
	[VMX_SEG_SS] = SEG(SS),
	[VMX_SEG_DS] = SEG(DS),
	[VMX_SEG_FS] = SEG(FS),
	[VMX_SEG_GS] = SEG(GS),
	[VMX_SEG_LDTR] = SEG(LDTR),
	[VMX_SEG_TR] = SEG(TR),
#undef SEG
};

/* The one place where uapi segments and VMCS access rights meet. */
static u32 vmx_segment_to_ar(const struct vmctl_segment *s)
{
	u32 ar = (s->type & SEG_AR_TYPE_MASK) |
		 (s->s ? SEG_AR_S : 0) |
		 ((s->dpl & 3) << SEG_AR_DPL_SHIFT) |
		 (s->present ? SEG_AR_P : 0) |
		 (s->avl ? SEG_AR_AVL : 0) |
		 (s->l ? SEG_AR_L : 0) |
		 (s->db ? SEG_AR_DB : 0) |
		 (s->g ? SEG_AR_G : 0);

	return s->unusable ? ar | SEG_AR_UNUSABLE : ar;
}

static void vmx_ar_to_segment(u32 ar, struct vmctl_segment *s)
{
	s->type = ar & SEG_AR_TYPE_MASK;
	s->s = !!(ar & SEG_AR_S);
	s->dpl = (ar & SEG_AR_DPL_MASK) >> SEG_AR_DPL_SHIFT;
	s->present = !!(ar & SEG_AR_P);
	s->avl = !!(ar & SEG_AR_AVL);
	s->l = !!(ar & SEG_AR_L);
	s->db = !!(ar & SEG_AR_DB);
	s->g = !!(ar & SEG_AR_G);
	s->unusable = !!(ar & SEG_AR_UNUSABLE);
	s->pad = 0;
}

static void vmx_write_segment(enum vmx_seg seg, const struct vmctl_segment *s)
{
	const struct vmx_seg_field *f = &vmx_seg_fields[seg];

	__vmcs_write(f->selector, s->selector);
	__vmcs_write(f->base, s->base);
	__vmcs_write(f->limit, s->limit);
	__vmcs_write(f->ar, vmx_segment_to_ar(s));
}

static void vmx_read_segment(enum vmx_seg seg, struct vmctl_segment *s)
{
	const struct vmx_seg_field *f = &vmx_seg_fields[seg];

	memset(s, 0, sizeof(*s));
	s->selector = __vmcs_read(f->selector);
	s->base = __vmcs_read(f->base);
	s->limit = __vmcs_read(f->limit);
	vmx_ar_to_segment(__vmcs_read(f->ar), s);
}

/* What the guest reads: its own bits from the shadow, owned bits live. */
static u64 vmx_get_cr0(void)
{
	return (vmcs_readl(VMCS_GUEST_CR0) & CR0_GUEST_OWNED) |
	       (vmcs_readl(VMCS_CR0_READ_SHADOW) & ~CR0_GUEST_OWNED);
}

u64 vmx_get_cr4(void)
{
	return (vmcs_readl(VMCS_GUEST_CR4) & CR4_GUEST_OWNED) |
	       (vmcs_readl(VMCS_CR4_READ_SHADOW) & ~CR4_GUEST_OWNED);
}

static u64 vmx_guest_cr4_valid_bits(void)
{
	return CR4_VALID_BITS & vmx_caps.cr4_fixed1;
}

/* Validation shared by SET_SREGS and guest MOV to CR0/CR4. */
static int vmx_check_cr0(u64 cr0, u64 cr4, u64 efer)
{
	if (cr0 & ~(u64)CR0_VALID_BITS)
		return -EINVAL;
	if ((cr0 & X86_CR0_PG) && !(cr0 & X86_CR0_PE))
		return -EINVAL;
	if ((cr0 & X86_CR0_NW) && !(cr0 & X86_CR0_CD))
		return -EINVAL;
	if ((cr0 & X86_CR0_PG) && (efer & EFER_LME) && !(cr4 & X86_CR4_PAE))
		return -EINVAL;
	return 0;
}

static int vmx_check_cr4(u64 cr4, u64 efer)
{
	if (cr4 & ~vmx_guest_cr4_valid_bits())
		return -EINVAL;
	if ((efer & EFER_LMA) && !(cr4 & X86_CR4_PAE))
		return -EINVAL;
	if ((cr4 & X86_CR4_PCIDE) && !(efer & EFER_LMA))
		return -EINVAL;
	return 0;
}

static bool vmx_pae_paging(u64 cr0, u64 cr4, u64 efer)
{
	return (cr0 & X86_CR0_PG) && (cr4 & X86_CR4_PAE) && !(efer & EFER_LMA);
}

/*
 * The real CR0 keeps the bits VMX operation needs (CR0.NE, and whatever
 * IA32_VMX_CR0_FIXED0 demands besides PE/PG, which unrestricted guest
 * frees) and never lets the guest disable caching: with EPT and "ignore
 * PAT" the memory type is the host's choice.
 */
static u64 vmx_hw_cr0(u64 cr0)
{
	u64 fixed0 = vmx_caps.cr0_fixed0 & ~(u64)(X86_CR0_PE | X86_CR0_PG);

	return (cr0 | fixed0 | X86_CR0_NE) & ~(u64)(X86_CR0_CD | X86_CR0_NW);
}

/* Apply EFER (LMA derived from LME and CR0.PG) and the IA-32e control. */
void vmx_apply_efer(struct vmx_vcpu *v, u64 efer, u64 cr0)
{
	u32 entry = v->ctls.entry & ~ENTRY_IA32E_MODE_GUEST;

	if ((efer & EFER_LME) && (cr0 & X86_CR0_PG))
		efer |= EFER_LMA;
	else
		efer &= ~(u64)EFER_LMA;
	if (efer & EFER_LMA)
		entry |= ENTRY_IA32E_MODE_GUEST;
	vmcs_write64(VMCS_GUEST_IA32_EFER, efer);
	vmx_set_entry_controls(v, entry);
	vmx_msr_efer_changed(v, efer);
}

static void vmx_write_cr0(u64 cr0)
{
	vmcs_writel(VMCS_CR0_READ_SHADOW, cr0);
	vmcs_writel(VMCS_GUEST_CR0, vmx_hw_cr0(cr0));
}

static void vmx_write_cr4(u64 cr4)
{
	vmcs_writel(VMCS_CR4_READ_SHADOW, cr4);
	vmcs_writel(VMCS_GUEST_CR4, cr4 | vmx_caps.cr4_fixed0);
}

void vmx_write_pdptes(const u64 *pdpte)
{
	vmcs_write64(VMCS_GUEST_PDPTE0, pdpte[0]);
	vmcs_write64(VMCS_GUEST_PDPTE1, pdpte[1]);
	vmcs_write64(VMCS_GUEST_PDPTE2, pdpte[2]);
	vmcs_write64(VMCS_GUEST_PDPTE3, pdpte[3]);
}

/* The x86 reset state (SDM "Processor State After Reset"). */
void vmx_reset_guest_state(struct vmx_vcpu *v)
{
	static const struct vmctl_segment code = {
		.selector = 0xf000, .base = 0xffff0000, .limit = 0xffff,
		.type = 0xb, .s = 1, .present = 1,
	};
	static const struct vmctl_segment data = {
		.limit = 0xffff, .type = 0x3, .s = 1, .present = 1,
	};
	static const struct vmctl_segment ldt = {
		.limit = 0xffff, .type = 0x2, .present = 1,
	};
	/* VM entry wants a busy TSS in TR even in real mode. */
	static const struct vmctl_segment tss = {
		.limit = 0xffff, .type = 0xb, .present = 1,
	};
	static const u64 no_pdptes[4];
	int seg;

	for (seg = VMX_SEG_ES; seg <= VMX_SEG_GS; seg++)
		vmx_write_segment(seg, seg == VMX_SEG_CS ? &code : &data);
	vmx_write_segment(VMX_SEG_LDTR, &ldt);
	vmx_write_segment(VMX_SEG_TR, &tss);
	vmcs_writel(VMCS_GUEST_GDTR_BASE, 0);
	vmcs_write32(VMCS_GUEST_GDTR_LIMIT, 0xffff);
	vmcs_writel(VMCS_GUEST_IDTR_BASE, 0);
	vmcs_write32(VMCS_GUEST_IDTR_LIMIT, 0xffff);

	vmx_write_cr0(X86_CR0_CD | X86_CR0_NW | X86_CR0_ET);
	vmcs_writel(VMCS_GUEST_CR3, 0);
	vmx_write_cr4(0);
	vmx_apply_efer(v, 0, 0);
	vmx_write_pdptes(no_pdptes);
	vmcs_writel(VMCS_GUEST_RSP, 0);
	vmcs_writel(VMCS_GUEST_RIP, 0xfff0);
	vmcs_writel(VMCS_GUEST_RFLAGS, X86_EFLAGS_FIXED);
	vmcs_writel(VMCS_GUEST_PENDING_DBG, 0);
	vmcs_write32(VMCS_GUEST_INTERRUPTIBILITY, 0);
	vmcs_write32(VMCS_GUEST_ACTIVITY_STATE, ACTIVITY_ACTIVE);
	vmcs_write32(VMCS_GUEST_SYSENTER_CS, 0);
	vmcs_writel(VMCS_GUEST_SYSENTER_ESP, 0);
	vmcs_writel(VMCS_GUEST_SYSENTER_EIP, 0);
	vmx_reset_debug_state(v);		/* DR0-DR7, DEBUGCTL */
	vmcs_write64(VMCS_LINK_POINTER, ~0ULL);

	memset(v->gpr, 0, sizeof(v->gpr));
	v->gpr[GPR_RDX] = cpuid_eax(1);	/* family, model, stepping */
	v->cr2 = 0;
	v->cr8 = 0;
	v->kernel_gs_base = 0;
}

int vmx_get_regs(struct vmctl_vcpu *vcpu, struct vmctl_regs *regs)
{
	struct vmx_vcpu *v = vcpu->arch;

	regs->rax = v->gpr[GPR_RAX];
	regs->rbx = v->gpr[GPR_RBX];
	regs->rcx = v->gpr[GPR_RCX];
	regs->rdx = v->gpr[GPR_RDX];
	regs->rsi = v->gpr[GPR_RSI];
	regs->rdi = v->gpr[GPR_RDI];
	regs->rbp = v->gpr[GPR_RBP];
	regs->r8 = v->gpr[GPR_R8];
	regs->r9 = v->gpr[GPR_R9];
	regs->r10 = v->gpr[GPR_R10];
	regs->r11 = v->gpr[GPR_R11];
	regs->r12 = v->gpr[GPR_R12];
	regs->r13 = v->gpr[GPR_R13];
	regs->r14 = v->gpr[GPR_R14];
	regs->r15 = v->gpr[GPR_R15];
	vmx_vcpu_get(v);
	regs->rsp = vmcs_readl(VMCS_GUEST_RSP);
	regs->rip = vmcs_readl(VMCS_GUEST_RIP);
	regs->rflags = vmcs_readl(VMCS_GUEST_RFLAGS);
	return vmx_vcpu_put();
}

/* What SET_REGS refuses: RFLAGS with reserved bits wrong. */
int vmx_check_regs(const struct vmctl_regs *regs)
{
	if ((regs->rflags & RFLAGS_RESERVED) ||
	    !(regs->rflags & X86_EFLAGS_FIXED))
		return -EINVAL;
	return 0;
}

int vmx_set_regs(struct vmctl_vcpu *vcpu, const struct vmctl_regs *regs)
{
	struct vmx_vcpu *v = vcpu->arch;

	if (vmx_check_regs(regs))
		return -EINVAL;
	v->gpr[GPR_RAX] = regs->rax;
	v->gpr[GPR_RBX] = regs->rbx;
	v->gpr[GPR_RCX] = regs->rcx;
	v->gpr[GPR_RDX] = regs->rdx;
	v->gpr[GPR_RSI] = regs->rsi;
	v->gpr[GPR_RDI] = regs->rdi;
	v->gpr[GPR_RBP] = regs->rbp;
	v->gpr[GPR_R8] = regs->r8;
	v->gpr[GPR_R9] = regs->r9;
	v->gpr[GPR_R10] = regs->r10;
	v->gpr[GPR_R11] = regs->r11;
	v->gpr[GPR_R12] = regs->r12;
	v->gpr[GPR_R13] = regs->r13;
	v->gpr[GPR_R14] = regs->r14;
	v->gpr[GPR_R15] = regs->r15;
	vmx_vcpu_get(v);
	vmcs_writel(VMCS_GUEST_RSP, regs->rsp);
	vmcs_writel(VMCS_GUEST_RIP, regs->rip);
	vmcs_writel(VMCS_GUEST_RFLAGS, regs->rflags);
	/*
	 * An STI shadow left by the guest's last STI is only valid with IF
	 * set: with IF cleared here, VM entry would fail its checks.
	 */
	if (!(regs->rflags & X86_EFLAGS_IF))
		vmcs_write32(VMCS_GUEST_INTERRUPTIBILITY,
			     vmcs_read32(VMCS_GUEST_INTERRUPTIBILITY) &
			     ~INTERRUPTIBILITY_STI);
	/* The state written is the state resumed: drop a pending IN. */
	v->io_in_pending = false;
	v->strio.in_pending = false;
	v->mmio.pending = false;
	v->hypercall_pending = false;
	v->msr_pending = false;
	v->check_guest_state = true;
	return vmx_vcpu_put();
}

/* Where each VMCS segment lives in struct vmctl_sregs. */
static const struct {
	enum vmx_seg seg;
	size_t offset;
} sregs_segs[] = {
	{ VMX_SEG_CS, offsetof(struct vmctl_sregs, cs) },
	{ VMX_SEG_DS, offsetof(struct vmctl_sregs, ds) },
	{ VMX_SEG_ES, offsetof(struct vmctl_sregs, es) },
	{ VMX_SEG_FS, offsetof(struct vmctl_sregs, fs) },
	{ VMX_SEG_GS, offsetof(struct vmctl_sregs, gs) },
	{ VMX_SEG_SS, offsetof(struct vmctl_sregs, ss) },
	{ VMX_SEG_TR, offsetof(struct vmctl_sregs, tr) },
	{ VMX_SEG_LDTR, offsetof(struct vmctl_sregs, ldt) },
};

static struct vmctl_segment *sregs_seg(struct vmctl_sregs *s, int i)
{
	return (struct vmctl_segment *)((char *)s + sregs_segs[i].offset);
}

int vmx_get_sregs(struct vmctl_vcpu *vcpu, struct vmctl_sregs *sregs)
{
	struct vmx_vcpu *v = vcpu->arch;
	int i;

	memset(sregs, 0, sizeof(*sregs));
	vmx_vcpu_get(v);
	for (i = 0; i < ARRAY_SIZE(sregs_segs); i++)
		vmx_read_segment(sregs_segs[i].seg, sregs_seg(sregs, i));
	sregs->gdt.base = vmcs_readl(VMCS_GUEST_GDTR_BASE);
	sregs->gdt.limit = vmcs_read32(VMCS_GUEST_GDTR_LIMIT);
	sregs->idt.base = vmcs_readl(VMCS_GUEST_IDTR_BASE);
	sregs->idt.limit = vmcs_read32(VMCS_GUEST_IDTR_LIMIT);
	sregs->cr0 = vmx_get_cr0();
	sregs->cr3 = vmcs_readl(VMCS_GUEST_CR3);
	sregs->cr4 = vmx_get_cr4();
	sregs->efer = vmcs_read64(VMCS_GUEST_IA32_EFER);
	sregs->cr2 = v->cr2;
	sregs->cr8 = v->cr8;
	return vmx_vcpu_put();
}

/* What SET_SREGS refuses: the control registers and EFER as a whole. */
int vmx_check_sregs(const struct vmctl_sregs *s)
{
	u64 efer = s->efer;
	int i;

	for (i = 0; i < ARRAY_SIZE(s->reserved); i++)
		if (s->reserved[i])
			return -EINVAL;
	if ((efer & ~(u64)EFER_VALID_BITS) || (s->cr8 & ~0xfULL) ||
	    (s->cr3 >> boot_cpu_data.x86_phys_bits) || (s->cr4 & X86_CR4_VMXE))
		return -EINVAL;
	/* LMA is the CPU's to compute: active when LME and CR0.PG are. */
	if ((efer & EFER_LME) && (s->cr0 & X86_CR0_PG))
		efer |= EFER_LMA;
	else
		efer &= ~(u64)EFER_LMA;
	if (vmx_check_cr0(s->cr0, s->cr4, efer) || vmx_check_cr4(s->cr4, efer))
		return -EINVAL;
	return 0;
}

int vmx_set_sregs(struct vmctl_vcpu *vcpu,
		  const struct vmctl_sregs *sregs)
{
	struct vmx_vcpu *v = vcpu->arch;
	struct vmctl_sregs s = *sregs;
	u64 efer = s.efer, pdpte[4] = { 0 };
	int i;

	if (vmx_check_sregs(&s))
		return -EINVAL;
	if ((efer & EFER_LME) && (s.cr0 & X86_CR0_PG))
		efer |= EFER_LMA;
	else
		efer &= ~(u64)EFER_LMA;
	/*
	 * PAE paging outside long mode takes its PDPTEs from the VMCS at
	 * entry.  No memory there: not present, as for a guest reading
	 * nothing.
	 */
	if (vmx_pae_paging(s.cr0, s.cr4, efer) &&
	    vmctl_read_guest_phys(vcpu->vm, s.cr3 & ~0x1fULL, pdpte, sizeof(pdpte)))
		memset(pdpte, 0, sizeof(pdpte));

	vmx_vcpu_get(v);
	for (i = 0; i < ARRAY_SIZE(sregs_segs); i++)
		vmx_write_segment(sregs_segs[i].seg, sregs_seg(&s, i));
	vmcs_writel(VMCS_GUEST_GDTR_BASE, s.gdt.base);
	vmcs_write32(VMCS_GUEST_GDTR_LIMIT, s.gdt.limit);
	vmcs_writel(VMCS_GUEST_IDTR_BASE, s.idt.base);
	vmcs_write32(VMCS_GUEST_IDTR_LIMIT, s.idt.limit);
	vmx_write_cr0(s.cr0);
	vmcs_writel(VMCS_GUEST_CR3, s.cr3);
	vmx_write_cr4(s.cr4);
	vmx_apply_efer(v, efer, s.cr0);
	vmx_write_pdptes(pdpte);
	v->cr2 = s.cr2;
	v->cr8 = s.cr8;
	v->load_pdptes = false;
	/* As SET_REGS: completing an IN would move RIP from what was set. */
	v->io_in_pending = false;
	v->strio.in_pending = false;
	v->mmio.pending = false;
	v->hypercall_pending = false;
	v->msr_pending = false;
	v->check_guest_state = true;
	return vmx_vcpu_put();
}

/* 64-bit mode: IA-32e mode and a 64-bit code segment. */
bool vmx_guest_in_64bit_mode(struct vmx_vcpu *v)
{
	return (v->ctls.entry & ENTRY_IA32E_MODE_GUEST) &&
	       (vmcs_read32(VMCS_GUEST_CS_AR) & SEG_AR_L);
}

/*
 * Step over the instruction that caused the exit.  Emulating it ends any
 * STI or MOV-SS interrupt shadow, as executing it would have.
 */
void vmx_skip_instruction(struct vmx_vcpu *v, unsigned int len)
{
	unsigned long rip = vmcs_readl(VMCS_GUEST_RIP) + len;
	u32 intr = vmcs_read32(VMCS_GUEST_INTERRUPTIBILITY);

	if (!vmx_guest_in_64bit_mode(v))
		rip = (u32)rip;
	vmcs_writel(VMCS_GUEST_RIP, rip);
	if (intr & (INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS))
		vmcs_write32(VMCS_GUEST_INTERRUPTIBILITY,
			     intr & ~(INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS));
}

void vmx_skip_exiting_instruction(struct vmx_vcpu *v)
{
	vmx_skip_instruction(v, vmcs_read32(VMCS_EXIT_INSTRUCTION_LEN));
}

unsigned long vmx_read_gpr(struct vmx_vcpu *v, unsigned int reg)
{
	return reg == GPR_RSP ? vmcs_readl(VMCS_GUEST_RSP) : v->gpr[reg];
}

void vmx_write_gpr(struct vmx_vcpu *v, unsigned int reg, unsigned long val)
{
	if (reg == GPR_RSP)
		vmcs_writel(VMCS_GUEST_RSP, val);
	else
		v->gpr[reg] = val;
}

/* Guest MOV to CR0 (or LMSW): validate like the CPU, then apply. */
static int vmx_guest_set_cr0(struct vmx_vcpu *v, u64 cr0)
{
	u64 efer = vmcs_read64(VMCS_GUEST_IA32_EFER);
	u64 cr4 = vmx_get_cr4();
	u64 old = vmx_get_cr0();

	if (vmx_check_cr0(cr0, cr4, efer))
		return -EINVAL;
	/* Leaving long mode needs a compatibility-mode CS (not modelled). */
	if ((efer & EFER_LMA) && !(cr0 & X86_CR0_PG))
		return -EINVAL;
	vmx_write_cr0(cr0);
	if ((cr0 ^ old) & X86_CR0_PG)
		vmx_apply_efer(v, efer, cr0);
	if (vmx_pae_paging(cr0, cr4, vmcs_read64(VMCS_GUEST_IA32_EFER)) &&
	    ((cr0 ^ old) & (X86_CR0_PG | X86_CR0_CD | X86_CR0_NW)))
		v->load_pdptes = true;
	return 0;
}

static int vmx_guest_set_cr4(struct vmx_vcpu *v, u64 cr4)
{
	u64 efer = vmcs_read64(VMCS_GUEST_IA32_EFER);
	u64 cr0 = vmx_get_cr0();
	u64 old = vmx_get_cr4();

	if (vmx_check_cr4(cr4, efer))
		return -EINVAL;
	vmx_write_cr4(cr4);
	if (vmx_pae_paging(cr0, cr4, efer) &&
	    ((cr4 ^ old) & (X86_CR4_PAE | X86_CR4_PSE | X86_CR4_PGE)))
		v->load_pdptes = true;
	return 0;
}

enum vmx_exit_action vmx_handle_cr_access(struct vmx_vcpu *v)
{
	unsigned long q = v->exit_qual;
	unsigned int reg = CR_QUAL_GPR(q);
	int err;

	switch (CR_QUAL_TYPE(q)) {
	case CR_QUAL_TYPE_MOV_TO_CR: {
		unsigned long val = vmx_read_gpr(v, reg);

		/*
		 * Outside 64-bit mode the operand is 32 bits: the upper half
		 * of the register (left over from long mode or set through
		 * SET_REGS) is not part of it.
		 */
		if (!vmx_guest_in_64bit_mode(v))
			val = (u32)val;

		switch (CR_QUAL_NUMBER(q)) {
		case 0:
			err = vmx_guest_set_cr0(v, val);
			break;
		case 4:
			err = vmx_guest_set_cr4(v, val);
			break;
		case 8:
			err = val & ~0xfUL ? -EINVAL : 0;
			if (!err)
				v->cr8 = val;
			break;
		default:
			return vmx_unhandled_exit(v);
		}
		break;
	}
	case CR_QUAL_TYPE_MOV_FROM_CR:
		if (CR_QUAL_NUMBER(q) != 8)
			return vmx_unhandled_exit(v);
		vmx_write_gpr(v, reg, v->cr8);
		err = 0;
		break;
	case CR_QUAL_TYPE_LMSW: {
		/* LMSW loads PE, MP, EM and TS but cannot clear PE. */
		u64 cr0 = vmx_get_cr0();

		cr0 = (cr0 & ~0xeULL) | (CR_QUAL_LMSW_DATA(q) & 0xf);
		err = vmx_guest_set_cr0(v, cr0);
		break;
	}
	default:
		return vmx_unhandled_exit(v);
	}
	if (err)
		vmx_inject_gp(v);
	else
		vmx_skip_exiting_instruction(v);
	return ACTION_RESUME_GUEST;
}

void vmx_read_guest_state(struct vmx_vcpu *v, struct vmx_guest_state *s)
{
	int i;

	memset(s, 0, sizeof(*s));
	s->cr0 = vmcs_readl(VMCS_GUEST_CR0);
	s->cr3 = vmcs_readl(VMCS_GUEST_CR3);
	s->cr4 = vmcs_readl(VMCS_GUEST_CR4);
	s->dr7 = vmcs_readl(VMCS_GUEST_DR7);
	s->efer = vmcs_read64(VMCS_GUEST_IA32_EFER);
	s->rflags = vmcs_readl(VMCS_GUEST_RFLAGS);
	s->rip = vmcs_readl(VMCS_GUEST_RIP);
	s->gdtr_base = vmcs_readl(VMCS_GUEST_GDTR_BASE);
	s->gdtr_limit = vmcs_read32(VMCS_GUEST_GDTR_LIMIT);
	s->idtr_base = vmcs_readl(VMCS_GUEST_IDTR_BASE);
	s->idtr_limit = vmcs_read32(VMCS_GUEST_IDTR_LIMIT);
	for (i = 0; i < VMX_NR_SEGS; i++) {
		const struct vmx_seg_field *f = &vmx_seg_fields[i];

		s->seg[i].selector = __vmcs_read(f->selector);
		s->seg[i].base = __vmcs_read(f->base);
		s->seg[i].limit = __vmcs_read(f->limit);
		s->seg[i].ar = __vmcs_read(f->ar);
	}
	s->activity = vmcs_read32(VMCS_GUEST_ACTIVITY_STATE);
	s->interruptibility = vmcs_read32(VMCS_GUEST_INTERRUPTIBILITY);
	s->link_pointer = vmcs_read64(VMCS_LINK_POINTER);
	s->pdpte[0] = vmcs_read64(VMCS_GUEST_PDPTE0);
	s->pdpte[1] = vmcs_read64(VMCS_GUEST_PDPTE1);
	s->pdpte[2] = vmcs_read64(VMCS_GUEST_PDPTE2);
	s->pdpte[3] = vmcs_read64(VMCS_GUEST_PDPTE3);
	s->entry_controls = v->ctls.entry;
	s->proc2_controls = v->ctls.proc2;
	s->entry_intr_info = vmcs_read32(VMCS_ENTRY_INTR_INFO);
	s->cr0_fixed0 = vmx_caps.cr0_fixed0;
	s->cr0_fixed1 = vmx_caps.cr0_fixed1;
	s->cr4_fixed0 = vmx_caps.cr4_fixed0;
	s->cr4_fixed1 = vmx_caps.cr4_fixed1;
	s->phys_bits = boot_cpu_data.x86_phys_bits;
	s->virt_bits = boot_cpu_data.x86_virt_bits;
}
