// SPDX-License-Identifier: GPL-2.0
/*
 * A CPU that goes offline and comes back while a vCPU has run on it.
 *
 * A long-mode guest writes its own TSC_AUX and spins on RDTSCP, stopping
 * at the first value that is not its own.  Its vCPU thread is pinned to
 * CPU 1 and stays inside RUN for the whole test while the main thread
 * takes CPU 1 offline (the thread moves to CPU 0, its VMCS was active on
 * CPU 1, VMX goes off there), brings it back (VMXON there again, and the
 * CPU's MSRs are the boot values) and moves the thread back to CPU 1.
 * The guest must keep seeing its own TSC_AUX throughout: a CPU whose
 * record still says "the guest's user-return MSRs are loaded" from before
 * it went offline would let the guest run with the host's values.  Then
 * the host thread on CPU 1 must see its own TSC_AUX and SYSCALL must
 * work, and the usage counters must follow VMX on and off that CPU.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "test_util.h"

#define GUEST_TSC_AUX	0xabcU		/* no CPU of the test machine has this number */
#define MSR_TSC_AUX	0xc0000103U
#define HOTPLUG_CPU	1
#define CPU1_ONLINE	"/sys/devices/system/cpu/cpu1/online"
#define WAIT_NS		(20ULL * 1000 * 1000 * 1000)	/* guest time is slow */

#define STR_(x) #x
#define STR(x) STR_(x)

DECLARE_GUEST(hotplug_spin);
extern const uint8_t hotplug_spins[], hotplug_stop[];

/*
 * Reports RDTSCP's ECX once: the first value that is not GUEST_TSC_AUX,
 * or GUEST_TSC_AUX itself when the host asks it to stop.  Counts its
 * rounds in hotplug_spins so that the host sees it run.
 */
asm(".pushsection .rodata.guests, \"a\"\n"
    ".code64\n"
    ".balign 16\n"
    "hotplug_spin_begin:\n"
    "	mov $" STR(MSR_TSC_AUX) ", %ecx\n"
    "	mov $" STR(GUEST_TSC_AUX) ", %eax\n"
    "	xor %edx, %edx\n"
    "	wrmsr\n"
    "1:	rdtscp\n"
    "	cmp $" STR(GUEST_TSC_AUX) ", %ecx\n"
    "	jne 2f\n"
    "	incl hotplug_spins(%rip)\n"
    "	cmpl $0, hotplug_stop(%rip)\n"
    "	je 1b\n"
    "2:	mov %ecx, %ebx\n"
    "	mov $" STR(UCALL_REPORT) ", %eax\n"
    "	outl %eax, $" STR(UCALL_PORT) "\n"
    "	hlt\n"
    ".balign 8\n"
    "hotplug_spins:\n"
    "	.long 0\n"
    "hotplug_stop:\n"
    "	.long 0\n"
    "hotplug_spin_end:\n"
    ".popsection\n");

static struct tvm t;
static struct vmctl_sys *sys;		/* outlives t, for the counters */
static pid_t vcpu_tid;
static volatile int vcpu_done;
static int vcpu_err;
static struct vmctl_exit vcpu_exit;

static void pin(pid_t tid, int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(tid, sizeof(set), &set))
		tap_bail("sched_setaffinity(%d, CPU %d): %s", (int)tid, cpu,
			 strerror(errno));
}

