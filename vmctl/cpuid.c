// SPDX-License-Identifier: GPL-2.0
/* vmctl cpuid: the CPUID table libvmctl gives a vCPU by default. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmctl.h"

static void print_text(const struct vmctl_cpuid_table *t)
{
	uint32_t i;

	printf("function   index    eax        ebx        ecx        edx\n");
	for (i = 0; i < t->nent; i++) {
		const struct vmctl_cpuid_entry *e = &t->entries[i];
		char index[12] = "*";

		if (e->flags & VMCTL_CPUID_FLAG_SIGNIFICANT_INDEX)
			snprintf(index, sizeof(index), "%u", e->index);
		printf("0x%08x %-8s 0x%08x 0x%08x 0x%08x 0x%08x\n", e->function, index,
		       e->eax, e->ebx, e->ecx, e->edx);
	}
}

/* index is null for a leaf whose entry answers every index. */
static void print_json(const struct vmctl_cpuid_table *t)
{
	uint32_t i;

	printf("[");
	for (i = 0; i < t->nent; i++) {
		const struct vmctl_cpuid_entry *e = &t->entries[i];

		printf("%s\n  {\"function\": %u, \"index\": ", i ? "," : "", e->function);
		if (e->flags & VMCTL_CPUID_FLAG_SIGNIFICANT_INDEX)
			printf("%u", e->index);
		else
			printf("null");
		printf(", \"eax\": %u, \"ebx\": %u, \"ecx\": %u, \"edx\": %u}",
		       e->eax, e->ebx, e->ecx, e->edx);
	}
	printf("\n]\n");
}

int cmd_cpuid(const char *prog, int argc, char **argv)
{
	struct vmctl_cpuid_table *table;
	struct vmctl_sys *sys;
	bool json = false;
	int i, err;

	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0) {
			json = true;
		} else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			printf("usage: %s cpuid [--json]\nPrints the CPUID table libvmctl "
			       "gives a vCPU by default (vmctl_cpuid_default()).\n", prog);
			return STATUS_OK;
		} else {
			fprintf(stderr, "%s: cpuid: unexpected argument '%s'\n"
				"Try '%s cpuid --help' for more information.\n",
				prog, argv[i], prog);
			return STATUS_USAGE;
		}
	}
	err = vmctl_sys_open(&sys);
	if (err) {
		fprintf(stderr, "%s: cannot open %s: %s\n", prog, VMCTL_DEFAULT_DEVICE,
			vmctl_strerror_call("vmctl_sys_open", err));
		return STATUS_FAILURE;
	}
	table = malloc(sizeof(*table));
	err = table ? vmctl_cpuid_default(sys, table) : -ENOMEM;
	vmctl_sys_close(sys);
	if (err) {
		fprintf(stderr, "%s: cannot get the CPUID table: %s\n", prog,
			vmctl_strerror_call("vmctl_cpuid_default", err));
		free(table);
		return STATUS_FAILURE;
	}
	if (json)
		print_json(table);
	else
		print_text(table);
	free(table);
	return STATUS_OK;
}
