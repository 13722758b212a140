/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A flat 64-bit image for "vmctl run --mode long" (cli_test): position
 * independent, prints a line on COM1 and writes 42 to the debug-exit port,
 * which must become vmctl's exit status.
 */
	.code64
	.text
	.globl	_start
_start:
	lea	msg(%rip), %rsi
	mov	$0x3f8, %dx
1:	lodsb
	test	%al, %al
	jz	2f
	outb	%al, %dx
	jmp	1b
2:	mov	$42, %eax
	outl	%eax, $0xf4
	hlt
msg:
	.asciz	"Hello from 64-bit mode via vmctl run --mode long\n"
