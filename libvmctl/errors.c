// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Error messages that fit the call that failed.  An errno alone is
 * ambiguous (-ENOENT is "module not loaded" from vmctl_sys_open() but "no
 * such slot" from vmctl_vm_mem_remove()), so the library keeps one message
 * per function and errno it documents.  This table is also the list of
 * errors each function may return: the unit test errors_test checks it
 * against libvmctl.h, and triggers the errors it can without a device.
 */
#include <errno.h>
#include <string.h>

#include "internal.h"

#define OWNER	"this process did not create the VM (e.g. a child after fork())"
#define BUSY	"the vCPU is in use by another thread"
#define NULLARG	"invalid argument (a NULL handle or pointer)"
#define REBOOTING	"the host is rebooting (reboot or kexec): the vmctl module has " \
	"turned VT-x off for good"
#define NO_CPUID	"the vmctl module has no CPUID tables (too old)"

const struct err_msg err_msgs[] = {
	/* The system handle */
	{ "vmctl_sys_open", -EINVAL, NULLARG },
	{ "vmctl_sys_open", -ENOENT, "the vmctl module is not loaded "
	  "(modprobe vmctl; it refuses to load without VT-x: see dmesg)" },
	{ "vmctl_sys_open", -EACCES, "permission denied (" VMCTL_DEFAULT_DEVICE " is for root and "
	  "group vmctl once its udev rule is installed: join the group)" },
	{ "vmctl_sys_open", -ENODEV, "cannot open " VMCTL_DEFAULT_DEVICE
	  " (no driver behind it: was the module unloaded?)" },
	{ "vmctl_sys_open", -ENOTTY, VMCTL_DEFAULT_DEVICE " is not a vmctl device" },
	{ "vmctl_sys_open", -EPROTO, "the vmctl module speaks another API version than this library" },
	{ "vmctl_sys_open", -EMFILE, "too many open files" },
	{ "vmctl_sys_open", -ENOMEM, "out of memory" },
	{ "vmctl_sys_open_path", -EINVAL, NULLARG },
	{ "vmctl_sys_open_path", -ENOENT, "no such device node" },
	{ "vmctl_sys_open_path", -EACCES, "permission denied" },
	{ "vmctl_sys_open_path", -ENODEV, "cannot open the device (no driver behind it?)" },
	{ "vmctl_sys_open_path", -ENOTTY, "not a vmctl device" },
	{ "vmctl_sys_open_path", -EPROTO, "the vmctl module speaks another API version than this library" },
	{ "vmctl_sys_open_path", -EMFILE, "too many open files" },
	{ "vmctl_sys_open_path", -ENOMEM, "out of memory" },
	{ "vmctl_sys_api_version", -EINVAL, NULLARG },
	{ "vmctl_sys_get_caps", -EINVAL, NULLARG },
	{ "vmctl_sys_get_usage", -EINVAL, NULLARG },

	/* Virtual machines and guest memory */
	{ "vmctl_vm_create", -EINVAL, NULLARG },
	{ "vmctl_vm_create", -EBUSY, "another hypervisor holds VT-x (e.g. kvm_intel): see dmesg" },
	{ "vmctl_vm_create", -ENOMEM, "out of memory" },
	{ "vmctl_vm_create", -EMFILE, "too many open files" },
	{ "vmctl_vm_create", -ESHUTDOWN, REBOOTING },
	{ "vmctl_vm_mem_add", -EINVAL, "invalid guest memory: unaligned, empty, wrapping or beyond "
	  "the guest's physical address width, too large, or unknown flags" },
	{ "vmctl_vm_mem_add", -EEXIST, "the range overlaps guest memory already added" },
	{ "vmctl_vm_mem_add", -ENOSPC, "no free memory slot" },
	{ "vmctl_vm_mem_add", -ENOMEM, "out of memory, or more pinned guest memory than "
	  "RLIMIT_MEMLOCK allows (ulimit -l; the guest's memory counts as VmPin)" },
	{ "vmctl_vm_mem_add", -EIO, OWNER },
	{ "vmctl_vm_mem_remove", -EINVAL, NULLARG },
	{ "vmctl_vm_mem_remove", -ENOENT, "no such memory slot" },
	{ "vmctl_vm_mem_remove", -EIO, OWNER },
	{ "vmctl_vm_write", -EFAULT, "the range is not within one slot of guest memory" },
	{ "vmctl_vm_read", -EFAULT, "the range is not within one slot of guest memory" },
	{ "vmctl_vm_load_flat", -EINVAL, NULLARG },
	{ "vmctl_vm_load_flat", -ENOENT, "no such image file" },
	{ "vmctl_vm_load_flat", -EACCES, "permission denied reading the image" },
	{ "vmctl_vm_load_flat", -EISDIR, "the image is a directory" },
	{ "vmctl_vm_load_flat", -ENOEXEC, "not a loadable image (empty, or not a regular file)" },
	{ "vmctl_vm_load_flat", -ERANGE, "the image does not fit in one slot of guest memory there" },
	{ "vmctl_vm_load_flat", -EMFILE, "too many open files" },
	{ "vmctl_vm_load_flat", -EIO, "cannot read the image" },

	{ "vmctl_vm_set_name", -EINVAL, "invalid name (too long, not printable ASCII) or argument" },
	{ "vmctl_vm_set_name", -EIO, OWNER },

	/* Statistics */
	{ "vmctl_stats_open", -EINVAL, NULLARG },
	{ "vmctl_stats_open", -ENOENT, "the vmctl module is not loaded (no vmctl netlink family)" },
	{ "vmctl_stats_open", -EPROTO, "the vmctl module's statistics are malformed or of "
	  "another version than this library" },
	{ "vmctl_stats_open", -ENOMEM, "out of memory" },
	{ "vmctl_stats_open", -EIO, "netlink request failed" },
	{ "vmctl_stats_list_vms", -EINVAL, NULLARG },
	{ "vmctl_stats_list_vms", -EPROTO, "malformed answer from the vmctl module" },
	{ "vmctl_stats_list_vms", -ENOMEM, "out of memory" },
	{ "vmctl_stats_list_vms", -EIO, "netlink request failed" },
	{ "vmctl_stats_read_vm", -EINVAL, NULLARG },
	{ "vmctl_stats_read_vm", -ENOENT, "no such VM, or it belongs to another user "
	  "(only root sees every VM)" },
	{ "vmctl_stats_read_vm", -EPROTO, "malformed answer from the vmctl module" },
	{ "vmctl_stats_read_vm", -ENOMEM, "out of memory" },
	{ "vmctl_stats_read_vm", -EIO, "netlink request failed" },
	{ "vmctl_stats_subscribe", -EINVAL, NULLARG },
	{ "vmctl_stats_subscribe", -ENOENT, "the vmctl module is not loaded" },
	{ "vmctl_stats_subscribe", -ENOMEM, "out of memory" },
	{ "vmctl_stats_subscribe", -EIO, "netlink request failed" },
	{ "vmctl_stats_next_event", -EINVAL, "not subscribed, or a NULL argument" },
	{ "vmctl_stats_next_event", -EAGAIN, "no event arrived in time" },
	{ "vmctl_stats_next_event", -EPROTO, "malformed event from the vmctl module" },
	{ "vmctl_stats_next_event", -EIO, "netlink failed, or events were lost" },

	/* Port I/O handlers */
	{ "vmctl_vm_pio_register", -EINVAL, "invalid port range (empty, beyond 0xffff) or no handler" },
	{ "vmctl_vm_pio_register", -EEXIST, "the ports overlap a registered range" },
	{ "vmctl_vm_pio_register", -ENOMEM, "out of memory" },
	{ "vmctl_vm_pio_unregister", -EINVAL, NULLARG },
	{ "vmctl_vm_pio_unregister", -ENOENT, "no port range is registered at that port" },
	{ "vmctl_vm_mmio_register", -EINVAL, "invalid MMIO range (empty, beyond 2^64) or no handler" },
	{ "vmctl_vm_mmio_register", -EEXIST, "the range overlaps a registered MMIO range" },
	{ "vmctl_vm_mmio_register", -ENOMEM, "out of memory" },
	{ "vmctl_vm_mmio_unregister", -EINVAL, NULLARG },
	{ "vmctl_vm_mmio_unregister", -ENOENT, "no MMIO range is registered at that address" },
	{ "vmctl_vcpu_complete_mmio_read", -EINVAL, "no MMIO read is pending, or the length is not its width" },
	{ "vmctl_vm_msr_register", -EINVAL, "invalid MSR range (empty, wrapping) or no handler" },
	{ "vmctl_vm_msr_register", -EEXIST, "the MSRs overlap a registered range" },
	{ "vmctl_vm_msr_register", -ENOMEM, "out of memory" },
	{ "vmctl_vm_msr_unregister", -EINVAL, NULLARG },
	{ "vmctl_vm_msr_unregister", -ENOENT, "no MSR range is registered at that index" },
	{ "vmctl_vm_set_msr_probe", -EINVAL, NULLARG },
	{ "vmctl_vcpu_complete_msr", -EINVAL, "no MSR exit is waiting for an answer" },
	{ "vmctl_vcpu_get_msrs", -EINVAL, "more than VMCTL_MAX_MSR_ENTRIES entries, a reserved "
	  "field not 0, or a NULL argument" },
	{ "vmctl_vcpu_get_msrs", -EBUSY, BUSY },
	{ "vmctl_vcpu_get_msrs", -EIO, OWNER },
	{ "vmctl_vcpu_get_msrs", -ENOMEM, "out of memory" },
	{ "vmctl_vcpu_set_msrs", -EINVAL, "more than VMCTL_MAX_MSR_ENTRIES entries, a reserved "
	  "field not 0, or a NULL argument" },
	{ "vmctl_vcpu_set_msrs", -EBUSY, BUSY },
	{ "vmctl_vcpu_set_msrs", -EIO, OWNER },
	{ "vmctl_vcpu_set_msrs", -ENOMEM, "out of memory" },
	{ "vmctl_sys_msr_index_list", -EINVAL, NULLARG },
	{ "vmctl_sys_msr_index_list", -E2BIG, "the array is too small for the list (room 0 "
	  "returns the count)" },
	{ "vmctl_sys_msr_index_list", -ENOMEM, "out of memory" },

	/* vCPUs */
	{ "vmctl_vcpu_create", -EINVAL, "invalid vCPU id (at least caps.max_vcpus) or argument" },
	{ "vmctl_vcpu_create", -EEXIST, "that vCPU id is in use" },
	{ "vmctl_vcpu_create", -ENOMEM, "out of memory" },
	{ "vmctl_vcpu_create", -EMFILE, "too many open files" },
	{ "vmctl_vcpu_create", -EIO, OWNER },
	{ "vmctl_vcpu_get_regs", -EINVAL, NULLARG },
	{ "vmctl_vcpu_get_regs", -EBUSY, BUSY },
	{ "vmctl_vcpu_get_regs", -EIO, OWNER },
	{ "vmctl_vcpu_set_regs", -EINVAL, "invalid registers (reserved RFLAGS bits) or argument" },
	{ "vmctl_vcpu_set_regs", -EBUSY, BUSY },
	{ "vmctl_vcpu_set_regs", -EIO, OWNER },
	{ "vmctl_vcpu_get_sregs", -EINVAL, NULLARG },
	{ "vmctl_vcpu_get_sregs", -EBUSY, BUSY },
	{ "vmctl_vcpu_get_sregs", -EIO, OWNER },
	{ "vmctl_vcpu_set_sregs", -EINVAL, "invalid system registers (reserved bits, an inconsistent "
	  "CR0/CR4/EFER) or argument" },
	{ "vmctl_vcpu_set_sregs", -EBUSY, BUSY },
	{ "vmctl_vcpu_set_sregs", -EIO, OWNER },
	{ "vmctl_vcpu_setup_real_mode", -EINVAL, NULLARG },
	{ "vmctl_vcpu_setup_real_mode", -EBUSY, BUSY },
	{ "vmctl_vcpu_setup_real_mode", -EIO, OWNER },
	{ "vmctl_vcpu_setup_long_mode", -EINVAL, "invalid long-mode set-up (map_size 0 or above "
	  "512 GiB, tables_gpa unaligned) or argument" },
	{ "vmctl_vcpu_setup_long_mode", -EFAULT, "the page tables do not fit in one writable slot "
	  "at tables_gpa" },
	{ "vmctl_vcpu_setup_long_mode", -EBUSY, BUSY },
	{ "vmctl_vcpu_setup_long_mode", -EIO, OWNER },
	{ "vmctl_build_long_mode_tables", -EINVAL, "invalid arguments (map_size 0 or above 512 GiB, "
	  "buf_gpa unaligned, a NULL pointer)" },
	{ "vmctl_build_long_mode_tables", -ENOSPC, "the buffer is too small for the tables" },

	{ "vmctl_vcpu_setup_protected_mode", -EINVAL, "invalid protected-mode set-up (gdt_gpa not "
	  "8-byte aligned) or argument" },
	{ "vmctl_vcpu_setup_protected_mode", -EFAULT, "the GDT does not fit in one slot at gdt_gpa" },
	{ "vmctl_vcpu_setup_protected_mode", -EBUSY, BUSY },
	{ "vmctl_vcpu_setup_protected_mode", -EIO, OWNER },

	/* Running */
	{ "vmctl_vcpu_run", -EINVAL, "the vCPU was shut down (triple fault), or a NULL argument" },
	{ "vmctl_vcpu_run", -EINTR, "interrupted by a signal or vmctl_vcpu_request_exit()" },
	{ "vmctl_vcpu_run", -EBUSY, "the vCPU is running in another thread" },
	{ "vmctl_vcpu_run", -ESHUTDOWN, REBOOTING },
	{ "vmctl_vcpu_run", -EIO, OWNER },
	{ "vmctl_vcpu_complete_in", -EINVAL, "no IN is pending on this vCPU" },
	{ "vmctl_vcpu_complete_hypercall", -EINVAL, "no hypercall is pending on this vCPU" },
	{ "vmctl_vm_hypercall_register", -EINVAL, NULLARG },

	/* vCPU state */
	{ "vmctl_vcpu_get_debugregs", -EINVAL, NULLARG },
	{ "vmctl_vcpu_get_debugregs", -EBUSY, BUSY },
	{ "vmctl_vcpu_get_debugregs", -EIO, OWNER },
	{ "vmctl_vcpu_set_debugregs", -EINVAL, "invalid debug registers (DR6/DR7 bits 63:32 or "
	  "a reserved DR7 bit set, flags or reserved not 0) or a NULL argument" },
	{ "vmctl_vcpu_set_debugregs", -EBUSY, BUSY },
	{ "vmctl_vcpu_set_debugregs", -EIO, OWNER },
	{ "vmctl_vcpu_get_xsave", -EINVAL, NULLARG },
	{ "vmctl_vcpu_get_xsave", -EBUSY, BUSY },
	{ "vmctl_vcpu_get_xsave", -EIO, OWNER },
	{ "vmctl_vcpu_set_xsave", -EINVAL, "invalid XSAVE image (XSTATE_BV beyond the guest's XCR0, "
	  "XCOMP_BV or reserved header bytes not 0, reserved MXCSR bits) or a NULL argument" },
	{ "vmctl_vcpu_set_xsave", -EBUSY, BUSY },
	{ "vmctl_vcpu_set_xsave", -EIO, OWNER },
	{ "vmctl_vcpu_save_state", -EINVAL, NULLARG },
	{ "vmctl_vcpu_save_state", -EBUSY, BUSY },
	{ "vmctl_vcpu_save_state", -ENOMEM, "out of memory" },
	{ "vmctl_vcpu_save_state", -EIO, OWNER },
	{ "vmctl_vcpu_restore_state", -EINVAL, "the module refuses the state blob (magic, sizes, "
	  "reserved bits, values, or a state that would fail VM entry) or a NULL argument" },
	{ "vmctl_vcpu_restore_state", -EPROTO, "the state blob has a version this module does not read" },
	{ "vmctl_vcpu_restore_state", -E2BIG, "the state blob is larger than VMCTL_STATE_MAX_SIZE" },
	{ "vmctl_vcpu_restore_state", -EOPNOTSUPP, "the state blob has a component this module "
	  "does not know (VMCTL_STATE_IGNORE_UNKNOWN skips such)" },
	{ "vmctl_vcpu_restore_state", -EBUSY, BUSY },
	{ "vmctl_vcpu_restore_state", -EIO, OWNER },
	{ "vmctl_vcpu_save_state_file", -EINVAL, NULLARG },
	{ "vmctl_vcpu_save_state_file", -EBUSY, BUSY },
	{ "vmctl_vcpu_save_state_file", -ENOMEM, "out of memory" },
	{ "vmctl_vcpu_save_state_file", -EIO, "the module refused (not the VM's creator) or the "
	  "write failed" },
	{ "vmctl_vcpu_save_state_file", -ENOENT, "no such directory" },
	{ "vmctl_vcpu_save_state_file", -EACCES, "permission denied" },
	{ "vmctl_vcpu_save_state_file", -EISDIR, "the path is a directory" },
	{ "vmctl_vcpu_save_state_file", -ENOSPC, "no space left on the device" },
	{ "vmctl_vcpu_restore_state_file", -EINVAL, "the module refuses the state in the file "
	  "(not a blob, sizes, values, or a state that would fail VM entry) or a NULL argument" },
	{ "vmctl_vcpu_restore_state_file", -EPROTO, "the file's blob has a version this module "
	  "does not read" },
	{ "vmctl_vcpu_restore_state_file", -E2BIG, "the file is larger than a state blob can be" },
	{ "vmctl_vcpu_restore_state_file", -EOPNOTSUPP, "the file's blob has a component this "
	  "module does not know" },
	{ "vmctl_vcpu_restore_state_file", -EBUSY, BUSY },
	{ "vmctl_vcpu_restore_state_file", -EIO, "the module refused (not the VM's creator) or "
	  "reading failed" },
	{ "vmctl_vcpu_restore_state_file", -ENOMEM, "out of memory" },
	{ "vmctl_vcpu_restore_state_file", -ENOENT, "no such file" },
	{ "vmctl_vcpu_restore_state_file", -EACCES, "permission denied" },
	{ "vmctl_vcpu_dump", -EINVAL, NULLARG " or size 0" },
	{ "vmctl_vcpu_dump", -EBUSY, BUSY },
	{ "vmctl_vcpu_dump", -EIO, OWNER },
	{ "vmctl_vcpu_get_vmcs_dump", -EINVAL, NULLARG },
	{ "vmctl_vcpu_get_vmcs_dump", -EBUSY, BUSY },
	{ "vmctl_vcpu_get_vmcs_dump", -EOPNOTSUPP, "the vmctl module has no VMCS dump (too old)" },
	{ "vmctl_vcpu_get_vmcs_dump", -EIO, OWNER },
	{ "vmctl_vcpu_run_loop", -EINVAL, "the vCPU was shut down (triple fault), or a NULL argument" },
	{ "vmctl_vcpu_run_loop", -EINTR, "interrupted by a signal or vmctl_vcpu_request_exit()" },
	{ "vmctl_vcpu_run_loop", -EBUSY, "the vCPU is running in another thread" },
	{ "vmctl_vcpu_run_loop", -ESHUTDOWN, REBOOTING },
	{ "vmctl_vcpu_run_loop", -EIO, OWNER },

	/* Events */
	{ "vmctl_vcpu_interrupt", -EINVAL, "vector above 255, or a NULL handle" },
	{ "vmctl_vcpu_interrupt", -EEXIST, "an interrupt is already queued and not delivered yet" },
	{ "vmctl_vcpu_interrupt", -EIO, OWNER },
	{ "vmctl_vcpu_set_hlt_mode", -EINVAL, "unknown HLT mode, or a NULL handle" },
	{ "vmctl_vcpu_set_hlt_mode", -EBUSY, BUSY },
	{ "vmctl_vcpu_set_hlt_mode", -EIO, OWNER },

	/* Single registers */
	{ "vmctl_vcpu_get_reg", -EINVAL, "unknown register, or a NULL argument" },
	{ "vmctl_vcpu_get_reg", -EBUSY, BUSY },
	{ "vmctl_vcpu_get_reg", -EIO, OWNER },
	{ "vmctl_vcpu_set_reg", -EINVAL, "unknown register, or a value the module refuses "
	  "(reserved bits, an inconsistent CR0/CR4/EFER)" },
	{ "vmctl_vcpu_set_reg", -EBUSY, BUSY },
	{ "vmctl_vcpu_set_reg", -EIO, OWNER },

	/* Small programs and tests */
	{ "vmctl_vm_create_simple", -ENOENT, "the vmctl module is not loaded "
	  "(modprobe vmctl; it refuses to load without VT-x: see dmesg)" },
	{ "vmctl_vm_create_simple", -EACCES, "permission denied (" VMCTL_DEFAULT_DEVICE " is root only)" },
	{ "vmctl_vm_create_simple", -ENODEV, "cannot open " VMCTL_DEFAULT_DEVICE
	  " (no driver behind it: was the module unloaded?)" },
	{ "vmctl_vm_create_simple", -ENOTTY, VMCTL_DEFAULT_DEVICE " is not a vmctl device" },
	{ "vmctl_vm_create_simple", -EPROTO, "the vmctl module speaks another API version than this library" },
	{ "vmctl_vm_create_simple", -EBUSY, "another hypervisor holds VT-x (e.g. kvm_intel): see dmesg" },
	{ "vmctl_vm_create_simple", -EINVAL, "invalid memory size (0, not a multiple of 4096, or too "
	  "large for one slot) or a NULL argument" },
	{ "vmctl_vm_create_simple", -ENOMEM, "out of memory" },
	{ "vmctl_vm_create_simple", -EMFILE, "too many open files" },

	/* Guest paging */
	{ "vmctl_vcpu_translate", -ENOENT, "the address is not mapped (an entry is not present)" },
	{ "vmctl_vcpu_translate", -EFAULT, "a page table of the guest is not in its memory" },
	{ "vmctl_vcpu_translate", -ERANGE, "the address is not canonical, or above 4 GiB "
	  "outside long mode" },
	{ "vmctl_vcpu_translate", -ENOTSUP, "5-level paging is not supported" },
	{ "vmctl_vcpu_translate", -EINVAL, NULLARG },
	{ "vmctl_vcpu_translate", -EBUSY, BUSY },
	{ "vmctl_vcpu_translate", -EIO, OWNER },

	/* ELF images */
	{ "vmctl_vm_load_elf_image", -ENOEXEC, "not an ELF executable for x86 that libvmctl loads "
	  "(or a malformed one)" },
	{ "vmctl_vm_load_elf_image", -ERANGE, "a segment is not within one slot of guest memory" },
	{ "vmctl_vm_load_elf_image", -EINVAL, NULLARG },
	{ "vmctl_vm_load_elf", -ENOEXEC, "not an ELF executable for x86 that libvmctl loads "
	  "(or a malformed, empty or not regular file)" },
	{ "vmctl_vm_load_elf", -ERANGE, "a segment is not within one slot of guest memory" },
	{ "vmctl_vm_load_elf", -EINVAL, NULLARG },
	{ "vmctl_vm_load_elf", -ENOENT, "no such image file" },
	{ "vmctl_vm_load_elf", -EACCES, "permission denied reading the image" },
	{ "vmctl_vm_load_elf", -EISDIR, "the image is a directory" },
	{ "vmctl_vm_load_elf", -EMFILE, "too many open files" },
	{ "vmctl_vm_load_elf", -ENOMEM, "out of memory reading the image" },
	{ "vmctl_vm_load_elf", -EIO, "cannot read the image" },

	/* Guest-to-host calls */
	{ "vmctl_ucall_get", -EINVAL, NULLARG },
	{ "vmctl_ucall_get", -EBUSY, BUSY },
	{ "vmctl_ucall_get", -EIO, OWNER },

	/* CPUID */
	{ "vmctl_sys_get_supported_cpuid", -EINVAL, NULLARG },
	{ "vmctl_sys_get_supported_cpuid", -ENOTSUP, NO_CPUID },
	{ "vmctl_cpuid_default", -EINVAL, NULLARG },
	{ "vmctl_cpuid_default", -ENOTSUP, NO_CPUID },
	{ "vmctl_cpuid_set_entry", -EINVAL, "invalid entry (unknown flags, nonzero padding, an "
	  "index without VMCTL_CPUID_FLAG_SIGNIFICANT_INDEX, or its function has entries "
	  "with the other flag) or argument" },
	{ "vmctl_cpuid_set_entry", -ENOSPC, "the CPUID table is full" },
	{ "vmctl_vcpu_set_cpuid", -EINVAL, "the kernel refuses the CPUID table (unknown flags, "
	  "nonzero padding, an index without VMCTL_CPUID_FLAG_SIGNIFICANT_INDEX, or one "
	  "function with and without it) or a NULL argument" },
	{ "vmctl_vcpu_set_cpuid", -EEXIST, "two CPUID entries for the same function and index" },
	{ "vmctl_vcpu_set_cpuid", -E2BIG, "more CPUID entries than VMCTL_CPUID_MAX_ENTRIES" },
	{ "vmctl_vcpu_set_cpuid", -ENOMEM, "out of memory" },
	{ "vmctl_vcpu_set_cpuid", -EBUSY, BUSY },
	{ "vmctl_vcpu_set_cpuid", -EIO, OWNER },
	{ "vmctl_vcpu_set_cpuid", -ENOTSUP, NO_CPUID },
	{ "vmctl_vcpu_get_cpuid", -EINVAL, NULLARG },
	{ "vmctl_vcpu_get_cpuid", -ENOENT, "no CPUID table was set on this vCPU" },
	{ "vmctl_vcpu_get_cpuid", -EBUSY, BUSY },
	{ "vmctl_vcpu_get_cpuid", -EIO, OWNER },
	{ "vmctl_vcpu_get_cpuid", -ENOTSUP, NO_CPUID },
	/* Linux kernels */
	{ "vmctl_linux_load_image", -EINVAL, NULLARG },
	{ "vmctl_linux_load_image", -ENOEXEC, "not a 64-bit bzImage this loader boots" },
	{ "vmctl_linux_load_image", -ERANGE, "the kernel does not fit in guest memory" },
	{ "vmctl_linux_load_image", -ENOSPC, "the initrd does not fit in guest memory above the kernel" },
	{ "vmctl_linux_load_image", -E2BIG, "the command line is longer than the kernel accepts" },
	{ "vmctl_vcpu_setup_linux", -EINVAL, "no kernel loaded, or a NULL argument" },
	{ "vmctl_vcpu_setup_linux", -EFAULT, "the page tables do not fit in guest memory" },
	{ "vmctl_vcpu_setup_linux", -EBUSY, BUSY },
	{ "vmctl_vcpu_setup_linux", -EIO, OWNER },
	{ "vmctl_linux_read_files", -EINVAL, NULLARG },
	{ "vmctl_linux_read_files", -ENOENT, "no such file" },
	{ "vmctl_linux_read_files", -EACCES, "permission denied" },
	{ "vmctl_linux_read_files", -EISDIR, "a directory, not a file" },
	{ "vmctl_linux_read_files", -ENOEXEC, "empty, or not a regular file" },
	{ "vmctl_linux_read_files", -EMFILE, "too many open files" },
	{ "vmctl_linux_read_files", -ENOMEM, "out of memory" },
	{ "vmctl_linux_read_files", -EIO, "cannot read the file" },
};
const unsigned int err_nmsgs = sizeof(err_msgs) / sizeof(err_msgs[0]);

VMCTL_EXPORT const char *vmctl_strerror(int err)
{
	/* Only what means one thing whichever call returned it. */
	if (err == -EPROTO)
		return "the vmctl module speaks another API version than this library";
	if (err == -ESHUTDOWN)
		return REBOOTING;
	return strerror(-err);
}

VMCTL_EXPORT const char *vmctl_strerror_call(const char *func, int err)
{
	unsigned int i;

	for (i = 0; func && i < err_nmsgs; i++)
		if (err_msgs[i].err == err && strcmp(err_msgs[i].func, func) == 0)
			return err_msgs[i].msg;
	return vmctl_strerror(err);
}
