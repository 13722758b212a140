// SPDX-License-Identifier: GPL-2.0
/*
 * Every invalid-argument class that include/uapi/linux/vmctl.h documents
 * returns exactly the errno it documents, and a failed call changes nothing
 * (no slot, no pinned page).  Raw ioctls, no library: this tests the ABI.
 * Needs /dev/vmctl with a working VMX backend (VM creation turns VMX on).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/vmctl.h>

#include "../tests/tap.h"

#define PAGE_SIZE		4096UL
#define GUEST_PAGES		16
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#define BIT_ULL(n)		(1ULL << (n))

/* A guest-physical address no slot of the tests covers. */
#define FREE_GPA		0x100000ULL

/* RFLAGS bit 1 always reads 1; 3, 5, 15 and 22-63 are reserved (zero). */
#define RFLAGS_FIXED		0x2ULL
#define RFLAGS_IF		BIT_ULL(9)
#define CR0_PE			BIT_ULL(0)
#define CR0_NW			BIT_ULL(29)
#define CR0_CD			BIT_ULL(30)
#define CR0_PG			BIT_ULL(31)
#define CR0_ET			BIT_ULL(4)
#define CR4_PAE			BIT_ULL(5)
#define CR4_VMXE		BIT_ULL(13)
#define EFER_LME		BIT_ULL(8)

static int dev_fd;
static struct vmctl_caps caps;
static unsigned char *guest_mem;	/* GUEST_PAGES pages, read-write */

/* An ioctl's result as the kernel returned it: >= 0, or -errno. */
static long sys_ioctl(int fd, unsigned long request, void *arg)
{
	long ret = ioctl(fd, request, arg);

	return ret < 0 ? -errno : ret;
}

static const char *errno_name(long ret)
{
	const char *name;

	if (ret >= 0)
		return "success";
	name = strerrorname_np((int)-ret);
	return name ? name : "?";
}

static void expect_errno(long ret, int expected, const char *what)
{
	if (!tap_ok(ret == -expected, "%s -> %s", what, errno_name(-expected)))
		tap_diag("    got %ld (%s)", ret, errno_name(ret));
}

static void expect_success(long ret, const char *what)
{
	if (!tap_ok(ret >= 0, "%s succeeds", what))
		tap_diag("    got %ld (%s)", ret, errno_name(ret));
}

static int fd_is_cloexec(int fd)
{
	int flags = fcntl(fd, F_GETFD);

	return flags >= 0 && (flags & FD_CLOEXEC);
}

static struct vmctl_usage get_usage(void)
{
	struct vmctl_usage usage;

	if (sys_ioctl(dev_fd, VMCTL_GET_USAGE, &usage) < 0)
		tap_bail("VMCTL_GET_USAGE");
	return usage;
}

/* ------------------------------------------------------------------------ */
/* /dev/vmctl                                                                 */
/* ------------------------------------------------------------------------ */

static void test_system_ioctls(void)
{
	struct vmctl_create_vm create;
	long ret;

	ret = sys_ioctl(dev_fd, VMCTL_GET_API_VERSION, NULL);
	tap_ok(ret == VMCTL_API_VERSION, "GET_API_VERSION returns %d (got %ld)",
	       VMCTL_API_VERSION, ret);

	expect_errno(sys_ioctl(dev_fd, VMCTL_GET_CAPS, NULL), EFAULT,
		     "GET_CAPS NULL pointer");
	ret = sys_ioctl(dev_fd, VMCTL_GET_CAPS, &caps);
	tap_ok(ret == 0 && caps.api_version == VMCTL_API_VERSION &&
	       caps.max_slots == VMCTL_MAX_SLOTS && caps.max_vcpus > 0 &&
	       caps.max_slot_size >= PAGE_SIZE && caps.guest_phys_bits >= 32,
	       "GET_CAPS fills api_version, max_slots, max_vcpus and limits");
	tap_diag("    backend %.16s, max_vcpus %u, max_slot_size %llu, guest_phys_bits %u",
		 caps.backend_name, caps.max_vcpus,
		 (unsigned long long)caps.max_slot_size, caps.guest_phys_bits);

	expect_errno(sys_ioctl(dev_fd, VMCTL_GET_USAGE, NULL), EFAULT,
		     "GET_USAGE NULL pointer");
	expect_errno(sys_ioctl(dev_fd, _IO(VMCTL_IOCTL_MAGIC, 0x7f), NULL),
		     ENOTTY, "/dev/vmctl unknown ioctl");
	/* KVM_GET_API_VERSION: right number, wrong magic. */
	expect_errno(sys_ioctl(dev_fd, _IO(0xAE, 0x00), NULL), ENOTTY,
		     "/dev/vmctl foreign ioctl");

	expect_errno(sys_ioctl(dev_fd, VMCTL_CREATE_VM, NULL), EFAULT,
		     "CREATE_VM NULL pointer");
	memset(&create, 0, sizeof(create));
	create.flags = 1;
	expect_errno(sys_ioctl(dev_fd, VMCTL_CREATE_VM, &create), EINVAL,
		     "CREATE_VM flags != 0");
	memset(&create, 0, sizeof(create));
	create.pad = 1;
	expect_errno(sys_ioctl(dev_fd, VMCTL_CREATE_VM, &create), EINVAL,
		     "CREATE_VM pad != 0");
	memset(&create, 0, sizeof(create));
	create.reserved[1] = 1;
	expect_errno(sys_ioctl(dev_fd, VMCTL_CREATE_VM, &create), EINVAL,
		     "CREATE_VM reserved != 0");
}

