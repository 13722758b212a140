/* SPDX-License-Identifier: GPL-2.0 */
/* The guest of mmio_movs_test.c; see guests_mmio_movs.h. */
#include "guests.h"
#include "guests_mmio_movs.h"

#define GUEST(name)	.globl name##_begin, name##_end; .balign 16; name##_begin:
#define END(name)	name##_end:

/* A present 64-bit interrupt gate for \vector at \handler; clobbers RAX, RCX. */
.macro	GATE vector, handler
	lea	idt(%rip), %rax
	lea	\handler(%rip), %rcx
	mov	%cx, \vector * 16(%rax)
	movw	$0x08, \vector * 16 + 2(%rax)
	movw	$0x8e00, \vector * 16 + 4(%rax)
	shr	$16, %rcx
	mov	%cx, \vector * 16 + 6(%rax)
	shr	$16, %rcx
	mov	%ecx, \vector * 16 + 8(%rax)
.endm

	.section .rodata.guests, "a"

	.code64
GUEST(mmio_access)
	/* The gates clobber RAX and RCX: the host's RCX is in R12. */
	GATE	14, pf_handler
	GATE	IRQ_VECTOR, irq_handler
	lea	idtr(%rip), %rcx
	lea	idt(%rip), %rax
	mov	%rax, 2(%rcx)
	lidt	(%rcx)
	mov	%r12, %rcx
	xor	%eax, %eax
	xor	%r14d, %r14d
	test	%r8, %r8
	jz	1f
	std
1:	sti
	cmp	$ACCESS_LOAD, %r10
	je	load
	cmp	$ACCESS_STORE, %r10
	je	store
	cmp	$ACCESS_ADD, %r10
	je	add
	cmp	$ACCESS_MOVS, %r10
	je	movs
	jmp	rep_movs

load:	cmp	$1, %r9
	jne	1f
	movzbl	(%rbx), %r14d
	jmp	done
1:	cmp	$2, %r9
	jne	1f
	movzwl	(%rbx), %r14d
	jmp	done
1:	cmp	$4, %r9
	jne	1f
	mov	(%rbx), %r14d
	jmp	done
1:	mov	(%rbx), %r14
	jmp	done

store:	cmp	$1, %r9
	jne	1f
	mov	%dl, (%rbx)
	jmp	done
1:	cmp	$2, %r9
	jne	1f
	mov	%dx, (%rbx)
	jmp	done
1:	cmp	$4, %r9
	jne	1f
	mov	%edx, (%rbx)
	jmp	done
1:	mov	%rdx, (%rbx)
	jmp	done

add:	cmp	$1, %r9
	jne	1f
	add	%dl, (%rbx)
	jmp	done
1:	cmp	$2, %r9
	jne	1f
	add	%dx, (%rbx)
	jmp	done
1:	cmp	$4, %r9
	jne	1f
	add	%edx, (%rbx)
	jmp	done
1:	add	%rdx, (%rbx)
	jmp	done

movs:	cmp	$1, %r9
	jne	1f
	movsb
	jmp	done
1:	cmp	$2, %r9
	jne	1f
	movsw
	jmp	done
1:	cmp	$4, %r9
	jne	1f
	movsl
	jmp	done
1:	movsq
	jmp	done

rep_movs:
	cmp	$1, %r9
	jne	1f
	rep movsb
	jmp	done
1:	cmp	$2, %r9
	jne	1f
	rep movsw
	jmp	done
1:	cmp	$4, %r9
	jne	1f
	rep movsl
	jmp	done
1:	rep movsq

done:	cli
	cld
	mov	$UCALL_DONE, %eax
	outl	%eax, $UCALL_PORT
	hlt

irq_handler:
	mov	%rcx, REC_IRQ_RCX(%r13)
	incq	REC_IRQ_COUNT(%r13)
	iretq

pf_handler:
	mov	%cr2, %rax
	mov	%rax, REC_PF_CR2(%r13)
	pop	%rax
	mov	%rax, REC_PF_ERROR(%r13)
	incq	REC_PF_COUNT(%r13)
	jmp	done

	.balign	16
idt:	.fill	(IRQ_VECTOR + 1) * 16, 1, 0
idtr:	.word	(IRQ_VECTOR + 1) * 16 - 1
	.quad	0
END(mmio_access)

	.section .note.GNU-stack, "", @progbits
