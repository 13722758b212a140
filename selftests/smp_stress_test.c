// SPDX-License-Identifier: GPL-2.0
/*
 * SMP stress: two VMs of two vCPUs each run io_loop, every vCPU thread
 * moving to the other CPU before each RUN (so the VMCS is VMCLEARed on one
 * CPU through an IPI and loaded on the other, thousands of times), while a
 * third thread creates, runs and destroys small VMs (VMX goes on and off,
 * or stays on, as the others come and go).  The results are exact: every
 * OUT carries the number the guest counted, each guest's own count in its
 * memory reaches the limit the host set, and afterwards the module holds
 * nothing.  The bochs step scans the kernel log for warnings.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <string.h>
#include <unistd.h>

#include "test_util.h"

#define STRESS_VMS		2
#define STRESS_VCPUS		2	/* per VM */
#define STRESS_OUTS		4000	/* io_loop OUTs per vCPU */
#define CHURN_VMS		300	/* VMs the third thread creates and destroys */
#define CHURN_OUTS		3
#define VM_MEM_SIZE		0x10000ULL
/* Each vCPU runs its own copy of io_loop: its counters are its own. */
#define VCPU_LOAD_ADDR(i)	(0x1000ULL + 0x1000ULL * (i))

struct stress_vcpu {
	struct vmctl_vcpu *vcpu;
	uint8_t *guest;			/* host view of this vCPU's io_loop copy */
	unsigned int index;		/* 0 .. STRESS_VMS * STRESS_VCPUS - 1 */
	/* Results, written by the vCPU's thread only. */
	unsigned int outs_ok;		/* OUTs with the expected port, size and value */
	unsigned int moves;		/* runs that started on another CPU than the last */
	unsigned int done_arg;		/* the guest's ucall DONE argument */
	bool done, halted;
	char failure[400];		/* first unexpected event, "" if none */
};

struct churn {
	struct vmctl_sys *sys;
	unsigned int cycles_ok;
	char failure[200];
};

static int ncpus;
static pthread_barrier_t start_line;

static void fail(char *where, size_t len, const char *what, int err)
{
	if (!where[0])
		snprintf(where, len, "%s: %s", what, err ? vmctl_strerror(err) : "unexpected");
}

/* Pins the calling thread to cpu; returns 0 or an errno value. */
static int move_to(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set) ? errno : 0;
}

/* Copies io_loop to load_addr in vm, with limit outs; returns its host view. */
static uint8_t *load_io_loop(struct vmctl_vm *vm, uint64_t load_addr, uint32_t outs)
{
	uint8_t *guest;
	int err;

	err = vmctl_vm_write(vm, load_addr, io_loop_begin, GUEST_SIZE(io_loop));
	if (err)
		return NULL;
	guest = vmctl_vm_gpa_to_host(vm, load_addr, GUEST_SIZE(io_loop));
	if (guest)
		guest_write32(guest + GUEST_OFF(io_loop, io_loop_limit), outs);
	return guest;
}

static void *vcpu_thread(void *arg)
{
	struct stress_vcpu *s = arg;
	struct ucall uc = { 0 };
	struct vmctl_exit exit;
	int run, last_cpu = -1, err;

	pthread_barrier_wait(&start_line);
	for (run = 0; run < STRESS_OUTS + 2 && !s->failure[0]; run++) {
		err = move_to((run + s->index) % ncpus);
		if (err) {
			fail(s->failure, sizeof(s->failure), "sched_setaffinity", 0);
			break;
		}
		if (last_cpu >= 0 && sched_getcpu() != last_cpu)
			s->moves++;
		last_cpu = sched_getcpu();
		err = vmctl_vcpu_run(s->vcpu, &exit);
		if (err) {
			fail(s->failure, sizeof(s->failure), "vmctl_vcpu_run", err);
			break;
		}
		if (run < STRESS_OUTS) {
			if (exit.reason == VMCTL_EXIT_IO && exit.io.is_write &&
			    exit.io.port == IO_LOOP_PORT && exit.io.size == 4 &&
			    exit.io.data == (uint32_t)run + 1)
				s->outs_ok++;
			else
				snprintf(s->failure, sizeof(s->failure),
					 "run %d: %s (port %#x data %u)", run, exit.message,
					 exit.io.port, exit.io.data);
		} else if (run == STRESS_OUTS) {
			s->done = ucall_get(s->vcpu, &exit, &uc) && uc.code == UCALL_DONE;
			s->done_arg = uc.arg;
			if (!s->done)
				snprintf(s->failure, sizeof(s->failure),
					 "no ucall DONE after the OUTs: %s", exit.message);
		} else {
			s->halted = exit.reason == VMCTL_EXIT_HLT;
			if (!s->halted)
				snprintf(s->failure, sizeof(s->failure),
					 "no HLT after DONE: %s", exit.message);
		}
	}
	return NULL;
}

