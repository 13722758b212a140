// SPDX-License-Identifier: GPL-2.0
/*
 * The checks on the guest-state area that VM entry makes, in the order of
 * the SDM section "Checks on Guest-State Area": control registers, debug
 * registers and MSRs; segment registers; descriptor-table registers; RIP and
 * RFLAGS; non-register state; PDPTEs.  Only the checks a VMM user can trip
 * through VMCTL_SET_SREGS/SET_REGS are modelled.
 */
#include <linux/bits.h>
#include <linux/kernel.h>
#include <linux/stdarg.h>
#include <asm/msr-index.h>
#include <asm/processor-flags.h>

#include "entry_checks.h"
#include "vmcs.h"

const char *const vmx_seg_names[VMX_NR_SEGS] = {
	[VMX_SEG_ES] = "ES", [VMX_SEG_CS] = "CS", [VMX_SEG_SS] = "SS",
	[VMX_SEG_DS] = "DS", [VMX_SEG_FS] = "FS", [VMX_SEG_GS] = "GS",
	[VMX_SEG_LDTR] = "LDTR", [VMX_SEG_TR] = "TR",
};

/* Formats the message of a failing check into buf and returns it. */
static __printf(3, 4) const char *fail(char *buf, size_t len,
				       const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	vsnprintf(buf, len, fmt, args);
	va_end(args);
	return buf;
}

#define EFER_VALID_BITS		(EFER_SCE | EFER_LME | EFER_LMA | EFER_NX)
#define RFLAGS_RESERVED		(GENMASK_ULL(63, 22) | BIT(15) | BIT(5) | BIT(3))

static bool is_canonical(u64 addr, unsigned int bits)
{
	return (u64)((s64)(addr << (64 - bits)) >> (64 - bits)) == addr;
}

static unsigned int ar_type(u32 ar)
{
	return ar & SEG_AR_TYPE_MASK;
}

static unsigned int ar_dpl(u32 ar)
{
	return (ar & SEG_AR_DPL_MASK) >> SEG_AR_DPL_SHIFT;
}

/* Granularity must agree with the limit: "Checks on Guest Segment Registers". */
static bool limit_matches_g(const struct vmx_seg_state *seg)
{
	if ((seg->limit & 0xfff) != 0xfff && (seg->ar & SEG_AR_G))
		return false;
	if ((seg->limit & 0xfff00000) && !(seg->ar & SEG_AR_G))
		return false;
	return true;
}

static const char *check_control_regs(const struct vmx_guest_state *s,
				      bool ia32e, char *buf, size_t len)
{
	bool unrestricted = s->proc2_controls & PROC2_UNRESTRICTED_GUEST;
	u64 cr0_must = s->cr0_fixed0;

	if (unrestricted)
		cr0_must &= ~(u64)(X86_CR0_PE | X86_CR0_PG);
	if ((s->cr0 & cr0_must) != cr0_must)
		return fail(buf, len, "CR0 %#llx: bits %#llx must be 1 (IA32_VMX_CR0_FIXED0)",
		     s->cr0, cr0_must & ~s->cr0);
	if (s->cr0 & ~s->cr0_fixed1)
		return fail(buf, len, "CR0 %#llx: bits %#llx must be 0 (IA32_VMX_CR0_FIXED1)",
		     s->cr0, s->cr0 & ~s->cr0_fixed1);
	if ((s->cr0 & X86_CR0_PG) && !(s->cr0 & X86_CR0_PE))
		return fail(buf, len, "CR0.PG is 1 but CR0.PE is 0");
	if ((s->cr4 & s->cr4_fixed0) != s->cr4_fixed0)
		return fail(buf, len, "CR4 %#llx: bits %#llx must be 1 (IA32_VMX_CR4_FIXED0)",
		     s->cr4, s->cr4_fixed0 & ~s->cr4);
	if (s->cr4 & ~s->cr4_fixed1)
		return fail(buf, len, "CR4 %#llx: bits %#llx must be 0 (IA32_VMX_CR4_FIXED1)",
		     s->cr4, s->cr4 & ~s->cr4_fixed1);
	if (ia32e && !(s->cr0 & X86_CR0_PG))
		return fail(buf, len, "IA-32e mode guest requires CR0.PG");
	if (ia32e && !(s->cr4 & X86_CR4_PAE))
		return fail(buf, len, "IA-32e mode guest requires CR4.PAE");
	if (!ia32e && (s->cr4 & X86_CR4_PCIDE))
		return fail(buf, len, "CR4.PCIDE requires an IA-32e mode guest");
	if (s->cr3 >> s->phys_bits)
		return fail(buf, len, "CR3 %#llx sets bits beyond the physical-address width",
		     s->cr3);
	if ((s->entry_controls & ENTRY_LOAD_DEBUG_CONTROLS) && (s->dr7 >> 32))
		return fail(buf, len, "DR7 %#llx: bits 63:32 must be 0", s->dr7);
	if (s->entry_controls & ENTRY_LOAD_IA32_EFER) {
		if (s->efer & ~(u64)EFER_VALID_BITS)
			return fail(buf, len, "IA32_EFER %#llx sets reserved bits", s->efer);
		if (!!(s->efer & EFER_LMA) != ia32e)
			return fail(buf, len,
				   "IA32_EFER.LMA (%d) must equal the IA-32e mode guest entry control (%d)",
			     !!(s->efer & EFER_LMA), ia32e);
		if ((s->cr0 & X86_CR0_PG) &&
		    !!(s->efer & EFER_LMA) != !!(s->efer & EFER_LME))
			return fail(buf, len,
				   "IA32_EFER.LMA must equal IA32_EFER.LME when CR0.PG is 1");
	}
	return NULL;
}

