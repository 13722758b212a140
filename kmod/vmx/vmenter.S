/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The world switch.  Everything around it (host segment and MSR state, FPU,
 * interrupts) is done in C by vmx.c and vmcs.c; here only the
 * general-purpose registers change hands, because the compiler cannot be
 * told about them.
 */
#include <linux/linkage.h>
#include <asm/asm.h>
#include <asm/nospec-branch.h>
#include <asm/segment.h>
#include <asm/unwind_hints.h>

#include "../compat.h"
#include "asm-offsets.h"

.text

/*
 * int vmctl_vmx_vmenter(unsigned long *gpr, bool launched)
 *
 * Loads the guest's general-purpose registers from gpr[], enters the guest
 * with VMLAUNCH (first entry after VMCLEAR) or VMRESUME, and on VM exit
 * stores them back.  Returns VMENTER_EXITED after a VM exit (including a
 * VM-entry failure reported as an exit reason), VMENTER_VMFAIL if the
 * instruction itself failed (RFLAGS.CF or ZF set; the caller reads the
 * VM-instruction error), VMENTER_FAULT if a VMX instruction faulted: VMX
 * was turned off under us (an NMI on the way to a reboot or crash dump).
 * Called with interrupts disabled.
 */
SYM_FUNC_START(vmctl_vmx_vmenter)
	push	%rbp
	mov	%rsp, %rbp
	push	%r15
	push	%r14
	push	%r13
	push	%r12
	push	%rbx
	/* The exit path finds gpr at the top of the stack. */
	push	%rdi

	/*
	 * A VM exit loads RSP from the VMCS: make it this very stack
	 * pointer, so that the landing below sees the stack as it is now.
	 */
	mov	$VMCS_HOST_RSP, %eax
.Lwrite_host_rsp:
	vmwrite	%rsp, %rax
	jna	.Lvmfail

	/* MOVs and VERW leave CF alone: it says which instruction to use. */
	bt	$0, %esi

	mov	VMX_GPR_RAX(%rdi), %rax
	mov	VMX_GPR_RCX(%rdi), %rcx
	mov	VMX_GPR_RDX(%rdi), %rdx
	mov	VMX_GPR_RBX(%rdi), %rbx
	mov	VMX_GPR_RBP(%rdi), %rbp
	mov	VMX_GPR_RSI(%rdi), %rsi
	mov	VMX_GPR_R8(%rdi), %r8
	mov	VMX_GPR_R9(%rdi), %r9
	mov	VMX_GPR_R10(%rdi), %r10
	mov	VMX_GPR_R11(%rdi), %r11
	mov	VMX_GPR_R12(%rdi), %r12
	mov	VMX_GPR_R13(%rdi), %r13
	mov	VMX_GPR_R14(%rdi), %r14
	mov	VMX_GPR_R15(%rdi), %r15
	mov	VMX_GPR_RDI(%rdi), %rdi

	/* Flush CPU buffers if the host's MDS-class mitigation asks to. */
	VM_CLEAR_CPU_BUFFERS

	/*
	 * Control comes back at vmctl_vmx_vmexit with the stack as it is
	 * here, not after these instructions: tell objtool.
	 */
	UNWIND_HINT_SAVE
	jc	.Lresume
.Llaunch:
	vmlaunch
	jmp	.Lvmfail
.Lresume:
	vmresume
	jmp	.Lvmfail

SYM_INNER_LABEL(vmctl_vmx_vmexit, SYM_L_GLOBAL)
	UNWIND_HINT_RESTORE
	ENDBR

	push	%rax
	mov	8(%rsp), %rax
	popq	VMX_GPR_RAX(%rax)
	mov	%rcx, VMX_GPR_RCX(%rax)
	mov	%rdx, VMX_GPR_RDX(%rax)
	mov	%rbx, VMX_GPR_RBX(%rax)
	mov	%rbp, VMX_GPR_RBP(%rax)
	mov	%rsi, VMX_GPR_RSI(%rax)
	mov	%rdi, VMX_GPR_RDI(%rax)
	mov	%r8, VMX_GPR_R8(%rax)
	mov	%r9, VMX_GPR_R9(%rax)
	mov	%r10, VMX_GPR_R10(%rax)
	mov	%r11, VMX_GPR_R11(%rax)
	mov	%r12, VMX_GPR_R12(%rax)
	mov	%r13, VMX_GPR_R13(%rax)
	mov	%r14, VMX_GPR_R14(%rax)
	mov	%r15, VMX_GPR_R15(%rax)

	/*
	 * The guest may have filled the return stack buffer with its own
	 * targets; overwrite it before the first RET (as the host's
	 * mitigation setting asks).
	 */
	FILL_RETURN_BUFFER %rcx, RSB_CLEAR_LOOPS, X86_FEATURE_RSB_VMEXIT, \
			   X86_FEATURE_RSB_VMEXIT_LITE
	/* Likewise the branch history, where the host wants that (BHI). */
	CLEAR_BRANCH_HISTORY_VMEXIT

	mov	$VMENTER_EXITED, %ebx
	jmp	.Lout

	/* The stack is as at .Lvmfail: the exit path below undoes it. */
.Lfault:
	mov	$VMENTER_FAULT, %ebx
	jmp	.Lout

.Lvmfail:
	mov	$VMENTER_VMFAIL, %ebx

.Lout:
	/* Drop gpr; leave no guest value in a register for speculation. */
	pop	%rax
	xor	%ecx, %ecx
	xor	%edx, %edx
	xor	%esi, %esi
	xor	%edi, %edi
	xor	%r8d, %r8d
	xor	%r9d, %r9d
	xor	%r10d, %r10d
	xor	%r11d, %r11d
	mov	%ebx, %eax

	pop	%rbx
	pop	%r12
	pop	%r13
	pop	%r14
	pop	%r15
	pop	%rbp
	RET

	_ASM_EXTABLE(.Lwrite_host_rsp, .Lfault)
	_ASM_EXTABLE(.Llaunch, .Lfault)
	_ASM_EXTABLE(.Lresume, .Lfault)
SYM_FUNC_END(vmctl_vmx_vmenter)

/*
 * void vmctl_vmx_forward_nmi(void)
 *
 * An NMI that caused a VM exit was taken by the CPU but not delivered to the
 * host, and NMIs stay blocked until the next IRET.  Build the frame an
 * interrupt would have pushed (SS, RSP, RFLAGS, CS; the CALL adds RIP) and
 * call the kernel's NMI entry, whose IRET returns here and unblocks NMIs.
 */
SYM_FUNC_START(vmctl_vmx_forward_nmi)
	push	%rbp
	mov	%rsp, %rbp
	/* The CPU aligns RSP to 16 bytes before pushing an interrupt frame. */
	and	$-16, %rsp
	push	$__KERNEL_DS
	push	%rbp
	pushf
	push	$__KERNEL_CS
	call	VMCTL_ASM_EXC_NMI
	leave
	RET
SYM_FUNC_END(vmctl_vmx_forward_nmi)
