// SPDX-License-Identifier: GPL-2.0
/*
 * Work the kernel wants done before a thread enters a guest: signals,
 * rescheduling, TIF_NOTIFY_RESUME (task work, rseq, memcg throttling).
 *
 * The kernel's own loop for it, xfer_to_guest_mode_handle_work(), is
 * exported but takes a struct kvm_vcpu, into which it writes on a signal
 * (kvm_handle_signal_exit: run->exit_reason, stat.signal_exits); the
 * TIF_NOTIFY_RESUME work it does (resume_user_mode_work) calls
 * task_work_run(), which is not exported.  So it is called with a stand-in
 * vCPU of its own, and only after this file has seen no signal pending:
 * the stand-in is written to only by a signal that came in between, and
 * then only its counters and run page.  Kept in a file of its own because
 * <linux/kvm_host.h> defines VMX names of its own.
 *
 * TODO(deb13): Linux 6.12 still has this signature.  Newer kernels
 * (entry-virt.h) rename it; the version check belongs in the compat header.
 */
#include <linux/entry-kvm.h>
#include <linux/kvm_host.h>
#include <linux/sched/signal.h>

#include "vmx.h"

static struct kvm_run vmx_xfer_stand_in_run;
static struct kvm_vcpu vmx_xfer_stand_in = {
	.run = &vmx_xfer_stand_in_run,
};

/*
 * Before each entry, preemption and interrupts enabled: 0 when the thread
 * may enter the guest, -EINTR when a signal waits (user space must run).
 */
int vmx_handle_entry_work(void)
{
	if (signal_pending(current))
		return -EINTR;
	return xfer_to_guest_mode_handle_work(&vmx_xfer_stand_in);
}

/* The last check, with interrupts disabled right before the entry. */
bool vmx_entry_work_pending(void)
{
	return xfer_to_guest_mode_work_pending();
}
