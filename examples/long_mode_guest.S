/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * 64-bit guest of long_mode.c (position independent, RIP-relative).  It
 * adds 1 to 100 and hands the sum to the host with a ucall (the
 * VMCTL_UCALL macro of <vmctl/ucall.h>), then stores a 64-bit value in
 * its own memory and ends with the DONE ucall, whose argument is the
 * guest-virtual address of that value.
 */
#include <vmctl/ucall.h>

	.section .rodata.guest, "a"
	.code64
	.globl	guest_begin, guest_end
guest_begin:
	xor	%ebx, %ebx
	mov	$100, %ecx
1:	add	%rcx, %rbx		/* RBX = 100 + 99 + ... + 1 */
	loop	1b
	VMCTL_UCALL VMCTL_UCALL_REPORT	/* the argument is in RBX */

	movabs	$0x0123456789abcdef, %rax
	mov	%rax, scratch(%rip)
	lea	scratch(%rip), %rbx	/* tell the host where: a guest-virtual address */
	VMCTL_UCALL VMCTL_UCALL_DONE
	hlt
	.balign	8
scratch:
	.quad	0
guest_end:

	.section .note.GNU-stack, "", @progbits	/* no executable stack for the host */
