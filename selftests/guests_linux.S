/* SPDX-License-Identifier: GPL-2.0 */
/*
 * MONITOR and MWAIT, which Linux uses to idle when CPUID.1:ECX.MONITOR is
 * set: the guest reports that bit, executes both, and its #UD handler
 * reports each fault's RIP (ucall REPORT) and steps over the instruction.
 */
#include "guests.h"
#include "guests_linux.h"

#define GUEST(name)	.globl name##_begin, name##_end; .balign 16; name##_begin:
#define END(name)	name##_end:

	.section .rodata.guests, "a"
	.code64
GUEST(mw_guest)
	lea	mw_ud_handler(%rip), %rax	/* interrupt gate 6 */
	lea	mw_idt + 6 * 16(%rip), %rdi
	mov	%ax, (%rdi)
	movw	%cs, 2(%rdi)
	movw	$0x8e00, 4(%rdi)
	shr	$16, %rax
	mov	%ax, 6(%rdi)
	shr	$16, %rax
	mov	%eax, 8(%rdi)
	movl	$0, 12(%rdi)
	lea	mw_idt(%rip), %rax
	mov	%rax, mw_idtr + 2(%rip)
	lidt	mw_idtr(%rip)
	xor	%r12d, %r12d		/* #UDs taken */

	mov	$1, %eax
	xor	%ecx, %ecx
	cpuid
	mov	%ecx, %ebx
	mov	$UCALL_REPORT, %eax
	outl	%eax, $UCALL_PORT

	lea	mw_idt(%rip), %rax	/* any address: no hints, no extensions */
	xor	%ecx, %ecx
	xor	%edx, %edx
	.globl	mw_monitor
mw_monitor:
	monitor
	xor	%eax, %eax
	xor	%ecx, %ecx
	.globl	mw_mwait
mw_mwait:
	mwait
	mov	%r12, %rbx
	mov	$UCALL_DONE, %eax
	outl	%eax, $UCALL_PORT
	hlt

mw_ud_handler:
	inc	%r12
	mov	(%rsp), %rbx		/* the faulting RIP */
	mov	$UCALL_REPORT, %eax
	outl	%eax, $UCALL_PORT
	addq	$3, (%rsp)		/* MONITOR and MWAIT are 3 bytes */
	iretq

	.balign 16
mw_idt:
	.fill	7 * 16, 1, 0
mw_idtr:
	.word	7 * 16 - 1
	.quad	0
END(mw_guest)
	.section .note.GNU-stack, "", @progbits
