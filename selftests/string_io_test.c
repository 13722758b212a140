// SPDX-License-Identifier: GPL-2.0
/*
 * String port I/O (INS/OUTS, VMCTL_CAP_STRING_IO) through libvmctl:
 *   - REP INSB and REP OUTSW of 4 KiB, the exits counted (2 each: the
 *     2 KiB data area of the run page), with the batch API of the exit;
 *   - every width x direction x DF x REP form, with buffers that cross a
 *     page boundary (and single elements that straddle one), through the
 *     run loop's per-element handler calls; and ADDR32 in 64-bit mode;
 *   - REP INSB into a page that is not present: the guest's #PF handler
 *     sees CR2 and the error code, RCX and RDI of the first element not
 *     done, and the port was read for the elements done only;
 *   - 32-bit protected mode (OUTSW; INSL with DF) and real mode (16-bit
 *     address size keeps the upper halves of ESI, EDI, ECX);
 *   - an ES limit that ends a REP INSB with #GP(0) after the elements
 *     within it.
 * The bytes the port sees and the guest memory and registers are judged
 * against values computed here: the port's values are a function of the
 * port and the element number, memory starts with a known pattern.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "guests_strio.h"
#include "test_util.h"

#define LOG_MAX		16384

/* What the ports saw, in order. */
struct io_event {
	uint16_t port;
	uint8_t size;
	bool is_write;
	uint32_t value;
};

static struct io_event io_log[LOG_MAX];
static unsigned int io_nlog;
static unsigned int io_reads[0x800];	/* by port: values handed out */
static unsigned int io_bad;

/* The k-th value a port hands out, low size bytes. */
static uint32_t in_value(uint16_t port, unsigned int k, unsigned int size)
{
	uint32_t v = (k + 1) * 0x9e3779b1u ^ port * 0x01000193u;

	return size == 4 ? v : v & ((1u << (size * 8)) - 1);
}

static void log_reset(void)
{
	io_nlog = 0;
	io_bad = 0;
	memset(io_reads, 0, sizeof(io_reads));
}

static void log_event(uint16_t port, unsigned int size, bool is_write, uint32_t value)
{
	if (io_nlog >= LOG_MAX || port >= 0x800) {
		io_bad++;
		return;
	}
	io_log[io_nlog++] = (struct io_event){ port, size, is_write, value };
}

static int dev_handler(struct vmctl_vcpu *vcpu, uint16_t port, uint32_t *data,
		       unsigned int size, bool is_write, void *opaque)
{
	(void)vcpu;
	(void)opaque;
	if (!is_write)
		*data = in_value(port, io_reads[port & 0x7ff]++, size);
	log_event(port, size, is_write, *data);
	return 0;
}

/* Events of one port, in order, into out[]; returns how many. */
static unsigned int port_events(uint16_t port, bool is_write, unsigned int size,
				uint32_t *out, unsigned int max, bool *wrong_size)
{
	unsigned int i, n = 0;

	for (i = 0; i < io_nlog; i++) {
		if (io_log[i].port != port || io_log[i].is_write != is_write)
			continue;
		if (io_log[i].size != size)
			*wrong_size = true;
		if (n < max)
			out[n] = io_log[i].value;
		n++;
	}
	return n;
}

static uint32_t get_le(const uint8_t *p, unsigned int size)
{
	uint32_t v = 0;

	memcpy(&v, p, size);
	return v;
}

static void register_ports(struct tvm *t)
{
	if (vmctl_vm_pio_register(t->vm, STRIO_PORT_B, 6, dev_handler, NULL) ||
	    vmctl_vm_pio_register(t->vm, STRIO_CASE_PORT, STRIO_NR_CASE_PORTS,
				  dev_handler, NULL))
		tap_bail("cannot register the port device");
}

/* Runs to the next ucall; false (with a diagnostic) if something else came. */
static bool run_to_ucall(struct tvm *t, struct ucall *uc, const char *what)
{
	struct vmctl_exit exit;
	int err = vmctl_vcpu_run_loop(t->vcpu, &exit);

	if (!err && ucall_get(t->vcpu, &exit, uc))
		return true;
	tap_diag("%s: run loop %d, exit: %s", what, err, exit.message);
	return false;
}

