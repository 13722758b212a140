// SPDX-License-Identifier: LGPL-2.1-or-later
/* Helpers that put a vCPU in real mode or in 64-bit mode. */
#include <errno.h>
#include <string.h>

#include "internal.h"

#define X86_CR0_PE	(1ULL << 0)
#define X86_CR0_MP	(1ULL << 1)
#define X86_CR0_ET	(1ULL << 4)
#define X86_CR0_NE	(1ULL << 5)
#define X86_CR0_WP	(1ULL << 16)
#define X86_CR0_PG	(1ULL << 31)
#define X86_CR4_PAE	(1ULL << 5)
#define X86_EFER_LME	(1ULL << 8)
#define X86_EFER_LMA	(1ULL << 10)

#define PTE_PRESENT	(1ULL << 0)
#define PTE_WRITE	(1ULL << 1)
#define PTE_LARGE	(1ULL << 7)	/* in a PDE: maps a 2 MiB page */

#define SIZE_2M		(2ULL << 20)
#define SIZE_1G		(1ULL << 30)
#define MAX_MAP		(512 * SIZE_1G)	/* what one PDPT covers */

/*
 * Layout of the tables area, page by page: PML4, PDPT, one page directory
 * per GiB mapped, then the GDT.  2 MiB pages keep it small (a 4 GiB map is
 * 7 pages) and need no feature beyond long mode itself.
 */
#define GDT_SEL_CODE	0x08
#define GDT_SEL_DATA	0x10
#define GDT_SEL_TSS	0x18

static uint64_t pd_count(uint64_t map_size)
{
	return (map_size + SIZE_1G - 1) / SIZE_1G;
}

VMCTL_EXPORT uint64_t vmctl_long_mode_tables_size(uint64_t map_size)
{
	if (map_size == 0 || map_size > MAX_MAP)
		return 0;
	return (2 + pd_count(map_size) + 1) * VMCTL_PAGE_SIZE;
}

VMCTL_EXPORT int vmctl_build_long_mode_tables(void *buf, size_t len, uint64_t buf_gpa,
					      uint64_t map_size, uint64_t *cr3,
					      uint64_t *gdt_gpa)
{
	uint64_t need = vmctl_long_mode_tables_size(map_size);
	uint64_t *pml4, *pdpt, *pd, *gdt, npd, i;

	if (!buf || !cr3 || !gdt_gpa || need == 0 || buf_gpa % VMCTL_PAGE_SIZE)
		return -EINVAL;
	if (len < need)
		return -ENOSPC;
	npd = pd_count(map_size);
	memset(buf, 0, need);

	pml4 = buf;
	pdpt = (uint64_t *)((char *)buf + VMCTL_PAGE_SIZE);
	pd = (uint64_t *)((char *)buf + 2 * VMCTL_PAGE_SIZE);
	gdt = (uint64_t *)((char *)buf + (2 + npd) * VMCTL_PAGE_SIZE);

	pml4[0] = (buf_gpa + VMCTL_PAGE_SIZE) | PTE_PRESENT | PTE_WRITE;
	for (i = 0; i < npd; i++)
		pdpt[i] = (buf_gpa + (2 + i) * VMCTL_PAGE_SIZE) | PTE_PRESENT | PTE_WRITE;
	/* The page directories are contiguous: index them as one array. */
	for (i = 0; i < npd * 512; i++)
		pd[i] = (i * SIZE_2M) | PTE_PRESENT | PTE_WRITE | PTE_LARGE;

	gdt[0] = 0;
	gdt[GDT_SEL_CODE / 8] = 0x00af9b000000ffffULL;	/* G L P S type=0xb (code, read, accessed) */
	gdt[GDT_SEL_DATA / 8] = 0x00cf93000000ffffULL;	/* G D/B P S type=3 (data, write, accessed) */
	gdt[GDT_SEL_TSS / 8] = 0x00008b0000000067ULL;	/* P type=0xb (busy 64-bit TSS), limit 0x67 */
	gdt[GDT_SEL_TSS / 8 + 1] = 0;			/* base bits 63:32 */

	*cr3 = buf_gpa;
	*gdt_gpa = buf_gpa + (2 + npd) * VMCTL_PAGE_SIZE;
	return 0;
}

static void flat_segment(struct vmctl_segment *seg, uint16_t sel, uint8_t type, bool code64)
{
	memset(seg, 0, sizeof(*seg));
	seg->base = 0;
	seg->limit = 0xffffffff;
	seg->selector = sel;
	seg->type = type;
	seg->present = 1;
	seg->s = 1;
	seg->g = 1;
	seg->l = code64;
	seg->db = !code64;	/* D/B must be 0 when L is 1 */
}

/*
 * The flat segments, TSS, null LDT and GDT of the protected- and long-mode
 * set-ups (their GDTs share the selectors); no IDT, so a stray exception
 * becomes a triple fault the host sees.
 */
static void flat_protected_segments(struct vmctl_sregs *sregs, bool code64,
				    uint64_t gdt_base, uint16_t gdt_limit)
{
	flat_segment(&sregs->cs, GDT_SEL_CODE, 0xb, code64);
	flat_segment(&sregs->ds, GDT_SEL_DATA, 0x3, false);
	sregs->es = sregs->fs = sregs->gs = sregs->ss = sregs->ds;

	memset(&sregs->tr, 0, sizeof(sregs->tr));
	sregs->tr.selector = GDT_SEL_TSS;
	sregs->tr.limit = 0x67;
	sregs->tr.type = 0xb;
	sregs->tr.present = 1;

	memset(&sregs->ldt, 0, sizeof(sregs->ldt));
	sregs->ldt.type = 0x2;
	sregs->ldt.unusable = 1;

	memset(&sregs->gdt, 0, sizeof(sregs->gdt));
	sregs->gdt.base = gdt_base;
	sregs->gdt.limit = gdt_limit;
	memset(&sregs->idt, 0, sizeof(sregs->idt));
}

