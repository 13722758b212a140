// SPDX-License-Identifier: GPL-2.0
/*
 * vmctl.ko, the arch-neutral core: /dev/vmctl, the VM and vCPU file
 * descriptors, their lifetimes and ownership, argument checks, and the
 * resource accounting behind VMCTL_GET_USAGE.  Everything that touches
 * virtualization hardware is behind vmctl_backend.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/anon_inodes.h>
#include <linux/atomic.h>
#include <linux/compat.h>
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/kref.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>

#include "compat.h"
#include "core.h"

/*
 * Pinning a slot needs an array of page pointers in the kernel; bound it
 * (16 GiB of guest memory is 32 MiB of pointers) so that one ioctl cannot
 * ask for an absurd allocation.
 */
#define VMCTL_CORE_MAX_SLOT_SIZE	(16ULL << 30)

/*
 * Every x86-64 CPU supports at least 36 physical address bits; only used
 * if a backend does not say what its second-level page tables reach.
 */
#define VMCTL_FALLBACK_GUEST_PHYS_BITS	36

const struct vmctl_backend_ops *vmctl_backend;
struct vmctl_caps vmctl_caps;

/* ------------------------------------------------------------------------ */
/* Accounting (VMCTL_GET_USAGE)                                              */
/* ------------------------------------------------------------------------ */

static atomic_t vmctl_live_vms;
static atomic_t vmctl_live_vcpus;
static atomic64_t vmctl_kernel_pages;
static atomic64_t vmctl_pinned_pages;
static atomic64_t vmctl_kernel_bytes;

void vmctl_account_kernel_pages(long delta)
{
	atomic64_add(delta, &vmctl_kernel_pages);
}

void vmctl_account_pinned_pages(long delta)
{
	atomic64_add(delta, &vmctl_pinned_pages);
}

void vmctl_account_kernel_bytes(long delta)
{
	atomic64_add(delta, &vmctl_kernel_bytes);
}

void *vmctl_zalloc_accounted(size_t size)
{
	void *object = kvzalloc(size, GFP_KERNEL_ACCOUNT);

	if (object)
		vmctl_account_kernel_bytes(size);
	return object;
}

void vmctl_free_accounted(const void *object, size_t size)
{
	kvfree(object);
	vmctl_account_kernel_bytes(-(long)size);
}

/* ------------------------------------------------------------------------ */
/* Hardware virtualization: on while at least one VM exists                  */
/* ------------------------------------------------------------------------ */

/*
 * VMX stays off while the module has no VM so that another hypervisor
 * (kvm_intel) can take its turn; vmctl_hw_lock makes "first VM turns it on,
 * last VM turns it off" atomic against concurrent create and destroy.
 */
static DEFINE_MUTEX(vmctl_hw_lock);
static unsigned int vmctl_hw_users;

static int vmctl_hw_get(void)
{
	int ret = 0;

	mutex_lock(&vmctl_hw_lock);
	if (!vmctl_hw_users)
		ret = vmctl_backend->enable();
	if (!ret)
		vmctl_hw_users++;
	mutex_unlock(&vmctl_hw_lock);
	return ret;
}

static void vmctl_hw_put(void)
{
	mutex_lock(&vmctl_hw_lock);
	if (!--vmctl_hw_users)
		vmctl_backend->disable();
	mutex_unlock(&vmctl_hw_lock);
}

/* ------------------------------------------------------------------------ */
/* Ownership and small helpers                                               */
/* ------------------------------------------------------------------------ */

/*
 * A VM belongs to the address space that created it: its slots pin that
 * address space's pages.  A forked child shares the fds but not the memory,
 * so it gets -EIO and no access.
 */
static bool vmctl_vm_owned_by_current(const struct vmctl_vm *vm)
{
	return current->mm == vm->mm;
}

static bool vmctl_all_zero(const void *p, size_t size)
{
	return !memchr_inv(p, 0, size);
}

/* ------------------------------------------------------------------------ */
/* VM lifetime                                                               */
/* ------------------------------------------------------------------------ */

