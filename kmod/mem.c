// SPDX-License-Identifier: GPL-2.0
/*
 * Memory slots: ordinary memory of the VM's owning process, pinned for as
 * long as the slot exists, charged to the owner's RLIMIT_MEMLOCK and mapped
 * into the guest by the backend.  A slot is all or nothing: on every error
 * path nothing stays pinned, charged or mapped.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/backing-dev.h>
#include <linux/capability.h>
#include <linux/errno.h>
#include <linux/highmem.h>
#include <linux/lockdep.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/mmap_lock.h>
#include <linux/sched/signal.h>
#include <linux/uaccess.h>

#include "core.h"
#include "slot.h"

/* Guest pages are written behind the kernel's back through the EPT. */
static bool vmctl_slot_writable(const struct vmctl_slot *slot)
{
	return !(slot->flags & VMCTL_SLOT_READONLY);
}

static size_t vmctl_slot_pages_bytes(unsigned long npages)
{
	return npages * sizeof(struct page *);
}

static void vmctl_slot_limits(struct vmctl_slot_limits *limits)
{
	limits->max_slot_size = vmctl_caps.max_slot_size;
	limits->guest_phys_bits = vmctl_caps.guest_phys_bits;
	limits->valid_flags = 0;
	if (vmctl_caps.features & VMCTL_CAP_READONLY_SLOTS)
		limits->valid_flags |= VMCTL_SLOT_READONLY;
}

/*
 * Pinned guest memory is memory the owner has locked: it counts against
 * the owner's RLIMIT_MEMLOCK, in mm->pinned_vm (VmPin in /proc/PID/status)
 * where RDMA and io_uring count their long-term pins too, so that a VMM
 * cannot pin more than mlock() would let it lock.  CAP_IPC_LOCK lifts the
 * limit but not the count.  pinned_vm is an atomic counter: uncharging
 * needs no lock of the mm, which may have no task any more by then.
 */
static int vmctl_charge_pinned(struct mm_struct *mm, unsigned long npages)
{
	unsigned long limit = rlimit(RLIMIT_MEMLOCK) >> PAGE_SHIFT;
	s64 pinned = atomic64_add_return(npages, &mm->pinned_vm);

	if (pinned > limit && !capable(CAP_IPC_LOCK)) {
		atomic64_sub(npages, &mm->pinned_vm);
		return -ENOMEM;
	}
	return 0;
}

static void vmctl_uncharge_pinned(struct mm_struct *mm, unsigned long npages)
{
	atomic64_sub(npages, &mm->pinned_vm);
}

/*
 * The guest writes its memory through the EPT, behind the page cache's
 * back: a filesystem that writes pages back never learns that a pinned
 * page was made dirty (no page_mkwrite, no stable pages during writeback),
 * which loses data and can crash its writeback.  So a writable slot takes
 * only memory that no such filesystem backs: anonymous memory, private
 * copies of files, and shared mappings of shmem (tmpfs, memfd, SysV shm),
 * hugetlbfs or ramfs, none of which writes back.
 */
static bool vmctl_mapping_writes_back(struct address_space *mapping)
{
	return mapping && mapping_can_writeback(mapping);
}

static bool vmctl_vma_guest_writable(struct vm_area_struct *vma)
{
	return !vma->vm_file || !(vma->vm_flags & VM_SHARED) ||
	       !vmctl_mapping_writes_back(vma->vm_file->f_mapping);
}

/*
 * Refuses a writable slot over a shared file mapping that writes back, with
 * -EOPNOTSUPP before anything is pinned.  A hole is left for the pin to
 * report as -EFAULT.
 */
static int vmctl_slot_check_backing(struct vmctl_vm *vm,
				    const struct vmctl_slot *slot)
{
	u64 addr = slot->userspace_addr;
	u64 end = addr + slot->size;
	struct vm_area_struct *vma;
	int ret = 0;

	if (!vmctl_slot_writable(slot))
		return 0;
	mmap_read_lock(vm->mm);
	for (; addr < end; addr = vma->vm_end) {
		vma = vma_lookup(vm->mm, addr);
		if (!vma)
			break;
		if (!vmctl_vma_guest_writable(vma)) {
			ret = -EOPNOTSUPP;
			break;
		}
	}
	mmap_read_unlock(vm->mm);
	return ret;
}