static uint8_t pattern(unsigned int seed, uint64_t off)
{
	return (uint8_t)(off * 7 + seed * 13 + 1);
}

/* ---- 4 KiB, batch by batch ------------------------------------------- */

static void check_4k(void)
{
	static uint8_t out_stream[8192];
	unsigned int ins_exits = 0, outs_exits = 0, ins_done = 0, out_len = 0, i, k;
	bool done = false, in_ok = true, guard_ok = true;
	struct vmctl_regs regs;
	struct vmctl_exit exit;
	struct ucall uc;
	struct tvm t;
	int err = 0;

	tvm_create(&t, STRIO_MEM_SIZE);
	memset(t.mem + STRIO_IN_BUF - 4096, 0x5a, 3 * 4096);
	for (i = 0; i < 4096; i++)
		t.mem[STRIO_OUT_BUF + i] = pattern(1, i);
	tvm_start_long(&t, strio_4k_begin, strio_4k_end);
	while (!done && !err) {
		err = vmctl_vcpu_run(t.vcpu, &exit);
		if (err)
			break;
		if (exit.reason == VMCTL_EXIT_IO && exit.io_batch.string &&
		    exit.io.port == STRIO_PORT_B && !exit.io.is_write && exit.io.size == 1) {
			ins_exits++;
			for (k = 0; k < exit.io_batch.count; k++)
				exit.io_batch.data[k] = in_value(STRIO_PORT_B, ins_done++, 1);
		} else if (exit.reason == VMCTL_EXIT_IO && exit.io_batch.string &&
			   exit.io.port == STRIO_PORT_W && exit.io.is_write &&
			   exit.io.size == 2 && exit.io_batch.rep) {
			outs_exits++;
			if (out_len + exit.io_batch.count * 2 <= sizeof(out_stream))
				memcpy(out_stream + out_len, exit.io_batch.data,
				       exit.io_batch.count * 2);
			out_len += exit.io_batch.count * 2;
		} else if (ucall_get(t.vcpu, &exit, &uc) && uc.code == UCALL_DONE) {
			done = true;
		} else {
			tap_diag("4 KiB: unexpected exit: %s", exit.message);
			err = -1;
		}
	}
	tap_ok(done, "4 KiB: the guest ran its REP INSB and REP OUTSW to the end (%d)", err);
	for (k = 0; k < 4096; k++)
		if (t.mem[STRIO_IN_BUF + k] != in_value(STRIO_PORT_B, k, 1))
			in_ok = false;
	for (k = 0; k < 4096; k++)
		if (t.mem[STRIO_IN_BUF - 4096 + k] != 0x5a || t.mem[STRIO_IN_BUF + 4096 + k] != 0x5a)
			guard_ok = false;
	tap_ok(ins_done == 4096 && in_ok && guard_ok,
	       "4 KiB: REP INSB wrote the port's 4096 values, nothing around them (%u)",
	       ins_done);
	tap_ok(out_len == 4096 && !memcmp(out_stream, t.mem + STRIO_OUT_BUF, 4096),
	       "4 KiB: REP OUTSW sent the buffer's 2048 words in order (%u bytes)", out_len);
	tap_ok(ins_exits == 2 && outs_exits == 2,
	       "4 KiB: each took 2 exits of %u bytes (INSB %u, OUTSW %u)",
	       VMCTL_IO_DATA_SIZE, ins_exits, outs_exits);
	err = vmctl_vcpu_get_regs(t.vcpu, &regs);
	tap_ok(!err && regs.rdi == STRIO_IN_BUF + 4096 && regs.rsi == STRIO_OUT_BUF + 4096 &&
	       regs.rcx == 0, "4 KiB: RDI, RSI past the buffers, RCX 0 (0x%llx 0x%llx %llu)",
	       (unsigned long long)regs.rdi, (unsigned long long)regs.rsi,
	       (unsigned long long)regs.rcx);
	tvm_destroy(&t);
}

/* ---- every form ------------------------------------------------------- */

