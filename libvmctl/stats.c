// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Statistics over the module's generic-netlink family, through
 * libnl-genl-3: descriptors once at open, dumps of VMs and vCPUs, events.
 * Every answer is checked against a policy before a value is taken from it.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include "internal.h"

struct vmctl_stats {
	struct nl_sock *sk;		/* requests and their answers */
	struct nl_sock *events;		/* multicast, once subscribed */
	int family;
	struct vmctl_stat_info counters[VMCTL_STAT_NR];
	char *counter_names[VMCTL_STAT_NR];
	char *reason_names[VMCTL_STATS_MAX_REASONS];
	unsigned int latency_buckets;
	struct vmctl_port_range_info port_ranges[VMCTL_STATS_MAX_PORT_RANGES];
	unsigned int nr_port_ranges;
};

/* libnl's codes back to errnos, as far as this API documents them. */
static int nl_to_errno(int nlerr)
{
	switch (-nlerr) {
	case NLE_NOMEM:
		return -ENOMEM;
	case NLE_OBJ_NOTFOUND:
		return -ENOENT;
	case NLE_PERM:
	case NLE_NOACCESS:
		return -EPERM;
	default:
		return -EIO;
	}
}

static struct nla_policy attr_policy[VMCTL_ATTR_MAX + 1] = {
	[VMCTL_ATTR_VM_ID]		= { .type = NLA_U32 },
	[VMCTL_ATTR_NAME]		= { .type = NLA_STRING, .maxlen = VMCTL_VM_NAME_LEN },
	[VMCTL_ATTR_PID]		= { .type = NLA_U32 },
	[VMCTL_ATTR_UID]		= { .type = NLA_U32 },
	[VMCTL_ATTR_NR_VCPUS]		= { .type = NLA_U32 },
	[VMCTL_ATTR_MEM_BYTES]		= { .type = NLA_U64 },
	[VMCTL_ATTR_STATE]		= { .type = NLA_U32 },
	[VMCTL_ATTR_CREATED_NS]		= { .type = NLA_U64 },
	[VMCTL_ATTR_VCPU_ID]		= { .type = NLA_U32 },
	[VMCTL_ATTR_COUNTERS]		= { .type = NLA_NESTED },
	[VMCTL_ATTR_EXIT_REASONS]	= { .type = NLA_NESTED },
	[VMCTL_ATTR_LATENCY]		= { .type = NLA_NESTED },
	[VMCTL_ATTR_COUNTER_DESCS]	= { .type = NLA_NESTED },
	[VMCTL_ATTR_DESC_NAME]		= { .type = NLA_STRING },
	[VMCTL_ATTR_DESC_UNIT]		= { .type = NLA_U32 },
	[VMCTL_ATTR_DESC_KIND]		= { .type = NLA_U32 },
	[VMCTL_ATTR_EXIT_REASON_NAMES]	= { .type = NLA_NESTED },
	[VMCTL_ATTR_LATENCY_BUCKETS]	= { .type = NLA_U32 },
	[VMCTL_ATTR_EVENT]		= { .type = NLA_U32 },
	[VMCTL_ATTR_IO_PORTS]		= { .type = NLA_NESTED },
	[VMCTL_ATTR_IO_PORT_DESCS]	= { .type = NLA_NESTED },
	[VMCTL_ATTR_PORT_FIRST]		= { .type = NLA_U16 },
	[VMCTL_ATTR_PORT_LAST]		= { .type = NLA_U16 },
};

/* Parses a message of command cmd into tb; -EPROTO if it is anything else. */
static int parse_msg(struct nl_msg *msg, uint8_t cmd, struct nlattr **tb)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct genlmsghdr *gnlh = nlmsg_data(nlh);

	if (!genlmsg_valid_hdr(nlh, 0) || gnlh->cmd != cmd)
		return -EPROTO;
	if (genlmsg_parse(nlh, 0, tb, VMCTL_ATTR_MAX, attr_policy) < 0)
		return -EPROTO;
	return 0;
}

