// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * CPUID tables: the module's supported table, the library's default policy
 * on top of it, editing, and applying a table to a vCPU.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "internal.h"

#define SIG	VMCTL_CPUID_FLAG_SIGNIFICANT_INDEX

/* Bits the default hides, by SDM name. */
#define LEAF1_ECX_DTES64	(1U << 2)
#define LEAF1_ECX_MONITOR	(1U << 3)
#define LEAF1_ECX_DS_CPL	(1U << 4)
#define LEAF1_ECX_VMX		(1U << 5)
#define LEAF1_ECX_SMX		(1U << 6)
#define LEAF1_ECX_PDCM		(1U << 15)
#define LEAF1_ECX_X2APIC	(1U << 21)
#define LEAF1_ECX_TSC_DEADLINE	(1U << 24)
#define LEAF1_ECX_HYPERVISOR	(1U << 31)
#define LEAF1_EDX_DS		(1U << 21)
#define LEAF7_EBX_TSC_ADJUST	(1U << 1)
#define LEAF7_ECX_PKU		(1U << 3)
#define LEAF7_ECX_OSPKE		(1U << 4)
#define LEAF7_ECX_WAITPKG	(1U << 5)
#define LEAF7_EDX_ARCH_CAPS	(1U << 29)
#define LEAF7_EDX_CORE_CAPS	(1U << 30)

/* TSC leaves: 0x15 (TSC/crystal ratio, crystal Hz), 0x16 (MHz). */
#define LEAF_TSC		0x15U
#define LEAF_FREQ		0x16U
#define BUS_MHZ			100U

static bool entry_valid(const struct vmctl_cpuid_entry *e)
{
	if (e->flags & ~SIG)
		return false;
	if (e->padding[0] || e->padding[1] || e->padding[2])
		return false;
	return (e->flags & SIG) || e->index == 0;
}

VMCTL_EXPORT struct vmctl_cpuid_entry *
vmctl_cpuid_find(struct vmctl_cpuid_table *table, uint32_t function, uint32_t index)
{
	uint32_t i;

	if (!table)
		return NULL;
	for (i = 0; i < table->nent && i < VMCTL_CPUID_MAX_ENTRIES; i++) {
		struct vmctl_cpuid_entry *e = &table->entries[i];

		if (e->function == function &&
		    (!(e->flags & SIG) || e->index == index))
			return e;
	}
	return NULL;
}

VMCTL_EXPORT int vmctl_cpuid_set_entry(struct vmctl_cpuid_table *table,
				       const struct vmctl_cpuid_entry *entry)
{
	struct vmctl_cpuid_entry *e;
	uint32_t i;

	if (!table || !entry || !entry_valid(entry) ||
	    table->nent > VMCTL_CPUID_MAX_ENTRIES)
		return -EINVAL;
	for (i = 0; i < table->nent; i++) {
		e = &table->entries[i];
		if (e->function == entry->function &&
		    ((e->flags ^ entry->flags) & SIG))
			return -EINVAL;	/* the kernel would refuse the mix */
	}
	e = vmctl_cpuid_find(table, entry->function, entry->index);
	if (!e) {
		if (table->nent == VMCTL_CPUID_MAX_ENTRIES)
			return -ENOSPC;
		e = &table->entries[table->nent++];
	}
	*e = *entry;
	return 0;
}

/* Sets (or adds) a leaf without a significant index. */
static void set_leaf(struct vmctl_cpuid_table *t, uint32_t function, uint32_t eax,
		     uint32_t ebx, uint32_t ecx, uint32_t edx)
{
	struct vmctl_cpuid_entry e = {
		.function = function, .eax = eax, .ebx = ebx, .ecx = ecx, .edx = edx,
	};

	/* Cannot fail on a table from the kernel: these leaves are plain. */
	(void)vmctl_cpuid_set_entry(t, &e);
}

