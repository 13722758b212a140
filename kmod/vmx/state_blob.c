// SPDX-License-Identifier: GPL-2.0
/*
 * Guest state as user space saves and restores it: debug registers, the
 * XSAVE image and XCRs one at a time, and the whole vCPU as one blob
 * (the uapi header's VMCTL_GET_STATE).  The blob's components are those
 * of the single ioctls (events included) plus what no ioctl shows
 * (interrupt shadow, a HLT waiting in the kernel, an instruction waiting
 * for user space), so that a vCPU restored from it into a fresh VM
 * continues exactly.
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <asm/processor-flags.h>

#include "entry_checks.h"
#include "fpu.h"
#include "state_check.h"
#include "vmx.h"
#include "vmx_ops.h"

/* More than msr.c will ever keep; the blob's list is bounded by it. */

#define VMX_SHADOW_BITS	(VMCTL_SHADOW_STI | VMCTL_SHADOW_MOV_SS | VMCTL_SHADOW_NMI)

int vmx_get_debugregs(struct vmctl_vcpu *vcpu, struct vmctl_debugregs *d)
{
	struct vmx_vcpu *v = vcpu->arch;

	memset(d, 0, sizeof(*d));
	vmx_vcpu_get(v);
	vmx_read_debugregs(v, d);
	return vmx_vcpu_put();
}

static int vmx_check_debugregs_all(const struct vmctl_debugregs *d)
{
	if (d->flags || memchr_inv(d->reserved, 0, sizeof(d->reserved)))
		return -EINVAL;
	return vmx_check_debugregs(d);
}

int vmx_set_debugregs(struct vmctl_vcpu *vcpu, const struct vmctl_debugregs *d)
{
	struct vmx_vcpu *v = vcpu->arch;

	if (vmx_check_debugregs_all(d))
		return -EINVAL;
	vmx_vcpu_get(v);
	vmx_write_debugregs(v, d);
	return vmx_vcpu_put();
}

int vmx_get_xsave(struct vmctl_vcpu *vcpu, struct vmctl_xsave *x)
{
	vmx_read_xsave(vcpu->arch, x->region, sizeof(x->region));
	return 0;
}

int vmx_set_xsave(struct vmctl_vcpu *vcpu, const struct vmctl_xsave *x)
{
	if (vmx_check_xsave(x->region))
		return -EINVAL;
	vmx_write_xsave(vcpu->arch, x->region, sizeof(x->region));
	return 0;
}

int vmx_get_xcrs(struct vmctl_vcpu *vcpu, struct vmctl_xcrs *x)
{
	memset(x, 0, sizeof(*x));
	if (vmx_xsave_mask) {
		x->nr_xcrs = 1;
		x->xcrs[0].xcr = VMCTL_XCR_XFEATURE_ENABLED;
		x->xcrs[0].value = vmx_xsave_mask;
	}
	return 0;
}

/* The guest's XCR0 is fixed: the only value accepted is the one it has. */
static int vmx_check_xcrs(const struct vmctl_xcrs *x)
{
	u32 i;

	if (x->nr_xcrs > VMCTL_MAX_XCRS || x->flags ||
	    memchr_inv(x->padding, 0, sizeof(x->padding)))
		return -EINVAL;
	for (i = 0; i < x->nr_xcrs; i++) {
		if (x->xcrs[i].xcr != VMCTL_XCR_XFEATURE_ENABLED ||
		    x->xcrs[i].reserved || !vmx_xsave_mask ||
		    x->xcrs[i].value != vmx_xsave_mask)
			return -EINVAL;
	}
	return 0;
}

int vmx_set_xcrs(struct vmctl_vcpu *vcpu, const struct vmctl_xcrs *x)
{
	return vmx_check_xcrs(x);
}

/* ------------------------------------------------------------------------ */
/* The blob                                                                   */
/* ------------------------------------------------------------------------ */

