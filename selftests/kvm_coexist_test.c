// SPDX-License-Identifier: GPL-2.0
/*
 * vmctl and kvm_intel in one machine, in every order: vmctl's VMs first
 * then kvm_intel, kvm_intel's VMs first then vmctl, and unloading either
 * while the other has VMs.  Whoever comes second gets EBUSY (from vmctl
 * with a "vmctl:" line saying what to do), nobody WARNs (the emergency
 * callback slot changes hands; guest-check scans the kernel log after
 * this test), and each hypervisor runs a guest once the other's VMs are
 * gone.  On Linux >= 6.12 loading kvm_intel turns VT-x on at once
 * (kvm.enable_virt_at_load=1) unless kvm is loaded with
 * enable_virt_at_load=0: both ways are tested.
 *
 * Debian's irqbypass.ko, kvm.ko and kvm-intel.ko (uncompressed) must be in
 * /lib/modules/kvm/: make check puts them there; missing ones fail.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "test_util.h"

#define KVM_MODULES	"/lib/modules/kvm"
#define KVM_GUEST_PORT	0x10
#define KVM_GUEST_BYTE	0x42

/* A KVM VM with one vCPU; fd -1 when absent. */
struct kvm_side {
	int vm;
	int vcpu;
	struct kvm_run *run;
	size_t run_size;
	uint8_t *mem;
};

static int sh(const char *cmd)
{
	int status = system(cmd);

	tap_diag("$ %s -> %d", cmd, status);
	return status;
}

/* Occurrences of an extended regex in the kernel log. */
static int klog_count(const char *regex)
{
	char cmd[512];
	FILE *p;
	int n = -1;

	snprintf(cmd, sizeof(cmd), "dmesg | grep -cE '%s'", regex);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	if (fscanf(p, "%d", &n) != 1)
		n = -1;
	pclose(p);
	return n;
}

/* Creates a KVM VM with one real-mode vCPU; returns 0 or -errno. */
static int kvm_side_create(struct kvm_side *k)
{
	/* mov al, KVM_GUEST_BYTE; out KVM_GUEST_PORT, al; hlt */
	static const uint8_t code[] = { 0xb0, KVM_GUEST_BYTE, 0xe6, KVM_GUEST_PORT, 0xf4 };
	struct kvm_userspace_memory_region region = { 0 };
	struct kvm_sregs sregs;
	struct kvm_regs regs = { 0 };
	int kvm, size, err;

	memset(k, 0, sizeof(*k));
	k->vm = k->vcpu = -1;
	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0)
		return -errno;
	k->vm = ioctl(kvm, KVM_CREATE_VM, 0);
	err = -errno;
	size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	close(kvm);
	if (k->vm < 0)
		return err;
	if (size <= 0)
		return -EINVAL;
	k->mem = mmap(NULL, 0x10000, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (k->mem == MAP_FAILED) {
		k->mem = NULL;
		return -ENOMEM;
	}
	memcpy(k->mem + 0x1000, code, sizeof(code));
	region.memory_size = 0x10000;
	region.userspace_addr = (uintptr_t)k->mem;
	if (ioctl(k->vm, KVM_SET_USER_MEMORY_REGION, &region))
		return -errno;
	k->vcpu = ioctl(k->vm, KVM_CREATE_VCPU, 0);
	if (k->vcpu < 0)
		return -errno;
	k->run_size = size;
	k->run = mmap(NULL, k->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, k->vcpu, 0);
	if (k->run == MAP_FAILED) {
		k->run = NULL;
		return -errno;
	}
	if (ioctl(k->vcpu, KVM_GET_SREGS, &sregs))
		return -errno;
	sregs.cs.base = 0;
	sregs.cs.selector = 0;
	if (ioctl(k->vcpu, KVM_SET_SREGS, &sregs))
		return -errno;
	regs.rip = 0x1000;
	regs.rflags = 0x2;
	if (ioctl(k->vcpu, KVM_SET_REGS, &regs))
		return -errno;
	return 0;
}

static void kvm_side_destroy(struct kvm_side *k)
{
	if (k->run)
		munmap(k->run, k->run_size);
	if (k->mem)
		munmap(k->mem, 0x10000);
	if (k->vcpu >= 0)
		close(k->vcpu);
	if (k->vm >= 0)
		close(k->vm);
	k->vm = k->vcpu = -1;
	k->run = NULL;
	k->mem = NULL;
}

