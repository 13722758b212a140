// SPDX-License-Identifier: GPL-2.0
/*
 * The MMIO instruction decoder and its completion helper; see insn_decode.h
 * for the supported set.  Decoding is driven by two opcode tables (one-byte
 * and 0F-escaped) and the ModRM.reg group tables, so that adding a form is a
 * table line.  Everything that is not in the tables is refused.
 *
 * Facts from the Intel SDM, volume 2, "Instruction Format" (prefixes, REX,
 * ModRM and SIB), "Instruction Set Reference" (each instruction), and
 * volume 1, "EFLAGS Cross-Reference" (which flags each operation defines).
 */
#include "insn_decode.h"

/* Opcode flags. */
#define F_MODRM		0x0001	/* a ModRM byte follows, its r/m is memory */
#define F_BYTE		0x0002	/* operand size is 8 bits */
#define F_MEMDST	0x0004	/* the memory operand is the destination */
#define F_IMM8		0x0008	/* imm8, sign-extended to the operand size */
#define F_IMMZ		0x0010	/* imm of the operand size, at most imm32 */
#define F_MOFFS		0x0020	/* A0-A3: an offset of the address size */
#define F_STRING	0x0040	/* MOVS/STOS/LODS */
#define F_NO64		0x0080	/* #UD in 64-bit mode */
#define F_ONLY64	0x0100	/* another instruction outside 64-bit mode */
#define F_SRC8		0x0200	/* memory operand is 8 bits (MOVZX, MOVSX) */
#define F_SRC16		0x0400	/* memory operand is 16 bits (MOVZX, MOVSX) */
#define F_SRC32		0x0800	/* memory operand at most 32 bits (MOVSXD) */
#define F_GROUP		0x1000	/* operation picked by ModRM.reg */
#define F_ACC		0x2000	/* register operand is rAX (moffs, STOS, LODS) */
#define F_NOREG		0x4000	/* no register operand */
#define F_XRELEASE	0x8000	/* F3 allowed as XRELEASE without LOCK */

/* Pseudo operations in the tables. */
#define OP_UNSUPPORTED	VMCTL_INSN_OP_NONE	/* valid, but not ours */
#define OP_INVALID	0xff			/* #UD encoding */

struct opcode {
	u8 op;
	u8 group;		/* index into group_table[] when F_GROUP */
	u16 flags;
};

enum {
	GRP1,			/* 80-83: ALU with immediate */
	GRP3,			/* F6/F7: TEST NOT NEG (MUL.. not ours) */
	GRP4,			/* FE: INC DEC */
	GRP5,			/* FF: INC DEC (CALL JMP PUSH not ours) */
	GRP8,			/* 0F BA: BT BTS BTR BTC with imm8 */
	GRP11,			/* C6/C7: MOV with immediate */
	NR_GROUPS,
};

#define OP(o, f)	{ .op = VMCTL_INSN_OP_##o, .flags = (f) }
#define GRP(g, f)	{ .group = (g), .flags = F_GROUP | (f) }
#define INVALID		{ .op = OP_INVALID }