/* One churn VM: created, run to its DONE and HLT on cpu, destroyed. */
static int churn_once(struct churn *c, int cpu)
{
	struct vmctl_vcpu *vcpu;
	struct vmctl_exit exit;
	struct vmctl_vm *vm;
	struct ucall uc;
	int err, outs = 0;

	err = move_to(cpu);
	if (err)
		return -err;
	err = vmctl_vm_create(c->sys, &vm);
	if (err)
		return err;
	err = vmctl_vm_mem_add(vm, 0, VM_MEM_SIZE, 0, NULL);
	if (err < 0)
		goto out;
	err = vmctl_vcpu_create(vm, 0, &vcpu);
	if (err)
		goto out;
	err = -EFAULT;
	if (!load_io_loop(vm, VCPU_LOAD_ADDR(0), CHURN_OUTS))
		goto out;
	err = vmctl_vcpu_setup_real_mode(vcpu, VCPU_LOAD_ADDR(0) >> 4, 0, 0);
	while (!err) {
		err = vmctl_vcpu_run(vcpu, &exit);
		if (err)
			break;
		if (exit.reason == VMCTL_EXIT_IO && exit.io.port == IO_LOOP_PORT &&
		    exit.io.data == (uint32_t)outs + 1) {
			outs++;
			continue;
		}
		err = ucall_get(vcpu, &exit, &uc) && uc.code == UCALL_DONE &&
		      uc.arg == CHURN_OUTS && outs == CHURN_OUTS ? 0 : -EPROTO;
		if (!err)
			err = vmctl_vcpu_run(vcpu, &exit);
		if (!err && exit.reason != VMCTL_EXIT_HLT)
			err = -EPROTO;
		break;
	}
out:
	vmctl_vm_destroy(vm);
	return err < 0 ? err : 0;
}

static void *churn_thread(void *arg)
{
	struct churn *c = arg;
	unsigned int i;
	int err;

	pthread_barrier_wait(&start_line);
	for (i = 0; i < CHURN_VMS; i++) {
		err = churn_once(c, i % ncpus);
		if (err) {
			snprintf(c->failure, sizeof(c->failure), "churn VM %u: %s", i,
				 err == -EPROTO ? "unexpected exit" : vmctl_strerror(err));
			break;
		}
		c->cycles_ok++;
	}
	return NULL;
}

static bool usage_equal(const struct vmctl_usage *a, const struct vmctl_usage *b)
{
	return a->vms == b->vms && a->vcpus == b->vcpus &&
	       a->kernel_pages == b->kernel_pages &&
	       a->pinned_pages == b->pinned_pages &&
	       a->kernel_bytes == b->kernel_bytes &&
	       a->vmx_enabled_cpus == b->vmx_enabled_cpus;
}

