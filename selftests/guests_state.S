/* SPDX-License-Identifier: GPL-2.0 */
/* Guest code of the state feature's selftests; see guests_state.h. */
#include "guests_state.h"

#define GUEST(name)	.globl name##_begin, name##_end; .balign 16; name##_begin:
#define END(name)	name##_end:

/* REPORT(reg) over the ucall port; clobbers RAX and RBX. */
#define REPORT(reg)	mov reg, %rbx; mov $UCALL_REPORT, %eax; outl %eax, $UCALL_PORT

	.section .rodata.guests, "a"

	.code64
GUEST(hc_long)
	movabs	$HC_FIRST_NR, %rax
	movabs	$HC_FIRST_ARG0, %rbx
	movabs	$HC_FIRST_ARG1, %rcx
	movabs	$HC_FIRST_ARG2, %rdx
	movabs	$HC_FIRST_ARG3, %rsi
	mov	$0x5555, %edi
	mov	$0x6666, %r8d
	vmcall
	mov	%rax, %r15
	/* Which of RBX, RCX, RDX, RSI, RDI, R8 the VMCALL changed: bits 0-5. */
	xor	%r14d, %r14d
	movabs	$HC_FIRST_ARG0, %r9
	cmp	%r9, %rbx
	je	1f
	or	$1, %r14d
1:	movabs	$HC_FIRST_ARG1, %r9
	cmp	%r9, %rcx
	je	1f
	or	$2, %r14d
1:	movabs	$HC_FIRST_ARG2, %r9
	cmp	%r9, %rdx
	je	1f
	or	$4, %r14d
1:	movabs	$HC_FIRST_ARG3, %r9
	cmp	%r9, %rsi
	je	1f
	or	$8, %r14d
1:	cmp	$0x5555, %rdi
	je	1f
	or	$0x10, %r14d
1:	cmp	$0x6666, %r8
	je	1f
	or	$0x20, %r14d
1:	REPORT(%r15)
	REPORT(%r14)

	/* Loop: nr = HC_LOOP_NR + i, args i, 2i, 3i, 4i; R13 counts wrong answers. */
	xor	%r12d, %r12d
	xor	%r13d, %r13d
2:	lea	HC_LOOP_NR(%r12), %rax
	mov	%r12, %rbx
	lea	(%r12, %r12), %rcx
	lea	(%rcx, %r12), %rdx
	lea	(, %r12, 4), %rsi
	vmcall
	/* expected: nr * 0x10001 + a0 + (a1 << 8) + (a2 << 16) + (a3 << 24) */
	lea	HC_LOOP_NR(%r12), %r9
	imul	$0x10001, %r9, %r9
	add	%rbx, %r9
	shl	$8, %rcx
	add	%rcx, %r9
	shl	$16, %rdx
	add	%rdx, %r9
	shl	$24, %rsi
	add	%rsi, %r9
	cmp	%r9, %rax
	je	3f
	inc	%r13
3:	inc	%r12
	cmp	$HC_LOOP_COUNT, %r12
	jne	2b
	REPORT(%r13)

	mov	$HC_RAW_NR, %eax
	vmcall
	REPORT(%rax)
	mov	$HC_NONE_NR, %eax
	vmcall
	REPORT(%rax)
	hlt
END(hc_long)

	.code32
GUEST(hc_prot)
	vmcall
	mov	%eax, %ebx
	mov	$UCALL_REPORT, %eax
	outl	%eax, $UCALL_PORT
1:	jmp	1b
END(hc_prot)

	.code64
GUEST(state_sum)
	mov	%cr4, %rax
	or	$0x40600, %rax			/* CR4.OSXSAVE, OSXMMEXCPT, OSFXSR */
	mov	%rax, %cr4
	mov	$0xc0000081, %ecx		/* MSR_STAR */
	mov	$(STATE_STAR & 0xffffffff), %eax
	mov	$(STATE_STAR >> 32), %edx
	wrmsr
	xor	%r12d, %r12d
	pxor	%xmm1, %xmm1
	vxorpd	%ymm2, %ymm2, %ymm2
	vbroadcastsd 9f(%rip), %ymm3
	mov	$1, %r13d
