// SPDX-License-Identifier: GPL-2.0
/*
 * The measurements, written once against struct side_ops so that vmctl
 * (both ways) and KVM run exactly the same sequence of operations.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"

int side_fail(struct side *s, int err, const char *fmt, ...)
{
	va_list ap;

	/* The first failure is the one to report; the rest follow from it. */
	if (!s->error[0]) {
		va_start(ap, fmt);
		vsnprintf(s->error, sizeof(s->error), fmt, ap);
		va_end(ap);
	}
	return err ? err : -EINVAL;
}

uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

void sample_part(struct sample *smp, const char *name, double value)
{
	if (smp->nparts < MAX_PARTS) {
		smp->parts[smp->nparts].name = name;
		smp->parts[smp->nparts].value = value;
		smp->nparts++;
	}
}

void *bvm_host(struct bvm *b, uint64_t gpa, uint64_t len)
{
	/* Slot 0 is always at guest-physical 0; slot 1 only in the touch row. */
	if (b->mem[0].host && gpa + len <= b->mem[0].size)
		return (char *)b->mem[0].host + gpa;
	if (b->mem[1].host && gpa >= TOUCH_GPA && gpa + len <= TOUCH_GPA + b->mem[1].size)
		return (char *)b->mem[1].host + (gpa - TOUCH_GPA);
	return NULL;
}

static void bvm_init(struct bvm *b, struct side *s)
{
	memset(b, 0, sizeof(*b));
	b->side = s;
	b->vm_fd = b->vcpu_fd = -1;
}

static int load(struct bvm *b, const struct guest *g)
{
	void *dst = bvm_host(b, LOAD_GPA, g->end - g->begin);

	if (!dst)
		return side_fail(b->side, -EFAULT, "guest does not fit in its memory");
	memcpy(dst, g->begin, g->end - g->begin);
	return 0;
}

#define P32(b, a) (*(uint32_t *)bvm_host(b, a, 4))
#define P64(b, a) (*(uint64_t *)bvm_host(b, a, 8))

/* Sum of the low bytes of 1..n, what the OUT and MMIO guests send. */
static uint64_t low_byte_sum(uint64_t n)
{
	return (n / 256) * (255 * 256 / 2) + (n % 256) * (n % 256 + 1) / 2;
}

/* One run of a loop guest: n exits; *ticks gets the guest's TSC delta. */
static int loop_once(struct bvm *b, const struct row *r, uint32_t n, uint64_t *ticks)
{
	struct device *d = b->dev;
	struct side *s = b->side;
	uint64_t want;
	int err;

	P32(b, P_ITERS) = n;
	P32(b, P_ARG) = r->arg;
	P64(b, P_DELTA) = 0;
	P32(b, P_SUM) = 0;
	dev_reset(d);
	err = s->ops->setup_real(b, LOAD_GPA >> 4);
	if (!err)
		err = s->ops->run(b);
	if (err)
		return err;

	/* Every exit must have arrived, with its data: no side skips work. */
	want = low_byte_sum(n);
	switch (r->kind) {
	case EXIT_KERNEL:
		if (d->out_count || d->in_count || d->mmio_count || d->hc_count)
			return side_fail(s, -EINVAL, "an in-kernel loop reached user space");
		break;
	case EXIT_PIO_OUT:
		if (d->out_count != n || d->out_sum != want)
			return side_fail(s, -EINVAL, "%llu OUTs (sum %llu) arrived, expected %u (sum %llu)",
					 (unsigned long long)d->out_count,
					 (unsigned long long)d->out_sum, n,
					 (unsigned long long)want);
		break;
	case EXIT_PIO_IN:
		if (d->in_count != n || P32(b, P_SUM) != (uint32_t)d->in_sum)
			return side_fail(s, -EINVAL, "%llu INs served (sum %llu), the guest read %u (sum %u)",
					 (unsigned long long)d->in_count,
					 (unsigned long long)d->in_sum, n, P32(b, P_SUM));
		break;
	case EXIT_MMIO_WRITE:
		if (d->mmio_count != n || d->mmio_sum != want)
			return side_fail(s, -EINVAL, "%llu MMIO writes (sum %llu) arrived, expected %u (sum %llu)",
					 (unsigned long long)d->mmio_count,
					 (unsigned long long)d->mmio_sum, n,
					 (unsigned long long)want);
		break;
	case EXIT_HYPERCALL:
		if (d->hc_count != n)
			return side_fail(s, -EINVAL, "%llu hypercalls arrived, expected %u",
					 (unsigned long long)d->hc_count, n);
		break;
	}
	*ticks = P64(b, P_DELTA);
	if (*ticks == 0)
		return side_fail(s, -EINVAL, "the guest reported no TSC delta");
	return 0;
}