struct vmx_state_writer {
	void *blob;
	u32 max;			/* bytes of blob */
	u32 size;			/* bytes written, or needed once past max */
	u32 nr;
};

/* Room for one component's data, zeroed; NULL once the blob is full. */
static void *vmx_state_add(struct vmx_state_writer *w, u32 type, u32 size)
{
	struct vmctl_state_component *c = w->blob + w->size;
	u32 at = w->size;

	w->size += sizeof(*c) + size;
	w->nr++;
	if (w->size > w->max)
		return NULL;
	c->type = type;
	c->size = size;
	memset(c + 1, 0, size);
	return w->blob + at + sizeof(*c);
}

static void vmx_state_get_msrs(struct vmx_vcpu *v, struct vmx_state_writer *w)
{
	u32 idx[VMX_STATE_MAX_MSRS];
	struct vmctl_state_msrs *m;
	unsigned int n, i;

	n = min_t(unsigned int, vmx_state_msr_list(idx, ARRAY_SIZE(idx)),
		  ARRAY_SIZE(idx));
	m = vmx_state_add(w, VMCTL_STATE_MSRS,
			  sizeof(*m) + n * sizeof(m->entries[0]));
	if (!m)
		return;
	m->nmsrs = n;
	for (i = 0; i < n; i++) {
		m->entries[i].index = idx[i];
		m->entries[i].data = vmx_state_get_msr(v, idx[i]);
	}
}

static void vmx_state_get_pending(struct vmx_vcpu *v, struct vmctl_state_pending *p)
{
	struct vmctl_run *run = vmx_run(v);

	if (v->io_in_pending) {
		p->kind = VMCTL_PENDING_IN;
		p->size = v->io_size;
		p->insn_len = v->io_insn_len;
		p->data = READ_ONCE(run->io.data);
	} else if (v->hypercall_pending) {
		p->kind = VMCTL_PENDING_HYPERCALL;
		p->insn_len = v->hypercall_insn_len;
		p->long_mode = v->hypercall_long_mode;
		p->data = READ_ONCE(run->hypercall.ret);
	}
}

/*
 * Writes the blob into blob (max bytes, kernel memory).  Returns its size,
 * which may exceed max (then only the size is meaningful), or an errno.
 */
int vmx_get_state(struct vmctl_vcpu *vcpu, void *blob, u32 max)
{
	struct vmx_vcpu *v = vcpu->arch;
	struct vmx_state_writer w = { .blob = blob, .max = max };
	struct vmctl_state_header *h = blob;
	struct vmctl_state_cpu *cpu;
	void *p;
	int err = 0;

	if (max < sizeof(*h))
		return -EINVAL;
	memset(h, 0, sizeof(*h));
	w.size = sizeof(*h);

	p = vmx_state_add(&w, VMCTL_STATE_REGS, sizeof(struct vmctl_regs));
	if (p)
		err = err ?: vmx_get_regs(vcpu, p);
	p = vmx_state_add(&w, VMCTL_STATE_SREGS, sizeof(struct vmctl_sregs));
	if (p)
		err = err ?: vmx_get_sregs(vcpu, p);
	p = vmx_state_add(&w, VMCTL_STATE_DEBUGREGS, sizeof(struct vmctl_debugregs));
	if (p)
		err = err ?: vmx_get_debugregs(vcpu, p);
	p = vmx_state_add(&w, VMCTL_STATE_XSAVE, sizeof(struct vmctl_xsave));
	if (p)
		vmx_get_xsave(vcpu, p);
	p = vmx_state_add(&w, VMCTL_STATE_XCRS, sizeof(struct vmctl_xcrs));
	if (p)
		vmx_get_xcrs(vcpu, p);
	vmx_vcpu_get(v);
	vmx_state_get_msrs(v, &w);
	err = vmx_vcpu_put() ?: err;
	p = vmx_state_add(&w, VMCTL_STATE_EVENTS, sizeof(struct vmctl_vcpu_events));
	if (p)
		err = err ?: vmx_get_vcpu_events(vcpu, p);
	cpu = vmx_state_add(&w, VMCTL_STATE_CPU, sizeof(*cpu));
	if (cpu) {
		vmx_vcpu_get(v);
		cpu->interrupt_shadow = vmcs_read32(VMCS_GUEST_INTERRUPTIBILITY) &
					VMX_SHADOW_BITS;
		err = err ?: vmx_vcpu_put();
		if (v->halted)
			cpu->flags |= VMCTL_STATE_CPU_HALTED;
	}
	p = vmx_state_add(&w, VMCTL_STATE_PENDING, sizeof(struct vmctl_state_pending));
	if (p)
		vmx_state_get_pending(v, p);
	if (err)
		return err;

	h->magic = VMCTL_STATE_MAGIC;
	h->version = VMCTL_STATE_VERSION;
	h->size = w.size;
	h->nr_components = w.nr;
	return w.size;
}

