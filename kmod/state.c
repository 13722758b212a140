// SPDX-License-Identifier: GPL-2.0
/*
 * The vCPU state ioctls: debug registers, XSAVE image, XCRs and the whole
 * state as one blob.  As the register ioctls in main.c: user memory is
 * copied outside run_lock, which is only tried (-EBUSY while the vCPU runs).
 */
#include <linux/err.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "core.h"

/* buf is the ioctl's struct (_IOC_SIZE(cmd) bytes): in for a set, out for a get. */
static int vmctl_state_op(struct vmctl_vcpu *vcpu, unsigned int cmd, void *buf)
{
	const struct vmctl_backend_ops *ops = vmctl_backend;

	switch (cmd) {
	case VMCTL_GET_DEBUGREGS:
		return ops->get_debugregs(vcpu, buf);
	case VMCTL_SET_DEBUGREGS:
		return ops->set_debugregs(vcpu, buf);
	case VMCTL_GET_XSAVE:
		return ops->get_xsave(vcpu, buf);
	case VMCTL_SET_XSAVE:
		return ops->set_xsave(vcpu, buf);
	case VMCTL_GET_XCRS:
		return ops->get_xcrs(vcpu, buf);
	case VMCTL_SET_XCRS:
		return ops->set_xcrs(vcpu, buf);
	case VMCTL_GET_VCPU_DUMP:
		return ops->get_dump(vcpu, buf);
	}
	return -ENOTTY;
}

/* VMCTL_GET/SET_DEBUGREGS, _XSAVE, _XCRS, GET_VCPU_DUMP: one fixed-size struct each. */
long vmctl_vcpu_state_ioctl(struct vmctl_vcpu *vcpu, unsigned int cmd,
			    void __user *argp)
{
	size_t size = _IOC_SIZE(cmd);
	bool set = _IOC_DIR(cmd) == _IOC_WRITE;
	void *buf;
	long ret;

	buf = set ? memdup_user(argp, size) : kzalloc(size, GFP_KERNEL);
	if (IS_ERR_OR_NULL(buf))
		return buf ? PTR_ERR(buf) : -ENOMEM;
	ret = -EBUSY;
	if (mutex_trylock(&vcpu->run_lock)) {
		ret = vmctl_state_op(vcpu, cmd, buf);
		mutex_unlock(&vcpu->run_lock);
	}
	if (!ret && !set && copy_to_user(argp, buf, size))
		ret = -EFAULT;
	kfree(buf);
	return ret;
}

long vmctl_vcpu_get_state(struct vmctl_vcpu *vcpu, void __user *argp)
{
	struct vmctl_state_header h;
	void *blob;
	long ret;
	int size;

	if (copy_from_user(&h, argp, sizeof(h)))
		return -EFAULT;
	if (h.size < sizeof(h))
		return -EINVAL;
	blob = kvzalloc(VMCTL_STATE_MAX_SIZE, GFP_KERNEL);
	if (!blob)
		return -ENOMEM;
	ret = -EBUSY;
	if (!mutex_trylock(&vcpu->run_lock))
		goto out;
	size = vmctl_backend->get_state(vcpu, blob, VMCTL_STATE_MAX_SIZE);
	mutex_unlock(&vcpu->run_lock);
	ret = size;
	if (size < 0)
		goto out;
	ret = -EFAULT;
	if (size > h.size) {
		/* Too small: say how much is needed, write nothing else. */
		h.size = size;
		if (!copy_to_user(argp, &h, sizeof(h)))
			ret = -E2BIG;
		goto out;
	}
	if (!copy_to_user(argp, blob, size))
		ret = 0;
out:
	kvfree(blob);
	return ret;
}

long vmctl_vcpu_set_state(struct vmctl_vcpu *vcpu, void __user *argp)
{
	struct vmctl_state_header h;
	void *blob;
	long ret;

	if (copy_from_user(&h, argp, sizeof(h)))
		return -EFAULT;
	if (h.size > VMCTL_STATE_MAX_SIZE)
		return -E2BIG;
	if (h.size < sizeof(h))
		return -EINVAL;
	blob = kvmalloc(h.size, GFP_KERNEL);
	if (!blob)
		return -ENOMEM;
	ret = -EFAULT;
	if (copy_from_user(blob, argp, h.size))
		goto out;
	/* The size checked is the size used, whatever user space does now. */
	((struct vmctl_state_header *)blob)->size = h.size;
	ret = -EBUSY;
	if (mutex_trylock(&vcpu->run_lock)) {
		ret = vmctl_backend->set_state(vcpu, blob, h.size);
		mutex_unlock(&vcpu->run_lock);
	}
out:
	kvfree(blob);
	return ret;
}
