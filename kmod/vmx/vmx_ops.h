/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Wrappers for the VMX instructions.  A VMX instruction that fails (VMfail)
 * or faults is a bug in this module: the wrappers report it through
 * vmx_insn_failed(), which warns once and makes the current run end with
 * VMCTL_INTERNAL_VMX_INSN_FAILED; nothing here panics.
 *
 * VMCS fields are accessed through width-typed accessors only.  When the
 * encoding is a constant, a mismatch between the accessor and the width
 * encoded in the field (bits 14:13) breaks the build.
 */
#ifndef VMCTL_VMX_VMX_OPS_H
#define VMCTL_VMX_VMX_OPS_H

#include <linux/build_bug.h>
#include <linux/types.h>
#include <linux/stringify.h>
#include <asm/asm.h>
#include <asm/extable_fixup_types.h>

#include "vmcs.h"

void vmx_insn_failed(const char *insn, u64 arg, bool fault);

/*
 * An exception-table entry sending a fault at local label 1 to the asm-goto
 * label named by the string "to" (what _ASM_EXTABLE(1b, to) emits, with the
 * target as a string so that it can name a label operand).  VMX instructions
 * fault (#UD) only if VMX was turned off under our feet: on reboot.
 */
#define VMX_EXTABLE_1B(to)					\
	" .pushsection \"__ex_table\",\"a\"\n"			\
	" .balign 4\n"						\
	" .long (1b) - .\n"					\
	" .long (" to ") - .\n"					\
	" .long " __stringify(EX_TYPE_DEFAULT) "\n"		\
	" .popsection\n"

static __always_inline unsigned long __vmcs_read(unsigned long field)
{
	unsigned long value;

	asm goto("1: vmread %[field], %[value]\n\t"
		 "jna %l[fail]\n\t"
		 VMX_EXTABLE_1B("%l[fault]")
		 : [value] "=rm" (value)
		 : [field] "r" (field)
		 : "cc"
		 : fail, fault);
	return value;
fail:
	vmx_insn_failed("vmread", field, false);
	return 0;
fault:
	vmx_insn_failed("vmread", field, true);
	return 0;
}

static __always_inline void __vmcs_write(unsigned long field,
					 unsigned long value)
{
	asm goto("1: vmwrite %[value], %[field]\n\t"
		 "jna %l[fail]\n\t"
		 VMX_EXTABLE_1B("%l[fault]")
		 :
		 : [value] "rm" (value), [field] "r" (field)
		 : "cc"
		 : fail, fault);
	return;
fail:
	vmx_insn_failed("vmwrite", field, false);
	return;
fault:
	vmx_insn_failed("vmwrite", field, true);
}

static __always_inline void vmcs_check_width(unsigned long field,
					     unsigned int width)
{
	BUILD_BUG_ON_MSG(__builtin_constant_p(field) &&
			 (VMCS_ENC_WIDTH(field) != width ||
			  (field & VMCS_ENC_HIGH)),
			 "VMCS field accessed with the wrong width");
}

static __always_inline u16 vmcs_read16(unsigned long field)
{
	vmcs_check_width(field, VMCS_ENC_WIDTH_16);
	return __vmcs_read(field);
}

static __always_inline u32 vmcs_read32(unsigned long field)
{
	vmcs_check_width(field, VMCS_ENC_WIDTH_32);
	return __vmcs_read(field);
}

static __always_inline u64 vmcs_read64(unsigned long field)
{
	vmcs_check_width(field, VMCS_ENC_WIDTH_64);
	return __vmcs_read(field);
}

static __always_inline unsigned long vmcs_readl(unsigned long field)
{
	vmcs_check_width(field, VMCS_ENC_WIDTH_NATURAL);
	return __vmcs_read(field);
}

static __always_inline void vmcs_write16(unsigned long field, u16 value)
{
	vmcs_check_width(field, VMCS_ENC_WIDTH_16);
	__vmcs_write(field, value);
}

static __always_inline void vmcs_write32(unsigned long field, u32 value)
{
	vmcs_check_width(field, VMCS_ENC_WIDTH_32);
	__vmcs_write(field, value);
}

static __always_inline void vmcs_write64(unsigned long field, u64 value)
{
	vmcs_check_width(field, VMCS_ENC_WIDTH_64);
	__vmcs_write(field, value);
}

static __always_inline void vmcs_writel(unsigned long field,
					unsigned long value)
{
	vmcs_check_width(field, VMCS_ENC_WIDTH_NATURAL);
	__vmcs_write(field, value);
}

/* VMXON: 0, or -EIO if the CPU refused (VMfail) or faulted. */
static inline int vmx_vmxon(u64 phys)
{
	asm goto("1: vmxon %[phys]\n\t"
		 "jna %l[fail]\n\t"
		 VMX_EXTABLE_1B("%l[fail]")
		 : : [phys] "m" (phys) : "cc", "memory" : fail);
	return 0;
fail:
	return -EIO;
}

/* VMXOFF: faults (and is ignored) if the CPU is not in VMX operation. */
static inline void vmx_vmxoff(void)
{
	asm goto("1: vmxoff\n\t"
		 VMX_EXTABLE_1B("%l[fault]")
		 : : : "cc", "memory" : fault);
fault:
	return;
}

static inline void vmx_vmclear(u64 phys)
{
	asm goto("1: vmclear %[phys]\n\t"
		 "jna %l[fail]\n\t"
		 VMX_EXTABLE_1B("%l[fault]")
		 : : [phys] "m" (phys) : "cc", "memory" : fail, fault);
	return;
fail:
	vmx_insn_failed("vmclear", phys, false);
	return;
fault:
	vmx_insn_failed("vmclear", phys, true);
}

static inline void vmx_vmptrld(u64 phys)
{
	asm goto("1: vmptrld %[phys]\n\t"
		 "jna %l[fail]\n\t"
		 VMX_EXTABLE_1B("%l[fault]")
		 : : [phys] "m" (phys) : "cc", "memory" : fail, fault);
	return;
fail:
	vmx_insn_failed("vmptrld", phys, false);
	return;
fault:
	vmx_insn_failed("vmptrld", phys, true);
}

#define INVEPT_SINGLE_CONTEXT	1
#define INVEPT_ALL_CONTEXT	2
#define INVVPID_SINGLE_CONTEXT	1
#define INVVPID_ALL_CONTEXT	2

static inline void vmx_invept(unsigned long type, u64 eptp)
{
	struct {
		u64 eptp;
		u64 reserved;
	} desc = { eptp, 0 };

	asm goto("1: invept %[desc], %[type]\n\t"
		 "jna %l[fail]\n\t"
		 VMX_EXTABLE_1B("%l[fault]")
		 : : [desc] "m" (desc), [type] "r" (type)
		 : "cc", "memory" : fail, fault);
	return;
fail:
	vmx_insn_failed("invept", eptp, false);
	return;
fault:
	vmx_insn_failed("invept", eptp, true);
}

static inline void vmx_invvpid(unsigned long type, u16 vpid)
{
	struct {
		u64 vpid;
		u64 linear;
	} desc = { vpid, 0 };

	asm goto("1: invvpid %[desc], %[type]\n\t"
		 "jna %l[fail]\n\t"
		 VMX_EXTABLE_1B("%l[fault]")
		 : : [desc] "m" (desc), [type] "r" (type)
		 : "cc", "memory" : fail, fault);
	return;
fail:
	vmx_insn_failed("invvpid", vpid, false);
	return;
fault:
	vmx_insn_failed("invvpid", vpid, true);
}

#endif /* VMCTL_VMX_VMX_OPS_H */
