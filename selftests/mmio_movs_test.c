// SPDX-License-Identifier: GPL-2.0
/*
 * MOVS and page-crossing accesses on decoded MMIO, through libvmctl's MMIO
 * handlers.  One guest (guests_mmio_movs.S) runs one instruction per run
 * with registers the host chose; this file's own model of the instruction
 * (a byte-by-byte copy, not the decoder's completion) says what every byte
 * of guest RAM and of the devices must hold afterwards, what RSI, RDI and
 * RCX must be, and which exits, in which order, with which address and
 * length, the devices must have seen:
 *   - MOVS between two MMIO ranges (a read exit, then a write exit, per
 *     element), from RAM to MMIO and from MMIO to RAM (only the MMIO side
 *     exits), every width, with and without REP, DF clear and set;
 *   - elements and plain accesses that cross a page: both pages MMIO, RAM
 *     then MMIO and MMIO then RAM; each MMIO piece is an exit of its own;
 *   - a write whose second page is not mapped: #PF with CR2 on that page,
 *     and nothing written to the first;
 *   - REP MOVS is interruptible between elements: an interrupt queued from
 *     a device handler arrives with RCX at the elements still to do, and
 *     the copy then finishes;
 *   - the cost of a 4 KiB REP MOVSB from RAM to MMIO and from MMIO to MMIO
 *     (reported, and checked to be one exit per element and piece).
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "guests_mmio_movs.h"
#include "test_util.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#define MEM_SIZE	(4ULL << 20)	/* RAM slot at 0 */
#define PAGE		4096ULL
#define DEV_A		0x20000000ULL	/* A and B: adjacent MMIO pages */
#define DEV_B		0x20001000ULL
#define DEV_C		0x400000ULL	/* right after the RAM slot ... */
#define RAM2		0x401000ULL	/* ... and right before a second one */
#define DEV_D		0x3ffff000ULL	/* the last page of the 1 GiB map */
#define UNMAPPED	0x40000000ULL	/* the page after it: not present */
#define RECORD		0x2f0000ULL	/* the guest's REC_* record */
#define WIN		0x300000ULL	/* RAM the model follows: [WIN, MEM_SIZE) */
#define NDEV		4

/* One exit, as a device handler saw it. */
struct access {
	uint64_t addr;
	unsigned int len;
	bool write;
};

#define LOG_MAX		16384

struct world {
	uint8_t dev[NDEV][PAGE];	/* A B C D */
	uint8_t win[MEM_SIZE - WIN];
	uint8_t ram2[PAGE];
	struct access log[LOG_MAX];
	unsigned int nlog;
};

static const uint64_t dev_base[NDEV] = { DEV_A, DEV_B, DEV_C, DEV_D };

static struct world real, model;	/* devices as they are; as they should be */
static uint8_t *ram, *ram2;		/* the guest's RAM, host views */
static unsigned int bad_calls;
/* Queue an interrupt when B has seen this many writes (0: never). */
static unsigned int irq_at_b_write, b_writes;
static int irq_err;

static int dev_handler(struct vmctl_vcpu *vcpu, uint64_t addr, void *data,
		       unsigned int len, bool is_write, void *opaque)
{
	unsigned int d = (unsigned int)(uintptr_t)opaque;
	uint64_t off = addr - dev_base[d];

	if (off >= PAGE || !len || len > 16 || len > PAGE - off) {
		bad_calls++;
		return -EINVAL;
	}
	if (real.nlog < LOG_MAX)
		real.log[real.nlog] = (struct access){ addr, len, is_write };
	real.nlog++;
	if (is_write)
		memcpy(real.dev[d] + off, data, len);
	else
		memcpy(data, real.dev[d] + off, len);
	if (is_write && d == 1 && ++b_writes == irq_at_b_write)
		irq_err = vmctl_vcpu_interrupt(vcpu, IRQ_VECTOR);
	return 0;
}

