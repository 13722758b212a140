// SPDX-License-Identifier: GPL-2.0
/* vmctl: run flat binaries as guests of vmctl.ko, show what the module offers. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vmctl.h"

static const char *prog = "vmctl";

static void usage(FILE *f)
{
	fprintf(f,
"usage: %s COMMAND [OPTIONS]\n"
"\n"
"Commands:\n"
"  run --flat FILE [OPTIONS]  run a flat binary image as a guest\n"
"  run --kernel BZIMAGE [--initrd FILE] [--append CMDLINE] [--mem SIZE]\n"
"                             boot a Linux kernel on a PC without a LAPIC\n"
"  info [--json]              show the module's versions, capabilities, limits, usage\n"
"  list [--json]              one line per VM (root sees every user's VMs)\n"
"  stats [OPTIONS] VM         a VM's counters and exits by reason (--help)\n"
"  cpuid [--json]             the CPUID table a vCPU gets by default\n"
"  help                       show this text\n"
"\n"
"Options of run:\n"
"  --flat FILE         the image, copied byte for byte into guest memory\n"
"  --mem SIZE          guest memory at guest-physical 0 (default 16M; K, M, G)\n"
"  --load-addr GPA     where the image goes (default 0x1000)\n"
"  --mode real|long    real mode (default) or 64-bit mode\n"
"  --entry ADDR        where the vCPU starts (default: the load address)\n"
"  --entry SEG:OFF     real mode: start at SEG:OFF with CS, DS, ES, FS, GS\n"
"                      and SS all SEG (base SEG * 16), IP = OFF\n"
"  --verbose, -v       say why the guest stopped even when it stopped cleanly\n"
"  --name NAME         the VM's name in vmctl list, vmctl stats and vmtop\n"
"\n"
"Options of run --kernel (a bzImage, 64-bit boot protocol 2.12 or newer):\n"
"  --kernel BZIMAGE    the kernel, placed at the address its header prefers\n"
"  --initrd FILE       an initramfs, placed at the top of guest memory\n"
"  --append CMDLINE    added to the default command line:\n"
"                      %s\n"
"  --mem SIZE          guest RAM (default 256M)\n"
"The guest's COM1 is the terminal (raw mode; Ctrl-A x quits) or stdin and\n"
"stdout.  A bad image, a --mem too small for the kernel (its init_size) or\n"
"an initrd that does not fit is refused before /dev/vmctl is opened.  Exit\n"
"status 0 when the guest powers off, halts or reboots (reboot=k).\n"
"\n"
"Real mode with --entry ADDR: CS, DS, ES, FS, GS and SS = load address / 16,\n"
"IP = ADDR - load address.  SP = 0 (the stack grows down from the top of the\n"
"64 KiB stack segment).\n"
"Long mode: guest memory is identity-mapped; page tables and a GDT occupy the\n"
"top pages of guest memory and the stack grows down below them.\n"
"\n"
"Devices: COM1 at port 0x3f8 (transmit only; output goes to stdout) and a\n"
"debug-exit port at 0xf4.  Other ports read as 0xff.. and ignore writes.\n"
"\n"
"Exit status of run:\n"
"  V & 0xff  the guest wrote V to port 0xf4 (any width; unlike QEMU's\n"
"            isa-debug-exit there is no (V << 1) | 1, so 0 means success)\n"
"  0         the guest executed HLT\n"
"  1         vmctl failed (no /dev/vmctl, bad image, ...)\n"
"  2         usage error\n"
"  3         the guest triple-faulted (shutdown)\n"
"  4         VM entry failed (invalid guest state); the reason is printed\n"
"  5         internal error or an exit vmctl does not handle\n"
"A guest's own status may equal 1-5: stderr tells which it was.\n",
		prog, default_kernel_cmdline);
}

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "%s: ", prog);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry '%s --help' for more information.\n", prog);
	return STATUS_USAGE;
}

static int open_sys(struct vmctl_sys **sys)
{
	int err = vmctl_sys_open(sys);

	if (err)
		fprintf(stderr, "%s: cannot open %s: %s\n", prog, VMCTL_DEFAULT_DEVICE,
			vmctl_strerror_call("vmctl_sys_open", err));
	return err;
}

/* A line of a file such as /sys/module/vmctl/version, or "unknown". */
static void read_sys_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");

	if (!f || !fgets(buf, len, f))
		snprintf(buf, len, "unknown");
	else
		buf[strcspn(buf, "\n")] = '\0';
	if (f)
		fclose(f);
}

struct info {
	int version;
	struct vmctl_caps caps;
	struct vmctl_usage usage;
	char module_version[64], srcversion[64];
};

