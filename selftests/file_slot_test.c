// SPDX-License-Identifier: GPL-2.0
/*
 * Which memory a writable slot may be: anonymous memory, memfd, a shared
 * mapping of a file on the initramfs (tmpfs) and hugetlbfs memory work; a
 * MAP_SHARED mapping of a file on a filesystem that writes back (minix on a
 * RAM block device, the smallest such filesystem Debian's kernel has as a
 * module) is refused with EOPNOTSUPP, pinning and charging nothing, while
 * a read-only slot over it and a MAP_PRIVATE copy of it are accepted.
 *
 * Needs /lib/modules/extra/brd.ko and minix.ko of the running kernel and
 * /selftests/data/minix.img (testbed/check puts them there).
 */
#include "raw_util.h"

#include <stdlib.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#define PAGES		16
#define BYTES		(PAGES * RAW_PAGE_SIZE)
#define HUGE_BYTES	(2UL << 20)
#define TMPFS_MAGIC	0x01021994
#define MINIX_MAGIC	0x137f		/* 14-character names */
#define MINIX_MAGIC2	0x138f		/* 30-character names, mkfs.minix's default */
#define MINIX_DIR	"/tmp/minix"
#define MODULES		"/lib/modules/extra"

static int dev_fd, vm_fd;
static uint64_t pinned_at_start;

static void *map_file(int fd, size_t size, int prot, int flags)
{
	void *p = mmap(NULL, size, prot, flags, fd, 0);

	if (p == MAP_FAILED)
		tap_bail("mmap: %s", strerror(errno));
	return p;
}

/* Adds the slot, checks the errno, and removes it again if it was added. */
static void expect_slot(void *host, size_t size, uint32_t flags, long expected,
			const char *what)
{
	long ret = raw_slot_add(vm_fd, 0, 0, host, size, flags);

	tap_ok(ret == expected, "%s: %s (%s)", what,
	       expected ? strerror((int)-expected) : "accepted", strerror((int)-ret));
	if (!ret && raw_slot_delete(vm_fd, 0))
		tap_bail("deleting the slot: %s", strerror(errno));
}

static int make_file(const char *path, size_t size)
{
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd < 0)
		tap_bail("create %s: %s", path, strerror(errno));
	if (ftruncate(fd, size))
		tap_bail("ftruncate %s: %s", path, strerror(errno));
	return fd;
}

static void test_memfd_and_tmpfs(void)
{
	struct statfs fs;
	void *p;
	int fd;

	fd = memfd_create("vmctl-guest", MFD_CLOEXEC);
	if (fd < 0 || ftruncate(fd, BYTES))
		tap_bail("memfd_create: %s", strerror(errno));
	p = map_file(fd, BYTES, PROT_READ | PROT_WRITE, MAP_SHARED);
	expect_slot(p, BYTES, 0, 0, "a writable slot over a MAP_SHARED memfd");
	munmap(p, BYTES);
	close(fd);

	fd = make_file("/tmp/vmctl-guest-mem", BYTES);
	if (fstatfs(fd, &fs))
		tap_bail("fstatfs: %s", strerror(errno));
	tap_ok(fs.f_type == TMPFS_MAGIC, "the initramfs is tmpfs (0x%lx)", (long)fs.f_type);
	p = map_file(fd, BYTES, PROT_READ | PROT_WRITE, MAP_SHARED);
	expect_slot(p, BYTES, 0, 0, "a writable slot over a MAP_SHARED tmpfs file");
	munmap(p, BYTES);
	close(fd);
	unlink("/tmp/vmctl-guest-mem");
}

static int write_string(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	close(fd);
	return n == (ssize_t)strlen(s) ? 0 : -EIO;
}