/*
 * Reads a nest of u64 values, attribute type i + 1 holding values[i];
 * values past n are dropped (a newer module's), type 0 is padding.
 */
static int get_u64s(const struct nlattr *nest, uint64_t *values, unsigned int n)
{
	struct nlattr *a;
	int rem;

	if (!nest)
		return 0;
	nla_for_each_nested(a, nest, rem) {
		unsigned int type = nla_type(a);

		if (!type)
			continue;
		if (nla_len(a) != sizeof(uint64_t))
			return -EPROTO;
		if (type <= n)
			values[type - 1] = nla_get_u64(a);
	}
	return 0;
}

/* Copies a string attribute into buf (size bytes, NUL terminated). */
static void get_string(const struct nlattr *a, char *buf, size_t size)
{
	buf[0] = '\0';
	if (a)
		nla_strlcpy(buf, a, size);
}

/* ------------------------------------------------------------------------ */
/* One request and its answers                                                */
/* ------------------------------------------------------------------------ */

struct request {
	int (*parse)(struct nl_msg *msg, void *arg);	/* 0 or -errno */
	void *arg;
	int error;			/* first error: the kernel's or a parser's */
	bool done;
};

static int on_valid(struct nl_msg *msg, void *data)
{
	struct request *req = data;
	int err = req->parse(msg, req->arg);

	if (err && !req->error)
		req->error = err;
	return NL_OK;
}

static int on_error(struct sockaddr_nl *nla, struct nlmsgerr *e, void *data)
{
	struct request *req = data;

	(void)nla;
	if (!req->error)
		req->error = e->error ? e->error : -EIO;
	req->done = true;
	return NL_STOP;
}

static int on_done(struct nl_msg *msg, void *data)
{
	struct request *req = data;

	(void)msg;
	req->done = true;
	return NL_STOP;
}

/*
 * Sends cmd (a dump if dump, naming vm_id if not NULL) and feeds every
 * answer to parse until the kernel's acknowledgement or the dump's end.
 */
static int request(struct vmctl_stats *stats, uint8_t cmd, bool dump,
		   const uint32_t *vm_id,
		   int (*parse)(struct nl_msg *msg, void *arg), void *arg)
{
	struct request req = { .parse = parse, .arg = arg };
	struct nl_msg *msg;
	struct nl_cb *cb;
	int err;

	msg = nlmsg_alloc();
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!msg || !cb) {
		err = -ENOMEM;
		goto out;
	}
	err = -ENOMEM;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, stats->family, 0,
			 dump ? NLM_F_DUMP : 0, cmd, VMCTL_GENL_VERSION))
		goto out;
	if (vm_id && nla_put_u32(msg, VMCTL_ATTR_VM_ID, *vm_id) < 0)
		goto out;
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, &req);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_done, &req);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, on_done, &req);
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, &req);

	err = nl_send_auto(stats->sk, msg);
	if (err < 0) {
		err = nl_to_errno(err);
		goto out;
	}
	while (!req.done) {
		err = nl_recvmsgs(stats->sk, cb);
		if (err < 0 && !req.done) {
			err = nl_to_errno(err);
			goto out;
		}
	}
	err = req.error;
out:
	nl_cb_put(cb);
	nlmsg_free(msg);
	return err;
}

/* ------------------------------------------------------------------------ */
/* Descriptors                                                                */
/* ------------------------------------------------------------------------ */