int main(void)
{
	struct stress_vcpu vcpus[STRESS_VMS * STRESS_VCPUS] = { 0 };
	pthread_t threads[STRESS_VMS * STRESS_VCPUS + 1];
	struct vmctl_vm *vms[STRESS_VMS];
	struct churn churn = { 0 };
	struct vmctl_usage idle, usage;
	struct vmctl_sys *sys;
	unsigned int i, nthreads = STRESS_VMS * STRESS_VCPUS;
	unsigned int outs_ok = 0, moves = 0, done = 0, halted = 0, failed = 0;
	uint64_t t0;
	int err;

	tap_plan(8);
	ncpus = sysconf(_SC_NPROCESSORS_ONLN);
	tap_diag("%d online CPUs", ncpus);
	if (ncpus < 2)
		tap_bail("needs two CPUs, found %d: a one-CPU machine proves nothing here", ncpus);
	err = vmctl_sys_open(&sys);
	if (err)
		tap_bail("open %s: %s (this test needs vmctl.ko loaded on a CPU with VT-x)",
			 VMCTL_DEFAULT_DEVICE, vmctl_strerror_call("vmctl_sys_open", err));
	err = vmctl_sys_get_usage(sys, &idle);
	if (err)
		tap_bail("vmctl_sys_get_usage: %s", vmctl_strerror(err));
	tap_ok(!idle.vms && !idle.vcpus && !idle.pinned_pages && !idle.vmx_enabled_cpus,
	       "no VM, vCPU or pinned page, VMX off before the test (%u, %u, %llu, %u)",
	       idle.vms, idle.vcpus, (unsigned long long)idle.pinned_pages,
	       idle.vmx_enabled_cpus);

	for (i = 0; i < STRESS_VMS; i++) {
		err = vmctl_vm_create(sys, &vms[i]);
		if (err)
			tap_bail("vmctl_vm_create: %s", vmctl_strerror(err));
		err = vmctl_vm_mem_add(vms[i], 0, VM_MEM_SIZE, 0, NULL);
		if (err < 0)
			tap_bail("vmctl_vm_mem_add: %s", vmctl_strerror(err));
	}
	for (i = 0; i < nthreads; i++) {
		struct stress_vcpu *s = &vcpus[i];
		struct vmctl_vm *vm = vms[i / STRESS_VCPUS];
		uint64_t load_addr = VCPU_LOAD_ADDR(i % STRESS_VCPUS);

		s->index = i;
		err = vmctl_vcpu_create(vm, i % STRESS_VCPUS, &s->vcpu);
		if (err)
			tap_bail("vmctl_vcpu_create: %s", vmctl_strerror(err));
		s->guest = load_io_loop(vm, load_addr, STRESS_OUTS);
		if (!s->guest)
			tap_bail("loading io_loop at %#llx", (unsigned long long)load_addr);
		err = vmctl_vcpu_setup_real_mode(s->vcpu, load_addr >> 4, 0, 0);
		if (err)
			tap_bail("vmctl_vcpu_setup_real_mode: %s", vmctl_strerror(err));
	}
	churn.sys = sys;

	if (pthread_barrier_init(&start_line, NULL, nthreads + 2))
		tap_bail("pthread_barrier_init");
	for (i = 0; i < nthreads; i++)
		if (pthread_create(&threads[i], NULL, vcpu_thread, &vcpus[i]))
			tap_bail("pthread_create");
	if (pthread_create(&threads[nthreads], NULL, churn_thread, &churn))
		tap_bail("pthread_create");
	t0 = now_ns();
	pthread_barrier_wait(&start_line);
	for (i = 0; i <= nthreads; i++)
		if (pthread_join(threads[i], NULL))
			tap_bail("pthread_join");
	tap_diag("%u vCPU threads and the churn thread done in %llu ms", nthreads,
		 (unsigned long long)((now_ns() - t0) / 1000000));

	for (i = 0; i < nthreads; i++) {
		struct stress_vcpu *s = &vcpus[i];
		uint32_t count = guest_read32(s->guest + GUEST_OFF(io_loop, io_loop_count));

		outs_ok += s->outs_ok;
		moves += s->moves;
		done += s->done && s->done_arg == STRESS_OUTS && count == STRESS_OUTS;
		halted += s->halted;
		if (s->failure[0]) {
			failed++;
			tap_diag("    vCPU %u of VM %u: %s", i % STRESS_VCPUS,
				 i / STRESS_VCPUS, s->failure);
		}
		tap_diag("    vCPU %u of VM %u: %u OUTs as expected, %u moves, count in memory %u",
			 i % STRESS_VCPUS, i / STRESS_VCPUS, s->outs_ok, s->moves, count);
	}
	tap_ok(!failed, "no vCPU saw an unexpected exit or error (%u did)", failed);
	tap_ok(outs_ok == nthreads * STRESS_OUTS,
	       "%u OUTs, each carrying the guest's count, of %u expected", outs_ok,
	       nthreads * STRESS_OUTS);
	tap_ok(done == nthreads,
	       "%u of %u guests reported DONE(%d) and counted %d in their memory",
	       done, nthreads, STRESS_OUTS, STRESS_OUTS);
	tap_ok(halted == nthreads, "%u of %u vCPUs ran on to their HLT", halted, nthreads);
	/* Each RUN is asked to start on the other CPU: nearly all must move. */
	tap_ok(moves >= nthreads * (STRESS_OUTS + 1) * 9 / 10,
	       "vCPU threads changed CPU between runs %u times (of %u runs after the first)",
	       moves, nthreads * (STRESS_OUTS + 1));
	if (churn.failure[0])
		tap_diag("    %s", churn.failure);
	tap_ok(churn.cycles_ok == CHURN_VMS,
	       "meanwhile %u of %d VMs created, run to DONE(%d) and HLT, destroyed",
	       churn.cycles_ok, CHURN_VMS, CHURN_OUTS);

	for (i = 0; i < STRESS_VMS; i++)
		vmctl_vm_destroy(vms[i]);
	err = vmctl_sys_get_usage(sys, &usage);
	if (err)
		tap_bail("vmctl_sys_get_usage: %s", vmctl_strerror(err));
	tap_ok(usage_equal(&usage, &idle),
	       "afterwards usage is back to idle, VMX off (vms %u vcpus %u pages %llu pinned %llu bytes %llu vmx cpus %u)",
	       usage.vms, usage.vcpus, (unsigned long long)usage.kernel_pages,
	       (unsigned long long)usage.pinned_pages,
	       (unsigned long long)usage.kernel_bytes, usage.vmx_enabled_cpus);
	vmctl_sys_close(sys);
	return tap_finish();
}
