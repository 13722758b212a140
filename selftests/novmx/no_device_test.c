// SPDX-License-Identifier: GPL-2.0
/*
 * On a CPU without VT-x the module refuses to load: no /dev/vmctl, and the
 * library and the CLI say so clearly instead of failing obscurely.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <vmctl/libvmctl.h>

#include "tap.h"

#define VMCTL_BIN "bin/vmctl"	/* relative to /selftests, the test's cwd */

/* Runs cmd with stderr folded into stdout; returns its exit status. */
static int run(const char *cmd, char *out, size_t len)
{
	size_t n = 0;
	FILE *p;
	int st;

	p = popen(cmd, "r");
	if (!p)
		return -1;
	n = fread(out, 1, len - 1, p);
	out[n] = '\0';
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void diag_lines(const char *text)
{
	char copy[2048], *line, *save;

	snprintf(copy, sizeof(copy), "%s", text);
	for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		tap_diag("%s", line);
}

int main(void)
{
	struct vmctl_sys *sys = NULL;
	char out[2048];
	int err, st;

	tap_plan(6);
	tap_ok(access(VMCTL_DEFAULT_DEVICE, F_OK) != 0 && errno == ENOENT,
	       VMCTL_DEFAULT_DEVICE " does not exist");
	err = vmctl_sys_open(&sys);
	tap_ok(err == -ENOENT && !sys, "vmctl_sys_open: -ENOENT (%d)", err);
	tap_ok(strstr(vmctl_strerror_call("vmctl_sys_open", err), "not loaded") != NULL,
	       "explained: %s", vmctl_strerror_call("vmctl_sys_open", err));

	st = run(VMCTL_BIN " info 2>&1", out, sizeof(out));
	diag_lines(out);
	tap_ok(st != 0, "vmctl info exits non-zero (%d)", st);
	tap_ok(strstr(out, VMCTL_DEFAULT_DEVICE) && strstr(out, "not loaded"),
	       "vmctl info names the device and the cause");
	st = run(VMCTL_BIN " run --flat data/hello.bin 2>&1", out, sizeof(out));
	diag_lines(out);
	tap_ok(st == 1 && strstr(out, "not loaded"), "vmctl run fails with status 1 (%d)", st);
	return tap_finish();
}