static const struct opcode primary_opcode_table[256] = {
	/* ALU r/m,r (memory is the destination) and r,r/m */
	[0x00] = OP(ADD, F_MODRM | F_BYTE | F_MEMDST),
	[0x01] = OP(ADD, F_MODRM | F_MEMDST),
	[0x02] = OP(ADD, F_MODRM | F_BYTE),
	[0x03] = OP(ADD, F_MODRM),
	[0x08] = OP(OR, F_MODRM | F_BYTE | F_MEMDST),
	[0x09] = OP(OR, F_MODRM | F_MEMDST),
	[0x0a] = OP(OR, F_MODRM | F_BYTE),
	[0x0b] = OP(OR, F_MODRM),
	[0x10] = OP(ADC, F_MODRM | F_BYTE | F_MEMDST),
	[0x11] = OP(ADC, F_MODRM | F_MEMDST),
	[0x12] = OP(ADC, F_MODRM | F_BYTE),
	[0x13] = OP(ADC, F_MODRM),
	[0x18] = OP(SBB, F_MODRM | F_BYTE | F_MEMDST),
	[0x19] = OP(SBB, F_MODRM | F_MEMDST),
	[0x1a] = OP(SBB, F_MODRM | F_BYTE),
	[0x1b] = OP(SBB, F_MODRM),
	[0x20] = OP(AND, F_MODRM | F_BYTE | F_MEMDST),
	[0x21] = OP(AND, F_MODRM | F_MEMDST),
	[0x22] = OP(AND, F_MODRM | F_BYTE),
	[0x23] = OP(AND, F_MODRM),
	[0x28] = OP(SUB, F_MODRM | F_BYTE | F_MEMDST),
	[0x29] = OP(SUB, F_MODRM | F_MEMDST),
	[0x2a] = OP(SUB, F_MODRM | F_BYTE),
	[0x2b] = OP(SUB, F_MODRM),
	[0x30] = OP(XOR, F_MODRM | F_BYTE | F_MEMDST),
	[0x31] = OP(XOR, F_MODRM | F_MEMDST),
	[0x32] = OP(XOR, F_MODRM | F_BYTE),
	[0x33] = OP(XOR, F_MODRM),
	[0x38] = OP(CMP, F_MODRM | F_BYTE | F_MEMDST),
	[0x39] = OP(CMP, F_MODRM | F_MEMDST),
	[0x3a] = OP(CMP, F_MODRM | F_BYTE),
	[0x3b] = OP(CMP, F_MODRM),
	[0x63] = OP(MOVSX, F_MODRM | F_SRC32 | F_ONLY64),
	[0x80] = GRP(GRP1, F_MODRM | F_BYTE | F_MEMDST | F_NOREG | F_IMMZ),
	[0x81] = GRP(GRP1, F_MODRM | F_MEMDST | F_NOREG | F_IMMZ),
	[0x82] = GRP(GRP1, F_MODRM | F_BYTE | F_MEMDST | F_NOREG | F_IMMZ |
		     F_NO64),
	[0x83] = GRP(GRP1, F_MODRM | F_MEMDST | F_NOREG | F_IMM8),
	[0x84] = OP(TEST, F_MODRM | F_BYTE | F_MEMDST),
	[0x85] = OP(TEST, F_MODRM | F_MEMDST),
	[0x86] = OP(XCHG, F_MODRM | F_BYTE | F_MEMDST),
	[0x87] = OP(XCHG, F_MODRM | F_MEMDST),
	[0x88] = OP(MOV, F_MODRM | F_BYTE | F_MEMDST | F_XRELEASE),
	[0x89] = OP(MOV, F_MODRM | F_MEMDST | F_XRELEASE),
	[0x8a] = OP(MOV, F_MODRM | F_BYTE),
	[0x8b] = OP(MOV, F_MODRM),
	[0xa0] = OP(MOV, F_MOFFS | F_ACC | F_BYTE),
	[0xa1] = OP(MOV, F_MOFFS | F_ACC),
	[0xa2] = OP(MOV, F_MOFFS | F_ACC | F_BYTE | F_MEMDST),
	[0xa3] = OP(MOV, F_MOFFS | F_ACC | F_MEMDST),
	[0xa4] = OP(MOVS, F_STRING | F_BYTE | F_NOREG),
	[0xa5] = OP(MOVS, F_STRING | F_NOREG),
	[0xaa] = OP(STOS, F_STRING | F_ACC | F_BYTE | F_MEMDST),
	[0xab] = OP(STOS, F_STRING | F_ACC | F_MEMDST),
	[0xac] = OP(LODS, F_STRING | F_ACC | F_BYTE),
	[0xad] = OP(LODS, F_STRING | F_ACC),
	[0xc6] = GRP(GRP11, F_MODRM | F_BYTE | F_MEMDST | F_NOREG | F_IMMZ |
		     F_XRELEASE),
	[0xc7] = GRP(GRP11, F_MODRM | F_MEMDST | F_NOREG | F_IMMZ |
		     F_XRELEASE),
	[0xf6] = GRP(GRP3, F_MODRM | F_BYTE | F_MEMDST | F_NOREG),
	[0xf7] = GRP(GRP3, F_MODRM | F_MEMDST | F_NOREG),
	[0xfe] = GRP(GRP4, F_MODRM | F_BYTE | F_MEMDST | F_NOREG),
	[0xff] = GRP(GRP5, F_MODRM | F_MEMDST | F_NOREG),
};

static const struct opcode secondary_opcode_table[256] = {
	[0xa3] = OP(BT, F_MODRM | F_MEMDST),
	[0xab] = OP(BTS, F_MODRM | F_MEMDST),
	[0xb0] = OP(CMPXCHG, F_MODRM | F_BYTE | F_MEMDST),
	[0xb1] = OP(CMPXCHG, F_MODRM | F_MEMDST),
	[0xb3] = OP(BTR, F_MODRM | F_MEMDST),
	[0xb6] = OP(MOVZX, F_MODRM | F_SRC8),
	[0xb7] = OP(MOVZX, F_MODRM | F_SRC16),
	[0xba] = GRP(GRP8, F_MODRM | F_MEMDST | F_NOREG | F_IMM8),
	[0xbb] = OP(BTC, F_MODRM | F_MEMDST),
	[0xbe] = OP(MOVSX, F_MODRM | F_SRC8),
	[0xbf] = OP(MOVSX, F_MODRM | F_SRC16),
	[0xc0] = OP(XADD, F_MODRM | F_BYTE | F_MEMDST),
	[0xc1] = OP(XADD, F_MODRM | F_MEMDST),
};

/* Indexed by ModRM.reg; flags are added to the opcode's. */
static const struct opcode group_table[NR_GROUPS][8] = {
	[GRP1] = {
		OP(ADD, 0), OP(OR, 0), OP(ADC, 0), OP(SBB, 0),
		OP(AND, 0), OP(SUB, 0), OP(XOR, 0), OP(CMP, 0),
	},
	[GRP3] = {
		/* /1 is an undocumented alias of TEST: refused, not guessed */
		OP(TEST, F_IMMZ), INVALID, OP(NOT, 0), OP(NEG, 0),
	},
	[GRP4] = {
		OP(INC, 0), OP(DEC, 0), INVALID, INVALID,
		INVALID, INVALID, INVALID, INVALID,
	},
	[GRP5] = {
		OP(INC, 0), OP(DEC, 0), [7] = INVALID,
	},
	[GRP8] = {
		INVALID, INVALID, INVALID, INVALID,
		OP(BT, 0), OP(BTS, 0), OP(BTR, 0), OP(BTC, 0),
	},
	[GRP11] = {
		OP(MOV, 0), INVALID, INVALID, INVALID,
		INVALID, INVALID, INVALID, INVALID,
	},
};