static void print_info_text(const struct info *in)
{
	const struct vmctl_caps *caps = &in->caps;
	const struct vmctl_usage *usage = &in->usage;
	uint64_t unknown = 0;
	int bit;

	printf("api version:      %d (library %d, built for API %d)\n", in->version,
	       vmctl_lib_version(), VMCTL_API_VERSION);
	printf("module version:   %s (srcversion %s)\n", in->module_version, in->srcversion);
	printf("backend:          %s (%u), VMCS revision 0x%x\n",
	       caps->backend_name[0] ? caps->backend_name : "?", caps->backend,
	       caps->vmcs_revision);
	printf("features:        ");
	for (bit = 0; bit < 64; bit++) {
		uint64_t b = 1ULL << bit;

		if (!(caps->features & b))
			continue;
		if (vmctl_cap_name(b))
			printf(" %s", vmctl_cap_name(b));
		else
			unknown |= b;
	}
	if (unknown)
		printf(" unknown:0x%" PRIx64, unknown);
	if (!caps->features)
		printf(" (none)");
	printf("\n");
	printf("max vcpus:        %u per VM\n", caps->max_vcpus);
	printf("max slots:        %u per VM, %" PRIu64 " MiB each\n", caps->max_slots,
	       (uint64_t)caps->max_slot_size >> 20);
	printf("guest phys bits:  %u\n", caps->guest_phys_bits);
	printf("usage:            %u VMs, %u vCPUs, %" PRIu64 " kernel pages, %" PRIu64
	       " pinned pages, %" PRIu64 " kernel bytes, VMX on %u CPUs\n",
	       usage->vms, usage->vcpus, (uint64_t)usage->kernel_pages,
	       (uint64_t)usage->pinned_pages, (uint64_t)usage->kernel_bytes,
	       usage->vmx_enabled_cpus);
}

/* The same as one JSON object; names are the text's, in snake case. */
static void print_info_json(const struct info *in)
{
	const struct vmctl_caps *caps = &in->caps;
	const struct vmctl_usage *usage = &in->usage;
	uint64_t unknown = 0;
	bool first = true;
	int bit;

	printf("{\"api_version\": %d, \"library_version\": %d, \"library_api_version\": %d, "
	       "\"module_version\": \"%s\", \"srcversion\": \"%s\", ", in->version,
	       vmctl_lib_version(), VMCTL_API_VERSION, in->module_version, in->srcversion);
	printf("\"backend\": {\"name\": \"%s\", \"id\": %u, \"vmcs_revision\": %u}, ",
	       caps->backend_name, caps->backend, caps->vmcs_revision);
	printf("\"features\": [");
	for (bit = 0; bit < 64; bit++) {
		uint64_t b = 1ULL << bit;

		if (!(caps->features & b))
			continue;
		if (!vmctl_cap_name(b)) {
			unknown |= b;
			continue;
		}
		printf("%s\"%s\"", first ? "" : ", ", vmctl_cap_name(b));
		first = false;
	}
	printf("], \"features_raw\": %" PRIu64 ", \"features_unknown\": %" PRIu64 ", ",
	       (uint64_t)caps->features, unknown);
	printf("\"limits\": {\"max_vcpus\": %u, \"max_slots\": %u, \"max_slot_size\": %" PRIu64
	       ", \"guest_phys_bits\": %u}, ", caps->max_vcpus, caps->max_slots,
	       (uint64_t)caps->max_slot_size, caps->guest_phys_bits);
	printf("\"usage\": {\"vms\": %u, \"vcpus\": %u, \"kernel_pages\": %" PRIu64
	       ", \"pinned_pages\": %" PRIu64 ", \"kernel_bytes\": %" PRIu64
	       ", \"vmx_enabled_cpus\": %u}}\n", usage->vms, usage->vcpus,
	       (uint64_t)usage->kernel_pages, (uint64_t)usage->pinned_pages,
	       (uint64_t)usage->kernel_bytes, usage->vmx_enabled_cpus);
}