struct strio_case {
	unsigned int size;
	bool out, df, rep, addr32;
	uint64_t buf;			/* guest-physical = linear: the first element */
	uint64_t count;			/* elements done */
	uint64_t rsi, rdi, rcx;		/* as the guest sets them */
};

static struct strio_case case_of(unsigned int c)
{
	struct strio_case s = { 0 };
	uint64_t mem = STRIO_CASE_MEM + c * 0x2000ULL, page = mem + 0x1000;

	if (c == STRIO_NR_CASES - 1) {
		/* ADDR32 REP OUTSB: ESI and ECX count, both written zero-extended */
		s = (struct strio_case){ .size = 1, .out = true, .rep = true, .addr32 = true };
		s.buf = page - 21;
		s.count = 37;
		s.rsi = (1ULL << 32) | s.buf;
		s.rdi = 0xbeef;
		s.rcx = (5ULL << 32) | 37;
		return s;
	}
	s.size = 1u << (c / 8);
	s.out = (c / 4) % 2;
	s.df = (c / 2) % 2;
	s.rep = !(c % 2);
	if (s.rep) {
		/* 37 elements across the page boundary, down or up */
		s.buf = s.df ? page + 19 : page - 21;
		s.count = 37;
		s.rcx = 37;
	} else {
		/* one element, straddling the boundary for words and dwords */
		s.buf = page - 1;
		s.count = 1;
		s.rcx = 5;
	}
	s.rsi = s.out ? s.buf : 0xdead;
	s.rdi = s.out ? 0xbeef : s.buf;
	return s;
}

static const char *case_name(const struct strio_case *s, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s%c, DF=%d", s->addr32 ? "ADDR32 " : "",
		 s->rep ? "REP " : "", s->out ? "OUTS" : "INS",
		 s->size == 1 ? 'B' : s->size == 2 ? 'W' : 'D', s->df);
	return buf;
}

static void check_case(struct tvm *t, unsigned int c)
{
	const struct strio_case s = case_of(c);
	const uint8_t *table = t->mem + STRIO_TABLE + c * 64ULL;
	uint64_t mem = STRIO_CASE_MEM + c * 0x2000ULL, moved = s.count * s.size;
	uint64_t exp_rsi = s.rsi, exp_rdi = s.rdi, exp_rcx = s.rep ? 0 : s.rcx;
	uint64_t got_rsi, got_rdi, got_rcx, off, k;
	uint16_t port = STRIO_CASE_PORT + c;
	uint8_t expect[0x2000];
	uint32_t values[64];
	bool wrong_size = false, values_ok = true;
	unsigned int n;
	char name[64];

	for (off = 0; off < sizeof(expect); off++)
		expect[off] = pattern(c, off);
	n = port_events(port, s.out, s.size, values, 64, &wrong_size);
	for (k = 0; k < s.count && k < n; k++) {
		uint64_t at = (s.df ? s.buf - k * s.size : s.buf + k * s.size) - mem;

		if (s.out) {
			if (values[k] != get_le(expect + at, s.size))
				values_ok = false;
		} else {
			uint32_t v = in_value(port, k, s.size);

			memcpy(expect + at, &v, s.size);
		}
	}
	if (s.out)
		exp_rsi = s.addr32 ? (uint32_t)(s.buf + moved) :
			  s.df ? s.rsi - moved : s.rsi + moved;
	else
		exp_rdi = s.df ? s.rdi - moved : s.rdi + moved;
	memcpy(&got_rsi, table + 32, 8);
	memcpy(&got_rdi, table + 40, 8);
	memcpy(&got_rcx, table + 48, 8);
	tap_ok(n == s.count && !wrong_size && values_ok &&
	       !memcmp(expect, t->mem + mem, sizeof(expect)) &&
	       got_rsi == exp_rsi && got_rdi == exp_rdi && got_rcx == exp_rcx,
	       "%s: %u port accesses%s, memory %s, RSI 0x%" PRIx64 " RDI 0x%" PRIx64
	       " RCX 0x%" PRIx64 " (want %" PRIu64 ", 0x%" PRIx64 " 0x%" PRIx64 " 0x%" PRIx64 ")",
	       case_name(&s, name, sizeof(name)), n, values_ok ? "" : " with wrong values",
	       memcmp(expect, t->mem + mem, sizeof(expect)) ? "WRONG" : "right",
	       got_rsi, got_rdi, got_rcx, s.count, exp_rsi, exp_rdi, exp_rcx);
}