/* The port ranges, numbered 1, 2, ... without a gap. */
static int parse_port_ranges(struct nlattr *nest, struct vmctl_stats *stats)
{
	static struct nla_policy range_policy[VMCTL_ATTR_MAX + 1] = {
		[VMCTL_ATTR_DESC_NAME] = { .type = NLA_STRING },
		[VMCTL_ATTR_PORT_FIRST] = { .type = NLA_U16 },
		[VMCTL_ATTR_PORT_LAST] = { .type = NLA_U16 },
	};
	struct nlattr *d[VMCTL_ATTR_MAX + 1], *a;
	struct vmctl_port_range_info *range;
	int rem;

	if (!nest)
		return -EPROTO;
	nla_for_each_nested(a, nest, rem) {
		if (stats->nr_port_ranges == VMCTL_STATS_MAX_PORT_RANGES)
			break;	/* a newer module's: counted, not shown */
		if (nla_type(a) != (int)stats->nr_port_ranges + 1)
			return -EPROTO;
		if (nla_parse_nested(d, VMCTL_ATTR_MAX, a, range_policy) < 0 ||
		    !d[VMCTL_ATTR_DESC_NAME] || !d[VMCTL_ATTR_PORT_FIRST] ||
		    !d[VMCTL_ATTR_PORT_LAST])
			return -EPROTO;
		range = &stats->port_ranges[stats->nr_port_ranges++];
		range->name = strdup(nla_get_string(d[VMCTL_ATTR_DESC_NAME]));
		if (!range->name)
			return -ENOMEM;
		range->first = nla_get_u16(d[VMCTL_ATTR_PORT_FIRST]);
		range->last = nla_get_u16(d[VMCTL_ATTR_PORT_LAST]);
	}
	return 0;
}

static int parse_descs(struct nl_msg *msg, void *arg)
{
	static struct nla_policy desc_policy[VMCTL_ATTR_MAX + 1] = {
		[VMCTL_ATTR_DESC_NAME] = { .type = NLA_STRING },
		[VMCTL_ATTR_DESC_UNIT] = { .type = NLA_U32 },
		[VMCTL_ATTR_DESC_KIND] = { .type = NLA_U32 },
	};
	struct nlattr *tb[VMCTL_ATTR_MAX + 1], *d[VMCTL_ATTR_MAX + 1], *a;
	struct vmctl_stats *stats = arg;
	unsigned int type;
	int rem, err;

	err = parse_msg(msg, VMCTL_CMD_GET_DESC, tb);
	if (err)
		return err;
	if (!tb[VMCTL_ATTR_COUNTER_DESCS] || !tb[VMCTL_ATTR_EXIT_REASON_NAMES] ||
	    !tb[VMCTL_ATTR_LATENCY_BUCKETS])
		return -EPROTO;
	nla_for_each_nested(a, tb[VMCTL_ATTR_COUNTER_DESCS], rem) {
		type = nla_type(a);
		if (!type || type > VMCTL_STAT_NR)
			continue;
		if (nla_parse_nested(d, VMCTL_ATTR_MAX, a, desc_policy) < 0 ||
		    !d[VMCTL_ATTR_DESC_NAME] || !d[VMCTL_ATTR_DESC_UNIT] ||
		    !d[VMCTL_ATTR_DESC_KIND])
			return -EPROTO;
		free(stats->counter_names[type - 1]);
		stats->counter_names[type - 1] = strdup(nla_get_string(d[VMCTL_ATTR_DESC_NAME]));
		if (!stats->counter_names[type - 1])
			return -ENOMEM;
		stats->counters[type - 1].name = stats->counter_names[type - 1];
		stats->counters[type - 1].unit = nla_get_u32(d[VMCTL_ATTR_DESC_UNIT]);
		stats->counters[type - 1].kind = nla_get_u32(d[VMCTL_ATTR_DESC_KIND]);
	}
	nla_for_each_nested(a, tb[VMCTL_ATTR_EXIT_REASON_NAMES], rem) {
		type = nla_type(a);
		if (!type || type > VMCTL_STATS_MAX_REASONS)
			continue;
		free(stats->reason_names[type - 1]);
		stats->reason_names[type - 1] = strndup(nla_data(a), nla_len(a));
		if (!stats->reason_names[type - 1])
			return -ENOMEM;
	}
	stats->latency_buckets = nla_get_u32(tb[VMCTL_ATTR_LATENCY_BUCKETS]);
	if (stats->latency_buckets > VMCTL_STATS_MAX_BUCKETS)
		stats->latency_buckets = VMCTL_STATS_MAX_BUCKETS;
	return parse_port_ranges(tb[VMCTL_ATTR_IO_PORT_DESCS], stats);
}

