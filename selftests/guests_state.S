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

	.section .note.GNU-stack, "", @progbits