static void vmctl_vcpu_free(struct vmctl_vcpu *vcpu)
{
	vmctl_backend->vcpu_destroy(vcpu);
	free_page((unsigned long)vcpu->run);
	vmctl_account_kernel_pages(-1);
	vmctl_vcpu_stats_free(vcpu->stats);
	mutex_destroy(&vcpu->run_lock);
	vmctl_free_accounted(vcpu, sizeof(*vcpu));
	atomic_dec(&vmctl_live_vcpus);
}

/*
 * The last fd (VM or vCPU, or a mapping of a run page) is gone.  vCPUs go
 * first, so that no VMCS refers to the EPT any more; then the slots
 * (unmapped before they are unpinned), then the backend's VM state, and
 * VMX itself last, since tearing all this down may need it on.
 */
static void vmctl_vm_free(struct kref *ref)
{
	struct vmctl_vm *vm = container_of(ref, struct vmctl_vm, ref);
	unsigned int id;

	/* Out of the statistics' sight before anything is torn down. */
	vmctl_genl_vm_del(vm);
	vmctl_genl_announce(vm, VMCTL_EVENT_DESTROYED);
	for (id = 0; id < VMCTL_MAX_VCPUS; id++)
		if (vm->vcpus[id])
			vmctl_vcpu_free(vm->vcpus[id]);

	mutex_lock(&vm->lock);
	vmctl_slots_release(vm);
	mutex_unlock(&vm->lock);

	vmctl_backend->vm_destroy(vm);
	mmdrop(vm->mm);
	mutex_destroy(&vm->lock);
	vmctl_free_accounted(vm, sizeof(*vm));
	atomic_dec(&vmctl_live_vms);
	vmctl_hw_put();
}

static void vmctl_vm_put(struct vmctl_vm *vm)
{
	kref_put(&vm->ref, vmctl_vm_free);
}

/* ------------------------------------------------------------------------ */
/* vCPU fd                                                                   */
/* ------------------------------------------------------------------------ */

static int vmctl_vcpu_release(struct inode *inode, struct file *file)
{
	struct vmctl_vcpu *vcpu = file->private_data;

	vmctl_vm_put(vcpu->vm);
	return 0;
}

/* The first vCPU shutdown of a VM is announced, once. */
static void vmctl_vm_announce_shutdown(struct vmctl_vm *vm)
{
	bool first;

	mutex_lock(&vm->lock);
	first = !vm->shutdown_announced;
	vm->shutdown_announced = true;
	mutex_unlock(&vm->lock);
	if (first)
		vmctl_genl_announce(vm, VMCTL_EVENT_SHUTDOWN);
}

/*
 * All vCPU ioctls take run_lock with a trylock: a second thread touching a
 * vCPU that is inside RUN (or another vCPU ioctl) gets -EBUSY at once
 * instead of blocking for as long as the guest runs.  User memory is copied
 * outside the lock.
 */
static long vmctl_vcpu_run(struct vmctl_vcpu *vcpu)
{
	u32 exit_reason;
	long ret;

	if (!mutex_trylock(&vcpu->run_lock))
		return -EBUSY;
	vmctl_stats_run_begin(vcpu);
	ret = vmctl_backend->vcpu_run(vcpu);
	/* Read once: the owner may scribble on its run page meanwhile. */
	exit_reason = READ_ONCE(vcpu->run->exit_reason);
	vmctl_stats_run_end(vcpu, ret, exit_reason);
	mutex_unlock(&vcpu->run_lock);
	if (exit_reason == VMCTL_EXIT_SHUTDOWN)
		vmctl_vm_announce_shutdown(vcpu->vm);
	return ret;
}

static long vmctl_vcpu_get_regs(struct vmctl_vcpu *vcpu, void __user *argp)
{
	struct vmctl_regs regs = {};
	int ret;

	if (!mutex_trylock(&vcpu->run_lock))
		return -EBUSY;
	ret = vmctl_backend->get_regs(vcpu, &regs);
	mutex_unlock(&vcpu->run_lock);
	if (ret)
		return ret;
	if (copy_to_user(argp, &regs, sizeof(regs)))
		return -EFAULT;
	return 0;
}

