// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite of the guest page walker and segmentation (walk.c), on a
 * fake guest memory of a few pages.  Page tables are written here entry by
 * entry with the SDM's bit numbers, and the expected addresses and #PF
 * error codes are spelled out, not computed by the code under test.
 * #included by kmod/tests/walk_kunit.c.
 */
#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include "walk.c"

#define FAKE_PAGES	16
#define FAKE_SIZE	(FAKE_PAGES * 4096)

/* Entry bits by SDM bit number: P=0 R/W=1 U/S=2 A=5 D=6 PS=7 XD=63. */
#define P	BIT_ULL(0)
#define RW	BIT_ULL(1)
#define US	BIT_ULL(2)
#define A	BIT_ULL(5)
#define D	BIT_ULL(6)
#define PS	BIT_ULL(7)
#define XD	BIT_ULL(63)

/* CR0.PG is bit 31, CR0.WP bit 16; CR4 PSE 4, PAE 5, SMEP 20, SMAP 21, LA57 12. */
#define CR0_PG	BIT_ULL(31)
#define CR0_WP	BIT_ULL(16)
#define CR4_PSE	BIT_ULL(4)
#define CR4_PAE	BIT_ULL(5)
#define CR4_LA57 BIT_ULL(12)
#define CR4_SMEP BIT_ULL(20)
#define CR4_SMAP BIT_ULL(21)
#define EFER_LMA_BIT BIT_ULL(10)
#define EFER_NXE_BIT BIT_ULL(11)

struct fake_guest {
	u8 mem[FAKE_SIZE];
	unsigned int writes;
};

static int fake_read(void *ctx, u64 gpa, void *buf, unsigned int len)
{
	struct fake_guest *g = ctx;

	if (gpa >= FAKE_SIZE || len > FAKE_SIZE - gpa)
		return -EFAULT;
	memcpy(buf, g->mem + gpa, len);
	return 0;
}

static int fake_write(void *ctx, u64 gpa, const void *buf, unsigned int len)
{
	struct fake_guest *g = ctx;

	if (gpa >= FAKE_SIZE || len > FAKE_SIZE - gpa)
		return -EFAULT;
	memcpy(g->mem + gpa, buf, len);
	g->writes++;
	return 0;
}

struct walk_fixture {
	struct fake_guest *g;
	struct vmx_walk_mem mem;
	struct vmx_paging p;
};

static void fixture_init(struct kunit *test, struct walk_fixture *f)
{
	f->g = kunit_kzalloc(test, sizeof(*f->g), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, f->g);
	f->mem = (struct vmx_walk_mem){ fake_read, fake_write, f->g };
	f->p = (struct vmx_paging){ .phys_bits = 36, .virt_bits = 48 };
}

static void put32(struct walk_fixture *f, u64 gpa, u32 val)
{
	memcpy(f->g->mem + gpa, &val, 4);
}

static void put64(struct walk_fixture *f, u64 gpa, u64 val)
{
	memcpy(f->g->mem + gpa, &val, 8);
}

static u64 get64(struct walk_fixture *f, u64 gpa)
{
	u64 val;

	memcpy(&val, f->g->mem + gpa, 8);
	return val;
}

static u32 get32(struct walk_fixture *f, u64 gpa)
{
	u32 val;

	memcpy(&val, f->g->mem + gpa, 4);
	return val;
}

/* Translate, expecting success at @want. */
static void expect_gpa(struct kunit *test, struct walk_fixture *f, u64 la,
		       unsigned int access, u64 want)
{
	u64 gpa = 0;
	u32 pf = 0xdead;

	KUNIT_EXPECT_EQ(test, vmx_walk(&f->p, &f->mem, la, access, &gpa, &pf), 0);
	KUNIT_EXPECT_EQ(test, gpa, want);
}