static bool vmx_sregs_pad_clear(const struct vmctl_sregs *s)
{
	const struct vmctl_segment *seg[] = {
		&s->cs, &s->ds, &s->es, &s->fs, &s->gs, &s->ss, &s->tr, &s->ldt,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(seg); i++)
		if (seg[i]->pad)
			return false;
	return !memchr_inv(s->gdt.pad, 0, sizeof(s->gdt.pad)) &&
	       !memchr_inv(s->idt.pad, 0, sizeof(s->idt.pad));
}

static int vmx_state_check_msrs(struct vmx_vcpu *v,
				const struct vmctl_state_msrs *m)
{
	u32 i;

	if (m->pad || m->nmsrs > VMX_STATE_MAX_MSRS)
		return -EINVAL;
	for (i = 0; i < m->nmsrs; i++)
		if (m->entries[i].reserved ||
		    vmx_state_check_msr(v, m->entries[i].index,
					m->entries[i].data))
			return -EINVAL;
	return 0;
}

static int vmx_state_check_cpu(const struct vmctl_state_cpu *c)
{
	if ((c->flags & ~VMCTL_STATE_CPU_HALTED) ||
	    memchr_inv(c->reserved, 0, sizeof(c->reserved)) ||
	    (c->interrupt_shadow & ~VMX_SHADOW_BITS))
		return -EINVAL;
	/* Both shadows at once fail VM entry (SDM 27.3.1.5). */
	if ((c->interrupt_shadow & VMCTL_SHADOW_STI) &&
	    (c->interrupt_shadow & VMCTL_SHADOW_MOV_SS))
		return -EINVAL;
	return 0;
}

static int vmx_state_check_pending(const struct vmctl_state_pending *p)
{
	if (p->pad || p->reserved[0] || p->reserved[1] || p->long_mode > 1)
		return -EINVAL;
	switch (p->kind) {
	case 0:
		return p->size || p->insn_len || p->long_mode || p->data ?
		       -EINVAL : 0;
	case VMCTL_PENDING_IN:
		if (p->size != 1 && p->size != 2 && p->size != 4)
			return -EINVAL;
		break;
	case VMCTL_PENDING_HYPERCALL:
		if (p->size)
			return -EINVAL;
		break;
	default:
		return -EINVAL;
	}
	/* x86 instructions are 1 to 15 bytes. */
	return p->insn_len && p->insn_len <= 15 ? 0 : -EINVAL;
}

/*
 * The events as SET_VCPU_EVENTS would judge them once the blob's
 * registers are in place, and the same shadows as the CPU component.
 */
