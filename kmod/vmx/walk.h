/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest's own address translation, done in software: segmentation
 * (logical -> linear) and paging (linear -> guest-physical) in every mode a
 * guest can be in, with the checks and the #PF error code the CPU would
 * produce.  Pure functions of the guest's control registers and memory:
 * memory comes through callbacks, so KUnit drives them with a fake guest.
 *
 * Accessed and dirty bits are set as the CPU sets them, but only once the
 * whole translation has passed its checks (a faulting walk leaves the
 * tables untouched; the SDM allows either), and with plain read-modify-
 * write copies, not the CPU's locked updates: another vCPU changing the
 * same entry at that moment may lose its change.
 */
#ifndef VMCTL_VMX_WALK_H
#define VMCTL_VMX_WALK_H

#include <linux/types.h>

/* Guest memory for the walker: 0, or negative errno (not in guest RAM). */
struct vmx_walk_mem {
	int (*read)(void *ctx, u64 gpa, void *buf, unsigned int len);
	int (*write)(void *ctx, u64 gpa, const void *buf, unsigned int len);
	void *ctx;
};

/* What translation depends on, as the guest sees it. */
struct vmx_paging {
	u64 cr0, cr3, cr4, efer;
	u64 rflags;			/* AC, for SMAP */
	u64 pdpte[4];			/* PAE: the PDPTE registers */
	unsigned int cpl;
	unsigned int phys_bits;		/* MAXPHYADDR */
	unsigned int virt_bits;		/* linear-address width, 48 */
};

/* Kinds of access (bits of @access). */
#define VMX_WALK_WRITE		0x1
#define VMX_WALK_FETCH		0x2
/* A supervisor access whatever the CPL (descriptor tables and the like). */
#define VMX_WALK_IMPLICIT	0x4

/* #PF error code bits. */
#define VMX_PF_PRESENT		0x1
#define VMX_PF_WRITE		0x2
#define VMX_PF_USER		0x4
#define VMX_PF_RSVD		0x8
#define VMX_PF_FETCH		0x10

/*
 * Translate @la for @access.  Returns 0 with *@gpa set; -EFAULT for a page
 * fault, with *@pf_error the error code (CR2 is @la); -ENXIO when a paging
 * structure is not in guest RAM; -EOPNOTSUPP for 5-level paging.
 */
int vmx_walk(const struct vmx_paging *p, const struct vmx_walk_mem *mem,
	     u64 la, unsigned int access, u64 *gpa, u32 *pf_error);

/* A segment as the VMCS holds it (limit in bytes, access-rights format). */
struct vmx_walk_seg {
	u64 base;
	u32 limit;
	u32 ar;
};

/*
 * The linear address of @size bytes at @offset in @seg (index @seg_nr,
 * 0-5 = ES CS SS DS FS GS), for an access of kind @access, in 64-bit mode
 * or not (@long_mode) with address size @addr_size.  Returns 0 with *@la
 * set, or the exception the CPU raises: -X86_TRAP_GP or -X86_TRAP_SS
 * (error code 0 either way).
 */
int vmx_seg_linear(const struct vmx_walk_seg *seg, unsigned int seg_nr,
		   bool long_mode, unsigned int virt_bits, u64 offset,
		   unsigned int size, unsigned int access, u64 *la);

#endif /* VMCTL_VMX_WALK_H */
