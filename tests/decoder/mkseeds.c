// SPDX-License-Identifier: GPL-2.0
/*
 * Writes one fuzzer seed per unit case (tests/decoder/cases.txt) into the
 * directory given, in the layout of fuzz_input.h; completion cases carry
 * their register file and device data.
 */
#include <stdio.h>
#include <string.h>

#include "insn_case.h"
#include "generated/insn_cases.h"
#include "fuzz_input.h"

static void put64(unsigned char *p, u64 v)
{
	int i;

	for (i = 0; i < 8; i++)
		p[i] = v >> (8 * i);
}

int main(int argc, char **argv)
{
	unsigned char buf[FUZZ_SIZE];
	char path[4096];
	unsigned int i, k;
	FILE *f;

	if (argc != 2) {
		fprintf(stderr, "usage: mkseeds DIR\n");
		return 2;
	}
	for (i = 0; i < INSN_NR_CASES; i++) {
		const struct insn_case *c = &insn_cases[i];
		size_t size = FUZZ_REGS;

		memset(buf, 0, sizeof(buf));
		buf[0] = c->mode;
		buf[1] = c->nbytes;
		memcpy(buf + FUZZ_HDR, c->bytes, c->nbytes);
		if (c->cx >= 0) {
			const struct insn_cx *cx = &insn_cxs[c->cx];

			for (k = 0; k < 16; k++)
				put64(buf + FUZZ_REGS + 8 * k, cx->in.gpr[k]);
			put64(buf + FUZZ_REGS + 8 * 16, cx->in.rip);
			put64(buf + FUZZ_REGS + 8 * 17, cx->in.rflags);
			put64(buf + FUZZ_REGS + 8 * 18, cx->rdata);
			size = FUZZ_SIZE;
		}
		snprintf(path, sizeof(path), "%s/case-%04d", argv[1], c->line);
		f = fopen(path, "wb");
		if (!f || fwrite(buf, 1, size, f) != size || fclose(f)) {
			perror(path);
			return 1;
		}
	}
	printf("%u seeds\n", INSN_NR_CASES);
	return 0;
}
