/* SPDX-License-Identifier: GPL-2.0 */
/* vmctl (the command-line tool): pieces shared by its files and tests. */
#ifndef VMCTL_TOOL_H
#define VMCTL_TOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <vmctl/libvmctl.h>

/*
 * Exit status of "vmctl run".  A guest that writes V to the debug-exit port
 * makes vmctl exit with V & 0xff, so these overlap with guest values:
 * stderr says which it was.
 */
enum {
	STATUS_OK		= 0,	/* guest halted (HLT) */
	STATUS_FAILURE		= 1,	/* vmctl itself failed: device, file, ioctl */
	STATUS_USAGE		= 2,	/* bad command line */
	STATUS_SHUTDOWN		= 3,	/* guest triple-faulted */
	STATUS_FAIL_ENTRY	= 4,	/* VM entry failed (invalid guest state) */
	STATUS_GUEST_ERROR	= 5,	/* internal error, unsupported exit */
};

/* ---- stats.c ---- */

/* vmctl list, vmctl stats: argc/argv after the command's name. */
int cmd_list(const char *prog, int argc, char **argv);
int cmd_stats(const char *prog, int argc, char **argv);

/* ---- cpuid.c ---- */

/* vmctl cpuid: argc/argv after the command's name. */
int cmd_cpuid(const char *prog, int argc, char **argv);

/* ---- options.c ---- */

enum run_mode { MODE_REAL, MODE_LONG };

struct run_opts {
	const char *flat;		/* --flat FILE */
	uint64_t mem;			/* --mem SIZE */
	uint64_t load_addr;		/* --load-addr GPA */
	enum run_mode mode;		/* --mode real|long */
	bool entry_set;			/* --entry given */
	bool entry_segmented;		/* --entry SEG:OFF (real mode) */
	uint64_t entry;			/* --entry GPA */
	uint16_t entry_cs, entry_ip;	/* --entry SEG:OFF */
	bool verbose;			/* --verbose */
	const char *name;		/* --name NAME */
	/* vmctl run --kernel (linux.c) */
	const char *kernel;		/* --kernel BZIMAGE */
	const char *initrd;		/* --initrd FILE */
	const char *append;		/* --append CMDLINE */
	bool mem_set;			/* --mem given */
	bool flat_opts;			/* --load-addr, --mode or --entry given */
};

#define DEFAULT_MEM		(16ULL << 20)
#define DEFAULT_LOAD_ADDR	0x1000ULL
#define DEFAULT_KERNEL_MEM	(256ULL << 20)

/* Sizes such as "4096", "0x1000", "64K", "16M", "1G" (binary units).
 * Returns 0 or -EINVAL (junk, overflow). */
int parse_size(const char *s, uint64_t *out);

/* Decimal or 0x-prefixed hexadecimal.  Returns 0 or -EINVAL. */
int parse_u64(const char *s, uint64_t *out);

/*
 * Parses the arguments after "run".  Returns 0 (options valid), 1 (--help
 * asked), or -1 with a message naming the bad option or value in err.
 */
int parse_run_opts(int argc, char **argv, struct run_opts *o, char *err, size_t errlen);

/*
 * Works out the real-mode CS:IP for o (entry or load address); returns 0
 * or -1 with a message in err.
 */
int real_mode_entry(const struct run_opts *o, uint16_t *cs, uint16_t *ip,
		    char *err, size_t errlen);

/* ---- linux.c ---- */

/* The command line every --kernel guest gets, before --append's. */
extern const char default_kernel_cmdline[];

/*
 * vmctl run --kernel: loads and boots a Linux bzImage with the PC devices
 * of libvmctl.  Files, image and memory size are checked before
 * /dev/vmctl is opened.  Returns the exit status of vmctl run.
 */
int run_linux(const char *prog, const struct run_opts *o);

/* ---- devices.c ---- */

/* Transmit-only 16550-like UART: what the guest sends goes to out. */
struct serial {
	FILE *out;
	uint8_t ier, lcr, mcr, scr, dll, dlm;
};

#define SERIAL_COM1_BASE	0x3f8
#define SERIAL_PORTS		8

int serial_pio(struct vmctl_vcpu *vcpu, uint16_t port, uint32_t *data,
	       unsigned int size, bool is_write, void *opaque);

/* isa-debug-exit-like device: a write ends the run with a status. */
struct debug_exit {
	bool exited;
	int status;			/* value written & 0xff */
};

#define DEBUG_EXIT_PORT		0xf4

int debug_exit_pio(struct vmctl_vcpu *vcpu, uint16_t port, uint32_t *data,
		   unsigned int size, bool is_write, void *opaque);

#endif /* VMCTL_TOOL_H */