static const char *check_data_seg(const struct vmx_guest_state *s, int i,
				  char *buf, size_t len)
{
	const struct vmx_seg_state *seg = &s->seg[i];
	const char *name = vmx_seg_names[i];
	u32 ar = seg->ar;

	if (ar & SEG_AR_UNUSABLE)
		return NULL;
	if (i == VMX_SEG_SS) {
		if (ar_type(ar) != 3 && ar_type(ar) != 7)
			return fail(buf, len,
				   "SS.type %u: must be 3 or 7 (writable data, accessed)",
			     ar_type(ar));
	} else {
		if (!(ar & SEG_AR_TYPE_ACCESSED))
			return fail(buf, len,
				   "%s.type %u: accessed bit must be 1", name, ar_type(ar));
		if ((ar & SEG_AR_TYPE_CODE) && !(ar & SEG_AR_TYPE_READABLE))
			return fail(buf, len, "%s.type %u: a code segment here must be readable",
			     name, ar_type(ar));
	}
	if (!(ar & SEG_AR_S))
		return fail(buf, len, "%s.S must be 1 (code or data segment)", name);
	if (!(ar & SEG_AR_P))
		return fail(buf, len, "%s.P must be 1 for a usable segment", name);
	if (ar & SEG_AR_RESERVED_MASK)
		return fail(buf, len, "%s access rights %#x set reserved bits", name, ar);
	if (!limit_matches_g(seg))
		return fail(buf, len, "%s.limit %#x does not match %s.G=%d", name, seg->limit,
		     name, !!(ar & SEG_AR_G));
	if (i == VMX_SEG_SS && (ar_type(s->seg[VMX_SEG_CS].ar) == 3 ||
				!(s->cr0 & X86_CR0_PE)) && ar_dpl(ar))
		return fail(buf, len, "SS.DPL must be 0 in real mode or with a data-type CS");
	return NULL;
}

