/* SPDX-License-Identifier: GPL-2.0 */
/* Guest code of the statistics tests; see guests_stats.h and guests.S. */
#include "guests_stats.h"

#define GUEST(name)	.globl name##_begin, name##_end; .balign 16; name##_begin:
#define END(name)	name##_end:
#define OFF(name, l)	(l - name##_begin)

	.section .rodata.guests, "a"
	.code16

GUEST(port_mix)
	mov	%cs, %ax
	mov	%ax, %ds
	mov	$OFF(port_mix, port_mix_table), %si
1:	mov	(%si), %dx
	mov	2(%si), %cx
	test	%cx, %cx
	jz	3f
	mov	%dl, %al
2:	outb	%al, %dx
	loop	2b
	add	$4, %si
	jmp	1b
3:	xor	%ebx, %ebx
	mov	$UCALL_DONE, %eax
	outl	%eax, $UCALL_PORT
	hlt
	.balign	4
	.globl	port_mix_table
port_mix_table:
	.fill	PORT_MIX_ENTRIES * 2, 2, 0
	.word	0, 0			/* the end, whatever the host writes */
END(port_mix)

	.section .note.GNU-stack, "", @progbits