/* Operations whose memory operand, as destination, is read and written. */
static const u8 op_is_rmw[VMCTL_INSN_NR_OPS] = {
	[VMCTL_INSN_OP_ADD] = 1, [VMCTL_INSN_OP_OR] = 1,
	[VMCTL_INSN_OP_ADC] = 1, [VMCTL_INSN_OP_SBB] = 1,
	[VMCTL_INSN_OP_AND] = 1, [VMCTL_INSN_OP_SUB] = 1,
	[VMCTL_INSN_OP_XOR] = 1, [VMCTL_INSN_OP_NOT] = 1,
	[VMCTL_INSN_OP_NEG] = 1, [VMCTL_INSN_OP_INC] = 1,
	[VMCTL_INSN_OP_DEC] = 1, [VMCTL_INSN_OP_XCHG] = 1,
	[VMCTL_INSN_OP_BTS] = 1, [VMCTL_INSN_OP_BTR] = 1,
	[VMCTL_INSN_OP_BTC] = 1, [VMCTL_INSN_OP_CMPXCHG] = 1,
	[VMCTL_INSN_OP_XADD] = 1,
};

static const char * const op_names[VMCTL_INSN_NR_OPS] = {
	[VMCTL_INSN_OP_NONE] = "none",
	[VMCTL_INSN_OP_MOV] = "mov",
	[VMCTL_INSN_OP_MOVZX] = "movzx",
	[VMCTL_INSN_OP_MOVSX] = "movsx",
	[VMCTL_INSN_OP_ADD] = "add",
	[VMCTL_INSN_OP_OR] = "or",
	[VMCTL_INSN_OP_ADC] = "adc",
	[VMCTL_INSN_OP_SBB] = "sbb",
	[VMCTL_INSN_OP_AND] = "and",
	[VMCTL_INSN_OP_SUB] = "sub",
	[VMCTL_INSN_OP_XOR] = "xor",
	[VMCTL_INSN_OP_CMP] = "cmp",
	[VMCTL_INSN_OP_TEST] = "test",
	[VMCTL_INSN_OP_NOT] = "not",
	[VMCTL_INSN_OP_NEG] = "neg",
	[VMCTL_INSN_OP_INC] = "inc",
	[VMCTL_INSN_OP_DEC] = "dec",
	[VMCTL_INSN_OP_XCHG] = "xchg",
	[VMCTL_INSN_OP_BT] = "bt",
	[VMCTL_INSN_OP_BTS] = "bts",
	[VMCTL_INSN_OP_BTR] = "btr",
	[VMCTL_INSN_OP_BTC] = "btc",
	[VMCTL_INSN_OP_MOVS] = "movs",
	[VMCTL_INSN_OP_STOS] = "stos",
	[VMCTL_INSN_OP_LODS] = "lods",
	[VMCTL_INSN_OP_CMPXCHG] = "cmpxchg",
	[VMCTL_INSN_OP_XADD] = "xadd",
};

static const char * const status_names[VMCTL_INSN_NR_STATUS] = {
	[VMCTL_INSN_OK] = "ok",
	[VMCTL_INSN_ERR_TRUNCATED] = "truncated",
	[VMCTL_INSN_ERR_TOO_LONG] = "too long",
	[VMCTL_INSN_ERR_UNSUPPORTED] = "unsupported",
	[VMCTL_INSN_ERR_NO_MEMORY] = "no memory operand",
	[VMCTL_INSN_ERR_INVALID] = "invalid encoding",
	[VMCTL_INSN_ERR_PREFIX] = "refused prefix",
	[VMCTL_INSN_ERR_MODE] = "bad mode",
};

const char *vmctl_insn_op_name(unsigned int op)
{
	return op < VMCTL_INSN_NR_OPS ? op_names[op] : "?";
}

const char *vmctl_insn_status_name(unsigned int status)
{
	return status < VMCTL_INSN_NR_STATUS ? status_names[status] : "?";
}

/* 16-bit addressing: ModRM.rm -> base and index (SDM "16-Bit Addressing Forms"). */
static const u8 modrm16_base[8] = {
	VMCTL_INSN_RBX, VMCTL_INSN_RBX, VMCTL_INSN_RBP, VMCTL_INSN_RBP,
	VMCTL_INSN_RSI, VMCTL_INSN_RDI, VMCTL_INSN_RBP, VMCTL_INSN_RBX,
};

static const u8 modrm16_index[8] = {
	VMCTL_INSN_RSI, VMCTL_INSN_RDI, VMCTL_INSN_RSI, VMCTL_INSN_RDI,
	VMCTL_INSN_REG_NONE, VMCTL_INSN_REG_NONE, VMCTL_INSN_REG_NONE,
	VMCTL_INSN_REG_NONE,
};

/* Cursor over the given bytes; the 15-byte limit is checked on every fetch. */
struct cursor {
	const u8 *bytes;
	unsigned int n;			/* min(nbytes, 15) */
	unsigned int pos;
	u8 err;
};

