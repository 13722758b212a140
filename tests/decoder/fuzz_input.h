/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The layout of one fuzzer input, shared by the fuzz target and the seed
 * writer:  [mode] [count] [15 instruction bytes] [registers and device data]
 *
 *   mode   % 4: 16-, 32-, 64-bit, or 3 (an invalid mode)
 *   count  low 4 bits: how many instruction bytes the decoder is given
 *          (0..15); bit 7 adds the 8-byte tail of the input past them, so
 *          that more than 15 bytes are offered too
 *   then   gpr[16], rip, rflags, device data, 8 bytes each, little endian;
 *          missing bytes are 0
 */
#ifndef VMCTL_TESTS_DECODER_FUZZ_INPUT_H
#define VMCTL_TESTS_DECODER_FUZZ_INPUT_H

#define FUZZ_HDR	2
#define FUZZ_INSN	15
#define FUZZ_REGS	(FUZZ_HDR + FUZZ_INSN)
#define FUZZ_SIZE	(FUZZ_REGS + 19 * 8)

#endif