int measure_loop(struct side *s, const struct row *r, const struct config *c,
		 struct sample *out)
{
	struct device dev;
	struct bvm b;
	uint64_t ticks;
	int err;

	bvm_init(&b, s);
	err = s->ops->vm_create(s, &b, &dev);
	if (!err)
		err = s->ops->mem_add(&b, 0, 0, EXIT_MEM_SIZE);
	if (!err)
		err = load(&b, &r->guest);
	if (!err)
		err = s->ops->vcpu_create(&b);
	/*
	 * A short warm-up run first: the first exits of a VM pay one-time
	 * costs (KVM maps guest pages and builds its MMIO entries lazily).
	 */
	if (!err)
		err = loop_once(&b, r, c->iterations / 10 + 1, &ticks);
	if (!err)
		err = loop_once(&b, r, c->iterations, &ticks);
	s->ops->vm_destroy(&b);
	if (err)
		return err;
	/* TSC ticks per round trip, in microseconds. */
	out->value = (double)ticks / c->iterations / (c->tsc_khz / 1000.0);
	return 0;
}

/* Phases of the VM lifecycle, timed apart for the report's breakdown. */
enum { PH_CREATE, PH_MEMORY, PH_VCPU, PH_SETUP, PH_RUN, PH_DESTROY, NR_PHASES };
static const char *const phase_names[NR_PHASES] = {
	"create_vm", "add_16MiB", "create_vcpu", "set_registers", "run_to_hlt", "destroy",
};

int measure_lifecycle(struct side *s, const struct row *r, const struct config *c,
		      struct sample *out)
{
	static const struct guest hlt = GUEST_OF(bench_hlt);
	uint64_t t[NR_PHASES + 1], sum[NR_PHASES] = { 0 }, t0 = now_ns();
	unsigned int i, p;
	struct bvm b;
	int err = 0;

	(void)r;
	for (i = 0; i < c->lifecycle_cycles && !err; i++) {
		bvm_init(&b, s);
		t[0] = now_ns();
		err = s->ops->vm_create(s, &b, NULL);
		t[1] = now_ns();
		if (!err)
			err = s->ops->mem_add(&b, 0, 0, 16ULL << 20);
		if (!err)
			err = load(&b, &hlt);
		t[2] = now_ns();
		if (!err)
			err = s->ops->vcpu_create(&b);
		t[3] = now_ns();
		if (!err)
			err = s->ops->setup_real(&b, LOAD_GPA >> 4);
		t[4] = now_ns();
		if (!err)
			err = s->ops->run(&b);
		t[5] = now_ns();
		s->ops->vm_destroy(&b);
		t[6] = now_ns();
		for (p = 0; p < NR_PHASES; p++)
			sum[p] += t[p + 1] - t[p];
	}
	if (err)
		return err;
	/* The phases' clock reads are inside the total: they are few. */
	out->value = (now_ns() - t0) / 1e6 / c->lifecycle_cycles;
	for (p = 0; p < NR_PHASES; p++)
		sample_part(out, phase_names[p], sum[p] / 1e6 / c->lifecycle_cycles);
	return 0;
}

int measure_touch(struct side *s, const struct row *r, const struct config *c,
		  struct sample *out)
{
	static const struct guest touch = GUEST_OF(bench_touch);
	uint64_t t0, t1, t2, off;
	const uint8_t *mem;
	struct bvm b;
	int err;