static u8 fetch(struct cursor *c)
{
	if (c->err)
		return 0;
	if (c->pos >= VMCTL_INSN_MAX_LEN) {
		c->err = VMCTL_INSN_ERR_TOO_LONG;
		return 0;
	}
	if (c->pos >= c->n) {
		c->err = VMCTL_INSN_ERR_TRUNCATED;
		return 0;
	}
	return c->bytes[c->pos++];
}

/* Little-endian, sign-extended from size bytes. */
static s64 fetch_signed(struct cursor *c, unsigned int size)
{
	u64 v = 0;
	unsigned int i;

	for (i = 0; i < size; i++)
		v |= (u64)fetch(c) << (8 * i);
	if (size < 8 && (v >> (8 * size - 1)) & 1)
		v |= ~0ULL << (8 * size);
	return (s64)v;
}

static u64 fetch_unsigned(struct cursor *c, unsigned int size)
{
	u64 v = 0;
	unsigned int i;

	for (i = 0; i < size; i++)
		v |= (u64)fetch(c) << (8 * i);
	return v;
}

#define REX_B	0x1
#define REX_X	0x2
#define REX_R	0x4
#define REX_W	0x8

static int fail(struct vmctl_insn *insn, unsigned int status)
{
	insn->status = status;
	return status;
}

/* Decode ModRM (already fetched), SIB and displacement into insn->mem[0]. */
static void decode_modrm_mem(struct cursor *c, struct vmctl_insn *insn,
			     u8 modrm, u8 rex)
{
	struct vmctl_insn_mem *m = &insn->mem[0];
	unsigned int mod = modrm >> 6, rm = modrm & 7;
	bool stack = false;

	m->index = VMCTL_INSN_REG_NONE;
	m->scale = 1;
	if (insn->addr_size == 2) {
		m->base = modrm16_base[rm];
		m->index = modrm16_index[rm];
		if (mod == 0 && rm == 6) {
			m->base = VMCTL_INSN_REG_NONE;
			m->disp = fetch_signed(c, 2);
		} else if (mod == 1) {
			m->disp = fetch_signed(c, 1);
		} else if (mod == 2) {
			m->disp = fetch_signed(c, 2);
		}
		stack = m->base == VMCTL_INSN_RBP;
	} else {
		if (rm == 4) {
			u8 sib = fetch(c);
			unsigned int idx = ((sib >> 3) & 7) | (rex & REX_X ? 8 : 0);

			m->scale = 1 << (sib >> 6);
			if (idx != VMCTL_INSN_RSP)
				m->index = idx;
			m->base = (sib & 7) | (rex & REX_B ? 8 : 0);
			if (mod == 0 && (sib & 7) == 5)
				m->base = VMCTL_INSN_REG_NONE;
		} else if (mod == 0 && rm == 5) {
			m->base = insn->mode == VMCTL_INSN_MODE_64 ?
				  VMCTL_INSN_REG_RIP : VMCTL_INSN_REG_NONE;
		} else {
			m->base = rm | (rex & REX_B ? 8 : 0);
		}
		if (mod == 1)
			m->disp = fetch_signed(c, 1);
		else if (mod == 2 || m->base == VMCTL_INSN_REG_NONE ||
			 m->base == VMCTL_INSN_REG_RIP)
			m->disp = fetch_signed(c, 4);
		stack = m->base == VMCTL_INSN_RSP || m->base == VMCTL_INSN_RBP;
	}
	if (m->seg == VMCTL_INSN_REG_NONE)
		m->seg = stack ? VMCTL_INSN_SEG_SS : VMCTL_INSN_SEG_DS;
}

/* The register operand from ModRM.reg (or rAX); 8-bit without REX is AH..BH. */
static void set_reg(struct vmctl_insn *insn, unsigned int reg, u8 rex,
		    unsigned int width)
{
	insn->reg_width = width;
	if (width == 1 && !rex && reg >= 4 && reg < 8) {
		insn->reg = reg - 4;
		insn->reg_hi8 = 1;
	} else {
		insn->reg = reg;
	}
}

