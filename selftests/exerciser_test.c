// SPDX-License-Identifier: GPL-2.0
/*
 * A seeded, bounded random exerciser of the module's whole surface:
 * unknown ioctl numbers, bad pointers, random and wrong fds, random
 * structures (slots that overlap, wrap or point at memory that is not
 * there), a forked child using its parent's fds, and RUN on two CPUs at once
 * with random guest bytes and perturbed register state, a per-thread timer
 * breaking guest loops.
 *
 * Every call's result is compared with what the uapi header allows for
 * that call: an exact answer where a model of the module's rules gives
 * one (slots, vCPU ids, RFLAGS, -EFAULT for bad pointers, -ENOTTY for
 * unknown numbers), and a documented set otherwise.  At the end the module
 * must hold nothing (VMCTL_GET_USAGE back to idle, VMX off) and its
 * reference count must be what it was.  The seed is printed first;
 * VMCTL_SEED=N replays a run (the RUN phase also depends on timing).
 * Raw ioctls, no library: the library would hide the results.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/vmctl.h>

#include "../tests/tap.h"

#define PAGE_SIZE		4096UL
#define POOL_PAGES		64	/* guest memory the slots may use */
#define OPS_PER_PHASE		1500
#define FORK_CHILDREN		3
#define RUN_THREADS		2
#define RUN_ITERATIONS		80	/* per thread: perturbed states tried */
#define RUNS_PER_ITERATION	12
#define RUN_MEM_SIZE		0x10000UL
#define BREAK_TIMER_NS		20000000L	/* 20 ms of wall time per RUN at most */
#define MAX_VMS			3
#define MAX_VCPU_IDS		1024	/* more than caps.max_vcpus (checked) */
#define REFCNT_PATH		"/sys/module/vmctl/refcnt"

/* ---- random numbers: splitmix64, one stream per user ------------------ */

struct rng {
	uint64_t state;
};

