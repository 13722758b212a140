// SPDX-License-Identifier: GPL-2.0
/*
 * The CPUID ioctls: copying struct vmctl_cpuid and its entries between user
 * space and the backend, which owns the tables (kmod/vmx/cpuid.c).
 */
#include <linux/errno.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "core.h"
#include "vmctl.h"

static int vmctl_cpuid_read_header(struct vmctl_cpuid *hdr, void __user *argp)
{
	if (copy_from_user(hdr, argp, sizeof(*hdr)))
		return -EFAULT;
	if (hdr->padding)
		return -EINVAL;
	return 0;
}

static struct vmctl_cpuid_entry *vmctl_cpuid_alloc(u32 nent)
{
	return kvcalloc(nent, sizeof(struct vmctl_cpuid_entry), GFP_KERNEL_ACCOUNT);
}

/*
 * A table of nent entries to the caller whose header is hdr: -E2BIG if it
 * has room for fewer.  nent goes back to user space whether or not the
 * entries fit, so that a caller told -E2BIG knows the size to ask for.
 */
static long vmctl_cpuid_write_back(const struct vmctl_cpuid *hdr,
				   void __user *argp,
				   const struct vmctl_cpuid_entry *entries,
				   u32 nent)
{
	long ret = nent > hdr->nent ? -E2BIG : 0;

	if (!ret && copy_to_user(u64_to_user_ptr(hdr->entries), entries,
				 (size_t)nent * sizeof(*entries)))
		return -EFAULT;
	if (put_user(nent, (u32 __user *)argp))
		return -EFAULT;
	return ret;
}

long vmctl_vcpu_set_cpuid(struct vmctl_vcpu *vcpu, void __user *argp)
{
	struct vmctl_cpuid_entry *entries;
	struct vmctl_cpuid hdr;
	long ret;

	ret = vmctl_cpuid_read_header(&hdr, argp);
	if (ret)
		return ret;
	if (hdr.nent > VMCTL_CPUID_MAX_ENTRIES)
		return -E2BIG;
	entries = vmctl_cpuid_alloc(hdr.nent);
	if (!entries && hdr.nent)
		return -ENOMEM;
	if (copy_from_user(entries, u64_to_user_ptr(hdr.entries),
			   (size_t)hdr.nent * sizeof(*entries))) {
		ret = -EFAULT;
		goto out_free;
	}
	if (!mutex_trylock(&vcpu->run_lock)) {
		ret = -EBUSY;
		goto out_free;
	}
	ret = vmctl_backend->set_cpuid(vcpu, entries, hdr.nent);
	mutex_unlock(&vcpu->run_lock);
out_free:
	kvfree(entries);
	return ret;
}

long vmctl_vcpu_get_cpuid(struct vmctl_vcpu *vcpu, void __user *argp)
{
	u32 room = VMCTL_CPUID_MAX_ENTRIES;
	struct vmctl_cpuid_entry *entries;
	struct vmctl_cpuid hdr;
	long ret;

	ret = vmctl_cpuid_read_header(&hdr, argp);
	if (ret)
		return ret;
	entries = vmctl_cpuid_alloc(room);
	if (!entries)
		return -ENOMEM;
	if (!mutex_trylock(&vcpu->run_lock)) {
		ret = -EBUSY;
		goto out_free;
	}
	ret = vmctl_backend->get_cpuid(vcpu, entries, &room);
	mutex_unlock(&vcpu->run_lock);
	if (ret)
		goto out_free;
	ret = vmctl_cpuid_write_back(&hdr, argp, entries, room);
out_free:
	kvfree(entries);
	return ret;
}

long vmctl_dev_get_supported_cpuid(void __user *argp)
{
	u32 room = VMCTL_CPUID_MAX_ENTRIES;
	struct vmctl_cpuid_entry *entries;
	struct vmctl_cpuid hdr;
	long ret;

	ret = vmctl_cpuid_read_header(&hdr, argp);
	if (ret)
		return ret;
	entries = vmctl_cpuid_alloc(room);
	if (!entries)
		return -ENOMEM;
	ret = vmctl_backend->get_supported_cpuid(entries, &room);
	/* The backend's table always fits VMCTL_CPUID_MAX_ENTRIES. */
	if (WARN_ON_ONCE(ret))
		goto out_free;
	ret = vmctl_cpuid_write_back(&hdr, argp, entries, room);
out_free:
	kvfree(entries);
	return ret;
}
