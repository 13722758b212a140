// SPDX-License-Identifier: GPL-2.0
/*
 * The statistics family over generic netlink: the list of live VMs, dumps
 * of VMs and of one VM's vCPUs with their counters, the descriptors of
 * those counters, and events when VMs come and go.  Who may see what is
 * written down in <linux/vmctl.h> beside VMCTL_GENL_NAME.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cred.h>
#include <linux/file.h>
#include <linux/mutex.h>
#include <linux/net.h>
#include <linux/netlink.h>
#include <linux/xarray.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include <net/sock.h>

#include "compat.h"
#include "core.h"

/*
 * Live VMs by id.  The mutex keeps a VM from being freed while a request
 * reads it; a VM leaves the array (under the mutex) before it is freed.
 * Ids are handed out cyclically, so that a dump resumed after a VM died
 * does not meet a newcomer under the old id.
 */
static DEFINE_MUTEX(vmctl_vms_lock);
static DEFINE_XARRAY_ALLOC1(vmctl_vms);
static u32 vmctl_vms_next_id;

static struct genl_family vmctl_genl_family;

int vmctl_genl_vm_add(struct vmctl_vm *vm)
{
	int ret;

	mutex_lock(&vmctl_vms_lock);
	ret = xa_alloc_cyclic(&vmctl_vms, &vm->id, vm, xa_limit_31b,
			      &vmctl_vms_next_id, GFP_KERNEL_ACCOUNT);
	mutex_unlock(&vmctl_vms_lock);
	return ret < 0 ? ret : 0;
}

void vmctl_genl_vm_del(struct vmctl_vm *vm)
{
	mutex_lock(&vmctl_vms_lock);
	xa_erase(&vmctl_vms, vm->id);
	mutex_unlock(&vmctl_vms_lock);
}

/*
 * A VM is visible to its creator's effective uid and to CAP_SYS_ADMIN,
 * judged, as netlink_capable() judges, on whoever opened the socket the
 * request came from, so that handing the socket on does not widen it.
 */
static bool vmctl_genl_may_see(struct sk_buff *request,
			       const struct vmctl_vm *vm)
{
	struct sock *sk = NETLINK_CB(request).sk;

	if (netlink_capable(request, CAP_SYS_ADMIN))
		return true;
	if (!sk || !sk->sk_socket || !sk->sk_socket->file)
		return false;
	return uid_eq(sk->sk_socket->file->f_cred->euid, vm->uid);
}

/* ------------------------------------------------------------------------ */
/* Filling messages                                                          */
/* ------------------------------------------------------------------------ */

static int vmctl_genl_put_u64s(struct sk_buff *skb, int nest_type,
			       const u64 *values, unsigned int n,
			       bool skip_zero)
{
	struct nlattr *nest = nla_nest_start(skb, nest_type);
	unsigned int i;

	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < n; i++) {
		if (skip_zero && !values[i])
			continue;
		/* Type 0 pads: no value lives under it. */
		if (nla_put_u64_64bit(skb, i + 1, values[i], 0))
			goto cancel;
	}
	nla_nest_end(skb, nest);
	return 0;

cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

/* Adds one vCPU's counters to sums (NULL reasons: not wanted). */
static void vmctl_genl_sum_vcpu(const struct vmctl_vcpu_stats *stats,
				u64 *counters, u64 *io_ports, u64 *reasons)
{
	unsigned int i;

	for (i = 0; i < VMCTL_STAT_NR; i++)
		counters[i] += vmctl_stat_read(&stats->counters[i]);
	for (i = 0; i < VMCTL_PORT_RANGES; i++)
		io_ports[i] += vmctl_stat_read(&stats->io_ports[i]);
	for (i = 0; reasons && i < stats->nr_reasons; i++)
		reasons[i] += vmctl_stat_read(&stats->exits_by_reason[i]);
}

