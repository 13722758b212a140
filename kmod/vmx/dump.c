// SPDX-License-Identifier: GPL-2.0
/*
 * VMCTL_GET_VCPU_DUMP: the VMCS fields that tell what the guest was doing
 * at its last exit, for user space to print after an exit nobody
 * expected.  The table below is the one place that says which fields
 * those are and what they are called; user space prints the names it
 * gets.
 */
#include <linux/build_bug.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include "vmx.h"
#include "vmx_ops.h"

#define FIELD(f)	{ VMCS_##f, #f }

static const struct {
	u32 encoding;
	const char *name;
} vmx_dump_fields[] = {
	/* what happened */
	FIELD(EXIT_REASON),
	FIELD(EXIT_QUALIFICATION),
	FIELD(GUEST_LINEAR_ADDRESS),
	FIELD(GUEST_PHYSICAL_ADDRESS),
	FIELD(EXIT_INTR_INFO),
	FIELD(EXIT_INTR_ERROR_CODE),
	FIELD(IDT_VECTORING_INFO),
	FIELD(IDT_VECTORING_ERROR_CODE),
	FIELD(EXIT_INSTRUCTION_LEN),
	FIELD(EXIT_INSTRUCTION_INFO),
	FIELD(INSTRUCTION_ERROR),
	/* the event the next entry delivers */
	FIELD(ENTRY_INTR_INFO),
	FIELD(ENTRY_EXCEPTION_ERROR_CODE),
	FIELD(ENTRY_INSTRUCTION_LEN),
	/* the guest-state area */
	FIELD(GUEST_RIP),
	FIELD(GUEST_RSP),
	FIELD(GUEST_RFLAGS),
	FIELD(GUEST_CR0),
	FIELD(CR0_READ_SHADOW),
	FIELD(GUEST_CR3),
	FIELD(GUEST_CR4),
	FIELD(CR4_READ_SHADOW),
	FIELD(GUEST_DR7),
	FIELD(GUEST_IA32_EFER),
	FIELD(GUEST_IA32_PAT),
	FIELD(GUEST_IA32_DEBUGCTL),
	FIELD(GUEST_INTERRUPTIBILITY),
	FIELD(GUEST_ACTIVITY_STATE),
	FIELD(GUEST_PENDING_DBG),
	FIELD(GUEST_CS_SELECTOR),
	FIELD(GUEST_CS_BASE),
	FIELD(GUEST_CS_LIMIT),
	FIELD(GUEST_CS_AR),
	FIELD(GUEST_SS_SELECTOR),
	FIELD(GUEST_SS_BASE),
	FIELD(GUEST_SS_LIMIT),
	FIELD(GUEST_SS_AR),
	FIELD(GUEST_DS_SELECTOR),
	FIELD(GUEST_DS_BASE),
	FIELD(GUEST_DS_LIMIT),
	FIELD(GUEST_DS_AR),
	FIELD(GUEST_ES_SELECTOR),
	FIELD(GUEST_ES_BASE),
	FIELD(GUEST_ES_LIMIT),
	FIELD(GUEST_ES_AR),
	FIELD(GUEST_FS_SELECTOR),
	FIELD(GUEST_FS_BASE),
	FIELD(GUEST_FS_LIMIT),
	FIELD(GUEST_FS_AR),
	FIELD(GUEST_GS_SELECTOR),
	FIELD(GUEST_GS_BASE),
	FIELD(GUEST_GS_LIMIT),
	FIELD(GUEST_GS_AR),
	FIELD(GUEST_TR_SELECTOR),
	FIELD(GUEST_TR_BASE),
	FIELD(GUEST_TR_LIMIT),
	FIELD(GUEST_TR_AR),
	FIELD(GUEST_LDTR_SELECTOR),
	FIELD(GUEST_LDTR_BASE),
	FIELD(GUEST_LDTR_LIMIT),
	FIELD(GUEST_LDTR_AR),
	FIELD(GUEST_GDTR_BASE),
	FIELD(GUEST_GDTR_LIMIT),
	FIELD(GUEST_IDTR_BASE),
	FIELD(GUEST_IDTR_LIMIT),
	FIELD(GUEST_SYSENTER_CS),
	FIELD(GUEST_SYSENTER_ESP),
	FIELD(GUEST_SYSENTER_EIP),
	FIELD(GUEST_PDPTE0),
	FIELD(GUEST_PDPTE1),
	FIELD(GUEST_PDPTE2),
	FIELD(GUEST_PDPTE3),
	/* what makes the guest exit */
	FIELD(PIN_CONTROLS),
	FIELD(PROC_CONTROLS),
	FIELD(PROC2_CONTROLS),
	FIELD(EXIT_CONTROLS),
	FIELD(ENTRY_CONTROLS),
	FIELD(EXCEPTION_BITMAP),
	FIELD(CR0_GUEST_HOST_MASK),
	FIELD(CR4_GUEST_HOST_MASK),
	FIELD(TSC_OFFSET),
};

int vmx_get_vcpu_dump(struct vmctl_vcpu *vcpu, struct vmctl_vcpu_dump *d)
{
	unsigned int i;

	BUILD_BUG_ON(ARRAY_SIZE(vmx_dump_fields) > VMCTL_DUMP_MAX_FIELDS);
	vmx_vcpu_get(vcpu->arch);
	for (i = 0; i < ARRAY_SIZE(vmx_dump_fields); i++) {
		struct vmctl_vmcs_field *f = &d->fields[i];

		f->encoding = vmx_dump_fields[i].encoding;
		strscpy(f->name, vmx_dump_fields[i].name, sizeof(f->name));
		/* VMREAD zero-extends every width into the 64-bit register. */
		f->value = __vmcs_read(f->encoding);
	}
	d->nr_fields = i;
	return vmx_vcpu_put();
}
