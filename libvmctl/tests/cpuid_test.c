// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * CPUID tables without a kernel: editing (find, replace, add, the errors of
 * vmctl_cpuid_set_entry()) and the default policy applied to a supported
 * table shaped like Bochs's Haswell with every feature bit set, checked bit
 * by bit against the rules libvmctl.h states.
 */
#include <errno.h>
#include <string.h>

#include "tap.h"
#include "internal.h"

#define SIG	VMCTL_CPUID_FLAG_SIGNIFICANT_INDEX
#define BIT(n)	(1U << (n))

static struct vmctl_cpuid_table table;

static void add(uint32_t function, uint32_t index, uint32_t flags, uint32_t all)
{
	struct vmctl_cpuid_entry e = {
		.function = function, .index = index, .flags = flags,
		.eax = all, .ebx = all, .ecx = all, .edx = all,
	};

	if (vmctl_cpuid_set_entry(&table, &e))
		tap_bail("cannot add leaf %#x.%u", function, index);
}

static const struct vmctl_cpuid_entry *leaf(uint32_t function, uint32_t index)
{
	static const struct vmctl_cpuid_entry none;
	const struct vmctl_cpuid_entry *e = vmctl_cpuid_find(&table, function, index);

	return e ? e : &none;
}

static void editing(void)
{
	struct vmctl_cpuid_entry e = { .function = 4, .index = 1, .flags = SIG, .eax = 41 };
	uint32_t n;

	memset(&table, 0, sizeof(table));
	tap_ok(vmctl_cpuid_set_entry(&table, &e) == 0 && table.nent == 1, "add 4.1");
	e.index = 0;
	e.eax = 40;
	tap_ok(vmctl_cpuid_set_entry(&table, &e) == 0 && table.nent == 2, "add 4.0");
	e.eax = 400;
	tap_ok(vmctl_cpuid_set_entry(&table, &e) == 0 && table.nent == 2 &&
	       leaf(4, 0)->eax == 400 && leaf(4, 1)->eax == 41, "replace 4.0, 4.1 kept");
	tap_ok(vmctl_cpuid_find(&table, 4, 2) == NULL, "no 4.2");
	e = (struct vmctl_cpuid_entry){ .function = 1, .eax = 1 };
	tap_ok(vmctl_cpuid_set_entry(&table, &e) == 0 && leaf(1, 7)->eax == 1,
	       "a plain leaf answers every index");
	e = (struct vmctl_cpuid_entry){ .function = 4, .index = 3 };
	tap_ok(vmctl_cpuid_set_entry(&table, &e) == -EINVAL, "4.3 without SIG beside SIG 4.x: -EINVAL");
	e = (struct vmctl_cpuid_entry){ .function = 2, .index = 3 };
	tap_ok(vmctl_cpuid_set_entry(&table, &e) == -EINVAL, "index without SIG: -EINVAL");
	e = (struct vmctl_cpuid_entry){ .function = 2, .flags = 2 };
	tap_ok(vmctl_cpuid_set_entry(&table, &e) == -EINVAL, "unknown flag: -EINVAL");
	e = (struct vmctl_cpuid_entry){ .function = 2, .padding = { 0, 0, 1 } };
	tap_ok(vmctl_cpuid_set_entry(&table, &e) == -EINVAL, "padding: -EINVAL");
	tap_ok(vmctl_cpuid_set_entry(NULL, &e) == -EINVAL &&
	       vmctl_cpuid_set_entry(&table, NULL) == -EINVAL, "NULL: -EINVAL");
	n = table.nent;
	while (table.nent < VMCTL_CPUID_MAX_ENTRIES)
		add(0x80000000 + table.nent, 0, 0, 0);
	e = (struct vmctl_cpuid_entry){ .function = 0x20 };
	tap_ok(vmctl_cpuid_set_entry(&table, &e) == -ENOSPC, "full (%u + %u): -ENOSPC",
	       n, VMCTL_CPUID_MAX_ENTRIES - n);
	e.function = 0x80000000 + 10;
	tap_ok(vmctl_cpuid_set_entry(&table, &e) == 0, "full, replacing still works");
}