VMCTL_EXPORT void vmctl_stats_close(struct vmctl_stats *stats)
{
	unsigned int i;

	if (!stats)
		return;
	nl_socket_free(stats->sk);
	nl_socket_free(stats->events);
	for (i = 0; i < VMCTL_STAT_NR; i++)
		free(stats->counter_names[i]);
	for (i = 0; i < VMCTL_STATS_MAX_REASONS; i++)
		free(stats->reason_names[i]);
	for (i = 0; i < stats->nr_port_ranges; i++)
		free((char *)stats->port_ranges[i].name);
	free(stats);
}

VMCTL_EXPORT int vmctl_stats_open(struct vmctl_stats **statsp)
{
	struct vmctl_stats *stats;
	unsigned int i;
	int err;

	if (!statsp)
		return -EINVAL;
	stats = calloc(1, sizeof(*stats));
	if (!stats)
		return -ENOMEM;
	stats->sk = nl_socket_alloc();
	if (!stats->sk) {
		err = -ENOMEM;
		goto fail;
	}
	/* A vCPU's latency table does not fit a page: let libnl peek. */
	nl_socket_enable_msg_peek(stats->sk);
	err = genl_connect(stats->sk);
	if (err < 0) {
		err = nl_to_errno(err);
		goto fail;
	}
	stats->family = genl_ctrl_resolve(stats->sk, VMCTL_GENL_NAME);
	if (stats->family < 0) {
		err = stats->family == -NLE_OBJ_NOTFOUND ? -ENOENT : nl_to_errno(stats->family);
		goto fail;
	}
	err = request(stats, VMCTL_CMD_GET_DESC, false, NULL, parse_descs, stats);
	if (err)
		goto fail;
	for (i = 0; i < VMCTL_STAT_NR; i++) {
		if (!stats->counters[i].name) {
			err = -EPROTO;	/* an older module than this library */
			goto fail;
		}
	}
	*statsp = stats;
	return 0;
fail:
	vmctl_stats_close(stats);
	return err == -EPERM || err == -EINVAL ? -EIO : err;
}

VMCTL_EXPORT const struct vmctl_stat_info *vmctl_stats_counter_info(struct vmctl_stats *stats,
								     unsigned int i)
{
	if (!stats || i >= VMCTL_STAT_NR)
		return NULL;
	return &stats->counters[i];
}

VMCTL_EXPORT const char *vmctl_stats_exit_reason_name(struct vmctl_stats *stats,
						      unsigned int reason)
{
	if (!stats || reason >= VMCTL_STATS_MAX_REASONS)
		return NULL;
	return stats->reason_names[reason];
}

VMCTL_EXPORT unsigned int vmctl_stats_latency_buckets(struct vmctl_stats *stats)
{
	return stats ? stats->latency_buckets : 0;
}

VMCTL_EXPORT const struct vmctl_port_range_info *vmctl_stats_port_range(struct vmctl_stats *stats,
									 unsigned int i)
{
	if (!stats || i >= stats->nr_port_ranges)
		return NULL;
	return &stats->port_ranges[i];
}

/* ------------------------------------------------------------------------ */
/* VMs and vCPUs                                                              */
/* ------------------------------------------------------------------------ */

