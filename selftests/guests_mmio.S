/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guests of mmio_test.c: MMIO instructions in every paging mode.  See
 * guests_mmio.h for what each expects; mmio_test.c holds the reference
 * model that judges them.
 */
#include "guests.h"
#include "guests_mmio.h"

#define GUEST(name)	.globl name##_begin, name##_end; .balign 16; name##_begin:
#define END(name)	name##_end:

#define SAVE(reg)	mov reg, (%r15); add $8, %r15
#define SAVEFL		pushfq; popq (%r15); add $8, %r15

	.section .rodata.guests, "a"

	.code64
GUEST(mmio_forms)
	mov	%r15, %r14			/* start of the results */
	/* stores of each width: immediates, then registers (AH too) */
	movb	$0x5a, 0(%rbx)
	movw	$0x1234, 2(%rbx)
	movl	$0x89abcdef, 4(%rbx)
	movq	$-2, 8(%rbx)
	movabs	$0x1122334455667788, %rax
	mov	%rax, 16(%rbx)
	mov	%eax, 24(%rbx)
	mov	%ax, 28(%rbx)
	mov	%al, 30(%rbx)
	mov	%ah, 31(%rbx)
	mov	$0x77, %r9d
	mov	%r9b, 32(%rbx)			/* REX register */
	movabs	%eax, MMIO_A_GPA + 36		/* A3, 64-bit moffs */
	/* loads of each width into a full register: partial-register rules */
	movabs	$0xdeadbeefcafebabe, %rax
	mov	64(%rbx), %al
	SAVE(%rax)
	movabs	$0xdeadbeefcafebabe, %rax
	mov	64(%rbx), %ax
	SAVE(%rax)
	movabs	$0xdeadbeefcafebabe, %rax
	mov	64(%rbx), %eax
	SAVE(%rax)
	mov	64(%rbx), %rax
	SAVE(%rax)
	movabs	$0xdeadbeefcafebabe, %rcx
	mov	65(%rbx), %ch
	SAVE(%rcx)
	movabs	MMIO_A_GPA + 72, %rax		/* A1, 64-bit moffs */
	SAVE(%rax)
	mov	72(%rbx), %r10d
	SAVE(%r10)
	/* zero and sign extension */
	movabs	$0xdeadbeefcafebabe, %rcx
	movzbl	66(%rbx), %ecx
	SAVE(%rcx)
	movzwl	66(%rbx), %ecx
	SAVE(%rcx)
	movsbq	66(%rbx), %rcx
	SAVE(%rcx)
	movswl	66(%rbx), %ecx
	SAVE(%rcx)
	movslq	68(%rbx), %rcx
	SAVE(%rcx)
	movabs	$0xdeadbeefcafebabe, %rcx
	movsbw	66(%rbx), %cx
	SAVE(%rcx)
	/* read-modify-write, with the flags */
	orl	$0x0f0f0000, 80(%rbx)
	SAVEFL
	addb	$1, 84(%rbx)
	SAVEFL
	subw	$1, 86(%rbx)
	SAVEFL
	movabs	$0xff00ff00ff00ff00, %rdx
	and	%rdx, 88(%rbx)
	SAVEFL
	stc
	incl	96(%rbx)			/* CF stays set */
	SAVEFL
	decb	100(%rbx)
	notw	102(%rbx)
	negl	104(%rbx)
	SAVEFL
	movabs	$0x0102030405060708, %rdx
	xchg	%rdx, 112(%rbx)
	SAVE(%rdx)
	btsl	$5, 120(%rbx)
	SAVEFL
	xor	%dl, 121(%rbx)
	/* reads only */
	cmpl	$0x1000, 124(%rbx)
	SAVEFL
	testb	$0x80, 66(%rbx)
	SAVEFL
	add	64(%rbx), %rdx
	SAVEFL				/* before SAVE, whose ADD sets flags */
	SAVE(%rdx)
	/* CMPXCHG equal, then not (it writes back what it read), XADD */
	mov	$0x11223344, %eax
	mov	$0x55667788, %ecx
	lock cmpxchg %ecx, 160(%rbx)
	SAVEFL
	SAVE(%rax)
	mov	$0x99, %eax
	cmpxchg	%rcx, 168(%rbx)
	SAVEFL
	SAVE(%rax)
	mov	$5, %edx
	lock xadd %rdx, 176(%rbx)
	SAVEFL
	SAVE(%rdx)
	mov	$0x81, %edx
	xadd	%dl, 184(%rbx)
	SAVEFL
	SAVE(%rdx)
	/* BT and BTR with a register bit offset, which moves the address */
	mov	$67, %ecx
	btl	%ecx, 192(%rbx)			/* bit 3 of the dword at 200 */
	SAVEFL
	mov	$-1, %rcx
	btrq	%rcx, 224(%rbx)			/* bit 63 of the qword at 216 */
	SAVEFL
	/* string forms: MMIO to MMIO, RAM to MMIO, MMIO to RAM */
	cld
	lea	128(%rbx), %rsi
	mov	%r12, %rdi
	movsq
	lea	ram_src(%rip), %rsi
	lea	8(%r12), %rdi
	movsl
	lea	136(%rbx), %rsi
	lea	ram_dst(%rip), %rdi
	movsw
	movzwl	ram_dst(%rip), %eax
	SAVE(%rax)
	lea	16(%r12), %rdi
	mov	$0xa7, %al
	stosb
	lea	140(%rbx), %rsi
	lodsl
	SAVE(%rax)
	lea	144(%rbx), %rsi
	lea	24(%r12), %rdi
	mov	$8, %ecx
	rep movsb
	std
	lea	159(%rbx), %rsi
	lea	39(%r12), %rdi
	mov	$4, %ecx
	rep movsb
	cld
	SAVE(%rsi)
	SAVE(%rdi)
	SAVE(%rcx)
	mov	%r15, %rbx
	sub	%r14, %rbx
	shr	$3, %rbx
	mov	$UCALL_DONE, %eax
	outl	%eax, $UCALL_PORT
	hlt