/* Translate, expecting a #PF with error code @want_error. */
static void expect_pf(struct kunit *test, struct walk_fixture *f, u64 la,
		      unsigned int access, u32 want_error)
{
	u64 gpa = 0;
	u32 pf = 0xdead;

	KUNIT_EXPECT_EQ(test, vmx_walk(&f->p, &f->mem, la, access, &gpa, &pf),
			-EFAULT);
	KUNIT_EXPECT_EQ(test, pf, want_error);
}

/* ---- no paging ---------------------------------------------------------- */

static void walk_no_paging_is_identity_test(struct kunit *test)
{
	struct walk_fixture f;

	fixture_init(test, &f);
	expect_gpa(test, &f, 0x12345678, 0, 0x12345678);
	expect_gpa(test, &f, 0x1fee00000ULL, VMX_WALK_WRITE, 0xfee00000);
	KUNIT_EXPECT_EQ(test, f.g->writes, 0U);
}

/* ---- 32-bit paging ------------------------------------------------------ */

/* CR3 = page 1; PDE 0 -> page table at page 2; PTE 5 -> page 0x7. */
static void setup_32bit(struct walk_fixture *f)
{
	f->p.cr0 = CR0_PG | CR0_WP;
	f->p.cr3 = 0x1000;
	put32(f, 0x1000 + 0 * 4, 0x2000 | P | RW | US);
	put32(f, 0x2000 + 5 * 4, 0x7000 | P | RW | US);
	put32(f, 0x2000 + 6 * 4, 0x8000 | P | US);		/* read-only */
	put32(f, 0x2000 + 7 * 4, 0x9000 | P | RW);		/* supervisor */
}

static void walk_32bit_4k_sets_accessed_dirty_test(struct kunit *test)
{
	struct walk_fixture f;

	fixture_init(test, &f);
	setup_32bit(&f);
	expect_gpa(test, &f, 0x5abc, 0, 0x7abc);
	KUNIT_EXPECT_EQ(test, get32(&f, 0x1000), 0x2000 | P | RW | US | A);
	KUNIT_EXPECT_EQ(test, get32(&f, 0x2000 + 5 * 4), 0x7000 | P | RW | US | A);
	expect_gpa(test, &f, 0x5004, VMX_WALK_WRITE, 0x7004);
	KUNIT_EXPECT_EQ(test, get32(&f, 0x2000 + 5 * 4),
			0x7000 | P | RW | US | A | D);
	/* The upper 32 bits of a linear address are not translated. */
	expect_gpa(test, &f, 0x100005010ULL, 0, 0x7010);
}

static void walk_32bit_not_present_test(struct kunit *test)
{
	struct walk_fixture f;

	fixture_init(test, &f);
	setup_32bit(&f);
	f.p.cpl = 3;
	/* PDE 1 is empty; PTE 8 is empty. */
	expect_pf(test, &f, 0x400000, VMX_WALK_WRITE, 0x2 | 0x4);
	expect_pf(test, &f, 0x8000, 0, 0x4);
	/* A faulting walk sets no accessed bit. */
	KUNIT_EXPECT_EQ(test, f.g->writes, 0U);
}

static void walk_32bit_pse_4m_page_test(struct kunit *test)
{
	struct walk_fixture f;

	fixture_init(test, &f);
	setup_32bit(&f);
	f.p.cr4 = CR4_PSE;
	/* PDE 2: 4 MByte page at 0x3_0040_0000 (bits 20:13 = 0x03). */
	put32(&f, 0x1000 + 2 * 4, 0x00400000 | (0x3 << 13) | P | RW | PS);
	expect_gpa(test, &f, 0x00812345, VMX_WALK_WRITE, 0x300412345ULL);
	KUNIT_EXPECT_EQ(test, get32(&f, 0x1000 + 2 * 4),
			0x00400000 | (0x3 << 13) | P | RW | PS | A | D);
	/* Bit 21 is reserved. */
	put32(&f, 0x1000 + 3 * 4, 0x00400000 | BIT(21) | P | RW | PS);
	expect_pf(test, &f, 0x00c00000, 0, 0x1 | 0x8);
	/* Without CR4.PSE, PS is ignored: PDE 2's frame is a page table. */
	f.p.cr4 = 0;
	put32(&f, 0x1000 + 2 * 4, 0x3000 | P | RW | PS);
	put32(&f, 0x3000 + 1 * 4, 0x6000 | P | RW);
	expect_gpa(test, &f, 0x00801008, 0, 0x6008);
}

