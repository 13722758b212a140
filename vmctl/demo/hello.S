/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The demo guest: 16-bit real mode, loaded by "vmctl run --flat hello.bin"
 * with CS = load address / 16 and IP = 0, so offsets from the start of this
 * file are addresses in CS (and, once copied, DS).  It greets over COM1,
 * computes something a lifeless memory dump could not show (the Fibonacci
 * numbers that fit in 16 bits and their sum), and reports success (0) on
 * the debug-exit port.
 */
#define COM1		0x3f8
#define COM1_LSR	(COM1 + 5)
#define LSR_THRE	0x20
#define DEBUG_EXIT	0xf4

	.code16
	.text
	.globl	_start
_start:
	mov	%cs, %ax
	mov	%ax, %ds

	mov	$banner, %si
	call	puts

	/* Fibonacci: a = 0, b = 1; print a; (a, b) = (b, a + b); until a overflows. */
	mov	$fibmsg, %si
	call	puts
	xor	%ax, %ax
	mov	$1, %bx
	xor	%di, %di		/* running sum, mod 65536 */
	mov	$25, %cx		/* F(0) .. F(24) = 46368 fit in 16 bits */
1:	add	%ax, %di
	call	putdec
	cmp	$1, %cx
	je	2f
	push	%ax
	mov	$' ', %al
	call	putc
	pop	%ax
2:	mov	%ax, %dx
	add	%bx, %dx
	mov	%bx, %ax
	mov	%dx, %bx
	loop	1b

	mov	$summsg, %si
	call	puts
	mov	%di, %ax		/* 121392 mod 65536 = 55856 */
	call	putdec
	mov	$bye, %si
	call	puts

	xor	%al, %al
	outb	%al, $DEBUG_EXIT
	/* Not reached under vmctl; elsewhere, stop for good. */
	cli
3:	hlt
	jmp	3b

/* Sends AL over COM1 once the transmitter is ready. */
putc:
	push	%dx
	push	%ax
	mov	$COM1_LSR, %dx
1:	inb	%dx, %al
	test	$LSR_THRE, %al
	jz	1b
	pop	%ax
	mov	$COM1, %dx
	outb	%al, %dx
	pop	%dx
	ret

/* Sends the NUL-terminated string at DS:SI. */
puts:
	push	%ax
1:	lodsb
	test	%al, %al
	jz	2f
	call	putc
	jmp	1b
2:	pop	%ax
	ret

/* Prints AX in decimal; preserves all registers. */
putdec:
	push	%ax
	push	%cx
	push	%dx
	push	%bx
	mov	$10, %bx
	xor	%cx, %cx
1:	xor	%dx, %dx
	div	%bx			/* AX = quotient, DX = next digit */
	push	%dx
	inc	%cx
	test	%ax, %ax
	jnz	1b
2:	pop	%ax
	add	$'0', %al
	call	putc
	loop	2b
	pop	%bx
	pop	%dx
	pop	%cx
	pop	%ax
	ret

banner:
	.ascii	"Hello from a vmctl guest!\n"
	.ascii	"This is 16-bit real mode code running on VT-x through vmctl.ko;\n"
	.asciz	"every character you read is one OUT to port 0x3f8.\n"
fibmsg:
	.asciz	"Fibonacci numbers below 65536: "
summsg:
	.asciz	"\nTheir sum modulo 65536: "
bye:
	.asciz	"\nGoodbye: writing 0 to the debug-exit port 0xf4.\n"