int vmctl_insn_decode(struct vmctl_insn *insn, const u8 *bytes,
		      unsigned int nbytes, enum vmctl_insn_mode mode)
{
	struct cursor c = { .bytes = bytes, .pos = 0 };
	const struct opcode *opc;
	bool is64 = mode == VMCTL_INSN_MODE_64;
	u8 b, rex = 0, modrm = 0, opsz66 = 0, adsz67 = 0, f2 = 0, f3 = 0;
	u8 seg = VMCTL_INSN_REG_NONE, op, access;
	unsigned int i, flags, opsize;

	c.n = nbytes < VMCTL_INSN_MAX_LEN ? nbytes : VMCTL_INSN_MAX_LEN;
	*insn = (struct vmctl_insn){
		.nbytes = c.n,
		.mode = mode,
		.reg = VMCTL_INSN_REG_NONE,
		.mem = {
			{ .base = VMCTL_INSN_REG_NONE, .index = VMCTL_INSN_REG_NONE },
			{ .base = VMCTL_INSN_REG_NONE, .index = VMCTL_INSN_REG_NONE },
		},
	};
	for (i = 0; i < c.n; i++)
		insn->bytes[i] = bytes[i];
	if (mode != VMCTL_INSN_MODE_16 && mode != VMCTL_INSN_MODE_32 && !is64)
		return fail(insn, VMCTL_INSN_ERR_MODE);

	/* Legacy prefixes, then REX, which counts only right before the opcode. */
	for (;;) {
		b = fetch(&c);
		if (c.err)
			return fail(insn, c.err);
		switch (b) {
		case 0x26: case 0x2e: case 0x36: case 0x3e:
			/*
			 * In 64-bit mode the CPU ignores these altogether: they
			 * neither select their segment nor cancel an FS or GS
			 * prefix before them.
			 */
			if (!is64)
				seg = (b >> 3) & 3;
			rex = 0;
			continue;
		case 0x64: case 0x65:
			seg = VMCTL_INSN_SEG_FS + (b & 1);
			rex = 0;
			continue;
		case 0x66:
			opsz66 = 1;
			rex = 0;
			continue;
		case 0x67:
			adsz67 = 1;
			rex = 0;
			continue;
		case 0xf0:
			insn->lock = 1;
			rex = 0;
			continue;
		case 0xf2:
			f2 = 1;
			rex = 0;
			continue;
		case 0xf3:
			f3 = 1;
			rex = 0;
			continue;
		}
		if (is64 && (b & 0xf0) == 0x40) {
			rex = b;
			continue;
		}
		break;
	}

	if (b == 0x0f) {
		b = fetch(&c);
		if (c.err)
			return fail(insn, c.err);
		opc = &secondary_opcode_table[b];
	} else {
		opc = &primary_opcode_table[b];
	}
	flags = opc->flags;
	op = opc->op;
	if (!(flags & F_GROUP) && op == OP_UNSUPPORTED)
		return fail(insn, VMCTL_INSN_ERR_UNSUPPORTED);
	if (op == OP_INVALID || (is64 && (flags & F_NO64)))
		return fail(insn, VMCTL_INSN_ERR_INVALID);
	if (!is64 && (flags & F_ONLY64))
		return fail(insn, VMCTL_INSN_ERR_UNSUPPORTED);

	if (flags & F_MODRM) {
		modrm = fetch(&c);
		if (c.err)
			return fail(insn, c.err);
		if (flags & F_GROUP) {
			const struct opcode *g = &group_table[opc->group][(modrm >> 3) & 7];

			op = g->op;
			flags |= g->flags;
			if (op == OP_INVALID)
				return fail(insn, VMCTL_INSN_ERR_INVALID);
			if (op == OP_UNSUPPORTED)
				return fail(insn, VMCTL_INSN_ERR_UNSUPPORTED);
		}
	}
	insn->op = op;

	/* Operand and address sizes (SDM "Operand-Size and Address-Size Attributes"). */
	if (flags & F_BYTE)
		opsize = 1;
	else if (is64 && (rex & REX_W))
		opsize = 8;
	else if (mode == VMCTL_INSN_MODE_16)
		opsize = opsz66 ? 4 : 2;
	else
		opsize = opsz66 ? 2 : 4;
	insn->opsize = opsize;
	insn->width = opsize;
	if (flags & F_SRC8)
		insn->width = 1;
	else if (flags & F_SRC16)
		insn->width = 2;
	else if ((flags & F_SRC32) && opsize == 8)
		insn->width = 4;
	if (is64)
		insn->addr_size = adsz67 ? 4 : 8;
	else if (mode == VMCTL_INSN_MODE_16)
		insn->addr_size = adsz67 ? 4 : 2;
	else
		insn->addr_size = adsz67 ? 2 : 4;

	/* What happens to the memory operand. */
	if (!(flags & F_MEMDST) || op == VMCTL_INSN_OP_CMP ||
	    op == VMCTL_INSN_OP_TEST || op == VMCTL_INSN_OP_BT)
		access = VMCTL_INSN_READ;
	else if (op_is_rmw[op])
		access = VMCTL_INSN_READ | VMCTL_INSN_WRITE;
	else
		access = VMCTL_INSN_WRITE;

	/*
	 * LOCK only on a read-modify-write of memory (else #UD); F2/F3 only as
	 * REP on string forms, or as XACQUIRE/XRELEASE where the SDM allows.
	 */
	if (insn->lock && (access != (VMCTL_INSN_READ | VMCTL_INSN_WRITE) ||
			   (flags & F_MODRM && (modrm >> 6) == 3)))
		return fail(insn, VMCTL_INSN_ERR_INVALID);
	if (f2 && f3)
		return fail(insn, VMCTL_INSN_ERR_PREFIX);
	if (flags & F_STRING) {
		if (f2)
			return fail(insn, VMCTL_INSN_ERR_PREFIX);
		insn->rep = f3;
	} else if (f2 || f3) {
		bool locked = insn->lock || op == VMCTL_INSN_OP_XCHG;

		if (!locked && !(f3 && (flags & F_XRELEASE)))
			return fail(insn, VMCTL_INSN_ERR_PREFIX);
		insn->hint = f2 ? 0xf2 : 0xf3;
	}

	/* The register operand. */
	if (flags & F_ACC)
		set_reg(insn, VMCTL_INSN_RAX, rex, opsize);
	else if (!(flags & (F_NOREG | F_STRING | F_MOFFS)))
		set_reg(insn, ((modrm >> 3) & 7) | (rex & REX_R ? 8 : 0), rex,
			opsize);
	if (insn->reg != VMCTL_INSN_REG_NONE) {
		/* XCHG and XADD also write their register operand. */
		insn->reg_is_dst = !(flags & F_MEMDST) ||
				   op == VMCTL_INSN_OP_XCHG ||
				   op == VMCTL_INSN_OP_XADD;
		insn->writes_reg = insn->reg_is_dst && op != VMCTL_INSN_OP_CMP;
	}
	if (op == VMCTL_INSN_OP_MOVZX)
		insn->ext = VMCTL_INSN_EXT_ZERO;
	else if (op == VMCTL_INSN_OP_MOVSX && opsize > insn->width)
		insn->ext = VMCTL_INSN_EXT_SIGN;

	/* The memory operand(s). */
	insn->nmem = 1;
	insn->mem[0].access = access;
	insn->mem[0].seg = seg;
	if (flags & F_MODRM) {
		if ((modrm >> 6) == 3)
			return fail(insn, VMCTL_INSN_ERR_NO_MEMORY);
		decode_modrm_mem(&c, insn, modrm, rex);
	} else if (flags & F_MOFFS) {
		insn->mem[0].disp = (s64)fetch_unsigned(&c, insn->addr_size);
		if (seg == VMCTL_INSN_REG_NONE)
			insn->mem[0].seg = VMCTL_INSN_SEG_DS;
	} else {
		/* String forms: LODS/MOVS source at seg:rSI, the rest at ES:rDI. */
		struct vmctl_insn_mem *dst = &insn->mem[0];

		if (op != VMCTL_INSN_OP_STOS) {
			insn->mem[0].base = VMCTL_INSN_RSI;
			if (seg == VMCTL_INSN_REG_NONE)
				insn->mem[0].seg = VMCTL_INSN_SEG_DS;
			dst = &insn->mem[1];
		}
		if (op != VMCTL_INSN_OP_LODS) {
			dst->base = VMCTL_INSN_RDI;
			dst->seg = VMCTL_INSN_SEG_ES;
			dst->scale = 1;
			dst->access = VMCTL_INSN_WRITE;
		}
		insn->mem[0].scale = 1;
		insn->nmem = op == VMCTL_INSN_OP_MOVS ? 2 : 1;
		if (op == VMCTL_INSN_OP_MOVS)
			insn->mem[0].access = VMCTL_INSN_READ;
	}

	/* The immediate. */
	if (flags & (F_IMM8 | F_IMMZ)) {
		insn->has_imm = 1;
		insn->imm = fetch_signed(&c, flags & F_IMM8 ? 1 :
					 opsize > 4 ? 4 : opsize);
	}
	if (c.err)
		return fail(insn, c.err);
	insn->len = c.pos;
	insn->status = VMCTL_INSN_OK;
	return VMCTL_INSN_OK;
}

