// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target of the MMIO decoder (built with ASan and UBSan): bytes +
 * mode + register file.  The instruction bytes are copied into a heap block
 * of exactly the given size, so any read past it is caught.  Beyond "no
 * crash" it asserts what must always hold:
 *   - a decoded length is 1..15 and within the bytes given, and decoding
 *     exactly that many bytes gives the same result, one fewer "truncated";
 *   - completion touches only the registers the instruction may change
 *     (its register operand, RSI/RDI/RCX for string forms), only the
 *     arithmetic flags, and moves RIP by the length or (REP) not at all;
 *   - it reports no access the decoded memory operands do not allow.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "insn_decode.h"
#include "fuzz_input.h"

#define CHECK(x)	do { if (!(x)) abort(); } while (0)

static u64 get64(const uint8_t *d, size_t size, size_t off)
{
	u64 v = 0;
	unsigned int i;

	for (i = 0; i < 8; i++)
		if (off + i < size)
			v |= (u64)d[off + i] << (8 * i);
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t size)
{
	struct vmctl_insn insn, again;
	struct vmctl_insn_regs regs, before;
	unsigned int mode, n, i, access = 0, wrap;
	u64 rdata, wdata = 0, flags_mask;
	u8 *bytes;
	int ret;

	if (size < FUZZ_HDR)
		return 0;
	mode = d[0] % 4;
	n = d[1] & 15;
	if (d[1] & 0x80)
		n += 8;
	if (n > size - FUZZ_HDR)
		n = size - FUZZ_HDR;
	bytes = malloc(n ? n : 1);
	CHECK(bytes);
	memcpy(bytes, d + FUZZ_HDR, n);

	vmctl_insn_decode(&insn, bytes, n, mode);
	CHECK(insn.status < VMCTL_INSN_NR_STATUS);
	CHECK(insn.nbytes == (n < 15 ? n : 15));
	if (mode == 3)
		CHECK(insn.status == VMCTL_INSN_ERR_MODE);
	if (insn.status != VMCTL_INSN_OK) {
		free(bytes);
		return 0;
	}
	CHECK(insn.len >= 1 && insn.len <= VMCTL_INSN_MAX_LEN && insn.len <= n);
	CHECK(insn.op > VMCTL_INSN_OP_NONE && insn.op < VMCTL_INSN_NR_OPS);
	CHECK(insn.width == 1 || insn.width == 2 || insn.width == 4 || insn.width == 8);
	CHECK(insn.nmem == 1 || insn.nmem == 2);
	CHECK(insn.reg == VMCTL_INSN_REG_NONE || insn.reg < 16);

	vmctl_insn_decode(&again, bytes, insn.len, mode);
	CHECK(!memcmp(&again.len, &insn.len,
		      sizeof(insn) - offsetof(struct vmctl_insn, len)));
	vmctl_insn_decode(&again, bytes, insn.len - 1, mode);
	CHECK(again.status == VMCTL_INSN_ERR_TRUNCATED);

	for (i = 0; i < 16; i++)
		regs.gpr[i] = get64(d, size, FUZZ_REGS + 8 * i);
	regs.rip = get64(d, size, FUZZ_REGS + 8 * 16);
	regs.rflags = get64(d, size, FUZZ_REGS + 8 * 17);
	rdata = get64(d, size, FUZZ_REGS + 8 * 18);
	for (i = 0; i < insn.nmem; i++) {
		u64 ea = vmctl_insn_ea(&insn, &regs, i);

		CHECK(insn.addr_size == 8 || ea < (1ULL << (8 * insn.addr_size)));
		access |= insn.mem[i].access;
	}
	before = regs;
	ret = vmctl_insn_complete(&insn, &regs, rdata, &wdata);
	CHECK(ret >= 0 && !(ret & ~access));
	flags_mask = 0x8d5;	/* CF PF AF ZF SF OF */
	CHECK(!((regs.rflags ^ before.rflags) & ~flags_mask));
	wrap = insn.mode == VMCTL_INSN_MODE_64 ? 0 :
	       insn.mode == VMCTL_INSN_MODE_32 ? 32 : 16;
	if (regs.rip != before.rip) {
		u64 next = before.rip + insn.len;

		if (wrap)
			next &= (1ULL << wrap) - 1;
		CHECK(regs.rip == next);
	} else {
		CHECK(insn.rep);
	}
	for (i = 0; i < 16; i++) {
		if (regs.gpr[i] == before.gpr[i])
			continue;
		if (insn.writes_reg && i == insn.reg)
			continue;
		/* CMPXCHG loads rAX with the value read when they differ. */
		if (insn.op == VMCTL_INSN_OP_CMPXCHG && i == VMCTL_INSN_RAX)
			continue;
		if (insn.op == VMCTL_INSN_OP_MOVS || insn.op == VMCTL_INSN_OP_STOS ||
		    insn.op == VMCTL_INSN_OP_LODS) {
			if (i == VMCTL_INSN_RSI || i == VMCTL_INSN_RDI ||
			    (i == VMCTL_INSN_RCX && insn.rep))
				continue;
		}
		abort();
	}
	if (ret & VMCTL_INSN_WRITE)
		CHECK(insn.width == 8 || !(wdata >> (8 * insn.width)));
	free(bytes);
	return 0;
}
