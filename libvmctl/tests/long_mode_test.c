// SPDX-License-Identifier: LGPL-2.1-or-later
/* The long-mode page-table and GDT builder, checked by walking its output. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "internal.h"

#define GIB (1ULL << 30)
#define BASE 0x200000ULL	/* guest-physical address of the buffer */

static uint64_t *at(void *buf, uint64_t gpa)
{
	return (uint64_t *)((char *)buf + (gpa - BASE));
}

/* Walks buf's tables like the MMU; returns the physical address or ~0. */
static uint64_t walk(void *buf, uint64_t cr3, uint64_t va)
{
	uint64_t e;

	e = at(buf, cr3 & ~0xfffULL)[(va >> 39) & 511];
	if (!(e & 1) || !(e & 2))
		return ~0ULL;
	e = at(buf, e & 0x000ffffffffff000ULL)[(va >> 30) & 511];
	if (!(e & 1) || !(e & 2) || (e & 0x80))
		return ~0ULL;
	e = at(buf, e & 0x000ffffffffff000ULL)[(va >> 21) & 511];
	if (!(e & 1) || !(e & 2) || !(e & 0x80) || (e & 4))
		return ~0ULL;
	return (e & 0x000fffffffe00000ULL) + (va & 0x1fffff);
}

int main(void)
{
	uint64_t size, cr3, gdt, *g, va;
	size_t len;
	void *buf;
	int ok;

	tap_plan(16);

	tap_ok(vmctl_long_mode_tables_size(0) == 0, "size for map 0 is 0");
	tap_ok(vmctl_long_mode_tables_size(1) == 4 * 4096, "1 byte: PML4, PDPT, 1 PD, GDT");
	tap_ok(vmctl_long_mode_tables_size(4 * GIB) == 7 * 4096, "4 GiB: 4 PDs");
	tap_ok(vmctl_long_mode_tables_size(512 * GIB) == (3 + 512) * 4096, "512 GiB is the limit");
	tap_ok(vmctl_long_mode_tables_size(512 * GIB + 1) == 0, "beyond 512 GiB: 0");

	size = vmctl_long_mode_tables_size(3 * GIB);
	len = size;
	buf = malloc(len);
	if (!buf)
		tap_bail("malloc(%zu) failed", len);
	memset(buf, 0xaa, len);
	tap_ok(vmctl_build_long_mode_tables(buf, len - 1, BASE, 3 * GIB, &cr3, &gdt) == -ENOSPC,
	       "buffer one byte short: -ENOSPC");
	tap_ok(vmctl_build_long_mode_tables(buf, len, BASE + 8, 3 * GIB, &cr3, &gdt) == -EINVAL,
	       "unaligned gpa: -EINVAL");
	tap_ok(vmctl_build_long_mode_tables(buf, len, BASE, 0, &cr3, &gdt) == -EINVAL,
	       "empty map: -EINVAL");
	tap_ok(vmctl_build_long_mode_tables(buf, len, BASE, 3 * GIB, &cr3, &gdt) == 0,
	       "build a 3 GiB identity map");
	tap_ok(cr3 == BASE, "CR3 is the PML4 at the buffer's start");
	tap_ok(gdt == BASE + 5 * 4096, "GDT follows the 3 page directories");

	ok = 1;
	for (va = 0; va < 3 * GIB; va += 0x1ff000 + 0x1000 * (va % 7))
		ok &= walk(buf, cr3, va) == va;
	ok &= walk(buf, cr3, 3 * GIB - 1) == 3 * GIB - 1;
	tap_ok(ok, "every sampled address below 3 GiB maps to itself");
	tap_ok(walk(buf, cr3, 3 * GIB) == ~0ULL && walk(buf, cr3, 512 * GIB) == ~0ULL,
	       "3 GiB and above are not mapped");
	tap_ok(at(buf, BASE)[1] == 0 && at(buf, BASE + 4096)[3] == 0,
	       "unused PML4/PDPT entries are zero");

	g = at(buf, gdt);
	tap_ok(g[0] == 0 && ((g[1] >> 53) & 1) && ((g[1] >> 40) & 0xf) == 0xb &&
	       ((g[1] >> 47) & 1) && !((g[1] >> 54) & 1),
	       "GDT: null, then present 64-bit code (L=1, D=0)");
	tap_ok(((g[2] >> 40) & 0xf) == 3 && ((g[3] >> 40) & 0x1f) == 0xb &&
	       (g[3] & 0xffff) == 0x67 && g[4] == 0, "GDT: data, busy TSS limit 0x67");
	free(buf);
	return tap_finish();
}