/*
 * The same rule, page by page, on what was actually pinned: another thread
 * may have mapped a file over the range between the check and the pin.
 */
static bool vmctl_pages_guest_writable(struct page **pages,
				       unsigned long npages)
{
	unsigned long i;

	for (i = 0; i < npages; i++) {
		struct folio *folio = page_folio(pages[i]);

		if (!folio_test_anon(folio) &&
		    vmctl_mapping_writes_back(folio->mapping))
			return false;
	}
	return true;
}

/*
 * Pins every page of the user range, or none: a range with a hole, a
 * PROT_NONE part or (with FOLL_WRITE) a read-only part pins only up to that
 * point, and such a partial pin is undone and reported as -EFAULT.
 */
static int vmctl_pin_range(struct vmctl_slot *slot, unsigned int gup_flags)
{
	int pinned;

	pinned = pin_user_pages_fast(slot->userspace_addr, slot->npages,
				     gup_flags, slot->pages);
	if (pinned == -ENOMEM)
		return -ENOMEM;
	if (pinned < 0)
		return -EFAULT;
	if ((unsigned long)pinned != slot->npages) {
		unpin_user_pages(slot->pages, pinned);
		return -EFAULT;
	}
	return 0;
}

/*
 * A read-only slot is still pinned for writing when the process may write
 * the range: pinned for reading, an untouched private page is the shared
 * zero page, and the host's later writes (loading an image) land in a
 * copy-on-write page the guest never sees.  Only a range the process
 * cannot write, such as a PROT_READ file mapping, is pinned for reading.
 */
static int vmctl_slot_pin(struct vmctl_vm *vm, struct vmctl_slot *slot)
{
	int ret;

	ret = vmctl_slot_check_backing(vm, slot);
	if (ret)
		return ret;
	ret = vmctl_charge_pinned(vm->mm, slot->npages);
	if (ret)
		return ret;
	ret = vmctl_pin_range(slot, FOLL_LONGTERM | FOLL_WRITE);
	if (ret == -EFAULT && !vmctl_slot_writable(slot))
		ret = vmctl_pin_range(slot, FOLL_LONGTERM);
	if (ret)
		goto out_uncharge;
	if (vmctl_slot_writable(slot) &&
	    !vmctl_pages_guest_writable(slot->pages, slot->npages)) {
		unpin_user_pages(slot->pages, slot->npages);
		ret = -EOPNOTSUPP;
		goto out_uncharge;
	}
	vmctl_account_pinned_pages(slot->npages);
	return 0;

out_uncharge:
	vmctl_uncharge_pinned(vm->mm, slot->npages);
	return ret;
}

/* vm->mm, not current's: the last close may come from another process. */
static void vmctl_slot_unpin(struct vmctl_vm *vm, struct vmctl_slot *slot)
{
	unpin_user_pages_dirty_lock(slot->pages, slot->npages,
				    vmctl_slot_writable(slot));
	vmctl_uncharge_pinned(vm->mm, slot->npages);
	vmctl_account_pinned_pages(-(long)slot->npages);
}