/* Called with vm->lock held: the vCPU array and the slots hold still. */
static u32 vmctl_genl_vm_state(const struct vmctl_vm *vm)
{
	unsigned int id, seen = 0, halted = 0, running = 0, shutdown = 0;
	unsigned int stopped = 0;

	for (id = 0; id < VMCTL_MAX_VCPUS; id++) {
		const struct vmctl_vcpu *vcpu = vm->vcpus[id];

		if (!vcpu)
			continue;
		switch (READ_ONCE(vcpu->stats->state)) {
		case VMCTL_VCPU_RUNNING:
			running++;
			break;
		case VMCTL_VCPU_HALTED:
			halted++;
			break;
		case VMCTL_VCPU_SHUTDOWN:
			shutdown++;
			break;
		case VMCTL_VCPU_STOPPED:
			stopped++;
			break;
		}
		seen++;
	}
	if (shutdown)
		return VMCTL_VM_STATE_SHUTDOWN;
	if (running)
		return VMCTL_VM_STATE_RUNNING;
	if (seen && halted == seen)
		return VMCTL_VM_STATE_HALTED;
	if (halted || stopped)
		return VMCTL_VM_STATE_STOPPED;
	return VMCTL_VM_STATE_CREATED;
}

static int vmctl_genl_put_vm_identity(struct sk_buff *skb,
				      const struct vmctl_vm *vm)
{
	if (nla_put_u32(skb, VMCTL_ATTR_VM_ID, vm->id) ||
	    nla_put_string(skb, VMCTL_ATTR_NAME, vm->name) ||
	    nla_put_u32(skb, VMCTL_ATTR_PID, vm->pid) ||
	    nla_put_u32(skb, VMCTL_ATTR_UID,
			from_kuid_munged(&init_user_ns, vm->uid)))
		return -EMSGSIZE;
	return 0;
}

/* Called with vm->lock held. */
static int vmctl_genl_put_vm(struct sk_buff *skb, const struct vmctl_vm *vm)
{
	u32 nr_reasons = vmctl_backend->nr_exit_reasons;
	u64 counters[VMCTL_STAT_NR] = {};
	u64 io_ports[VMCTL_PORT_RANGES] = {};
	unsigned int id, nr_vcpus = 0;
	u64 mem_bytes = 0;
	u64 *reasons;
	int ret;

	reasons = kcalloc(nr_reasons, sizeof(*reasons), GFP_KERNEL);
	if (!reasons)
		return -ENOMEM;
	for (id = 0; id < VMCTL_MAX_VCPUS; id++) {
		if (!vm->vcpus[id])
			continue;
		vmctl_genl_sum_vcpu(vm->vcpus[id]->stats, counters, io_ports,
				    reasons);
		nr_vcpus++;
	}
	for (id = 0; id < VMCTL_MAX_SLOTS; id++)
		if (vm->slots[id])
			mem_bytes += vm->slots[id]->size;

	ret = -EMSGSIZE;
	if (vmctl_genl_put_vm_identity(skb, vm) ||
	    nla_put_u32(skb, VMCTL_ATTR_NR_VCPUS, nr_vcpus) ||
	    nla_put_u64_64bit(skb, VMCTL_ATTR_MEM_BYTES, mem_bytes,
			      VMCTL_ATTR_PAD) ||
	    nla_put_u32(skb, VMCTL_ATTR_STATE, vmctl_genl_vm_state(vm)) ||
	    nla_put_u64_64bit(skb, VMCTL_ATTR_CREATED_NS, vm->created_ns,
			      VMCTL_ATTR_PAD) ||
	    vmctl_genl_put_u64s(skb, VMCTL_ATTR_COUNTERS, counters,
				VMCTL_STAT_NR, false) ||
	    vmctl_genl_put_u64s(skb, VMCTL_ATTR_EXIT_REASONS, reasons,
				nr_reasons, true) ||
	    vmctl_genl_put_u64s(skb, VMCTL_ATTR_IO_PORTS, io_ports,
				VMCTL_PORT_RANGES, true))
		goto out;
	ret = 0;
out:
	kfree(reasons);
	return ret;
}

