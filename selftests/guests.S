/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest code for the selftests, kept as data in the test binaries and copied
 * into guest memory by the host.  Every guest lies between NAME_begin and
 * NAME_end and is position independent (see guests.h): offsets within a
 * real-mode guest are written as (label - NAME_begin), which the assembler
 * resolves, so no relocation ties them to the host's addresses.
 */
#include "guests.h"

#define GUEST(name)	.globl name##_begin, name##_end; .balign 16; name##_begin:
#define END(name)	name##_end:
#define OFF(name, l)	(l - name##_begin)

#define COM1_LSR	(COM1 + 5)

	.section .rodata.guests, "a"

/* ---- real mode: hello over COM1 ---------------------------------------- */
	.code16
GUEST(real_hello)
	mov	%cs, %ax
	mov	%ax, %ds
	mov	$OFF(real_hello, 3f), %si
1:	lodsb
	test	%al, %al
	jz	2f
	mov	%al, %bl
	mov	$COM1_LSR, %dx
4:	inb	%dx, %al		/* poll like a real driver */
	test	$0x20, %al
	jz	4b
	mov	%bl, %al
	mov	$COM1, %dx
	outb	%al, %dx
	jmp	1b
2:	hlt
	jmp	2b
3:	.asciz	REAL_HELLO_TEXT
END(real_hello)

/* ---- real mode: INT with no usable IVT: #GP, #DF, triple fault --------- */
GUEST(real_int_no_idt)
	mov	%cs, %ax
	mov	%ax, %ds
	lidt	OFF(real_int_no_idt, 1f)
	int	$0x21
	hlt
1:	.word	0			/* IDTR limit 0 */
	.long	0
END(real_int_no_idt)

/*
 * ---- real mode: OUTs to IO_LOOP_PORT, counted in guest memory -------------
 * Until io_loop_count reaches io_loop_limit (set by the host): a 32-bit OUT
 * of the number of the OUT it is (1, 2, ...), then that number is stored as
 * io_loop_count.  So io_loop_count says how many OUTs completed, in memory
 * the host reads itself.  Then ucall DONE(count).
 */
GUEST(io_loop)
	mov	%cs, %ax
	mov	%ax, %ds
1:	mov	OFF(io_loop, io_loop_count), %eax
	cmp	OFF(io_loop, io_loop_limit), %eax
	jae	2f
	inc	%eax
	outl	%eax, $IO_LOOP_PORT
	mov	%eax, OFF(io_loop, io_loop_count)
	jmp	1b
2:	mov	%eax, %ebx
	mov	$UCALL_DONE, %eax
	outl	%eax, $UCALL_PORT
	hlt
	.balign	4
	.globl	io_loop_count, io_loop_limit
io_loop_count:
	.long	0
io_loop_limit:
	.long	0
END(io_loop)

/* ---- real mode: IN of each width; EAX starts as 0xdeadbeef each time ----- */
#define REPORT_EAX	mov %eax, %ebx; mov $UCALL_REPORT, %eax; outl %eax, $UCALL_PORT
GUEST(io_in)
	mov	$0xdeadbeef, %eax
	inb	$IN_PORT_BASE, %al
	REPORT_EAX
	mov	$0xdeadbeef, %eax
	inw	$(IN_PORT_BASE + 2), %ax
	REPORT_EAX
	mov	$0xdeadbeef, %eax
	inl	$(IN_PORT_BASE + 4), %eax
	REPORT_EAX
	mov	$(IN_PORT_BASE + 6), %dx
	mov	$0xdeadbeef, %eax
	inb	%dx, %al
	REPORT_EAX
	mov	$0xdeadbeef, %eax
	inw	$IN_PORT_RAW, %ax
	REPORT_EAX
	mov	$0xdeadbeef, %eax
	inb	$IN_PORT_NONE, %al
	REPORT_EAX
	mov	$0xdeadbeef, %eax
	inl	$IN_PORT_NONE, %eax
	REPORT_EAX
	hlt
