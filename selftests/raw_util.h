/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Raw-ioctl helpers for the selftests that judge guest memory and device
 * access from the kernel's side (memlock_test, file_slot_test,
 * dev_access_test, run_page_test): slots over memory the test maps itself,
 * the kernel's own counters (VmPin, VMCTL_GET_USAGE), and dropping root.
 * Every failure of a step a test cannot go on without is fatal (tap_bail).
 */
#ifndef VMCTL_SELFTESTS_RAW_UTIL_H
#define VMCTL_SELFTESTS_RAW_UTIL_H

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/vmctl.h>

#include "../tests/tap.h"

#define RAW_PAGE_SIZE	4096UL

/* Not root, not in group vmctl: what the tests drop to. */
#define UNPRIV_UID	4242
#define UNPRIV_GID	4242
/* The group the udev rule names; the tests apply its effect themselves. */
#define VMCTL_GID	4243

/* An ioctl's result as the kernel returned it: >= 0, or -errno. */
static inline long raw_ioctl(int fd, unsigned long request, void *arg)
{
	long ret = ioctl(fd, request, arg);

	return ret < 0 ? -errno : ret;
}

static inline int raw_open_dev(void)
{
	int fd = open("/dev/" VMCTL_DEVICE_NAME, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		tap_bail("open /dev/vmctl: %s", strerror(errno));
	return fd;
}

static inline int raw_create_vm(int dev_fd)
{
	struct vmctl_create_vm req = { 0 };
	long fd = raw_ioctl(dev_fd, VMCTL_CREATE_VM, &req);

	if (fd < 0)
		tap_bail("VMCTL_CREATE_VM: %s", strerror((int)-fd));
	return (int)fd;
}

/* 0 or -errno, as VMCTL_SET_MEMORY_SLOT returned it. */
static inline long raw_slot_add(int vm_fd, uint32_t slot, uint64_t gpa,
				const void *host, uint64_t size, uint32_t flags)
{
	struct vmctl_memory_slot req = {
		.slot = slot,
		.flags = flags,
		.guest_phys_addr = gpa,
		.size = size,
		.userspace_addr = (uintptr_t)host,
	};

	return raw_ioctl(vm_fd, VMCTL_SET_MEMORY_SLOT, &req);
}

static inline long raw_slot_delete(int vm_fd, uint32_t slot)
{
	struct vmctl_slot_id req = { .slot = slot };

	return raw_ioctl(vm_fd, VMCTL_DELETE_MEMORY_SLOT, &req);
}

/* The module's count of pinned guest pages, for all VMs. */
static inline uint64_t raw_pinned_pages(int dev_fd)
{
	struct vmctl_usage usage;
	long ret = raw_ioctl(dev_fd, VMCTL_GET_USAGE, &usage);

	if (ret)
		tap_bail("VMCTL_GET_USAGE: %s", strerror((int)-ret));
	return usage.pinned_pages;
}

/*
 * A "Name:  <number>" line of /proc/self/status (VmPin in kB, CapEff in
 * hex), or bails: the tests compare against it and cannot go on without.
 */
static inline long long proc_status_value(const char *name, int base)
{
	char line[256];
	size_t len = strlen(name);
	long long value = 0;
	int found = 0;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		tap_bail("open /proc/self/status: %s", strerror(errno));
	while (!found && fgets(line, sizeof(line), f)) {
		if (!strncmp(line, name, len) && line[len] == ':') {
			value = strtoll(line + len + 1, NULL, base);
			found = 1;
		}
	}
	fclose(f);
	if (!found)
		tap_bail("no %s in /proc/self/status", name);
	return value;
}

static inline long long vmpin_kb(void)
{
	return proc_status_value("VmPin", 10);
}

/*
 * Becomes uid:gid with exactly the supplementary groups given, as a login
 * of an ordinary user would be: root's capabilities go with the uid.
 */
static inline void drop_root(uid_t uid, gid_t gid, const gid_t *groups,
			     size_t ngroups)
{
	if (setgroups(ngroups, groups) || setresgid(gid, gid, gid) ||
	    setresuid(uid, uid, uid))
		tap_bail("dropping root to %u:%u: %s", (unsigned int)uid,
			 (unsigned int)gid, strerror(errno));
	if (proc_status_value("CapEff", 16) != 0)
		tap_bail("capabilities left after dropping root");
}

#endif /* VMCTL_SELFTESTS_RAW_UTIL_H */
