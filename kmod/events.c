// SPDX-License-Identifier: GPL-2.0
/*
 * The events ioctls of a vCPU fd: VMCTL_INTERRUPT, VMCTL_NMI and
 * VMCTL_KICK (from any thread, without run_lock, so that a device model's
 * timer thread can inject while RUN is in progress), and
 * VMCTL_GET/SET_VCPU_EVENTS and VMCTL_SET_HLT_MODE (under run_lock).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mutex.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "core.h"

long vmctl_vcpu_interrupt(struct vmctl_vcpu *vcpu, void __user *argp)
{
	struct vmctl_interrupt irq;

	if (copy_from_user(&irq, argp, sizeof(irq)))
		return -EFAULT;
	if (irq.pad)
		return -EINVAL;
	return vmctl_backend->interrupt(vcpu, irq.vector);
}

long vmctl_vcpu_nmi(struct vmctl_vcpu *vcpu)
{
	return vmctl_backend->nmi(vcpu);
}

long vmctl_vcpu_kick(struct vmctl_vcpu *vcpu)
{
	return vmctl_backend->kick(vcpu);
}

long vmctl_vcpu_get_events(struct vmctl_vcpu *vcpu, void __user *argp)
{
	struct vmctl_vcpu_events ev;
	int ret;

	memset(&ev, 0, sizeof(ev));
	if (!mutex_trylock(&vcpu->run_lock))
		return -EBUSY;
	ret = vmctl_backend->get_events(vcpu, &ev);
	mutex_unlock(&vcpu->run_lock);
	if (ret)
		return ret;
	if (copy_to_user(argp, &ev, sizeof(ev)))
		return -EFAULT;
	return 0;
}

long vmctl_vcpu_set_events(struct vmctl_vcpu *vcpu, void __user *argp)
{
	struct vmctl_vcpu_events ev;
	int ret;

	if (copy_from_user(&ev, argp, sizeof(ev)))
		return -EFAULT;
	if (ev.flags || ev.pad || ev.nmi.pad ||
	    memchr_inv(ev.reserved, 0, sizeof(ev.reserved)))
		return -EINVAL;
	if (!mutex_trylock(&vcpu->run_lock))
		return -EBUSY;
	ret = vmctl_backend->set_events(vcpu, &ev);
	mutex_unlock(&vcpu->run_lock);
	return ret;
}

long vmctl_vcpu_set_hlt_mode(struct vmctl_vcpu *vcpu, void __user *argp)
{
	struct vmctl_hlt_mode hm;
	int ret;

	if (copy_from_user(&hm, argp, sizeof(hm)))
		return -EFAULT;
	if (hm.pad)
		return -EINVAL;
	if (!mutex_trylock(&vcpu->run_lock))
		return -EBUSY;
	ret = vmctl_backend->set_hlt_mode(vcpu, hm.mode);
	mutex_unlock(&vcpu->run_lock);
	return ret;
}