static void *vcpu_thread(void *unused)
{
	(void)unused;
	vcpu_tid = syscall(SYS_gettid);
	pin(vcpu_tid, HOTPLUG_CPU);
	vcpu_err = vmctl_vcpu_run_loop(t.vcpu, &vcpu_exit);
	__atomic_store_n(&vcpu_done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static int set_cpu1_online(int online)
{
	int fd = open(CPU1_ONLINE, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, online ? "1" : "0", 1);
	if (n != 1) {
		int err = n < 0 ? -errno : -EIO;

		close(fd);
		return err;
	}
	return close(fd) ? -errno : 0;
}

/* Whatever happened, the tests after this one get both CPUs back. */
static void cpu1_back_online(void)
{
	set_cpu1_online(1);
}

static uint32_t spins(void)
{
	return guest_read32(GUEST_PTR(&t, hotplug_spin, hotplug_spins));
}

/* The CPU the vCPU thread last ran on (field 39 of its stat). */
static int vcpu_thread_cpu(void)
{
	char path[64], buf[1024], *p;
	int field, cpu = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", (int)vcpu_tid);
	f = fopen(path, "r");
	if (!f || !fgets(buf, sizeof(buf), f))
		tap_bail("reading %s: %s", path, strerror(errno));
	fclose(f);
	p = strrchr(buf, ')');		/* the name may hold spaces */
	for (field = 2; p && field < 39; field++)
		p = strchr(p + 1, ' ');
	if (p)
		cpu = atoi(p + 1);
	return cpu;
}

/*
 * Waits until the guest has counted more rounds than at the call, on
 * cpu if it is not -1; false if the guest stopped or time ran out.
 */
static bool guest_spins_on(int cpu)
{
	uint64_t deadline = now_ns() + WAIT_NS;
	uint32_t start = spins();

	while (now_ns() < deadline) {
		if (__atomic_load_n(&vcpu_done, __ATOMIC_ACQUIRE))
			return false;
		if ((cpu < 0 || vcpu_thread_cpu() == cpu) &&
		    spins() - start > 1000) {
			start = spins();
			/* Still spinning a little later, and still there. */
			usleep(10000);
			if (spins() != start &&
			    (cpu < 0 || vcpu_thread_cpu() == cpu))
				return true;
		}
		usleep(1000);
	}
	return false;
}

static unsigned int vmx_cpus(void)
{
	struct vmctl_usage u;
	int err = vmctl_sys_get_usage(sys, &u);

	if (err)
		tap_bail("vmctl_sys_get_usage: %s", vmctl_strerror(err));
	return u.vmx_enabled_cpus;
}

/* The host's own view on CPU 1: SYSCALL works and TSC_AUX names CPU 1. */
static void check_host_on_cpu1(void)
{
	unsigned int lo, hi, aux, cpu = ~0U;
	pid_t pid = getpid(), sys_pid;

	pin(0, HOTPLUG_CPU);
	sys_pid = syscall(SYS_getpid);
	asm volatile("rdtscp" : "=a" (lo), "=d" (hi), "=c" (aux));
	(void)lo;
	(void)hi;
	if (syscall(SYS_getcpu, &cpu, NULL, NULL))
		tap_bail("getcpu: %s", strerror(errno));
	tap_ok(sys_pid == pid, "the host thread's SYSCALL works on CPU 1 afterwards (getpid %d, want %d)",
	       (int)sys_pid, (int)pid);
	tap_ok((aux & 0xfff) == HOTPLUG_CPU && cpu == HOTPLUG_CPU,
	       "host RDTSCP on CPU 1 gives TSC_AUX %#x, its CPU (getcpu %u)", aux, cpu);
}

int main(void)
{
	struct ucall uc = { 0 };
	pthread_t thread;
	int err;

	tap_plan(12);
	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		tap_bail("needs two online CPUs");
	if (access(CPU1_ONLINE, W_OK))
		tap_bail("%s: %s: CPU 1 cannot be taken offline here", CPU1_ONLINE,
			 strerror(errno));
	atexit(cpu1_back_online);
	err = vmctl_sys_open(&sys);
	if (err)
		tap_bail("vmctl_sys_open: %s", vmctl_strerror(err));

	tvm_create(&t, 4 << 20);
	tvm_start_long(&t, hotplug_spin_begin, hotplug_spin_end);
	if (pthread_create(&thread, NULL, vcpu_thread, NULL))
		tap_bail("pthread_create failed");
	while (!__atomic_load_n(&vcpu_tid, __ATOMIC_ACQUIRE))
		usleep(1000);

	tap_ok(guest_spins_on(HOTPLUG_CPU), "the guest spins on CPU 1 (%u rounds)", spins());
	tap_ok(vmx_cpus() == 2, "VMX is on on both CPUs (%u)", vmx_cpus());

	err = set_cpu1_online(0);
	tap_ok(err == 0, "CPU 1 goes offline while the vCPU runs there (%s)",
	       err ? strerror(-err) : "ok");
	tap_ok(guest_spins_on(0), "the guest goes on spinning on CPU 0 (%u rounds)", spins());
	tap_ok(vmx_cpus() == 1, "VMX is on on the one CPU left (%u)", vmx_cpus());

	err = set_cpu1_online(1);
	tap_ok(err == 0, "CPU 1 comes back online (%s)", err ? strerror(-err) : "ok");
	tap_ok(vmx_cpus() == 2, "VMX is on on both CPUs again (%u)", vmx_cpus());

	pin(vcpu_tid, HOTPLUG_CPU);
	tap_ok(guest_spins_on(HOTPLUG_CPU),
	       "the guest spins on CPU 1 again, seeing its own TSC_AUX (%u rounds)", spins());

	guest_write32(GUEST_PTR(&t, hotplug_spin, hotplug_stop), 1);
	pthread_join(thread, NULL);
	if (vcpu_err || !ucall_get(t.vcpu, &vcpu_exit, &uc) || uc.code != UCALL_REPORT)
		tap_ok(false, "the guest reports at the end (%d, %s)", vcpu_err,
		       vcpu_exit.message);
	else
		tap_ok(uc.arg == GUEST_TSC_AUX,
		       "every guest RDTSCP returned the guest's TSC_AUX across offline, online and the move back (last %#llx, want %#x)",
		       (unsigned long long)uc.arg, GUEST_TSC_AUX);
	check_host_on_cpu1();
	tvm_destroy(&t);
	tap_ok(vmx_cpus() == 0, "VMX is off on every CPU after the last VM (%u)", vmx_cpus());
	vmctl_sys_close(sys);
	return tap_finish();
}
