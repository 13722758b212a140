/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The MMIO instruction decoder: one freestanding file pair that vmctl.ko and
 * user space (tests, fuzzer, libvmctl) compile alike.  No libc, no floating
 * point, no allocation, no global mutable state.
 *
 * When a guest touches guest-physical memory that no slot backs, the
 * hardware reports the address but not what the instruction wanted.
 * vmctl_insn_decode() turns the fetched bytes into a described memory
 * access; vmctl_insn_complete() later retires it (one iteration of a string
 * instruction per call) exactly as the CPU would.  Anything outside the
 * supported set is refused with a reason and the bytes, never guessed.
 *
 * Supported instructions (memory operand forms only; a register-only form
 * decodes to VMCTL_INSN_ERR_NO_MEMORY):
 *
 *   MOV      88 89 (store)  8A 8B (load)  C6 /0 C7 /0 (store imm)
 *            A0 A1 (load moffs)  A2 A3 (store moffs)
 *   MOVZX    0F B6 0F B7      MOVSX 0F BE 0F BF     MOVSXD 63 (64-bit mode)
 *   ALU      ADD OR ADC SBB AND SUB XOR CMP:
 *            00-03 08-0B 10-13 18-1B 20-23 28-2B 30-33 38-3B (r/m,r and r,r/m)
 *            80 /0-7, 81 /0-7, 83 /0-7, and 82 /0-7 outside 64-bit mode
 *   TEST     84 85, F6 /0 F7 /0
 *   NOT NEG  F6 /2 /3, F7 /2 /3     INC DEC FE /0 /1, FF /0 /1
 *   XCHG     86 87 (implicitly locked)
 *   BT BTS BTR BTC  0F A3 0F AB 0F B3 0F BB (register bit offset, which
 *            moves the accessed address), 0F BA /4-7 (immediate)
 *   MOVS     A4 A5   STOS AA AB   LODS AC AD   (with or without REP F3)
 *   CMPXCHG  0F B0 0F B1 (rAX implied: compared, and loaded on failure)
 *   XADD     0F C0 0F C1
 *
 * Prefixes: 66 (operand size), 67 (address size), 26 2E 36 3E 64 65
 * (segments; in 64-bit mode only FS and GS take effect, the others are
 * ignored as the CPU ignores them), REX.W/R/X/B in 64-bit mode (a REX not
 * immediately before the opcode is ignored, as by the CPU), F0 LOCK on the
 * read-modify-write forms (LOCK elsewhere is #UD: refused), F3 REP on
 * MOVS/STOS/LODS, and F2/F3 as XACQUIRE/XRELEASE hints where the SDM defines
 * them (locked read-modify-write, XCHG, F3 on MOV stores 88/89/C6/C7).  Any
 * other F2/F3 use, F2 and F3 together, and F2 on string forms are refused
 * (their behaviour is undefined or they select another instruction).
 *
 * String forms: mem[0] is the source seg:rSI (LODS, MOVS) or the destination
 * ES:rDI (STOS), mem[1] the MOVS destination ES:rDI (never overridden); the
 * index and count registers (rSI, rDI, rCX) are used at the address size;
 * RFLAGS.DF, read at completion, picks the direction; with rep set the count
 * is rCX and each vmctl_insn_complete() call is one iteration.
 *
 * Addressing: every ModRM/SIB form; 16-bit addressing (BX+SI ... and disp16)
 * in 16-bit code or with 67 in 32-bit code; RIP-relative in 64-bit mode
 * (EIP-relative with 67).
 *
 * Register file order is the encoding order: RAX RCX RDX RBX RSP RBP RSI
 * RDI R8..R15.
 */
#ifndef VMCTL_X86_INSN_DECODE_H
#define VMCTL_X86_INSN_DECODE_H

#include <linux/types.h>
#ifndef __KERNEL__
/* User space: the kernel's names for the <linux/types.h> types. */
#include <stdbool.h>
typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;
typedef __s8 s8;
typedef __s16 s16;
typedef __s32 s32;
typedef __s64 s64;
#endif

#define VMCTL_INSN_MAX_LEN	15

/* CPU modes, i.e. the default operand and address size from CS.D/CS.L. */
enum vmctl_insn_mode {
	VMCTL_INSN_MODE_16 = 0,		/* real mode, or CS.D = 0 */
	VMCTL_INSN_MODE_32 = 1,		/* protected/compatibility, CS.D = 1 */
	VMCTL_INSN_MODE_64 = 2,		/* long mode, CS.L = 1 */
};

/* Result of vmctl_insn_decode(); anything but OK means "cannot decode". */
enum vmctl_insn_status {
	VMCTL_INSN_OK = 0,
	VMCTL_INSN_ERR_TRUNCATED,	/* the bytes ended inside the instruction */
	VMCTL_INSN_ERR_TOO_LONG,	/* more than 15 bytes: #GP on the CPU */
	VMCTL_INSN_ERR_UNSUPPORTED,	/* opcode outside the supported set */
	VMCTL_INSN_ERR_NO_MEMORY,	/* supported opcode, register-only form */
	VMCTL_INSN_ERR_INVALID,		/* #UD encoding (e.g. LOCK on a load) */
	VMCTL_INSN_ERR_PREFIX,		/* prefix use that is undefined or refused */
	VMCTL_INSN_ERR_MODE,		/* bad mode argument */
	VMCTL_INSN_NR_STATUS,
};

enum vmctl_insn_op {
	VMCTL_INSN_OP_NONE = 0,
	VMCTL_INSN_OP_MOV,		/* load or store, by mem access */
	VMCTL_INSN_OP_MOVZX,
	VMCTL_INSN_OP_MOVSX,		/* MOVSX and MOVSXD */
	VMCTL_INSN_OP_ADD,
	VMCTL_INSN_OP_OR,
	VMCTL_INSN_OP_ADC,
	VMCTL_INSN_OP_SBB,
	VMCTL_INSN_OP_AND,
	VMCTL_INSN_OP_SUB,
	VMCTL_INSN_OP_XOR,
	VMCTL_INSN_OP_CMP,
	VMCTL_INSN_OP_TEST,
	VMCTL_INSN_OP_NOT,
	VMCTL_INSN_OP_NEG,
	VMCTL_INSN_OP_INC,
	VMCTL_INSN_OP_DEC,
	VMCTL_INSN_OP_XCHG,
	VMCTL_INSN_OP_BT,
	VMCTL_INSN_OP_BTS,
	VMCTL_INSN_OP_BTR,
	VMCTL_INSN_OP_BTC,
	VMCTL_INSN_OP_MOVS,
	VMCTL_INSN_OP_STOS,
	VMCTL_INSN_OP_LODS,
	/*
	 * Always a read, then a write: on failure CMPXCHG writes back the
	 * value it read, as the CPU does (SDM: "the destination operand is
	 * written back if the comparison fails").
	 */
	VMCTL_INSN_OP_CMPXCHG,
	VMCTL_INSN_OP_XADD,
	VMCTL_INSN_NR_OPS,
};

/* Segment registers, in encoding order. */
enum vmctl_insn_seg {
	VMCTL_INSN_SEG_ES = 0,
	VMCTL_INSN_SEG_CS,
	VMCTL_INSN_SEG_SS,
	VMCTL_INSN_SEG_DS,
	VMCTL_INSN_SEG_FS,
	VMCTL_INSN_SEG_GS,
};

/* General registers, in encoding order; two pseudo registers for addresses. */
enum vmctl_insn_reg {
	VMCTL_INSN_RAX = 0, VMCTL_INSN_RCX, VMCTL_INSN_RDX, VMCTL_INSN_RBX,
	VMCTL_INSN_RSP, VMCTL_INSN_RBP, VMCTL_INSN_RSI, VMCTL_INSN_RDI,
	VMCTL_INSN_R8, VMCTL_INSN_R9, VMCTL_INSN_R10, VMCTL_INSN_R11,
	VMCTL_INSN_R12, VMCTL_INSN_R13, VMCTL_INSN_R14, VMCTL_INSN_R15,
	VMCTL_INSN_REG_RIP = 16,	/* base of a RIP-relative address */
	VMCTL_INSN_REG_NONE = 0xff,
};

/* Bits of vmctl_insn_mem.access and return value of vmctl_insn_complete(). */
#define VMCTL_INSN_READ		0x1
#define VMCTL_INSN_WRITE	0x2

/* Where the register operand's value goes after a read (vmctl_insn.ext). */
enum vmctl_insn_ext {
	VMCTL_INSN_EXT_NONE = 0,	/* same width: 8/16 bits merge, 32 zero-extend */
	VMCTL_INSN_EXT_ZERO,		/* MOVZX */
	VMCTL_INSN_EXT_SIGN,		/* MOVSX, MOVSXD */
};

/* Effective address of a memory operand: seg:(base + index * scale + disp). */
struct vmctl_insn_mem {
	u8 base;			/* enum vmctl_insn_reg, RIP or NONE */
	u8 index;			/* enum vmctl_insn_reg or NONE */
	u8 scale;			/* 1, 2, 4, 8 */
	u8 seg;				/* enum vmctl_insn_seg, the one in effect */
	u8 access;			/* VMCTL_INSN_READ | VMCTL_INSN_WRITE */
	u8 pad[3];
	s64 disp;			/* sign-extended; moffs: the full offset */
};

struct vmctl_insn {
	/* Always filled, also when decoding fails: what was given. */
	u8 bytes[VMCTL_INSN_MAX_LEN];
	u8 nbytes;			/* valid bytes in bytes[] */
	u8 mode;			/* enum vmctl_insn_mode */
	u8 status;			/* enum vmctl_insn_status */

	/* The rest is valid only when status == VMCTL_INSN_OK. */
	u8 len;				/* instruction length, 1..15 */
	u8 op;				/* enum vmctl_insn_op */
	u8 width;			/* bytes per memory access: 1, 2, 4, 8 */
	u8 opsize;			/* operand size: 1, 2, 4, 8 */
	u8 addr_size;			/* 2, 4, 8 */
	u8 lock;			/* F0 present */
	u8 rep;				/* F3 on a string form */
	u8 hint;			/* 0, 0xf2 XACQUIRE or 0xf3 XRELEASE */

	/*
	 * The register operand: source of a store or of an ALU operation,
	 * destination of a load; for BT* with a register, the bit offset.
	 * reg_hi8 selects AH/CH/DH/BH (reg is then RAX..RBX).
	 */
	u8 reg;				/* enum vmctl_insn_reg or NONE */
	u8 reg_width;			/* bytes written to or read from reg */
	u8 reg_hi8;
	u8 ext;				/* enum vmctl_insn_ext, for loads into reg */
	u8 reg_is_dst;			/* reg is the first operand (e.g. CMP r, r/m) */
	u8 writes_reg;			/* reg is written (loads, ALU r, r/m, XCHG) */

	u8 has_imm;
	u8 nmem;			/* 1, or 2 for MOVS */
	u8 pad[1];
	s64 imm;			/* sign-extended to 64 bits */

	/* mem[0]: the memory operand; for MOVS the source, mem[1] the destination. */
	struct vmctl_insn_mem mem[2];
};

/* The register file vmctl_insn_complete() works on. */
struct vmctl_insn_regs {
	u64 gpr[16];			/* enum vmctl_insn_reg order */
	u64 rip;
	u64 rflags;
};

/*
 * Decode the instruction at the start of bytes[0..nbytes) (nbytes may exceed
 * 15; only 15 are read).  Never reads beyond nbytes.  Returns insn->status.
 */
int vmctl_insn_decode(struct vmctl_insn *insn, const u8 *bytes,
		      unsigned int nbytes, enum vmctl_insn_mode mode);

/*
 * The offset (without segment base) of memory operand @which as the CPU
 * computes it from @regs, truncated to the address size.  For BT/BTS/BTR/BTC
 * with a register bit offset it includes the displacement by the bit offset.
 * For a string form with REP it is the address of the current iteration.
 */
u64 vmctl_insn_ea(const struct vmctl_insn *insn,
		  const struct vmctl_insn_regs *regs, unsigned int which);

/*
 * Retire one execution (one iteration of a string form): given the value
 * read from the memory operand (@rdata, low insn->width bytes, ignored when
 * nothing is read; for MOVS the value read from the source), compute the
 * value to write (*@wdata, when VMCTL_INSN_WRITE is returned; for MOVS the
 * value for the destination), update registers and flags, and advance RIP
 * (for REP, only when the count reaches zero).  Returns the accesses the
 * iteration performs (READ/WRITE bits; 0 for a REP form whose count is
 * already zero, which only advances RIP), or -1 if insn was not decoded.
 * Flags the SDM leaves undefined keep their old values.
 */
int vmctl_insn_complete(const struct vmctl_insn *insn,
			struct vmctl_insn_regs *regs, u64 rdata, u64 *wdata);

/* Short lowercase names, for messages and tests. */
const char *vmctl_insn_op_name(unsigned int op);
const char *vmctl_insn_status_name(unsigned int status);

#endif /* VMCTL_X86_INSN_DECODE_H */