/* The byte at gpa in world w, and whether it is MMIO; NULL: not modelled. */
static uint8_t *byte_at(struct world *w, uint64_t gpa, bool *mmio)
{
	unsigned int d;

	*mmio = false;
	for (d = 0; d < NDEV; d++) {
		if (gpa - dev_base[d] < PAGE) {
			*mmio = true;
			return &w->dev[d][gpa - dev_base[d]];
		}
	}
	if (gpa >= WIN && gpa < MEM_SIZE)
		return &w->win[gpa - WIN];
	if (gpa - RAM2 < PAGE)
		return &w->ram2[gpa - RAM2];
	tap_bail("the model has no byte at 0x%" PRIx64, gpa);
	return NULL;
}

/* The exits an access of len bytes at gpa makes: one per MMIO page piece. */
static void model_exits(uint64_t gpa, unsigned int len, bool write)
{
	while (len) {
		unsigned int n = PAGE - (gpa & (PAGE - 1));
		bool mmio;

		if (n > len)
			n = len;
		byte_at(&model, gpa, &mmio);
		if (mmio && model.nlog < LOG_MAX)
			model.log[model.nlog++] = (struct access){ gpa, n, write };
		gpa += n;
		len -= n;
	}
}

static uint64_t model_read(uint64_t gpa, unsigned int len)
{
	uint64_t v = 0;
	unsigned int i;
	bool mmio;

	for (i = 0; i < len; i++)
		v |= (uint64_t)*byte_at(&model, gpa + i, &mmio) << (8 * i);
	model_exits(gpa, len, false);
	return v;
}

static void model_write(uint64_t gpa, unsigned int len, uint64_t v)
{
	unsigned int i;
	bool mmio;

	for (i = 0; i < len; i++)
		*byte_at(&model, gpa + i, &mmio) = (uint8_t)(v >> (8 * i));
	model_exits(gpa, len, true);
}

/* Fills devices and RAM with a pattern that differs per case. */
static void seed(unsigned int salt)
{
	unsigned int d, i;

	for (d = 0; d < NDEV; d++)
		for (i = 0; i < PAGE; i++)
			real.dev[d][i] = (uint8_t)(i * 7 + d * 50 + salt * 13 + 1);
	for (i = 0; i < MEM_SIZE - WIN; i++)
		ram[WIN + i] = (uint8_t)(i * 11 + salt * 3 + 5);
	for (i = 0; i < PAGE; i++)
		ram2[i] = (uint8_t)(i * 5 + salt + 9);
	memset(ram + RECORD, 0, 64);
	memcpy(model.dev, real.dev, sizeof(real.dev));
	memcpy(model.win, ram + WIN, sizeof(model.win));
	memcpy(model.ram2, ram2, PAGE);
	real.nlog = 0;
	model.nlog = 0;
	b_writes = 0;
	bad_calls = 0;
}

struct run_in {
	unsigned int what, width;
	bool std;
	uint64_t rbx, rdx, rsi, rdi, rcx;
};

static struct vmctl_regs start_regs;

/* Runs the guest once; false if it did not end with its DONE ucall. */
static bool run_guest(struct tvm *t, const struct run_in *in, struct vmctl_regs *out,
		      uint64_t *ns)
{
	struct vmctl_regs r = start_regs;
	struct vmctl_exit exit;
	struct ucall uc;
	uint64_t t0;
	int err;

	r.r10 = in->what;
	r.r9 = in->width;
	r.r8 = in->std;
	r.rbx = in->rbx;
	r.rdx = in->rdx;
	r.rsi = in->rsi;
	r.rdi = in->rdi;
	r.r12 = in->rcx;
	r.r13 = RECORD;
	err = vmctl_vcpu_set_regs(t->vcpu, &r);
	if (err)
		tap_bail("vmctl_vcpu_set_regs: %s", vmctl_strerror(err));
	t0 = now_ns();
	err = vmctl_vcpu_run_loop(t->vcpu, &exit);
	if (ns)
		*ns = now_ns() - t0;
	if (err || !ucall_get(t->vcpu, &exit, &uc) || uc.code != UCALL_DONE) {
		tap_diag("the guest did not finish (%d: %s)", err, exit.message);
		return false;
	}
	err = vmctl_vcpu_get_regs(t->vcpu, out);
	if (err)
		tap_bail("vmctl_vcpu_get_regs: %s", vmctl_strerror(err));
	return true;
}