static long vmctl_vcpu_set_regs(struct vmctl_vcpu *vcpu, void __user *argp)
{
	struct vmctl_regs regs;
	int ret;

	if (copy_from_user(&regs, argp, sizeof(regs)))
		return -EFAULT;
	if (!mutex_trylock(&vcpu->run_lock))
		return -EBUSY;
	ret = vmctl_backend->set_regs(vcpu, &regs);
	mutex_unlock(&vcpu->run_lock);
	return ret;
}

static long vmctl_vcpu_get_sregs(struct vmctl_vcpu *vcpu, void __user *argp)
{
	struct vmctl_sregs sregs;
	int ret;

	/* Padding goes out as zero, so a GET/SET round trip always passes. */
	memset(&sregs, 0, sizeof(sregs));
	if (!mutex_trylock(&vcpu->run_lock))
		return -EBUSY;
	ret = vmctl_backend->get_sregs(vcpu, &sregs);
	mutex_unlock(&vcpu->run_lock);
	if (ret)
		return ret;
	if (copy_to_user(argp, &sregs, sizeof(sregs)))
		return -EFAULT;
	return 0;
}

static bool vmctl_segment_pad_clear(const struct vmctl_segment *seg)
{
	return !seg->pad;
}

static bool vmctl_dtable_pad_clear(const struct vmctl_dtable *dt)
{
	return vmctl_all_zero(dt->pad, sizeof(dt->pad));
}

/* Padding and reserved space must be zero so they can gain a meaning later. */
static bool vmctl_sregs_reserved_clear(const struct vmctl_sregs *sregs)
{
	const struct vmctl_segment *segments[] = {
		&sregs->cs, &sregs->ds, &sregs->es, &sregs->fs, &sregs->gs,
		&sregs->ss, &sregs->tr, &sregs->ldt,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(segments); i++)
		if (!vmctl_segment_pad_clear(segments[i]))
			return false;
	return vmctl_dtable_pad_clear(&sregs->gdt) &&
	       vmctl_dtable_pad_clear(&sregs->idt) &&
	       vmctl_all_zero(sregs->reserved, sizeof(sregs->reserved));
}

static long vmctl_vcpu_set_sregs(struct vmctl_vcpu *vcpu, void __user *argp)
{
	struct vmctl_sregs sregs;
	int ret;

	if (copy_from_user(&sregs, argp, sizeof(sregs)))
		return -EFAULT;
	if (!vmctl_sregs_reserved_clear(&sregs))
		return -EINVAL;
	if (!mutex_trylock(&vcpu->run_lock))
		return -EBUSY;
	ret = vmctl_backend->set_sregs(vcpu, &sregs);
	mutex_unlock(&vcpu->run_lock);
	return ret;
}

