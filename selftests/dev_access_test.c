// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/vmctl without root, as /dev/kvm is: the module creates the node
 * 0600 root:root, and udev/60-vmctl.rules gives it to group vmctl with
 * mode 0660.  The initramfs has no udevd, so the test applies the rule's
 * effect itself (chown root:vmctl, chmod 0660, with vmctl's gid fixed to
 * VMCTL_GID), then, as an ordinary user who is a member of the group, runs
 * a guest to its end; a user who is not a member gets EACCES, and the
 * library's message says which group to join.  The node is put back as the
 * module made it.
 */
#include "raw_util.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "test_util.h"

#define DEV		"/dev/" VMCTL_DEVICE_NAME
#define MEMBER_TESTS	3
#define OUTSIDER_TESTS	2

static void as_member(void)
{
	const gid_t groups[] = { VMCTL_GID };
	struct capture com1 = { .len = 0 };
	struct vmctl_exit exit;
	struct tvm t;
	int err;

	drop_root(UNPRIV_UID, UNPRIV_GID, groups, 1);
	tvm_create(&t, 1 << 20);
	tap_ok(1, "a member of group vmctl, not root, opens " DEV " and creates a VM");
	tvm_start_real(&t, real_hello_begin, real_hello_end);
	if (vmctl_vm_pio_register(t.vm, COM1, 8, capture_pio, &com1))
		tap_bail("vmctl_vm_pio_register");
	err = vmctl_vcpu_run_loop(t.vcpu, &exit);
	tap_ok(err == 0 && exit.reason == VMCTL_EXIT_HLT, "and runs a guest to its HLT (%d, %s)",
	       err, exit.message);
	tap_ok(strcmp(com1.text, REAL_HELLO_TEXT) == 0, "which prints \"%.*s\"",
	       (int)strcspn(com1.text, "\n"), com1.text);
	tvm_destroy(&t);
}

static void as_outsider(void)
{
	struct vmctl_sys *sys = NULL;
	int fd, err;

	drop_root(UNPRIV_UID + 1, UNPRIV_GID, NULL, 0);
	fd = open(DEV, O_RDWR | O_CLOEXEC);
	tap_ok(fd < 0 && errno == EACCES, "a user outside group vmctl gets EACCES (%s)",
	       fd < 0 ? strerror(errno) : "opened");
	err = vmctl_sys_open(&sys);
	tap_ok(err == -EACCES && strstr(vmctl_strerror_call("vmctl_sys_open", err), "group vmctl"),
	       "vmctl_sys_open says -EACCES and names the group: \"%s\"",
	       vmctl_strerror_call("vmctl_sys_open", err));
	if (!err)
		vmctl_sys_close(sys);
}

static void in_child(void (*fn)(void), int results)
{
	pid_t child = fork();
	int status;

	if (child < 0)
		tap_bail("fork: %s", strerror(errno));
	if (child == 0) {
		fn();
		exit(tap_failures ? 1 : 0);
	}
	if (waitpid(child, &status, 0) != child)
		tap_bail("waitpid: %s", strerror(errno));
	tap_next_number += results;
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		tap_failures++;
}

static int node_is(mode_t mode, gid_t gid, struct stat *st)
{
	if (stat(DEV, st))
		tap_bail("stat " DEV ": %s", strerror(errno));
	return S_ISCHR(st->st_mode) && (st->st_mode & 07777) == mode &&
	       st->st_uid == 0 && st->st_gid == gid;
}

int main(void)
{
	struct stat st;
	int ok;

	tap_plan(2 + MEMBER_TESTS + OUTSIDER_TESTS);
	ok = node_is(0600, 0, &st);
	tap_ok(ok, "the module creates " DEV " 0600 root:root (0%o %u:%u)",
	       st.st_mode & 07777, st.st_uid, st.st_gid);

	/* What the udev rule does. */
	if (chown(DEV, 0, VMCTL_GID) || chmod(DEV, 0660))
		tap_bail("applying the udev rule's group and mode: %s", strerror(errno));
	in_child(as_member, MEMBER_TESTS);
	in_child(as_outsider, OUTSIDER_TESTS);

	if (chown(DEV, 0, 0) || chmod(DEV, 0600))
		tap_bail("restoring " DEV ": %s", strerror(errno));
	ok = node_is(0600, 0, &st);
	tap_ok(ok, DEV " is 0600 root:root again (0%o)", st.st_mode & 07777);
	return tap_finish();
}
