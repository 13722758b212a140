// SPDX-License-Identifier: GPL-2.0
/*
 * A read-only slot (VMCTL_SLOT_READONLY): the guest reads what the host put
 * there, but its write reaches user space as a decoded MMIO write (address,
 * width, value; the instruction already completed) and the memory is
 * unchanged.  A write where no slot exists is an MMIO write too.
 */
#include <inttypes.h>
#include <string.h>

#include "test_util.h"

static void expect_mmio_write(struct vmctl_vcpu *vcpu, uint64_t gpa, uint32_t value,
			      const char *what)
{
	struct vmctl_exit exit;
	uint32_t data;
	int err;

	err = vmctl_vcpu_run_loop(vcpu, &exit);
	tap_ok(err == 0 && exit.reason == VMCTL_EXIT_MMIO && exit.mmio.is_write,
	       "%s: an MMIO write (%d, %s)", what, err, exit.message);
	memcpy(&data, exit.mmio.data, sizeof(data));
	tap_ok(exit.mmio.addr == gpa && exit.mmio.len == 4 && data == value,
	       "%s: 4 bytes 0x%08x at guest-physical 0x%" PRIx64 " (reported %u bytes 0x%08x at 0x%llx)",
	       what, value, gpa, exit.mmio.len, data, (unsigned long long)exit.mmio.addr);
}

int main(void)
{
	struct vmctl_exit exit;
	struct vmctl_caps caps;
	struct vmctl_regs regs;
	struct ucall uc = { 0 };
	uint32_t *ro;
	struct tvm t;
	int slot, err;

	tap_plan(10);
	tvm_create(&t, RO_GPA);
	err = vmctl_sys_get_caps(t.sys, &caps);
	if (err)
		tap_bail("vmctl_sys_get_caps: %s", vmctl_strerror(err));
	tap_ok(caps.features & VMCTL_CAP_READONLY_SLOTS, "the module offers read-only slots");
	slot = vmctl_vm_mem_add(t.vm, RO_GPA, 0x10000, VMCTL_SLOT_READONLY, (void **)&ro);
	tap_ok(slot > 0, "read-only slot at 0x%x (%d)", RO_GPA, slot);
	if (slot <= 0)
		tap_bail("cannot go on without the slot");
	ro[0] = 0xcafef00d;	/* the host may write it; only the guest may not */
	tvm_start_real(&t, ro_probe_begin, ro_probe_end);

	err = vmctl_vcpu_run_loop(t.vcpu, &exit);
	if (err || !ucall_get(t.vcpu, &exit, &uc) || uc.code != UCALL_REPORT)
		tap_bail("expected the guest's ucall REPORT, got %d, %s", err, exit.message);
	tap_ok(uc.arg == 0xcafef00d, "the guest reads the host's value 0x%08" PRIx64 " (%s)",
	       uc.arg, exit.message);
	expect_mmio_write(t.vcpu, RO_GPA + 4, 0x11223344, "write to the read-only slot");
	tap_ok(ro[1] == 0, "the read-only memory is unchanged (0x%08x)", ro[1]);
	/* The store completed: the guest goes on to the next one. */
	expect_mmio_write(t.vcpu, NO_SLOT_GPA, 0x55667788, "write where no slot is");
	err = vmctl_vcpu_run_loop(t.vcpu, &exit);
	if (!err)
		err = vmctl_vcpu_get_regs(t.vcpu, &regs);
	tap_ok(err == 0 && exit.reason == VMCTL_EXIT_HLT,
	       "then the guest halts (%d, %s)", err, exit.message);

	err = vmctl_vm_mem_remove(t.vm, slot);
	tap_ok(err == 0, "remove the read-only slot (%d)", err);
	tvm_destroy(&t);
	return tap_finish();
}