/* The devices, RAM and the exits against the model; prints what differs. */
static bool world_matches(void)
{
	unsigned int d, i, bad = 0;

	for (d = 0; d < NDEV; d++)
		for (i = 0; i < PAGE; i++)
			if (real.dev[d][i] != model.dev[d][i] && bad++ < 4)
				tap_diag("device %c byte 0x%x: 0x%02x, want 0x%02x", 'A' + d, i,
					 real.dev[d][i], model.dev[d][i]);
	for (i = 0; i < MEM_SIZE - WIN; i++)
		if (ram[WIN + i] != model.win[i] && bad++ < 8)
			tap_diag("RAM 0x%" PRIx64 ": 0x%02x, want 0x%02x", (uint64_t)(WIN + i),
				 ram[WIN + i], model.win[i]);
	for (i = 0; i < PAGE; i++)
		if (ram2[i] != model.ram2[i] && bad++ < 12)
			tap_diag("RAM 0x%" PRIx64 ": 0x%02x, want 0x%02x", (uint64_t)(RAM2 + i),
				 ram2[i], model.ram2[i]);
	if (real.nlog != model.nlog) {
		tap_diag("%u exits, want %u", real.nlog, model.nlog);
		bad++;
	}
	for (i = 0; i < real.nlog && i < model.nlog && i < LOG_MAX; i++) {
		const struct access *a = &real.log[i], *m = &model.log[i];

		if (a->addr != m->addr || a->len != m->len || a->write != m->write) {
			if (bad++ < 16)
				tap_diag("exit %u: %s 0x%" PRIx64 " len %u, want %s 0x%" PRIx64
					 " len %u", i, a->write ? "write" : "read", a->addr, a->len,
					 m->write ? "write" : "read", m->addr, m->len);
		}
	}
	if (bad_calls) {
		tap_diag("%u handler calls out of range", bad_calls);
		bad++;
	}
	return !bad;
}

/* ---- MOVS ------------------------------------------------------------- */

struct movs_case {
	const char *what;
	unsigned int width;
	bool rep, std;
	uint64_t rsi, rdi, rcx;
};

static const struct movs_case movs_cases[] = {
	{ "rep movsb A to B", 1, true, false, DEV_A + 0x10, DEV_B + 0x20, 16 },
	{ "rep movsw A to RAM, DF=1", 2, true, true, DEV_A + 0x300, 0x320000, 7 },
	{ "rep movsl A to B, DF=1", 4, true, true, DEV_A + 0x100, DEV_B + 0x200, 5 },
	{ "rep movsq RAM to B", 8, true, false, 0x310000, DEV_B + 0x40, 9 },
	{ "movsb A to B (RCX untouched)", 1, false, false, DEV_A + 0x7, DEV_B + 0x9, 0x1234 },
	{ "movsq RAM to A, DF=1", 8, false, true, 0x310008, DEV_A + 0x18, 3 },
	{ "movsw C to RAM2", 2, false, false, DEV_C + 0x22, RAM2 + 0x10, 0 },
	/* elements that cross a page */
	{ "rep movsl RAM to A|B", 4, true, false, 0x310000, DEV_A + 0xffa, 3 },
	{ "rep movsw B|A to C, DF=1", 2, true, true, DEV_B + 0x3, DEV_C + 0x10, 3 },
	{ "rep movsq RAM|C to B", 8, true, false, 0x3ffffc, DEV_B + 0x80, 2 },
	{ "movsq C|RAM2 to A|B", 8, false, false, DEV_C + 0xffd, DEV_A + 0xffe, 0 },
};