static int vmx_state_check_events(struct vmx_vcpu *v, const struct vmx_state_parts *s)
{
	const struct vmctl_vcpu_events *ev = s->data[VMCTL_STATE_EVENTS];
	const struct vmctl_state_cpu *cpu = s->data[VMCTL_STATE_CPU];
	const struct vmctl_sregs *sregs = s->data[VMCTL_STATE_SREGS];
	const struct vmctl_regs *regs = s->data[VMCTL_STATE_REGS];
	unsigned long rflags, cr0;
	u32 info, shadow;
	int err;

	if (cpu) {
		shadow = ev->shadow | (ev->nmi.masked ? VMCTL_SHADOW_NMI : 0);
		if (shadow != cpu->interrupt_shadow)
			return -EINVAL;
	}
	vmx_vcpu_get(v);
	rflags = regs ? regs->rflags : vmcs_readl(VMCS_GUEST_RFLAGS);
	cr0 = sregs ? sregs->cr0 : vmcs_readl(VMCS_CR0_READ_SHADOW);
	err = vmx_vcpu_put();
	return err ?: vmx_check_vcpu_events(ev, cr0 & X86_CR0_PE, rflags, &info);
}

/* Everything the single ioctls would refuse, before anything changes. */
static int vmx_state_check(struct vmx_vcpu *v, const struct vmx_state_parts *s)
{
	const struct vmctl_sregs *sregs = s->data[VMCTL_STATE_SREGS];

	if (s->data[VMCTL_STATE_REGS] && vmx_check_regs(s->data[VMCTL_STATE_REGS]))
		return -EINVAL;
	if (sregs && (!vmx_sregs_pad_clear(sregs) || vmx_check_sregs(sregs)))
		return -EINVAL;
	if (s->data[VMCTL_STATE_DEBUGREGS] &&
	    vmx_check_debugregs_all(s->data[VMCTL_STATE_DEBUGREGS]))
		return -EINVAL;
	if (s->data[VMCTL_STATE_XSAVE] && vmx_check_xsave(s->data[VMCTL_STATE_XSAVE]))
		return -EINVAL;
	if (s->data[VMCTL_STATE_XCRS] && vmx_check_xcrs(s->data[VMCTL_STATE_XCRS]))
		return -EINVAL;
	if (s->data[VMCTL_STATE_MSRS] && vmx_state_check_msrs(v, s->data[VMCTL_STATE_MSRS]))
		return -EINVAL;
	if (s->data[VMCTL_STATE_CPU] && vmx_state_check_cpu(s->data[VMCTL_STATE_CPU]))
		return -EINVAL;
	if (s->data[VMCTL_STATE_EVENTS] && vmx_state_check_events(v, s))
		return -EINVAL;
	if (s->data[VMCTL_STATE_PENDING] &&
	    vmx_state_check_pending(s->data[VMCTL_STATE_PENDING]))
		return -EINVAL;
	return 0;
}

static void vmx_state_set_pending(struct vmx_vcpu *v, const struct vmctl_state_pending *p)
{
	struct vmctl_run *run = vmx_run(v);

	v->io_in_pending = p->kind == VMCTL_PENDING_IN;
	v->hypercall_pending = p->kind == VMCTL_PENDING_HYPERCALL;
	if (v->io_in_pending) {
		v->io_size = p->size;
		v->io_insn_len = p->insn_len;
		WRITE_ONCE(run->io.data, p->data);
	} else if (v->hypercall_pending) {
		v->hypercall_insn_len = p->insn_len;
		v->hypercall_long_mode = p->long_mode;
		WRITE_ONCE(run->hypercall.ret, p->data);
	}
}

