// SPDX-License-Identifier: GPL-2.0
/* vmctl run --kernel: a Linux bzImage on libvmctl's PC devices. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <vmctl/devices.h>

#include "vmctl.h"

/*
 * Each option, and why (the machine is a PC with a PIC pair, a PIT, an RTC
 * and COM1, nothing else; see LINUX-GUEST.md):
 *   console=ttyS0       the console is COM1, the only output device
 *   earlyprintk=serial  messages from before the 8250 driver binds too
 *   nolapic noapic      no local APIC or I/O APIC yet: the PIC delivers
 *   acpi=off            no ACPI tables: do not look for them
 *   pci=off             no PCI host bridge: do not probe 0xcf8/0xcfc
 *   nokaslr             the kernel stays where it was loaded (reproducible
 *                       addresses in oopses and exit traces)
 *   tsc=reliable        no clocksource watchdog against the PIT
 *   io_delay=none       outb_p() without the extra port-0x80 write (an
 *                       exit each)
 *   reboot=k            reboot through the keyboard controller (0xfe to
 *                       0x64), which vmctl sees as a clean reset; the
 *                       default's triple fault would look like a crash
 *   panic=-1            reboot at once on a panic, not spin for ever
 * The TSC's frequency comes from CPUID 0x15/0x16 (no tsc_early_khz=), so
 * Linux skips its PIT calibration, tens of thousands of exits.
 */
const char default_kernel_cmdline[] = "console=ttyS0 earlyprintk=serial nolapic noapic "
	"acpi=off pci=off nokaslr tsc=reliable io_delay=none reboot=k panic=-1";

/*
 * Creates the VM and fills *cpuid with the library's default table: a
 * vCPU without a table sees the host's CPUID, MONITOR/MWAIT included
 * (Linux then idles in MWAIT, which vmctl does not emulate) and no TSC
 * frequency (Linux then calibrates against the PIT, a flood of exits).
 */
static int open_vm(const char *prog, struct vmctl_vm **vm, struct vmctl_cpuid_table *cpuid)
{
	struct vmctl_sys *sys;
	int err = vmctl_sys_open(&sys);

	if (err) {
		fprintf(stderr, "%s: cannot open %s: %s\n", prog, VMCTL_DEFAULT_DEVICE,
			vmctl_strerror_call("vmctl_sys_open", err));
		return err;
	}
	err = vmctl_cpuid_default(sys, cpuid);
	if (err) {
		fprintf(stderr, "%s: cannot get the default CPUID table: %s\n", prog,
			vmctl_strerror_call("vmctl_cpuid_default", err));
		vmctl_sys_close(sys);
		return err;
	}
	err = vmctl_vm_create(sys, vm);
	vmctl_sys_close(sys);
	if (err)
		fprintf(stderr, "%s: cannot create a VM: %s\n", prog,
			vmctl_strerror_call("vmctl_vm_create", err));
	return err;
}

/*
 * The board's inject hook: the INTA cycle and injection only when the
 * guest can take the interrupt now, so that the PIC's priorities decide
 * at the moment of delivery, as on a PC; else an interrupt window, whose
 * exit brings us back here.
 */
static int inject_interrupt(struct vmctl_vcpu *vcpu, struct vmctl_irq *irq, void *opaque)
{
	int err;

	(void)opaque;
	if (!vmctl_vcpu_ready_for_interrupt(vcpu)) {
		vmctl_vcpu_request_irq_window(vcpu, true);
		return 0;
	}
	err = vmctl_vcpu_interrupt(vcpu, vmctl_irq_acknowledge(irq));
	if (err)
		fprintf(stderr, "vmctl: cannot inject an interrupt: %s\n",
			vmctl_strerror_call("vmctl_vcpu_interrupt", err));
	return err;
}

/*
 * One line on out: the exits of this process's newest VM by reason, for
 * vmctl run -v at the end of a run (what a boot cost, without a second
 * terminal for vmctl stats).  Quiet when statistics cannot be read.
 */