ram_src: .long	0xfeedf00d
ram_dst: .word	0
END(mmio_forms)

/* #PF from an MMIO instruction: the handler reports CR2, the error code. */
GUEST(mmio_pf)
	lea	idt(%rip), %rax
	lea	pf_handler(%rip), %rcx
	mov	%cx, 14 * 16(%rax)		/* offset 15:0 */
	movw	$0x08, 14 * 16 + 2(%rax)	/* 64-bit code selector */
	movw	$0x8e00, 14 * 16 + 4(%rax)	/* present interrupt gate */
	shr	$16, %rcx
	mov	%cx, 14 * 16 + 6(%rax)		/* offset 31:16 */
	shr	$16, %rcx
	mov	%ecx, 14 * 16 + 8(%rax)		/* offset 63:32 */
	lea	idtr(%rip), %rcx
	mov	%rax, 2(%rcx)
	lidt	(%rcx)
	mov	$MMIO_A_GPA, %esi
	mov	$MMIO_NOT_PRESENT, %edi
	mov	$3, %ecx
	rep movsb
	mov	$UCALL_DONE, %eax		/* not reached */
	outl	%eax, $UCALL_PORT
	hlt
pf_handler:
	mov	%cr2, %rbx
	mov	$UCALL_REPORT, %eax
	outl	%eax, $UCALL_PORT
	pop	%rbx				/* the error code */
	mov	$UCALL_REPORT, %eax
	outl	%eax, $UCALL_PORT
	hlt
	.balign	16
idt:	.fill	32 * 16, 1, 0
idtr:	.word	32 * 16 - 1
	.quad	0
END(mmio_pf)

GUEST(mmio_sse)
	mov	$MMIO_A_GPA, %ebx
	.globl	mmio_sse_insn
mmio_sse_insn:
	movdqu	(%rbx), %xmm0
	hlt
END(mmio_sse)

	.code32
GUEST(mmio_32)
	mov	(%ebx), %eax
	add	$1, %eax
	mov	%eax, 4(%ebx)
	movzwl	8(%ebx), %ecx
	add	%ecx, %eax
	orb	$0x80, 12(%ebx)
	mov	%eax, %ebx
	mov	$UCALL_DONE, %eax
	outl	%eax, $UCALL_PORT
	hlt
END(mmio_32)

	.code16
GUEST(mmio_16)
	mov	%es:0, %eax
	add	$1, %eax
	mov	%eax, %es:4
	movzwl	%es:8, %ecx
	add	%ecx, %eax
	orb	$0x80, %es:12
	mov	%eax, %ebx
	mov	$UCALL_DONE, %eax
	outl	%eax, $UCALL_PORT
	hlt
END(mmio_16)

	.section .note.GNU-stack, "", @progbits
