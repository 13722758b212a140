// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The MMIO-range registry (overlap rejection, interval lookup at the top of
 * the 64-bit space, removal) and the dispatch of an MMIO exit to it: the
 * handler sees the bytes of a write, its answer to a read lands in the run
 * page, and an access running past a range's end is not the range's.
 */
#include <errno.h>
#include <string.h>

#include "tap.h"
#include "internal.h"

struct seen {
	uint64_t addr;
	uint8_t data[16];
	unsigned int len, calls;
	bool is_write;
};

static int record(struct vmctl_vcpu *vcpu, uint64_t addr, void *data,
		  unsigned int len, bool is_write, void *opaque)
{
	struct seen *s = opaque;

	(void)vcpu;
	s->addr = addr;
	s->len = len;
	s->is_write = is_write;
	s->calls++;
	memcpy(s->data, data, len);
	if (!is_write)
		memcpy(data, "\x11\x22\x33\x44\x55\x66\x77\x88", len);
	return 0;
}

static int failing(struct vmctl_vcpu *vcpu, uint64_t addr, void *data,
		   unsigned int len, bool is_write, void *opaque)
{
	(void)vcpu; (void)addr; (void)data; (void)len; (void)is_write; (void)opaque;
	return -EIO;
}

int main(void)
{
	static struct vmctl_run run;
	struct vmctl_vcpu vcpu = { .run = &run };
	struct vmctl_vm vm;
	const struct range *r;
	struct vmctl_exit exit;
	struct seen seen = { 0 };
	uint32_t v;

	tap_plan(16);
	memset(&vm, 0, sizeof(vm));
	range_map_init(&vm.mmio);
	pthread_rwlock_init(&vm.mmio_lock, NULL);
	vcpu.vm = &vm;

	tap_ok(mmio_map_insert(&vm.mmio, 0xfee00000, 0x1000, record, &seen) == 0,
	       "insert 0xfee00000 + 4 KiB");
	tap_ok(mmio_map_insert(&vm.mmio, 0xfee00fff, 2, record, NULL) == -EEXIST,
	       "overlap at the end: -EEXIST");
	tap_ok(mmio_map_insert(&vm.mmio, 0xfedfffff, 2, record, NULL) == -EEXIST,
	       "overlap at the start: -EEXIST");
	tap_ok(mmio_map_insert(&vm.mmio, 0xfee01000, 0x10, failing, NULL) == 0,
	       "adjacent range above fits");
	tap_ok(mmio_map_insert(&vm.mmio, 0, 0, record, NULL) == -EINVAL &&
	       mmio_map_insert(&vm.mmio, 0x10, 1, NULL, NULL) == -EINVAL,
	       "size 0 or no handler: -EINVAL");
	tap_ok(mmio_map_insert(&vm.mmio, ~0ULL - 7, 9, record, NULL) == -EINVAL,
	       "a range past 2^64: -EINVAL");
	tap_ok(mmio_map_insert(&vm.mmio, ~0ULL - 7, 8, record, NULL) == 0 &&
	       (r = range_map_lookup(&vm.mmio, ~0ULL)) && r->first == ~0ULL - 7,
	       "the last 8 bytes of the space, found by their last byte");
	tap_ok(!range_map_lookup(&vm.mmio, 0xfee01010) && !range_map_lookup(&vm.mmio, 0),
	       "lookup in gaps finds nothing");

	/* A write reaches the handler with its bytes. */
	memset(&exit, 0, sizeof(exit));
	exit.reason = VMCTL_EXIT_MMIO;
	exit.mmio.addr = 0xfee000b0;
	exit.mmio.len = 4;
	exit.mmio.is_write = true;
	memcpy(exit.mmio.data, "\xef\xbe\xad\xde", 4);
	tap_ok(vcpu_dispatch_mmio(&vcpu, &exit) == 1 && seen.calls == 1 && seen.is_write &&
	       seen.addr == 0xfee000b0 && seen.len == 4 && !memcmp(seen.data, "\xef\xbe\xad\xde", 4),
	       "a 4-byte write is dispatched with its value");
	/* A read gets all ones first; the handler's answer goes to the run page. */
	exit.mmio.is_write = false;
	exit.mmio.len = 2;
	run.mmio.len = 2;
	memset(run.mmio.data, 0xff, sizeof(run.mmio.data));
	vcpu.mmio_read_pending = true;
	tap_ok(vcpu_dispatch_mmio(&vcpu, &exit) == 1 && seen.calls == 2 && !seen.is_write &&
	       seen.data[0] == 0xff && seen.data[1] == 0xff,
	       "a read is dispatched with the data preset to all ones");
	tap_ok(!memcmp(run.mmio.data, "\x11\x22\xff", 3),
	       "its 2-byte answer, and nothing more, lands in the run page");
	v = 0x12345678;
	tap_ok(vmctl_vcpu_complete_mmio_read(&vcpu, &v, 4) == -EINVAL &&
	       vmctl_vcpu_complete_mmio_read(&vcpu, &v, 2) == 0 &&
	       !memcmp(run.mmio.data, "\x78\x56", 2),
	       "vmctl_vcpu_complete_mmio_read() takes exactly the access's width");
	/* An access running past the end of its range is not dispatched. */
	exit.mmio.addr = 0xfee00ffe;
	exit.mmio.len = 4;
	tap_ok(vcpu_dispatch_mmio(&vcpu, &exit) == 0 && seen.calls == 2,
	       "an access crossing the range's end goes to the caller");
	exit.mmio.addr = 0xfee01004;
	tap_ok(vcpu_dispatch_mmio(&vcpu, &exit) == 0 &&
	       exit.reason == LIBVMCTL_EXIT_HANDLER_ERROR && exit.error == -EIO,
	       "a failing handler ends the loop with its errno");

	tap_ok(range_map_remove(&vm.mmio, 0xfee00001) == -ENOENT &&
	       range_map_remove(&vm.mmio, 0xfee00000) == 0 &&
	       !range_map_lookup(&vm.mmio, 0xfee00800),
	       "remove by the first address only, and it is gone");
	tap_ok(vmctl_vm_mmio_register(NULL, 0, 1, record, NULL) == -EINVAL &&
	       vmctl_vm_mmio_unregister(NULL, 0) == -EINVAL &&
	       vmctl_vcpu_complete_mmio_read(NULL, &v, 1) == -EINVAL,
	       "NULL handles: -EINVAL");
	range_map_free(&vm.mmio);
	pthread_rwlock_destroy(&vm.mmio_lock);
	return tap_finish();
}