1:	add	%r13, %r12
	movq	%r13, %xmm5
	paddq	%xmm5, %xmm1
	vaddpd	%ymm3, %ymm2, %ymm2
	cmp	$(STATE_SUM_N / 2), %r13
	jne	2f
	inl	$STATE_IN_PORT, %eax		/* the host saves the vCPU here */
	mov	%eax, %eax
	add	%rax, %r12
2:	inc	%r13
	cmp	$(STATE_SUM_N + 1), %r13
	jne	1b
	REPORT(%r12)
	movq	%xmm1, %r14
	REPORT(%r14)
	vextractf128 $1, %ymm2, %xmm4
	cvttsd2si %xmm4, %r14
	REPORT(%r14)
	mov	$0xc0000081, %ecx
	rdmsr
	shl	$32, %rdx
	or	%rax, %rdx
	REPORT(%rdx)
	hlt
	.balign 8
9:	.double	1.0
END(state_sum)

GUEST(fpu_keep)
	mov	%cr4, %rax
	or	$0x40000, %rax
	mov	%rax, %cr4
	.irp	r, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14
	vmovdqu	(8f + 32 * \r)(%rip), %ymm\r
	.endr
	xor	%r12d, %r12d			/* OUTs done */
	xor	%r13d, %r13d			/* OUTs after which a register differed */
1:	mov	%r12d, %eax
	outl	%eax, $FPU_KEEP_PORT
	xor	%r14d, %r14d
	.irp	r, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14
	vxorps	(8f + 32 * \r)(%rip), %ymm\r, %ymm15
	vptest	%ymm15, %ymm15
	jz	2f
	mov	$1, %r14d
2:
	.endr
	add	%r14, %r13
	inc	%r12
	cmp	$FPU_KEEP_EXITS, %r12
	jne	1b
	REPORT(%r13)
	hlt
	.balign 32
	.globl	fpu_keep_patterns
fpu_keep_patterns:
8:	.irp	r, 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	.quad	0x0101010101010101 * \r, 0x1000000000000001 * \r
	.quad	0x0202020202020202 * \r + 0xf00d, 0xa5a5a5a5a5a5a5a5 ^ \r
	.endr
END(fpu_keep)

GUEST(dr7_rewrite)
	mov	%dr7, %rax
	mov	%rax, %dr7
	mov	%dr7, %rcx
	REPORT(%rcx)
	hlt
END(dr7_rewrite)

.macro SYNC n
	mov	$\n, %ebx
	mov	$UCALL_SYNC, %eax
	outl	%eax, $UCALL_PORT
.endm

/* A 64-bit interrupt gate for vector vec to handler, in sev_idt. */
.macro SET_GATE vec, handler
	lea	\handler(%rip), %rax
	lea	sev_idt + \vec * 16(%rip), %rdi
	mov	%ax, (%rdi)
	movw	%cs, 2(%rdi)
	movw	$0x8e00, 4(%rdi)
	shr	$16, %rax
	mov	%ax, 6(%rdi)
	shr	$16, %rax
	mov	%eax, 8(%rdi)
	movl	$0, 12(%rdi)
.endm

GUEST(state_ev)
	SET_GATE 2, sev_nmi_handler
	SET_GATE 13, sev_gp_handler
	SET_GATE SEV_IRQ_VECTOR, sev_irq_handler
	lea	sev_idt(%rip), %rax
	mov	%rax, sev_idtr + 2(%rip)
	lidt	sev_idtr(%rip)

	cli
	xor	%r12d, %r12d
	SYNC 1
	sti
	mov	$2, %r12		/* in the STI shadow: runs first */
	.globl	sev_after_sti
sev_after_sti:
	cli
	SYNC 2
	sti
	nop
	.globl	sev_after_unbacked
sev_after_unbacked:
	cli
	SYNC 3
	.globl	sev_gp_ret
sev_gp_ret:
	SYNC 4
	.globl	sev_nmi_ret