static void print_own_exits(const char *prog, FILE *out)
{
	struct vmctl_vm_list *list = NULL;
	struct vmctl_stats *stats;
	struct vmctl_vm_stats *s;
	uint32_t id = 0;
	bool found = false;
	unsigned int r;
	size_t i;

	if (vmctl_stats_open(&stats))
		return;
	if (vmctl_stats_list_vms(stats, &list))
		goto out;
	for (i = 0; i < list->count; i++) {
		if (list->vms[i].pid == (uint32_t)getpid()) {
			id = list->vms[i].id;
			found = true;
		}
	}
	free(list);
	if (!found || vmctl_stats_read_vm(stats, id, &s))
		goto out;
	fprintf(out, "%s: exits %" PRIu64 ":", prog, s->vm.counters[VMCTL_STAT_EXITS]);
	for (r = 0; r < VMCTL_STATS_MAX_REASONS; r++) {
		const char *name = vmctl_stats_exit_reason_name(stats, r);

		if (!s->vm.exit_reasons[r])
			continue;
		if (name)
			fprintf(out, " %s %" PRIu64, name, s->vm.exit_reasons[r]);
		else
			fprintf(out, " reason-%u %" PRIu64, r, s->vm.exit_reasons[r]);
	}
	fprintf(out, "\n");
	free(s);
out:
	vmctl_stats_close(stats);
}

static double seconds_since(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - start->tv_sec) + (now.tv_nsec - start->tv_nsec) / 1e9;
}

/* What the run cost the host: wall time, CPU time (all threads), exits. */
static void print_run_cost(const char *prog, const struct timespec *start)
{
	struct rusage ru;
	double wall = seconds_since(start), cpu = 0;

	if (getrusage(RUSAGE_SELF, &ru) == 0)
		cpu = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
		      ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
	fprintf(stderr, "%s: ran %.3f s, host CPU %.3f s (%.1f%% of one CPU)\n", prog, wall,
		cpu, wall > 0 ? 100 * cpu / wall : 0);
	print_own_exits(prog, stderr);
}

static int stop_status(const char *prog, enum vmctl_pc_stop stop, const struct vmctl_exit *exit,
		       bool verbose)
{
	switch (stop) {
	case VMCTL_PC_HALTED:
		if (verbose)
			fprintf(stderr, "%s: the guest halted (power off)\n", prog);
		return STATUS_OK;
	case VMCTL_PC_RESET:
		if (verbose)
			fprintf(stderr, "%s: the guest reset the machine (reboot)\n", prog);
		return STATUS_OK;
	case VMCTL_PC_QUIT:
		fprintf(stderr, "\r\n%s: quit (Ctrl-A x)\n", prog);
		return STATUS_OK;
	case VMCTL_PC_NO_INJECT:
		fprintf(stderr, "%s: the guest waits for an interrupt, and this vmctl cannot "
			"inject one (no event injection in the module yet)\n", prog);
		return STATUS_GUEST_ERROR;
	default:
		fprintf(stderr, "%s: %s\n", prog, exit->message);
		switch (exit->reason) {
		case VMCTL_EXIT_SHUTDOWN:	return STATUS_SHUTDOWN;
		case VMCTL_EXIT_FAIL_ENTRY:	return STATUS_FAIL_ENTRY;
		default:			return STATUS_GUEST_ERROR;
		}
	}
}

