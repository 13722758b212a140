// SPDX-License-Identifier: GPL-2.0
/*
 * The state blob carries events: at each stage of state_ev the vCPU is
 * saved with an event in flight, restored into a fresh VM (a copy of the
 * memory) and the old VM destroyed; the guest's own IDT handlers then
 * show that the event arrived exactly once, where it had to:
 * - an interrupt queued while IF is clear, after STI and its shadow;
 * - an interrupt whose delivery an exit interrupted (injected, not
 *   delivered), once memory is there;
 * - an injected #GP with its error code;
 * - a queued NMI;
 * - an interrupt queued while an IN in an STI shadow waits for user
 *   space, right after the IN;
 * - a HLT waiting in the kernel stays a HLT, ended by an interrupt.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "test_util.h"
#include "guests_state.h"

#define IN_VALUE	0x1357

static struct tvm vms[2];
static struct tvm *cur = &vms[0];
static uint8_t *upper;			/* host view of SEV_MEM_SIZE..SEV_MAP_SIZE, if added */

static uint64_t rec(const uint8_t *label)
{
	uint64_t v;

	memcpy(&v, GUEST_PTR(cur, state_ev, label), sizeof(v));
	return v;
}

static uint64_t addr(const uint8_t *label)
{
	return GUEST_LOAD_ADDR + GUEST_OFF(state_ev, label);
}

static bool run_to_sync(uint64_t stage)
{
	struct vmctl_exit exit;
	struct ucall uc = { 0 };
	int err;

	err = vmctl_vcpu_run(cur->vcpu, &exit);
	if (err || !ucall_get(cur->vcpu, &exit, &uc) || uc.code != UCALL_SYNC ||
	    uc.arg != stage) {
		tap_diag("stage %" PRIu64 ": run %d, %s, ucall %u(%" PRIu64 ")", stage, err,
			 exit.message, uc.code, (uint64_t)uc.arg);
		return false;
	}
	return true;
}

/* The data of the blob's component of this type; fatal if missing. */
static void *component(void *blob, uint32_t type)
{
	struct vmctl_state_header *h = blob;
	uint8_t *p = (uint8_t *)blob + sizeof(*h);
	uint32_t i;

	for (i = 0; i < h->nr_components; i++) {
		struct vmctl_state_component *c = (void *)p;

		if (c->type == type)
			return c + 1;
		p += sizeof(*c) + c->size;
	}
	tap_bail("the blob has no component of type %u", type);
}

/* Adds the upper memory to t, with the contents of the current upper memory. */
static void add_upper(struct tvm *t, const uint8_t *from)
{
	void *host;
	int err;

	err = vmctl_vm_mem_add(t->vm, SEV_MEM_SIZE, SEV_MAP_SIZE - SEV_MEM_SIZE, 0, &host);
	if (err < 0)
		tap_bail("vmctl_vm_mem_add: %s", vmctl_strerror(err));
	if (from)
		memcpy(host, from, SEV_MAP_SIZE - SEV_MEM_SIZE);
	upper = host;
}

/*
 * Saves the vCPU into *blob (which the caller frees), moves it to a new
 * VM with a copy of the memory (with_upper: the upper memory too, added
 * if the old VM lacked it) and destroys the old VM.  Returns the
 * restore's result.
 */
static int move_to_new_vm(void **blob, bool with_upper)
{
	struct tvm *next = cur == &vms[0] ? &vms[1] : &vms[0];
	size_t size;
	int err;

	err = vmctl_vcpu_save_state(cur->vcpu, blob, &size);
	if (err)
		tap_bail("vmctl_vcpu_save_state: %s", vmctl_strerror(err));
	tvm_create(next, SEV_MEM_SIZE);
	memcpy(next->mem, cur->mem, SEV_MEM_SIZE);
	if (with_upper)
		add_upper(next, upper);
	err = vmctl_vcpu_restore_state(next->vcpu, *blob, size);
	tvm_destroy(cur);
	cur = next;
	return err;
}

struct helper {
	bool kick;			/* else: an interrupt */
	int err;
};

static void *helper_main(void *arg)
{
	struct helper *h = arg;
	struct timespec ts = { 0, 300 * 1000000L };

	nanosleep(&ts, NULL);
	h->err = h->kick ? vmctl_vcpu_kick(cur->vcpu) :
			   vmctl_vcpu_interrupt(cur->vcpu, SEV_IRQ_VECTOR);
	return NULL;
}

/* RUN while another thread kicks or interrupts after 300 ms. */
static int run_with_helper(bool kick, struct vmctl_exit *exit, uint64_t *wall_ns)
{
	struct helper h = { kick, 0 };
	pthread_t th;
	uint64_t t0;
	int err;

	if (pthread_create(&th, NULL, helper_main, &h))
		tap_bail("pthread_create");
	t0 = now_ns();
	err = vmctl_vcpu_run(cur->vcpu, exit);
	*wall_ns = now_ns() - t0;
	pthread_join(th, NULL);
	if (h.err)
		tap_diag("helper failed: %s", vmctl_strerror(h.err));
	return err;
}

