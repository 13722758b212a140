// SPDX-License-Identifier: LGPL-2.1-or-later
/* Errors without the module: missing or wrong device, argument checks. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap.h"
#include "internal.h"

#define FD_SCAN	256

/*
 * Closes NULL handles in a child process: a crash or a sanitizer report
 * fails this one check instead of ending the test, and the child also
 * checks that no file descriptor was closed behind its back (fds 0-2 are
 * made open first, so that closing one of them shows).
 */
static int close_null_handles(char *why, size_t size)
{
	int status, fd;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		snprintf(why, size, "fork: %s", strerror(errno));
		return 0;
	}
	if (pid == 0) {
		unsigned char open_before[FD_SCAN];

		for (fd = 0; fd < 3; fd++)
			if (fcntl(fd, F_GETFD) < 0 && open("/dev/null", O_RDWR) != fd)
				_exit(3);
		for (fd = 0; fd < FD_SCAN; fd++)
			open_before[fd] = fcntl(fd, F_GETFD) >= 0;
		vmctl_sys_close(NULL);
		vmctl_vm_destroy(NULL);
		vmctl_vcpu_destroy(NULL);
		for (fd = 0; fd < FD_SCAN; fd++)
			if (open_before[fd] && fcntl(fd, F_GETFD) < 0)
				_exit(2);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid) {
		snprintf(why, size, "waitpid: %s", strerror(errno));
		return 0;
	}
	if (WIFSIGNALED(status))
		snprintf(why, size, "killed by signal %d", WTERMSIG(status));
	else if (WEXITSTATUS(status) == 2)
		snprintf(why, size, "a file descriptor was closed");
	else if (WEXITSTATUS(status) == 3)
		snprintf(why, size, "could not open /dev/null on fds 0-2");
	else if (WEXITSTATUS(status))
		snprintf(why, size, "exit status %d (a sanitizer report?)",
			 WEXITSTATUS(status));
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

int main(void)
{
	struct vmctl_sys *sys = (void *)1;
	struct vmctl_vm *vm = (void *)1;
	struct vmctl_vcpu *vcpu = (void *)1;
	struct vmctl_exit exit;
	struct vmctl_caps caps;
	char why[80];
	int err, ok;

	tap_plan(15);

	err = vmctl_sys_open_path("/nonexistent/vmctl", &sys);
	tap_ok(err == -ENOENT && sys == (void *)1, "missing device: -ENOENT, out-pointer unchanged");
	tap_ok(strstr(vmctl_strerror_call("vmctl_sys_open", -ENOENT), "not loaded") != NULL,
	       "-ENOENT of vmctl_sys_open explains the module is not loaded: %s",
	       vmctl_strerror_call("vmctl_sys_open", -ENOENT));
	err = vmctl_sys_open_path("/dev/null", &sys);
	tap_ok(err == -ENOTTY && sys == (void *)1,
	       "a device that is not vmctl: -ENOTTY (%d), out-pointer unchanged", err);
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
	why[0] = 0;
	ok = close_null_handles(why, sizeof(why));
	tap_ok(ok, "closing NULL handles neither crashes nor closes a descriptor%s%s",
	       ok ? "" : ": ", why);
	tap_ok(strcmp(vmctl_cap_name(VMCTL_CAP_EPT), "ept") == 0 &&
	       vmctl_cap_name(1ULL << 63) == NULL, "capability names");
	tap_ok(strcmp(vmctl_exit_reason_name(VMCTL_EXIT_HLT), "HLT") == 0 &&
	       strcmp(vmctl_exit_reason_name(LIBVMCTL_EXIT_UNHANDLED_IO), "UNHANDLED_IO") == 0 &&
	       strcmp(vmctl_exit_reason_name(LIBVMCTL_EXIT_HANDLER_ERROR), "HANDLER_ERROR") == 0 &&
	       strcmp(vmctl_exit_reason_name(999), "unknown") == 0, "exit reason names");
	tap_ok(vmctl_lib_version() == LIBVMCTL_VERSION, "library version %d", vmctl_lib_version());
	return tap_finish();
}
