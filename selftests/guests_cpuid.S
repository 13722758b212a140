/* SPDX-License-Identifier: GPL-2.0 */
/* Guest code of the CPUID selftests; see guests_cpuid.h. */
#include "guests.h"
#include "guests_cpuid.h"

	.section .rodata.guests, "a"
	.code64
	.globl	cpuid_probe_begin, cpuid_probe_end, cpuid_probe_list
	.balign	16
cpuid_probe_begin:
	lea	cpuid_probe_list(%rip), %rsi
1:	mov	(%rsi), %eax
	cmp	$CPUID_PROBE_END, %eax
	je	3f
	cmp	$CPUID_PROBE_OSXSAVE, %eax
	je	2f
	mov	4(%rsi), %ecx
	cpuid
	shl	$32, %rbx
	mov	%eax, %eax
	or	%rax, %rbx
	mov	$UCALL_REPORT, %eax
	outl	%eax, $UCALL_PORT
	shl	$32, %rdx
	mov	%ecx, %ecx
	or	%rcx, %rdx
	mov	%rdx, %rbx
	mov	$UCALL_REPORT, %eax
	outl	%eax, $UCALL_PORT
	add	$8, %rsi
	jmp	1b
2:	mov	%cr4, %rax
	or	$0x40000, %rax		/* CR4.OSXSAVE */
	mov	%rax, %cr4
	add	$8, %rsi
	jmp	1b
3:	hlt
	.balign	8
cpuid_probe_list:
	.fill	CPUID_PROBE_MAX * 2, 4, CPUID_PROBE_END
cpuid_probe_end:

	.section .note.GNU-stack, "", @progbits