/* ---- Completion -------------------------------------------------------- */

#define FL_CF	0x0001ULL
#define FL_PF	0x0004ULL
#define FL_AF	0x0010ULL
#define FL_ZF	0x0040ULL
#define FL_SF	0x0080ULL
#define FL_DF	0x0400ULL
#define FL_OF	0x0800ULL
#define FL_ARITH (FL_CF | FL_PF | FL_AF | FL_ZF | FL_SF | FL_OF)

static u64 width_mask(unsigned int width)
{
	return width >= 8 ? ~0ULL : (1ULL << (8 * width)) - 1;
}

static u64 sign_extend(u64 v, unsigned int width)
{
	unsigned int shift = 64 - 8 * width;

	return (u64)((s64)(v << shift) >> shift);
}

static u64 get_reg(const struct vmctl_insn_regs *regs, unsigned int reg,
		   bool hi8, unsigned int width)
{
	if (hi8)
		return (regs->gpr[reg] >> 8) & 0xff;
	return regs->gpr[reg] & width_mask(width);
}

/* Register writes as the CPU does them: 8/16 merge, 32 and 64 replace. */
static void put_reg(struct vmctl_insn_regs *regs, unsigned int reg, bool hi8,
		    unsigned int width, u64 v)
{
	u64 *r = &regs->gpr[reg];

	if (hi8)
		*r = (*r & ~0xff00ULL) | ((v & 0xff) << 8);
	else if (width < 4)
		*r = (*r & ~width_mask(width)) | (v & width_mask(width));
	else
		*r = v & width_mask(width);
}

static u64 parity_flag(u64 result)
{
	u8 v = result & 0xff;

	v ^= v >> 4;
	v ^= v >> 2;
	v ^= v >> 1;
	return v & 1 ? 0 : FL_PF;
}

/* ZF, SF and PF of a result of width bytes. */
static u64 result_flags(u64 r, unsigned int width)
{
	u64 f = parity_flag(r);

	r &= width_mask(width);
	if (!r)
		f |= FL_ZF;
	if ((r >> (8 * width - 1)) & 1)
		f |= FL_SF;
	return f;
}

/*
 * d op s for the ALU operations; returns the result and puts the new
 * arithmetic flags in *fl (bits outside the defined ones kept).
 */
