// SPDX-License-Identifier: GPL-2.0
/*
 * The layout of a vCPU state blob, checked before any of it is used: the
 * header, then components back to back, each of its type's size, none
 * twice.  The values inside are checked by the code that applies them
 * (state_blob.c).
 */
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include "state_check.h"

u32 vmx_state_fixed_size(u32 type)
{
	switch (type) {
	case VMCTL_STATE_REGS:
		return sizeof(struct vmctl_regs);
	case VMCTL_STATE_SREGS:
		return sizeof(struct vmctl_sregs);
	case VMCTL_STATE_DEBUGREGS:
		return sizeof(struct vmctl_debugregs);
	case VMCTL_STATE_XSAVE:
		return sizeof(struct vmctl_xsave);
	case VMCTL_STATE_XCRS:
		return sizeof(struct vmctl_xcrs);
	case VMCTL_STATE_EVENTS:
		return sizeof(struct vmctl_vcpu_events);
	case VMCTL_STATE_CPU:
		return sizeof(struct vmctl_state_cpu);
	case VMCTL_STATE_PENDING:
		return sizeof(struct vmctl_state_pending);
	default:
		return 0;
	}
}

static int vmx_state_check_header(const struct vmctl_state_header *h, u32 len)
{
	if (h->magic != VMCTL_STATE_MAGIC)
		return -EINVAL;
	if (h->version != VMCTL_STATE_VERSION)
		return -EPROTO;
	if (h->size != len || (h->flags & ~VMCTL_STATE_IGNORE_UNKNOWN) ||
	    h->pad || h->reserved[0] || h->reserved[1])
		return -EINVAL;
	return 0;
}

/* The MSR list's size is its entry count's. */
static bool vmx_state_msrs_size_ok(const void *data, u32 size)
{
	const struct vmctl_state_msrs *m = data;

	if (size < sizeof(*m))
		return false;
	return size - sizeof(*m) == (u64)m->nmsrs * sizeof(m->entries[0]);
}

/*
 * Fills parts with where each component is.  Returns 0, -EINVAL, -EPROTO
 * or -EOPNOTSUPP as VMCTL_SET_STATE documents them; len is the blob's
 * bytes, at least a header (the caller copied that much).
 */
int vmx_state_parse(const void *blob, u32 len, struct vmx_state_parts *parts)
{
	const struct vmctl_state_header *h = blob;
	u32 off = sizeof(*h), i;
	int err;

	memset(parts, 0, sizeof(*parts));
	if (len < sizeof(*h))
		return -EINVAL;
	err = vmx_state_check_header(h, len);
	if (err)
		return err;
	for (i = 0; i < h->nr_components; i++) {
		const struct vmctl_state_component *c = blob + off;
		const void *data = c + 1;
		u32 fixed;

		if (len - off < sizeof(*c) || c->size % 8 ||
		    c->size > len - off - sizeof(*c))
			return -EINVAL;
		off += sizeof(*c) + c->size;
		if (c->type >= VMX_STATE_NR_TYPES || !c->type) {
			if (h->flags & VMCTL_STATE_IGNORE_UNKNOWN)
				continue;
			return -EOPNOTSUPP;
		}
		if (parts->data[c->type])
			return -EINVAL;
		fixed = vmx_state_fixed_size(c->type);
		if (fixed ? c->size != fixed :
			    !vmx_state_msrs_size_ok(data, c->size))
			return -EINVAL;
		parts->data[c->type] = data;
		parts->size[c->type] = c->size;
	}
	/* Nothing may follow the components: the sizes must add up. */
	return off == len ? 0 : -EINVAL;
}