static long vmctl_vcpu_ioctl(struct file *file, unsigned int cmd,
			     unsigned long arg)
{
	struct vmctl_vcpu *vcpu = file->private_data;
	void __user *argp = (void __user *)arg;

	if (!vmctl_vm_owned_by_current(vcpu->vm))
		return -EIO;

	switch (cmd) {
	case VMCTL_RUN:
		return vmctl_vcpu_run(vcpu);
	case VMCTL_GET_REGS:
		return vmctl_vcpu_get_regs(vcpu, argp);
	case VMCTL_SET_REGS:
		return vmctl_vcpu_set_regs(vcpu, argp);
	case VMCTL_GET_SREGS:
		return vmctl_vcpu_get_sregs(vcpu, argp);
	case VMCTL_SET_SREGS:
		return vmctl_vcpu_set_sregs(vcpu, argp);
	case VMCTL_SET_CPUID:
		return vmctl_vcpu_set_cpuid(vcpu, argp);
	case VMCTL_GET_CPUID:
		return vmctl_vcpu_get_cpuid(vcpu, argp);
	case VMCTL_GET_DEBUGREGS:
	case VMCTL_SET_DEBUGREGS:
	case VMCTL_GET_XSAVE:
	case VMCTL_SET_XSAVE:
	case VMCTL_GET_XCRS:
	case VMCTL_SET_XCRS:
	case VMCTL_GET_VCPU_DUMP:
		return vmctl_vcpu_state_ioctl(vcpu, cmd, argp);
	case VMCTL_GET_STATE:
		return vmctl_vcpu_get_state(vcpu, argp);
	case VMCTL_SET_STATE:
		return vmctl_vcpu_set_state(vcpu, argp);
	case VMCTL_GET_MSRS:
		return vmctl_vcpu_get_msrs(vcpu, argp);
	case VMCTL_SET_MSRS:
		return vmctl_vcpu_set_msrs(vcpu, argp);
	case VMCTL_INTERRUPT:
		return vmctl_vcpu_interrupt(vcpu, argp);
	case VMCTL_NMI:
		return vmctl_vcpu_nmi(vcpu);
	case VMCTL_KICK:
		return vmctl_vcpu_kick(vcpu);
	case VMCTL_GET_VCPU_EVENTS:
		return vmctl_vcpu_get_events(vcpu, argp);
	case VMCTL_SET_VCPU_EVENTS:
		return vmctl_vcpu_set_events(vcpu, argp);
	case VMCTL_SET_HLT_MODE:
		return vmctl_vcpu_set_hlt_mode(vcpu, argp);
	}
	return -ENOTTY;
}

/*
 * Faulted in rather than inserted at mmap() time, so that the page comes
 * back after madvise(MADV_DONTNEED) like any other shared mapping.
 */
static vm_fault_t vmctl_run_page_fault(struct vm_fault *vmf)
{
	struct vmctl_vcpu *vcpu = vmf->vma->vm_file->private_data;

	/* Only the owner's mapping: a second line behind VM_DONTCOPY. */
	if (vmf->pgoff || vmf->vma->vm_mm != vcpu->vm->mm)
		return VM_FAULT_SIGBUS;
	vmf->page = virt_to_page(vcpu->run);
	get_page(vmf->page);
	return 0;
}

static const struct vm_operations_struct vmctl_run_page_vm_ops = {
	.fault = vmctl_run_page_fault,
};

/*
 * The run page is shared between the kernel and the owner: only a
 * MAP_SHARED mapping sees the kernel's writes and lets the owner's writes
 * (immediate_exit, IN data) reach the kernel; a private one would be copied
 * on write.  It is data, never code, and not handed to a forked child:
 * VM_DONTCOPY keeps it out of the child, and VM_IO makes
 * madvise(MADV_DOFORK) fail with EINVAL instead of clearing VM_DONTCOPY
 * (it also keeps get_user_pages() and /proc/PID/mem off the page).
 */
static int vmctl_vcpu_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct vmctl_vcpu *vcpu = file->private_data;

	BUILD_BUG_ON(VMCTL_RUN_MMAP_SIZE != PAGE_SIZE);
	BUILD_BUG_ON(sizeof(struct vmctl_run) > VMCTL_RUN_MMAP_SIZE);

	if (!vmctl_vm_owned_by_current(vcpu->vm))
		return -EIO;
	if (vma->vm_pgoff || vma->vm_end - vma->vm_start != VMCTL_RUN_MMAP_SIZE)
		return -EINVAL;
	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	if (vma->vm_flags & VM_EXEC)
		return -EPERM;

	vmctl_vma_flags_mod(vma, VM_IO | VM_DONTEXPAND | VM_DONTDUMP | VM_DONTCOPY,
			    VM_MAYEXEC);
	vma->vm_ops = &vmctl_run_page_vm_ops;
	return 0;
}

static const struct file_operations vmctl_vcpu_fops = {
	.owner		= THIS_MODULE,
	.release	= vmctl_vcpu_release,
	.unlocked_ioctl	= vmctl_vcpu_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.mmap		= vmctl_vcpu_mmap,
	.llseek		= noop_llseek,
};

/* ------------------------------------------------------------------------ */
/* VM fd                                                                     */
/* ------------------------------------------------------------------------ */