/* The KVM guest writes KVM_GUEST_BYTE to KVM_GUEST_PORT: true if seen. */
static bool kvm_side_runs(struct kvm_side *k)
{
	struct kvm_run *r = k->run;

	if (ioctl(k->vcpu, KVM_RUN, 0)) {
		tap_diag("KVM_RUN: %s", strerror(errno));
		return false;
	}
	tap_diag("KVM exit %u", r->exit_reason);
	return r->exit_reason == KVM_EXIT_IO && r->io.direction == KVM_EXIT_IO_OUT &&
	       r->io.port == KVM_GUEST_PORT && r->io.size == 1 &&
	       ((uint8_t *)r)[r->io.data_offset] == KVM_GUEST_BYTE;
}

/* A KVM guest runs from creation to its OUT, then the VM is gone. */
static bool kvm_guest_runs(void)
{
	struct kvm_side k;
	int err = kvm_side_create(&k);
	bool ran = false;

	if (err)
		tap_diag("KVM VM: %s", strerror(-err));
	else
		ran = kvm_side_runs(&k);
	kvm_side_destroy(&k);
	return ran;
}

/* vmctl VM creation: 0 or -errno; sys and vm are set on success. */
static int vmctl_try_create(struct vmctl_sys **sys, struct vmctl_vm **vm)
{
	int err = vmctl_sys_open(sys);

	if (err)
		return err;
	err = vmctl_vm_create(*sys, vm);
	if (err) {
		vmctl_sys_close(*sys);
		*sys = NULL;
	}
	return err;
}

static struct capture com1;

/* A vmctl VM whose COM1 real_hello prints to; failures bail out. */
static void vmctl_vm_up(struct tvm *t)
{
	tvm_create(t, 1 << 20);
	if (vmctl_vm_pio_register(t->vm, COM1, 8, capture_pio, &com1))
		tap_bail("cannot register COM1");
}

/* The vmctl guest real_hello prints its line and reaches its HLT in t. */
static bool vmctl_guest_runs(struct tvm *t)
{
	struct vmctl_exit exit;
	int err;

	com1.len = 0;
	memset(com1.text, 0, sizeof(com1.text));
	tvm_start_real(t, real_hello_begin, real_hello_end);
	err = vmctl_vcpu_run_loop(t->vcpu, &exit);
	if (!err && exit.reason == VMCTL_EXIT_HLT && !strcmp(com1.text, REAL_HELLO_TEXT))
		return true;
	tap_diag("vmctl run: %d, %s", err, exit.message);
	return false;
}

static bool kernel_at_least(int major, int minor)
{
	struct utsname u;
	int ma = 0, mi = 0;

	if (uname(&u) || sscanf(u.release, "%d.%d", &ma, &mi) != 2)
		tap_bail("cannot read the kernel release");
	return ma > major || (ma == major && mi >= minor);
}

#define LOAD_KVM	"insmod " KVM_MODULES "/irqbypass.ko && insmod " KVM_MODULES "/kvm.ko"
#define LOAD_KVM_INTEL	"insmod " KVM_MODULES "/kvm-intel.ko 2>/tmp/kvm-intel.err"
#define UNLOAD_KVM	"rmmod kvm_intel; rmmod kvm && rmmod irqbypass"
#define BUSY_LINE	"vmctl: VT-x is in use by another hypervisor on CPU [0-9]+: "
#define WARN_LINE	"WARNING:|Call Trace:"
#define KVM_FAILED_LINE	"kvm: enabling virtualization on CPU[0-9]+ failed"
#define HANDOVER_LINE	"vmctl: kvm_intel is loading while vmctl VMs use VT-x"