static int fill_vm_info(struct nlattr **tb, struct vmctl_vm_info *vm)
{
	if (!tb[VMCTL_ATTR_VM_ID] || !tb[VMCTL_ATTR_PID] || !tb[VMCTL_ATTR_UID] ||
	    !tb[VMCTL_ATTR_NR_VCPUS] || !tb[VMCTL_ATTR_STATE] ||
	    !tb[VMCTL_ATTR_MEM_BYTES] || !tb[VMCTL_ATTR_CREATED_NS] ||
	    !tb[VMCTL_ATTR_COUNTERS])
		return -EPROTO;
	memset(vm, 0, sizeof(*vm));
	vm->id = nla_get_u32(tb[VMCTL_ATTR_VM_ID]);
	vm->pid = nla_get_u32(tb[VMCTL_ATTR_PID]);
	vm->uid = nla_get_u32(tb[VMCTL_ATTR_UID]);
	vm->nr_vcpus = nla_get_u32(tb[VMCTL_ATTR_NR_VCPUS]);
	vm->state = nla_get_u32(tb[VMCTL_ATTR_STATE]);
	vm->mem_bytes = nla_get_u64(tb[VMCTL_ATTR_MEM_BYTES]);
	vm->created_ns = nla_get_u64(tb[VMCTL_ATTR_CREATED_NS]);
	get_string(tb[VMCTL_ATTR_NAME], vm->name, sizeof(vm->name));
	if (get_u64s(tb[VMCTL_ATTR_COUNTERS], vm->counters, VMCTL_STAT_NR) ||
	    get_u64s(tb[VMCTL_ATTR_EXIT_REASONS], vm->exit_reasons, VMCTL_STATS_MAX_REASONS) ||
	    get_u64s(tb[VMCTL_ATTR_IO_PORTS], vm->io_ports, VMCTL_STATS_MAX_PORT_RANGES))
		return -EPROTO;
	return 0;
}

struct vm_list_ctx {
	struct vmctl_vm_list *list;
	size_t capacity;
};

static int parse_vm_list(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[VMCTL_ATTR_MAX + 1];
	struct vm_list_ctx *ctx = arg;
	int err;

	err = parse_msg(msg, VMCTL_CMD_GET_VM, tb);
	if (err)
		return err;
	if (ctx->list->count == ctx->capacity) {
		size_t capacity = ctx->capacity * 2;
		struct vmctl_vm_list *bigger;

		bigger = realloc(ctx->list, sizeof(*bigger) + capacity * sizeof(bigger->vms[0]));
		if (!bigger)
			return -ENOMEM;
		ctx->list = bigger;
		ctx->capacity = capacity;
	}
	err = fill_vm_info(tb, &ctx->list->vms[ctx->list->count]);
	if (!err)
		ctx->list->count++;
	return err;
}

VMCTL_EXPORT int vmctl_stats_list_vms(struct vmctl_stats *stats, struct vmctl_vm_list **listp)
{
	struct vm_list_ctx ctx = { .capacity = 4 };
	int err;

	if (!stats || !listp)
		return -EINVAL;
	ctx.list = calloc(1, sizeof(*ctx.list) + ctx.capacity * sizeof(ctx.list->vms[0]));
	if (!ctx.list)
		return -ENOMEM;
	err = request(stats, VMCTL_CMD_GET_VM, true, NULL, parse_vm_list, &ctx);
	if (err) {
		free(ctx.list);
		return err == -ENOMEM || err == -EPROTO ? err : -EIO;
	}
	*listp = ctx.list;
	return 0;
}

struct vm_stats_ctx {
	struct vmctl_vm_stats *vm;
	size_t capacity;
	bool have_vm;
};

static int parse_vm(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[VMCTL_ATTR_MAX + 1];
	struct vm_stats_ctx *ctx = arg;
	int err;

	err = parse_msg(msg, VMCTL_CMD_GET_VM, tb);
	if (err)
		return err;
	err = fill_vm_info(tb, &ctx->vm->vm);
	ctx->have_vm = !err;
	return err;
}

static int get_latency(const struct nlattr *nest, struct vmctl_vcpu_info *vcpu)
{
	struct nlattr *a;
	int rem, err;

	if (!nest)
		return 0;
	nla_for_each_nested(a, nest, rem) {
		unsigned int reason = nla_type(a);

		if (!reason || reason > VMCTL_STATS_MAX_REASONS)
			continue;
		err = get_u64s(a, vcpu->latency[reason - 1], VMCTL_STATS_MAX_BUCKETS);
		if (err)
			return err;
	}
	return 0;
}