static int vmctl_vm_release(struct inode *inode, struct file *file)
{
	struct vmctl_vm *vm = file->private_data;

	vmctl_vm_put(vm);
	return 0;
}

static long vmctl_vm_set_memory_slot(struct vmctl_vm *vm, void __user *argp)
{
	struct vmctl_memory_slot req;
	int ret;

	if (copy_from_user(&req, argp, sizeof(req)))
		return -EFAULT;
	mutex_lock(&vm->lock);
	ret = vmctl_slot_add(vm, &req);
	mutex_unlock(&vm->lock);
	return ret;
}

static long vmctl_vm_delete_memory_slot(struct vmctl_vm *vm, void __user *argp)
{
	struct vmctl_slot_id req;
	int ret;

	if (copy_from_user(&req, argp, sizeof(req)))
		return -EFAULT;
	if (req.pad)
		return -EINVAL;
	mutex_lock(&vm->lock);
	ret = vmctl_slot_delete(vm, req.slot);
	mutex_unlock(&vm->lock);
	return ret;
}

static long vmctl_vm_create_vcpu(struct vmctl_vm *vm, void __user *argp)
{
	struct vmctl_create_vcpu req;
	struct vmctl_vcpu *vcpu;
	struct page *run_page;
	int ret;

	if (copy_from_user(&req, argp, sizeof(req)))
		return -EFAULT;
	if (req.vcpu_id >= vmctl_caps.max_vcpus || req.flags ||
	    !vmctl_all_zero(req.reserved, sizeof(req.reserved)))
		return -EINVAL;

	mutex_lock(&vm->lock);
	if (vm->vcpus[req.vcpu_id]) {
		ret = -EEXIST;
		goto out_unlock;
	}

	vcpu = vmctl_zalloc_accounted(sizeof(*vcpu));
	if (!vcpu) {
		ret = -ENOMEM;
		goto out_unlock;
	}
	vcpu->vm = vm;
	vcpu->id = req.vcpu_id;
	mutex_init(&vcpu->run_lock);

	ret = -ENOMEM;
	vcpu->stats = vmctl_vcpu_stats_alloc();
	if (!vcpu->stats)
		goto out_free_vcpu;
	run_page = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	if (!run_page)
		goto out_free_vcpu;
	vmctl_account_kernel_pages(1);
	vcpu->run = page_address(run_page);

	ret = vmctl_backend->vcpu_create(vcpu);
	if (ret)
		goto out_free_run_page;
	atomic_inc(&vmctl_live_vcpus);

	/*
	 * Publish and take the fd's reference before the fd exists: once
	 * anon_inode_getfd() returns, another thread may already close it.
	 * The caller's VM fd holds a reference too, so the put on the error
	 * path below never frees the VM.
	 */
	vm->vcpus[vcpu->id] = vcpu;
	kref_get(&vm->ref);
	ret = anon_inode_getfd("vmctl-vcpu", &vmctl_vcpu_fops, vcpu,
			       O_RDWR | O_CLOEXEC);
	if (ret < 0)
		goto out_unpublish;
	mutex_unlock(&vm->lock);
	return ret;

out_unpublish:
	vm->vcpus[vcpu->id] = NULL;
	kref_put(&vm->ref, vmctl_vm_free);
	atomic_dec(&vmctl_live_vcpus);
	vmctl_backend->vcpu_destroy(vcpu);
out_free_run_page:
	__free_page(run_page);
	vmctl_account_kernel_pages(-1);
out_free_vcpu:
	vmctl_vcpu_stats_free(vcpu->stats);
	mutex_destroy(&vcpu->run_lock);
	vmctl_free_accounted(vcpu, sizeof(*vcpu));
out_unlock:
	mutex_unlock(&vm->lock);
	return ret;
}

/* Printable ASCII only: the name ends up in terminals and JSON. */
static long vmctl_vm_set_name(struct vmctl_vm *vm, void __user *argp)
{
	struct vmctl_vm_name req;
	size_t len;
	size_t i;

	if (copy_from_user(&req, argp, sizeof(req)))
		return -EFAULT;
	len = strnlen(req.name, sizeof(req.name));
	if (len == sizeof(req.name))
		return -EINVAL;
	for (i = 0; i < len; i++)
		if (req.name[i] < 0x20 || req.name[i] > 0x7e)
			return -EINVAL;
	mutex_lock(&vm->lock);
	strscpy(vm->name, req.name, sizeof(vm->name));
	mutex_unlock(&vm->lock);
	return 0;
}