int run_linux(const char *prog, const struct run_opts *o)
{
	struct vmctl_linux_boot boot = { 0 };
	struct vmctl_cpuid_table *cpuid;
	struct timespec start;
	int err, status = STATUS_FAILURE;
	struct vmctl_vcpu *vcpu;
	enum vmctl_pc_stop stop;
	struct vmctl_exit exit;
	struct vmctl_vm *vm;
	struct vmctl_pc *pc;
	char *cmdline;
	void *mem;

	/* Everything the user gave is checked before /dev/vmctl is opened. */
	err = vmctl_linux_read_files(o->kernel, o->initrd, &boot);
	if (err) {
		fprintf(stderr, "%s: cannot read %s\n", prog, boot.message);
		return STATUS_FAILURE;
	}
	if (asprintf(&cmdline, "%s%s%s", default_kernel_cmdline, o->append ? " " : "",
		     o->append ? o->append : "") < 0) {
		fprintf(stderr, "%s: out of memory\n", prog);
		goto out_files;
	}
	boot.cmdline = cmdline;
	err = vmctl_linux_load_image(NULL, o->mem, &boot);
	if (err) {
		fprintf(stderr, "%s: cannot boot %s%s%s with --mem %" PRIu64 "M: %s\n", prog,
			o->kernel, o->initrd ? " and " : "", o->initrd ? o->initrd : "",
			o->mem >> 20, boot.message);
		goto out_cmdline;
	}

	cpuid = malloc(sizeof(*cpuid));
	if (!cpuid) {
		fprintf(stderr, "%s: out of memory\n", prog);
		goto out_cmdline;
	}
	if (open_vm(prog, &vm, cpuid))
		goto out_cpuid;
	if (o->name && (err = vmctl_vm_set_name(vm, o->name))) {
		fprintf(stderr, "%s: cannot name the VM '%s': %s\n", prog, o->name,
			vmctl_strerror_call("vmctl_vm_set_name", err));
		goto out_vm;
	}
	err = vmctl_vm_mem_add(vm, 0, o->mem, 0, &mem);
	if (err < 0) {
		fprintf(stderr, "%s: cannot add %" PRIu64 " bytes of guest memory: %s\n", prog,
			o->mem, vmctl_strerror_call("vmctl_vm_mem_add", err));
		goto out_vm;
	}
	err = vmctl_linux_load_image(mem, o->mem, &boot);
	if (!err)
		err = vmctl_vcpu_create(vm, 0, &vcpu);
	if (!err)
		err = vmctl_vcpu_setup_linux(vcpu, &boot);
	if (!err) {
		err = vmctl_vcpu_set_cpuid(vcpu, cpuid);
		if (err)
			snprintf(boot.message, sizeof(boot.message), "CPUID table:");
	}
	if (err) {
		fprintf(stderr, "%s: cannot set up the guest: %s %s\n", prog, boot.message,
			vmctl_strerror(err));
		goto out_vm;
	}
	if (o->verbose)
		fprintf(stderr, "%s: boot protocol %u.%02u, kernel at 0x%" PRIx64 ", initrd at 0x%"
			PRIx64 ", command line: %s\n", prog, boot.protocol >> 8,
			boot.protocol & 0xff, boot.kernel_gpa, boot.initrd_gpa, cmdline);
	err = vmctl_pc_create(vm, vcpu, STDIN_FILENO, STDOUT_FILENO, &pc);
	if (err) {
		fprintf(stderr, "%s: cannot set up the devices: %s\n", prog, vmctl_strerror(err));
		goto out_vm;
	}
	vmctl_pc_set_inject(pc, inject_interrupt, NULL);
	clock_gettime(CLOCK_MONOTONIC, &start);
	err = vmctl_pc_run(pc, &exit, &stop);
	vmctl_pc_destroy(pc);
	if (o->verbose)
		print_run_cost(prog, &start);
	if (err)
		fprintf(stderr, "%s: run failed: %s\n", prog,
			vmctl_strerror_call("vmctl_vcpu_run_loop", err));
	else
		status = stop_status(prog, stop, &exit, o->verbose);
out_vm:
	vmctl_vm_destroy(vm);
out_cpuid:
	free(cpuid);
out_cmdline:
	free(cmdline);
out_files:
	vmctl_linux_free_files(&boot);
	return status;
}
