// SPDX-License-Identifier: GPL-2.0
/* vmctl: the guest state printed after an exit that ends a guest badly. */
#include <stdio.h>

#include "vmctl.h"

/*
 * After an exit that ends the guest because something went wrong in it
 * (a triple fault, a failed entry, an internal error), the whole guest
 * state and the VMCS's account of the exit, for whoever debugs it.
 */
void print_guest_dump(const char *prog, struct vmctl_vcpu *vcpu, const struct vmctl_exit *exit)
{
	static char buf[8192];

	if (exit->reason != VMCTL_EXIT_SHUTDOWN && exit->reason != VMCTL_EXIT_FAIL_ENTRY &&
	    exit->reason != VMCTL_EXIT_INTERNAL_ERROR)
		return;
	if (vmctl_vcpu_dump(vcpu, buf, sizeof(buf)) == 0)
		fprintf(stderr, "%s: guest state at the exit:\n%s", prog, buf);
}
