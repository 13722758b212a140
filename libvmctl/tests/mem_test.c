// SPDX-License-Identifier: LGPL-2.1-or-later
/* Guest memory bookkeeping and the flat loader's bounds, without a kernel. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "internal.h"

#define MIB (1ULL << 20)

static char slot0[2 * 4096], slot1[4096];

static struct vmctl_vm *fake_vm(void)
{
	struct vmctl_vm *vm = calloc(1, sizeof(*vm));

	if (!vm)
		tap_bail("calloc failed");
	vm->fd = -1;
	vm->mem[0] = (struct vmctl_mem){ .used = true, .gpa = 0x1000,
					 .size = sizeof(slot0), .host = slot0 };
	vm->mem[3] = (struct vmctl_mem){ .used = true, .gpa = 16 * MIB,
					 .size = sizeof(slot1), .host = slot1 };
	return vm;
}

static char *write_file(const char *name, size_t len)
{
	static char path[256];
	FILE *f;
	size_t i;

	snprintf(path, sizeof(path), "%s/libvmctl-%d-%s",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (int)getpid(), name);
	f = fopen(path, "w");
	if (!f)
		tap_bail("cannot create %s", path);
	for (i = 0; i < len; i++)
		if (fputc((int)(i & 0xff), f) == EOF)
			tap_bail("cannot write %s", path);
	if (fclose(f))
		tap_bail("cannot write %s", path);
	return path;
}

static void remove_file(const char *path)
{
	if (unlink(path))
		tap_bail("cannot remove %s", path);
}

int main(void)
{
	struct vmctl_vm *vm = fake_vm();
	const struct vmctl_mem *m = vm->mem;
	char buf[16] = "hello", *path;
	long n;

	tap_plan(26);

	/* vm_mem_check_new */
	tap_ok(vm_mem_check_new(m, VMCTL_MAX_SLOTS, 0, 0x1000, 0) == 0, "page below slot 0 is free");
	tap_ok(vm_mem_check_new(m, VMCTL_MAX_SLOTS, 0x3000, 0x1000, 0) == 0, "page right after slot 0 is free");
	tap_ok(vm_mem_check_new(m, VMCTL_MAX_SLOTS, 0x2000, 0x1000, 0) == -EEXIST, "inside slot 0: -EEXIST");
	tap_ok(vm_mem_check_new(m, VMCTL_MAX_SLOTS, 0, 32 * MIB, 0) == -EEXIST, "covering both: -EEXIST");
	tap_ok(vm_mem_check_new(m, VMCTL_MAX_SLOTS, 0x1800, 0x1000, 0) == -EINVAL, "unaligned gpa: -EINVAL");
	tap_ok(vm_mem_check_new(m, VMCTL_MAX_SLOTS, 0x8000, 0x800, 0) == -EINVAL, "unaligned size: -EINVAL");
	tap_ok(vm_mem_check_new(m, VMCTL_MAX_SLOTS, 0x8000, 0, 0) == -EINVAL, "zero size: -EINVAL");
	tap_ok(vm_mem_check_new(m, VMCTL_MAX_SLOTS, ~0xfffULL, 0x2000, 0) == -EINVAL, "wrapping: -EINVAL");
	tap_ok(vm_mem_check_new(m, VMCTL_MAX_SLOTS, 0x8000, 0x1000, 2) == -EINVAL, "unknown flag: -EINVAL");
	tap_ok(vm_mem_check_new(m, VMCTL_MAX_SLOTS, 0x8000, 0x1000, VMCTL_SLOT_READONLY) == 0,
	       "read-only flag accepted");

	/* translation bounds */
	tap_ok(vmctl_vm_gpa_to_host(vm, 0x1000, 0x2000) == slot0, "whole slot 0 translates");
	tap_ok(vmctl_vm_gpa_to_host(vm, 0x2fff, 1) == slot0 + 0x1fff, "last byte translates");
	tap_ok(!vmctl_vm_gpa_to_host(vm, 0x2fff, 2), "range past the end: NULL");
	tap_ok(!vmctl_vm_gpa_to_host(vm, 0xfff, 2), "range starting below: NULL");
	tap_ok(!vmctl_vm_gpa_to_host(vm, 0x3000, 1), "gap after slot 0: NULL");
	tap_ok(vmctl_vm_gpa_to_host(vm, 16 * MIB + 5, 0) == slot1 + 5, "len 0 counts as one byte");
	tap_ok(!vmctl_vm_gpa_to_host(vm, 16 * MIB, ~0ULL), "huge length: NULL, no overflow");
	tap_ok(!vmctl_vm_gpa_to_host(NULL, 0x1000, 1), "NULL vm: NULL");
	tap_ok(vmctl_vm_write(vm, 16 * MIB + 4090, buf, 6) == 0 &&
	       memcmp(slot1 + 4090, "hello", 6) == 0, "write up to the last byte");
	tap_ok(vmctl_vm_read(vm, 16 * MIB + 4091, buf, 6) == -EFAULT, "read across the end: -EFAULT");

	/* flat loader bounds */
	path = write_file("fits", sizeof(slot0));
	n = vmctl_vm_load_flat(vm, path, 0x1000);
	tap_ok(n == (long)sizeof(slot0) && (unsigned char)slot0[4097] == 1,
	       "image exactly filling slot 0 loads (%ld)", n);
	n = vmctl_vm_load_flat(vm, path, 0x1001);
	tap_ok(n == -ERANGE, "one byte too far: -ERANGE (%ld)", n);
	remove_file(path);
	path = write_file("empty", 0);
	tap_ok(vmctl_vm_load_flat(vm, path, 0x1000) == -ENOEXEC, "empty image: -ENOEXEC");
	remove_file(path);
	tap_ok(vmctl_vm_load_flat(vm, "/nonexistent/image.bin", 0x1000) == -ENOENT,
	       "missing file: -ENOENT");
	tap_ok(vmctl_vm_load_flat(vm, "/", 0x1000) == -EISDIR, "directory: -EISDIR");
	tap_ok(vmctl_vm_load_flat(vm, NULL, 0x1000) == -EINVAL, "NULL path: -EINVAL");

	free(vm);
	return tap_finish();
}
