/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between the kernels vmctl supports (Debian 12's 6.1 and
 * Debian 13's 6.12), in one place: no other file tests LINUX_VERSION_CODE.
 */
#ifndef VMCTL_KMOD_COMPAT_H
#define VMCTL_KMOD_COMPAT_H

#include <linux/version.h>

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 1, 0)
#error "vmctl needs Linux 6.1 or later"
#endif

/*
 * The kernel's NMI entry that vmenter.S calls to deliver an NMI that
 * caused a VM exit.  6.2 replaced the export asm_exc_nmi_noist with
 * asm_exc_nmi_kvm_vmx, which takes the same interrupt frame.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
#define VMCTL_ASM_EXC_NMI	asm_exc_nmi_kvm_vmx
#else
#define VMCTL_ASM_EXC_NMI	asm_exc_nmi_noist
#endif

/*
 * Both kernels have cpu_emergency_register_virt_callback() (Debian's 6.1
 * has it backported) with one slot that WARNs on a second registration,
 * so the slot rules in vmx/hw.c are the same on both.  What differs is
 * when kvm_intel turns VT-x on, and so what a user must do to free it:
 * from 6.12 on, kvm.enable_virt_at_load=1 (the default) has kvm_intel turn
 * VT-x on for every CPU at load and keep it on, holding the slot meanwhile;
 * 6.1 turns it on only while KVM has VMs.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#define VMCTL_KVM_ENABLES_VIRT_AT_LOAD	1
#define VMCTL_VTX_BUSY_ADVICE \
	"kvm_intel holds it from load: rmmod kvm_intel, or load kvm with enable_virt_at_load=0 (boot with kvm.enable_virt_at_load=0)"
#else
#define VMCTL_KVM_ENABLES_VIRT_AT_LOAD	0
#define VMCTL_VTX_BUSY_ADVICE \
	"KVM has VMs? end them, or rmmod kvm_intel"
#endif

#ifndef __ASSEMBLY__
#include <linux/mm.h>

/* 6.3 made vma->vm_flags read-only behind vm_flags_mod(). */
static inline void vmctl_vma_flags_mod(struct vm_area_struct *vma,
				       vm_flags_t set, vm_flags_t clear)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
	vm_flags_mod(vma, set, clear);
#else
	vma->vm_flags = (vma->vm_flags | set) & ~clear;
#endif
}

#include <net/genetlink.h>

/* 6.6 moved a dump's parsed attributes into genl_dumpit_info's genl_info. */
static inline struct nlattr **vmctl_genl_dump_attrs(struct netlink_callback *cb)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)
	return genl_dumpit_info(cb)->info.attrs;
#else
	return genl_dumpit_info(cb)->attrs;
#endif
}
#endif /* __ASSEMBLY__ */

#endif /* VMCTL_KMOD_COMPAT_H */
