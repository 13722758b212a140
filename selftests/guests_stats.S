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

/*
 * Long mode.  One event-driven loop per kind of exit, each run as many
 * times as the host wrote into stats_mix_counts; see guests_stats.h.
 */
.macro SYNC
	mov	$UCALL_SYNC, %eax
	outl	%eax, $UCALL_PORT
.endm

	.code64
GUEST(stats_mix)
	lea	stats_mix_irq_handler(%rip), %rax
	lea	stats_mix_idt + STATS_IRQ_VECTOR * 16(%rip), %rdi
	mov	%ax, (%rdi)
	movw	%cs, 2(%rdi)
	movw	$0x8e00, 4(%rdi)	/* present 64-bit interrupt gate */
	shr	$16, %rax
	mov	%ax, 6(%rdi)
	shr	$16, %rax
	mov	%eax, 8(%rdi)
	lea	stats_mix_idt(%rip), %rax
	mov	%rax, stats_mix_idtr + 2(%rip)
	lidt	stats_mix_idtr(%rip)

	mov	stats_mix_counts + 4 * STATS_OUTS(%rip), %ecx
	mov	$STATS_PORT, %dx
	jrcxz	2f
1:	outb	%al, %dx
	loop	1b
2:	movabs	$STATS_MMIO_GPA, %rbx
	mov	stats_mix_counts + 4 * STATS_MMIO_WRITES(%rip), %ecx
	jrcxz	4f
3:	mov	%ecx, (%rbx)
	loop	3b
4:	xor	%r8, %r8
	mov	stats_mix_counts + 4 * STATS_MMIO_READS(%rip), %ecx
	jrcxz	6f
5:	mov	(%rbx), %eax
	add	%rax, %r8
	loop	5b
6:	mov	%r8, stats_mix_read_sum(%rip)
	xor	%r8, %r8
	mov	stats_mix_counts + 4 * STATS_HYPERCALLS(%rip), %ecx
	jrcxz	8f
7:	mov	$STATS_HC_NR, %eax
	vmcall
	add	%rax, %r8
	loop	7b
8:	mov	%r8, stats_mix_hc_sum(%rip)
	/* With IF set at each SYNC, the host's interrupt arrives at its entry. */
	mov	stats_mix_counts + 4 * STATS_IRQS(%rip), %r13d
	sti
	test	%r13d, %r13d
	jz	10f
9:	mov	%r13, %rbx
	SYNC
	dec	%r13d
	jnz	9b
10:	cli
	xor	%ebx, %ebx
	mov	$UCALL_DONE, %eax
	outl	%eax, $UCALL_PORT
	hlt				/* IF clear: ends the run with VMCTL_EXIT_HLT */

stats_mix_irq_handler:
	incq	stats_mix_irq_count(%rip)
	iretq

	.balign	16
stats_mix_idt:
	.skip	256 * 16
stats_mix_idtr:
	.word	256 * 16 - 1
	.quad	0
	.balign	8
	.globl	stats_mix_irq_count, stats_mix_read_sum, stats_mix_hc_sum, stats_mix_counts
stats_mix_irq_count:
	.quad	0
stats_mix_read_sum:
	.quad	0
stats_mix_hc_sum:
	.quad	0
stats_mix_counts:
	.fill	STATS_NR_COUNTS, 4, 0
END(stats_mix)

	.section .note.GNU-stack, "", @progbits