static const char *check_segments(const struct vmx_guest_state *s, bool ia32e,
				  char *buf, size_t len)
{
	bool unrestricted = s->proc2_controls & PROC2_UNRESTRICTED_GUEST;
	const struct vmx_seg_state *cs = &s->seg[VMX_SEG_CS];
	const struct vmx_seg_state *ss = &s->seg[VMX_SEG_SS];
	const struct vmx_seg_state *tr = &s->seg[VMX_SEG_TR];
	const struct vmx_seg_state *ldtr = &s->seg[VMX_SEG_LDTR];
	unsigned int cs_type = ar_type(cs->ar);
	const char *msg;
	int i;

	if (tr->selector & 4)
		return fail(buf, len, "TR.selector %#x: TI flag must be 0", tr->selector);
	if (!(ldtr->ar & SEG_AR_UNUSABLE) && (ldtr->selector & 4))
		return fail(buf, len, "LDTR.selector %#x: TI flag must be 0", ldtr->selector);
	if (!unrestricted && (ss->selector & 3) != (cs->selector & 3))
		return fail(buf, len, "SS.RPL must equal CS.RPL");

	/* Bases */
	for (i = VMX_SEG_FS; i <= VMX_SEG_TR; i++) {
		if (i == VMX_SEG_LDTR && (ldtr->ar & SEG_AR_UNUSABLE))
			continue;
		if (!is_canonical(s->seg[i].base, s->virt_bits))
			return fail(buf, len, "%s.base %#llx is not canonical", vmx_seg_names[i],
			     s->seg[i].base);
	}
	if (cs->base >> 32)
		return fail(buf, len, "CS.base %#llx: bits 63:32 must be 0", cs->base);
	for (i = VMX_SEG_ES; i <= VMX_SEG_DS; i++) {
		if (i == VMX_SEG_CS || (s->seg[i].ar & SEG_AR_UNUSABLE))
			continue;
		if (s->seg[i].base >> 32)
			return fail(buf, len, "%s.base %#llx: bits 63:32 must be 0",
			     vmx_seg_names[i], s->seg[i].base);
	}

	/* CS */
	if (cs->ar & SEG_AR_UNUSABLE)
		return fail(buf, len, "CS must be usable");
	if (!(cs_type == 9 || cs_type == 11 || cs_type == 13 || cs_type == 15 ||
	      (unrestricted && cs_type == 3)))
		return fail(buf, len,
			   "CS.type %u: must be an accessed code segment (9, 11, 13, 15)%s",
		     cs_type, unrestricted ? " or 3" : "");
	if (!(cs->ar & SEG_AR_S))
		return fail(buf, len, "CS.S must be 1 (code or data segment)");
	if (!(cs->ar & SEG_AR_P))
		return fail(buf, len, "CS.P must be 1");
	if (cs->ar & SEG_AR_RESERVED_MASK)
		return fail(buf, len, "CS access rights %#x set reserved bits", cs->ar);
	if (cs_type == 3 && ar_dpl(cs->ar))
		return fail(buf, len, "CS.DPL must be 0 when CS.type is 3");
	if ((cs_type == 9 || cs_type == 11) && ar_dpl(cs->ar) != ar_dpl(ss->ar))
		return fail(buf, len, "CS.DPL (%u) must equal SS.DPL (%u) for a non-conforming CS",
		     ar_dpl(cs->ar), ar_dpl(ss->ar));
	if ((cs_type == 13 || cs_type == 15) && ar_dpl(cs->ar) > ar_dpl(ss->ar))
		return fail(buf, len, "CS.DPL must not exceed SS.DPL for a conforming CS");
	if (ia32e && (cs->ar & SEG_AR_L) && (cs->ar & SEG_AR_DB))
		return fail(buf, len, "CS.L and CS.D/B must not both be 1 in IA-32e mode");
	if (!limit_matches_g(cs))
		return fail(buf, len, "CS.limit %#x does not match CS.G=%d", cs->limit,
		     !!(cs->ar & SEG_AR_G));

	for (i = VMX_SEG_ES; i <= VMX_SEG_GS; i++) {
		if (i == VMX_SEG_CS)
			continue;
		msg = check_data_seg(s, i, buf, len);
		if (msg)
			return msg;
	}

	/* TR */
	if (tr->ar & SEG_AR_UNUSABLE)
		return fail(buf, len, "TR must be usable");
	if (ia32e ? ar_type(tr->ar) != 11 :
	    (ar_type(tr->ar) != 3 && ar_type(tr->ar) != 11))
		return fail(buf, len, "TR.type %u: must be a busy TSS (%s)", ar_type(tr->ar),
		     ia32e ? "11 in IA-32e mode" : "3 or 11");
	if (tr->ar & SEG_AR_S)
		return fail(buf, len, "TR.S must be 0 (system segment)");
	if (!(tr->ar & SEG_AR_P))
		return fail(buf, len, "TR.P must be 1");
	if (tr->ar & SEG_AR_RESERVED_MASK)
		return fail(buf, len, "TR access rights %#x set reserved bits", tr->ar);
	if (!limit_matches_g(tr))
		return fail(buf, len, "TR.limit %#x does not match TR.G=%d", tr->limit,
		     !!(tr->ar & SEG_AR_G));

	/* LDTR */
	if (!(ldtr->ar & SEG_AR_UNUSABLE)) {
		if (ar_type(ldtr->ar) != 2)
			return fail(buf, len, "LDTR.type %u: must be 2 (LDT)", ar_type(ldtr->ar));
		if (ldtr->ar & SEG_AR_S)
			return fail(buf, len, "LDTR.S must be 0 (system segment)");
		if (!(ldtr->ar & SEG_AR_P))
			return fail(buf, len, "LDTR.P must be 1");
		if (ldtr->ar & SEG_AR_RESERVED_MASK)
			return fail(buf, len, "LDTR access rights %#x set reserved bits", ldtr->ar);
		if (!limit_matches_g(ldtr))
			return fail(buf, len, "LDTR.limit %#x does not match LDTR.G=%d",
			     ldtr->limit, !!(ldtr->ar & SEG_AR_G));
	}
	return NULL;
}