END(io_in)

/*
 * ---- real mode: spin until the host sets the flag byte --------------------
 * Each turn of the loop [spin_flag_loop, spin_flag_loop_end) adds one to
 * the dword spin_flag_count, so the host sees in memory that the guest ran.
 */
GUEST(spin_flag)
	mov	%cs, %ax
	mov	%ax, %ds
	/*
	 * IF set: under Bochs, a guest spinning with IF clear never takes an
	 * external-interrupt exit and freezes the one-CPU machine.  The host
	 * injects nothing, so the empty IVT is never used.
	 */
	sti
	.globl	spin_flag_loop, spin_flag_loop_end
spin_flag_loop:
	incl	OFF(spin_flag, spin_flag_count)
	cmpb	$0, OFF(spin_flag, spin_flag_flag)
	je	spin_flag_loop
	cli			/* a HLT with IF set would wait in the kernel */
spin_flag_loop_end:
	hlt
	jmp	spin_flag_loop		/* halting again and again once released */
	.globl	spin_flag_flag, spin_flag_count
spin_flag_flag:
	.byte	0
	.balign	4
spin_flag_count:
	.long	0
END(spin_flag)

/*
 * ---- real mode: read, then write, memory at ES:0 = RO_GPA -----------------
 * Reports the dword at RO_GPA, then stores to RO_GPA + 4 (a read-only slot:
 * the host sees an EPT violation), then to NO_SLOT_GPA (no memory at all).
 */
GUEST(ro_probe)
	mov	$(RO_GPA >> 4), %ax
	mov	%ax, %es
	mov	%es:0, %ebx
	mov	$UCALL_REPORT, %eax
	outl	%eax, $UCALL_PORT
	movl	$0x11223344, %es:4
	mov	$(NO_SLOT_GPA >> 4), %ax
	mov	%ax, %es
	movl	$0x55667788, %es:0
	hlt
END(ro_probe)

/* ---- long mode: hello, then prove 64-bit registers ----------------------- */
	.code64
GUEST(long_hello)
	lea	1f(%rip), %rsi
	mov	$COM1, %dx
2:	lodsb
	test	%al, %al
	jz	3f
	outb	%al, %dx
	jmp	2b
3:	movabs	$LONG_MAGIC, %rbx
	mov	$UCALL_REPORT, %eax
	outl	%eax, $UCALL_PORT
	hlt
1:	.asciz	LONG_HELLO_TEXT
END(long_hello)

/* ---- long mode: UD2 with an empty IDT: triple fault ---------------------- */
GUEST(long_ud2)
	ud2
END(long_ud2)

/*
 * ---- long mode: patterns across two memory ranges -------------------------
 * In: RDI..RSI first range, RDX..RCX second range (8-byte aligned),
 * R8 = seed the guest writes, R9 = seed the host writes.
 * 1. every qword at address A of both ranges := A ^ R8; ucall SYNC(1)
 * 2. the host checks, then writes A ^ R9 everywhere
 * 3. the guest counts qwords != A ^ R9; ucall DONE(mismatches)
 */
GUEST(mem_pattern)
	mov	%rdi, %r10
	mov	%rsi, %r11
	call	1f
	mov	%rdx, %r10
	mov	%rcx, %r11
	call	1f
	mov	$1, %ebx
	mov	$UCALL_SYNC, %eax
	outl	%eax, $UCALL_PORT

	xor	%ebx, %ebx
	mov	%rdi, %r10
	mov	%rsi, %r11
	call	2f
	mov	%rdx, %r10
	mov	%rcx, %r11
	call	2f
	mov	$UCALL_DONE, %eax
	outl	%eax, $UCALL_PORT
	hlt

	/* fill [R10, R11) with A ^ R8 */
1:	cmp	%r11, %r10
	jae	3f
	mov	%r10, %rax
	xor	%r8, %rax
	mov	%rax, (%r10)
	add	$8, %r10
	jmp	1b