static void default_policy(void)
{
	const uint32_t all = 0xffffffff;
	uint32_t i;

	/* The kernel's supported table shape: leaves 0-0xd, 0x4000000x. */
	memset(&table, 0, sizeof(table));
	add(0, 0, 0, 0xd);
	for (i = 1; i <= 0xd; i++)
		if (i != 4 && i != 7 && i != 0xd)
			add(i, 0, 0, all);
	add(4, 0, SIG, all);
	add(7, 0, SIG, all);
	add(0xd, 0, SIG, 0x7);
	add(0xd, 1, SIG, 0x1);
	add(0x40000000, 0, 0, 0);
	add(0x40000010, 0, 0, 0);
	table.entries[table.nent - 1].eax = 3400000;	/* kHz */
	add(0x80000000, 0, 0, 0x80000008);

	cpuid_apply_default_policy(&table);
	tap_ok(leaf(1, 0)->ecx == (all & ~(BIT(2) | BIT(3) | BIT(4) | BIT(5) | BIT(6) |
					  BIT(15) | BIT(21) | BIT(24))),
	       "leaf 1 ECX: no DTES64, MONITOR, DS-CPL, VMX, SMX, PDCM, x2APIC, "
	       "TSC-deadline; hypervisor set (%#x)", leaf(1, 0)->ecx);
	table.entries[1].ecx = 0;
	cpuid_apply_default_policy(&table);
	tap_ok(leaf(1, 0)->ecx == BIT(31), "leaf 1 ECX hypervisor bit set (%#x)", leaf(1, 0)->ecx);
	tap_ok(leaf(1, 0)->edx == (all & ~BIT(21)), "leaf 1 EDX: no DS (%#x)", leaf(1, 0)->edx);
	tap_ok(!(leaf(5, 0)->eax | leaf(5, 0)->ebx | leaf(5, 0)->ecx | leaf(5, 0)->edx) &&
	       !(leaf(6, 0)->eax | leaf(6, 0)->ebx | leaf(6, 0)->ecx | leaf(6, 0)->edx) &&
	       !(leaf(0xa, 0)->eax | leaf(0xa, 0)->ebx | leaf(0xa, 0)->ecx | leaf(0xa, 0)->edx),
	       "leaves 5, 6, 0xa zero");
	tap_ok(leaf(7, 0)->ebx == (all & ~BIT(1)) &&
	       leaf(7, 0)->ecx == (all & ~(BIT(3) | BIT(4) | BIT(5))) &&
	       leaf(7, 0)->edx == (all & ~(BIT(29) | BIT(30))),
	       "leaf 7: no TSC_ADJUST, PKU, OSPKE, WAITPKG, ARCH/CORE_CAPABILITIES");
	tap_ok(leaf(0x40000000, 0)->eax == 0x40000010 &&
	       !memcmp(&leaf(0x40000000, 0)->ebx, "vmctlvmctlvm", 12),
	       "leaf 0x40000000: max 0x40000010, \"vmctlvmctlvm\"");
	tap_ok(leaf(0x40000010, 0)->eax == 3400000, "leaf 0x40000010: TSC kHz kept");
	tap_ok(leaf(0x15, 0)->eax == 1 && leaf(0x15, 0)->ebx == 1 &&
	       leaf(0x15, 0)->ecx == 3400000000U, "leaf 0x15: 1/1 of 3.4 GHz (%u/%u x %u)",
	       leaf(0x15, 0)->ebx, leaf(0x15, 0)->eax, leaf(0x15, 0)->ecx);
	tap_ok(leaf(0x16, 0)->eax == 3400 && leaf(0x16, 0)->ebx == 3400 &&
	       leaf(0x16, 0)->ecx == 100, "leaf 0x16: 3400 MHz, bus 100");
	tap_ok(leaf(0, 0)->eax == 0x16, "leaf 0 EAX raised to 0x16 (%#x)", leaf(0, 0)->eax);
	tap_ok(leaf(0xd, 0)->eax == 0x7 && leaf(4, 0)->eax == all &&
	       leaf(0x80000000, 0)->eax == 0x80000008, "other leaves untouched");

	/* 5 GHz: crystal halved to fit ECX; no TSC known: no 0x15/0x16. */
	table.entries[0].eax = 0xd;
	vmctl_cpuid_find(&table, 0x40000010, 0)->eax = 5000000;
	cpuid_apply_default_policy(&table);
	tap_ok(leaf(0x15, 0)->ebx == 2 && leaf(0x15, 0)->ecx == 2500000000U,
	       "5 GHz: 2/1 of 2.5 GHz (%u/%u x %u)", leaf(0x15, 0)->ebx,
	       leaf(0x15, 0)->eax, leaf(0x15, 0)->ecx);
	memset(&table, 0, sizeof(table));
	add(0, 0, 0, 0xd);
	cpuid_apply_default_policy(&table);
	tap_ok(!vmctl_cpuid_find(&table, 0x15, 0) && leaf(0, 0)->eax == 0xd &&
	       leaf(0x40000000, 0)->eax == 0x40000010 && leaf(0x40000010, 0)->eax == 0,
	       "TSC unknown: no 0x15/0x16, leaf 0 kept, hypervisor leaves there");
}

int main(void)
{
	tap_plan(12 + 13 + 1);
	editing();
	default_policy();
	tap_ok(vmctl_cpuid_default(NULL, &table) == -EINVAL &&
	       vmctl_sys_get_supported_cpuid(NULL, &table) == -EINVAL &&
	       vmctl_vcpu_set_cpuid(NULL, &table) == -EINVAL &&
	       vmctl_vcpu_get_cpuid(NULL, &table) == -EINVAL, "NULL handles: -EINVAL");
	return tap_finish();
}