static int cmd_info(int argc, char **argv)
{
	struct vmctl_sys *sys;
	struct info in;
	bool json = false;
	int err, i;

	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			printf("usage: %s info [--json]\nShows the module's API version, "
			       "module version, backend, capabilities,\nlimits and resource "
			       "usage; --json as one JSON object.\n", prog);
			return STATUS_OK;
		}
		if (strcmp(argv[i], "--json") != 0)
			return usage_error("info: unexpected argument '%s'", argv[i]);
		json = true;
	}
	if (open_sys(&sys))
		return STATUS_FAILURE;
	in.version = vmctl_sys_api_version(sys);
	err = in.version < 0 ? in.version : vmctl_sys_get_caps(sys, &in.caps);
	if (!err)
		err = vmctl_sys_get_usage(sys, &in.usage);
	vmctl_sys_close(sys);
	if (err) {
		fprintf(stderr, "%s: cannot query the module: %s\n", prog, vmctl_strerror(err));
		return STATUS_FAILURE;
	}
	in.caps.backend_name[sizeof(in.caps.backend_name) - 1] = '\0';
	read_sys_line("/sys/module/vmctl/version", in.module_version, sizeof(in.module_version));
	read_sys_line("/sys/module/vmctl/srcversion", in.srcversion, sizeof(in.srcversion));
	if (json)
		print_info_json(&in);
	else
		print_info_text(&in);
	return STATUS_OK;
}

/* Ports nobody models: warn once each (a few), then let the guest go on. */
static void warn_unhandled(const struct vmctl_exit *exit)
{
	static uint16_t warned[16];
	static unsigned int nwarned;
	unsigned int i;

	for (i = 0; i < nwarned; i++)
		if (warned[i] == exit->io.port)
			return;
	if (nwarned == sizeof(warned) / sizeof(warned[0]))
		return;
	warned[nwarned++] = exit->io.port;
	fprintf(stderr, "%s: ignoring guest I/O: %s\n", prog, exit->message);
}

static int setup_vcpu(struct vmctl_vm *vm, struct vmctl_vcpu *vcpu,
		      const struct run_opts *o, long image_size)
{
	char err[256];
	int ret;

	if (o->mode == MODE_REAL) {
		uint16_t cs, ip;

		if (real_mode_entry(o, &cs, &ip, err, sizeof(err))) {
			fprintf(stderr, "%s: %s\n", prog, err);
			return -EINVAL;
		}
		ret = vmctl_vcpu_setup_real_mode(vcpu, cs, ip, 0);
	} else {
		struct vmctl_long_mode lm = {
			.map_size = o->mem,
			.entry = o->entry_set ? o->entry : o->load_addr,
		};
		uint64_t tables = vmctl_long_mode_tables_size(o->mem);

		lm.tables_gpa = (o->mem - tables) & ~0xfffULL;
		lm.stack = lm.tables_gpa;
		if (tables == 0 || tables >= o->mem ||
		    o->load_addr + image_size > lm.tables_gpa) {
			fprintf(stderr, "%s: --mem %" PRIu64 " leaves no room for the image "
				"and the page tables (%" PRIu64 " bytes at the top)\n",
				prog, o->mem, tables);
			return -ENOSPC;
		}
		ret = vmctl_vcpu_setup_long_mode(vcpu, &lm);
	}
	(void)vm;
	if (ret)
		fprintf(stderr, "%s: cannot set up the vCPU: %s\n", prog,
			vmctl_strerror_call(o->mode == MODE_LONG ? "vmctl_vcpu_setup_long_mode" :
					    "vmctl_vcpu_setup_real_mode", ret));
	return ret;
}

static int run_guest(struct vmctl_vcpu *vcpu, struct debug_exit *dexit, bool verbose)
{
	struct vmctl_exit exit;
	struct vmctl_regs regs;
	int err;

	for (;;) {
		err = vmctl_vcpu_run_loop(vcpu, &exit);
		if (dexit->exited) {
			if (verbose)
				fprintf(stderr, "%s: guest wrote 0x%x to the debug-exit port\n",
					prog, dexit->status);
			return dexit->status;
		}
		if (err == -EINTR)
			continue;	/* a signal we do not act on */
		if (err) {
			fprintf(stderr, "%s: run failed: %s\n", prog,
				vmctl_strerror_call("vmctl_vcpu_run_loop", err));
			return STATUS_FAILURE;
		}
		if (exit.reason == LIBVMCTL_EXIT_UNHANDLED_IO) {
			warn_unhandled(&exit);
			continue;
		}
		if (exit.reason == VMCTL_EXIT_HLT) {
			if (verbose)
				fprintf(stderr, "%s: %s\n", prog, exit.message);
			return STATUS_OK;
		}
		break;
	}

	fprintf(stderr, "%s: %s", prog, exit.message);
	if (vmctl_vcpu_get_regs(vcpu, &regs) == 0)
		fprintf(stderr, " (RIP 0x%llx)", (unsigned long long)regs.rip);
	fprintf(stderr, "\n");
	print_guest_dump(prog, vcpu, &exit);
	switch (exit.reason) {
	case VMCTL_EXIT_SHUTDOWN:	return STATUS_SHUTDOWN;
	case VMCTL_EXIT_FAIL_ENTRY:	return STATUS_FAIL_ENTRY;
	default:			return STATUS_GUEST_ERROR;
	}
}