static int vmctl_genl_put_vcpu(struct sk_buff *skb,
			       const struct vmctl_vcpu *vcpu)
{
	const struct vmctl_vcpu_stats *stats = vcpu->stats;
	u64 counters[VMCTL_STAT_NR] = {};
	u64 io_ports[VMCTL_PORT_RANGES] = {};
	u64 buckets[VMCTL_LATENCY_BUCKETS];
	struct nlattr *latency, *reason;
	unsigned int r, b;
	u64 *reasons;
	int ret = -ENOMEM;

	reasons = kcalloc(stats->nr_reasons, sizeof(*reasons), GFP_KERNEL);
	if (!reasons)
		return ret;
	vmctl_genl_sum_vcpu(stats, counters, io_ports, reasons);

	ret = -EMSGSIZE;
	if (nla_put_u32(skb, VMCTL_ATTR_VM_ID, vcpu->vm->id) ||
	    nla_put_u32(skb, VMCTL_ATTR_VCPU_ID, vcpu->id) ||
	    vmctl_genl_put_u64s(skb, VMCTL_ATTR_COUNTERS, counters,
				VMCTL_STAT_NR, false) ||
	    vmctl_genl_put_u64s(skb, VMCTL_ATTR_EXIT_REASONS, reasons,
				stats->nr_reasons, true) ||
	    vmctl_genl_put_u64s(skb, VMCTL_ATTR_IO_PORTS, io_ports,
				VMCTL_PORT_RANGES, true))
		goto out;

	latency = nla_nest_start(skb, VMCTL_ATTR_LATENCY);
	if (!latency)
		goto out;
	for (r = 0; r < stats->nr_reasons; r++) {
		if (!reasons[r])
			continue;
		for (b = 0; b < VMCTL_LATENCY_BUCKETS; b++)
			buckets[b] = vmctl_stat_read(&stats->latency[r][b]);
		reason = nla_nest_start(skb, r + 1);
		if (!reason)
			goto out;
		for (b = 0; b < VMCTL_LATENCY_BUCKETS; b++)
			if (buckets[b] &&
			    nla_put_u64_64bit(skb, b + 1, buckets[b], 0))
				goto out;
		nla_nest_end(skb, reason);
	}
	nla_nest_end(skb, latency);
	ret = 0;
out:
	kfree(reasons);
	return ret;
}

/* ------------------------------------------------------------------------ */
/* Requests                                                                  */
/* ------------------------------------------------------------------------ */

/* Finds a VM the request may see; vmctl_vms_lock held. */
static struct vmctl_vm *vmctl_genl_find_vm(struct sk_buff *request, u32 id)
{
	struct vmctl_vm *vm = xa_load(&vmctl_vms, id);

	if (!vm || !vmctl_genl_may_see(request, vm))
		return NULL;
	return vm;
}

static int vmctl_genl_get_vm_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	struct vmctl_vm *vm;
	void *hdr;
	int ret;

	if (GENL_REQ_ATTR_CHECK(info, VMCTL_ATTR_VM_ID))
		return -EINVAL;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &vmctl_genl_family, 0,
				VMCTL_CMD_GET_VM);
	if (!hdr) {
		ret = -EMSGSIZE;
		goto out_free;
	}

	mutex_lock(&vmctl_vms_lock);
	vm = vmctl_genl_find_vm(skb, nla_get_u32(info->attrs[VMCTL_ATTR_VM_ID]));
	if (!vm) {
		mutex_unlock(&vmctl_vms_lock);
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[VMCTL_ATTR_VM_ID],
				    "no such VM visible to this user");
		ret = -ENOENT;
		goto out_free;
	}
	mutex_lock(&vm->lock);
	ret = vmctl_genl_put_vm(msg, vm);
	mutex_unlock(&vm->lock);
	mutex_unlock(&vmctl_vms_lock);
	if (ret)
		goto out_free;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

out_free:
	nlmsg_free(msg);
	return ret;
}

static int vmctl_genl_get_vm_dumpit(struct sk_buff *skb,
				    struct netlink_callback *cb)
{
	unsigned long index;
	struct vmctl_vm *vm;
	void *hdr;
	int ret = 0;

	mutex_lock(&vmctl_vms_lock);
	xa_for_each_start(&vmctl_vms, index, vm, cb->args[0]) {
		if (!vmctl_genl_may_see(cb->skb, vm))
			continue;
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &vmctl_genl_family,
				  NLM_F_MULTI, VMCTL_CMD_GET_VM);
		if (!hdr) {
			ret = -EMSGSIZE;
			break;
		}
		mutex_lock(&vm->lock);
		ret = vmctl_genl_put_vm(skb, vm);
		mutex_unlock(&vm->lock);
		if (ret) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
		cb->args[0] = index + 1;
	}
	mutex_unlock(&vmctl_vms_lock);
	/* A full message ends this part; the next one resumes at index. */
	if (ret == -EMSGSIZE && skb->len)
		return skb->len;
	return ret ? ret : skb->len;
}