/* ---- privilege checks (on 32-bit paging) -------------------------------- */

static void walk_user_and_write_protection_test(struct kunit *test)
{
	struct walk_fixture f;

	fixture_init(test, &f);
	setup_32bit(&f);
	f.p.cpl = 3;
	expect_pf(test, &f, 0x7000, 0, 0x1 | 0x4);		/* supervisor page */
	expect_pf(test, &f, 0x6000, VMX_WALK_WRITE, 0x1 | 0x2 | 0x4);
	expect_gpa(test, &f, 0x6000, 0, 0x8000);
	/* The same accesses at CPL 0: WP decides about the read-only page. */
	f.p.cpl = 0;
	expect_gpa(test, &f, 0x7000, 0, 0x9000);
	expect_pf(test, &f, 0x6000, VMX_WALK_WRITE, 0x1 | 0x2);
	f.p.cr0 &= ~CR0_WP;
	expect_gpa(test, &f, 0x6000, VMX_WALK_WRITE, 0x8000);
	/* An implicit supervisor access from CPL 3 is a supervisor access. */
	f.p.cpl = 3;
	expect_gpa(test, &f, 0x7000, VMX_WALK_IMPLICIT, 0x9000);
}

static void walk_smep_smap_test(struct kunit *test)
{
	struct walk_fixture f;

	fixture_init(test, &f);
	setup_32bit(&f);
	f.p.cr4 = CR4_SMEP | CR4_SMAP;
	/* Supervisor fetch from a user page: SMEP, I/D reported. */
	expect_pf(test, &f, 0x5000, VMX_WALK_FETCH, 0x1 | 0x10);
	expect_gpa(test, &f, 0x7000, VMX_WALK_FETCH, 0x9000);
	/* Supervisor data access to a user page: SMAP unless AC. */
	expect_pf(test, &f, 0x5000, 0, 0x1);
	f.p.rflags = BIT(18);
	expect_gpa(test, &f, 0x5000, VMX_WALK_WRITE, 0x7000);
	/* Implicit accesses ignore AC. */
	expect_pf(test, &f, 0x5000, VMX_WALK_IMPLICIT, 0x1);
	/* User accesses are not affected. */
	f.p.cpl = 3;
	f.p.rflags = 0;
	expect_gpa(test, &f, 0x5000, VMX_WALK_FETCH, 0x7000);
}

/* ---- PAE ---------------------------------------------------------------- */

/* PDPTE 1 -> directory at page 3; PDE 0 -> table at page 4; PDE 1: 2M. */
static void setup_pae(struct walk_fixture *f)
{
	f->p.cr0 = CR0_PG | CR0_WP;
	f->p.cr4 = CR4_PAE;
	f->p.efer = EFER_NXE_BIT;
	f->p.pdpte[1] = 0x3000 | P;
	put64(f, 0x3000 + 0 * 8, 0x4000 | P | RW);
	put64(f, 0x3000 + 1 * 8, 0x40200000ULL | P | RW | PS);
	put64(f, 0x3000 + 2 * 8, 0x5000 | P | RW | XD);
	put64(f, 0x4000 + 3 * 8, 0x0123456000ULL | P | RW);
	put64(f, 0x5000 + 0 * 8, 0xa000 | P | RW);
}