static int cmd_run(int argc, char **argv)
{
	struct serial com1 = { .out = stdout };
	struct debug_exit dexit = { 0 };
	struct vmctl_vcpu *vcpu;
	struct vmctl_sys *sys;
	struct vmctl_vm *vm;
	struct run_opts o;
	int ret, status = STATUS_FAILURE;
	char err[256];
	long size;

	ret = parse_run_opts(argc, argv, &o, err, sizeof(err));
	if (ret == 1) {
		usage(stdout);
		return STATUS_OK;
	}
	if (ret < 0)
		return usage_error("run: %s", err);
	if (o.kernel)
		return run_linux(prog, &o);

	/*
	 * The user's own arguments first: a missing image is named even on a
	 * machine where the module is not loaded.
	 */
	if (access(o.flat, R_OK)) {
		fprintf(stderr, "%s: cannot load %s: %s\n", prog, o.flat, strerror(errno));
		return STATUS_FAILURE;
	}
	if (open_sys(&sys))
		return STATUS_FAILURE;
	ret = vmctl_vm_create(sys, &vm);
	vmctl_sys_close(sys);
	if (ret) {
		fprintf(stderr, "%s: cannot create a VM: %s\n", prog,
			vmctl_strerror_call("vmctl_vm_create", ret));
		return STATUS_FAILURE;
	}
	if (o.name && (ret = vmctl_vm_set_name(vm, o.name))) {
		fprintf(stderr, "%s: cannot name the VM '%s': %s\n", prog, o.name,
			vmctl_strerror_call("vmctl_vm_set_name", ret));
		goto out_vm;
	}
	ret = vmctl_vm_mem_add(vm, 0, o.mem, 0, NULL);
	if (ret < 0) {
		fprintf(stderr, "%s: cannot add %" PRIu64 " bytes of guest memory: %s\n",
			prog, o.mem, vmctl_strerror_call("vmctl_vm_mem_add", ret));
		goto out_vm;
	}
	size = vmctl_vm_load_flat(vm, o.flat, o.load_addr);
	if (size < 0) {
		if (size == -ERANGE)
			fprintf(stderr, "%s: %s does not fit in guest memory at 0x%" PRIx64
				" (--mem %" PRIu64 ")\n", prog, o.flat, o.load_addr, o.mem);
		else
			fprintf(stderr, "%s: cannot load %s: %s\n", prog, o.flat,
				vmctl_strerror_call("vmctl_vm_load_flat", (int)size));
		goto out_vm;
	}
	ret = vmctl_vcpu_create(vm, 0, &vcpu);
	if (ret) {
		fprintf(stderr, "%s: cannot create a vCPU: %s\n", prog,
			vmctl_strerror_call("vmctl_vcpu_create", ret));
		goto out_vm;
	}
	if (setup_vcpu(vm, vcpu, &o, size))
		goto out_vm;
	ret = vmctl_vm_pio_register(vm, SERIAL_COM1_BASE, SERIAL_PORTS, serial_pio, &com1);
	if (!ret)
		ret = vmctl_vm_pio_register(vm, DEBUG_EXIT_PORT, 1, debug_exit_pio, &dexit);
	if (ret) {
		fprintf(stderr, "%s: cannot register devices: %s\n", prog,
			vmctl_strerror_call("vmctl_vm_pio_register", ret));
		goto out_vm;
	}

	status = run_guest(vcpu, &dexit, o.verbose);
out_vm:
	fflush(stdout);
	vmctl_vm_destroy(vm);
	return status;
}

int main(int argc, char **argv)
{
	const char *cmd;

	if (argc < 2) {
		usage(stderr);
		return STATUS_USAGE;
	}
	cmd = argv[1];
	if (strcmp(cmd, "run") == 0)
		return cmd_run(argc - 2, argv + 2);
	if (strcmp(cmd, "info") == 0)
		return cmd_info(argc - 2, argv + 2);
	if (strcmp(cmd, "list") == 0)
		return cmd_list(prog, argc - 2, argv + 2);
	if (strcmp(cmd, "stats") == 0)
		return cmd_stats(prog, argc - 2, argv + 2);
	if (strcmp(cmd, "cpuid") == 0)
		return cmd_cpuid(prog, argc - 2, argv + 2);
	if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 ||
	    strcmp(cmd, "-h") == 0) {
		usage(stdout);
		return STATUS_OK;
	}
	if (strcmp(cmd, "--version") == 0) {
		printf("vmctl (libvmctl %d, API %d)\n", vmctl_lib_version(), VMCTL_API_VERSION);
		return STATUS_OK;
	}
	return usage_error("unknown command '%s'", cmd);
}