static void check_cases(void)
{
	struct ucall uc = { 0 };
	unsigned int c;
	uint64_t off;
	struct tvm t;
	bool done;

	tvm_create(&t, STRIO_MEM_SIZE);
	register_ports(&t);
	log_reset();
	for (c = 0; c < STRIO_NR_CASES; c++) {
		const struct strio_case s = case_of(c);
		uint8_t *row = t.mem + STRIO_TABLE + c * 64ULL;
		uint64_t port = STRIO_CASE_PORT + c;

		memcpy(row, &s.rsi, 8);
		memcpy(row + 8, &s.rdi, 8);
		memcpy(row + 16, &s.rcx, 8);
		memcpy(row + 24, &port, 8);
		for (off = 0; off < 0x2000; off++)
			t.mem[STRIO_CASE_MEM + c * 0x2000ULL + off] = pattern(c, off);
	}
	tvm_start_long(&t, strio_cases_begin, strio_cases_end);
	done = run_to_ucall(&t, &uc, "forms") && uc.code == UCALL_DONE;
	tap_ok(done && !io_bad, "forms: the guest ran all %d forms to the end", STRIO_NR_CASES);
	for (c = 0; c < STRIO_NR_CASES; c++)
		check_case(&t, c);
	tvm_destroy(&t);
}

/* ---- #PF in the middle of REP INSB ------------------------------------ */

static void check_page_fault(void)
{
	struct vmctl_regs regs = { 0 };
	struct ucall cr2 = { 0 }, error = { 0 };
	const uint64_t pde = 0, pd = GUEST_TABLES + 0x2000;	/* see libvmctl's mode.c */
	bool in_ok = true, got_error;
	struct tvm t;
	unsigned int k;
	int err = -1;

	tvm_create(&t, STRIO_MEM_SIZE);
	register_ports(&t);
	log_reset();
	tvm_start_long(&t, strio_pf_begin, strio_pf_end);
	/* The 2 MiB page at STRIO_PF_HOLE is RAM, but not present for the guest. */
	memcpy(t.mem + pd + (STRIO_PF_HOLE >> 21) * 8, &pde, 8);
	if (run_to_ucall(&t, &cr2, "#PF"))
		err = vmctl_vcpu_get_regs(t.vcpu, &regs);
	tap_ok(!err && cr2.code == UCALL_REPORT && cr2.arg == STRIO_PF_HOLE &&
	       regs.rcx == 48 && regs.rdi == STRIO_PF_HOLE,
	       "#PF: the handler runs with CR2 0x%x, RCX 48, RDI at the fault "
	       "(0x%" PRIx64 ", %llu, 0x%llx)", STRIO_PF_HOLE, cr2.arg,
	       (unsigned long long)regs.rcx, (unsigned long long)regs.rdi);
	got_error = run_to_ucall(&t, &error, "#PF error code");
	tap_ok(got_error && error.code == UCALL_REPORT && error.arg == 0x2,
	       "#PF: error code 0x2, a supervisor write to a page not present (0x%" PRIx64 ")",
	       error.arg);
	for (k = 0; k < 16; k++)
		if (t.mem[STRIO_PF_HOLE - 16 + k] != in_value(STRIO_PORT_B, k, 1))
			in_ok = false;
	tap_ok(io_reads[STRIO_PORT_B] == 16 && in_ok && !io_bad,
	       "#PF: the port was read for the 16 bytes done only, and they are in memory (%u)",
	       io_reads[STRIO_PORT_B]);
	tvm_destroy(&t);
}

/* ---- 32-bit protected mode --------------------------------------------- */

