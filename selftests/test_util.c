// SPDX-License-Identifier: GPL-2.0
#include <string.h>
#include <time.h>

#include "test_util.h"

void tvm_create(struct tvm *t, uint64_t mem_size)
{
	void *mem;
	int err;

	memset(t, 0, sizeof(*t));
	err = vmctl_sys_open(&t->sys);
	if (err)
		tap_bail("open %s: %s (this test needs vmctl.ko loaded on a CPU with VT-x)",
			 VMCTL_DEFAULT_DEVICE, vmctl_strerror_call("vmctl_sys_open", err));
	err = vmctl_vm_create(t->sys, &t->vm);
	if (err)
		tap_bail("vmctl_vm_create: %s", vmctl_strerror(err));
	err = vmctl_vm_mem_add(t->vm, 0, mem_size, 0, &mem);
	if (err < 0)
		tap_bail("vmctl_vm_mem_add(0, %llu): %s", (unsigned long long)mem_size,
			 vmctl_strerror(err));
	t->mem = mem;
	t->mem_size = mem_size;
	err = vmctl_vcpu_create(t->vm, 0, &t->vcpu);
	if (err)
		tap_bail("vmctl_vcpu_create: %s", vmctl_strerror(err));
}

void tvm_destroy(struct tvm *t)
{
	vmctl_vm_destroy(t->vm);
	vmctl_sys_close(t->sys);
	memset(t, 0, sizeof(*t));
}

static void load(struct tvm *t, const uint8_t *begin, const uint8_t *end)
{
	int err = vmctl_vm_write(t->vm, GUEST_LOAD_ADDR, begin, end - begin);

	if (err)
		tap_bail("loading the guest: %s", vmctl_strerror(err));
}

void tvm_start_real(struct tvm *t, const uint8_t *begin, const uint8_t *end)
{
	int err;

	load(t, begin, end);
	err = vmctl_vcpu_setup_real_mode(t->vcpu, GUEST_LOAD_ADDR >> 4, 0, 0);
	if (err)
		tap_bail("vmctl_vcpu_setup_real_mode: %s", vmctl_strerror(err));
}

void tvm_start_long(struct tvm *t, const uint8_t *begin, const uint8_t *end)
{
	struct vmctl_long_mode lm = {
		.tables_gpa = GUEST_TABLES,
		.map_size = t->mem_size,
		.entry = GUEST_LOAD_ADDR,
		.stack = GUEST_STACK_TOP,
	};
	int err;

	load(t, begin, end);
	err = vmctl_vcpu_setup_long_mode(t->vcpu, &lm);
	if (err)
		tap_bail("vmctl_vcpu_setup_long_mode: %s", vmctl_strerror(err));
}

int capture_pio(struct vmctl_vcpu *vcpu, uint16_t port, uint32_t *data,
		unsigned int size, bool is_write, void *opaque)
{
	struct capture *c = opaque;

	(void)vcpu;
	(void)size;
	if (is_write && port == COM1) {
		if (c->len + 1 < sizeof(c->text))
			c->text[c->len++] = *data;
		c->text[c->len] = '\0';
	} else if (!is_write) {
		*data = port == COM1 + 5 ? 0x60 : 0;	/* LSR: transmitter empty */
	}
	return 0;
}

bool ucall_get(struct vmctl_vcpu *vcpu, const struct vmctl_exit *exit, struct ucall *uc)
{
	struct vmctl_ucall call;
	int ret;

	ret = vmctl_ucall_get(vcpu, exit, &call);
	if (ret < 0)
		tap_bail("reading the registers of a ucall: %s",
			 vmctl_strerror_call("vmctl_ucall_get", ret));
	if (ret == 0)
		return false;
	uc->code = call.code;
	uc->arg = call.arg;
	return true;
}

uint32_t guest_read32(const void *p)
{
	uint32_t value;

	memcpy(&value, p, sizeof(value));
	return value;
}

void guest_write32(void *p, uint32_t value)
{
	memcpy(p, &value, sizeof(value));
}

uint64_t now_ns(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts))
		tap_bail("clock_gettime(CLOCK_MONOTONIC) failed");
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}