static void check_movs(struct tvm *t, const struct movs_case *c, unsigned int salt)
{
	int64_t step = c->std ? -(int64_t)c->width : (int64_t)c->width;
	uint64_t n = c->rep ? c->rcx : 1, k;
	struct run_in in = { c->rep ? ACCESS_REP_MOVS : ACCESS_MOVS, c->width, c->std,
			     0, 0, c->rsi, c->rdi, c->rcx };
	struct vmctl_regs out;
	uint64_t want_rcx = c->rep ? 0 : c->rcx;
	bool ok;

	seed(salt);
	for (k = 0; k < n; k++)
		model_write(c->rdi + k * step, c->width,
			    model_read(c->rsi + k * step, c->width));
	ok = run_guest(t, &in, &out, NULL);
	ok = ok && world_matches();
	if (ok && (out.rsi != c->rsi + n * step || out.rdi != c->rdi + n * step ||
		   out.rcx != want_rcx)) {
		tap_diag("RSI 0x%llx RDI 0x%llx RCX 0x%llx, want 0x%" PRIx64 " 0x%" PRIx64
			 " 0x%" PRIx64, (unsigned long long)out.rsi,
			 (unsigned long long)out.rdi, (unsigned long long)out.rcx,
			 c->rsi + n * step, c->rdi + n * step, want_rcx);
		ok = false;
	}
	tap_ok(ok, "%s: bytes, %u exits and RSI/RDI/RCX as the model says", c->what,
	       model.nlog);
}

/* ---- plain accesses across a page ------------------------------------- */

struct access_case {
	const char *what;
	unsigned int kind, width;
	uint64_t addr;
};

static const struct access_case access_cases[] = {
	{ "load dword across A|B", ACCESS_LOAD, 4, DEV_A + 0xffe },
	{ "store qword across A|B (5 + 3)", ACCESS_STORE, 8, DEV_A + 0xffb },
	{ "add qword across A|B", ACCESS_ADD, 8, DEV_A + 0xffc },
	{ "store dword across RAM|C", ACCESS_STORE, 4, DEV_C - 2 },
	{ "load word across RAM|C", ACCESS_LOAD, 2, DEV_C - 1 },
	{ "load qword across C|RAM2", ACCESS_LOAD, 8, DEV_C + 0xffc },
	{ "add word across C|RAM2", ACCESS_ADD, 2, DEV_C + 0xfff },
};

static void check_access(struct tvm *t, const struct access_case *c, unsigned int salt)
{
	const uint64_t rdx = 0x8877665544332211ULL ^ ((uint64_t)salt << 40);
	uint64_t mask = c->width == 8 ? ~0ULL : (1ULL << (8 * c->width)) - 1;
	struct run_in in = { c->kind, c->width, false, c->addr, rdx, 0, 0, 0 };
	struct vmctl_regs out;
	uint64_t want = 0;
	bool ok;

	seed(salt);
	if (c->kind == ACCESS_LOAD)
		want = model_read(c->addr, c->width);
	else if (c->kind == ACCESS_STORE)
		model_write(c->addr, c->width, rdx & mask);
	else
		model_write(c->addr, c->width, (model_read(c->addr, c->width) + rdx) & mask);
	ok = run_guest(t, &in, &out, NULL);
	ok = ok && world_matches();
	if (ok && c->kind == ACCESS_LOAD && out.r14 != want) {
		tap_diag("loaded 0x%llx, want 0x%" PRIx64, (unsigned long long)out.r14, want);
		ok = false;
	}
	tap_ok(ok, "%s: bytes, value and %u exits as the model says", c->what, model.nlog);
}

/* A write across a page whose second half is not mapped. */
static void check_split_fault(struct tvm *t)
{
	struct run_in in = { ACCESS_STORE, 4, false, UNMAPPED - 2, 0x12345678, 0, 0, 0 };
	struct vmctl_regs out;
	const uint8_t *rec = ram + RECORD;
	bool ok;

	seed(40);
	ok = run_guest(t, &in, &out, NULL) && world_matches();
	tap_ok(ok && guest_read32(rec + REC_PF_COUNT) == 1 &&
	       guest_read32(rec + REC_PF_CR2) == UNMAPPED && guest_read32(rec + REC_PF_ERROR) == 2,
	       "store across a mapped MMIO page and an unmapped one: #PF, CR2 0x%llx, error 2, "
	       "no exit (%u #PF, CR2 0x%x, error 0x%x, %u exits)",
	       UNMAPPED, guest_read32(rec + REC_PF_COUNT), guest_read32(rec + REC_PF_CR2),
	       guest_read32(rec + REC_PF_ERROR), real.nlog);
}

