// SPDX-License-Identifier: GPL-2.0
/*
 * Guest CPUID: the exit handler, the per-vCPU table user space sets
 * (VMCTL_SET_CPUID, rules in cpuid_table.c) and the supported table
 * (VMCTL_GET_SUPPORTED_CPUID): the host's leaves minus what vmctl cannot
 * give a guest.
 */
#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <asm/processor.h>
#include <asm/special_insns.h>
#include <asm/tsc.h>

#include "capabilities.h"
#include "cpuid_table.h"
#include "vmx.h"

/* Bits of the host's CPUID a guest must not see, by SDM name. */
#define LEAF1_ECX_DTES64	BIT(2)
#define LEAF1_ECX_MONITOR	BIT(3)
#define LEAF1_ECX_DS_CPL	BIT(4)
#define LEAF1_ECX_VMX		BIT(5)
#define LEAF1_ECX_SMX		BIT(6)
#define LEAF1_ECX_EIST		BIT(7)
#define LEAF1_ECX_TM2		BIT(8)
#define LEAF1_ECX_PDCM		BIT(15)
#define LEAF1_ECX_X2APIC	BIT(21)
#define LEAF1_ECX_TSC_DEADLINE	BIT(24)
#define LEAF1_ECX_OSXSAVE	BIT(27)
#define LEAF1_ECX_HYPERVISOR	BIT(31)
#define LEAF1_EDX_DS		BIT(21)
#define LEAF1_EDX_ACPI		BIT(22)
#define LEAF1_EDX_TM		BIT(29)
#define LEAF1_EDX_PBE		BIT(31)
#define LEAF7_EBX_SGX		BIT(2)
#define LEAF7_EBX_INVPCID	BIT(10)
#define LEAF7_EBX_RDT_M		BIT(12)
#define LEAF7_EBX_MPX		BIT(14)
#define LEAF7_EBX_RDT_A		BIT(15)
#define LEAF7_EBX_PT		BIT(25)
#define LEAF7_ECX_WAITPKG	BIT(5)
#define LEAF7_ECX_SGX_LC	BIT(30)
#define EXT1_EDX_RDTSCP		BIT(27)

/*
 * Without a local APIC, a PMU, MONITOR/MWAIT, SMX, nested VMX, thermal and
 * power control, debug store, SGX, RDT or processor trace there is nothing
 * behind these bits.  OSXSAVE is the guest's CR4 (set at run time).
 */
#define LEAF1_ECX_HIDDEN	(LEAF1_ECX_DTES64 | LEAF1_ECX_MONITOR | \
				 LEAF1_ECX_DS_CPL | LEAF1_ECX_VMX | \
				 LEAF1_ECX_SMX | LEAF1_ECX_EIST | \
				 LEAF1_ECX_TM2 | LEAF1_ECX_PDCM | \
				 LEAF1_ECX_X2APIC | LEAF1_ECX_TSC_DEADLINE | \
				 LEAF1_ECX_OSXSAVE)
#define LEAF1_EDX_HIDDEN	(LEAF1_EDX_DS | LEAF1_EDX_ACPI | \
				 LEAF1_EDX_TM | LEAF1_EDX_PBE)
#define LEAF7_EBX_HIDDEN	(LEAF7_EBX_SGX | LEAF7_EBX_RDT_M | \
				 LEAF7_EBX_MPX | LEAF7_EBX_RDT_A | LEAF7_EBX_PT)
#define LEAF7_ECX_HIDDEN	(LEAF7_ECX_WAITPKG | LEAF7_ECX_SGX_LC)

static struct vmx_cpuid_xsave vmx_cpuid_xsave(void)
{
	u32 eax = 0, ebx = 0, ecx = 0, edx = 0;

	vmx_guest_cpuid_xstate(0, &eax, &ebx, &ecx, &edx);
	return (struct vmx_cpuid_xsave){
		.xfeatures = (u64)edx << 32 | eax,
		.size = ebx,
	};
}

/* ---- The exit ------------------------------------------------------------ */

/* A vCPU without a table: the host's values minus what vmctl hides. */
static void vmx_cpuid_host(struct vmx_vcpu *v, u32 leaf, u32 sub, u32 *regs)
{
	u32 eax, ebx, ecx, edx;

	cpuid_count(leaf, sub, &eax, &ebx, &ecx, &edx);
	switch (leaf) {
	case 1:
		/*
		 * No nested VMX or SMX, no MONITOR/MWAIT (they raise #UD);
		 * say that a hypervisor is present.
		 */
		ecx &= ~(LEAF1_ECX_MONITOR | BIT(5) | BIT(6) |	/* VMX, SMX */
			 BIT(21));				/* x2APIC */
		ecx |= BIT(31);
		ebx = (ebx & 0x00ffffff) | (v->vcpu->id << 24);
		break;
	case 5:			/* MONITOR/MWAIT: not shown */
		eax = 0;
		ebx = 0;
		ecx = 0;
		edx = 0;
		break;
	case 7:
		if (sub == 0) {
			ecx &= ~(BIT(3) | BIT(4));	/* PKU, OSPKE */
			edx &= ~(BIT(22) | BIT(24) | BIT(25));	/* AMX */
		}
		break;
	case 0xa:
		/* No PMU: RDPMC and the PMU MSRs exit. */
		eax = 0;
		ebx = 0;
		ecx = 0;
		edx = 0;
		break;
	case 0xd:
		vmx_guest_cpuid_xstate(sub, &eax, &ebx, &ecx, &edx);
		break;
	case 0x40000000:
		eax = 0x40000000;
		ebx = 0x74636d76;			/* "vmct" */
		ecx = 0x0000006c;			/* "l" */
		edx = 0;
		break;
	default:
		if (leaf > 0x40000000 && leaf < 0x40000100) {
			eax = 0;
			ebx = 0;
			ecx = 0;
			edx = 0;
		}
		break;
	}
	regs[0] = eax;
	regs[1] = ebx;
	regs[2] = ecx;
	regs[3] = edx;
}

