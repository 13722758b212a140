// SPDX-License-Identifier: LGPL-2.1-or-later
/* Errors without the module: missing or wrong device, argument checks. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "internal.h"

int main(void)
{
	struct vmctl_sys *sys = (void *)1;
	struct vmctl_vm *vm = (void *)1;
	struct vmctl_vcpu *vcpu = (void *)1;
	struct vmctl_exit exit;
	struct vmctl_caps caps;
	int err;

	tap_plan(15);

	err = vmctl_sys_open_path("/nonexistent/vmctl", &sys);
	tap_ok(err == -ENOENT && sys == NULL, "missing device: -ENOENT, handle NULL");
	tap_ok(strstr(vmctl_strerror(-ENOENT), "not loaded") != NULL,
	       "-ENOENT explains the module is not loaded: %s", vmctl_strerror(-ENOENT));
	err = vmctl_sys_open_path("/dev/null", &sys);
	tap_ok(err == -ENOTTY, "a device that is not vmctl: -ENOTTY (%d)", err);
	if (access(VMCTL_DEFAULT_DEVICE, F_OK) != 0) {
		err = vmctl_sys_open(&sys);
		tap_ok(err == -ENOENT, "no " VMCTL_DEFAULT_DEVICE " here: vmctl_sys_open -ENOENT");
	} else {
		tap_skip(VMCTL_DEFAULT_DEVICE " exists on this machine");
	}
	tap_ok(vmctl_sys_open_path(NULL, &sys) == -EINVAL && vmctl_sys_open(NULL) == -EINVAL,
	       "NULL arguments: -EINVAL");

	tap_ok(vmctl_sys_get_caps(NULL, &caps) == -EINVAL, "caps of NULL: -EINVAL");
	tap_ok(vmctl_vm_create(NULL, &vm) == -EINVAL && vm == (void *)1,
	       "vm_create(NULL): -EINVAL");
	tap_ok(vmctl_vm_mem_add(NULL, 0, 4096, 0, NULL) == -EINVAL, "mem_add(NULL): -EINVAL");
	tap_ok(vmctl_vcpu_create(NULL, 0, &vcpu) == -EINVAL, "vcpu_create(NULL): -EINVAL");
	tap_ok(vmctl_vcpu_run(NULL, &exit) == -EINVAL && vmctl_vcpu_run_loop(NULL, &exit) == -EINVAL,
	       "run(NULL): -EINVAL");
	tap_ok(vmctl_vm_pio_register(NULL, 0, 1, NULL, NULL) == -EINVAL, "pio_register(NULL): -EINVAL");
	vmctl_sys_close(NULL);
	vmctl_vm_destroy(NULL);
	vmctl_vcpu_destroy(NULL);
	tap_ok(1, "closing NULL handles is harmless");
	tap_ok(strcmp(vmctl_cap_name(VMCTL_CAP_EPT), "ept") == 0 &&
	       vmctl_cap_name(1ULL << 63) == NULL, "capability names");
	tap_ok(strcmp(vmctl_exit_reason_name(VMCTL_EXIT_HLT), "HLT") == 0 &&
	       strcmp(vmctl_exit_reason_name(VMCTL_EXIT_UNHANDLED_IO), "UNHANDLED_IO") == 0 &&
	       strcmp(vmctl_exit_reason_name(999), "unknown") == 0, "exit reason names");
	tap_ok(vmctl_lib_version() == LIBVMCTL_VERSION, "library version %d", vmctl_lib_version());
	return tap_finish();
}