static void walk_pae_test(struct kunit *test)
{
	struct walk_fixture f;

	fixture_init(test, &f);
	setup_pae(&f);
	expect_gpa(test, &f, 0x40003abc, VMX_WALK_WRITE, 0x0123456abcULL);
	KUNIT_EXPECT_EQ(test, get64(&f, 0x4000 + 3 * 8),
			0x0123456000ULL | P | RW | A | D);
	expect_gpa(test, &f, 0x40212345, 0, 0x40212345ULL);
	KUNIT_EXPECT_EQ(test, get64(&f, 0x3000 + 8),
			0x40200000ULL | P | RW | PS | A);
	/* PDPTE 0 is not present. */
	expect_pf(test, &f, 0x1000, 0, 0);
	/* A reserved bit in a PDPTE register (bit 1). */
	f.p.pdpte[2] = 0x3000 | P | RW;
	expect_pf(test, &f, 0x80000000, 0, 0x1 | 0x8);
}

static void walk_pae_execute_disable_test(struct kunit *test)
{
	struct walk_fixture f;

	fixture_init(test, &f);
	setup_pae(&f);
	/* XD in the PDE covers the page: fetch faults with I/D. */
	expect_pf(test, &f, 0x40400000, VMX_WALK_FETCH, 0x1 | 0x10);
	expect_gpa(test, &f, 0x40400000, 0, 0xa000);
	/* Without EFER.NXE, bit 63 is reserved. */
	f.p.efer = 0;
	expect_pf(test, &f, 0x40400000, 0, 0x1 | 0x8);
	/* ... and a fetch fault reports no I/D (no SMEP, no NXE). */
	expect_pf(test, &f, 0x40400000, VMX_WALK_FETCH, 0x1 | 0x8);
}

/* ---- 4-level ------------------------------------------------------------ */

/*
 * CR3 = page 1.  PML4E 0 -> PDPT at page 2.  PDPTE 0 -> PD at page 3,
 * PDPTE 1: 1 GByte page at 4G.  PDE 0 -> PT at page 4, PDE 1: 2 MByte page
 * at 0x8_0000_0000 (with phys_bits 36).  PTE 2 -> 0xf000.
 */
static void setup_4level(struct walk_fixture *f)
{
	f->p.cr0 = CR0_PG | CR0_WP;
	f->p.cr4 = CR4_PAE;
	f->p.efer = EFER_LMA_BIT | EFER_NXE_BIT;
	f->p.cr3 = 0x1000;
	put64(f, 0x1000 + 0 * 8, 0x2000 | P | RW | US);
	put64(f, 0x1000 + 511 * 8, 0x2000 | P | RW);	/* the top 512 GiB */
	put64(f, 0x2000 + 0 * 8, 0x3000 | P | RW | US);
	put64(f, 0x2000 + 1 * 8, 0x100000000ULL | P | RW | US | PS);
	put64(f, 0x3000 + 0 * 8, 0x4000 | P | RW | US);
	put64(f, 0x3000 + 1 * 8, 0x800000000ULL | P | RW | PS);
	put64(f, 0x4000 + 2 * 8, 0xf000 | P | RW | US);
}

static void walk_4level_test(struct kunit *test)
{
	struct walk_fixture f;

	fixture_init(test, &f);
	setup_4level(&f);
	expect_gpa(test, &f, 0x2123, VMX_WALK_WRITE, 0xf123);
	KUNIT_EXPECT_EQ(test, get64(&f, 0x1000), 0x2000 | P | RW | US | A);
	KUNIT_EXPECT_EQ(test, get64(&f, 0x4000 + 2 * 8),
			0xf000 | P | RW | US | A | D);
	expect_gpa(test, &f, 0x40000000ULL + 0x12345678, 0,
		   0x100000000ULL + 0x12345678);
	expect_gpa(test, &f, 0x200000 + 0x1234, 0, 0x800001234ULL);
	/* The upper half goes through PML4E 511. */
	expect_gpa(test, &f, 0xffffff8000002008ULL, 0, 0xf008);
	/* Not present at the PDPT level, user write. */
	f.p.cpl = 3;
	expect_pf(test, &f, 0x80000000ULL, VMX_WALK_WRITE, 0x2 | 0x4);
	/* The 2M page is supervisor-only. */
	expect_pf(test, &f, 0x200000, 0, 0x1 | 0x4);
}