int main(void)
{
	bool virt_at_load = kernel_at_least(6, 12);
	int warnings = klog_count(WARN_LINE);
	struct vmctl_sys *sys = NULL;
	struct vmctl_vm *vm = NULL;
	struct kvm_side k;
	int busy, handover, kvm_failed, err;
	struct tvm a;

	tap_plan(virt_at_load ? 26 : 19);
	tap_diag("Linux %s 6.12: kvm_intel %s VT-x at load by default",
		 virt_at_load ? ">=" : "<", virt_at_load ? "turns on" : "leaves off");
	tap_ok(access(KVM_MODULES "/irqbypass.ko", R_OK) == 0 &&
	       access(KVM_MODULES "/kvm.ko", R_OK) == 0 &&
	       access(KVM_MODULES "/kvm-intel.ko", R_OK) == 0,
	       "Debian's irqbypass.ko, kvm.ko and kvm-intel.ko are in " KVM_MODULES);

	/* 1. vmctl first, then kvm_intel. */
	vmctl_vm_up(&a);
	tap_ok(vmctl_guest_runs(&a), "vmctl guest runs before kvm_intel is loaded");
	handover = klog_count(HANDOVER_LINE);
	tap_ok(sh(LOAD_KVM) == 0, "irqbypass and kvm load while vmctl has a VM");
	kvm_failed = klog_count(KVM_FAILED_LINE);
	err = sh(LOAD_KVM_INTEL);
	/* busybox's insmod tries twice (finit_module, then init_module). */
	tap_ok(klog_count(HANDOVER_LINE) > handover,
	       "vmctl noted the hand-over (\"%s\")", HANDOVER_LINE);
	if (virt_at_load) {
		tap_ok(err != 0 && klog_count(KVM_FAILED_LINE) > kvm_failed,
		       "kvm_intel's load fails, KVM cannot turn VT-x on (status %d)", err);
		/* The documented way out: kvm with enable_virt_at_load=0. */
		tap_ok(sh("rmmod kvm && insmod " KVM_MODULES "/kvm.ko enable_virt_at_load=0") == 0,
		       "kvm reloads with enable_virt_at_load=0");
		tap_ok(sh(LOAD_KVM_INTEL) == 0, "then kvm_intel loads beside vmctl's VM");
	} else {
		tap_ok(err == 0, "kvm_intel loads while vmctl has a VM (it takes the emergency slot)");
	}
	/* KVM's own errno for a failed enable: EBUSY in 6.1, EIO in 6.12. */
	err = kvm_side_create(&k);
	tap_ok(err == (virt_at_load ? -EIO : -EBUSY),
	       "KVM_CREATE_VM fails while vmctl has a VM (%s)", strerror(-err));
	kvm_side_destroy(&k);
	tap_ok(vmctl_guest_runs(&a), "vmctl guest still runs with kvm_intel loaded");
	tvm_destroy(&a);
	tap_ok(kvm_guest_runs(), "KVM guest runs once vmctl's VM is gone");

	/* 2. KVM first (a VM holds VT-x), then vmctl. */
	err = kvm_side_create(&k);
	tap_ok(err == 0, "KVM VM created (%s)", strerror(-err));
	busy = klog_count(BUSY_LINE);
	err = vmctl_try_create(&sys, &vm);
	tap_ok(err == -EBUSY, "vmctl_vm_create fails with EBUSY while KVM has a VM (%d)", err);
	tap_ok(klog_count(BUSY_LINE) == busy + 1, "vmctl said what to do (\"%s\")", BUSY_LINE);
	/* Unload vmctl while KVM has a VM, and load it again. */
	tap_ok(sh("rmmod vmctl && insmod /lib/modules/vmctl.ko") == 0,
	       "vmctl unloads and loads again while KVM has a VM");
	tap_ok(kvm_side_runs(&k), "KVM guest runs after vmctl's reload");
	err = vmctl_try_create(&sys, &vm);
	tap_ok(err == -EBUSY, "vmctl_vm_create still fails with EBUSY (%d)", err);
	kvm_side_destroy(&k);

	/* 3. kvm_intel idle: vmctl runs; kvm_intel unloads under vmctl's VM. */
	vmctl_vm_up(&a);
	tap_ok(vmctl_guest_runs(&a), "vmctl guest runs once KVM's VM is gone (kvm_intel loaded)");
	tap_ok(sh(UNLOAD_KVM) == 0, "kvm_intel, kvm and irqbypass unload while vmctl has a VM");
	tap_ok(vmctl_guest_runs(&a), "vmctl guest runs after kvm_intel is gone");
	tvm_destroy(&a);

	if (virt_at_load) {
		/* 4. 6.12's default: kvm_intel alone holds VT-x from load. */
		tap_ok(sh(LOAD_KVM " && " LOAD_KVM_INTEL) == 0,
		       "kvm and kvm_intel load with enable_virt_at_load=1");
		busy = klog_count(BUSY_LINE);
		err = vmctl_try_create(&sys, &vm);
		tap_ok(err == -EBUSY, "vmctl_vm_create fails with EBUSY though KVM has no VM (%d)",
		       err);
		tap_ok(klog_count(BUSY_LINE ".*rmmod kvm_intel.*enable_virt_at_load=0") == busy + 1,
		       "vmctl names rmmod kvm_intel and enable_virt_at_load=0");
		tap_ok(kvm_guest_runs(), "KVM guest runs");
		tap_ok(sh(UNLOAD_KVM) == 0, "kvm_intel, kvm and irqbypass unload");
	}
	vmctl_vm_up(&a);
	tap_ok(vmctl_guest_runs(&a), "vmctl guest runs after all that");
	tvm_destroy(&a);
	/* The slot's hand-overs: a second registration WARNs. */
	tap_ok(warnings >= 0 && klog_count(WARN_LINE) == warnings,
	       "no WARNING or Call Trace in the kernel log meanwhile");
	return tap_finish();
}
