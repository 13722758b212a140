// SPDX-License-Identifier: LGPL-2.1-or-later
/* vCPU events: interrupts, NMIs, kicks, the event state, HLT mode. */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include "internal.h"

VMCTL_EXPORT int vmctl_vcpu_interrupt(struct vmctl_vcpu *vcpu, unsigned int vector)
{
	struct vmctl_interrupt irq = { .vector = vector };

	if (!vcpu)
		return -EINVAL;
	return ioctl(vcpu->fd, VMCTL_INTERRUPT, &irq) < 0 ? -errno : 0;
}

VMCTL_EXPORT int vmctl_vcpu_nmi(struct vmctl_vcpu *vcpu)
{
	if (!vcpu)
		return -EINVAL;
	return ioctl(vcpu->fd, VMCTL_NMI) < 0 ? -errno : 0;
}

VMCTL_EXPORT int vmctl_vcpu_kick(struct vmctl_vcpu *vcpu)
{
	if (!vcpu)
		return -EINVAL;
	/* Before the kick, so that the run it ends sees it. */
	__atomic_store_n(&vcpu->kicked, true, __ATOMIC_SEQ_CST);
	return ioctl(vcpu->fd, VMCTL_KICK) < 0 ? -errno : 0;
}

VMCTL_EXPORT int vmctl_vcpu_get_events(struct vmctl_vcpu *vcpu,
				       struct vmctl_vcpu_events *events)
{
	struct vmctl_vcpu_events ev;

	if (!vcpu || !events)
		return -EINVAL;
	if (ioctl(vcpu->fd, VMCTL_GET_VCPU_EVENTS, &ev) < 0)
		return -errno;
	*events = ev;
	return 0;
}

VMCTL_EXPORT int vmctl_vcpu_set_events(struct vmctl_vcpu *vcpu,
				       const struct vmctl_vcpu_events *events)
{
	if (!vcpu || !events)
		return -EINVAL;
	return ioctl(vcpu->fd, VMCTL_SET_VCPU_EVENTS, events) < 0 ? -errno : 0;
}

VMCTL_EXPORT void vmctl_vcpu_request_irq_window(struct vmctl_vcpu *vcpu, bool on)
{
	if (vcpu)
		__atomic_store_n(&vcpu->run->request_interrupt_window, on,
				 __ATOMIC_RELAXED);
}

VMCTL_EXPORT bool vmctl_vcpu_ready_for_interrupt(struct vmctl_vcpu *vcpu)
{
	return vcpu && __atomic_load_n(&vcpu->run->ready_for_interrupt_injection,
				       __ATOMIC_RELAXED);
}

VMCTL_EXPORT int vmctl_vcpu_set_hlt_mode(struct vmctl_vcpu *vcpu, unsigned int mode)
{
	struct vmctl_hlt_mode hm = { .mode = mode };

	if (!vcpu)
		return -EINVAL;
	return ioctl(vcpu->fd, VMCTL_SET_HLT_MODE, &hm) < 0 ? -errno : 0;
}