3:	ret

	/* RBX += number of qwords in [R10, R11) that differ from A ^ R9 */
2:	cmp	%r11, %r10
	jae	3b
	mov	%r10, %rax
	xor	%r9, %rax
	cmp	%rax, (%r10)
	je	4f
	inc	%rbx
4:	add	$8, %r10
	jmp	2b
END(mem_pattern)

/*
 * ---- long mode: clear CR4.PAE, which must raise #GP -------------------------
 * Installs a #GP handler, ucall SYNC(1), then MOV to CR4 without PAE at
 * long_cr4_clear_pae_mov.  The handler reports the faulting RIP from its
 * exception frame: ucall REPORT(RIP).  If the MOV does not fault: DONE(0).
 */
GUEST(long_cr4_clear_pae)
	lea	1f(%rip), %rax		/* 64-bit interrupt gate 13 -> 1f */
	lea	3f(%rip), %rdi		/* the IDT */
	mov	%ax, 13 * 16(%rdi)
	movw	$0x08, 13 * 16 + 2(%rdi)
	movw	$0x8e00, 13 * 16 + 4(%rdi)
	shr	$16, %rax
	mov	%ax, 13 * 16 + 6(%rdi)
	shr	$16, %rax
	mov	%eax, 13 * 16 + 8(%rdi)
	mov	%rdi, 4f + 2(%rip)
	lidt	4f(%rip)
	mov	$1, %ebx
	mov	$UCALL_SYNC, %eax
	outl	%eax, $UCALL_PORT
	mov	%cr4, %rax
	and	$~0x20, %rax
	.globl	long_cr4_clear_pae_mov
long_cr4_clear_pae_mov:
	mov	%rax, %cr4
	xor	%ebx, %ebx
	mov	$UCALL_DONE, %eax
	outl	%eax, $UCALL_PORT
	hlt
1:	mov	8(%rsp), %rbx		/* past the error code: RIP */
	mov	$UCALL_REPORT, %eax
	outl	%eax, $UCALL_PORT
	hlt
	.balign	8
4:	.word	14 * 16 - 1		/* IDTR: limit, base */
	.quad	0
	.balign	16
3:	.fill	14 * 16, 1, 0
END(long_cr4_clear_pae)

/*
 * ---- 32-bit protected mode, paging off, EFER.LME set, CR4.PAE clear: ------
 * setting CR0.PG must raise #GP.  Entered with CS base 0 (flat, 32-bit) at
 * its load address; loads its own GDT (0x08 code, 0x10 data) and IDT,
 * ucall SYNC(1), then MOV to CR0 with PG at prot_cr0_pg_no_pae_mov.  The
 * #GP handler reports the faulting EIP: ucall REPORT(EIP); no fault: DONE(0).
 */
	.code32
GUEST(prot_cr0_pg_no_pae)
	call	1f
1:	pop	%esi
	sub	$OFF(prot_cr0_pg_no_pae, 1b), %esi		/* load address */
	lea	OFF(prot_cr0_pg_no_pae, 5f)(%esi), %eax
	mov	%eax, OFF(prot_cr0_pg_no_pae, 6f) + 2(%esi)
	lgdt	OFF(prot_cr0_pg_no_pae, 6f)(%esi)
	lea	OFF(prot_cr0_pg_no_pae, 2f)(%esi), %eax	/* 32-bit gate 13 -> 2f */
	lea	OFF(prot_cr0_pg_no_pae, 3f)(%esi), %edi	/* the IDT */
	mov	%ax, 13 * 8(%edi)
	movw	$0x08, 13 * 8 + 2(%edi)
	movw	$0x8e00, 13 * 8 + 4(%edi)
	shr	$16, %eax
	mov	%ax, 13 * 8 + 6(%edi)
	mov	%edi, OFF(prot_cr0_pg_no_pae, 4f) + 2(%esi)
	lidt	OFF(prot_cr0_pg_no_pae, 4f)(%esi)
	mov	$1, %ebx
	mov	$UCALL_SYNC, %eax
	outl	%eax, $UCALL_PORT
	mov	%cr0, %eax
	or	$0x80000000, %eax
	.globl	prot_cr0_pg_no_pae_mov
