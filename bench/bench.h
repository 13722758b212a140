/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmctl-bench: the same guest payloads and the same host-side handling,
 * run on vmctl (through libvmctl and through raw ioctls) and on KVM
 * (through a minimal client of plain ioctls).
 *
 * A "side" is one way of driving a hypervisor.  Each side implements the
 * few operations of struct side_ops; the measurements (measure.c) are
 * written once against those operations, so every side runs exactly the
 * same sequence, and the rows (rows.c) say what to measure.
 */
#ifndef VMCTL_BENCH_H
#define VMCTL_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "params.h"

struct vmctl_vm;
struct vmctl_vcpu;
struct vmctl_sys;
struct kvm_cpuid2;

/* ---- guests (guests.S) -------------------------------------------------- */

struct guest {
	const uint8_t *begin, *end;
};

#define DECLARE_GUEST(name) extern const uint8_t name##_begin[], name##_end[]
DECLARE_GUEST(bench_cpuid);
DECLARE_GUEST(bench_out);
DECLARE_GUEST(bench_in);
DECLARE_GUEST(bench_mmio);
DECLARE_GUEST(bench_vmcall);
DECLARE_GUEST(bench_hlt);
DECLARE_GUEST(bench_touch);
#define GUEST_OF(name) { name##_begin, name##_end }

/* ---- the host-side handling every side shares (device.c) ---------------- */

/*
 * What a loop guest's exits reach in user space.  Every side hands each
 * exit to these functions, so the host-side work per exit is identical;
 * the counters let the driver check afterwards that every exit arrived
 * with the right data (a side that silently dropped exits would otherwise
 * look fast).
 */
struct device {
	uint64_t out_count, out_sum;
	uint64_t in_count, in_sum;
	uint64_t mmio_count, mmio_sum;
	uint64_t hc_count;
	char error[160];		/* first unexpected access, "" if none */
};

void dev_reset(struct device *d);
/* Port I/O; for IN, stores the value the guest reads in *data.  0 or -EINVAL. */
int dev_pio(struct device *d, uint16_t port, bool is_write, unsigned int size,
	    uint32_t *data);
int dev_mmio(struct device *d, uint64_t gpa, bool is_write, unsigned int len,
	     uint64_t *data);
/* A hypercall; *ret is what the guest's RAX receives. */
int dev_hypercall(struct device *d, uint64_t nr, uint64_t a0, uint64_t a1,
		  uint64_t *ret);

/* ---- sides -------------------------------------------------------------- */

/* How a loop guest's exits reach the host: the rows' exit paths. */
enum exit_kind {
	EXIT_KERNEL,		/* handled in the kernel (CPUID) */
	EXIT_PIO_OUT,
	EXIT_PIO_IN,
	EXIT_MMIO_WRITE,
	EXIT_HYPERCALL,
};

struct side;

/* One VM with one vCPU as a side holds it. */
struct bvm {
	struct side *side;
	struct device *dev;		/* NULL: no exit reaches user space but HLT */
	/* libvmctl */
	struct vmctl_vm *vm;
	struct vmctl_vcpu *vcpu;
	/* raw vmctl and KVM */
	int vm_fd, vcpu_fd;
	void *run;
	size_t run_size;
	struct {
		void *host;
		uint64_t size;
	} mem[2];
};

struct side_ops {
	const char *name;		/* "vmctl-lib", "vmctl-raw", "kvm" */
	const char *hypervisor;		/* "vmctl" or "kvm": what gets loaded */
	int (*open)(struct side *s);
	void (*close)(struct side *s);
	/*
	 * NULL if this side can measure exits of that kind, else why not
	 * (a feature vmctl does not have yet): such a row is reported as
	 * unsupported on this side, which is no failure.
	 */
	const char *(*unsupported)(struct side *s, enum exit_kind kind);
	/* A VM; dev != NULL sets up what the loop guests' exits need. */
	int (*vm_create)(struct side *s, struct bvm *b, struct device *dev);
	/* Fresh zeroed memory at gpa as memory slot `slot` (0 or 1). */
	int (*mem_add)(struct bvm *b, unsigned int slot, uint64_t gpa,
		       uint64_t size);
	int (*vcpu_create)(struct bvm *b);
	/* Real mode at cs:0, data segments = cs, RFLAGS 2, other registers 0. */
	int (*setup_real)(struct bvm *b, uint16_t cs);
	/*
	 * 64-bit mode with the page tables and GDT of
	 * vmctl_build_long_mode_tables() written at TABLES_GPA, mapping
	 * [0, LONG_MAP_SIZE) 1:1.
	 */
	int (*setup_long)(struct bvm *b, uint64_t rip, uint64_t rsp);
	/* Runs until HLT, handing exits to b->dev; anything else fails. */
	int (*run)(struct bvm *b);
	void (*vm_destroy)(struct bvm *b);
	/*
	 * Optional: the module's own count of the kernel memory a VM holds
	 * (bytes, for all live VMs together), or negative if none.
	 */
	int64_t (*self_reported_kernel_bytes)(struct side *s);
};