void cpuid_apply_default_policy(struct vmctl_cpuid_table *t)
{
	struct vmctl_cpuid_entry *e;
	uint32_t tsc_khz = 0;

	e = vmctl_cpuid_find(t, 1, 0);
	if (e) {
		e->ecx &= ~(LEAF1_ECX_DTES64 | LEAF1_ECX_MONITOR | LEAF1_ECX_DS_CPL |
			    LEAF1_ECX_VMX | LEAF1_ECX_SMX | LEAF1_ECX_PDCM |
			    LEAF1_ECX_X2APIC | LEAF1_ECX_TSC_DEADLINE);
		e->ecx |= LEAF1_ECX_HYPERVISOR;
		e->edx &= ~LEAF1_EDX_DS;
	}
	/* MONITOR/MWAIT, thermal/power and the PMU: nothing behind them. */
	set_leaf(t, 5, 0, 0, 0, 0);
	set_leaf(t, 6, 0, 0, 0, 0);
	set_leaf(t, 0xa, 0, 0, 0, 0);
	e = vmctl_cpuid_find(t, 7, 0);
	if (e) {
		/* Their MSRs are not handled (yet): a guest would take #GP. */
		e->ebx &= ~LEAF7_EBX_TSC_ADJUST;
		e->edx &= ~(LEAF7_EDX_ARCH_CAPS | LEAF7_EDX_CORE_CAPS);
		e->ecx &= ~(LEAF7_ECX_PKU | LEAF7_ECX_OSPKE | LEAF7_ECX_WAITPKG);
	}

	e = vmctl_cpuid_find(t, VMCTL_CPUID_TIMING_LEAF, 0);
	if (e)
		tsc_khz = e->eax;
	set_leaf(t, VMCTL_CPUID_HYPERVISOR_LEAF, VMCTL_CPUID_TIMING_LEAF,
		 VMCTL_CPUID_SIGNATURE_EBX, VMCTL_CPUID_SIGNATURE_ECX,
		 VMCTL_CPUID_SIGNATURE_EDX);
	set_leaf(t, VMCTL_CPUID_TIMING_LEAF, tsc_khz, 0, 0, 0);

	/*
	 * With the TSC frequency in leaves 0x15/0x16 a guest (Linux:
	 * native_calibrate_tsc()) needs no PIT calibration, which fails or
	 * crawls under nested virtualisation.  Crystal = TSC, ratio 1/1, in
	 * Hz; halved (ratio 2/1) above 4.29 GHz so that it fits ECX.
	 */
	if (tsc_khz) {
		uint64_t hz = (uint64_t)tsc_khz * 1000;
		uint32_t ratio = hz > UINT32_MAX ? 2 : 1;

		set_leaf(t, LEAF_TSC, 1, ratio, (uint32_t)(hz / ratio), 0);
		set_leaf(t, LEAF_FREQ, tsc_khz / 1000, tsc_khz / 1000, BUS_MHZ, 0);
		e = vmctl_cpuid_find(t, 0, 0);
		if (e && e->eax < LEAF_FREQ)
			e->eax = LEAF_FREQ;
	}
}

static int cpuid_ioctl_error(int err)
{
	return err == ENOTTY ? -ENOTSUP : -err;
}

VMCTL_EXPORT int vmctl_sys_get_supported_cpuid(struct vmctl_sys *sys,
					       struct vmctl_cpuid_table *table)
{
	struct vmctl_cpuid arg = { .nent = VMCTL_CPUID_MAX_ENTRIES };

	if (!sys || !table)
		return -EINVAL;
	arg.entries = (uintptr_t)table->entries;
	if (ioctl(sys->fd, VMCTL_GET_SUPPORTED_CPUID, &arg) < 0)
		return cpuid_ioctl_error(errno);
	table->nent = arg.nent;
	return 0;
}

static int entry_cmp(const void *a, const void *b)
{
	const struct vmctl_cpuid_entry *x = a, *y = b;

	if (x->function != y->function)
		return x->function < y->function ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

VMCTL_EXPORT int vmctl_cpuid_default(struct vmctl_sys *sys, struct vmctl_cpuid_table *table)
{
	int err;

	err = vmctl_sys_get_supported_cpuid(sys, table);
	if (err)
		return err;
	cpuid_apply_default_policy(table);
	/* In the kernel's order, for people reading vmctl cpuid. */
	qsort(table->entries, table->nent, sizeof(table->entries[0]), entry_cmp);
	return 0;
}

/* The vCPU's initial APIC ID (leaf 1 EBX 31:24, 0xb/0x1f EDX) is its id. */
static void set_apic_ids(struct vmctl_cpuid_table *t, unsigned int id)
{
	uint32_t i;

	for (i = 0; i < t->nent; i++) {
		struct vmctl_cpuid_entry *e = &t->entries[i];

		if (e->function == 1)
			e->ebx = (e->ebx & 0x00ffffff) | (id & 0xff) << 24;
		else if (e->function == 0xb || e->function == 0x1f)
			e->edx = id;
	}
}

VMCTL_EXPORT int vmctl_vcpu_set_cpuid(struct vmctl_vcpu *vcpu,
				      const struct vmctl_cpuid_table *table)
{
	struct vmctl_cpuid_table *copy;
	struct vmctl_cpuid arg = { 0 };
	int err = 0;

	if (!vcpu || !table)
		return -EINVAL;
	if (table->nent > VMCTL_CPUID_MAX_ENTRIES)
		return -E2BIG;
	copy = malloc(sizeof(*copy));
	if (!copy)
		return -ENOMEM;
	copy->nent = table->nent;
	memcpy(copy->entries, table->entries, table->nent * sizeof(table->entries[0]));
	set_apic_ids(copy, vcpu->id);
	arg.nent = copy->nent;
	arg.entries = (uintptr_t)copy->entries;
	if (ioctl(vcpu->fd, VMCTL_SET_CPUID, &arg) < 0)
		err = cpuid_ioctl_error(errno);
	free(copy);
	return err;
}

VMCTL_EXPORT int vmctl_vcpu_get_cpuid(struct vmctl_vcpu *vcpu,
				      struct vmctl_cpuid_table *table)
{
	struct vmctl_cpuid arg = { .nent = VMCTL_CPUID_MAX_ENTRIES };

	if (!vcpu || !table)
		return -EINVAL;
	arg.entries = (uintptr_t)table->entries;
	if (ioctl(vcpu->fd, VMCTL_GET_CPUID, &arg) < 0)
		return cpuid_ioctl_error(errno);
	table->nent = arg.nent;
	return 0;
}