static int parse_vcpu(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[VMCTL_ATTR_MAX + 1];
	struct vm_stats_ctx *ctx = arg;
	struct vmctl_vcpu_info *vcpu;
	int err;

	err = parse_msg(msg, VMCTL_CMD_GET_VCPU, tb);
	if (err)
		return err;
	if (!tb[VMCTL_ATTR_VM_ID] || !tb[VMCTL_ATTR_VCPU_ID] || !tb[VMCTL_ATTR_COUNTERS])
		return -EPROTO;
	if (ctx->vm->nr_vcpus == ctx->capacity) {
		size_t capacity = ctx->capacity * 2;
		struct vmctl_vm_stats *bigger;

		bigger = realloc(ctx->vm, sizeof(*bigger) + capacity * sizeof(bigger->vcpus[0]));
		if (!bigger)
			return -ENOMEM;
		ctx->vm = bigger;
		ctx->capacity = capacity;
	}
	vcpu = &ctx->vm->vcpus[ctx->vm->nr_vcpus];
	memset(vcpu, 0, sizeof(*vcpu));
	vcpu->vm_id = nla_get_u32(tb[VMCTL_ATTR_VM_ID]);
	vcpu->vcpu_id = nla_get_u32(tb[VMCTL_ATTR_VCPU_ID]);
	if (get_u64s(tb[VMCTL_ATTR_COUNTERS], vcpu->counters, VMCTL_STAT_NR) ||
	    get_u64s(tb[VMCTL_ATTR_EXIT_REASONS], vcpu->exit_reasons, VMCTL_STATS_MAX_REASONS) ||
	    get_u64s(tb[VMCTL_ATTR_IO_PORTS], vcpu->io_ports, VMCTL_STATS_MAX_PORT_RANGES) ||
	    get_latency(tb[VMCTL_ATTR_LATENCY], vcpu))
		return -EPROTO;
	ctx->vm->nr_vcpus++;
	return 0;
}

VMCTL_EXPORT int vmctl_stats_read_vm(struct vmctl_stats *stats, uint32_t id,
				     struct vmctl_vm_stats **vmp)
{
	struct vm_stats_ctx ctx = { .capacity = 1 };
	int err;