int vmctl_slot_add(struct vmctl_vm *vm, const struct vmctl_memory_slot *req)
{
	struct vmctl_slot_limits limits;
	struct vmctl_slot *slot;
	int ret;

	lockdep_assert_held(&vm->lock);

	vmctl_slot_limits(&limits);
	ret = vmctl_slot_check(req, &limits, vm->slots);
	if (ret)
		return ret;
	/* Only the caller's own memory: never a kernel address. */
	if (!access_ok(u64_to_user_ptr(req->userspace_addr), req->size))
		return -EFAULT;

	slot = vmctl_zalloc_accounted(sizeof(*slot));
	if (!slot)
		return -ENOMEM;
	slot->id = req->slot;
	slot->flags = req->flags;
	slot->guest_phys_addr = req->guest_phys_addr;
	slot->size = req->size;
	slot->userspace_addr = req->userspace_addr;
	slot->npages = req->size >> PAGE_SHIFT;

	slot->pages = vmctl_zalloc_accounted(vmctl_slot_pages_bytes(slot->npages));
	if (!slot->pages) {
		ret = -ENOMEM;
		goto out_free_slot;
	}

	ret = vmctl_slot_pin(vm, slot);
	if (ret)
		goto out_free_pages;

	ret = vmctl_backend->map_pages(vm, slot->guest_phys_addr, slot->pages,
				       slot->npages, vmctl_slot_writable(slot));
	if (ret)
		goto out_unpin;

	vm->slots[slot->id] = slot;
	return 0;

out_unpin:
	vmctl_slot_unpin(vm, slot);
out_free_pages:
	vmctl_free_accounted(slot->pages, vmctl_slot_pages_bytes(slot->npages));
out_free_slot:
	vmctl_free_accounted(slot, sizeof(*slot));
	return ret;
}

/* The backend guarantees no CPU reaches the pages once unmap_pages returns. */
static void vmctl_slot_destroy(struct vmctl_vm *vm, struct vmctl_slot *slot)
{
	vmctl_backend->unmap_pages(vm, slot->guest_phys_addr, slot->npages);
	vmctl_slot_unpin(vm, slot);
	vmctl_free_accounted(slot->pages, vmctl_slot_pages_bytes(slot->npages));
	vmctl_free_accounted(slot, sizeof(*slot));
}

int vmctl_slot_delete(struct vmctl_vm *vm, u32 id)
{
	struct vmctl_slot *slot;

	lockdep_assert_held(&vm->lock);

	if (id >= VMCTL_MAX_SLOTS)
		return -EINVAL;
	slot = vm->slots[id];
	if (!slot)
		return -ENOENT;
	/* Unpublish first, so that a lookup during the unmap finds nothing. */
	vm->slots[id] = NULL;
	vmctl_slot_destroy(vm, slot);
	return 0;
}

void vmctl_slots_release(struct vmctl_vm *vm)
{
	unsigned int id;

	lockdep_assert_held(&vm->lock);

	for (id = 0; id < VMCTL_MAX_SLOTS; id++)
		if (vm->slots[id])
			vmctl_slot_delete(vm, id);
}

/*
 * One page at a time, each through the slot that holds it: a range may
 * cross pages and slots.  Under vm->lock, a slot cannot go away (and its
 * pages be unpinned) during the copy.
 */
static int vmctl_guest_phys_copy(struct vmctl_vm *vm, u64 gpa, void *buf,
				 size_t len, bool write)
{
	int ret = 0;

	mutex_lock(&vm->lock);
	while (len) {
		size_t n = min_t(size_t, len, PAGE_SIZE - offset_in_page(gpa));
		struct vmctl_slot *slot = vmctl_slot_find(vm->slots, gpa);
		struct page *page;

		if (!slot || (write && !vmctl_slot_writable(slot))) {
			ret = -EFAULT;
			break;
		}
		page = slot->pages[(gpa - slot->guest_phys_addr) >> PAGE_SHIFT];
		if (write)
			memcpy_to_page(page, offset_in_page(gpa), buf, n);
		else
			memcpy_from_page(buf, page, offset_in_page(gpa), n);
		gpa += n;
		buf += n;
		len -= n;
	}
	mutex_unlock(&vm->lock);
	return ret;
}

int vmctl_read_guest_phys(struct vmctl_vm *vm, u64 gpa, void *buf, size_t len)
{
	return vmctl_guest_phys_copy(vm, gpa, buf, len, false);
}

int vmctl_write_guest_phys(struct vmctl_vm *vm, u64 gpa, const void *buf,
			   size_t len)
{
	return vmctl_guest_phys_copy(vm, gpa, (void *)buf, len, true);
}