/* An interrupt queued in the middle of a REP MOVSB from A to B. */
static void check_interrupt(struct tvm *t)
{
	const struct movs_case c = { "", 1, true, false, DEV_A + 0x400, DEV_B + 0x400, 32 };
	struct run_in in = { ACCESS_REP_MOVS, 1, false, 0, 0, c.rsi, c.rdi, c.rcx };
	struct vmctl_regs out;
	const uint8_t *rec = ram + RECORD;
	uint64_t k;
	bool ok;

	seed(50);
	for (k = 0; k < c.rcx; k++)
		model_write(c.rdi + k, 1, model_read(c.rsi + k, 1));
	irq_at_b_write = 10;
	irq_err = -1;
	ok = run_guest(t, &in, &out, NULL) && world_matches();
	irq_at_b_write = 0;
	tap_ok(ok && !irq_err && out.rcx == 0 && guest_read32(rec + REC_IRQ_COUNT) == 1 &&
	       guest_read32(rec + REC_IRQ_RCX) == c.rcx - 10,
	       "rep movsb A to B: an interrupt queued at the 10th write arrives with RCX %" PRIu64
	       ", then the copy finishes (%d, %u taken, RCX %u)",
	       c.rcx - 10, irq_err, guest_read32(rec + REC_IRQ_COUNT),
	       guest_read32(rec + REC_IRQ_RCX));
}

/* 4 KiB REP MOVSB to MMIO: one exit per element (two from MMIO). */
static void check_cost(struct tvm *t, uint64_t src, const char *what, unsigned int exits)
{
	struct run_in in = { ACCESS_REP_MOVS, 1, false, 0, 0, src, DEV_B, PAGE };
	struct vmctl_regs out;
	uint64_t ns = 0, k;
	bool ok;

	seed(60);
	for (k = 0; k < PAGE; k++)
		model_write(DEV_B + k, 1, model_read(src + k, 1));
	ok = run_guest(t, &in, &out, &ns) && world_matches();
	tap_ok(ok && real.nlog == exits,
	       "4 KiB rep movsb %s: %u exits, %.1f ms, %.2f us per element", what,
	       real.nlog, ns / 1e6, ns / 1e3 / PAGE);
}

int main(void)
{
	unsigned int i, d;
	struct tvm t;
	int err;

	tap_plan(ARRAY_SIZE(movs_cases) + ARRAY_SIZE(access_cases) + 4);
	tvm_create(&t, MEM_SIZE);
	ram = t.mem;
	err = vmctl_vm_mem_add(t.vm, RAM2, PAGE, 0, (void **)&ram2);
	if (err < 0)
		tap_bail("vmctl_vm_mem_add: %s", vmctl_strerror(err));
	for (d = 0; d < NDEV; d++)
		if (vmctl_vm_mmio_register(t.vm, dev_base[d], PAGE, dev_handler,
					   (void *)(uintptr_t)d))
			tap_bail("cannot register device %c", 'A' + d);
	tvm_start_long(&t, mmio_access_begin, mmio_access_end);
	err = vmctl_vcpu_get_regs(t.vcpu, &start_regs);
	if (err)
		tap_bail("vmctl_vcpu_get_regs: %s", vmctl_strerror(err));

	for (i = 0; i < ARRAY_SIZE(movs_cases); i++)
		check_movs(&t, &movs_cases[i], i);
	for (i = 0; i < ARRAY_SIZE(access_cases); i++)
		check_access(&t, &access_cases[i], 20 + i);
	check_split_fault(&t);
	check_interrupt(&t);
	check_cost(&t, 0x310000, "from RAM to MMIO", PAGE);
	check_cost(&t, DEV_A, "from MMIO to MMIO", 2 * PAGE);
	tvm_destroy(&t);
	return tap_finish();
}
