/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guests of string_io_test.c: INS and OUTS of every width, direction,
 * address size and REP form.  See guests_strio.h for what each does;
 * string_io_test.c computes what they must leave.
 */
#include "guests.h"
#include "guests_strio.h"

#define GUEST(name)	.globl name##_begin, name##_end; .balign 16; name##_begin:
#define END(name)	name##_end:

	.section .rodata.guests, "a"

	.code64
GUEST(strio_4k)
	cld
	mov	$STRIO_PORT_B, %edx
	mov	$STRIO_IN_BUF, %edi
	mov	$4096, %ecx
	rep insb
	mov	$STRIO_PORT_W, %edx
	mov	$STRIO_OUT_BUF, %esi
	mov	$2048, %ecx
	rep outsw
	mov	$UCALL_DONE, %eax
	outl	%eax, $UCALL_PORT
	hlt
END(strio_4k)

.macro CASE insn:req, dir:req, rep
	mov	0(%r14), %rsi
	mov	8(%r14), %rdi
	mov	16(%r14), %rcx
	mov	24(%r14), %rdx
	\dir
	\rep \insn
	cld
	mov	%rsi, 32(%r14)
	mov	%rdi, 40(%r14)
	mov	%rcx, 48(%r14)
	add	$64, %r14
.endm

.macro CASES insn:req
	CASE	\insn, cld, rep
	CASE	\insn, cld
	CASE	\insn, std, rep
	CASE	\insn, std
.endm

GUEST(strio_cases)
	mov	$STRIO_TABLE, %r14d
	CASES	insb
	CASES	outsb
	CASES	insw
	CASES	outsw
	CASES	insl
	CASES	outsl
	CASE	outsb, cld, "addr32 rep"
	mov	$UCALL_DONE, %eax
	outl	%eax, $UCALL_PORT
	hlt
END(strio_cases)

GUEST(strio_pf)
	lea	pf_idt(%rip), %rax
	lea	pf_handler(%rip), %rcx
	mov	%cx, 14 * 16(%rax)		/* offset 15:0 */
	movw	$0x08, 14 * 16 + 2(%rax)	/* 64-bit code selector */
	movw	$0x8e00, 14 * 16 + 4(%rax)	/* present interrupt gate */
	shr	$16, %rcx
	mov	%cx, 14 * 16 + 6(%rax)		/* offset 31:16 */
	shr	$16, %rcx
	mov	%ecx, 14 * 16 + 8(%rax)		/* offset 63:32 */
	lea	pf_idtr(%rip), %rcx
	mov	%rax, 2(%rcx)
	lidt	(%rcx)
	cld
	mov	$STRIO_PORT_B, %edx
	mov	$STRIO_PF_HOLE - 16, %edi
	mov	$64, %ecx
	rep insb
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
pf_idt:	.fill	32 * 16, 1, 0
pf_idtr: .word	32 * 16 - 1
	.quad	0
END(strio_pf)

	.code32
GUEST(strio_32)
	cld
	mov	$STRIO_PORT_W, %edx
	mov	$STRIO_32_SRC, %esi
	mov	$100, %ecx
	rep outsw
	mov	%ecx, %ebx
	mov	$UCALL_REPORT, %eax
	outl	%eax, $UCALL_PORT
	std
	mov	$STRIO_PORT_L, %edx
	mov	$STRIO_32_DST + 4 * 49, %edi
	mov	$50, %ecx
	rep insl
	cld
	mov	$UCALL_DONE, %eax
	outl	%eax, $UCALL_PORT
	hlt
END(strio_32)

/* Position independent: EBP is where the guest was loaded. */
GUEST(strio_32_limit)
	call	1f
1:	pop	%ebp
	sub	$1b - strio_32_limit_begin, %ebp
	lea	gp_idt - strio_32_limit_begin(%ebp), %eax
	lea	gp_handler - strio_32_limit_begin(%ebp), %ecx
	mov	%cx, 13 * 8(%eax)		/* offset 15:0 */
	movw	$0x08, 13 * 8 + 2(%eax)		/* 32-bit code selector */
	movw	$0x8e00, 13 * 8 + 4(%eax)	/* present 32-bit interrupt gate */
	shr	$16, %ecx
	mov	%cx, 13 * 8 + 6(%eax)		/* offset 31:16 */
	lea	gp_idtr - strio_32_limit_begin(%ebp), %ecx
	mov	%eax, 2(%ecx)
	lidt	(%ecx)
	cld
	mov	$STRIO_PORT_B, %edx
	mov	$STRIO_ES_LIMIT - 15, %edi
	mov	$32, %ecx
	rep insb
	mov	$UCALL_DONE, %eax		/* not reached */
	outl	%eax, $UCALL_PORT
	hlt
gp_handler:
	mov	%edi, %ebx
	mov	$UCALL_REPORT, %eax
	outl	%eax, $UCALL_PORT
	mov	%ecx, %ebx
	mov	$UCALL_REPORT, %eax
	outl	%eax, $UCALL_PORT
	pop	%ebx				/* the error code */
	mov	$UCALL_REPORT, %eax
	outl	%eax, $UCALL_PORT
	hlt
	.balign	8
gp_idt:	.fill	32 * 8, 1, 0
gp_idtr: .word	32 * 8 - 1
	.long	0
END(strio_32_limit)

	.code16
GUEST(strio_16)
	cld
	mov	$STRIO_PORT_B, %dx
	mov	$0xabcd0000 + STRIO_16_SRC, %esi
	mov	$0x55550000 + 10, %ecx
	rep outsb
	mov	%ecx, %ebx
	mov	$UCALL_REPORT, %eax
	outl	%eax, $UCALL_PORT
	mov	$STRIO_PORT_W, %dx
	mov	$0x12340000 + STRIO_16_DST, %edi
	mov	$0x77770000 + 5, %ecx
	rep insw
	mov	$UCALL_DONE, %eax
	outl	%eax, $UCALL_PORT
	hlt
END(strio_16)

	.section .note.GNU-stack, "", @progbits
