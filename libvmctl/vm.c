// SPDX-License-Identifier: LGPL-2.1-or-later
/* VMs and their guest memory. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

VMCTL_EXPORT int vmctl_vm_create(struct vmctl_sys *sys, struct vmctl_vm **vmp)
{
	struct vmctl_create_vm args = { 0 };
	struct vmctl_vm *vm;
	int err;

	if (!sys || !vmp)
		return -EINVAL;

	vm = calloc(1, sizeof(*vm));
	if (!vm)
		return -ENOMEM;
	range_map_init(&vm->pio);
	if (pthread_rwlock_init(&vm->pio_lock, NULL)) {
		err = -ENOMEM;
		goto out_free;
	}
	range_map_init(&vm->mmio);
	range_map_init(&vm->msr);
	if (pthread_rwlock_init(&vm->mmio_lock, NULL)) {
		err = -ENOMEM;
		goto out_pio_lock;
	}

	/* Kept so that memory checks know the guest's address width. */
	err = vmctl_sys_get_caps(sys, &vm->caps);
	if (err)
		goto out_lock;

	vm->fd = ioctl(sys->fd, VMCTL_CREATE_VM, &args);
	if (vm->fd < 0) {
		err = errno == ENFILE ? -EMFILE : -errno;
		goto out_lock;
	}
	*vmp = vm;
	return 0;

out_lock:
	pthread_rwlock_destroy(&vm->mmio_lock);
out_pio_lock:
	pthread_rwlock_destroy(&vm->pio_lock);
out_free:
	free(vm);
	return err;
}

VMCTL_EXPORT void vmctl_vm_destroy(struct vmctl_vm *vm)
{
	unsigned int i;

	if (!vm)
		return;
	while (vm->vcpus)
		vmctl_vcpu_destroy(vm->vcpus);
	/*
	 * Closing the VM fd unpins every slot; only then is unmapping the
	 * memory behind them harmless.
	 */
	close(vm->fd);
	for (i = 0; i < VMCTL_MAX_SLOTS; i++)
		if (vm->mem[i].used)
			munmap(vm->mem[i].host, vm->mem[i].size);
	range_map_free(&vm->pio);
	range_map_free(&vm->msr);
	pthread_rwlock_destroy(&vm->pio_lock);
	range_map_free(&vm->mmio);
	pthread_rwlock_destroy(&vm->mmio_lock);
	free(vm);
}

int vm_mem_check_new(const struct vmctl_mem *mem, unsigned int nmem,
		     uint64_t gpa, uint64_t size, unsigned int flags)
{
	unsigned int i;

	if (flags & ~VMCTL_SLOT_VALID_FLAGS)
		return -EINVAL;
	if (size == 0 || gpa % VMCTL_PAGE_SIZE || size % VMCTL_PAGE_SIZE)
		return -EINVAL;
	if (gpa + size < gpa)
		return -EINVAL;
	for (i = 0; i < nmem; i++) {
		if (!mem[i].used)
			continue;
		if (gpa < mem[i].gpa + mem[i].size && mem[i].gpa < gpa + size)
			return -EEXIST;
	}
	return 0;
}

void *vm_mem_translate(const struct vmctl_mem *mem, unsigned int nmem,
		       uint64_t gpa, uint64_t len)
{
	unsigned int i;

	if (len == 0)
		len = 1;
	for (i = 0; i < nmem; i++) {
		const struct vmctl_mem *m = &mem[i];

		/* Written so that nothing can overflow: offset < size. */
		if (!m->used || gpa < m->gpa || gpa - m->gpa >= m->size)
			continue;
		if (len > m->size - (gpa - m->gpa))
			return NULL;
		return (char *)m->host + (gpa - m->gpa);
	}
	return NULL;
}

