/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The bench's guest payloads.  The same bytes run on vmctl and on KVM.
 *
 * Every loop guest is real-mode code with 32-bit operands: it reads the
 * iteration count from the parameter block (ES = 0, see params.h), reads
 * the TSC, runs its loop body that many times, reads the TSC again, stores
 * the difference and halts.  The time is thus measured by the guest around
 * the exits only, with nothing of the host's set-up in it; a body is one
 * exit plus a decrement and a branch (a few instructions against the
 * thousands of an exit).
 *
 * CPUID overwrites EAX, EBX, ECX and EDX: the loop counts in EDI.
 */
#include "params.h"

#define GUEST(name)	.globl name##_begin, name##_end; .balign 16; name##_begin:
#define END(name)	name##_end:

	.section .rodata.guests, "a"
	.code16

.macro PROLOGUE
	xor	%ax, %ax
	mov	%ax, %es
	mov	%es:P_ITERS, %edi
	xor	%ebx, %ebx
	rdtsc
	mov	%eax, %es:P_T0
	mov	%edx, %es:P_T0 + 4
.endm

.macro EPILOGUE
	mov	%ebx, %es:P_SUM
	rdtsc
	sub	%es:P_T0, %eax
	sbb	%es:P_T0 + 4, %edx
	mov	%eax, %es:P_DELTA
	mov	%edx, %es:P_DELTA + 4
	hlt
.endm

/* CPUID of the leaf in P_ARG, sub-leaf 0: handled in the kernel. */
GUEST(bench_cpuid)
	PROLOGUE
1:	mov	%es:P_ARG, %eax
	xor	%ecx, %ecx
	cpuid
	dec	%edi
	jnz	1b
	EPILOGUE
END(bench_cpuid)

/* OUT of the counter's low byte: the host sums what it receives. */
GUEST(bench_out)
	PROLOGUE
1:	mov	%edi, %eax
	outb	%al, $BENCH_PORT
	dec	%edi
	jnz	1b
	EPILOGUE
END(bench_out)

/* IN of a byte, summed into EBX: the host checks the sum. */
GUEST(bench_in)
	PROLOGUE
1:	inb	$BENCH_PORT, %al
	movzbl	%al, %eax
	add	%eax, %ebx
	dec	%edi
	jnz	1b
	EPILOGUE
END(bench_in)

/* A byte store where no memory is: decoded MMIO, summed by the host. */
GUEST(bench_mmio)
	PROLOGUE
	mov	$(MMIO_GPA >> 4), %ax
	mov	%ax, %fs
1:	mov	%edi, %eax
	mov	%al, %fs:0
	dec	%edi
	jnz	1b
	EPILOGUE
END(bench_mmio)

/* VMCALL with the number and arguments KVM passes to user space. */
GUEST(bench_vmcall)
	PROLOGUE
1:	mov	$HC_NR, %eax
	mov	$HC_GPA, %ebx
	mov	$HC_NPAGES, %ecx
	xor	%edx, %edx
	vmcall
	dec	%edi
	jnz	1b
	xor	%ebx, %ebx
	EPILOGUE
END(bench_vmcall)

/* The VM-lifecycle row's guest: its first instruction exits. */
GUEST(bench_hlt)
	hlt
END(bench_hlt)

/*
 * 64-bit: write one byte in every 4 KiB page of [P_BASE, P_END), then halt.
 * The page tables map guest-physical memory 1:1, so the addresses are
 * guest-physical ones.
 */
	.code64
GUEST(bench_touch)
	mov	P_BASE, %rsi
	mov	P_END, %rcx
1:	movb	$1, (%rsi)
	add	$4096, %rsi
	cmp	%rcx, %rsi
	jb	1b
	hlt
END(bench_touch)

	.section .note.GNU-stack, "", @progbits