static long vmctl_vm_ioctl(struct file *file, unsigned int cmd,
			   unsigned long arg)
{
	struct vmctl_vm *vm = file->private_data;
	void __user *argp = (void __user *)arg;

	if (!vmctl_vm_owned_by_current(vm))
		return -EIO;

	switch (cmd) {
	case VMCTL_SET_MEMORY_SLOT:
		return vmctl_vm_set_memory_slot(vm, argp);
	case VMCTL_DELETE_MEMORY_SLOT:
		return vmctl_vm_delete_memory_slot(vm, argp);
	case VMCTL_CREATE_VCPU:
		return vmctl_vm_create_vcpu(vm, argp);
	case VMCTL_SET_VM_NAME:
		return vmctl_vm_set_name(vm, argp);
	}
	return -ENOTTY;
}

static const struct file_operations vmctl_vm_fops = {
	.owner		= THIS_MODULE,
	.release	= vmctl_vm_release,
	.unlocked_ioctl	= vmctl_vm_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

/* ------------------------------------------------------------------------ */
/* /dev/vmctl                                                                */
/* ------------------------------------------------------------------------ */

static long vmctl_dev_create_vm(void __user *argp)
{
	struct vmctl_create_vm req;
	struct vmctl_vm *vm;
	int ret;

	if (copy_from_user(&req, argp, sizeof(req)))
		return -EFAULT;
	if (req.flags || req.pad ||
	    !vmctl_all_zero(req.reserved, sizeof(req.reserved)))
		return -EINVAL;

	ret = vmctl_hw_get();
	if (ret)
		return ret;

	vm = vmctl_zalloc_accounted(sizeof(*vm));
	if (!vm) {
		ret = -ENOMEM;
		goto out_hw_put;
	}
	kref_init(&vm->ref);
	mutex_init(&vm->lock);
	vm->mm = current->mm;
	mmgrab(vm->mm);
	vm->pid = task_tgid_nr(current);
	vm->uid = current_euid();
	vm->created_ns = ktime_get_real_ns();

	ret = vmctl_backend->vm_init(vm);
	if (ret)
		goto out_free_vm;
	atomic_inc(&vmctl_live_vms);
	ret = vmctl_genl_vm_add(vm);
	if (ret)
		goto out_vm_destroy;

	ret = anon_inode_getfd("vmctl-vm", &vmctl_vm_fops, vm,
			       O_RDWR | O_CLOEXEC);
	if (ret < 0)
		goto out_genl_del;
	vmctl_genl_announce(vm, VMCTL_EVENT_CREATED);
	return ret;

out_genl_del:
	vmctl_genl_vm_del(vm);
out_vm_destroy:
	atomic_dec(&vmctl_live_vms);
	vmctl_backend->vm_destroy(vm);
out_free_vm:
	mmdrop(vm->mm);
	mutex_destroy(&vm->lock);
	vmctl_free_accounted(vm, sizeof(*vm));
out_hw_put:
	vmctl_hw_put();
	return ret;
}

static long vmctl_dev_get_caps(void __user *argp)
{
	if (copy_to_user(argp, &vmctl_caps, sizeof(vmctl_caps)))
		return -EFAULT;
	return 0;
}

static long vmctl_dev_get_usage(void __user *argp)
{
	struct vmctl_usage usage;

	memset(&usage, 0, sizeof(usage));
	usage.vms = atomic_read(&vmctl_live_vms);
	usage.vcpus = atomic_read(&vmctl_live_vcpus);
	usage.kernel_pages = atomic64_read(&vmctl_kernel_pages);
	usage.pinned_pages = atomic64_read(&vmctl_pinned_pages);
	usage.kernel_bytes = atomic64_read(&vmctl_kernel_bytes);
	usage.vmx_enabled_cpus = vmctl_backend->enabled_cpus();

	if (copy_to_user(argp, &usage, sizeof(usage)))
		return -EFAULT;
	return 0;
}

static long vmctl_dev_ioctl(struct file *file, unsigned int cmd,
			    unsigned long arg)
{
	void __user *argp = (void __user *)arg;

	switch (cmd) {
	case VMCTL_GET_API_VERSION:
		return VMCTL_API_VERSION;
	case VMCTL_GET_CAPS:
		return vmctl_dev_get_caps(argp);
	case VMCTL_CREATE_VM:
		return vmctl_dev_create_vm(argp);
	case VMCTL_GET_USAGE:
		return vmctl_dev_get_usage(argp);
	case VMCTL_GET_SUPPORTED_CPUID:
		return vmctl_dev_get_supported_cpuid(argp);
	case VMCTL_GET_MSR_INDEX_LIST:
		return vmctl_dev_get_msr_index_list(argp);
	}
	return -ENOTTY;
}

static const struct file_operations vmctl_dev_fops = {
	.owner		= THIS_MODULE,
	.unlocked_ioctl	= vmctl_dev_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

static struct miscdevice vmctl_dev = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= VMCTL_DEVICE_NAME,
	.fops	= &vmctl_dev_fops,
	.mode	= 0600,
};

/* ------------------------------------------------------------------------ */
/* Module load and unload                                                    */
/* ------------------------------------------------------------------------ */

/* The backend describes the hardware; the core owns the limits it enforces. */
static void vmctl_caps_init(void)
{
	memset(&vmctl_caps, 0, sizeof(vmctl_caps));
	vmctl_backend->fill_caps(&vmctl_caps);

	vmctl_caps.api_version = VMCTL_API_VERSION;
	vmctl_caps.max_vcpus = VMCTL_MAX_VCPUS;
	vmctl_caps.max_slots = VMCTL_MAX_SLOTS;
	if (!vmctl_caps.max_slot_size ||
	    vmctl_caps.max_slot_size > VMCTL_CORE_MAX_SLOT_SIZE)
		vmctl_caps.max_slot_size = VMCTL_CORE_MAX_SLOT_SIZE;
	if (!vmctl_caps.guest_phys_bits)
		vmctl_caps.guest_phys_bits = VMCTL_FALLBACK_GUEST_PHYS_BITS;
	if (!vmctl_caps.backend_name[0])
		strscpy(vmctl_caps.backend_name, vmctl_backend->name,
			sizeof(vmctl_caps.backend_name));
}

static int __init vmctl_init(void)
{
	int ret;

	/* The only backend so far; an AMD-V one would be picked here by CPU vendor. */
	vmctl_backend = &vmctl_vmx_ops;

	/* On failure the backend has logged the one "cannot load" line. */
	ret = vmctl_backend->probe();
	if (ret)
		return ret;
	vmctl_caps_init();
	vmctl_stats_init();

	ret = vmctl_genl_init();
	if (ret) {
		pr_err("cannot load: cannot register the %s netlink family (%d)\n",
		       VMCTL_GENL_NAME, ret);
		goto out_backend_exit;
	}
	ret = misc_register(&vmctl_dev);
	if (ret) {
		pr_err("cannot load: cannot register /dev/%s (%d)\n",
		       VMCTL_DEVICE_NAME, ret);
		goto out_genl_exit;
	}
	return 0;

out_genl_exit:
	vmctl_genl_exit();
out_backend_exit:
	vmctl_backend->exit();
	return ret;
}

/* No VM can exist here: each VM and vCPU fd holds a reference on the module. */
static void __exit vmctl_exit(void)
{
	misc_deregister(&vmctl_dev);
	vmctl_genl_exit();
	vmctl_backend->exit();
}

module_init(vmctl_init);
module_exit(vmctl_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vmctl: a type-2 hypervisor driving Intel VT-x");
/* PACKAGE_VERSION of dkms.conf; vmctl info shows it. */
MODULE_VERSION("1.0.0");