static const char *check_rest(const struct vmx_guest_state *s, bool ia32e,
			      char *buf, size_t len)
{
	bool cs_l = s->seg[VMX_SEG_CS].ar & SEG_AR_L;
	int i;

	if (!is_canonical(s->gdtr_base, s->virt_bits))
		return fail(buf, len, "GDTR.base %#llx is not canonical", s->gdtr_base);
	if (!is_canonical(s->idtr_base, s->virt_bits))
		return fail(buf, len, "IDTR.base %#llx is not canonical", s->idtr_base);
	if (s->gdtr_limit >> 16)
		return fail(buf, len, "GDTR.limit %#x: bits 31:16 must be 0", s->gdtr_limit);
	if (s->idtr_limit >> 16)
		return fail(buf, len, "IDTR.limit %#x: bits 31:16 must be 0", s->idtr_limit);

	if (!(ia32e && cs_l) && (s->rip >> 32))
		return fail(buf, len, "RIP %#llx: bits 63:32 must be 0 outside 64-bit mode",
		     s->rip);
	if (ia32e && cs_l && !is_canonical(s->rip, s->virt_bits))
		return fail(buf, len, "RIP %#llx is not canonical", s->rip);
	if (s->rflags & RFLAGS_RESERVED)
		return fail(buf, len, "RFLAGS %#llx sets reserved bits (3, 5, 15, 63:22)",
		     s->rflags);
	if (!(s->rflags & X86_EFLAGS_FIXED))
		return fail(buf, len, "RFLAGS %#llx: bit 1 must be 1", s->rflags);
	if ((ia32e || !(s->cr0 & X86_CR0_PE)) && (s->rflags & X86_EFLAGS_VM))
		return fail(buf, len, "RFLAGS.VM must be 0 in IA-32e mode and in real mode");
	if ((s->entry_intr_info & INTR_INFO_VALID) &&
	    (s->entry_intr_info & INTR_INFO_TYPE_MASK) == INTR_TYPE_EXT_INTR &&
	    !(s->rflags & X86_EFLAGS_IF))
		return fail(buf, len, "RFLAGS.IF must be 1 to inject an external interrupt");

	if (s->activity > ACTIVITY_WAIT_SIPI)
		return fail(buf, len, "activity state %u is not defined", s->activity);
	if (s->activity == ACTIVITY_HLT && ar_dpl(s->seg[VMX_SEG_SS].ar))
		return fail(buf, len, "HLT activity state requires SS.DPL 0");
	if (s->interruptibility & ~0x1fU)
		return fail(buf, len, "interruptibility state %#x sets reserved bits",
		     s->interruptibility);
	if ((s->interruptibility & INTERRUPTIBILITY_STI) &&
	    (s->interruptibility & INTERRUPTIBILITY_MOV_SS))
		return fail(buf, len, "interruptibility: blocking by STI and by MOV SS together");
	if ((s->interruptibility & INTERRUPTIBILITY_STI) &&
	    !(s->rflags & X86_EFLAGS_IF))
		return fail(buf, len, "interruptibility: blocking by STI with RFLAGS.IF 0");
	if (s->link_pointer != ~0ULL)
		return fail(buf, len, "VMCS link pointer %#llx must be all ones",
		     s->link_pointer);

	/* PAE paging outside IA-32e mode: the PDPTEs come from the VMCS. */
	if ((s->cr0 & X86_CR0_PG) && (s->cr4 & X86_CR4_PAE) && !ia32e) {
		u64 rsvd = GENMASK_ULL(63, s->phys_bits) | GENMASK_ULL(8, 5) |
			   GENMASK_ULL(2, 1);

		for (i = 0; i < 4; i++)
			if ((s->pdpte[i] & 1) && (s->pdpte[i] & rsvd))
				return fail(buf, len, "PDPTE%d %#llx sets reserved bits", i,
				     s->pdpte[i]);
	}
	return NULL;
}

const char *vmx_check_guest_state(const struct vmx_guest_state *s,
				  char *buf, size_t len)
{
	bool ia32e = s->entry_controls & ENTRY_IA32E_MODE_GUEST;
	const char *msg;

	msg = check_control_regs(s, ia32e, buf, len);
	if (!msg)
		msg = check_segments(s, ia32e, buf, len);
	if (!msg)
		msg = check_rest(s, ia32e, buf, len);
	return msg;
}