/* Refuses a vCPU dump without a visible VM before anything is sent. */
static int vmctl_genl_get_vcpu_start(struct netlink_callback *cb)
{
	struct nlattr *id = vmctl_genl_dump_attrs(cb)[VMCTL_ATTR_VM_ID];
	bool found;

	if (!id) {
		NL_SET_ERR_MSG(cb->extack, "VMCTL_ATTR_VM_ID is required");
		return -EINVAL;
	}
	mutex_lock(&vmctl_vms_lock);
	found = vmctl_genl_find_vm(cb->skb, nla_get_u32(id));
	mutex_unlock(&vmctl_vms_lock);
	if (!found) {
		NL_SET_ERR_MSG_ATTR(cb->extack, id, "no such VM visible to this user");
		return -ENOENT;
	}
	cb->args[1] = nla_get_u32(id);
	return 0;
}

static int vmctl_genl_get_vcpu_dumpit(struct sk_buff *skb,
				      struct netlink_callback *cb)
{
	struct vmctl_vm *vm;
	unsigned int id;
	void *hdr;
	int ret = 0;

	mutex_lock(&vmctl_vms_lock);
	/* Gone since the start: the dump just ends. */
	vm = vmctl_genl_find_vm(cb->skb, cb->args[1]);
	if (!vm)
		goto out;
	mutex_lock(&vm->lock);
	for (id = cb->args[0]; id < VMCTL_MAX_VCPUS; id++) {
		if (!vm->vcpus[id])
			continue;
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &vmctl_genl_family,
				  NLM_F_MULTI, VMCTL_CMD_GET_VCPU);
		if (!hdr) {
			ret = -EMSGSIZE;
			break;
		}
		ret = vmctl_genl_put_vcpu(skb, vm->vcpus[id]);
		if (ret) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
		cb->args[0] = id + 1;
	}
	mutex_unlock(&vm->lock);
out:
	mutex_unlock(&vmctl_vms_lock);
	if (ret == -EMSGSIZE && skb->len)
		return skb->len;
	return ret ? ret : skb->len;
}

static int vmctl_genl_put_descs(struct sk_buff *msg)
{
	const struct vmctl_exit_reason_desc *reasons = vmctl_backend->exit_reasons;
	struct nlattr *list, *desc;
	unsigned int i;

	list = nla_nest_start(msg, VMCTL_ATTR_COUNTER_DESCS);
	if (!list)
		return -EMSGSIZE;
	for (i = 0; i < VMCTL_STAT_NR; i++) {
		desc = nla_nest_start(msg, i + 1);
		if (!desc ||
		    nla_put_string(msg, VMCTL_ATTR_DESC_NAME,
				   vmctl_stat_descs[i].name) ||
		    nla_put_u32(msg, VMCTL_ATTR_DESC_UNIT, vmctl_stat_descs[i].unit) ||
		    nla_put_u32(msg, VMCTL_ATTR_DESC_KIND, vmctl_stat_descs[i].kind))
			return -EMSGSIZE;
		nla_nest_end(msg, desc);
	}
	nla_nest_end(msg, list);

	list = nla_nest_start(msg, VMCTL_ATTR_EXIT_REASON_NAMES);
	if (!list)
		return -EMSGSIZE;
	for (i = 0; i < vmctl_backend->nr_exit_reasons; i++)
		if (reasons[i].name &&
		    nla_put_string(msg, i + 1, reasons[i].name))
			return -EMSGSIZE;
	nla_nest_end(msg, list);
	if (nla_put_u32(msg, VMCTL_ATTR_LATENCY_BUCKETS, VMCTL_LATENCY_BUCKETS))
		return -EMSGSIZE;

	list = nla_nest_start(msg, VMCTL_ATTR_IO_PORT_DESCS);
	if (!list)
		return -EMSGSIZE;
	for (i = 0; i < VMCTL_PORT_RANGES; i++) {
		const struct vmctl_port_range *range = &vmctl_port_ranges[i];

		desc = nla_nest_start(msg, i + 1);
		if (!desc ||
		    nla_put_string(msg, VMCTL_ATTR_DESC_NAME, range->name) ||
		    nla_put_u16(msg, VMCTL_ATTR_PORT_FIRST, range->first) ||
		    nla_put_u16(msg, VMCTL_ATTR_PORT_LAST, range->last))
			return -EMSGSIZE;
		nla_nest_end(msg, desc);
	}
	nla_nest_end(msg, list);
	return 0;
}

