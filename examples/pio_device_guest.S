/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Real-mode guest of pio_device.c, copied to guest-physical 0x1000 and run
 * with CS = DS = 0x100, IP = 0.  It prints a greeting on the serial port,
 * then asks the "squarer" device for the squares of 1 to 5: it writes the
 * number to SQUARE_IN, reads the square back from SQUARE_OUT and hands it
 * to the host's RESULT port.  Then it halts.
 */
#include "pio_device.h"

	.section .rodata.guest, "a"
	.code16
	.globl	guest_begin, guest_end
guest_begin:
	mov	%cs, %ax
	mov	%ax, %ds
	mov	$(msg - guest_begin), %si
	mov	$SERIAL_PORT, %dx
1:	lodsb				/* AL = next character; stop at NUL */
	test	%al, %al
	jz	2f
	outb	%al, %dx
	jmp	1b

2:	mov	$1, %cx
3:	mov	%cx, %ax
	mov	$SQUARE_IN, %dx		/* ports above 0xff go through DX */
	outw	%ax, %dx		/* the device squares what it is given */
	mov	$SQUARE_OUT, %dx
	inw	%dx, %ax		/* ... and answers the next IN */
	mov	$RESULT_PORT, %dx
	outw	%ax, %dx
	inc	%cx
	cmp	$5, %cx
	jbe	3b
	hlt

msg:	.asciz	"Hello from a real-mode guest!\n"
guest_end:

	.section .note.GNU-stack, "", @progbits	/* no executable stack for the host */