enum vmx_exit_action vmx_handle_cpuid(struct vmx_vcpu *v)
{
	u32 leaf = v->gpr[GPR_RAX], sub = v->gpr[GPR_RCX];
	u32 regs[4] = { 0 };

	if (!v->cpuid) {
		vmx_cpuid_host(v, leaf, sub, regs);
	} else {
		const struct vmctl_cpuid_entry *e;

		e = vmx_cpuid_lookup(v->cpuid, leaf, sub);
		if (e) {
			regs[0] = e->eax;
			regs[1] = e->ebx;
			regs[2] = e->ecx;
			regs[3] = e->edx;
		}
		leaf = e ? e->function : 0;
	}
	/* Both paths: OSXSAVE is the guest's CR4.OSXSAVE. */
	if (leaf == 1) {
		regs[2] &= ~LEAF1_ECX_OSXSAVE;
		if (vmx_get_cr4() & X86_CR4_OSXSAVE)
			regs[2] |= LEAF1_ECX_OSXSAVE;
	}
	v->gpr[GPR_RAX] = regs[0];
	v->gpr[GPR_RBX] = regs[1];
	v->gpr[GPR_RCX] = regs[2];
	v->gpr[GPR_RDX] = regs[3];
	vmx_skip_exiting_instruction(v);
	return ACTION_RESUME_GUEST;
}

/* ---- The vCPU's table ---------------------------------------------------- */

static size_t vmx_cpuid_table_size(u32 nent)
{
	return struct_size((struct vmx_cpuid_table *)NULL, entries, nent);
}

void vmx_cpuid_free(struct vmx_vcpu *v)
{
	if (v->cpuid)
		vmctl_free_accounted(v->cpuid, vmx_cpuid_table_size(v->cpuid->nent));
	v->cpuid = NULL;
}

/* Called with run_lock held: no exit can be reading the old table. */
int vmx_set_cpuid(struct vmctl_vcpu *vcpu, const struct vmctl_cpuid_entry *entries,
		  u32 nent)
{
	struct vmx_cpuid_xsave xsave = vmx_cpuid_xsave();
	struct vmx_vcpu *v = vcpu->arch;
	struct vmx_cpuid_table *t;
	int err;
	u32 i;

	if (nent > VMCTL_CPUID_MAX_ENTRIES)
		return -E2BIG;
	t = vmctl_zalloc_accounted(vmx_cpuid_table_size(nent));
	if (!t)
		return -ENOMEM;
	t->nent = nent;
	memcpy(t->entries, entries, nent * sizeof(*entries));
	err = vmx_cpuid_check_and_sort(t->entries, nent);
	if (err) {
		vmctl_free_accounted(t, vmx_cpuid_table_size(nent));
		return err;
	}
	for (i = 0; i < nent; i++)
		vmx_cpuid_clamp(&t->entries[i], &xsave);
	vmx_cpuid_index(t);
	vmx_cpuid_free(v);
	v->cpuid = t;
	return 0;
}

int vmx_get_cpuid(struct vmctl_vcpu *vcpu, struct vmctl_cpuid_entry *entries,
		  u32 *nent)
{
	const struct vmx_vcpu *v = vcpu->arch;
	u32 room = *nent;

	if (!v->cpuid)
		return -ENOENT;
	*nent = v->cpuid->nent;
	if (room < v->cpuid->nent)
		return -E2BIG;
	memcpy(entries, v->cpuid->entries, v->cpuid->nent * sizeof(*entries));
	return 0;
}

/* ---- The supported table ------------------------------------------------- */

struct cpuid_builder {
	struct vmctl_cpuid_entry *entries;
	u32 room;
	u32 nent;		/* may exceed room: then -E2BIG */
	struct vmctl_cpuid_entry scratch;	/* for entries beyond room */
};

static struct vmctl_cpuid_entry *cpuid_add(struct cpuid_builder *b, u32 function,
					   u32 index, u32 flags)
{
	struct vmctl_cpuid_entry *e = &b->scratch;

	if (b->nent < b->room)
		e = &b->entries[b->nent];
	b->nent++;
	memset(e, 0, sizeof(*e));
	e->function = function;
	e->index = index;
	e->flags = flags;
	return e;
}