static void test_hugetlb(void)
{
	void *p;

	if (write_string("/proc/sys/vm/nr_hugepages", "2"))
		tap_bail("cannot reserve huge pages: %s", strerror(errno));
	p = mmap(NULL, HUGE_BYTES, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
	tap_ok(p != MAP_FAILED, "the guest kernel gives a 2 MiB huge page (%s)",
	       p == MAP_FAILED ? strerror(errno) : "yes");
	if (p != MAP_FAILED) {
		expect_slot(p, HUGE_BYTES, 0, 0, "a writable slot over MAP_SHARED hugetlbfs memory");
		munmap(p, HUGE_BYTES);
	} else {
		tap_ok(0, "a writable slot over hugetlbfs memory: no huge page to try");
	}
	write_string("/proc/sys/vm/nr_hugepages", "0");
}

static void run_or_bail(const char *cmd)
{
	int status = system(cmd);

	if (status != 0)
		tap_bail("'%s' failed (status 0x%x)", cmd, status);
}

static void test_writeback_fs(void)
{
	struct statfs fs;
	void *shared, *private;
	long long pin0;
	int fd;

	run_or_bail("insmod " MODULES "/brd.ko rd_nr=1 rd_size=1024");
	run_or_bail("dd if=/selftests/data/minix.img of=/dev/ram0 bs=4096 2>/dev/null");
	run_or_bail("insmod " MODULES "/minix.ko");
	mkdir(MINIX_DIR, 0700);
	if (mount("/dev/ram0", MINIX_DIR, "minix", 0, NULL))
		tap_bail("mount minix on /dev/ram0: %s", strerror(errno));

	fd = make_file(MINIX_DIR "/guest-mem", BYTES);
	if (fstatfs(fd, &fs))
		tap_bail("fstatfs: %s", strerror(errno));
	tap_ok(fs.f_type == MINIX_MAGIC || fs.f_type == MINIX_MAGIC2,
	       "the file is on minix (0x%lx)", (long)fs.f_type);

	shared = map_file(fd, BYTES, PROT_READ | PROT_WRITE, MAP_SHARED);
	memset(shared, 0x5a, BYTES);	/* the pages exist, and are dirty */
	pin0 = vmpin_kb();
	expect_slot(shared, BYTES, 0, -EOPNOTSUPP,
		    "a writable slot over a MAP_SHARED file on minix");
	tap_ok(vmpin_kb() == pin0 && raw_pinned_pages(dev_fd) == pinned_at_start,
	       "and nothing is pinned or charged (VmPin %lld kB, was %lld; module %llu)",
	       vmpin_kb(), pin0, (unsigned long long)raw_pinned_pages(dev_fd));
	expect_slot(shared, BYTES, VMCTL_SLOT_READONLY, 0,
		    "a read-only slot over the same mapping");

	private = map_file(fd, BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	expect_slot(private, BYTES, 0, 0, "a writable slot over a MAP_PRIVATE copy of the file");

	munmap(private, BYTES);
	munmap(shared, BYTES);
	close(fd);
	if (umount(MINIX_DIR))
		tap_bail("umount: %s", strerror(errno));
	run_or_bail("rmmod minix && rmmod brd");
}

int main(void)
{
	void *anon;

	tap_plan(12);
	dev_fd = raw_open_dev();
	vm_fd = raw_create_vm(dev_fd);
	pinned_at_start = raw_pinned_pages(dev_fd);

	anon = mmap(NULL, BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (anon == MAP_FAILED)
		tap_bail("mmap: %s", strerror(errno));
	expect_slot(anon, BYTES, 0, 0, "a writable slot over anonymous memory");
	munmap(anon, BYTES);

	test_memfd_and_tmpfs();
	test_hugetlb();
	test_writeback_fs();

	close(vm_fd);
	tap_ok(raw_pinned_pages(dev_fd) == pinned_at_start,
	       "every slot's pages are unpinned at the end (%llu)",
	       (unsigned long long)raw_pinned_pages(dev_fd));
	close(dev_fd);
	return tap_finish();
}