static void walk_4level_reserved_bits_test(struct kunit *test)
{
	struct walk_fixture f;

	fixture_init(test, &f);
	setup_4level(&f);
	/* PS in a PML4E. */
	put64(&f, 0x1000 + 1 * 8, 0x2000 | P | RW | PS);
	expect_pf(test, &f, 0x8000000000ULL, 0, 0x1 | 0x8);
	/* An address bit above MAXPHYADDR (36) in a PTE. */
	put64(&f, 0x4000 + 3 * 8, BIT_ULL(40) | 0xf000 | P | RW | US);
	expect_pf(test, &f, 0x3000, VMX_WALK_WRITE, 0x1 | 0x2 | 0x8);
	/* Bits 29:13 of a 1 GByte page. */
	put64(&f, 0x2000 + 2 * 8, 0x80000000ULL | BIT_ULL(13) | P | RW | PS);
	expect_pf(test, &f, 0x80000000ULL, 0, 0x1 | 0x8);
	KUNIT_EXPECT_EQ(test, f.g->writes, 0U);
}

static void walk_unsupported_and_outside_ram_test(struct kunit *test)
{
	struct walk_fixture f;
	u64 gpa;
	u32 pf;

	fixture_init(test, &f);
	setup_4level(&f);
	f.p.cr4 |= CR4_LA57;
	KUNIT_EXPECT_EQ(test, vmx_walk(&f.p, &f.mem, 0x1000, 0, &gpa, &pf),
			-EOPNOTSUPP);
	f.p.cr4 &= ~CR4_LA57;
	/* A page table outside guest RAM. */
	put64(&f, 0x3000 + 2 * 8, 0x10000000ULL | P | RW);
	KUNIT_EXPECT_EQ(test, vmx_walk(&f.p, &f.mem, 0x400000, 0, &gpa, &pf),
			-ENXIO);
}

/* ---- segmentation ------------------------------------------------------- */

/* AR type 3: read/write data, accessed; S, P; D/B as asked. */
#define AR_DATA_RW	(0x3 | BIT(4) | BIT(7))
#define AR_DATA_RO	(0x1 | BIT(4) | BIT(7))
#define AR_DATA_DOWN	(0x7 | BIT(4) | BIT(7))
#define AR_CODE_XO	(0x9 | BIT(4) | BIT(7))
#define AR_DB		BIT(14)
#define AR_UNUSABLE	BIT(16)