static int create_vm(void)
{
	struct vmctl_create_vm create;
	long fd;

	memset(&create, 0, sizeof(create));
	fd = sys_ioctl(dev_fd, VMCTL_CREATE_VM, &create);
	if (fd < 0)
		tap_bail("CREATE_VM: %s", errno_name(fd));
	return (int)fd;
}

/* ------------------------------------------------------------------------ */
/* Memory slots                                                               */
/* ------------------------------------------------------------------------ */

/* Where a slot case's user range comes from. */
enum user_range {
	USER_GOOD,		/* guest_mem */
	USER_UNALIGNED,		/* guest_mem + 8 */
	USER_UNMAPPED,		/* a range that was unmapped again */
	USER_READONLY,		/* PROT_READ only */
	USER_PARTIAL,		/* first pages mapped, last one PROT_NONE */
	USER_KERNEL,		/* kernel half of the address space */
};

struct slot_case {
	const char *what;
	struct vmctl_memory_slot slot;
	enum user_range range;
	int expected;		/* errno */
};

static unsigned char *unmapped_range, *readonly_range, *partial_range;

static void map_special_ranges(void)
{
	unmapped_range = mmap(NULL, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	readonly_range = mmap(NULL, 4 * PAGE_SIZE, PROT_READ,
			      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	partial_range = mmap(NULL, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (unmapped_range == MAP_FAILED || readonly_range == MAP_FAILED ||
	    partial_range == MAP_FAILED)
		tap_bail("mmap of test ranges");
	if (munmap(unmapped_range, 4 * PAGE_SIZE))
		tap_bail("munmap of the unmapped test range: %s", strerror(errno));
	memset(partial_range, 1, 3 * PAGE_SIZE);
	if (mprotect(partial_range + 3 * PAGE_SIZE, PAGE_SIZE, PROT_NONE))
		tap_bail("mprotect of the partial test range: %s", strerror(errno));
}

static __u64 user_address(enum user_range range)
{
	switch (range) {
	case USER_GOOD:
		return (uintptr_t)guest_mem;
	case USER_UNALIGNED:
		return (uintptr_t)guest_mem + 8;
	case USER_UNMAPPED:
		return (uintptr_t)unmapped_range;
	case USER_READONLY:
		return (uintptr_t)readonly_range;
	case USER_PARTIAL:
		return (uintptr_t)partial_range;
	case USER_KERNEL:
		return 0xffff888000000000ULL;
	}
	return 0;
}

/*
 * Each case breaks exactly one rule of SET_MEMORY_SLOT; the rest of the
 * request is valid.  Some guest addresses and sizes depend on the
 * capabilities: they are placeholders resolved by slot_case_request().
 */
#define GPA_LAST_PAGE_BELOW_LIMIT	0xfffffffffff00001ULL	/* 1 << guest_phys_bits, minus a page */
#define GPA_AT_LIMIT			0xfffffffffff00002ULL	/* 1 << guest_phys_bits */
#define SIZE_ABOVE_MAX			0xfffffffffff00003ULL	/* max_slot_size + a page */

static const struct slot_case slot_cases[] = {
	{ "slot >= VMCTL_MAX_SLOTS",
	  { .slot = VMCTL_MAX_SLOTS, .guest_phys_addr = FREE_GPA,
	    .size = PAGE_SIZE }, USER_GOOD, EINVAL },
	{ "slot = UINT32_MAX",
	  { .slot = UINT32_MAX, .guest_phys_addr = FREE_GPA,
	    .size = PAGE_SIZE }, USER_GOOD, EINVAL },
	{ "unknown flag",
	  { .slot = 1, .flags = 1U << 31, .guest_phys_addr = FREE_GPA,
	    .size = PAGE_SIZE }, USER_GOOD, EINVAL },
	{ "reserved[0] != 0",
	  { .slot = 1, .guest_phys_addr = FREE_GPA, .size = PAGE_SIZE,
	    .reserved = { 1, 0 } }, USER_GOOD, EINVAL },
	{ "reserved[1] != 0",
	  { .slot = 1, .guest_phys_addr = FREE_GPA, .size = PAGE_SIZE,
	    .reserved = { 0, 1 } }, USER_GOOD, EINVAL },
	{ "size 0",
	  { .slot = 1, .guest_phys_addr = FREE_GPA, .size = 0 },
	  USER_GOOD, EINVAL },
	{ "size not page aligned",
	  { .slot = 1, .guest_phys_addr = FREE_GPA, .size = PAGE_SIZE + 8 },
	  USER_GOOD, EINVAL },
	{ "guest_phys_addr not page aligned",
	  { .slot = 1, .guest_phys_addr = FREE_GPA + 8, .size = PAGE_SIZE },
	  USER_GOOD, EINVAL },
	{ "userspace_addr not page aligned",
	  { .slot = 1, .guest_phys_addr = FREE_GPA, .size = PAGE_SIZE },
	  USER_UNALIGNED, EINVAL },
	/* Wraps to 0x1000: below the limit, so only the wrap check sees it. */
	{ "guest range wraps past 2^64",
	  { .slot = 1, .guest_phys_addr = 0xfffffffffffff000ULL,
	    .size = 2 * PAGE_SIZE }, USER_GOOD, EINVAL },
	{ "guest range ends beyond 1 << guest_phys_bits",
	  { .slot = 1, .guest_phys_addr = GPA_LAST_PAGE_BELOW_LIMIT,
	    .size = 2 * PAGE_SIZE }, USER_GOOD, EINVAL },
	{ "guest range starts at 1 << guest_phys_bits",
	  { .slot = 1, .guest_phys_addr = GPA_AT_LIMIT,
	    .size = PAGE_SIZE }, USER_GOOD, EINVAL },
	{ "size > max_slot_size",
	  { .slot = 1, .guest_phys_addr = FREE_GPA,
	    .size = SIZE_ABOVE_MAX }, USER_GOOD, EINVAL },
	{ "user range not mapped",
	  { .slot = 1, .guest_phys_addr = FREE_GPA, .size = 4 * PAGE_SIZE },
	  USER_UNMAPPED, EFAULT },
	{ "user range read-only for a writable slot",
	  { .slot = 1, .guest_phys_addr = FREE_GPA, .size = 4 * PAGE_SIZE },
	  USER_READONLY, EFAULT },
	{ "user range whose last page is PROT_NONE",
	  { .slot = 1, .guest_phys_addr = FREE_GPA, .size = 4 * PAGE_SIZE },
	  USER_PARTIAL, EFAULT },
	{ "user range in the kernel half",
	  { .slot = 1, .guest_phys_addr = FREE_GPA, .size = 4 * PAGE_SIZE },
	  USER_KERNEL, EFAULT },
	/* Slot 0 covers guest 0x0-0x3fff from here on. */
	{ "slot id in use",
	  { .slot = 0, .guest_phys_addr = FREE_GPA, .size = PAGE_SIZE },
	  USER_GOOD, EEXIST },
	{ "guest range overlaps another slot (inside)",
	  { .slot = 1, .guest_phys_addr = 0x2000, .size = PAGE_SIZE },
	  USER_GOOD, EEXIST },
	{ "guest range overlaps another slot (straddles its end)",
	  { .slot = 1, .guest_phys_addr = 0x3000, .size = 2 * PAGE_SIZE },
	  USER_GOOD, EEXIST },
	{ "guest range overlaps another slot (covers it)",
	  { .slot = 1, .guest_phys_addr = 0x0, .size = 8 * PAGE_SIZE },
	  USER_GOOD, EEXIST },
};

/* The request of a case, placeholders resolved from the capabilities. */
static struct vmctl_memory_slot slot_case_request(const struct slot_case *c)
{
	__u64 phys_limit = 1ULL << caps.guest_phys_bits;
	struct vmctl_memory_slot slot = c->slot;

	if (slot.guest_phys_addr == GPA_LAST_PAGE_BELOW_LIMIT)
		slot.guest_phys_addr = phys_limit - PAGE_SIZE;
	else if (slot.guest_phys_addr == GPA_AT_LIMIT)
		slot.guest_phys_addr = phys_limit;
	if (slot.size == SIZE_ABOVE_MAX)
		slot.size = caps.max_slot_size + PAGE_SIZE;
	slot.userspace_addr = user_address(c->range);
	return slot;
}

/* Results test_slot_cases() prints besides one per case. */
#define SLOT_CHECKS		4

static void test_slot_cases(int vm_fd)
{
	struct vmctl_memory_slot slot0 = {
		.slot = 0, .guest_phys_addr = 0, .size = 4 * PAGE_SIZE,
		.userspace_addr = (uintptr_t)guest_mem,
	};
	struct vmctl_usage before, after;
	char what[160];
	unsigned int i;

	expect_errno(sys_ioctl(vm_fd, VMCTL_SET_MEMORY_SLOT, NULL), EFAULT,
		     "SET_MEMORY_SLOT NULL pointer");
	before = get_usage();
	expect_success(sys_ioctl(vm_fd, VMCTL_SET_MEMORY_SLOT, &slot0),
		       "SET_MEMORY_SLOT slot 0, 4 pages at guest 0");
	after = get_usage();
	tap_ok(after.pinned_pages == before.pinned_pages + 4,
	       "slot 0 pins its 4 pages (pinned_pages %llu -> %llu)",
	       (unsigned long long)before.pinned_pages,
	       (unsigned long long)after.pinned_pages);

	before = get_usage();
	for (i = 0; i < ARRAY_SIZE(slot_cases); i++) {
		struct vmctl_memory_slot slot = slot_case_request(&slot_cases[i]);
		long ret;

		ret = sys_ioctl(vm_fd, VMCTL_SET_MEMORY_SLOT, &slot);
		snprintf(what, sizeof(what), "SET_MEMORY_SLOT %s", slot_cases[i].what);
		expect_errno(ret, slot_cases[i].expected, what);
		if (ret == 0) {
			struct vmctl_slot_id id = { .slot = slot.slot };

			if (sys_ioctl(vm_fd, VMCTL_DELETE_MEMORY_SLOT, &id))
				tap_bail("DELETE_MEMORY_SLOT of the slot that should have failed");
		}
	}
	after = get_usage();
	tap_ok(after.pinned_pages == before.pinned_pages &&
	       after.kernel_bytes == before.kernel_bytes &&
	       after.kernel_pages == before.kernel_pages,
	       "failed SET_MEMORY_SLOTs leave nothing pinned or allocated");
}

static void test_delete_slot(int vm_fd)
{
	struct vmctl_slot_id id;
	struct vmctl_usage before, after;

	expect_errno(sys_ioctl(vm_fd, VMCTL_DELETE_MEMORY_SLOT, NULL), EFAULT,
		     "DELETE_MEMORY_SLOT NULL pointer");
	id = (struct vmctl_slot_id){ .slot = VMCTL_MAX_SLOTS };
	expect_errno(sys_ioctl(vm_fd, VMCTL_DELETE_MEMORY_SLOT, &id), EINVAL,
		     "DELETE_MEMORY_SLOT slot >= VMCTL_MAX_SLOTS");
	id = (struct vmctl_slot_id){ .slot = 0, .pad = 1 };
	expect_errno(sys_ioctl(vm_fd, VMCTL_DELETE_MEMORY_SLOT, &id), EINVAL,
		     "DELETE_MEMORY_SLOT pad != 0");
	id = (struct vmctl_slot_id){ .slot = 5 };
	expect_errno(sys_ioctl(vm_fd, VMCTL_DELETE_MEMORY_SLOT, &id), ENOENT,
		     "DELETE_MEMORY_SLOT of a slot that does not exist");

	before = get_usage();
	id = (struct vmctl_slot_id){ .slot = 0 };
	expect_success(sys_ioctl(vm_fd, VMCTL_DELETE_MEMORY_SLOT, &id),
		       "DELETE_MEMORY_SLOT slot 0");
	after = get_usage();
	tap_ok(after.pinned_pages + 4 == before.pinned_pages,
	       "deleting slot 0 unpins its 4 pages");
	expect_errno(sys_ioctl(vm_fd, VMCTL_DELETE_MEMORY_SLOT, &id), ENOENT,
		     "DELETE_MEMORY_SLOT slot 0 again");
}

/* ------------------------------------------------------------------------ */
/* vCPUs                                                                      */
/* ------------------------------------------------------------------------ */

static int test_create_vcpu(int vm_fd)
{
	struct vmctl_create_vcpu create;
	long fd;

	expect_errno(sys_ioctl(vm_fd, VMCTL_CREATE_VCPU, NULL), EFAULT,
		     "CREATE_VCPU NULL pointer");
	create = (struct vmctl_create_vcpu){ .vcpu_id = caps.max_vcpus };
	expect_errno(sys_ioctl(vm_fd, VMCTL_CREATE_VCPU, &create), EINVAL,
		     "CREATE_VCPU vcpu_id >= max_vcpus");
	create = (struct vmctl_create_vcpu){ .vcpu_id = UINT32_MAX };
	expect_errno(sys_ioctl(vm_fd, VMCTL_CREATE_VCPU, &create), EINVAL,
		     "CREATE_VCPU vcpu_id = UINT32_MAX");
	create = (struct vmctl_create_vcpu){ .flags = 1 };
	expect_errno(sys_ioctl(vm_fd, VMCTL_CREATE_VCPU, &create), EINVAL,
		     "CREATE_VCPU flags != 0");
	create = (struct vmctl_create_vcpu){ .reserved = { 0, 1 } };
	expect_errno(sys_ioctl(vm_fd, VMCTL_CREATE_VCPU, &create), EINVAL,
		     "CREATE_VCPU reserved != 0");

	create = (struct vmctl_create_vcpu){ .vcpu_id = 0 };
	fd = sys_ioctl(vm_fd, VMCTL_CREATE_VCPU, &create);
	expect_success(fd, "CREATE_VCPU id 0");
	if (fd < 0)
		tap_bail("no vCPU, cannot go on");
	tap_ok(fd_is_cloexec((int)fd), "vCPU fd is close-on-exec");
	expect_errno(sys_ioctl(vm_fd, VMCTL_CREATE_VCPU, &create), EEXIST,
		     "CREATE_VCPU id 0 again");
	return (int)fd;
}

static void expect_mmap_errno(int fd, size_t length, int prot, int flags,
			      off_t offset, int expected, const char *what)
{
	void *p = mmap(NULL, length, prot, flags, fd, offset);
	long ret = p == MAP_FAILED ? -errno : 0;

	expect_errno(ret, expected, what);
	if (p != MAP_FAILED && munmap(p, length))
		tap_bail("munmap of a mapping that should have failed: %s", strerror(errno));
}

static struct vmctl_run *test_mmap(int vcpu_fd)
{
	struct vmctl_run *run;

	expect_mmap_errno(vcpu_fd, 2 * VMCTL_RUN_MMAP_SIZE, PROT_READ | PROT_WRITE,
			  MAP_SHARED, 0, EINVAL, "mmap of two pages");
	expect_mmap_errno(vcpu_fd, VMCTL_RUN_MMAP_SIZE, PROT_READ | PROT_WRITE,
			  MAP_SHARED, VMCTL_RUN_MMAP_SIZE, EINVAL,
			  "mmap at offset one page");
	expect_mmap_errno(vcpu_fd, VMCTL_RUN_MMAP_SIZE, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE, 0, EINVAL, "mmap MAP_PRIVATE");
	expect_mmap_errno(vcpu_fd, VMCTL_RUN_MMAP_SIZE,
			  PROT_READ | PROT_WRITE | PROT_EXEC, MAP_SHARED, 0,
			  EPERM, "mmap PROT_EXEC");

	run = mmap(NULL, VMCTL_RUN_MMAP_SIZE, PROT_READ | PROT_WRITE,
		   MAP_SHARED, vcpu_fd, 0);
	expect_success(run == MAP_FAILED ? -errno : 0, "mmap of the run page");
	if (run == MAP_FAILED)
		return NULL;
	tap_ok(mprotect(run, VMCTL_RUN_MMAP_SIZE, PROT_READ | PROT_EXEC) != 0,
	       "run page cannot be made executable");
	return run;
}

/*
 * SET_SREGS: each case starts from a valid state (one SET_SREGS accepts)
 * and changes one thing, so that it breaks exactly one documented rule.
 */
enum sregs_base {
	BASE_RESET,		/* the new vCPU's reset state: real mode, CR0 CD|NW|ET */
	BASE_LONG,		/* long mode: CR0 PE|PG|ET, CR4.PAE, EFER.LME (LMA) */
	NR_BASES,
};

static const char *const base_names[NR_BASES] = {
	[BASE_RESET]	= "reset state",
	[BASE_LONG]	= "long mode",
};

static const struct sregs_case {
	const char *what;
	enum sregs_base base;
	__u64 cr0_set, cr0_clear, cr3, cr4_set, cr4_clear, efer_set, cr8;
	int reserved, segment_pad, dtable_pad;
} sregs_cases[] = {
	{ "CR0 reserved bit 63", BASE_RESET, .cr0_set = BIT_ULL(63) },
	{ "CR0.PG without CR0.PE", BASE_RESET, .cr0_set = CR0_PG },
	{ "CR0.NW without CR0.CD", BASE_RESET, .cr0_clear = CR0_CD },
	{ "CR3 bit 63 (beyond the physical-address width)", BASE_RESET, .cr3 = BIT_ULL(63) },
	{ "CR4.VMXE", BASE_RESET, .cr4_set = CR4_VMXE },
	{ "CR4 reserved bit 63", BASE_RESET, .cr4_set = BIT_ULL(63) },
	{ "EFER reserved bit 63", BASE_RESET, .efer_set = BIT_ULL(63) },
	{ "CR8 > 15", BASE_RESET, .cr8 = 16 },
	{ "reserved[] != 0", BASE_RESET, .reserved = 1 },
	{ "segment pad != 0", BASE_RESET, .segment_pad = 1 },
	{ "descriptor-table pad != 0", BASE_RESET, .dtable_pad = 1 },
	{ "EFER.LME and CR0.PG without CR4.PAE", BASE_LONG, .cr4_clear = CR4_PAE },
};

/* RFLAGS values SET_REGS refuses: bit 1 clear, or a reserved bit set. */
static const struct {
	const char *what;
	__u64 rflags;
} rflags_cases[] = {
	{ "RFLAGS bit 1 clear", 0 },
	{ "RFLAGS reserved bit 3", RFLAGS_FIXED | BIT_ULL(3) },
	{ "RFLAGS reserved bit 5", RFLAGS_FIXED | BIT_ULL(5) },
	{ "RFLAGS reserved bit 15", RFLAGS_FIXED | BIT_ULL(15) },
	{ "RFLAGS reserved bit 22", RFLAGS_FIXED | BIT_ULL(22) },
	{ "RFLAGS reserved bit 63", RFLAGS_FIXED | BIT_ULL(63) },
};

/* Results test_register_ioctls() prints besides one per case, per base. */
#define REGISTER_CHECKS		(6 + 1 + 1 + 2 * NR_BASES)

static struct vmctl_sregs make_base(const struct vmctl_sregs *reset, enum sregs_base base)
{
	struct vmctl_sregs s = *reset;

	if (base == BASE_LONG) {
		s.cr0 = CR0_PE | CR0_PG | CR0_ET;
		s.cr4 = CR4_PAE;
		s.efer = EFER_LME;
	}
	return s;
}

static void test_register_ioctls(int vcpu_fd)
{
	struct vmctl_regs regs, bad_regs;
	struct vmctl_sregs reset, base, bad, now;
	char what[160];
	unsigned int i;
	int b;
	long ret;

	expect_errno(sys_ioctl(vcpu_fd, _IO(VMCTL_IOCTL_MAGIC, 0x7f), NULL),
		     ENOTTY, "vCPU fd unknown ioctl");
	expect_errno(sys_ioctl(vcpu_fd, VMCTL_CREATE_VCPU, NULL), ENOTTY,
		     "vCPU fd given a VM ioctl");
	expect_errno(sys_ioctl(vcpu_fd, VMCTL_GET_REGS, NULL), EFAULT,
		     "GET_REGS NULL pointer");
	expect_errno(sys_ioctl(vcpu_fd, VMCTL_SET_REGS, NULL), EFAULT,
		     "SET_REGS NULL pointer");
	expect_errno(sys_ioctl(vcpu_fd, VMCTL_GET_SREGS, NULL), EFAULT,
		     "GET_SREGS NULL pointer");
	expect_errno(sys_ioctl(vcpu_fd, VMCTL_SET_SREGS, NULL), EFAULT,
		     "SET_SREGS NULL pointer");

	if (sys_ioctl(vcpu_fd, VMCTL_GET_REGS, &regs) ||
	    sys_ioctl(vcpu_fd, VMCTL_GET_SREGS, &reset))
		tap_bail("GET_REGS/GET_SREGS");

	for (i = 0; i < ARRAY_SIZE(rflags_cases); i++) {
		bad_regs = regs;
		bad_regs.rflags = rflags_cases[i].rflags;
		snprintf(what, sizeof(what), "SET_REGS %s", rflags_cases[i].what);
		expect_errno(sys_ioctl(vcpu_fd, VMCTL_SET_REGS, &bad_regs), EINVAL, what);
	}
	expect_success(sys_ioctl(vcpu_fd, VMCTL_SET_REGS, &regs),
		       "SET_REGS of what GET_REGS returned");

	for (b = 0; b < NR_BASES; b++) {
		base = make_base(&reset, b);
		snprintf(what, sizeof(what), "SET_SREGS of a valid %s", base_names[b]);
		ret = sys_ioctl(vcpu_fd, VMCTL_SET_SREGS, &base);
		expect_success(ret, what);
		if (ret || sys_ioctl(vcpu_fd, VMCTL_GET_SREGS, &base))
			tap_bail("cannot start from a valid %s", base_names[b]);
		for (i = 0; i < ARRAY_SIZE(sregs_cases); i++) {
			const struct sregs_case *c = &sregs_cases[i];

			if (c->base != (enum sregs_base)b)
				continue;
			bad = base;
			bad.cr0 = (bad.cr0 | c->cr0_set) & ~c->cr0_clear;
			bad.cr4 = (bad.cr4 | c->cr4_set) & ~c->cr4_clear;
			bad.efer |= c->efer_set;
			if (c->cr3)
				bad.cr3 = c->cr3;
			if (c->cr8)
				bad.cr8 = c->cr8;
			if (c->reserved)
				bad.reserved[7] = 1;
			if (c->segment_pad)
				bad.ds.pad = 1;
			if (c->dtable_pad)
				bad.idt.pad[2] = 1;
			snprintf(what, sizeof(what), "SET_SREGS from the %s: %s",
				 base_names[b], c->what);
			expect_errno(sys_ioctl(vcpu_fd, VMCTL_SET_SREGS, &bad), EINVAL, what);
		}
		ret = sys_ioctl(vcpu_fd, VMCTL_GET_SREGS, &now);
		tap_ok(ret == 0 && !memcmp(&now, &base, sizeof(now)),
		       "failed SET_SREGS from the %s change nothing", base_names[b]);
	}
	expect_success(sys_ioctl(vcpu_fd, VMCTL_SET_SREGS, &reset),
		       "SET_SREGS of what GET_SREGS returned");
}

/*
 * With the fd table full, CREATE_VM and CREATE_VCPU fail with -EMFILE at
 * their very last step, and must undo all the steps before it: the
 * accounting returns to where it was and the vCPU id is free again.
 */
static void test_no_free_fd(int vm_fd)
{
	struct vmctl_create_vcpu create_vcpu = { .vcpu_id = 3 };
	struct vmctl_create_vm create_vm = { 0 };
	struct vmctl_usage before, after;
	struct rlimit saved, full;
	long ret;
	int lowest_free;

	lowest_free = dup(dev_fd);
	if (lowest_free < 0 || getrlimit(RLIMIT_NOFILE, &saved))
		tap_bail("dup/getrlimit");
	if (close(lowest_free))
		tap_bail("close: %s", strerror(errno));
	full = saved;
	full.rlim_cur = lowest_free;

	before = get_usage();
	if (setrlimit(RLIMIT_NOFILE, &full))
		tap_bail("setrlimit");
	expect_errno(sys_ioctl(dev_fd, VMCTL_CREATE_VM, &create_vm), EMFILE,
		     "CREATE_VM with the fd table full");
	expect_errno(sys_ioctl(vm_fd, VMCTL_CREATE_VCPU, &create_vcpu), EMFILE,
		     "CREATE_VCPU with the fd table full");
	if (setrlimit(RLIMIT_NOFILE, &saved))
		tap_bail("setrlimit");
	after = get_usage();
	tap_ok(after.vms == before.vms && after.vcpus == before.vcpus &&
	       after.kernel_pages == before.kernel_pages &&
	       after.kernel_bytes == before.kernel_bytes,
	       "failed CREATE_VM and CREATE_VCPU leave nothing allocated");
	ret = sys_ioctl(vm_fd, VMCTL_CREATE_VCPU, &create_vcpu);
	expect_success(ret, "CREATE_VCPU of the id that failed with EMFILE");
	if (ret >= 0 && close((int)ret))
		tap_bail("close of vCPU 3: %s", strerror(errno));
}

/* ------------------------------------------------------------------------ */
/* Ownership: a forked child shares the fds but must get -EIO                 */
/* ------------------------------------------------------------------------ */

enum child_check {
	CHILD_SET_SLOT,
	CHILD_CREATE_VCPU,
	CHILD_VM_UNKNOWN,
	CHILD_GET_REGS,
	CHILD_RUN,
	CHILD_MMAP,
	CHILD_CHECKS,
};

static const char *const child_check_names[CHILD_CHECKS] = {
	[CHILD_SET_SLOT]	= "SET_MEMORY_SLOT",
	[CHILD_CREATE_VCPU]	= "CREATE_VCPU",
	[CHILD_VM_UNKNOWN]	= "an unknown VM ioctl",
	[CHILD_GET_REGS]	= "GET_REGS",
	[CHILD_RUN]		= "RUN",
	[CHILD_MMAP]		= "mmap of the run page",
};

static void test_forked_child(int vm_fd, int vcpu_fd)
{
	long *results = mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE,
			     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	struct vmctl_create_vcpu create = { .vcpu_id = 7 };
	struct vmctl_memory_slot slot = {
		.slot = 9, .guest_phys_addr = 0x200000, .size = PAGE_SIZE,
		.userspace_addr = (uintptr_t)guest_mem,
	};
	struct vmctl_regs regs;
	char what[160];
	int status;
	pid_t pid;
	int i;

	if (results == MAP_FAILED)
		tap_bail("mmap of the result page");
	pid = fork();
	if (pid < 0)
		tap_bail("fork");
	if (pid == 0) {
		void *p;

		results[CHILD_SET_SLOT] = sys_ioctl(vm_fd, VMCTL_SET_MEMORY_SLOT, &slot);
		results[CHILD_CREATE_VCPU] = sys_ioctl(vm_fd, VMCTL_CREATE_VCPU, &create);
		results[CHILD_VM_UNKNOWN] = sys_ioctl(vm_fd, _IO(VMCTL_IOCTL_MAGIC, 0x7f),
						      NULL);
		results[CHILD_GET_REGS] = sys_ioctl(vcpu_fd, VMCTL_GET_REGS, &regs);
		results[CHILD_RUN] = sys_ioctl(vcpu_fd, VMCTL_RUN, NULL);
		p = mmap(NULL, VMCTL_RUN_MMAP_SIZE, PROT_READ | PROT_WRITE,
			 MAP_SHARED, vcpu_fd, 0);
		results[CHILD_MMAP] = p == MAP_FAILED ? -errno : 0;
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		tap_bail("forked child did not exit");
	for (i = 0; i < CHILD_CHECKS; i++) {
		snprintf(what, sizeof(what), "%s from a forked child",
			 child_check_names[i]);
		expect_errno(results[i], EIO, what);
	}
	if (munmap(results, PAGE_SIZE))
		tap_bail("munmap of the result page: %s", strerror(errno));
}

/* ------------------------------------------------------------------------ */
/* RUN: busy from a second thread, and refused after a shutdown               */
/* ------------------------------------------------------------------------ */

static void on_signal(int sig)
{
	(void)sig;
}

struct runner {
	int vcpu_fd;
	long ret;
};

static void *run_vcpu(void *arg)
{
	struct runner *runner = arg;

	runner->ret = sys_ioctl(runner->vcpu_fd, VMCTL_RUN, NULL);
	return NULL;
}

static void set_real_mode_entry(int vcpu_fd, __u64 rip, __u64 rflags,
				int idt_limit_zero)
{
	struct vmctl_regs regs;
	struct vmctl_sregs sregs;

	if (sys_ioctl(vcpu_fd, VMCTL_GET_REGS, &regs) ||
	    sys_ioctl(vcpu_fd, VMCTL_GET_SREGS, &sregs))
		tap_bail("GET_REGS/GET_SREGS");
	regs.rip = rip;
	regs.rflags = rflags;
	sregs.cs.selector = 0;
	sregs.cs.base = 0;
	if (idt_limit_zero) {
		sregs.idt.base = 0;
		sregs.idt.limit = 0;
	}
	if (sys_ioctl(vcpu_fd, VMCTL_SET_REGS, &regs) ||
	    sys_ioctl(vcpu_fd, VMCTL_SET_SREGS, &sregs))
		tap_bail("SET_REGS/SET_SREGS for a real-mode entry");
}

static int elapsed_ms(const struct timespec *start)
{
	struct timespec now;

	if (clock_gettime(CLOCK_MONOTONIC, &now))
		tap_bail("clock_gettime: %s", strerror(errno));
	return (int)((now.tv_sec - start->tv_sec) * 1000 +
		     (now.tv_nsec - start->tv_nsec) / 1000000);
}

/*
 * Guest page 1 holds "jmp $": a vCPU that stays in RUN until a signal.
 * Meanwhile this thread's ioctls on it must get -EBUSY.  The guest spins
 * with RFLAGS.IF set: measured in Bochs 2.7, a guest spinning with IF clear
 * got no external-interrupt exits and froze a one-CPU machine for good.
 * That hang is for the backend (or the emulator) to settle, and not what
 * this test is about.
 */
static void test_busy(int vm_fd)
{
	struct vmctl_create_vcpu create = { .vcpu_id = 1 };
	struct runner runner;
	struct vmctl_regs regs;
	struct timespec start;
	pthread_t thread;
	long ret = 0;

	runner.vcpu_fd = (int)sys_ioctl(vm_fd, VMCTL_CREATE_VCPU, &create);
	if (runner.vcpu_fd < 0)
		tap_bail("CREATE_VCPU id 1");
	guest_mem[0x1000] = 0xeb;	/* jmp $ */
	guest_mem[0x1001] = 0xfe;
	set_real_mode_entry(runner.vcpu_fd, 0x1000, RFLAGS_FIXED | RFLAGS_IF, 0);
	runner.ret = 1;

	if (pthread_create(&thread, NULL, run_vcpu, &runner))
		tap_bail("pthread_create");
	if (clock_gettime(CLOCK_MONOTONIC, &start))
		tap_bail("clock_gettime: %s", strerror(errno));
	while (elapsed_ms(&start) < 10000) {
		ret = sys_ioctl(runner.vcpu_fd, VMCTL_GET_REGS, &regs);
		if (ret == -EBUSY || runner.ret != 1)
			break;
		usleep(1000);
	}
	expect_errno(ret, EBUSY, "GET_REGS while another thread is in RUN");
	expect_errno(sys_ioctl(runner.vcpu_fd, VMCTL_RUN, NULL), EBUSY,
		     "RUN while another thread is in RUN");

	if (clock_gettime(CLOCK_MONOTONIC, &start))
		tap_bail("clock_gettime: %s", strerror(errno));
	while (runner.ret == 1 && elapsed_ms(&start) < 10000) {
		if (pthread_kill(thread, SIGUSR1))
			tap_bail("pthread_kill");
		usleep(10000);
	}
	if (runner.ret == 1)
		tap_bail("RUN of a guest in a loop ignores signals");
	if (pthread_join(thread, NULL))
		tap_bail("pthread_join");
	expect_errno(runner.ret, EINTR, "a signal ends RUN");
	expect_success(sys_ioctl(runner.vcpu_fd, VMCTL_GET_REGS, &regs),
		       "GET_REGS after RUN returned");
	if (close(runner.vcpu_fd))
		tap_bail("close of vCPU 1: %s", strerror(errno));
}

/* A guest that never exits would hang the test: SIGALRM ends RUN with -EINTR. */
static long run_with_timeout(int vcpu_fd)
{
	long ret;

	alarm(10);
	ret = sys_ioctl(vcpu_fd, VMCTL_RUN, NULL);
	alarm(0);
	return ret;
}

/*
 * Guest page 2 holds INT3 with a real-mode IDT limit of 0: the #BP, the #GP
 * it raises and the #DF all miss the IDT, so the vCPU triple-faults.
 */
static void test_run_after_shutdown(int vm_fd)
{
	struct vmctl_create_vcpu create = { .vcpu_id = 2 };
	struct vmctl_run *run;
	long ret;
	int fd;

	fd = (int)sys_ioctl(vm_fd, VMCTL_CREATE_VCPU, &create);
	if (fd < 0)
		tap_bail("CREATE_VCPU id 2");
	run = mmap(NULL, VMCTL_RUN_MMAP_SIZE, PROT_READ | PROT_WRITE,
		   MAP_SHARED, fd, 0);
	if (run == MAP_FAILED)
		tap_bail("mmap of vCPU 2's run page");
	guest_mem[0x2000] = 0xcc;	/* int3 */
	set_real_mode_entry(fd, 0x2000, RFLAGS_FIXED, 1);

	ret = run_with_timeout(fd);
	if (!tap_ok(ret == 0 && run->exit_reason == VMCTL_EXIT_SHUTDOWN,
		    "INT3 with an empty real-mode IDT exits with VMCTL_EXIT_SHUTDOWN"))
		tap_diag("    RUN returned %ld (%s), exit_reason %u", ret,
			 errno_name(ret), run->exit_reason);
	expect_errno(run_with_timeout(fd), EINVAL, "RUN after a shutdown");
	if (munmap(run, VMCTL_RUN_MMAP_SIZE) || close(fd))
		tap_bail("tearing down vCPU 2: %s", strerror(errno));
}

/*
 * The plan, counted up front: each test_*() prints a fixed number of
 * results besides one per entry of its case table.
 */
#define SYSTEM_CHECKS		10	/* test_system_ioctls() */
#define VM_FD_CHECKS		3	/* main() */
#define DELETE_CHECKS		7	/* test_delete_slot() */
#define CREATE_VCPU_CHECKS	8	/* test_create_vcpu() */
#define NO_FREE_FD_CHECKS	4	/* test_no_free_fd() */
#define MMAP_CHECKS		6	/* test_mmap() */
#define BUSY_CHECKS		4	/* test_busy() */
#define SHUTDOWN_CHECKS		2	/* test_run_after_shutdown() */
#define PLANNED_CHECKS	(SYSTEM_CHECKS + VM_FD_CHECKS +				\
			 SLOT_CHECKS + ARRAY_SIZE(slot_cases) + DELETE_CHECKS +	\
			 CREATE_VCPU_CHECKS + NO_FREE_FD_CHECKS + MMAP_CHECKS +	\
			 REGISTER_CHECKS + ARRAY_SIZE(rflags_cases) +		\
			 ARRAY_SIZE(sregs_cases) + CHILD_CHECKS + BUSY_CHECKS +	\
			 SHUTDOWN_CHECKS)

int main(void)
{
	struct vmctl_memory_slot slot = {
		.slot = 0, .guest_phys_addr = 0, .size = 4 * PAGE_SIZE,
	};
	struct sigaction sa;
	struct vmctl_run *run;
	int vm_fd, vcpu_fd;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	if (sigaction(SIGUSR1, &sa, NULL) || sigaction(SIGALRM, &sa, NULL))
		tap_bail("sigaction: %s", strerror(errno));

	tap_plan(PLANNED_CHECKS);
	dev_fd = open("/dev/" VMCTL_DEVICE_NAME, O_RDWR | O_CLOEXEC);
	if (dev_fd < 0)
		tap_bail("open /dev/vmctl: %s", strerror(errno));
	guest_mem = mmap(NULL, GUEST_PAGES * PAGE_SIZE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (guest_mem == MAP_FAILED)
		tap_bail("mmap of guest memory");
	map_special_ranges();

	test_system_ioctls();

	vm_fd = create_vm();
	tap_ok(fd_is_cloexec(vm_fd), "VM fd is close-on-exec");
	expect_errno(sys_ioctl(vm_fd, _IO(VMCTL_IOCTL_MAGIC, 0x7f), NULL),
		     ENOTTY, "VM fd unknown ioctl");
	expect_errno(sys_ioctl(vm_fd, VMCTL_RUN, NULL), ENOTTY,
		     "VM fd given a vCPU ioctl");
	test_slot_cases(vm_fd);
	test_delete_slot(vm_fd);

	vcpu_fd = test_create_vcpu(vm_fd);
	test_no_free_fd(vm_fd);
	run = test_mmap(vcpu_fd);
	test_register_ioctls(vcpu_fd);
	test_forked_child(vm_fd, vcpu_fd);

	slot.userspace_addr = (uintptr_t)guest_mem;
	if (sys_ioctl(vm_fd, VMCTL_SET_MEMORY_SLOT, &slot))
		tap_bail("SET_MEMORY_SLOT for the guest code");
	test_busy(vm_fd);
	test_run_after_shutdown(vm_fd);

	if (run && munmap(run, VMCTL_RUN_MMAP_SIZE))
		tap_bail("munmap of the run page: %s", strerror(errno));
	if (close(vcpu_fd) || close(vm_fd))
		tap_bail("close of the vCPU and VM fds: %s", strerror(errno));
	return tap_finish();
}