/* 1-2: an interrupt queued while IF is clear. */
static void pending_irq(void)
{
	struct vmctl_vcpu_events ev;
	struct vmctl_vcpu_events *saved;
	void *blob;
	int err;

	if (!run_to_sync(1))
		tap_bail("stage 1 not reached");
	err = vmctl_vcpu_interrupt(cur->vcpu, SEV_IRQ_VECTOR);
	if (err)
		tap_bail("vmctl_vcpu_interrupt: %s", vmctl_strerror(err));
	err = move_to_new_vm(&blob, false);
	saved = component(blob, VMCTL_STATE_EVENTS);
	tap_ok(saved->interrupt.pending && saved->interrupt.nr == SEV_IRQ_VECTOR &&
	       !saved->interrupt.injected,
	       "blob: the interrupt queued while IF is clear is pending (pending %u, nr 0x%x)",
	       saved->interrupt.pending, saved->interrupt.nr);
	memset(&ev, 0, sizeof(ev));
	if (!err)
		err = vmctl_vcpu_get_events(cur->vcpu, &ev);
	tap_ok(!err && ev.interrupt.pending && ev.interrupt.nr == SEV_IRQ_VECTOR,
	       "restored into a new VM, it is pending there (%d)", err);
	free(blob);
	tap_ok(run_to_sync(2) && rec(sev_irq_count) == 1 &&
	       rec(sev_irq_rip) == addr(sev_after_sti) && rec(sev_irq_r12) == 2,
	       "delivered once, right after STI's shadow (count %" PRIu64 ", RIP 0x%" PRIx64
	       ", want 0x%" PRIx64 ", R12 %" PRIu64 ")", rec(sev_irq_count), rec(sev_irq_rip),
	       addr(sev_after_sti), rec(sev_irq_r12));
}

/* 2-3: an interrupt whose delivery an EPT violation interrupted. */
static void injected_irq(void)
{
	struct vmctl_vcpu_events *saved;
	struct vmctl_exit exit;
	struct vmctl_regs regs;
	void *blob;
	int err;

	err = vmctl_vcpu_get_regs(cur->vcpu, &regs);
	if (!err) {
		regs.rsp = SEV_MEM_SIZE + 0x10000;
		err = vmctl_vcpu_set_regs(cur->vcpu, &regs);
	}
	if (!err)
		err = vmctl_vcpu_interrupt(cur->vcpu, SEV_IRQ_VECTOR);
	if (!err)
		err = vmctl_vcpu_run(cur->vcpu, &exit);
	tap_ok(!err && exit.reason == VMCTL_EXIT_INTERNAL_ERROR &&
	       exit.internal.suberror == VMCTL_INTERNAL_MMIO_FAILED &&
	       rec(sev_irq_count) == 1,
	       "RSP above the memory: the delivery stops at an EPT violation (%d, %s)", err,
	       exit.message);
	err = move_to_new_vm(&blob, true);
	saved = component(blob, VMCTL_STATE_EVENTS);
	tap_ok(!err && saved->interrupt.injected && saved->interrupt.nr == SEV_IRQ_VECTOR &&
	       !saved->interrupt.pending,
	       "blob: it is injected, not delivered; restored with memory there (%d)", err);
	free(blob);
	tap_ok(run_to_sync(3) && rec(sev_irq_count) == 2 &&
	       rec(sev_irq_rip) == addr(sev_after_unbacked),
	       "delivered once in the new VM, after STI; NOP (count %" PRIu64 ", RIP 0x%" PRIx64
	       ")", rec(sev_irq_count), rec(sev_irq_rip));
}

/* 3-5: an injected #GP with an error code, then a queued NMI. */
static void exception_and_nmi(void)
{
	struct vmctl_vcpu_events ev;
	void *blob;
	int err;

	memset(&ev, 0, sizeof(ev));
	ev.exception.injected = 1;
	ev.exception.nr = 13;
	ev.exception.has_error_code = 1;
	ev.exception.error_code = SEV_GP_CODE;
	err = vmctl_vcpu_set_events(cur->vcpu, &ev);
	if (!err)
		err = move_to_new_vm(&blob, true);
	tap_ok(!err, "#GP(0x%x) injected, saved and restored (%d)", SEV_GP_CODE, err);
	if (!err)
		free(blob);
	tap_ok(run_to_sync(4) && rec(sev_gp_count) == 1 && rec(sev_gp_code) == SEV_GP_CODE &&
	       rec(sev_gp_rip) == addr(sev_gp_ret),
	       "the handler saw it once (count %" PRIu64 ", code 0x%" PRIx64 ", RIP 0x%" PRIx64
	       ")", rec(sev_gp_count), rec(sev_gp_code), rec(sev_gp_rip));

	err = vmctl_vcpu_nmi(cur->vcpu);
	if (!err)
		err = move_to_new_vm(&blob, true);
	tap_ok(!err && ((struct vmctl_vcpu_events *)component(blob, VMCTL_STATE_EVENTS))->nmi.pending,
	       "a queued NMI is saved pending and restored (%d)", err);
	if (!err)
		free(blob);
	tap_ok(run_to_sync(5) && rec(sev_nmi_count) == 1 && rec(sev_nmi_rip) == addr(sev_nmi_ret),
	       "the NMI arrives once (count %" PRIu64 ", RIP 0x%" PRIx64 ")",
	       rec(sev_nmi_count), rec(sev_nmi_rip));
}