struct side {
	const struct side_ops *ops;
	int sys_fd;			/* /dev/vmctl or /dev/kvm (raw, KVM) */
	struct vmctl_sys *sys;		/* libvmctl */
	uint64_t caps;			/* vmctl: VMCTL_CAP_* */
	size_t kvm_run_size;
	struct kvm_cpuid2 *kvm_cpuid;	/* KVM_GET_SUPPORTED_CPUID, set on every vCPU */
	bool kvm_hypercall_exit;	/* KVM_CAP_EXIT_HYPERCALL available */
	char error[256];		/* what failed, for the report */
};

extern const struct side_ops side_vmctl_lib, side_vmctl_raw, side_kvm;

/* Records what failed in s->error (printf style); returns err. */
int side_fail(struct side *s, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Host address of guest-physical gpa in b's memory, or NULL. */
void *bvm_host(struct bvm *b, uint64_t gpa, uint64_t len);

/* ---- rows (rows.c) and measurements (measure.c) ------------------------- */

struct config {
	unsigned int iterations;	/* exits per loop-row sample */
	unsigned int repeats;		/* samples per row, side and round */
	unsigned int lifecycle_cycles;	/* create/run/destroy cycles per sample */
	uint64_t touch_size;		/* bytes the memory row registers */
	unsigned int idle_vms;		/* VMs of the kernel-memory row */
	double tsc_khz;			/* the guest-visible TSC's rate */
};

#define MAX_PARTS	8

/* One sample of a row on a side. */
struct sample {
	double value;			/* in the row's unit */
	/*
	 * Where the value comes from, for the report's breakdown: e.g. the
	 * phases of the VM lifecycle (same unit), or what the module itself
	 * counts of its kernel memory.
	 */
	unsigned int nparts;
	struct {
		const char *name;	/* one word */
		double value;
	} parts[MAX_PARTS];
};

/* Adds a part to a sample (ignored beyond MAX_PARTS). */
void sample_part(struct sample *smp, const char *name, double value);

struct row;
typedef int (*measure_fn)(struct side *s, const struct row *r,
			  const struct config *c, struct sample *out);

struct row {
	const char *id;			/* JSON key */
	const char *label;		/* the table's short name */
	const char *title;		/* what exactly is measured */
	const char *unit;		/* "us", "ms", "KiB" */
	measure_fn measure;
	/* loop rows */
	struct guest guest;
	enum exit_kind kind;
	uint32_t arg;			/* P_ARG: the CPUID leaf */
	bool floor;			/* the floor the exit paths are held against */
};

extern const struct row rows[];
extern const unsigned int nr_rows;

int measure_loop(struct side *s, const struct row *r, const struct config *c,
		 struct sample *out);
int measure_lifecycle(struct side *s, const struct row *r, const struct config *c,
		      struct sample *out);
int measure_touch(struct side *s, const struct row *r, const struct config *c,
		  struct sample *out);
int measure_kernel_memory(struct side *s, const struct row *r,
			  const struct config *c, struct sample *out);

/* ---- the report (report.c) ---------------------------------------------- */

struct report_opts {
	unsigned int rounds;
	const char *json_path;		/* NULL: no JSON */
};

/* Reads the result lines of `vmctl-bench run`; 0 when every side ran. */
int report(const char *results, const struct report_opts *o);
/* 0 when the results show the hypervisor's sides ran every row. */
int check_side(const char *results, const char *hypervisor, unsigned int rounds);

uint64_t now_ns(void);

#endif