static struct vmctl_cpuid_entry *cpuid_add_host(struct cpuid_builder *b,
						u32 function, u32 index,
						u32 flags)
{
	struct vmctl_cpuid_entry *e = cpuid_add(b, function, index, flags);

	cpuid_count(function, index, &e->eax, &e->ebx, &e->ecx, &e->edx);
	return e;
}

static void cpuid_hide(struct vmctl_cpuid_entry *e)
{
	switch (e->function) {
	case 1:
		e->ebx &= 0x00ffffff;		/* initial APIC ID: user space's */
		e->ecx &= ~LEAF1_ECX_HIDDEN;
		e->ecx |= LEAF1_ECX_HYPERVISOR;
		e->edx &= ~LEAF1_EDX_HIDDEN;
		break;
	case 7:
		if (e->index != 0)
			break;
		e->ebx &= ~LEAF7_EBX_HIDDEN;
		if (!(vmx_caps.proc2 & PROC2_ENABLE_INVPCID))
			e->ebx &= ~LEAF7_EBX_INVPCID;
		e->ecx &= ~LEAF7_ECX_HIDDEN;
		break;
	case 0x80000001:
		if (!(vmx_caps.proc2 & PROC2_ENABLE_RDTSCP))
			e->edx &= ~EXT1_EDX_RDTSCP;
		break;
	}
}

/* Subleaves of leaf 4 (caches) and 0xb/0x1f (topology) end with type 0. */
static void cpuid_add_enumerated(struct cpuid_builder *b, u32 function)
{
	struct vmctl_cpuid_entry *e;
	u32 i;

	for (i = 0; i < 16; i++) {
		e = cpuid_add_host(b, function, i, VMCTL_CPUID_FLAG_SIGNIFICANT_INDEX);
		if (function == 4 ? !(e->eax & 0x1f) : !(e->ecx & 0xff00))
			break;
	}
}

static void cpuid_add_basic(struct cpuid_builder *b, u32 function,
			    const struct vmx_cpuid_xsave *xsave)
{
	const u32 sig = VMCTL_CPUID_FLAG_SIGNIFICANT_INDEX;
	u32 i, max_sub;

	switch (function) {
	case 3:			/* processor serial number */
	case 5:			/* MONITOR/MWAIT */
	case 6:			/* thermal and power management */
	case 0xa:		/* performance monitoring */
	case 0xf: case 0x10:	/* RDT */
	case 0x12:		/* SGX */
	case 0x14:		/* processor trace */
	case 0x1b:		/* PCONFIG */
	case 0x1d: case 0x1e:	/* AMX */
		cpuid_add(b, function, 0, 0);	/* all zero */
		break;
	case 4:
	case 0xb:
	case 0x1f:
		cpuid_add_enumerated(b, function);
		break;
	case 7:
		max_sub = min(cpuid_eax(7), 7U);
		for (i = 0; i <= max_sub; i++)
			cpuid_add_host(b, 7, i, sig);
		break;
	case 0xd:
		for (i = 0; i < 64; i++)
			if (i < 2 || (xsave->xfeatures & BIT_ULL(i)))
				cpuid_add_host(b, 0xd, i, sig);
		break;
	default:
		cpuid_add_host(b, function, 0, 0);
		break;
	}
}

/*
 * Fills up to *nent entries; *nent becomes the number of entries the
 * table has (-E2BIG if that is more than there was room for).
 */
int vmx_get_supported_cpuid(struct vmctl_cpuid_entry *entries, u32 *nent)
{
	struct vmx_cpuid_xsave xsave = vmx_cpuid_xsave();
	struct cpuid_builder b = { .entries = entries, .room = *nent };
	struct vmctl_cpuid_entry *e;
	u32 function, max;
	u32 i;

	/* Leaves past 0x1f or 0x80000008 are unknown to this code: left out. */
	max = min(cpuid_eax(0), 0x1fU);
	for (function = 0; function <= max; function++)
		cpuid_add_basic(&b, function, &xsave);
	if (b.nent <= b.room)
		b.entries[0].eax = max;

	e = cpuid_add(&b, VMCTL_CPUID_HYPERVISOR_LEAF, 0, 0);
	e->eax = VMCTL_CPUID_TIMING_LEAF;
	e->ebx = VMCTL_CPUID_SIGNATURE_EBX;
	e->ecx = VMCTL_CPUID_SIGNATURE_ECX;
	e->edx = VMCTL_CPUID_SIGNATURE_EDX;
	e = cpuid_add(&b, VMCTL_CPUID_TIMING_LEAF, 0, 0);
	e->eax = tsc_khz;

	max = min(cpuid_eax(0x80000000), 0x80000008U);
	for (function = 0x80000000; function <= max; function++)
		cpuid_add_host(&b, function, 0, 0);
	if (b.nent <= b.room)
		for (i = 0; i < b.nent; i++) {
			cpuid_hide(&b.entries[i]);
			vmx_cpuid_clamp(&b.entries[i], &xsave);
		}
	*nent = b.nent;
	return b.nent <= b.room ? 0 : -E2BIG;
}