VMCTL_EXPORT int vmctl_vm_mem_add(struct vmctl_vm *vm, uint64_t gpa, uint64_t size,
				  unsigned int flags, void **hostp)
{
	struct vmctl_memory_slot slot = { 0 };
	unsigned int i;
	void *host;
	int err;

	if (!vm)
		return -EINVAL;
	err = vm_mem_check_new(vm->mem, VMCTL_MAX_SLOTS, gpa, size, flags);
	if (err)
		return err;
	if (size > SIZE_MAX)
		return -ENOMEM;
	for (i = 0; i < VMCTL_MAX_SLOTS && vm->mem[i].used; i++)
		;
	if (i == VMCTL_MAX_SLOTS || (vm->caps.max_slots && i >= vm->caps.max_slots))
		return -ENOSPC;

	/*
	 * Private anonymous memory: zeroed, and only this process can reach
	 * it.  MAP_NORESERVE because a large, sparsely used guest should not
	 * be refused for commit accounting; the kernel pins what it maps.
	 */
	host = mmap(NULL, size, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (host == MAP_FAILED)
		return -ENOMEM;

	slot.slot = i;
	slot.flags = flags;
	slot.guest_phys_addr = gpa;
	slot.size = size;
	slot.userspace_addr = (uintptr_t)host;
	if (ioctl(vm->fd, VMCTL_SET_MEMORY_SLOT, &slot) < 0) {
		err = -errno;
		munmap(host, size);
		return err;
	}

	vm->mem[i] = (struct vmctl_mem){
		.used = true, .flags = flags, .gpa = gpa, .size = size, .host = host,
	};
	if (hostp)
		*hostp = host;
	return i;
}

VMCTL_EXPORT int vmctl_vm_mem_remove(struct vmctl_vm *vm, int slot)
{
	struct vmctl_slot_id id = { 0 };

	if (!vm)
		return -EINVAL;
	if (slot < 0 || slot >= VMCTL_MAX_SLOTS || !vm->mem[slot].used)
		return -ENOENT;
	id.slot = slot;
	if (ioctl(vm->fd, VMCTL_DELETE_MEMORY_SLOT, &id) < 0)
		return -errno;
	munmap(vm->mem[slot].host, vm->mem[slot].size);
	memset(&vm->mem[slot], 0, sizeof(vm->mem[slot]));
	return 0;
}

VMCTL_EXPORT void *vmctl_vm_gpa_to_host(struct vmctl_vm *vm, uint64_t gpa, uint64_t len)
{
	if (!vm)
		return NULL;
	return vm_mem_translate(vm->mem, VMCTL_MAX_SLOTS, gpa, len);
}

VMCTL_EXPORT int vmctl_vm_write(struct vmctl_vm *vm, uint64_t gpa, const void *buf,
				size_t len)
{
	void *host = vmctl_vm_gpa_to_host(vm, gpa, len);

	if (!host || (!buf && len))
		return -EFAULT;
	memcpy(host, buf, len);
	return 0;
}

VMCTL_EXPORT int vmctl_vm_read(struct vmctl_vm *vm, uint64_t gpa, void *buf, size_t len)
{
	void *host = vmctl_vm_gpa_to_host(vm, gpa, len);

	if (!host || (!buf && len))
		return -EFAULT;
	memcpy(buf, host, len);
	return 0;
}

/* Folds open(2)'s errnos into those the image loaders document. */
long load_open_error(int e)
{
	switch (e) {
	case ENOENT:
	case ENOTDIR:
	case ELOOP:
	case ENAMETOOLONG:
		return -ENOENT;
	case EACCES:
	case EPERM:
		return -EACCES;
	case EMFILE:
	case ENFILE:
		return -EMFILE;
	default:
		return -EIO;
	}
}

VMCTL_EXPORT long vmctl_vm_load_flat(struct vmctl_vm *vm, const char *path, uint64_t gpa)
{
	struct stat st;
	size_t done = 0;
	char *host;
	long err;
	int fd;

	if (!vm || !path)
		return -EINVAL;
	/* O_NONBLOCK: a FIFO must be refused, not waited on. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return load_open_error(errno);
	if (fstat(fd, &st) < 0) {
		err = -EIO;
		goto out_close;
	}
	if (!S_ISREG(st.st_mode)) {
		err = S_ISDIR(st.st_mode) ? -EISDIR : -ENOEXEC;
		goto out_close;
	}
	if (st.st_size == 0) {
		err = -ENOEXEC;
		goto out_close;
	}
	host = vmctl_vm_gpa_to_host(vm, gpa, st.st_size);
	if (!host) {
		err = -ERANGE;
		goto out_close;
	}
	while (done < (size_t)st.st_size) {
		ssize_t n = read(fd, host + done, st.st_size - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = -EIO;
			goto out_close;
		}
		if (n == 0)	/* the file shrank under us */
			break;
		done += n;
	}
	err = done;
out_close:
	close(fd);
	return err;
}

VMCTL_EXPORT int vmctl_vm_set_name(struct vmctl_vm *vm, const char *name)
{
	struct vmctl_vm_name req = { { 0 } };
	size_t len;

	if (!vm || !name)
		return -EINVAL;
	len = strlen(name);
	if (len >= sizeof(req.name))
		return -EINVAL;
	memcpy(req.name, name, len);
	if (ioctl(vm->fd, VMCTL_SET_VM_NAME, &req) < 0)
		return errno == EIO ? -EIO : -EINVAL;
	return 0;
}