sev_nmi_ret:
	SYNC 5
	mov	$5, %r12
	sti
	inl	$SEV_IN_PORT, %eax	/* in the STI shadow, waits for user space */
	.globl	sev_after_in
sev_after_in:
	mov	$6, %r12
	cli
	SYNC 6
	sti
	hlt
	.globl	sev_after_hlt
sev_after_hlt:
	cli
	SYNC 7
	hlt

sev_irq_handler:
	push	%rax
	mov	8(%rsp), %rax
	mov	%rax, sev_irq_rip(%rip)
	mov	%r12, sev_irq_r12(%rip)
	incq	sev_irq_count(%rip)
	pop	%rax
	iretq

sev_gp_handler:
	push	%rax
	mov	8(%rsp), %rax		/* error code */
	mov	%rax, sev_gp_code(%rip)
	mov	16(%rsp), %rax
	mov	%rax, sev_gp_rip(%rip)
	incq	sev_gp_count(%rip)
	pop	%rax
	add	$8, %rsp
	iretq

sev_nmi_handler:
	push	%rax
	mov	8(%rsp), %rax
	mov	%rax, sev_nmi_rip(%rip)
	incq	sev_nmi_count(%rip)
	pop	%rax
	iretq

	.balign	16
sev_idt:
	.skip	256 * 16
sev_idtr:
	.word	256 * 16 - 1
	.quad	0
	.balign	8
#define RECORD(name)	.globl name; name: .quad 0
	RECORD(sev_irq_count)
	RECORD(sev_irq_rip)
	RECORD(sev_irq_r12)
	RECORD(sev_gp_count)
	RECORD(sev_gp_rip)
	RECORD(sev_gp_code)
	RECORD(sev_nmi_count)
	RECORD(sev_nmi_rip)
END(state_ev)

GUEST(state_dump)
	mov	$SDUMP_VALUE, %eax
	outl	%eax, $SDUMP_PORT
	.globl	sdump_after_out
sdump_after_out:
	ud2				/* with an empty IDT: a triple fault */
END(state_dump)

/*
 * mce_msr: runs the host's list of RDMSR/WRMSR (struct mce_op, 32 bytes:
 * op, index, value, result, gp) and records what each did; a #GP is
 * recorded and the 2-byte instruction skipped.
 */
GUEST(mce_msr)
	lea	mce_gp_handler(%rip), %rax
	lea	mce_idt + 13 * 16(%rip), %rdi
	mov	%ax, (%rdi)
	movw	%cs, 2(%rdi)
	movw	$0x8e00, 4(%rdi)
	shr	$16, %rax
	mov	%ax, 6(%rdi)
	shr	$16, %rax
	mov	%eax, 8(%rdi)
	movl	$0, 12(%rdi)
	lea	mce_idt(%rip), %rax
	mov	%rax, mce_idtr + 2(%rip)
	lidt	mce_idtr(%rip)

	lea	mce_ops(%rip), %rsi
	mov	mce_nops(%rip), %r15d
	test	%r15d, %r15d
	jz	4f
1:	mov	4(%rsi), %ecx
	mov	8(%rsi), %eax
	mov	12(%rsi), %edx
	cmpl	$MCE_OP_WRITE, (%rsi)
	je	2f
	rdmsr
	shl	$32, %rdx
	or	%rax, %rdx
	mov	%rdx, 16(%rsi)
	jmp	3f
2:	wrmsr
3:	add	$32, %rsi
	dec	%r15d
	jnz	1b
4:	SYNC 1
	hlt

mce_gp_handler:
	movq	$1, 24(%rsi)
	addq	$2, 8(%rsp)		/* RDMSR and WRMSR are 2 bytes */
	add	$8, %rsp		/* the error code */
	iretq

	.balign	16
mce_idt:
	.skip	256 * 16
mce_idtr:
	.word	256 * 16 - 1
	.quad	0
	.balign	8
	.globl	mce_nops, mce_ops
mce_nops:
	.quad	0
mce_ops:
	.skip	MCE_MAX_OPS * 32
END(mce_msr)

	.section .note.GNU-stack, "", @progbits