/* Applies checked components, in an order where none undoes another. */
static int vmx_state_apply(struct vmctl_vcpu *vcpu, const struct vmx_state_parts *s)
{
	const struct vmctl_state_msrs *msrs = s->data[VMCTL_STATE_MSRS];
	const struct vmctl_state_cpu *cpu = s->data[VMCTL_STATE_CPU];
	struct vmx_vcpu *v = vcpu->arch;
	int err = 0;
	u32 i;

	if (s->data[VMCTL_STATE_SREGS])
		err = vmx_set_sregs(vcpu, s->data[VMCTL_STATE_SREGS]);
	/* SET_REGS after SET_SREGS: it may drop an STI shadow (IF clear). */
	if (s->data[VMCTL_STATE_REGS])
		err = err ?: vmx_set_regs(vcpu, s->data[VMCTL_STATE_REGS]);
	if (s->data[VMCTL_STATE_DEBUGREGS])
		err = err ?: vmx_set_debugregs(vcpu, s->data[VMCTL_STATE_DEBUGREGS]);
	if (s->data[VMCTL_STATE_XSAVE])
		vmx_write_xsave(v, s->data[VMCTL_STATE_XSAVE], sizeof(struct vmctl_xsave));
	if (msrs) {
		vmx_vcpu_get(v);
		for (i = 0; i < msrs->nmsrs; i++)
			err = err ?: vmx_state_set_msr(v, msrs->entries[i].index,
						       msrs->entries[i].data);
		err = vmx_vcpu_put() ?: err;
	}
	if (cpu) {
		vmx_vcpu_get(v);
		vmcs_write32(VMCS_GUEST_INTERRUPTIBILITY,
			     (vmcs_read32(VMCS_GUEST_INTERRUPTIBILITY) &
			      ~VMX_SHADOW_BITS) | cpu->interrupt_shadow);
		err = vmx_vcpu_put() ?: err;
		v->halted = cpu->flags & VMCTL_STATE_CPU_HALTED;
		if (v->halted)
			set_bit(VMX_REQ_EVENTS, &v->requests);
	}
	/* After the registers and shadows: it is judged against them. */
	if (s->data[VMCTL_STATE_EVENTS])
		err = err ?: vmx_set_vcpu_events(vcpu, s->data[VMCTL_STATE_EVENTS]);
	/* Last: setting registers above discarded any pending instruction. */
	if (s->data[VMCTL_STATE_PENDING])
		vmx_state_set_pending(v, s->data[VMCTL_STATE_PENDING]);
	v->check_guest_state = true;
	return err;
}

/* The module's VM-entry checks on the state as it now is in the VMCS. */
static int vmx_state_entry_check(struct vmx_vcpu *v)
{
	struct vmx_guest_state *gs = kmalloc(sizeof(*gs), GFP_KERNEL);
	char msg[128];
	const char *what;
	int err;

	if (!gs)
		return -ENOMEM;
	vmx_vcpu_get(v);
	vmx_read_guest_state(v, gs);
	what = vmx_check_guest_state(gs, msg, sizeof(msg));
	err = vmx_vcpu_put();
	kfree(gs);
	return err ?: what ? -EINVAL : 0;
}

/*
 * blob is len bytes of kernel memory, at least a header.  On any error
 * the vCPU keeps the state it had.
 */
int vmx_set_state(struct vmctl_vcpu *vcpu, const void *blob, u32 len)
{
	struct vmx_state_parts *parts, *old_parts;
	void *old;
	int err, size;

	parts = kmalloc(2 * sizeof(*parts), GFP_KERNEL);
	if (!parts)
		return -ENOMEM;
	old_parts = parts + 1;
	err = vmx_state_parse(blob, len, parts);
	if (!err)
		err = vmx_state_check(vcpu->arch, parts);
	if (err)
		goto out_parts;

	/*
	 * Segments are judged by the entry checks, on the state in the
	 * VMCS: apply, check, and put the old state back if they refuse.
	 */
	err = -ENOMEM;
	old = kvmalloc(VMCTL_STATE_MAX_SIZE, GFP_KERNEL);
	if (!old)
		goto out_parts;
	size = vmx_get_state(vcpu, old, VMCTL_STATE_MAX_SIZE);
	err = size < 0 ? size : vmx_state_parse(old, size, old_parts);
	if (err)
		goto out_old;
	err = vmx_state_apply(vcpu, parts);
	if (!err)
		err = vmx_state_entry_check(vcpu->arch);
	if (err)
		vmx_state_apply(vcpu, old_parts);
out_old:
	kvfree(old);
out_parts:
	kfree(parts);
	return err;
}