prot_cr0_pg_no_pae_mov:
	mov	%eax, %cr0
	xor	%ebx, %ebx
	mov	$UCALL_DONE, %eax
	outl	%eax, $UCALL_PORT
	hlt
2:	mov	4(%esp), %ebx		/* past the error code: EIP */
	mov	$UCALL_REPORT, %eax
	outl	%eax, $UCALL_PORT
	hlt
	.balign	8
5:	.quad	0
	.quad	0x00cf9b000000ffff	/* 0x08: code, base 0, 4 GiB, 32-bit */
	.quad	0x00cf93000000ffff	/* 0x10: data, base 0, 4 GiB */
6:	.word	3 * 8 - 1		/* GDTR: limit, base */
	.long	0
4:	.word	14 * 8 - 1		/* IDTR: limit, base */
	.long	0
	.balign	8
3:	.fill	14 * 8, 1, 0
END(prot_cr0_pg_no_pae)

/*
 * ---- 32-bit protected mode, paging off: MOV to CR4 from ESI, then to CR0
 * from EDI, then ucall DONE(0).  The host puts the values there through
 * SET_REGS with the registers' upper halves set, which a 32-bit MOV to CR
 * must ignore.  No IDT: a #GP ends in a triple fault.
 */
	.code32
GUEST(prot_cr_write_low32)
	mov	%esi, %cr4
	mov	%edi, %cr0
	xor	%ebx, %ebx
	mov	$UCALL_DONE, %eax
	outl	%eax, $UCALL_PORT
	hlt
END(prot_cr_write_low32)

/*
 * ---- real mode: hardware breakpoints, the host's and the guest's own -----
 * Points IVT[1] (#DB) at 2f, then writes a dword at WATCH_GPA, the linear
 * address of a host write watchpoint in the VMM: no #DB may come.  ucall
 * SYNC(1).  Then arms its own breakpoint, DR0 = WATCH_GPA + 0x1000 and
 * DR7 = L0, writes, 4 bytes, reads DR0 back: ucall REPORT(DR0).  (It does
 * not write there: in Bochs 3.0 a breakpoint armed this way did not reach
 * the guest's #DB handler; see the test.)  Any #DB: ucall DONE(DR6).
 */
	.code16
GUEST(real_watch)
	xor	%ax, %ax
	mov	%ax, %ds
	movw	$OFF(real_watch, 2f), 4
	mov	%cs, 6
	mov	$WATCH_GPA >> 4, %ax
	mov	%ax, %ds
	movl	$WATCH_VALUE, 0
	mov	$1, %ebx
	mov	$UCALL_SYNC, %eax
	outl	%eax, $UCALL_PORT
	mov	$WATCH_GPA + 0x1000, %eax
	mov	%eax, %db0
	mov	$0x000d0001, %eax	/* L0; R/W0 01: writes; LEN0 11: 4 bytes */
	mov	%eax, %db7
	mov	%db0, %ebx
	mov	$UCALL_REPORT, %eax
	outl	%eax, $UCALL_PORT
	hlt
2:	mov	%db6, %eax
	mov	%eax, %ebx
	mov	$UCALL_DONE, %eax
	outl	%eax, $UCALL_PORT
	hlt
END(real_watch)

/* ---- real mode: WBINVD, INVD, then ucall DONE(WBINVD_DONE) -------------- */
	.code16
GUEST(real_wbinvd)
	wbinvd
	invd
	mov	$WBINVD_DONE, %ebx
	mov	$UCALL_DONE, %eax
	outl	%eax, $UCALL_PORT
	hlt
END(real_wbinvd)

	.section .note.GNU-stack, "", @progbits