static void seg_linear_test(struct kunit *test)
{
	struct vmx_walk_seg real = { .base = 0xb8000, .limit = 0xffff,
				     .ar = AR_DATA_RW };
	struct vmx_walk_seg ro = { .base = 0x1000, .limit = 0xfff,
				   .ar = AR_DATA_RO | AR_DB };
	struct vmx_walk_seg down = { .base = 0, .limit = 0x0fff,
				     .ar = AR_DATA_DOWN };
	struct vmx_walk_seg code = { .base = 0, .limit = 0xffffffff,
				     .ar = AR_CODE_XO | AR_DB };
	struct vmx_walk_seg gs = { .base = 0xffff800000000000ULL,
				   .ar = AR_UNUSABLE };
	u64 la = 0;

	KUNIT_EXPECT_EQ(test, vmx_seg_linear(&real, 3, false, 48, 0x10, 2,
					     VMX_WALK_WRITE, &la), 0);
	KUNIT_EXPECT_EQ(test, la, 0xb8010ULL);
	/* The last byte past the limit. */
	KUNIT_EXPECT_EQ(test, vmx_seg_linear(&real, 3, false, 48, 0xffff, 2, 0,
					     &la), -X86_TRAP_GP);
	KUNIT_EXPECT_EQ(test, vmx_seg_linear(&real, 2, false, 48, 0xffff, 2, 0,
					     &la), -X86_TRAP_SS);
	/* Write to read-only data. */
	KUNIT_EXPECT_EQ(test, vmx_seg_linear(&ro, 3, false, 48, 0, 4,
					     VMX_WALK_WRITE, &la), -X86_TRAP_GP);
	/* Expand-down: valid offsets are above the limit, up to 0xffff. */
	KUNIT_EXPECT_EQ(test, vmx_seg_linear(&down, 0, false, 48, 0x0fff, 1, 0,
					     &la), -X86_TRAP_GP);
	KUNIT_EXPECT_EQ(test, vmx_seg_linear(&down, 0, false, 48, 0x1000, 1, 0,
					     &la), 0);
	KUNIT_EXPECT_EQ(test, vmx_seg_linear(&down, 0, false, 48, 0xffff, 2, 0,
					     &la), -X86_TRAP_GP);
	/* Execute-only code cannot be read, but fetched. */
	KUNIT_EXPECT_EQ(test, vmx_seg_linear(&code, 1, false, 48, 0, 1, 0, &la),
			-X86_TRAP_GP);
	KUNIT_EXPECT_EQ(test, vmx_seg_linear(&code, 1, false, 48, 0x1234, 1,
					     VMX_WALK_FETCH, &la), 0);
	/* The base wraps at 4 GiB outside 64-bit mode. */
	code.ar = 0xb | BIT(4) | BIT(7) | AR_DB;
	code.base = 0xfffff000;
	KUNIT_EXPECT_EQ(test, vmx_seg_linear(&code, 3, false, 48, 0x2000, 1, 0,
					     &la), 0);
	KUNIT_EXPECT_EQ(test, la, 0x1000ULL);
	/* 64-bit mode: GS keeps its base even when unusable, DS has none. */
	KUNIT_EXPECT_EQ(test, vmx_seg_linear(&gs, 5, true, 48, 0x10, 8, 0, &la), 0);
	KUNIT_EXPECT_EQ(test, la, 0xffff800000000010ULL);
	KUNIT_EXPECT_EQ(test, vmx_seg_linear(&ro, 3, true, 48, 0x10, 8,
					     VMX_WALK_WRITE, &la), 0);
	KUNIT_EXPECT_EQ(test, la, 0x10ULL);
	/* Non-canonical: #GP, or #SS through SS. */
	KUNIT_EXPECT_EQ(test, vmx_seg_linear(&ro, 3, true, 48,
					     0x00007ffffffffffcULL, 8, 0, &la),
			-X86_TRAP_GP);
	KUNIT_EXPECT_EQ(test, vmx_seg_linear(&ro, 2, true, 48,
					     0x0000800000000000ULL, 1, 0, &la),
			-X86_TRAP_SS);
	/* An unusable segment outside 64-bit mode. */
	KUNIT_EXPECT_EQ(test, vmx_seg_linear(&gs, 5, false, 48, 0, 1, 0, &la),
			-X86_TRAP_GP);
}

static struct kunit_case walk_test_cases[] = {
	KUNIT_CASE(walk_no_paging_is_identity_test),
	KUNIT_CASE(walk_32bit_4k_sets_accessed_dirty_test),
	KUNIT_CASE(walk_32bit_not_present_test),
	KUNIT_CASE(walk_32bit_pse_4m_page_test),
	KUNIT_CASE(walk_user_and_write_protection_test),
	KUNIT_CASE(walk_smep_smap_test),
	KUNIT_CASE(walk_pae_test),
	KUNIT_CASE(walk_pae_execute_disable_test),
	KUNIT_CASE(walk_4level_test),
	KUNIT_CASE(walk_4level_reserved_bits_test),
	KUNIT_CASE(walk_unsupported_and_outside_ram_test),
	KUNIT_CASE(seg_linear_test),
	{}
};

static struct kunit_suite walk_test_suite = {
	.name = "vmctl_walk",
	.test_cases = walk_test_cases,
};

kunit_test_suite(walk_test_suite);