static void start_protected(struct tvm *t, const uint8_t *begin, const uint8_t *end)
{
	struct vmctl_protected_mode pm = { .gdt_gpa = 0x10000, .entry = GUEST_LOAD_ADDR,
					   .stack = 0x80000 };
	int err;

	memcpy(t->mem + GUEST_LOAD_ADDR, begin, end - begin);
	err = vmctl_vcpu_setup_protected_mode(t->vcpu, &pm);
	if (err)
		tap_bail("vmctl_vcpu_setup_protected_mode: %s", vmctl_strerror(err));
}

static void check_protected(void)
{
	struct ucall report = { 0 }, done = { 0 };
	struct vmctl_regs regs = { 0 };
	uint32_t words[128];
	bool wrong_size = false, out_ok = true, in_ok = true;
	unsigned int n, k;
	struct tvm t;
	int err = -1;

	tvm_create(&t, 1 << 20);
	register_ports(&t);
	log_reset();
	for (k = 0; k < 0x1000; k++) {
		t.mem[STRIO_32_SRC + k] = pattern(2, k);
		t.mem[STRIO_32_DST - 0x800 + k] = 0x5a;
	}
	start_protected(&t, strio_32_begin, strio_32_end);
	if (run_to_ucall(&t, &report, "32-bit") && run_to_ucall(&t, &done, "32-bit"))
		err = vmctl_vcpu_get_regs(t.vcpu, &regs);
	n = port_events(STRIO_PORT_W, true, 2, words, 128, &wrong_size);
	for (k = 0; k < n && k < 100; k++)
		if (words[k] != get_le(t.mem + STRIO_32_SRC + 2 * k, 2))
			out_ok = false;
	tap_ok(report.code == UCALL_REPORT && report.arg == 0 && n == 100 && !wrong_size && out_ok,
	       "32-bit: REP OUTSW sent 100 words in order, ECX 0 after (%u, %" PRIu64 ")",
	       n, report.arg);
	for (k = 0; k < 50; k++)
		if (get_le(t.mem + STRIO_32_DST + 196 - 4 * k, 4) != in_value(STRIO_PORT_L, k, 4))
			in_ok = false;
	tap_ok(in_ok && t.mem[STRIO_32_DST - 1] == 0x5a && t.mem[STRIO_32_DST + 200] == 0x5a &&
	       io_reads[STRIO_PORT_L] == 50,
	       "32-bit: REP INSL with DF=1 stored 50 dwords downwards, nothing around them");
	tap_ok(!err && done.code == UCALL_DONE && regs.rsi == STRIO_32_SRC + 200 &&
	       regs.rdi == STRIO_32_DST - 4 && regs.rcx == 0,
	       "32-bit: ESI, EDI, ECX as the CPU leaves them (0x%llx 0x%llx %llu)",
	       (unsigned long long)regs.rsi, (unsigned long long)regs.rdi,
	       (unsigned long long)regs.rcx);
	tvm_destroy(&t);
}

/* ---- ES limit ----------------------------------------------------------- */

static void check_es_limit(void)
{
	struct ucall edi = { 0 }, ecx = { 0 }, error = { 0 };
	struct vmctl_sregs sregs;
	bool in_ok = true, ran;
	unsigned int k;
	struct tvm t;
	int err;

	tvm_create(&t, 1 << 20);
	register_ports(&t);
	log_reset();
	memset(t.mem + STRIO_ES_LIMIT - 31, 0x5a, 64);
	start_protected(&t, strio_32_limit_begin, strio_32_limit_end);
	err = vmctl_vcpu_get_sregs(t.vcpu, &sregs);
	if (!err) {
		sregs.es.limit = STRIO_ES_LIMIT;
		sregs.es.g = 0;
		err = vmctl_vcpu_set_sregs(t.vcpu, &sregs);
	}
	if (err)
		tap_bail("ES limit: %s", vmctl_strerror(err));
	/* Run before tap_ok(): its format arguments may be read first. */
	ran = run_to_ucall(&t, &edi, "ES limit") && run_to_ucall(&t, &ecx, "ES limit");
	tap_ok(ran && edi.code == UCALL_REPORT && edi.arg == STRIO_ES_LIMIT + 1 && ecx.arg == 16,
	       "ES limit: #GP with EDI at the limit + 1 and ECX 16 (0x%" PRIx64 ", %" PRIu64 ")",
	       edi.arg, ecx.arg);
	ran = run_to_ucall(&t, &error, "ES limit");
	tap_ok(ran && error.code == UCALL_REPORT && error.arg == 0,
	       "ES limit: error code 0 (%" PRIu64 ")", error.arg);
	for (k = 0; k < 16; k++)
		if (t.mem[STRIO_ES_LIMIT - 15 + k] != in_value(STRIO_PORT_B, k, 1))
			in_ok = false;
	tap_ok(in_ok && t.mem[STRIO_ES_LIMIT + 1] == 0x5a && t.mem[STRIO_ES_LIMIT - 16] == 0x5a &&
	       io_reads[STRIO_PORT_B] == 16,
	       "ES limit: the 16 bytes within it were read and stored, no more (%u)",
	       io_reads[STRIO_PORT_B]);
	tvm_destroy(&t);
}

