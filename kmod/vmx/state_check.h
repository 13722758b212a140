/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The layout checks of a vCPU state blob (VMCTL_SET_STATE): pure
 * functions of the bytes, so that KUnit can try every rejection.
 */
#ifndef VMCTL_VMX_STATE_CHECK_H
#define VMCTL_VMX_STATE_CHECK_H

#include <linux/types.h>
#include <linux/vmctl.h>

/* One past the highest component type this module knows. */
#define VMX_STATE_NR_TYPES	(VMCTL_STATE_PENDING + 1)

/* Each known component's data in a blob, or NULL when the blob lacks it. */
struct vmx_state_parts {
	const void *data[VMX_STATE_NR_TYPES];
	u32 size[VMX_STATE_NR_TYPES];
};

/* Bytes a component of this type has, or 0 if it has a variable size. */
u32 vmx_state_fixed_size(u32 type);

int vmx_state_parse(const void *blob, u32 len, struct vmx_state_parts *parts);

#endif /* VMCTL_VMX_STATE_CHECK_H */
