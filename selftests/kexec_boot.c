// SPDX-License-Identifier: GPL-2.0
/*
 * kexec for the test initramfs, which has no kexec-tools:
 *   kexec_boot load KERNEL INITRD CMDLINE   kexec_file_load() the image
 *   kexec_boot crash KERNEL INITRD CMDLINE  the same as the crash kernel
 *                                           (kexec -p): a panic boots it
 *   kexec_boot exec                         reboot into it at once, as
 *                                           kexec -e does (the kernel
 *                                           runs its reboot notifiers,
 *                                           nothing stops user space)
 * Not a test (no _test suffix): guest-check's kexec job uses it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/reboot.h>
#include <stdio.h>
#include <string.h>
#include <sys/reboot.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef KEXEC_FILE_ON_CRASH
#define KEXEC_FILE_ON_CRASH	0x00000002
#endif

static int load(const char *kernel, const char *initrd, const char *cmdline,
		unsigned long flags)
{
	int kernel_fd = open(kernel, O_RDONLY | O_CLOEXEC);
	int initrd_fd = open(initrd, O_RDONLY | O_CLOEXEC);

	if (kernel_fd < 0 || initrd_fd < 0) {
		fprintf(stderr, "kexec_boot: cannot open %s: %s\n",
			kernel_fd < 0 ? kernel : initrd, strerror(errno));
		return 1;
	}
	/* The command line's length counts its terminating NUL. */
	if (syscall(SYS_kexec_file_load, kernel_fd, initrd_fd,
		    strlen(cmdline) + 1, cmdline, flags)) {
		fprintf(stderr, "kexec_boot: kexec_file_load: %s\n", strerror(errno));
		return 1;
	}
	close(kernel_fd);
	close(initrd_fd);
	printf("kexec_boot: loaded %s%s with command line \"%s\"\n", kernel,
	       flags & KEXEC_FILE_ON_CRASH ? " as the crash kernel" : "", cmdline);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 5 && !strcmp(argv[1], "load"))
		return load(argv[2], argv[3], argv[4], 0);
	if (argc == 5 && !strcmp(argv[1], "crash"))
		return load(argv[2], argv[3], argv[4], KEXEC_FILE_ON_CRASH);
	if (argc == 2 && !strcmp(argv[1], "exec")) {
		sync();
		reboot(LINUX_REBOOT_CMD_KEXEC);
		fprintf(stderr, "kexec_boot: reboot(LINUX_REBOOT_CMD_KEXEC): %s\n",
			strerror(errno));
		return 1;
	}
	fprintf(stderr, "usage: kexec_boot load|crash KERNEL INITRD CMDLINE | kexec_boot exec\n");
	return 2;
}