static uint64_t rnd(struct rng *r)
{
	uint64_t z = (r->state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static unsigned int rnd_below(struct rng *r, unsigned int n)
{
	return rnd(r) % n;
}

static bool chance(struct rng *r, unsigned int percent)
{
	return rnd_below(r, 100) < percent;
}

static void rnd_fill(struct rng *r, void *buf, size_t len)
{
	uint8_t *p = buf;
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = rnd(r);
}

/* ---- violations: counted per phase, the first few described ---------- */

static int violations;

static void violation(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void violation(const char *fmt, ...)
{
	va_list ap;

	if (violations++ >= 5)
		return;
	printf("#     ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

/* An ioctl's result as the kernel gave it: >= 0, or -errno. */
static long sys_ioctl(int fd, unsigned long cmd, unsigned long arg)
{
	long ret = syscall(SYS_ioctl, fd, cmd, arg);

	return ret < 0 ? -errno : ret;
}

/* Checks ret == want; a returned fd where an error was due is closed. */
static void expect(long ret, long want, const char *what, unsigned long cmd, int fd)
{
	if (ret == want)
		return;
	violation("%s: ioctl(%d, %#lx) returned %ld (%s), expected %ld (%s)", what, fd, cmd,
		  ret, ret < 0 ? strerror(-ret) : "ok", want, want < 0 ? strerror(-want) : "ok");
	if (ret > 2 && want < 0)
		close(ret);
}

/* ---- the objects under test and the model of their state -------------- */

enum fd_kind { KIND_DEV, KIND_VM, KIND_VCPU, KINDS };

struct known_ioctl {
	unsigned long cmd;
	enum fd_kind kind;
	unsigned int size;		/* of the argument, 0 for none */
	bool writes_user;		/* _IOR: the module copies out */
};

static const struct known_ioctl known[] = {
	{ VMCTL_GET_API_VERSION, KIND_DEV, 0, false },
	{ VMCTL_GET_CAPS, KIND_DEV, sizeof(struct vmctl_caps), true },
	{ VMCTL_CREATE_VM, KIND_DEV, sizeof(struct vmctl_create_vm), false },
	{ VMCTL_GET_USAGE, KIND_DEV, sizeof(struct vmctl_usage), true },
	{ VMCTL_SET_MEMORY_SLOT, KIND_VM, sizeof(struct vmctl_memory_slot), false },
	{ VMCTL_DELETE_MEMORY_SLOT, KIND_VM, sizeof(struct vmctl_slot_id), false },
	{ VMCTL_CREATE_VCPU, KIND_VM, sizeof(struct vmctl_create_vcpu), false },
	{ VMCTL_RUN, KIND_VCPU, 0, false },
	{ VMCTL_GET_REGS, KIND_VCPU, sizeof(struct vmctl_regs), true },
	{ VMCTL_SET_REGS, KIND_VCPU, sizeof(struct vmctl_regs), false },
	{ VMCTL_GET_SREGS, KIND_VCPU, sizeof(struct vmctl_sregs), true },
	{ VMCTL_SET_SREGS, KIND_VCPU, sizeof(struct vmctl_sregs), false },
	{ VMCTL_GET_SUPPORTED_CPUID, KIND_DEV, sizeof(struct vmctl_cpuid), true },
	{ VMCTL_SET_CPUID, KIND_VCPU, sizeof(struct vmctl_cpuid), false },
	/* Without a table (never set here) -ENOENT comes before any write. */
	{ VMCTL_GET_CPUID, KIND_VCPU, sizeof(struct vmctl_cpuid), false },
};
#define NKNOWN (sizeof(known) / sizeof(known[0]))

/*
 * The rest of the uapi's ioctls: not exercised here (their own tests own
 * their rules), but never "unknown" on their own kind of fd, so that the
 * random numbers of phase 1 cannot hit one and report a false violation.
 */
static const struct { unsigned long cmd; enum fd_kind kind; } other_ioctls[] = {
	{ VMCTL_GET_MSR_INDEX_LIST, KIND_DEV },
	{ VMCTL_SET_VM_NAME, KIND_VM },
	{ VMCTL_GET_DEBUGREGS, KIND_VCPU }, { VMCTL_SET_DEBUGREGS, KIND_VCPU },
	{ VMCTL_GET_XSAVE, KIND_VCPU }, { VMCTL_SET_XSAVE, KIND_VCPU },
	{ VMCTL_GET_XCRS, KIND_VCPU }, { VMCTL_SET_XCRS, KIND_VCPU },
	{ VMCTL_GET_STATE, KIND_VCPU }, { VMCTL_SET_STATE, KIND_VCPU },
	{ VMCTL_GET_VCPU_DUMP, KIND_VCPU },
	{ VMCTL_GET_MSRS, KIND_VCPU }, { VMCTL_SET_MSRS, KIND_VCPU },
	{ VMCTL_INTERRUPT, KIND_VCPU }, { VMCTL_NMI, KIND_VCPU }, { VMCTL_KICK, KIND_VCPU },
	{ VMCTL_GET_VCPU_EVENTS, KIND_VCPU }, { VMCTL_SET_VCPU_EVENTS, KIND_VCPU },
	{ VMCTL_SET_HLT_MODE, KIND_VCPU },
};

struct model_slot {
	bool used;
	uint64_t gpa, size;
};

struct model_vm {
	int fd;				/* -1: none */
	int vcpu_fd[4];			/* open vCPU fds of this VM, -1: none */
	bool vcpu_used[MAX_VCPU_IDS];	/* ids ever created: a vCPU lives with its VM */
	struct model_slot slots[VMCTL_MAX_SLOTS];
};

static int dev_fd;
static struct vmctl_caps caps;
static struct model_vm vms[MAX_VMS];
/*
 * User memory for slots and pointers, one reservation so that nothing else
 * is ever mapped next to it: PROT_NONE guard pages around a read-write
 * pool, a read-only page, and a read-write page (edge) followed by an
 * inaccessible one (hole).  A range is usable by a slot exactly when all
 * its pages are accessible (writable ones for a writable slot).
 */
enum { GUARD0, POOL0, GUARD1 = POOL0 + POOL_PAGES, RO_PAGE, GUARD2, EDGE, HOLE, GUARD3,
       FIXTURE_PAGES };
static uint8_t *fixture;
static uint8_t *pool;			/* POOL_PAGES pages, read-write */
static uint8_t *ro_page;		/* PROT_READ */
static uint8_t *hole;			/* PROT_NONE */
static uint8_t *edge;			/* read-write, hole follows */

/* The kind of fd that serves cmd, or -1. */
static int known_kind(unsigned long cmd)
{
	unsigned int i;

	for (i = 0; i < NKNOWN; i++)
		if (known[i].cmd == cmd)
			return known[i].kind;
	for (i = 0; i < sizeof(other_ioctls) / sizeof(other_ioctls[0]); i++)
		if (other_ioctls[i].cmd == cmd)
			return other_ioctls[i].kind;
	return -1;
}

static int any_vcpu_fd(struct model_vm *vm)
{
	unsigned int i;

	for (i = 0; i < 4; i++)
		if (vm->vcpu_fd[i] >= 0)
			return vm->vcpu_fd[i];
	return -1;
}

/* The model of no VM: no fds, no vCPU ids, no slots. */
static void vm_forget(struct model_vm *vm)
{
	unsigned int i;

	memset(vm, 0, sizeof(*vm));
	vm->fd = -1;
	for (i = 0; i < 4; i++)
		vm->vcpu_fd[i] = -1;
}

static void vm_close(struct model_vm *vm)
{
	unsigned int i;

	for (i = 0; i < 4; i++)
		if (vm->vcpu_fd[i] >= 0)
			close(vm->vcpu_fd[i]);
	if (vm->fd >= 0)
		close(vm->fd);
	vm_forget(vm);
}

static void vm_open(struct model_vm *vm)
{
	struct vmctl_create_vm req = { 0 };
	struct vmctl_create_vcpu vreq = { 0 };
	long ret;

	vm_close(vm);
	ret = sys_ioctl(dev_fd, VMCTL_CREATE_VM, (unsigned long)&req);
	if (ret < 0)
		tap_bail("VMCTL_CREATE_VM: %s", strerror(-ret));
	vm->fd = ret;
	ret = sys_ioctl(vm->fd, VMCTL_CREATE_VCPU, (unsigned long)&vreq);
	if (ret < 0)
		tap_bail("VMCTL_CREATE_VCPU: %s", strerror(-ret));
	vm->vcpu_fd[0] = ret;
	vm->vcpu_used[0] = true;
}

/* ---- phase 1: ioctl numbers the module does not know -------------------- */

/* A pointer that may or may not be valid: the module must not look at it. */
static unsigned long any_pointer(struct rng *r)
{
	switch (rnd_below(r, 5)) {
	case 0: return 0;
	case 1: return (unsigned long)hole;
	case 2: return 0xffffffff81000000UL;
	case 3: return rnd(r);
	default: return (unsigned long)pool;
	}
}

/*
 * Type bytes of generic ioctls the VFS handles before any driver (FIOCLEX,
 * FIGETBSZ, FS_IOC_*, TCGETS...): a random number in them is not the
 * module's business.
 */
static bool vfs_type(unsigned int type)
{
	return type == 0x00 || type == 0x15 || type == 'T' || type == 'X' ||
	       type == 'f' || type == 0x94;
}

static unsigned long unknown_cmd(struct rng *r, enum fd_kind kind)
{
	for (;;) {
		unsigned long cmd;
		unsigned int i;

		switch (rnd_below(r, 4)) {
		case 0:	/* our magic, any number, direction and size */
			cmd = _IOC(rnd_below(r, 4), VMCTL_IOCTL_MAGIC, rnd_below(r, 256),
				   rnd_below(r, 1 << 14));
			break;
		case 1:	/* a known number with another size or direction */
			i = rnd_below(r, NKNOWN);
			cmd = known[i].cmd ^ (1UL << (16 + rnd_below(r, 16)));
			break;
		case 2:	/* a known number of another fd kind */
			i = rnd_below(r, NKNOWN);
			if (known[i].kind == kind)
				continue;
			cmd = known[i].cmd;
			break;
		default:
			cmd = (uint32_t)rnd(r);
			break;
		}
		if (vfs_type(_IOC_TYPE(cmd)))
			continue;
		if (known_kind(cmd) == (int)kind)
			continue;
		return cmd;
	}
}

static int fd_of_kind(enum fd_kind kind, struct model_vm *vm)
{
	switch (kind) {
	case KIND_DEV: return dev_fd;
	case KIND_VM: return vm->fd;
	default: return any_vcpu_fd(vm);
	}
}

static void phase_unknown_ioctls(struct rng *r)
{
	unsigned int i;

	for (i = 0; i < OPS_PER_PHASE; i++) {
		enum fd_kind kind = rnd_below(r, KINDS);
		unsigned long cmd = unknown_cmd(r, kind);
		int fd = fd_of_kind(kind, &vms[0]);

		expect(sys_ioctl(fd, cmd, any_pointer(r)), -ENOTTY, "unknown ioctl", cmd, fd);
	}
}

/* ---- phase 2: known ioctls with pointers the module cannot use ---------- */

static void phase_bad_pointers(struct rng *r)
{
	unsigned int i;

	for (i = 0; i < OPS_PER_PHASE; i++) {
		const struct known_ioctl *k = &known[rnd_below(r, NKNOWN)];
		int fd = fd_of_kind(k->kind, &vms[0]);
		unsigned long p;

		if (!k->size)
			continue;
		switch (rnd_below(r, 6)) {
		case 0: p = 0; break;
		case 1: p = (unsigned long)hole + rnd_below(r, PAGE_SIZE); break;
		case 2: p = 0xffff888000000000UL + rnd_below(r, 1 << 20); break;
		case 3: p = 0x8000000000000000UL; break;	/* not canonical */
		/* Straddles the end of a mapping: the first bytes are there. */
		case 4: p = (unsigned long)edge + PAGE_SIZE - 1 - rnd_below(r, k->size - 1); break;
		default:
			if (!k->writes_user)
				continue;
			p = (unsigned long)ro_page;	/* readable, not writable */
			break;
		}
		expect(sys_ioctl(fd, k->cmd, p), -EFAULT, "bad pointer", k->cmd, fd);
	}
}

/* ---- phase 3: random structures, judged against a model of the rules ---- */

static uint64_t phys_limit(void)
{
	return caps.guest_phys_bits >= 64 ? 0 : 1ULL << caps.guest_phys_bits;
}

/* Every page of [ua, ua + size) is in the fixture and accessible. */
static bool user_range_ok(uint64_t ua, uint64_t size, bool writable)
{
	uint64_t base = (uintptr_t)fixture, page;

	if (ua < base || size > FIXTURE_PAGES * PAGE_SIZE ||
	    ua - base + size > FIXTURE_PAGES * PAGE_SIZE)
		return false;
	for (page = (ua - base) / PAGE_SIZE; page < (ua - base + size) / PAGE_SIZE; page++) {
		bool rw = (page >= POOL0 && page < GUARD1) || page == EDGE;

		if (!rw && (writable || page != RO_PAGE))
			return false;
	}
	return true;
}

/* The module's slot rules, in the order the uapi header lists them. */
static long slot_expected(const struct model_vm *vm, const struct vmctl_memory_slot *s)
{
	uint64_t valid_flags = caps.features & VMCTL_CAP_READONLY_SLOTS ?
			       VMCTL_SLOT_VALID_FLAGS : 0;
	uint64_t ua = s->userspace_addr;
	unsigned int i;

	if (s->slot >= VMCTL_MAX_SLOTS || (s->flags & ~valid_flags) ||
	    s->reserved[0] || s->reserved[1] || !s->size ||
	    (s->size | s->guest_phys_addr | ua) & (PAGE_SIZE - 1) ||
	    s->size > caps.max_slot_size ||
	    s->guest_phys_addr + s->size <= s->guest_phys_addr ||
	    (phys_limit() && s->guest_phys_addr + s->size > phys_limit()))
		return -EINVAL;
	if (vm->slots[s->slot].used)
		return -EEXIST;
	for (i = 0; i < VMCTL_MAX_SLOTS; i++) {
		const struct model_slot *o = &vm->slots[i];

		if (o->used && s->guest_phys_addr <= o->gpa + o->size - 1 &&
		    o->gpa <= s->guest_phys_addr + s->size - 1)
			return -EEXIST;
	}
	return user_range_ok(ua, s->size, !(s->flags & VMCTL_SLOT_READONLY)) ? 0 : -EFAULT;
}

static uint64_t pick_gpa(struct rng *r, uint64_t size)
{
	switch (rnd_below(r, 8)) {
	case 0: return phys_limit() - size;			/* the last that fits */
	case 1: return phys_limit() - size + PAGE_SIZE;		/* one page beyond */
	case 2: return -size;					/* ends at 2^64 */
	case 3: return rnd(r);
	case 4: return rnd_below(r, 64) * PAGE_SIZE + rnd_below(r, 2) * 8;
	default: return rnd_below(r, 64) * PAGE_SIZE;		/* overlaps likely */
	}
}

static uint64_t pick_size(struct rng *r)
{
	switch (rnd_below(r, 8)) {
	case 0: return 0;
	case 1: return caps.max_slot_size + PAGE_SIZE;
	case 2: return rnd(r);
	case 3: return PAGE_SIZE + 512;
	default: return (1 + rnd_below(r, 8)) * PAGE_SIZE;
	}
}

static uint64_t pick_user(struct rng *r)
{
	switch (rnd_below(r, 8)) {
	case 0: return (uintptr_t)hole;
	case 1: return (uintptr_t)ro_page;
	case 2: return 0xffff888000000000UL;
	case 3: return (uintptr_t)edge;				/* runs off the mapping */
	case 4: return (uintptr_t)pool + 8;
	default: return (uintptr_t)pool + rnd_below(r, POOL_PAGES) * PAGE_SIZE;
	}
}

static void op_set_slot(struct rng *r, struct model_vm *vm)
{
	struct vmctl_memory_slot s = { 0 };
	long want, ret;

	s.slot = chance(r, 90) ? rnd_below(r, 8) : rnd_below(r, 64);
	s.flags = chance(r, 80) ? 0 : chance(r, 50) ? VMCTL_SLOT_READONLY : rnd(r);
	s.size = pick_size(r);
	s.guest_phys_addr = pick_gpa(r, s.size);
	s.userspace_addr = pick_user(r);
	if (chance(r, 5))
		s.reserved[rnd_below(r, 2)] = rnd(r) | 1;
	want = slot_expected(vm, &s);
	ret = sys_ioctl(vm->fd, VMCTL_SET_MEMORY_SLOT, (unsigned long)&s);
	/* -ENOMEM is documented and always allowed. */
	if (ret == -ENOMEM)
		return;
	if (ret != want)
		violation("SET_MEMORY_SLOT slot %u flags %#x gpa %#llx size %#llx user %#llx: %ld, expected %ld",
			  s.slot, s.flags, (unsigned long long)s.guest_phys_addr,
			  (unsigned long long)s.size, (unsigned long long)s.userspace_addr,
			  ret, want);
	if (!ret && s.slot < VMCTL_MAX_SLOTS) {
		vm->slots[s.slot].used = true;
		vm->slots[s.slot].gpa = s.guest_phys_addr;
		vm->slots[s.slot].size = s.size;
	}
}

static void op_delete_slot(struct rng *r, struct model_vm *vm)
{
	struct vmctl_slot_id id = { .slot = rnd_below(r, 40) };
	long want, ret;

	if (chance(r, 5))
		id.pad = rnd(r) | 1;
	if (id.pad || id.slot >= VMCTL_MAX_SLOTS)
		want = -EINVAL;
	else
		want = vm->slots[id.slot].used ? 0 : -ENOENT;
	ret = sys_ioctl(vm->fd, VMCTL_DELETE_MEMORY_SLOT, (unsigned long)&id);
	expect(ret, want, "DELETE_MEMORY_SLOT", VMCTL_DELETE_MEMORY_SLOT, vm->fd);
	if (!ret && id.slot < VMCTL_MAX_SLOTS)
		vm->slots[id.slot].used = false;
}

static void op_create_vcpu(struct rng *r, struct model_vm *vm)
{
	struct vmctl_create_vcpu req = { 0 };
	unsigned int i;
	long want, ret;

	req.vcpu_id = chance(r, 90) ? rnd_below(r, caps.max_vcpus + 1) : rnd(r);
	if (chance(r, 5))
		req.flags = rnd(r) | 1;
	if (chance(r, 5))
		req.reserved[rnd_below(r, 2)] = rnd(r) | 1;
	if (req.vcpu_id >= caps.max_vcpus || req.flags || req.reserved[0] || req.reserved[1])
		want = -EINVAL;
	else if (vm->vcpu_used[req.vcpu_id])
		want = -EEXIST;
	else
		want = 1;	/* an fd */
	ret = sys_ioctl(vm->fd, VMCTL_CREATE_VCPU, (unsigned long)&req);
	if (ret == -ENOMEM || (want == 1 && ret >= 0)) {
		if (ret < 0)
			return;
		vm->vcpu_used[req.vcpu_id] = true;
		for (i = 0; i < 4; i++)
			if (vm->vcpu_fd[i] < 0)
				break;
		if (i < 4)
			vm->vcpu_fd[i] = ret;
		else
			close(ret);	/* the vCPU lives on with its VM */
		return;
	}
	expect(ret, want, "CREATE_VCPU", VMCTL_CREATE_VCPU, vm->fd);
}

/* RFLAGS rules of VMCTL_SET_REGS. */
static bool rflags_valid(uint64_t f)
{
	return (f & 2) && !(f & (1ULL << 3 | 1ULL << 5 | 1ULL << 15)) && !(f >> 22);
}

static void perturb_regs(struct rng *r, struct vmctl_regs *regs)
{
	uint64_t *words = (uint64_t *)regs;
	unsigned int n = sizeof(*regs) / 8, i, flips = 1 + rnd_below(r, 4);

	for (i = 0; i < flips; i++) {
		unsigned int w = rnd_below(r, n);

		if (chance(r, 50))
			words[w] ^= 1ULL << rnd_below(r, 64);
		else
			words[w] = rnd(r);
	}
	if (chance(r, 50))
		regs->rflags = (regs->rflags & 0x3f7fd5) | 2;
}

/* Flips bits in the control registers, EFER and segment fields. */
static void perturb_sregs(struct rng *r, struct vmctl_sregs *s)
{
	unsigned int i, flips = 1 + rnd_below(r, 3);
	__u64 *crs[] = { &s->cr0, &s->cr3, &s->cr4, &s->cr8, &s->efer, &s->cs.base,
			    &s->ss.base, &s->gdt.base, &s->idt.base };
	struct vmctl_segment *segs[] = { &s->cs, &s->ds, &s->es, &s->fs, &s->gs, &s->ss,
					 &s->tr, &s->ldt };

	for (i = 0; i < flips; i++) {
		struct vmctl_segment *seg = segs[rnd_below(r, 8)];

		switch (rnd_below(r, 4)) {
		case 0:
			*crs[rnd_below(r, 9)] ^= 1ULL << rnd_below(r, 64);
			break;
		case 1:
			seg->selector = rnd(r);
			seg->type = rnd_below(r, 16);
			seg->dpl = rnd_below(r, 4);
			break;
		case 2:
			seg->limit = rnd(r);
			seg->db = rnd_below(r, 2);
			seg->l = rnd_below(r, 2);
			seg->g = rnd_below(r, 2);
			break;
		default:
			seg->present = rnd_below(r, 2);
			seg->unusable = rnd_below(r, 2);
			seg->s = rnd_below(r, 2);
			break;
		}
	}
	if (chance(r, 3))
		s->reserved[rnd_below(r, 8)] = rnd(r) | 1;
}

static void op_regs(struct rng *r, struct model_vm *vm)
{
	int fd = any_vcpu_fd(vm);
	struct vmctl_sregs before, s, after;
	struct vmctl_regs regs;
	long ret;

	if (fd < 0)
		return;
	expect(sys_ioctl(fd, VMCTL_GET_REGS, (unsigned long)&regs), 0, "GET_REGS",
	       VMCTL_GET_REGS, fd);
	perturb_regs(r, &regs);
	expect(sys_ioctl(fd, VMCTL_SET_REGS, (unsigned long)&regs),
	       rflags_valid(regs.rflags) ? 0 : -EINVAL, "SET_REGS", VMCTL_SET_REGS, fd);

	expect(sys_ioctl(fd, VMCTL_GET_SREGS, (unsigned long)&before), 0, "GET_SREGS",
	       VMCTL_GET_SREGS, fd);
	s = before;
	perturb_sregs(r, &s);
	ret = sys_ioctl(fd, VMCTL_SET_SREGS, (unsigned long)&s);
	if (ret && ret != -EINVAL)
		violation("SET_SREGS returned %ld (%s): only 0 and -EINVAL are documented",
			  ret, strerror(-ret));
	if (ret) {
		/* "On error nothing changes." */
		expect(sys_ioctl(fd, VMCTL_GET_SREGS, (unsigned long)&after), 0, "GET_SREGS",
		       VMCTL_GET_SREGS, fd);
		if (memcmp(&before, &after, sizeof(before)))
			violation("a refused SET_SREGS changed the state");
	}
}

static void op_dev(struct rng *r)
{
	struct vmctl_create_vm req = { 0 };
	struct vmctl_usage usage;
	struct vmctl_caps c;
	long ret;

	switch (rnd_below(r, 4)) {
	case 0:
		expect(sys_ioctl(dev_fd, VMCTL_GET_API_VERSION, rnd(r)), VMCTL_API_VERSION,
		       "GET_API_VERSION", VMCTL_GET_API_VERSION, dev_fd);
		break;
	case 1:
		expect(sys_ioctl(dev_fd, VMCTL_GET_CAPS, (unsigned long)&c), 0, "GET_CAPS",
		       VMCTL_GET_CAPS, dev_fd);
		if (memcmp(&c, &caps, sizeof(c)))
			violation("GET_CAPS changed between calls");
		break;
	case 2:
		expect(sys_ioctl(dev_fd, VMCTL_GET_USAGE, (unsigned long)&usage), 0,
		       "GET_USAGE", VMCTL_GET_USAGE, dev_fd);
		break;
	default:
		/* One field nonzero: always -EINVAL (a zeroed one is op_vm_cycle's). */
		((uint32_t *)&req)[rnd_below(r, sizeof(req) / 4)] = rnd(r) | 1;
		ret = sys_ioctl(dev_fd, VMCTL_CREATE_VM, (unsigned long)&req);
		expect(ret, -EINVAL, "CREATE_VM with a nonzero field", VMCTL_CREATE_VM, dev_fd);
		break;
	}
}

static void phase_random_structs(struct rng *r)
{
	unsigned int i;

	for (i = 0; i < OPS_PER_PHASE; i++) {
		struct model_vm *vm = &vms[rnd_below(r, MAX_VMS)];

		switch (rnd_below(r, 10)) {
		case 0: case 1: case 2:
			op_set_slot(r, vm);
			break;
		case 3:
			op_delete_slot(r, vm);
			break;
		case 4:
			op_create_vcpu(r, vm);
			break;
		case 5: case 6:
			op_regs(r, vm);
			break;
		case 7: case 8:
			op_dev(r);
			break;
		default:
			/* Now and then a VM goes, fds in random order, and comes back. */
			if (chance(r, 20))
				vm_open(vm);
			break;
		}
	}
}

/* ---- phase 4: fds that are not what the ioctl wants ------------------- */

static void phase_wrong_fds(struct rng *r)
{
	int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC), pipe_fds[2], closed_fd;
	unsigned int i;

	if (null_fd < 0 || pipe2(pipe_fds, O_CLOEXEC))
		tap_bail("open /dev/null or pipe: %s", strerror(errno));
	closed_fd = dup(null_fd);
	if (closed_fd < 0 || close(closed_fd))
		tap_bail("dup/close: %s", strerror(errno));
	for (i = 0; i < OPS_PER_PHASE / 2; i++) {
		const struct known_ioctl *k = &known[rnd_below(r, NKNOWN)];
		unsigned long arg = (unsigned long)pool;
		int fd;
		long want;

		memset(pool, 0, PAGE_SIZE);
		switch (rnd_below(r, 6)) {
		case 0:	fd = null_fd; want = -ENOTTY; break;
		case 1:	fd = pipe_fds[rnd_below(r, 2)]; want = -ENOTTY; break;
		case 2:	fd = closed_fd; want = -EBADF; break;
		case 3:	fd = -1 - (int)rnd_below(r, 1000); want = -EBADF; break;
		default:
			/* A vmctl fd of another kind than the ioctl's. */
			fd = fd_of_kind((k->kind + 1 + rnd_below(r, KINDS - 1)) % KINDS, &vms[0]);
			want = -ENOTTY;
			break;
		}
		expect(sys_ioctl(fd, k->cmd, arg), want, "ioctl on a wrong fd", k->cmd, fd);
	}
	close(null_fd);
	close(pipe_fds[0]);
	close(pipe_fds[1]);
}

/* ---- phase 5: forked children with the parent's fds ------------------- */

/* In the child: every VM and vCPU ioctl and mmap on the parent's fds is -EIO. */
static int child_exercise(struct rng *r)
{
	unsigned int i;
	void *p;

	for (i = 0; i < OPS_PER_PHASE / 4; i++) {
		const struct known_ioctl *k = &known[rnd_below(r, NKNOWN)];
		struct model_vm *vm = &vms[rnd_below(r, MAX_VMS)];
		int fd;

		if (k->kind == KIND_DEV)
			continue;
		fd = fd_of_kind(k->kind, vm);
		if (fd < 0)
			continue;
		rnd_fill(r, pool, PAGE_SIZE);
		if (chance(r, 50))
			memset(pool, 0, PAGE_SIZE);
		expect(sys_ioctl(fd, k->cmd, (unsigned long)pool), -EIO,
		       "the parent's fd in a child", k->cmd, fd);
	}
	p = mmap(NULL, VMCTL_RUN_MMAP_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
		 any_vcpu_fd(&vms[0]), 0);
	if (p != MAP_FAILED || errno != EIO)
		violation("mmap of the parent's run page in a child: %s, expected EIO",
			  p == MAP_FAILED ? strerror(errno) : "mapped");
	/* The child's own VM works, and goes with the child's exit. */
	vm_open(&vms[0]);
	expect(sys_ioctl(vms[0].vcpu_fd[0], VMCTL_GET_REGS, (unsigned long)pool), 0,
	       "GET_REGS on the child's own vCPU", VMCTL_GET_REGS, vms[0].vcpu_fd[0]);
	return violations;
}

static void phase_fork(struct rng *r)
{
	unsigned int i;

	for (i = 0; i < FORK_CHILDREN; i++) {
		struct rng child_rng = { rnd(r) };
		int status;
		pid_t pid;

		fflush(stdout);
		pid = fork();
		if (pid < 0)
			tap_bail("fork: %s", strerror(errno));
		if (!pid) {
			violations = 0;
			_exit(child_exercise(&child_rng) ? 1 : 0);
		}
		if (waitpid(pid, &status, 0) != pid)
			tap_bail("waitpid: %s", strerror(errno));
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			violation("child %u: status %#x", i, status);
	}
	/* The parent's VMs are untouched: a slot the model has is still there. */
	for (i = 0; i < MAX_VMS; i++) {
		struct vmctl_regs regs;
		int fd = any_vcpu_fd(&vms[i]);

		if (fd >= 0)
			expect(sys_ioctl(fd, VMCTL_GET_REGS, (unsigned long)&regs), 0,
			       "GET_REGS after the children", VMCTL_GET_REGS, fd);
	}
}

/* ---- phase 6: RUN with random bytes and perturbed state, two CPUs ----- */

static const char *const run_exit_names[] = {
	[VMCTL_EXIT_NONE] = "none", [VMCTL_EXIT_IO] = "io", [VMCTL_EXIT_HLT] = "hlt",
	[VMCTL_EXIT_SHUTDOWN] = "shutdown", [VMCTL_EXIT_FAIL_ENTRY] = "fail_entry",
	[VMCTL_EXIT_INTERNAL_ERROR] = "internal", [VMCTL_EXIT_INTR] = "intr",
	[VMCTL_EXIT_MMIO] = "mmio", [VMCTL_EXIT_MSR] = "msr",
	[VMCTL_EXIT_HYPERCALL] = "hypercall",
};
#define NEXITS (sizeof(run_exit_names) / sizeof(run_exit_names[0]))

struct runner {
	int cpu;
	struct rng rng;
	pthread_t thread;
	int vm_fd, vcpu_fd;
	struct vmctl_run *run;
	struct vmctl_sregs reset_sregs;	/* a new vCPU's: each state starts here */
	uint8_t *mem;
	unsigned long exits[NEXITS];
	unsigned long eintr, set_refused, entered;
	int violations;
	char first[300];
	char first_fail_entry[128];	/* for the log: what the entry checks said */
};

static pthread_mutex_t violation_lock = PTHREAD_MUTEX_INITIALIZER;

static void runner_violation(struct runner *rn, const char *what, long ret)
{
	pthread_mutex_lock(&violation_lock);
	if (!rn->violations++ && rn->run->exit_reason == VMCTL_EXIT_INTERNAL_ERROR)
		snprintf(rn->first, sizeof(rn->first),
			 "%s: %ld (%s), internal error %u, data 0x%llx 0x%llx 0x%llx", what,
			 ret, ret < 0 ? strerror(-ret) : "ok", rn->run->internal.suberror,
			 (unsigned long long)rn->run->internal.data[0],
			 (unsigned long long)rn->run->internal.data[1],
			 (unsigned long long)rn->run->internal.data[2]);
	else if (rn->violations == 1)
		snprintf(rn->first, sizeof(rn->first), "%s: %ld (%s), exit reason %u%s%.*s", what,
			 ret, ret < 0 ? strerror(-ret) : "ok", rn->run->exit_reason,
			 rn->run->exit_reason == VMCTL_EXIT_FAIL_ENTRY ? ": " : "",
			 rn->run->exit_reason == VMCTL_EXIT_FAIL_ENTRY ? 120 : 0,
			 rn->run->fail_entry.message);
	pthread_mutex_unlock(&violation_lock);
}

static void runner_close(struct runner *rn)
{
	if (rn->run)
		munmap(rn->run, VMCTL_RUN_MMAP_SIZE);
	if (rn->vcpu_fd >= 0)
		close(rn->vcpu_fd);
	if (rn->vm_fd >= 0)
		close(rn->vm_fd);
	rn->run = NULL;
	rn->vcpu_fd = rn->vm_fd = -1;
}

/* A fresh VM: one vCPU, RUN_MEM_SIZE of guest memory at 0. */
static void runner_open(struct runner *rn)
{
	struct vmctl_create_vm req = { 0 };
	struct vmctl_create_vcpu vreq = { 0 };
	struct vmctl_memory_slot slot = {
		.size = RUN_MEM_SIZE, .userspace_addr = (uintptr_t)rn->mem,
	};
	long ret;

	runner_close(rn);
	ret = sys_ioctl(dev_fd, VMCTL_CREATE_VM, (unsigned long)&req);
	if (ret < 0)
		tap_bail("runner: CREATE_VM: %s", strerror(-ret));
	rn->vm_fd = ret;
	ret = sys_ioctl(rn->vm_fd, VMCTL_SET_MEMORY_SLOT, (unsigned long)&slot);
	if (ret < 0)
		tap_bail("runner: SET_MEMORY_SLOT: %s", strerror(-ret));
	ret = sys_ioctl(rn->vm_fd, VMCTL_CREATE_VCPU, (unsigned long)&vreq);
	if (ret < 0)
		tap_bail("runner: CREATE_VCPU: %s", strerror(-ret));
	rn->vcpu_fd = ret;
	rn->run = mmap(NULL, VMCTL_RUN_MMAP_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
		       rn->vcpu_fd, 0);
	if (rn->run == MAP_FAILED)
		tap_bail("runner: mmap of the run page: %s", strerror(errno));
	ret = sys_ioctl(rn->vcpu_fd, VMCTL_GET_SREGS, (unsigned long)&rn->reset_sregs);
	if (ret)
		tap_bail("runner: GET_SREGS: %s", strerror(-ret));
}

#define SPIN_CS		0x100
#define SPIN_IP		0x100

/*
 * Real mode at a random CS:IP in guest memory, random registers, and half
 * the time perturbed segment and control registers; or (spin) a valid
 * state at a JMP to itself, which only the timer can end.
 */
static void runner_set_state(struct runner *rn, bool spin)
{
	struct rng *r = &rn->rng;
	struct vmctl_sregs s = rn->reset_sregs;
	struct vmctl_regs regs;
	uint16_t cs = spin ? SPIN_CS : rnd_below(r, RUN_MEM_SIZE >> 5);
	long ret;

	s.cs.selector = cs;
	s.cs.base = (uint64_t)cs << 4;
	if (!spin && chance(r, 50))
		perturb_sregs(r, &s);
	ret = sys_ioctl(rn->vcpu_fd, VMCTL_SET_SREGS, (unsigned long)&s);
	if (ret == -EINVAL)
		rn->set_refused++;
	else if (ret)
		runner_violation(rn, "SET_SREGS", ret);

	rnd_fill(r, &regs, sizeof(regs));
	regs.rip &= RUN_MEM_SIZE / 2 - 1;
	regs.rsp &= 0xffff;
	/* Arithmetic flags and DF only: no IF, TF, VM, ... unless perturbed. */
	regs.rflags = (regs.rflags & 0xcd5) | 2;
	if (!spin && chance(r, 10))
		regs.rflags ^= 1ULL << rnd_below(r, 64);
	if (spin) {
		struct vmctl_vcpu_events no_events = { 0 };

		regs.rip = SPIN_IP;
		rn->mem[SPIN_CS * 16 + SPIN_IP] = 0xeb;		/* jmp . */
		rn->mem[SPIN_CS * 16 + SPIN_IP + 1] = 0xfe;
		/*
		 * Registers do not touch events: an event whose delivery the
		 * last random guest's exit interrupted would be delivered
		 * first, through that guest's random IVT.
		 */
		ret = sys_ioctl(rn->vcpu_fd, VMCTL_SET_VCPU_EVENTS,
				(unsigned long)&no_events);
		if (ret)
			runner_violation(rn, "SET_VCPU_EVENTS of no events", ret);
	}
	ret = sys_ioctl(rn->vcpu_fd, VMCTL_SET_REGS, (unsigned long)&regs);
	if (ret != (rflags_valid(regs.rflags) ? 0 : -EINVAL))
		runner_violation(rn, "SET_REGS", ret);
}

#define SPIN_EVERY	8	/* one state in SPIN_EVERY spins */

static void on_break_timer(int sig)
{
	(void)sig;
}

static void *runner_thread(void *arg)
{
	struct runner *rn = arg;
	struct sigevent sev = { 0 };
	struct itimerspec its = { 0 };
	cpu_set_t set;
	timer_t timer;
	unsigned int it, i;

	CPU_ZERO(&set);
	CPU_SET(rn->cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		tap_bail("sched_setaffinity(%d): %s", rn->cpu, strerror(errno));
	/* This thread's own timer: a signal to it ends a RUN that loops. */
	sev.sigev_notify = SIGEV_THREAD_ID;
	sev.sigev_signo = SIGUSR1;
	sev._sigev_un._tid = syscall(SYS_gettid);
	if (timer_create(CLOCK_MONOTONIC, &sev, &timer))
		tap_bail("timer_create: %s", strerror(errno));
	its.it_value.tv_nsec = BREAK_TIMER_NS;
	its.it_interval.tv_nsec = BREAK_TIMER_NS;
	if (timer_settime(timer, 0, &its, NULL))
		tap_bail("timer_settime: %s", strerror(errno));

	runner_open(rn);
	for (it = 0; it < RUN_ITERATIONS; it++) {
		bool spin = it % SPIN_EVERY == 0, broken = false;

		rnd_fill(&rn->rng, rn->mem, RUN_MEM_SIZE);
		runner_set_state(rn, spin);
		for (i = 0; i < RUNS_PER_ITERATION; i++) {
			long ret = sys_ioctl(rn->vcpu_fd, VMCTL_RUN, 0);
			uint32_t reason = rn->run->exit_reason;

			if (ret == -EINTR && reason == VMCTL_EXIT_INTR) {
				rn->eintr++;
				if (spin && broken)
					break;	/* twice is enough */
				broken = true;
				continue;
			}
			if (spin) {
				runner_violation(rn, "RUN of a spinning guest", ret);
				break;
			}
			if (ret) {
				runner_violation(rn, "RUN", ret);
				break;
			}
			if (reason >= NEXITS || reason == VMCTL_EXIT_NONE ||
			    reason == VMCTL_EXIT_INTR) {
				runner_violation(rn, "RUN's exit reason", ret);
				break;
			}
			rn->exits[reason]++;
			if (reason != VMCTL_EXIT_FAIL_ENTRY)
				rn->entered++;
			else if (!rn->first_fail_entry[0])
				memcpy(rn->first_fail_entry, rn->run->fail_entry.message,
				       sizeof(rn->first_fail_entry) - 1);
			if (reason == VMCTL_EXIT_IO) {
				uint8_t size = rn->run->io.size;

				if ((size != 1 && size != 2 && size != 4) ||
				    rn->run->io.direction > VMCTL_IO_OUT)
					runner_violation(rn, "an I/O exit's size or direction", size);
				rn->run->io.data = rnd(&rn->rng);
				continue;
			}
			if (reason == VMCTL_EXIT_SHUTDOWN) {
				/* "The vCPU cannot run again": -EINVAL. */
				ret = sys_ioctl(rn->vcpu_fd, VMCTL_RUN, 0);
				if (ret != -EINVAL)
					runner_violation(rn, "RUN after a shutdown", ret);
				runner_open(rn);
			}
			if (reason != VMCTL_EXIT_HLT)
				break;
		}
		if (spin && !broken)
			runner_violation(rn, "the timer never ended the RUN of a spinning guest", 0);
	}
	timer_delete(timer);
	runner_close(rn);
	return NULL;
}

static void phase_run(struct rng *r, int ncpus)
{
	struct runner runners[RUN_THREADS];
	struct sigaction sa = { .sa_handler = on_break_timer };
	unsigned long total[NEXITS] = { 0 }, eintr = 0, entered = 0, refused = 0;
	unsigned int i, e;

	if (sigaction(SIGUSR1, &sa, NULL))
		tap_bail("sigaction: %s", strerror(errno));
	for (i = 0; i < RUN_THREADS; i++) {
		struct runner *rn = &runners[i];

		memset(rn, 0, sizeof(*rn));
		rn->cpu = i % ncpus;
		rn->rng.state = rnd(r);
		rn->vm_fd = rn->vcpu_fd = -1;
		rn->mem = mmap(NULL, RUN_MEM_SIZE, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (rn->mem == MAP_FAILED)
			tap_bail("mmap: %s", strerror(errno));
		if (pthread_create(&rn->thread, NULL, runner_thread, rn))
			tap_bail("pthread_create");
	}
	for (i = 0; i < RUN_THREADS; i++) {
		struct runner *rn = &runners[i];

		if (pthread_join(rn->thread, NULL))
			tap_bail("pthread_join");
		for (e = 0; e < NEXITS; e++)
			total[e] += rn->exits[e];
		eintr += rn->eintr;
		entered += rn->entered;
		refused += rn->set_refused;
		if (rn->violations) {
			violations += rn->violations;
			tap_diag("    CPU %d: %d unexpected results, first: %s", rn->cpu,
				 rn->violations, rn->first);
		}
		if (rn->first_fail_entry[0])
			tap_diag("    CPU %d: first failed entry: %s", rn->cpu,
				 rn->first_fail_entry);
		munmap(rn->mem, RUN_MEM_SIZE);
	}
	tap_diag("    exits: io %lu hlt %lu shutdown %lu fail_entry %lu internal %lu mmio %lu msr %lu hypercall %lu; timer breaks %lu; SET_SREGS refused %lu",
		 total[VMCTL_EXIT_IO], total[VMCTL_EXIT_HLT], total[VMCTL_EXIT_SHUTDOWN],
		 total[VMCTL_EXIT_FAIL_ENTRY], total[VMCTL_EXIT_INTERNAL_ERROR],
		 total[VMCTL_EXIT_MMIO], total[VMCTL_EXIT_MSR], total[VMCTL_EXIT_HYPERCALL],
		 eintr, refused);
	/* A RUN that never entered a guest would pass everything above. */
	if (entered < RUN_THREADS * RUN_ITERATIONS / 4)
		violation("only %lu exits came from a guest that ran", entered);
}

/* ---- the run ----------------------------------------------------------- */

static long read_refcnt(void)
{
	FILE *f = fopen(REFCNT_PATH, "r");
	long n = -1;

	if (!f)
		tap_bail("open %s: %s", REFCNT_PATH, strerror(errno));
	if (fscanf(f, "%ld", &n) != 1)
		tap_bail("%s: no number", REFCNT_PATH);
	fclose(f);
	return n;
}

static bool usage_equal(const struct vmctl_usage *a, const struct vmctl_usage *b)
{
	return a->vms == b->vms && a->vcpus == b->vcpus &&
	       a->kernel_pages == b->kernel_pages &&
	       a->pinned_pages == b->pinned_pages &&
	       a->kernel_bytes == b->kernel_bytes &&
	       a->vmx_enabled_cpus == b->vmx_enabled_cpus;
}

static void map_fixtures(void)
{
	fixture = mmap(NULL, FIXTURE_PAGES * PAGE_SIZE, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (fixture == MAP_FAILED)
		tap_bail("mmap: %s", strerror(errno));
	pool = fixture + POOL0 * PAGE_SIZE;
	ro_page = fixture + RO_PAGE * PAGE_SIZE;
	edge = fixture + EDGE * PAGE_SIZE;
	hole = fixture + HOLE * PAGE_SIZE;
	if (mprotect(pool, POOL_PAGES * PAGE_SIZE, PROT_READ | PROT_WRITE) ||
	    mprotect(ro_page, PAGE_SIZE, PROT_READ) ||
	    mprotect(edge, PAGE_SIZE, PROT_READ | PROT_WRITE))
		tap_bail("mprotect: %s", strerror(errno));
	memset(pool, 0x5a, POOL_PAGES * PAGE_SIZE);
	memset(edge, 0x5a, PAGE_SIZE);
}

typedef void (*phase_fn)(struct rng *r);

static void run_phase(const char *name, phase_fn fn, struct rng *r)
{
	violations = 0;
	fn(r);
	tap_ok(!violations, "%s: every result as documented (%d unexpected)", name,
	       violations);
}

int main(void)
{
	struct vmctl_usage idle, now;
	const char *seed_env = getenv("VMCTL_SEED");
	uint64_t seed;
	struct rng r;
	long refcnt_idle, refcnt_now, ncpus;
	unsigned int i;

	seed = seed_env ? strtoull(seed_env, NULL, 0) :
	       (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	tap_plan(9);
	tap_diag("seed %" PRIu64 " (replay with VMCTL_SEED=%" PRIu64 ")", seed, seed);
	r.state = seed;

	ncpus = sysconf(_SC_NPROCESSORS_ONLN);
	if (ncpus < 2)
		tap_bail("needs two CPUs, found %ld", ncpus);
	refcnt_idle = read_refcnt();
	dev_fd = open("/dev/" VMCTL_DEVICE_NAME, O_RDWR | O_CLOEXEC);
	if (dev_fd < 0)
		tap_bail("open /dev/vmctl: %s (this test needs vmctl.ko on a CPU with VT-x)",
			 strerror(errno));
	if (sys_ioctl(dev_fd, VMCTL_GET_CAPS, (unsigned long)&caps) ||
	    sys_ioctl(dev_fd, VMCTL_GET_USAGE, (unsigned long)&idle))
		tap_bail("GET_CAPS/GET_USAGE: %s", strerror(errno));
	if (!caps.max_vcpus || caps.max_vcpus > MAX_VCPU_IDS)
		tap_bail("caps.max_vcpus %u: the model handles 1 .. %d", caps.max_vcpus,
			 MAX_VCPU_IDS);
	tap_ok(!idle.vms && !idle.vcpus && !idle.pinned_pages && !idle.vmx_enabled_cpus,
	       "no VM before the test, VMX off (module refcnt %ld)", refcnt_idle);
	map_fixtures();
	for (i = 0; i < MAX_VMS; i++) {
		vm_forget(&vms[i]);
		vm_open(&vms[i]);
	}

	run_phase("unknown ioctl numbers on every kind of fd", phase_unknown_ioctls, &r);
	run_phase("known ioctls with bad pointers give -EFAULT", phase_bad_pointers, &r);
	run_phase("random slots, vCPU ids, registers and VM churn", phase_random_structs, &r);
	run_phase("ioctls on fds of the wrong kind or no vmctl fd", phase_wrong_fds, &r);
	run_phase("forked children get -EIO from the parent's fds", phase_fork, &r);
	violations = 0;
	phase_run(&r, ncpus);
	tap_ok(!violations, "RUN with random bytes and state on %d CPUs (%d unexpected)",
	       RUN_THREADS, violations);

	for (i = 0; i < MAX_VMS; i++)
		vm_close(&vms[i]);
	if (sys_ioctl(dev_fd, VMCTL_GET_USAGE, (unsigned long)&now))
		tap_bail("GET_USAGE: %s", strerror(errno));
	tap_ok(usage_equal(&now, &idle),
	       "usage back to idle (vms %u vcpus %u pages %llu pinned %llu bytes %llu vmx cpus %u)",
	       now.vms, now.vcpus, (unsigned long long)now.kernel_pages,
	       (unsigned long long)now.pinned_pages, (unsigned long long)now.kernel_bytes,
	       now.vmx_enabled_cpus);
	close(dev_fd);
	refcnt_now = read_refcnt();
	tap_ok(refcnt_now == refcnt_idle, "module refcnt back to %ld (%ld)", refcnt_idle,
	       refcnt_now);
	return tap_finish();
}
