// SPDX-License-Identifier: GPL-2.0
/*
 * VMX basic exit reasons as the statistics show them (SDM appendix "VMX
 * Basic Exit Reasons"), with the summary counter each one feeds, and the
 * rate of the clock they time exits with.
 */
#include <asm/tsc.h>

#include "vmx.h"

/* get_cycles() is RDTSC here: 0 without a usable TSC. */
unsigned int vmx_cycles_khz(void)
{
	return tsc_khz;
}

const struct vmctl_exit_reason_desc vmx_exit_reasons[VMX_NR_EXIT_REASONS] = {
	[0] = { "EXCEPTION_NMI" },
	[1] = { "EXTERNAL_INTERRUPT" },
	[2] = { "TRIPLE_FAULT" },
	[3] = { "INIT" },
	[4] = { "SIPI" },
	[5] = { "IO_SMI" },
	[6] = { "OTHER_SMI" },
	[7] = { "INTERRUPT_WINDOW" },
	[8] = { "NMI_WINDOW" },
	[9] = { "TASK_SWITCH" },
	[10] = { "CPUID" },
	[11] = { "GETSEC" },
	[12] = { "HLT", VMCTL_EXIT_CLASS_HALT },
	[13] = { "INVD" },
	[14] = { "INVLPG" },
	[15] = { "RDPMC" },
	[16] = { "RDTSC" },
	[17] = { "RSM" },
	/* Counted as hypercalls even before the backend handles them. */
	[18] = { "VMCALL", VMCTL_EXIT_CLASS_HYPERCALL },
	[19] = { "VMCLEAR" },
	[20] = { "VMLAUNCH" },
	[21] = { "VMPTRLD" },
	[22] = { "VMPTRST" },
	[23] = { "VMREAD" },
	[24] = { "VMRESUME" },
	[25] = { "VMWRITE" },
	[26] = { "VMXOFF" },
	[27] = { "VMXON" },
	[28] = { "CR_ACCESS" },
	[29] = { "DR_ACCESS" },
	[30] = { "IO_INSTRUCTION", VMCTL_EXIT_CLASS_IO },
	[31] = { "RDMSR" },
	[32] = { "WRMSR" },
	[33] = { "INVALID_GUEST_STATE" },
	[34] = { "MSR_LOAD_FAIL" },
	[36] = { "MWAIT" },
	[37] = { "MONITOR_TRAP_FLAG" },
	[39] = { "MONITOR" },
	[40] = { "PAUSE" },
	[41] = { "MCE_DURING_VMENTRY" },
	[43] = { "TPR_BELOW_THRESHOLD" },
	[44] = { "APIC_ACCESS" },
	[45] = { "EOI_INDUCED" },
	[46] = { "GDTR_IDTR" },
	[47] = { "LDTR_TR" },
	/* Guest accesses to memory no slot backs: decoded MMIO (mmio.c). */
	[48] = { "EPT_VIOLATION", VMCTL_EXIT_CLASS_MMIO },
	[49] = { "EPT_MISCONFIG" },
	[50] = { "INVEPT" },
	[51] = { "RDTSCP" },
	[52] = { "PREEMPTION_TIMER" },
	[53] = { "INVVPID" },
	[54] = { "WBINVD" },
	[55] = { "XSETBV" },
	[56] = { "APIC_WRITE" },
	[57] = { "RDRAND" },
	[58] = { "INVPCID" },
	[59] = { "VMFUNC" },
	[60] = { "ENCLS" },
	[61] = { "RDSEED" },
	[62] = { "PML_FULL" },
	[63] = { "XSAVES" },
	[64] = { "XRSTORS" },
	[66] = { "SPP" },
	[67] = { "UMWAIT" },
	[68] = { "TPAUSE" },
	[69] = { "LOADIWKEY" },
	[74] = { "BUS_LOCK" },
	[75] = { "NOTIFY" },
};
