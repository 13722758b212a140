// SPDX-License-Identifier: GPL-2.0
/*
 * A vCPU that gets no VPID runs without one.  The pool is shrunk through
 * the module parameter vpid_pool_size (a test aid) instead of creating
 * 65535 vCPUs: with a pool of 2, the vCPUs beyond the second have none,
 * and every vCPU must still run its guest (first entry and a second one)
 * and print its text; with a pool of 0 no vCPU has one.
 *
 * That a guest ran is judged by what it printed on COM1, not by anything
 * the module reports.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test_util.h"

#define POOL_PARAM	"/sys/module/vmctl/parameters/vpid_pool_size"
#define NR_VCPUS	4

static struct capture com1[NR_VCPUS];

/* COM1 of each vCPU, kept apart by vCPU id. */
static int vcpu_com1(struct vmctl_vcpu *vcpu, uint16_t port, uint32_t *data,
		     unsigned int size, bool is_write, void *opaque)
{
	(void)opaque;
	return capture_pio(vcpu, port, data, size, is_write, &com1[vmctl_vcpu_id(vcpu)]);
}

/* Writes the parameter; returns 0 or the errno of the write. */
static int write_pool(const char *value)
{
	int fd = open(POOL_PARAM, O_WRONLY);
	int err = 0;

	if (fd < 0)
		tap_bail("open %s: %s", POOL_PARAM, strerror(errno));
	if (write(fd, value, strlen(value)) < 0)
		err = errno;
	if (close(fd) && !err)
		err = errno;
	return err;
}

static long read_pool(void)
{
	char buf[32] = "";
	FILE *f = fopen(POOL_PARAM, "r");

	if (!f)
		tap_bail("open %s: %s", POOL_PARAM, strerror(errno));
	if (!fgets(buf, sizeof(buf), f))
		tap_bail("read %s: empty", POOL_PARAM);
	fclose(f);
	return strtol(buf, NULL, 10);
}

/*
 * One VM with NR_VCPUS vCPUs, created with a pool of pool VPIDs: each
 * vCPU runs real_hello twice (VMLAUNCH, then VMRESUME).  Returns how many
 * vCPUs printed the text once and halted both times.
 */
static int run_all(const char *pool)
{
	struct vmctl_vcpu *vcpu[NR_VCPUS];
	struct vmctl_exit exit;
	int err, i, round, good = 0;
	bool ok[NR_VCPUS];
	struct tvm t;

	if (write_pool(pool))
		tap_bail("setting %s to %s failed", POOL_PARAM, pool);
	memset(com1, 0, sizeof(com1));
	tvm_create(&t, 1 << 20);
	if (vmctl_vm_pio_register(t.vm, COM1, 8, vcpu_com1, NULL))
		tap_bail("vmctl_vm_pio_register(COM1)");
	tvm_start_real(&t, real_hello_begin, real_hello_end);
	vcpu[0] = t.vcpu;
	for (i = 1; i < NR_VCPUS; i++) {
		err = vmctl_vcpu_create(t.vm, i, &vcpu[i]);
		if (err)
			tap_bail("vmctl_vcpu_create(%d) with a pool of %s: %s", i, pool,
				 vmctl_strerror(err));
		err = vmctl_vcpu_setup_real_mode(vcpu[i], GUEST_LOAD_ADDR >> 4, 0, 0);
		if (err)
			tap_bail("vmctl_vcpu_setup_real_mode(%d): %s", i, vmctl_strerror(err));
	}
	for (i = 0; i < NR_VCPUS; i++)
		ok[i] = true;
	for (round = 0; round < 2; round++) {
		for (i = 0; i < NR_VCPUS; i++) {
			err = vmctl_vcpu_run_loop(vcpu[i], &exit);
			if (err || exit.reason != VMCTL_EXIT_HLT) {
				if (ok[i])
					tap_diag("pool %s, vCPU %d, run %d: %d, %s: %s", pool, i,
						 round + 1, err,
						 vmctl_exit_reason_name(exit.reason), exit.message);
				ok[i] = false;
			}
		}
	}
	for (i = 0; i < NR_VCPUS; i++) {
		if (strcmp(com1[i].text, REAL_HELLO_TEXT) != 0) {
			if (ok[i])
				tap_diag("pool %s, vCPU %d printed \"%s\"", pool, i, com1[i].text);
			ok[i] = false;
		}
		good += ok[i];
	}
	tvm_destroy(&t);
	return good;
}

int main(void)
{
	struct vmctl_caps caps;
	struct vmctl_sys *sys;
	long saved;
	int err;

	tap_plan(7);
	err = vmctl_sys_open(&sys);
	if (err)
		tap_bail("open %s: %s", VMCTL_DEFAULT_DEVICE, vmctl_strerror(err));
	err = vmctl_sys_get_caps(sys, &caps);
	if (err)
		tap_bail("vmctl_sys_get_caps: %s", vmctl_strerror(err));
	vmctl_sys_close(sys);
	/* Without VPIDs the pool is never used and nothing here is proven. */
	tap_ok(caps.features & VMCTL_CAP_VPID, "the CPU offers VPIDs");

	saved = read_pool();
	tap_ok(saved == 65535, "the pool holds every VPID by default (%ld)", saved);
	err = write_pool("65536");
	tap_ok(err == EINVAL, "a pool beyond 65535 is refused with EINVAL (%s)", strerror(err));

	err = run_all("2");
	tap_ok(err == NR_VCPUS, "pool of 2: all %d vCPUs ran and halted twice (%d)", NR_VCPUS,
	       err);
	err = run_all("0");
	tap_ok(err == NR_VCPUS, "pool of 0: all %d vCPUs ran and halted twice (%d)", NR_VCPUS,
	       err);

	err = write_pool("65535");
	tap_ok(err == 0, "the pool is restored (%s)", strerror(err));
	tap_ok(read_pool() == 65535, "and reads back as 65535 (%ld)", read_pool());
	return tap_finish();
}