static u64 alu(unsigned int op, u64 d, u64 s, unsigned int width, u64 *fl)
{
	unsigned int msb = 8 * width - 1;
	u64 cin = *fl & FL_CF ? 1 : 0, r, f = 0, keep = *fl & ~FL_ARITH;

	switch (op) {
	case VMCTL_INSN_OP_ADD:
	case VMCTL_INSN_OP_ADC:
	case VMCTL_INSN_OP_INC:
		if (op != VMCTL_INSN_OP_ADC)
			cin = 0;
		r = d + s + cin;
		if ((((d & s) | ((d | s) & ~r)) >> msb) & 1)
			f |= FL_CF;
		if ((((d ^ r) & (s ^ r)) >> msb) & 1)
			f |= FL_OF;
		break;
	case VMCTL_INSN_OP_SUB:
	case VMCTL_INSN_OP_SBB:
	case VMCTL_INSN_OP_CMP:
	case VMCTL_INSN_OP_DEC:
	case VMCTL_INSN_OP_NEG:
		if (op != VMCTL_INSN_OP_SBB)
			cin = 0;
		r = d - s - cin;
		if ((((~d & s) | (~(d ^ s) & r)) >> msb) & 1)
			f |= FL_CF;
		if ((((d ^ s) & (d ^ r)) >> msb) & 1)
			f |= FL_OF;
		break;
	case VMCTL_INSN_OP_AND:
	case VMCTL_INSN_OP_TEST:
		r = d & s;
		break;
	case VMCTL_INSN_OP_OR:
		r = d | s;
		break;
	default:		/* XOR */
		r = d ^ s;
		break;
	}
	f |= result_flags(r, width);
	if (op == VMCTL_INSN_OP_AND || op == VMCTL_INSN_OP_TEST ||
	    op == VMCTL_INSN_OP_OR || op == VMCTL_INSN_OP_XOR)
		f |= *fl & FL_AF;	/* undefined: kept */
	else
		f |= (d ^ s ^ r) & FL_AF;
	/* INC and DEC leave CF alone. */
	if (op == VMCTL_INSN_OP_INC || op == VMCTL_INSN_OP_DEC)
		f = (f & ~FL_CF) | (*fl & FL_CF);
	*fl = keep | f;
	return r & width_mask(width);
}

u64 vmctl_insn_ea(const struct vmctl_insn *insn,
		  const struct vmctl_insn_regs *regs, unsigned int which)
{
	const struct vmctl_insn_mem *m;
	u64 ea;

	if (insn->status != VMCTL_INSN_OK || which >= insn->nmem)
		return 0;
	m = &insn->mem[which];
	ea = (u64)m->disp;
	if (m->base == VMCTL_INSN_REG_RIP)
		ea += regs->rip + insn->len;
	else if (m->base != VMCTL_INSN_REG_NONE)
		ea += regs->gpr[m->base];
	if (m->index != VMCTL_INSN_REG_NONE)
		ea += regs->gpr[m->index] * m->scale;
	/* A register bit offset selects the operand-sized unit it falls in. */
	if (insn->reg != VMCTL_INSN_REG_NONE &&
	    (insn->op == VMCTL_INSN_OP_BT || insn->op == VMCTL_INSN_OP_BTS ||
	     insn->op == VMCTL_INSN_OP_BTR || insn->op == VMCTL_INSN_OP_BTC)) {
		s64 off = (s64)sign_extend(regs->gpr[insn->reg], insn->opsize);

		ea += (u64)((off >> (insn->opsize == 2 ? 4 :
				     insn->opsize == 4 ? 5 : 6)) * insn->opsize);
	}
	return ea & width_mask(insn->addr_size);
}

/* The value the instruction's register or immediate operand supplies. */
static u64 source_value(const struct vmctl_insn *insn,
			const struct vmctl_insn_regs *regs)
{
	if (insn->has_imm)
		return (u64)insn->imm & width_mask(insn->opsize);
	if (insn->reg == VMCTL_INSN_REG_NONE)
		return 0;
	return get_reg(regs, insn->reg, insn->reg_hi8, insn->reg_width);
}

/* Step a string index or count register by delta at the address size. */
static void step_reg(const struct vmctl_insn *insn,
		     struct vmctl_insn_regs *regs, unsigned int reg, s64 delta)
{
	put_reg(regs, reg, false, insn->addr_size,
		regs->gpr[reg] + (u64)delta);
}

static void advance_rip(const struct vmctl_insn *insn,
			struct vmctl_insn_regs *regs)
{
	u64 rip = regs->rip + insn->len;

	if (insn->mode == VMCTL_INSN_MODE_16)
		rip &= 0xffff;
	else if (insn->mode == VMCTL_INSN_MODE_32)
		rip &= 0xffffffff;
	regs->rip = rip;
}

static int complete_string(const struct vmctl_insn *insn,
			   struct vmctl_insn_regs *regs, u64 rdata, u64 *wdata)
{
	s64 delta = regs->rflags & FL_DF ? -(s64)insn->width : insn->width;
	u64 count = regs->gpr[VMCTL_INSN_RCX] & width_mask(insn->addr_size);
	int done;

