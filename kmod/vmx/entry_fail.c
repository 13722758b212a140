// SPDX-License-Identifier: GPL-2.0
/*
 * Failed VM entries: the pre-entry guest-state check and FAIL_ENTRY.
 *
 * State set by user space is checked with entry_checks.c before it is
 * entered; an entry the CPU refuses becomes a FAIL_ENTRY exit with a
 * message saying why.
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <asm/processor.h>

#include "capabilities.h"
#include "entry_checks.h"
#include "vmx.h"
#include "vmx_ops.h"

/* The first modelled guest-state check that fails, in msg; or NULL. */
static const char *vmx_explain_guest_state(struct vmx_vcpu *v, char *msg,
					   size_t len, gfp_t gfp)
{
	struct vmx_guest_state *s = kmalloc(sizeof(*s), gfp);
	const char *what = NULL;

	if (s) {
		vmx_read_guest_state(v, s);
		what = vmx_check_guest_state(s, msg, len);
		kfree(s);
	}
	return what;
}

/*
 * State set by user space is checked before the first entry with it, so
 * that a bad state fails the same way on every CPU, including emulated
 * ones that skip some of the checks (Bochs accepts SS.DPL != CS.DPL).
 * Returns true, with the FAIL_ENTRY exit filled, if a check fails.
 */
bool vmx_precheck_guest_state(struct vmx_vcpu *v)
{
	struct vmctl_run *run = vmx_run(v);
	const char *what;

	vmx_vcpu_get(v);
	what = vmx_explain_guest_state(v, run->fail_entry.message,
				       sizeof(run->fail_entry.message),
				       GFP_ATOMIC);
	vmx_vcpu_put();
	if (!what)
		return false;
	vmx_report_exit(v, VMCTL_EXIT_FAIL_ENTRY);
	run->fail_entry.hardware_reason = EXIT_REASON_ENTRY_FAILURE |
					  VMX_EXIT_INVALID_GUEST_STATE;
	run->fail_entry.qualification = 0;
	run->fail_entry.flags = VMCTL_FAIL_ENTRY_INVALID_GUEST_STATE |
				VMCTL_FAIL_ENTRY_MODULE_CHECK;
	run->fail_entry.pad = 0;
	return true;
}

enum vmx_exit_action vmx_entry_failed(struct vmx_vcpu *v, bool vmfail)
{
	struct vmctl_run *run = vmx_run(v);
	char *msg = run->fail_entry.message;
	size_t len = sizeof(run->fail_entry.message);

	vmx_report_exit(v, VMCTL_EXIT_FAIL_ENTRY);
	run->fail_entry.pad = 0;
	if (vmfail) {
		u32 err = vmcs_read32(VMCS_INSTRUCTION_ERROR);

		run->fail_entry.hardware_reason = err;
		run->fail_entry.qualification = 0;
		run->fail_entry.flags = VMCTL_FAIL_ENTRY_VMFAIL;
		snprintf(msg, len, "VM%s failed: VM-instruction error %u%s",
			 v->launched ? "RESUME" : "LAUNCH", err,
			 err == VMXERR_ENTRY_INVALID_CONTROL ? " (invalid control field)" :
			 err == VMXERR_ENTRY_INVALID_HOST_STATE ? " (invalid host state)" : "");
		return ACTION_EXIT_TO_USER;
	}

	run->fail_entry.hardware_reason = v->exit_reason;
	run->fail_entry.qualification = v->exit_qual;
	run->fail_entry.flags = 0;
	switch (v->exit_reason & EXIT_REASON_BASIC_MASK) {
	case VMX_EXIT_INVALID_GUEST_STATE:
		run->fail_entry.flags = VMCTL_FAIL_ENTRY_INVALID_GUEST_STATE;
		if (!vmx_explain_guest_state(v, msg, len, GFP_ATOMIC))
			snprintf(msg, len, "invalid guest state (no modelled check fails)");
		break;
	case VMX_EXIT_MSR_LOAD_FAIL:
		snprintf(msg, len, "MSR loading failed at entry %lu", v->exit_qual);
		break;
	case VMX_EXIT_MCE_DURING_ENTRY:
		snprintf(msg, len, "machine-check event during VM entry");
		break;
	default:
		snprintf(msg, len, "VM entry failed with exit reason %u",
			 v->exit_reason & EXIT_REASON_BASIC_MASK);
		break;
	}
	return ACTION_EXIT_TO_USER;
}