/* ---- real mode ---------------------------------------------------------- */

static void check_real(void)
{
	const uint64_t ds = GUEST_LOAD_ADDR;	/* DS = ES = GUEST_LOAD_ADDR >> 4 */
	struct ucall report = { 0 }, done = { 0 };
	struct vmctl_regs regs = { 0 };
	uint32_t bytes[16];
	bool wrong_size = false, out_ok = true, in_ok = true;
	unsigned int n, k;
	struct tvm t;
	int err = -1;

	tvm_create(&t, 1 << 20);
	register_ports(&t);
	log_reset();
	for (k = 0; k < 16; k++)
		t.mem[ds + STRIO_16_SRC + k] = pattern(3, k);
	memset(t.mem + ds + STRIO_16_DST - 16, 0x5a, 64);
	tvm_start_real(&t, strio_16_begin, strio_16_end);
	if (run_to_ucall(&t, &report, "real mode") && run_to_ucall(&t, &done, "real mode"))
		err = vmctl_vcpu_get_regs(t.vcpu, &regs);
	n = port_events(STRIO_PORT_B, true, 1, bytes, 16, &wrong_size);
	for (k = 0; k < n && k < 10; k++)
		if (bytes[k] != pattern(3, k))
			out_ok = false;
	tap_ok(n == 10 && !wrong_size && out_ok && report.code == UCALL_REPORT &&
	       report.arg == 0x55550000,
	       "real mode: REP OUTSB sent 10 bytes of DS:SI, ECX 0x55550000 after (%u, 0x%" PRIx64 ")",
	       n, report.arg);
	for (k = 0; k < 5; k++)
		if (get_le(t.mem + ds + STRIO_16_DST + 2 * k, 2) != in_value(STRIO_PORT_W, k, 2))
			in_ok = false;
	tap_ok(in_ok && t.mem[ds + STRIO_16_DST + 10] == 0x5a &&
	       t.mem[ds + STRIO_16_DST - 1] == 0x5a,
	       "real mode: REP INSW stored 5 words at ES:DI, nothing around them");
	tap_ok(!err && done.code == UCALL_DONE && regs.rsi == 0xabcd0000 + STRIO_16_SRC + 10 &&
	       regs.rdi == 0x12340000 + STRIO_16_DST + 10 && regs.rcx == 0x77770000,
	       "real mode: SI, DI, CX moved, the upper halves kept (0x%llx 0x%llx 0x%llx)",
	       (unsigned long long)regs.rsi, (unsigned long long)regs.rdi,
	       (unsigned long long)regs.rcx);
	tvm_destroy(&t);
}

int main(void)
{
	struct vmctl_caps caps;
	struct tvm t;

	tap_plan(1 + 5 + 1 + STRIO_NR_CASES + 3 + 3 + 3 + 3);
	tvm_create(&t, 1 << 20);
	tap_ok(!vmctl_sys_get_caps(t.sys, &caps) && (caps.features & VMCTL_CAP_STRING_IO),
	       "the module offers string I/O");
	tvm_destroy(&t);
	check_4k();
	check_cases();
	check_page_fault();
	check_protected();
	check_es_limit();
	check_real();
	return tap_finish();
}