	if (insn->rep && !count) {
		/*
		 * No iteration, yet the registers are still written: with a
		 * 32-bit address size in 64-bit mode the CPU zero-extends
		 * ECX, ESI and EDI into RCX, RSI and RDI (seen natively in
		 * tests/decoder/native.c).  A step of 0 writes them back at
		 * the address size.
		 */
		step_reg(insn, regs, VMCTL_INSN_RCX, 0);
		if (insn->op != VMCTL_INSN_OP_STOS)
			step_reg(insn, regs, VMCTL_INSN_RSI, 0);
		if (insn->op != VMCTL_INSN_OP_LODS)
			step_reg(insn, regs, VMCTL_INSN_RDI, 0);
		advance_rip(insn, regs);
		return 0;
	}
	switch (insn->op) {
	case VMCTL_INSN_OP_MOVS:
		*wdata = rdata & width_mask(insn->width);
		step_reg(insn, regs, VMCTL_INSN_RSI, delta);
		step_reg(insn, regs, VMCTL_INSN_RDI, delta);
		done = VMCTL_INSN_READ | VMCTL_INSN_WRITE;
		break;
	case VMCTL_INSN_OP_STOS:
		*wdata = get_reg(regs, VMCTL_INSN_RAX, false, insn->width);
		step_reg(insn, regs, VMCTL_INSN_RDI, delta);
		done = VMCTL_INSN_WRITE;
		break;
	default:		/* LODS */
		put_reg(regs, VMCTL_INSN_RAX, false, insn->width, rdata);
		step_reg(insn, regs, VMCTL_INSN_RSI, delta);
		done = VMCTL_INSN_READ;
		break;
	}
	if (insn->rep) {
		step_reg(insn, regs, VMCTL_INSN_RCX, -1);
		if (count != 1)
			return done;	/* RIP stays: the next iteration */
	}
	advance_rip(insn, regs);
	return done;
}

int vmctl_insn_complete(const struct vmctl_insn *insn,
			struct vmctl_insn_regs *regs, u64 rdata, u64 *wdata)
{
	unsigned int op = insn->op, w = insn->width;
	u64 src, res, fl = regs->rflags;
	u64 dummy;

	if (insn->status != VMCTL_INSN_OK)
		return -1;
	if (!wdata)
		wdata = &dummy;
	*wdata = 0;
	rdata &= width_mask(w);
	if (op == VMCTL_INSN_OP_MOVS || op == VMCTL_INSN_OP_STOS ||
	    op == VMCTL_INSN_OP_LODS)
		return complete_string(insn, regs, rdata, wdata);

	src = source_value(insn, regs);
	switch (op) {
	case VMCTL_INSN_OP_MOV:
		if (insn->mem[0].access & VMCTL_INSN_WRITE)
			*wdata = src & width_mask(w);
		else
			put_reg(regs, insn->reg, insn->reg_hi8, w, rdata);
		break;
	case VMCTL_INSN_OP_MOVZX:
	case VMCTL_INSN_OP_MOVSX:
		res = insn->ext == VMCTL_INSN_EXT_SIGN ?
		      sign_extend(rdata, w) : rdata;
		put_reg(regs, insn->reg, false, insn->reg_width, res);
		break;
	case VMCTL_INSN_OP_XCHG:
		*wdata = src;
		put_reg(regs, insn->reg, insn->reg_hi8, w, rdata);
		break;
	case VMCTL_INSN_OP_XADD:
		*wdata = alu(VMCTL_INSN_OP_ADD, rdata, src, w, &fl);
		put_reg(regs, insn->reg, insn->reg_hi8, w, rdata);
		break;
	case VMCTL_INSN_OP_CMPXCHG:
		/* Flags of CMP rAX, r/m; rAX is written only on failure. */
		alu(VMCTL_INSN_OP_CMP, get_reg(regs, VMCTL_INSN_RAX, false, w),
		    rdata, w, &fl);
		if (fl & FL_ZF) {
			*wdata = src;
		} else {
			*wdata = rdata;
			put_reg(regs, VMCTL_INSN_RAX, false, w, rdata);
		}
		break;
	case VMCTL_INSN_OP_NOT:
		*wdata = ~rdata & width_mask(w);
		break;
	case VMCTL_INSN_OP_NEG:
		*wdata = alu(op, 0, rdata, w, &fl);
		if (rdata)
			fl |= FL_CF;
		else
			fl &= ~FL_CF;
		break;
	case VMCTL_INSN_OP_INC:
	case VMCTL_INSN_OP_DEC:
		*wdata = alu(op, rdata, 1, w, &fl);
		break;
	case VMCTL_INSN_OP_BT:
	case VMCTL_INSN_OP_BTS:
	case VMCTL_INSN_OP_BTR:
	case VMCTL_INSN_OP_BTC: {
		u64 bit = 1ULL << (src & (8 * w - 1));

		/* CF is the bit; OF SF AF PF are undefined (kept); ZF kept. */
		fl = (fl & ~FL_CF) | (rdata & bit ? FL_CF : 0);
		if (op == VMCTL_INSN_OP_BTS)
			*wdata = rdata | bit;
		else if (op == VMCTL_INSN_OP_BTR)
			*wdata = rdata & ~bit;
		else
			*wdata = rdata ^ bit;
		break;
	}
	default:		/* ADD OR ADC SBB AND SUB XOR CMP TEST */
		if (insn->reg_is_dst) {
			res = alu(op, src, rdata, w, &fl);
			if (insn->writes_reg)
				put_reg(regs, insn->reg, insn->reg_hi8, w, res);
		} else {
			res = alu(op, rdata, src, w, &fl);
			if (insn->mem[0].access & VMCTL_INSN_WRITE)
				*wdata = res;
		}
		break;
	}
	regs->rflags = fl;
	advance_rip(insn, regs);
	return insn->mem[0].access;
}