/* 5-6: an IN in an STI shadow waits for user space; an interrupt is queued. */
static void in_in_sti_shadow(void)
{
	struct vmctl_vcpu_events *ev;
	struct vmctl_state_cpu *cpu;
	struct vmctl_exit exit;
	void *blob;
	int err;

	err = vmctl_vcpu_run_loop(cur->vcpu, &exit);
	if (err || exit.reason != LIBVMCTL_EXIT_UNHANDLED_IO || exit.io.port != SEV_IN_PORT)
		tap_bail("expected the IN from port 0x%x, got %d, %s", SEV_IN_PORT, err,
			 exit.message);
	err = vmctl_vcpu_complete_in(cur->vcpu, IN_VALUE);
	if (!err)
		err = vmctl_vcpu_interrupt(cur->vcpu, SEV_IRQ_VECTOR);
	if (!err)
		err = move_to_new_vm(&blob, true);
	ev = component(blob, VMCTL_STATE_EVENTS);
	cpu = component(blob, VMCTL_STATE_CPU);
	tap_ok(!err && ev->shadow == VMCTL_SHADOW_STI && cpu->interrupt_shadow == VMCTL_SHADOW_STI &&
	       ev->interrupt.pending,
	       "blob: STI shadow in EVENTS and CPU, the interrupt pending (%d, shadow %u/%u)",
	       err, ev->shadow, cpu->interrupt_shadow);
	free(blob);
	tap_ok(run_to_sync(6) && rec(sev_irq_count) == 3 &&
	       rec(sev_irq_rip) == addr(sev_after_in) && rec(sev_irq_r12) == 5,
	       "the IN completes, then the interrupt arrives once (count %" PRIu64
	       ", RIP 0x%" PRIx64 ", R12 %" PRIu64 ")", rec(sev_irq_count), rec(sev_irq_rip),
	       rec(sev_irq_r12));
}

/* 6-7: a HLT waiting in the kernel is saved as such. */
static void halted(void)
{
	struct vmctl_state_cpu *cpu;
	struct ucall uc = { 0 };
	struct vmctl_exit exit;
	uint64_t wall;
	void *blob;
	bool ok;
	int err;

	err = run_with_helper(true, &exit, &wall);
	tap_ok(err == -EINTR && exit.reason == VMCTL_EXIT_INTR && wall >= 250000000ULL,
	       "STI; HLT waits in the kernel until a kick (%d, %s, %" PRIu64 " ms)", err,
	       exit.message, wall / 1000000);
	err = move_to_new_vm(&blob, true);
	cpu = component(blob, VMCTL_STATE_CPU);
	tap_ok(!err && cpu->flags == VMCTL_STATE_CPU_HALTED,
	       "blob: CPU flags VMCTL_STATE_CPU_HALTED (%d, flags 0x%x)", err, cpu->flags);
	free(blob);
	err = run_with_helper(false, &exit, &wall);
	ok = !err && ucall_get(cur->vcpu, &exit, &uc) && uc.code == UCALL_SYNC && uc.arg == 7;
	tap_ok(ok && wall >= 250000000ULL && rec(sev_irq_count) == 4 &&
	       rec(sev_irq_rip) == addr(sev_after_hlt),
	       "the new VM halts on until an interrupt, delivered past the HLT (%d, %s, %" PRIu64
	       " ms, count %" PRIu64 ", RIP 0x%" PRIx64 ")", err, exit.message, wall / 1000000,
	       rec(sev_irq_count), rec(sev_irq_rip));
	err = vmctl_vcpu_run(cur->vcpu, &exit);
	tap_ok(!err && exit.reason == VMCTL_EXIT_HLT, "then HLT with IF clear exits (%s)",
	       exit.message);
}

int main(void)
{
	struct vmctl_long_mode lm = {
		.tables_gpa = GUEST_TABLES,
		.map_size = SEV_MAP_SIZE,
		.entry = GUEST_LOAD_ADDR,
		.stack = GUEST_STACK_TOP,
	};
	int err;

	tap_plan(3 + 3 + 4 + 2 + 4);
	tvm_create(cur, SEV_MEM_SIZE);
	err = vmctl_vm_write(cur->vm, GUEST_LOAD_ADDR, state_ev_begin,
			     state_ev_end - state_ev_begin);
	if (!err)
		err = vmctl_vcpu_setup_long_mode(cur->vcpu, &lm);
	if (err)
		tap_bail("loading state_ev: %s", vmctl_strerror(err));

	pending_irq();
	injected_irq();
	exception_and_nmi();
	in_in_sti_shadow();
	halted();
	tvm_destroy(cur);
	return tap_finish();
}