static int vmctl_genl_get_desc_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	void *hdr;
	int ret;

	msg = genlmsg_new(2 * NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &vmctl_genl_family, 0,
				VMCTL_CMD_GET_DESC);
	ret = hdr ? vmctl_genl_put_descs(msg) : -EMSGSIZE;
	if (ret) {
		nlmsg_free(msg);
		return ret;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/* ------------------------------------------------------------------------ */
/* Events                                                                    */
/* ------------------------------------------------------------------------ */

/* Indexes into vmctl_genl_mcgrps[]. */
enum vmctl_genl_group {
	VMCTL_GENL_GROUP_EVENTS,
	VMCTL_GENL_GROUP_NOTIFY,
};

/* An event with the VM's identity (events), or its id only (notify). */
static struct sk_buff *vmctl_genl_event_msg(struct vmctl_vm *vm,
					    enum vmctl_genl_event event,
					    bool identity)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return NULL;
	hdr = genlmsg_put(msg, 0, 0, &vmctl_genl_family, 0, VMCTL_CMD_EVENT);
	if (!hdr || nla_put_u32(msg, VMCTL_ATTR_EVENT, event) ||
	    (identity ? vmctl_genl_put_vm_identity(msg, vm) :
			nla_put_u32(msg, VMCTL_ATTR_VM_ID, vm->id))) {
		nlmsg_free(msg);
		return NULL;
	}
	genlmsg_end(msg, hdr);
	return msg;
}

/*
 * Best effort, like every netlink multicast: a listener that does not
 * read fast enough loses events (and its socket says so with ENOBUFS).
 * Multicast cannot be filtered per listener, so the group anyone may join
 * gets the VM's id only; an owner asks GET_VM for the rest, which shows
 * it only its own VMs.
 */
void vmctl_genl_announce(struct vmctl_vm *vm, enum vmctl_genl_event event)
{
	struct sk_buff *msg;

	msg = vmctl_genl_event_msg(vm, event, true);
	if (msg)
		genlmsg_multicast(&vmctl_genl_family, msg, 0,
				  VMCTL_GENL_GROUP_EVENTS, GFP_KERNEL);
	msg = vmctl_genl_event_msg(vm, event, false);
	if (msg)
		genlmsg_multicast(&vmctl_genl_family, msg, 0,
				  VMCTL_GENL_GROUP_NOTIFY, GFP_KERNEL);
}

/* ------------------------------------------------------------------------ */
/* The family                                                                */
/* ------------------------------------------------------------------------ */

/* Requests carry at most a VM id; anything else is refused. */
static const struct nla_policy vmctl_genl_policy[VMCTL_ATTR_MAX + 1] = {
	[VMCTL_ATTR_VM_ID] = { .type = NLA_U32 },
};

static const struct genl_ops vmctl_genl_ops[] = {
	{
		.cmd	= VMCTL_CMD_GET_VM,
		.doit	= vmctl_genl_get_vm_doit,
		.dumpit	= vmctl_genl_get_vm_dumpit,
	},
	{
		.cmd	= VMCTL_CMD_GET_VCPU,
		.start	= vmctl_genl_get_vcpu_start,
		.dumpit	= vmctl_genl_get_vcpu_dumpit,
	},
	{
		.cmd	= VMCTL_CMD_GET_DESC,
		.doit	= vmctl_genl_get_desc_doit,
	},
};

static const struct genl_multicast_group vmctl_genl_mcgrps[] = {
	[VMCTL_GENL_GROUP_EVENTS] = {
		.name = VMCTL_GENL_MCGRP_EVENTS,
		.flags = GENL_MCAST_CAP_SYS_ADMIN,
	},
	[VMCTL_GENL_GROUP_NOTIFY] = { .name = VMCTL_GENL_MCGRP_NOTIFY },
};

static struct genl_family vmctl_genl_family __ro_after_init = {
	.name		= VMCTL_GENL_NAME,
	.version	= VMCTL_GENL_VERSION,
	.maxattr	= VMCTL_ATTR_MAX,
	.policy		= vmctl_genl_policy,
	.module		= THIS_MODULE,
	.ops		= vmctl_genl_ops,
	.n_ops		= ARRAY_SIZE(vmctl_genl_ops),
	.mcgrps		= vmctl_genl_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(vmctl_genl_mcgrps),
};

int vmctl_genl_init(void)
{
	return genl_register_family(&vmctl_genl_family);
}

void vmctl_genl_exit(void)
{
	genl_unregister_family(&vmctl_genl_family);
}