VMCTL_EXPORT int vmctl_vcpu_setup_long_mode(struct vmctl_vcpu *vcpu,
					    const struct vmctl_long_mode *lm)
{
	uint64_t size, cr3, gdt_gpa;
	struct vmctl_sregs sregs;
	struct vmctl_regs regs;
	void *host;
	int err;

	if (!vcpu || !lm)
		return -EINVAL;
	size = vmctl_long_mode_tables_size(lm->map_size);
	if (size == 0 || lm->tables_gpa % VMCTL_PAGE_SIZE)
		return -EINVAL;
	host = vmctl_vm_gpa_to_host(vcpu->vm, lm->tables_gpa, size);
	if (!host)
		return -EFAULT;
	err = vmctl_build_long_mode_tables(host, size, lm->tables_gpa, lm->map_size,
					   &cr3, &gdt_gpa);
	if (err)
		return err;

	err = vmctl_vcpu_get_sregs(vcpu, &sregs);
	if (err)
		return err;
	flat_protected_segments(&sregs, true, gdt_gpa, VMCTL_LONG_MODE_GDT_LIMIT);

	sregs.cr0 = X86_CR0_PE | X86_CR0_MP | X86_CR0_ET | X86_CR0_NE | X86_CR0_WP |
		    X86_CR0_PG;
	sregs.cr2 = 0;
	sregs.cr3 = cr3;
	sregs.cr4 = X86_CR4_PAE;
	sregs.efer = X86_EFER_LME | X86_EFER_LMA;
	err = vmctl_vcpu_set_sregs(vcpu, &sregs);
	if (err)
		return err;

	memset(&regs, 0, sizeof(regs));
	regs.rip = lm->entry;
	regs.rsp = lm->stack;
	regs.rflags = 0x2;
	return vmctl_vcpu_set_regs(vcpu, &regs);
}

static void real_segment(struct vmctl_segment *seg, uint16_t sel, uint8_t type)
{
	memset(seg, 0, sizeof(*seg));
	seg->base = (uint64_t)sel << 4;
	seg->limit = 0xffff;
	seg->selector = sel;
	seg->type = type;
	seg->present = 1;
	seg->s = 1;
}

VMCTL_EXPORT int vmctl_vcpu_setup_real_mode(struct vmctl_vcpu *vcpu, uint16_t cs,
					    uint16_t ip, uint16_t sp)
{
	struct vmctl_sregs sregs;
	struct vmctl_regs regs;
	int err;

	err = vmctl_vcpu_get_sregs(vcpu, &sregs);
	if (err)
		return err;
	real_segment(&sregs.cs, cs, 0xb);
	real_segment(&sregs.ds, cs, 0x3);
	sregs.es = sregs.fs = sregs.gs = sregs.ss = sregs.ds;
	/* Undo a previous long-mode set-up; keep the rest of the reset state. */
	sregs.cr0 &= ~(X86_CR0_PE | X86_CR0_PG);
	sregs.cr4 &= ~X86_CR4_PAE;
	sregs.efer &= ~(X86_EFER_LME | X86_EFER_LMA);
	sregs.idt.base = 0;
	sregs.idt.limit = 0x3ff;	/* the real-mode interrupt vector table */
	err = vmctl_vcpu_set_sregs(vcpu, &sregs);
	if (err)
		return err;

	memset(&regs, 0, sizeof(regs));
	regs.rip = ip;
	regs.rsp = sp;
	regs.rflags = 0x2;
	return vmctl_vcpu_set_regs(vcpu, &regs);
}

/* The GDT of vmctl_vcpu_setup_protected_mode(), by selector / 8. */
static const uint64_t protected_mode_gdt[VMCTL_PROTECTED_MODE_GDT_SIZE / 8] = {
	0,
	0x00cf9b000000ffffULL,	/* G D P S type=0xb (code, read, accessed) */
	0x00cf93000000ffffULL,	/* G D P S type=3 (data, write, accessed) */
	0x00008b0000000067ULL,	/* P type=0xb (busy 32-bit TSS), limit 0x67 */
};

VMCTL_EXPORT int vmctl_vcpu_setup_protected_mode(struct vmctl_vcpu *vcpu,
						 const struct vmctl_protected_mode *pm)
{
	struct vmctl_sregs sregs;
	struct vmctl_regs regs;
	int err;

	if (!vcpu || !pm || pm->gdt_gpa % 8)
		return -EINVAL;
	if (vmctl_vm_write(vcpu->vm, pm->gdt_gpa, protected_mode_gdt, sizeof(protected_mode_gdt)))
		return -EFAULT;

	err = vmctl_vcpu_get_sregs(vcpu, &sregs);
	if (err)
		return err;
	flat_protected_segments(&sregs, false, pm->gdt_gpa,
				VMCTL_PROTECTED_MODE_GDT_SIZE - 1);

	sregs.cr0 = X86_CR0_PE | X86_CR0_ET | X86_CR0_NE;
	sregs.cr2 = 0;
	sregs.cr3 = 0;
	sregs.cr4 = 0;
	sregs.efer = 0;
	err = vmctl_vcpu_set_sregs(vcpu, &sregs);
	if (err)
		return err;

	memset(&regs, 0, sizeof(regs));
	regs.rip = pm->entry;
	regs.rsp = pm->stack;
	regs.rflags = 0x2;
	return vmctl_vcpu_set_regs(vcpu, &regs);
}