	(void)r;
	bvm_init(&b, s);
	/* Code, parameters and page tables in a small slot of their own. */
	err = s->ops->vm_create(s, &b, NULL);
	if (!err)
		err = s->ops->mem_add(&b, 0, 0, 1 << 20);
	if (!err)
		err = load(&b, &touch);
	if (!err) {
		P64(&b, P_BASE) = TOUCH_GPA;
		P64(&b, P_END) = TOUCH_GPA + c->touch_size;
		err = s->ops->vcpu_create(&b);
	}
	if (!err)
		err = s->ops->setup_long(&b, LOAD_GPA, STACK_GPA);
	if (err) {
		s->ops->vm_destroy(&b);
		return err;
	}

	/* Timed: registering the big slot and the guest's first touches. */
	t0 = now_ns();
	err = s->ops->mem_add(&b, 1, TOUCH_GPA, c->touch_size);
	t1 = now_ns();
	if (!err)
		err = s->ops->run(&b);
	t2 = now_ns();

	/* Every page must hold the guest's byte: the touches were real. */
	mem = b.mem[1].host;
	for (off = 0; !err && off < c->touch_size; off += 4096)
		if (mem[off] != 1)
			err = side_fail(s, -EINVAL, "guest did not write the page at 0x%llx",
					(unsigned long long)(TOUCH_GPA + off));
	s->ops->vm_destroy(&b);
	if (err)
		return err;
	out->value = (t2 - t0) / 1e6;
	sample_part(out, "register", (t1 - t0) / 1e6);
	sample_part(out, "guest_touches", (t2 - t1) / 1e6);
	return 0;
}

/*
 * Pages the kernel has handed out and not taken back, from /proc/vmstat:
 * the sum of pgalloc_* (every page allocated, whether from a per-CPU list
 * or the buddy allocator) minus pgfree.  MemFree and MemAvailable are too
 * coarse for this: pages moving between the per-CPU lists and the free
 * lists change them in batches of dozens of pages, so 32 small VMs can
 * read as no memory at all.  The difference is negative (the boot frees
 * more than it allocates), only its change counts.  Returns false if
 * /proc/vmstat cannot be read.
 */
static bool net_pages(long long *net)
{
	char line[128];
	long long v, alloc = 0, freed = -1;
	FILE *f = fopen("/proc/vmstat", "r");

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		char name[64];

		if (sscanf(line, "%63s %lld", name, &v) != 2)
			continue;
		if (!strncmp(name, "pgalloc_", 8))
			alloc += v;
		else if (!strcmp(name, "pgfree"))
			freed = v;
	}
	fclose(f);
	*net = alloc - freed;
	return freed >= 0;
}

int measure_kernel_memory(struct side *s, const struct row *r,
			  const struct config *c, struct sample *out)
{
	struct bvm base, *vms;
	long long before = 0, after = 0;
	bool counted;
	int64_t self_before = -1, self_after = -1;
	unsigned int i, made = 0;
	int err;

	(void)r;
	vms = calloc(c->idle_vms, sizeof(*vms));
	if (!vms)
		return side_fail(s, -ENOMEM, "out of memory");
	/*
	 * One VM first, outside the count: what the first VM brings once
	 * (VMXON regions, KVM's enabling of virtualization) is not per VM.
	 */
	bvm_init(&base, s);
	err = s->ops->vm_create(s, &base, NULL);
	if (!err)
		err = s->ops->vcpu_create(&base);

	counted = net_pages(&before);
	if (s->ops->self_reported_kernel_bytes)
		self_before = s->ops->self_reported_kernel_bytes(s);
	for (i = 0; !err && i < c->idle_vms; i++) {
		bvm_init(&vms[i], s);
		made++;
		err = s->ops->vm_create(s, &vms[i], NULL);
		if (!err)
			err = s->ops->vcpu_create(&vms[i]);
	}
	counted = net_pages(&after) && counted;
	if (s->ops->self_reported_kernel_bytes)
		self_after = s->ops->self_reported_kernel_bytes(s);

	for (i = 0; i < made; i++)
		s->ops->vm_destroy(&vms[i]);
	s->ops->vm_destroy(&base);
	free(vms);
	if (err)
		return err;
	if (!counted)
		return side_fail(s, -EIO, "cannot read pgalloc/pgfree from /proc/vmstat");
	out->value = (double)(after - before) * 4 / c->idle_vms;
	if (self_before >= 0 && self_after >= 0)
		sample_part(out, "module_own_count",
			    (self_after - self_before) / 1024.0 / c->idle_vms);
	return 0;
}