	if (!stats || !vmp)
		return -EINVAL;
	ctx.vm = calloc(1, sizeof(*ctx.vm) + ctx.capacity * sizeof(ctx.vm->vcpus[0]));
	if (!ctx.vm)
		return -ENOMEM;
	err = request(stats, VMCTL_CMD_GET_VM, false, &id, parse_vm, &ctx);
	if (!err && !ctx.have_vm)
		err = -EPROTO;
	if (!err)
		err = request(stats, VMCTL_CMD_GET_VCPU, true, &id, parse_vcpu, &ctx);
	if (err) {
		free(ctx.vm);
		return err == -ENOENT || err == -ENOMEM || err == -EPROTO ? err : -EIO;
	}
	*vmp = ctx.vm;
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Events                                                                     */
/* ------------------------------------------------------------------------ */

/* A socket in group group of the family; 0 or a libnl error. */
static int join_group(const char *group, struct nl_sock **skp)
{
	struct nl_sock *sk;
	int id, err;

	sk = nl_socket_alloc();
	if (!sk)
		return -NLE_NOMEM;
	nl_socket_disable_seq_check(sk);
	err = genl_connect(sk);
	if (err < 0)
		goto fail;
	id = genl_ctrl_resolve_grp(sk, VMCTL_GENL_NAME, group);
	if (id < 0) {
		err = id;
		goto fail;
	}
	err = nl_socket_add_membership(sk, id);
	if (err < 0)
		goto fail;
	*skp = sk;
	return 0;
fail:
	nl_socket_free(sk);
	return err;
}

VMCTL_EXPORT int vmctl_stats_subscribe(struct vmctl_stats *stats)
{
	int err;

	if (!stats)
		return -EINVAL;
	if (stats->events)
		return 0;
	/* The richer group if the kernel lets us in, else the one for all. */
	err = join_group(VMCTL_GENL_MCGRP_EVENTS, &stats->events);
	if (err == -NLE_PERM || err == -NLE_NOACCESS)
		err = join_group(VMCTL_GENL_MCGRP_NOTIFY, &stats->events);
	if (!err)
		return 0;
	err = nl_to_errno(err);
	return err == -ENOENT || err == -ENOMEM ? err : -EIO;
}

static int parse_event(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[VMCTL_ATTR_MAX + 1];
	struct vmctl_vm_event *ev = arg;
	int err;

	err = parse_msg(msg, VMCTL_CMD_EVENT, tb);
	if (err)
		return err;
	if (!tb[VMCTL_ATTR_EVENT] || !tb[VMCTL_ATTR_VM_ID] ||
	    !tb[VMCTL_ATTR_PID] != !tb[VMCTL_ATTR_UID])
		return -EPROTO;
	memset(ev, 0, sizeof(*ev));
	ev->event = nla_get_u32(tb[VMCTL_ATTR_EVENT]);
	ev->vm_id = nla_get_u32(tb[VMCTL_ATTR_VM_ID]);
	if (!tb[VMCTL_ATTR_PID])
		return 0;	/* the notify group's: the id only */
	ev->identity = true;
	ev->pid = nla_get_u32(tb[VMCTL_ATTR_PID]);
	ev->uid = nla_get_u32(tb[VMCTL_ATTR_UID]);
	get_string(tb[VMCTL_ATTR_NAME], ev->name, sizeof(ev->name));
	return 0;
}

/* Multicast messages carry no sequence number of ours. */
static int accept_any_seq(struct nl_msg *msg, void *arg)
{
	(void)msg, (void)arg;
	return NL_OK;
}

VMCTL_EXPORT int vmctl_stats_next_event(struct vmctl_stats *stats, struct vmctl_vm_event *event,
					int timeout_ms)
{
	struct request req = { .parse = parse_event, .arg = event };
	struct pollfd pfd;
	struct nl_cb *cb;
	int err;

	if (!stats || !event || !stats->events)
		return -EINVAL;
	pfd.fd = nl_socket_get_fd(stats->events);
	pfd.events = POLLIN;
	err = poll(&pfd, 1, timeout_ms);
	if (err == 0)
		return -EAGAIN;
	if (err < 0)
		return -EIO;

	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb)
		return -EIO;
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, &req);
	nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, accept_any_seq, NULL);
	/* One datagram holds one event: read exactly one. */
	err = nl_recvmsgs(stats->events, cb);
	nl_cb_put(cb);
	if (err < 0)
		return -EIO;
	return req.error == -EPROTO ? -EPROTO : req.error ? -EIO : 0;
}

VMCTL_EXPORT const char *vmctl_vm_state_name(uint32_t state)
{
	static const char *const names[] = {
		[VMCTL_VM_STATE_CREATED] = "created",
		[VMCTL_VM_STATE_RUNNING] = "running",
		[VMCTL_VM_STATE_STOPPED] = "stopped",
		[VMCTL_VM_STATE_HALTED] = "halted",
		[VMCTL_VM_STATE_SHUTDOWN] = "shutdown",
	};

	return state < sizeof(names) / sizeof(names[0]) ? names[state] : "unknown";
}

VMCTL_EXPORT const char *vmctl_vm_event_name(uint32_t event)
{
	switch (event) {
	case VMCTL_EVENT_CREATED:
		return "created";
	case VMCTL_EVENT_DESTROYED:
		return "destroyed";
	case VMCTL_EVENT_SHUTDOWN:
		return "shutdown";
	}
	return "unknown";
}
