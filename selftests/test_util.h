/* SPDX-License-Identifier: GPL-2.0 */
/* Host-side helpers shared by the selftests that run guests. */
#ifndef VMCTL_SELFTESTS_TEST_UTIL_H
#define VMCTL_SELFTESTS_TEST_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <vmctl/libvmctl.h>

#include "tap.h"
#include "guests.h"

/* Where the helpers put things in guest memory. */
#define GUEST_LOAD_ADDR		0x1000ULL	/* real mode: CS = 0x100, IP = 0 */
#define GUEST_STACK_TOP		0x80000ULL	/* long mode RSP */
#define GUEST_TABLES		0x100000ULL	/* long mode page tables, GDT */

/* One VM with one vCPU and one slot of guest memory at guest-physical 0. */
struct tvm {
	struct vmctl_sys *sys;
	struct vmctl_vm *vm;
	struct vmctl_vcpu *vcpu;
	uint8_t *mem;			/* host view of the slot */
	uint64_t mem_size;
};

/*
 * Opens the module, creates the VM, its memory and vCPU 0.  Any failure is
 * fatal (tap_bail): these tests need VT-x and never pass by skipping.
 */
void tvm_create(struct tvm *t, uint64_t mem_size);
void tvm_destroy(struct tvm *t);

/* Copies a guest to GUEST_LOAD_ADDR and sets the vCPU up to run it. */
void tvm_start_real(struct tvm *t, const uint8_t *begin, const uint8_t *end);
void tvm_start_long(struct tvm *t, const uint8_t *begin, const uint8_t *end);

/*
 * Offset of a label within guest name, and the host's view of that label
 * once tvm_start_*() has loaded the guest: for data the guest keeps in its
 * own memory, which the host reads without asking the module.
 */
#define GUEST_OFF(name, label)	((uint64_t)((label) - name##_begin))
#define GUEST_PTR(t, name, label) \
	((void *)((t)->mem + GUEST_LOAD_ADDR + GUEST_OFF(name, label)))

/* Reads and writes a little-endian dword of guest memory at p. */
uint32_t guest_read32(const void *p);
void guest_write32(void *p, uint32_t value);

/* COM1 model collecting the guest's text (LSR always "empty"). */
struct capture {
	char text[4096];
	size_t len;
};
int capture_pio(struct vmctl_vcpu *vcpu, uint16_t port, uint32_t *data,
		unsigned int size, bool is_write, void *opaque);

/* A ucall decoded from an exit (see guests.h). */
struct ucall {
	uint32_t code;
	uint64_t arg;			/* RBX */
};
/*
 * True if exit is an OUT to UCALL_PORT (delivered raw or as unhandled by
 * the run loop); fills uc from the exit and the vCPU's registers.  A
 * failure to read the registers is fatal (tap_bail).
 */
bool ucall_get(struct vmctl_vcpu *vcpu, const struct vmctl_exit *exit, struct ucall *uc);

/* Monotonic time in nanoseconds. */
uint64_t now_ns(void);

#endif /* VMCTL_SELFTESTS_TEST_UTIL_H */
