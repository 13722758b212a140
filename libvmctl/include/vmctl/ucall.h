/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The guest side of libvmctl's guest-to-host calls ("ucalls"), for guest
 * code written in assembler (GNU as, any of .code16, .code32, .code64) or
 * in freestanding C.  The host side is vmctl_ucall_get() in
 * <vmctl/libvmctl.h>, which includes this file.
 *
 * Convention: EAX = code, RBX (EBX) = argument, then a 32-bit OUT of EAX
 * to VMCTL_UCALL_PORT.  A port, not a hypercall instruction or MMIO, so
 * that real-mode guests can use it and no exit handler is needed in the
 * kernel.
 */
#ifndef LIBVMCTL_UCALL_H
#define LIBVMCTL_UCALL_H

#define VMCTL_UCALL_PORT	0xe0

/* Codes every test guest may use; a program's own start at VMCTL_UCALL_USER. */
#define VMCTL_UCALL_DONE	1	/* the guest finished; argument: its result */
#define VMCTL_UCALL_REPORT	2	/* argument: a value for the host to check */
#define VMCTL_UCALL_SYNC	3	/* argument: a stage; the host acts, then resumes */
#define VMCTL_UCALL_ABORT	4	/* the guest failed; argument: where (e.g. __LINE__) */
#define VMCTL_UCALL_USER	0x100

#ifdef __ASSEMBLER__

/* Makes ucall code with the argument already in EBX/RBX; clobbers EAX. */
.macro VMCTL_UCALL code:req
	movl	$\code, %eax
	outl	%eax, $VMCTL_UCALL_PORT
.endm

#else

/* For C guests (32- or 64-bit code); the host reads arg from RBX. */
static inline void vmctl_guest_ucall(unsigned int code, unsigned long arg)
{
	__asm__ __volatile__("outl %0, %2"
			     : : "a"(code), "b"(arg), "i"(VMCTL_UCALL_PORT)
			     : "memory");
}

#endif /* __ASSEMBLER__ */

#endif /* LIBVMCTL_UCALL_H */
