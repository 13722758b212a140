// SPDX-License-Identifier: GPL-2.0
/*
 * FPU switching both ways: a guest keeps fifteen YMM registers through
 * FPU_KEEP_EXITS exits to user space and checks them after each, while
 * the VMM thread holds its own values in YMM0-YMM15 across every RUN
 * (set right before the ioctl and read right after it, in one asm block,
 * so that no compiled code can touch them in between).
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "test_util.h"
#include "guests_state.h"

/* The vCPU's fd: the library keeps it to itself. */
static int find_vcpu_fd(void)
{
	char link[300], target[64];
	struct dirent *e;
	DIR *d = opendir("/proc/self/fd");
	int fd = -1;
	ssize_t n;

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		snprintf(link, sizeof(link), "/proc/self/fd/%s", e->d_name);
		n = readlink(link, target, sizeof(target) - 1);
		if (n < 0)
			continue;
		target[n] = '\0';
		if (!strcmp(target, "anon_inode:vmctl-vcpu"))
			fd = atoi(e->d_name);
	}
	closedir(d);
	return fd;
}

/*
 * VMCTL_RUN with YMM0-YMM15 = in, and what they hold after it in out.
 * Returns the syscall's result.
 */
static long run_holding_ymm(int fd, const uint8_t in[16][32], uint8_t out[16][32])
{
	long ret;

	asm volatile(
		".irp r, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n"
		"vmovdqu 32*\\r(%[in]), %%ymm\\r\n"
		".endr\n"
		"syscall\n"
		".irp r, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n"
		"vmovdqu %%ymm\\r, 32*\\r(%[out])\n"
		".endr\n"
		: "=a" (ret)
		: "0" ((long)SYS_ioctl), "D" ((long)fd), "S" ((long)VMCTL_RUN), "d" (0L),
		  [in] "r" (in), [out] "r" (out)
		: "rcx", "r11", "memory",
		  "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7",
		  "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15");
	return ret;
}

int main(void)
{
	static uint8_t host_in[16][32], host_out[16][32];
	unsigned int outs = 0, host_bad = 0, i, j;
	struct vmctl_run *run;
	struct vmctl_exit exit;
	struct ucall uc = { 0 };
	struct tvm t;
	long ret;
	int fd;

	tap_plan(4);
	for (i = 0; i < 16; i++)
		for (j = 0; j < 32; j++)
			host_in[i][j] = 0x80 + i * 7 + j;

	tvm_create(&t, 4 << 20);
	tvm_start_long(&t, fpu_keep_begin, fpu_keep_end);
	fd = find_vcpu_fd();
	if (fd < 0)
		tap_bail("cannot find the vCPU's fd in /proc/self/fd");
	run = mmap(NULL, VMCTL_RUN_MMAP_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (run == MAP_FAILED)
		tap_bail("mmap of the run page: %s", strerror(errno));

	for (;;) {
		memset(host_out, 0, sizeof(host_out));
		ret = run_holding_ymm(fd, host_in, host_out);
		if (ret == -EINTR)
			continue;
		if (ret)
			tap_bail("VMCTL_RUN: %ld", ret);
		if (memcmp(host_in, host_out, sizeof(host_in)))
			host_bad++;
		if (run->exit_reason != VMCTL_EXIT_IO || run->io.direction != VMCTL_IO_OUT)
			break;
		if (run->io.port == FPU_KEEP_PORT)
			outs++;
		else
			break;
	}
	tap_ok(outs == FPU_KEEP_EXITS, "%u exits to user space while the guest held YMM0-14 "
	       "(expected %u)", outs, FPU_KEEP_EXITS);
	tap_ok(host_bad == 0, "the VMM thread's YMM0-15 were intact after every RUN "
	       "(%u RUNs changed them)", host_bad);

	/* The last exit is the guest's REPORT: read it through the library. */
	memset(&exit, 0, sizeof(exit));
	exit.reason = VMCTL_EXIT_IO;
	exit.io.port = run->io.port;
	exit.io.size = run->io.size;
	exit.io.is_write = true;
	exit.io.data = run->io.data;
	if (!ucall_get(t.vcpu, &exit, &uc) || uc.code != UCALL_REPORT)
		tap_bail("expected the guest's REPORT, got exit %u port 0x%x", run->exit_reason,
			 run->io.port);
	tap_ok(uc.arg == 0, "the guest found YMM0-14 intact after every exit (%" PRIu64
	       " exits changed them)", uc.arg);
	ret = vmctl_vcpu_run_loop(t.vcpu, &exit);
	tap_ok(ret == 0 && exit.reason == VMCTL_EXIT_HLT, "guest halts (%s)",
	       exit.message);
	munmap(run, VMCTL_RUN_MMAP_SIZE);
	tvm_destroy(&t);
	return tap_finish();
}
