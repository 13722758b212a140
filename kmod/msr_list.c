// SPDX-License-Identifier: GPL-2.0
/*
 * MSRs by list: VMCTL_GET_MSRS and VMCTL_SET_MSRS on a vCPU (KVM's
 * KVM_GET/SET_MSRS semantics: the count processed, stopping at the first
 * MSR that fails) and VMCTL_GET_MSR_INDEX_LIST on /dev/vmctl.
 */
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "core.h"

/* Copies in and checks the list; the caller kfree()s *entries. */
static long vmctl_msrs_copy_in(void __user *argp, struct vmctl_msrs *req,
			       struct vmctl_msr_entry **entries)
{
	struct vmctl_msr_entry *e;
	u32 i;

	if (copy_from_user(req, argp, sizeof(*req)))
		return -EFAULT;
	if (req->pad || req->nmsrs > VMCTL_MAX_MSR_ENTRIES)
		return -EINVAL;
	e = memdup_user(u64_to_user_ptr(req->entries),
			array_size(req->nmsrs, sizeof(*e)));
	if (IS_ERR(e))
		return PTR_ERR(e);
	for (i = 0; i < req->nmsrs; i++) {
		if (e[i].reserved) {
			kfree(e);
			return -EINVAL;
		}
	}
	*entries = e;
	return 0;
}

/* GET_MSRS (the data of the entries processed goes back) or SET_MSRS. */
static long vmctl_vcpu_msrs(struct vmctl_vcpu *vcpu, void __user *argp,
			    bool set)
{
	struct vmctl_msr_entry *e;
	struct vmctl_msrs req;
	long ret;

	ret = vmctl_msrs_copy_in(argp, &req, &e);
	if (ret)
		return ret;
	if (!mutex_trylock(&vcpu->run_lock)) {
		kfree(e);
		return -EBUSY;
	}
	if (set)
		ret = vmctl_backend->set_msrs(vcpu, e, req.nmsrs);
	else
		ret = vmctl_backend->get_msrs(vcpu, e, req.nmsrs);
	mutex_unlock(&vcpu->run_lock);
	if (!set && ret > 0 &&
	    copy_to_user(u64_to_user_ptr(req.entries), e, ret * sizeof(*e)))
		ret = -EFAULT;
	kfree(e);
	return ret;
}

long vmctl_vcpu_get_msrs(struct vmctl_vcpu *vcpu, void __user *argp)
{
	return vmctl_vcpu_msrs(vcpu, argp, false);
}

long vmctl_vcpu_set_msrs(struct vmctl_vcpu *vcpu, void __user *argp)
{
	return vmctl_vcpu_msrs(vcpu, argp, true);
}

long vmctl_dev_get_msr_index_list(void __user *argp)
{
	struct vmctl_msr_list req;
	u32 n, *indices;
	long ret = 0;

	if (copy_from_user(&req, argp, sizeof(req)))
		return -EFAULT;
	if (req.pad)
		return -EINVAL;
	n = vmctl_backend->msr_index_list(NULL, 0);
	if (req.nmsrs < n) {
		ret = -E2BIG;
	} else {
		indices = kcalloc(n, sizeof(*indices), GFP_KERNEL);
		if (!indices)
			return -ENOMEM;
		vmctl_backend->msr_index_list(indices, n);
		if (copy_to_user(u64_to_user_ptr(req.indices), indices,
				 n * sizeof(*indices)))
			ret = -EFAULT;
		kfree(indices);
	}
	req.nmsrs = n;
	if (ret != -EFAULT && copy_to_user(argp, &req, sizeof(req)))
		ret = -EFAULT;
	return ret;
}
