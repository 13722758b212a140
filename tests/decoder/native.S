/* SPDX-License-Identifier: GPL-2.0 */
/*
 * native_run(): run one instruction on the CPU with every general register
 * and the arithmetic flags taken from native_in, and store the registers and
 * flags it leaves in native_out.  The instruction is at native_target,
 * followed by an absolute jump to native_return; RSP is loaded too (the
 * instruction may address memory through it), so nothing may touch the
 * stack between the loads and the stores.
 *
 * struct layout: u64 gpr[16] (encoding order), u64 rip, u64 rflags.
 */
	.intel_syntax noprefix
	.text
	.globl	native_run
	.type	native_run, @function
native_run:
	push	rbx
	push	rbp
	push	r12
	push	r13
	push	r14
	push	r15
	mov	[rip + native_saved_rsp], rsp
	push	qword ptr [rip + native_in + 17 * 8]
	popfq
	mov	rax, [rip + native_in + 0 * 8]
	mov	rcx, [rip + native_in + 1 * 8]
	mov	rdx, [rip + native_in + 2 * 8]
	mov	rbx, [rip + native_in + 3 * 8]
	mov	rbp, [rip + native_in + 5 * 8]
	mov	rsi, [rip + native_in + 6 * 8]
	mov	rdi, [rip + native_in + 7 * 8]
	mov	r8, [rip + native_in + 8 * 8]
	mov	r9, [rip + native_in + 9 * 8]
	mov	r10, [rip + native_in + 10 * 8]
	mov	r11, [rip + native_in + 11 * 8]
	mov	r12, [rip + native_in + 12 * 8]
	mov	r13, [rip + native_in + 13 * 8]
	mov	r14, [rip + native_in + 14 * 8]
	mov	r15, [rip + native_in + 15 * 8]
	mov	rsp, [rip + native_in + 4 * 8]
	jmp	qword ptr [rip + native_target]

	.globl	native_return
native_return:
	mov	[rip + native_out + 0 * 8], rax
	mov	[rip + native_out + 1 * 8], rcx
	mov	[rip + native_out + 2 * 8], rdx
	mov	[rip + native_out + 3 * 8], rbx
	mov	[rip + native_out + 4 * 8], rsp
	mov	[rip + native_out + 5 * 8], rbp
	mov	[rip + native_out + 6 * 8], rsi
	mov	[rip + native_out + 7 * 8], rdi
	mov	[rip + native_out + 8 * 8], r8
	mov	[rip + native_out + 9 * 8], r9
	mov	[rip + native_out + 10 * 8], r10
	mov	[rip + native_out + 11 * 8], r11
	mov	[rip + native_out + 12 * 8], r12
	mov	[rip + native_out + 13 * 8], r13
	mov	[rip + native_out + 14 * 8], r14
	mov	[rip + native_out + 15 * 8], r15
	mov	rsp, [rip + native_saved_rsp]
	pushfq
	pop	qword ptr [rip + native_out + 17 * 8]
	cld
	pop	r15
	pop	r14
	pop	r13
	pop	r12
	pop	rbp
	pop	rbx
	ret
	.size	native_run, . - native_run

	.bss
	.align	16
	.globl	native_in, native_out, native_target
native_in:	.skip	18 * 8
native_out:	.skip	18 * 8
native_target:	.skip	8
native_saved_rsp: .skip	8
	.section .note.GNU-stack, "", @progbits
