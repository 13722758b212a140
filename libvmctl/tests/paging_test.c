// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The guest page walk behind vmctl_vcpu_translate(), in every paging mode,
 * on page tables written here by hand (and the long-mode builder's): the
 * expected addresses come from the tables' construction, not from the walk.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "tap.h"
#include "internal.h"

#define MEM_SIZE	0x400000ULL	/* 4 MiB of guest memory at 0 */

#define CR0_PG		(1ULL << 31)
#define CR0_PE		(1ULL << 0)
#define CR4_PSE		(1ULL << 4)
#define CR4_PAE		(1ULL << 5)
#define EFER_LMA	(1ULL << 10)
#define EFER_LME	(1ULL << 8)

static struct vmctl_vm vm;
static uint8_t *mem;

static void put64(uint64_t gpa, uint64_t v)
{
	memcpy(mem + gpa, &v, 8);
}

static void put32(uint64_t gpa, uint32_t v)
{
	memcpy(mem + gpa, &v, 4);
}

static void expect(const struct vmctl_sregs *s, uint64_t gva, int want_err, uint64_t want_gpa,
		   int want_level, const char *what)
{
	struct vmctl_translation tr;
	int err = paging_walk(&vm, s, gva, &tr);

	tap_ok(err == want_err && tr.level == want_level && (err || tr.gpa == want_gpa),
	       "%s: 0x%llx -> %d, gpa 0x%llx, level %d (want %d, 0x%llx, %d)", what,
	       (unsigned long long)gva, err, (unsigned long long)tr.gpa, tr.level, want_err,
	       (unsigned long long)want_gpa, want_level);
}

int main(void)
{
	struct vmctl_sregs s;
	uint64_t cr3, gdt;

	tap_plan(20);
	mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		tap_bail("mmap");
	vm.fd = -1;
	vm.mem[0] = (struct vmctl_mem){ .used = true, .gpa = 0, .size = MEM_SIZE, .host = mem };

	/* Paging off: linear is physical. */
	memset(&s, 0, sizeof(s));
	s.cr0 = CR0_PE;
	expect(&s, 0x12345678, 0, 0x12345678, 0, "paging off");
	expect(&s, 1ULL << 32, -ERANGE, 0, 0, "paging off, above 4 GiB");

	/*
	 * 32-bit paging, CR3 = 0x10000: PDE 0 -> PT at 0x11000 whose entry 5
	 * maps 0x5000 to 0x3000; PDE 1 a 4 MiB page at 0x1_0040_0000 (bits
	 * 31:22 0x400000, PSE-36 bits 20:13 = 1 for address bit 32); PDE 2
	 * not present.
	 */
	put32(0x10000, 0x11000 | 3);
	put32(0x11000 + 5 * 4, 0x3000 | 3);
	put32(0x10000 + 1 * 4, 0x00400000 | (1 << 13) | 0x83);
	s.cr0 = CR0_PE | CR0_PG;
	s.cr3 = 0x10000;
	expect(&s, 0x5abc, 0, 0x3abc, 1, "32-bit, 4 KiB page");
	s.cr4 = CR4_PSE;
	expect(&s, 0x412345, 0, 0x100412345ULL, 2, "32-bit, 4 MiB page with PSE-36 bits");
	expect(&s, 0x812345, -ENOENT, 0, 2, "32-bit, PDE not present");
	expect(&s, 0x6000, -ENOENT, 0, 1, "32-bit, PTE not present");
	s.cr3 = MEM_SIZE;
	expect(&s, 0x5000, -EFAULT, 0, 2, "32-bit, page directory outside memory");
	s.cr3 = 0x10000;
	s.cr4 = 0;
	/* Without CR4.PSE the PS bit is ignored: PDE 1's "table" is at 0x400000. */
	expect(&s, 0x412345, -EFAULT, 0, 1, "32-bit, PS ignored without PSE");

	/*
	 * PAE, CR3 = 0x20020 (32-byte aligned): PDPTE 0 -> PD 0x21000; PDE 0
	 * -> PT 0x22000, entry 7 maps 0x7000 to 0x9000; PDE 3 a 2 MiB page at
	 * 0x200000; PDPTE 1 not present.
	 */
	put64(0x20020, 0x21000 | 1);
	put64(0x21000, 0x22000 | 3);
	put64(0x22000 + 7 * 8, 0x9000 | 3);
	put64(0x21000 + 3 * 8, 0x200000 | 0x83);
	s.cr3 = 0x20020;
	s.cr4 = CR4_PAE;
	expect(&s, 0x7123, 0, 0x9123, 1, "PAE, 4 KiB page");
	expect(&s, 0x6abcde, 0, 0x2abcde, 2, "PAE, 2 MiB page");
	expect(&s, 0x40000000, -ENOENT, 0, 3, "PAE, PDPTE not present");
	expect(&s, 1ULL << 32, -ERANGE, 0, 0, "PAE, above 4 GiB");

	/* 4-level, the library's own identity map with 2 MiB pages. */
	if (vmctl_build_long_mode_tables(mem + 0x100000, 0x10000, 0x100000, 1ULL << 30, &cr3,
					 &gdt))
		tap_bail("vmctl_build_long_mode_tables");
	s.cr4 = CR4_PAE;
	s.efer = EFER_LME | EFER_LMA;
	s.cr3 = cr3;
	expect(&s, 0x3fe12345, 0, 0x3fe12345, 2, "4-level, identity 2 MiB pages");
	expect(&s, 0x40000000, -ENOENT, 0, 3, "4-level, beyond the 1 GiB mapped");
	expect(&s, 0xffff800000000000ULL, -ENOENT, 0, 4, "4-level, upper half unmapped");
	expect(&s, 0x0000800000000000ULL, -ERANGE, 0, 0, "4-level, not canonical");

	/*
	 * 4-level with a 1 GiB page and a 4 KiB page, CR3 = 0x30000:
	 * PML4[1] -> PDPT 0x31000: [2] a 1 GiB page at 0xc0000000;
	 * [3] -> PD 0x32000: [4] -> PT 0x33000: [5] maps 0x1000 (NX bit set).
	 */
	put64(0x30000 + 1 * 8, 0x31000 | 3);
	put64(0x31000 + 2 * 8, 0xc0000000 | 0x83);
	put64(0x31000 + 3 * 8, 0x32000 | 3);
	put64(0x32000 + 4 * 8, 0x33000 | 3);
	put64(0x33000 + 5 * 8, 0x8000000000001003ULL);
	s.cr3 = 0x30000;
	expect(&s, (1ULL << 39) + (2ULL << 30) + 0x1234567, 0, 0xc1234567, 3,
	       "4-level, 1 GiB page");
	expect(&s, (1ULL << 39) + (3ULL << 30) + (4ULL << 21) + (5ULL << 12) + 0x89, 0, 0x1089, 1,
	       "4-level, 4 KiB page, NX bit not taken as address");
	expect(&s, (1ULL << 39) + (3ULL << 30) + (4ULL << 21) + (6ULL << 12), -ENOENT, 0, 1,
	       "4-level, PTE not present");
	put64(0x32000 + 5 * 8, 0x7ff000 | 3);	/* a PT beyond guest memory */
	expect(&s, (1ULL << 39) + (3ULL << 30) + (5ULL << 21), -EFAULT, 0, 1,
	       "4-level, page table outside memory");
	return tap_finish();
}
