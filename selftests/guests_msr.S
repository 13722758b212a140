/* SPDX-License-Identifier: GPL-2.0 */
/* Guest code of msr_test.c: see guests_msr.h. */
#include "guests.h"
#include "guests_msr.h"

	.section .rodata.guests, "a"
	.code64
	.balign	16
	.globl	msr_service_begin, msr_service_end, msr_service_rdmsr
msr_service_begin:
	lea	idt(%rip), %rdi
	mov	%rdi, idtr + 2(%rip)
	lea	ud_handler(%rip), %rax
	mov	$6, %ecx
	call	set_gate
	lea	gp_handler(%rip), %rax
	mov	$13, %ecx
	call	set_gate
	lidt	idtr(%rip)
round:
	xor	%ebx, %ebx
	mov	$UCALL_SYNC, %eax
	outl	%eax, $UCALL_PORT
	cmp	$MSR_OP_RDMSR, %esi
	je	op_rdmsr
	cmp	$MSR_OP_WRMSR, %esi
	je	op_wrmsr
	cmp	$MSR_OP_XSETBV, %esi
	je	op_xsetbv
	cmp	$MSR_OP_XGETBV, %esi
	je	op_xgetbv
	cmp	$MSR_OP_RDTSC, %esi
	je	op_rdtsc
	cmp	$MSR_OP_VMXOFF, %esi
	je	op_vmxoff
	cmp	$MSR_OP_VMCLEAR, %esi
	je	op_vmclear
	jmp	report

/* R15: the length of the instruction a fault handler skips */
op_rdmsr:
	mov	$(1f - msr_service_rdmsr), %r15d
msr_service_rdmsr:
	rdmsr
1:	jmp	report
op_wrmsr:
	mov	$(2f - 1f), %r15d
1:	wrmsr
2:	jmp	report
op_xsetbv:
	mov	$(2f - 1f), %r15d
1:	xsetbv
2:	jmp	report
op_xgetbv:
	mov	$(2f - 1f), %r15d
1:	xgetbv
2:	jmp	report
op_rdtsc:
	mov	$(2f - 1f), %r15d
1:	rdtsc
2:	jmp	report
op_vmxoff:
	mov	$(2f - 1f), %r15d
1:	vmxoff
2:	jmp	report
op_vmclear:
	mov	$(2f - 1f), %r15d
1:	vmclear	(%rsp)
2:	jmp	report

report:
	shl	$32, %rdx
	mov	%eax, %eax
	or	%rdx, %rax
	mov	%rax, %rbx
	mov	$UCALL_REPORT, %eax
	outl	%eax, $UCALL_PORT
	jmp	round

ud_handler:
	mov	$6, %r14d
	mov	(%rsp), %r13
	add	%r15, (%rsp)
	iretq
gp_handler:
	mov	$13, %r14d
	add	$8, %rsp		/* the error code */
	mov	(%rsp), %r13
	add	%r15, (%rsp)
	iretq

/* IDT gate ECX -> RAX: 64-bit interrupt gate, this CS */
set_gate:
	mov	%ecx, %edx
	shl	$4, %edx
	add	%rdi, %rdx
	mov	%ax, (%rdx)
	mov	%cs, %r8d
	mov	%r8w, 2(%rdx)
	movw	$0x8e00, 4(%rdx)
	mov	%rax, %r8
	shr	$16, %r8
	mov	%r8w, 6(%rdx)
	shr	$16, %r8
	mov	%r8d, 8(%rdx)
	movl	$0, 12(%rdx)
	ret

	.balign	8
idtr:	.word	16 * 16 - 1
	.quad	0
	.balign	16
idt:	.fill	16 * 16, 1, 0
msr_service_end:

	.section .note.GNU-stack, "", @progbits
