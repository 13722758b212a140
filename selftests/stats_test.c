// SPDX-License-Identifier: GPL-2.0
/*
 * The statistics family end to end.  Exact counts: a guest makes N port
 * writes and halts; netlink (libvmctl) and `vmctl stats --json` must report
 * exactly the exits, runs and halts the host itself counted, and so
 * must `vmtop -1 --json`, and 0 for
 * what the guest never did (MMIO, hypercalls, injections).  Events: create,
 * shutdown (triple fault) and destroy arrive in that order.  Malformed
 * requests get an error and the family keeps answering.  Permissions: a
 * user sees its own VMs only, root sees every VM; events carry the VM's
 * identity for root only, bare VM ids for anyone else.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include "guests_stats.h"
#include "test_util.h"

#define OUTS		1000
#define OTHER_UID	65534		/* nobody */
#define THIRD_UID	65533

static int count_pio(struct vmctl_vcpu *vcpu, uint16_t port, uint32_t *data,
		     unsigned int size, bool is_write, void *opaque)
{
	uint64_t *outs = opaque;

	(void)vcpu, (void)port, (void)data, (void)size, (void)is_write;
	(*outs)++;
	return 0;
}

/* The id of this process's VM named name, or -1. */
static long find_vm(struct vmctl_stats *stats, const char *name)
{
	struct vmctl_vm_list *list;
	long id = -1;
	size_t i;

	if (vmctl_stats_list_vms(stats, &list))
		return -1;
	for (i = 0; i < list->count; i++)
		if (strcmp(list->vms[i].name, name) == 0 && list->vms[i].pid == (uint32_t)getpid())
			id = list->vms[i].id;
	free(list);
	return id;
}

static void exact_counts(struct vmctl_stats *stats)
{
	uint64_t handler_outs = 0, runs = 0, user_exits = 0, halts = 0, sum = 0;
	struct vmctl_vm_stats *s = NULL;
	struct vmctl_exit exit;
	unsigned int io = 0, hlt = 0, r;
	struct ucall uc;
	char cmd[128], json[8192];
	const uint64_t *c;
	struct tvm t;
	size_t len;
	FILE *p;
	long id;
	int err;

	tvm_create(&t, 1 << 20);
	err = vmctl_vm_set_name(t.vm, "stats-exact");
	tap_ok(err == 0, "vmctl_vm_set_name (%d)", err);
	if (vmctl_vm_pio_register(t.vm, IO_LOOP_PORT, 1, count_pio, &handler_outs))
		tap_bail("cannot register the counting handler");
	tvm_start_real(&t, io_loop_begin, io_loop_end);
	guest_write32(GUEST_PTR(&t, io_loop, io_loop_limit), OUTS);

	/* The host counts every RUN and what it returned, by itself. */
	for (;;) {
		err = vmctl_vcpu_run(t.vcpu, &exit);
		runs++;
		if (err)
			tap_bail("run failed: %d", err);
		user_exits++;
		if (exit.reason == VMCTL_EXIT_HLT) {
			halts++;
			break;
		}
		if (exit.reason != VMCTL_EXIT_IO)
			tap_bail("unexpected exit: %s", exit.message);
		if (exit.io.port == IO_LOOP_PORT)
			handler_outs++;
		else if (!ucall_get(t.vcpu, &exit, &uc) || uc.code != UCALL_DONE)
			tap_bail("unexpected port 0x%x", exit.io.port);
	}
	tap_ok(handler_outs == OUTS && runs == OUTS + 2 && halts == 1,
	       "host side: %" PRIu64 " OUTs to the loop port, %" PRIu64 " runs, 1 halt",
	       handler_outs, runs);

	id = find_vm(stats, "stats-exact");
	tap_ok(id >= 0, "vmctl_stats_list_vms lists the VM by name and pid (id %ld)", id);
	err = id >= 0 ? vmctl_stats_read_vm(stats, id, &s) : -ENOENT;
	tap_ok(err == 0 && s->nr_vcpus == 1 && s->vm.nr_vcpus == 1 && s->vm.mem_bytes == 1 << 20 &&
	       s->vm.state == VMCTL_VM_STATE_HALTED && s->vm.uid == 0,
	       "vmctl_stats_read_vm: 1 vCPU, 1 MiB, halted, uid 0 (%d)", err);
	if (err)
		tap_bail("no statistics to compare");

	for (r = 0; r < VMCTL_STATS_MAX_REASONS; r++) {
		const char *name = vmctl_stats_exit_reason_name(stats, r);

		sum += s->vm.exit_reasons[r];
		if (name && strcmp(name, "IO_INSTRUCTION") == 0)
			io = r;
		if (name && strcmp(name, "HLT") == 0)
			hlt = r;
	}
	c = s->vm.counters;
	tap_ok(io && hlt && s->vm.exit_reasons[io] == OUTS + 1 && s->vm.exit_reasons[hlt] == 1,
	       "exits by reason: IO_INSTRUCTION %" PRIu64 " (want %d), HLT %" PRIu64 " (want 1)",
	       s->vm.exit_reasons[io], OUTS + 1, s->vm.exit_reasons[hlt]);
	tap_ok(c[VMCTL_STAT_IO_EXITS] == OUTS + 1 && c[VMCTL_STAT_HALTS] == halts &&
	       c[VMCTL_STAT_RUNS] == runs && c[VMCTL_STAT_USER_EXITS] == user_exits,
	       "io_exits %" PRIu64 ", halts %" PRIu64 ", runs %" PRIu64 ", user_exits %" PRIu64
	       " as the host counted", c[VMCTL_STAT_IO_EXITS], c[VMCTL_STAT_HALTS],
	       c[VMCTL_STAT_RUNS], c[VMCTL_STAT_USER_EXITS]);
	tap_ok(c[VMCTL_STAT_EXITS] == sum && c[VMCTL_STAT_EXITS] >= runs,
	       "exits %" PRIu64 " = the sum by reason %" PRIu64 ", at least the %" PRIu64 " runs",
	       c[VMCTL_STAT_EXITS], sum, runs);
	tap_ok(!c[VMCTL_STAT_MMIO_EXITS] && !c[VMCTL_STAT_HYPERCALLS] &&
	       !c[VMCTL_STAT_INJECTED_IRQS] && !c[VMCTL_STAT_INJECTED_EXCEPTIONS],
	       "no MMIO, hypercall or injection counted for a guest that made none");
	tap_ok(c[VMCTL_STAT_GUEST_NS] > 0 && c[VMCTL_STAT_HOST_NS] > 0 &&
	       memcmp(s->vcpus[0].counters, c, sizeof(s->vm.counters)) == 0,
	       "guest %" PRIu64 " ns, host %" PRIu64 " ns; the one vCPU's counters are the VM's",
	       c[VMCTL_STAT_GUEST_NS], c[VMCTL_STAT_HOST_NS]);
	sum = 0;
	for (r = 0; r < VMCTL_STATS_MAX_BUCKETS; r++)
		sum += s->vcpus[0].latency[io][r];
	tap_ok(sum == OUTS + 1, "the IO_INSTRUCTION latency histogram holds %" PRIu64
	       " exits", sum);

	snprintf(cmd, sizeof(cmd), "bin/vmctl stats --json %ld", id);
	p = popen(cmd, "r");
	len = p ? fread(json, 1, sizeof(json) - 1, p) : 0;
	json[len] = '\0';
	err = p ? pclose(p) : -1;
	snprintf(cmd, sizeof(cmd), "\"io_exits\": %d,", OUTS + 1);
	tap_ok(err == 0 && strstr(json, cmd) && strstr(json, "\"halts\": 1,") &&
	       strstr(json, "\"name\": \"stats-exact\"") && strstr(json, "\"HLT\": 1"),
	       "vmctl stats --json: %s and halts 1 (status %d)", cmd, err);
	if (err || !strstr(json, cmd))
		tap_diag("vmctl said: %s", json);

	/* vmtop's batch JSON carries the same counters. */
	p = popen("bin/vmtop -1 -d 0.1 --json -N stats-exact", "r");
	len = p ? fread(json, 1, sizeof(json) - 1, p) : 0;
	json[len] = '\0';
	err = p ? pclose(p) : -1;
	tap_ok(err == 0 && strstr(json, cmd) && strstr(json, "\"halts\": 1,") &&
	       strstr(json, "\"name\": \"stats-exact\""),
	       "vmtop -1 --json: %s and halts 1 (status %d)", cmd, err);
	if (err || !strstr(json, cmd))
		tap_diag("vmtop said: %s", json);
	free(s);
	tvm_destroy(&t);
}

/*
 * The guest's OUTs by port, and the range each port belongs to, written
 * here from the PC's port map and not read from the module: the borders
 * of each range (0x1f, 0x44, 0x65, 0x3f7, 0xcf7 lie just outside one).
 */
static const struct {
	uint16_t port, outs;
	const char *range;
} port_mix[PORT_MIX_ENTRIES] = {
	{ 0x020, 3, "pic1" }, { 0x021, 2, "pic1" }, { 0x01f, 1, "other" },
	{ 0x043, 5, "pit" }, { 0x044, 1, "other" }, { 0x060, 4, "i8042" },
	{ 0x064, 3, "i8042" }, { 0x065, 2, "other" }, { 0x071, 6, "rtc" },
	{ 0x080, 7, "post" }, { 0x0a1, 2, "pic2" }, { 0x2f8, 4, "com2" },
	{ 0x3ff, 5, "com1" }, { 0x3f7, 3, "other" }, { 0xcfc, 8, "pci_config" },
	{ 0xcf7, 1, "other" },
};

static int range_index(struct vmctl_stats *stats, const char *name)
{
	const struct vmctl_port_range_info *range;
	unsigned int i;

	for (i = 0; (range = vmctl_stats_port_range(stats, i)); i++)
		if (strcmp(range->name, name) == 0)
			return i;
	return -1;
}

static void port_ranges(struct vmctl_stats *stats)
{
	uint64_t want[VMCTL_STATS_MAX_PORT_RANGES] = { 0 }, host_outs = 0, sum = 0;
	const struct vmctl_port_range_info *com1;
	struct vmctl_vm_stats *s = NULL;
	char cmd[128], json[8192], needle[64];
	unsigned int i, mismatches = 0;
	struct vmctl_exit exit;
	struct ucall uc;
	struct tvm t;
	int err, r, other;
	size_t len;
	FILE *p;
	long id;

	com1 = vmctl_stats_port_range(stats, range_index(stats, "com1"));
	tap_ok(com1 && com1->first == 0x3f8 && com1->last == 0x3ff &&
	       range_index(stats, "other") >= 0,
	       "port ranges described: com1 is 0x3f8-0x3ff, and there is an \"other\"");
	for (i = 0; i < PORT_MIX_ENTRIES; i++) {
		r = range_index(stats, port_mix[i].range);
		if (r < 0)
			tap_bail("the module has no port range \"%s\"", port_mix[i].range);
		want[r] += port_mix[i].outs;
	}
	other = range_index(stats, "other");
	want[other]++;		/* the ucall that ends the guest */

	tvm_create(&t, 1 << 20);
	vmctl_vm_set_name(t.vm, "stats-ports");
	tvm_start_real(&t, port_mix_begin, port_mix_end);
	for (i = 0; i < PORT_MIX_ENTRIES; i++)
		guest_write32(GUEST_PTR(&t, port_mix, port_mix_table) + 4 * i,
			      (uint32_t)port_mix[i].outs << 16 | port_mix[i].port);
	for (;;) {
		err = vmctl_vcpu_run(t.vcpu, &exit);
		if (err)
			tap_bail("run failed: %d", err);
		if (exit.reason == VMCTL_EXIT_HLT)
			break;
		if (exit.reason != VMCTL_EXIT_IO)
			tap_bail("unexpected exit: %s", exit.message);
		host_outs++;
		if (exit.io.port == UCALL_PORT &&
		    (!ucall_get(t.vcpu, &exit, &uc) || uc.code != UCALL_DONE))
			tap_bail("unexpected ucall");
	}
	for (i = 0; i < VMCTL_STATS_MAX_PORT_RANGES; i++)
		sum += want[i];
	tap_ok(host_outs == sum, "host side: %" PRIu64 " port exits, %" PRIu64 " planned",
	       host_outs, sum);

	id = find_vm(stats, "stats-ports");
	err = id >= 0 ? vmctl_stats_read_vm(stats, id, &s) : -ENOENT;
	if (err)
		tap_bail("no statistics of stats-ports: %d", err);
	for (i = 0; i < VMCTL_STATS_MAX_PORT_RANGES; i++) {
		if (s->vm.io_ports[i] == want[i] && s->vcpus[0].io_ports[i] == want[i])
			continue;
		mismatches++;
		tap_diag("range %u (%s): VM %" PRIu64 ", vCPU %" PRIu64 ", want %" PRIu64, i,
			 vmctl_stats_port_range(stats, i) ? vmctl_stats_port_range(stats, i)->name
							  : "-",
			 s->vm.io_ports[i], s->vcpus[0].io_ports[i], want[i]);
	}
	tap_ok(!mismatches && s->vm.counters[VMCTL_STAT_IO_EXITS] == sum,
	       "exits by port range exact for VM and vCPU, %" PRIu64 " io_exits in all",
	       s->vm.counters[VMCTL_STAT_IO_EXITS]);

	snprintf(cmd, sizeof(cmd), "bin/vmctl stats --json %ld", id);
	p = popen(cmd, "r");
	len = p ? fread(json, 1, sizeof(json) - 1, p) : 0;
	json[len] = '\0';
	err = p ? pclose(p) : -1;
	mismatches = 0;
	for (i = 0; i < VMCTL_STATS_MAX_PORT_RANGES; i++) {
		if (!want[i])
			continue;
		snprintf(needle, sizeof(needle), "\"%s\": %" PRIu64,
			 vmctl_stats_port_range(stats, i)->name, want[i]);
		mismatches += !strstr(json, needle);
	}
	tap_ok(err == 0 && !mismatches && strstr(json, "\"io_ports\": {\"pic1\": 5,"),
	       "vmctl stats --json: io_ports as planned (status %d)", err);
	if (err || mismatches)
		tap_diag("vmctl said: %s", json);
	free(s);
	tvm_destroy(&t);
}

static void events(struct vmctl_stats *stats)
{
	struct vmctl_vm_event ev[4];
	struct vmctl_exit exit;
	unsigned int n = 0;
	struct tvm t;
	long id;
	int err;

	err = vmctl_stats_subscribe(stats);
	tap_ok(err == 0, "root may subscribe to events (%d)", err);
	tvm_create(&t, 1 << 20);
	vmctl_vm_set_name(t.vm, "stats-events");
	id = find_vm(stats, "stats-events");
	tvm_start_real(&t, real_int_no_idt_begin, real_int_no_idt_end);
	err = vmctl_vcpu_run(t.vcpu, &exit);
	if (err || exit.reason != VMCTL_EXIT_SHUTDOWN)
		tap_bail("the guest did not shut down: %s", exit.message);
	/* A second shutdown of the same VM is not a new event. */
	vmctl_vcpu_run(t.vcpu, &exit);
	tvm_destroy(&t);
	while (n < 4 && vmctl_stats_next_event(stats, &ev[n], 2000) == 0)
		if (ev[n].vm_id == (uint32_t)id)
			n++;
	tap_ok(n == 3 && ev[0].event == VMCTL_EVENT_CREATED &&
	       ev[1].event == VMCTL_EVENT_SHUTDOWN && ev[2].event == VMCTL_EVENT_DESTROYED,
	       "events of VM %ld: %u, in order %s, %s, %s", id, n,
	       n > 0 ? vmctl_vm_event_name(ev[0].event) : "-",
	       n > 1 ? vmctl_vm_event_name(ev[1].event) : "-",
	       n > 2 ? vmctl_vm_event_name(ev[2].event) : "-");
	tap_ok(n >= 3 && ev[2].identity && ev[2].pid == (uint32_t)getpid() &&
	       strcmp(ev[2].name, "stats-events") == 0,
	       "the destroy event names the VM and its creator's pid");
}

/* Drops to uid (and its own group) for good, capabilities included. */
static void become(uid_t uid)
{
	if (setgroups(0, NULL) || setresgid(uid, uid, uid) || setresuid(uid, uid, uid))
		_exit(90);
}

/*
 * Child as OTHER_UID: subscribes, says so on ready, reads the id of root's
 * VM from vm_id and checks that VM's events: created, shutdown, destroyed,
 * each with the id and nothing more.  Exit status 0 or the failed check.
 */
static int events_child(int ready, int vm_id)
{
	struct vmctl_vm_event ev[3];
	struct vmctl_stats *stats;
	struct nl_sock *sk;
	unsigned int n = 0, i;
	uint32_t id;
	int group;
	char c = 1;

	become(OTHER_UID);
	if (vmctl_stats_open(&stats) || vmctl_stats_subscribe(stats))
		return 20;
	/* The group with the VMs' identities stays root's. */
	sk = nl_socket_alloc();
	if (!sk || genl_connect(sk) < 0)
		return 21;
	group = genl_ctrl_resolve_grp(sk, VMCTL_GENL_NAME, VMCTL_GENL_MCGRP_EVENTS);
	if (group < 0 || nl_socket_add_membership(sk, group) >= 0)
		return 22;
	nl_socket_free(sk);
	if (write(ready, &c, 1) != 1 || read(vm_id, &id, sizeof(id)) != sizeof(id))
		return 23;
	while (n < 3 && vmctl_stats_next_event(stats, &ev[n], 5000) == 0)
		if (ev[n].vm_id == id)
			n++;
	if (n != 3)
		return 24;
	if (ev[0].event != VMCTL_EVENT_CREATED || ev[1].event != VMCTL_EVENT_SHUTDOWN ||
	    ev[2].event != VMCTL_EVENT_DESTROYED)
		return 25;
	for (i = 0; i < 3; i++)
		if (ev[i].identity || ev[i].pid || ev[i].uid || ev[i].name[0])
			return 26;
	vmctl_stats_close(stats);
	return 0;
}

/* A user without privileges gets events too, but only VM ids. */
static void events_unprivileged(struct vmctl_stats *stats)
{
	int ready[2], vm_id[2], status = -1;
	struct vmctl_exit exit;
	struct tvm t;
	uint32_t id;
	pid_t pid;
	char c;

	if (pipe(ready) || pipe(vm_id))
		tap_bail("no pipes");
	pid = fork();
	if (pid == 0)
		_exit(events_child(ready[1], vm_id[0]));
	close(ready[1]);
	close(vm_id[0]);
	if (read(ready[0], &c, 1) == 1) {
		tvm_create(&t, 1 << 20);
		vmctl_vm_set_name(t.vm, "stats-notify");
		id = find_vm(stats, "stats-notify");
		tvm_start_real(&t, real_int_no_idt_begin, real_int_no_idt_end);
		if (vmctl_vcpu_run(t.vcpu, &exit) || exit.reason != VMCTL_EXIT_SHUTDOWN)
			tap_diag("the guest did not shut down: %s", exit.message);
		tvm_destroy(&t);
		if (write(vm_id[1], &id, sizeof(id)) != sizeof(id))
			tap_diag("cannot pass the VM id");
	}
	close(vm_id[1]);
	close(ready[0]);
	waitpid(pid, &status, 0);
	tap_ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	       "uid %d subscribes, may not join \"%s\", and gets created, shutdown, "
	       "destroyed of root's VM as bare ids (status 0x%x)", OTHER_UID,
	       VMCTL_GENL_MCGRP_EVENTS, status);
}

/* ---- raw requests, as a careless or hostile client would send them ---- */

struct raw {
	struct nl_sock *sk;
	int family;
};

static int raw_error;

static int raw_on_error(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	(void)nla, (void)arg;
	raw_error = e->error;
	return NL_STOP;
}

static int raw_on_done(struct nl_msg *msg, void *arg)
{
	(void)msg, (void)arg;
	raw_error = 0;
	return NL_STOP;
}

/* Sends msg; the kernel's errno, 0 if it acknowledged or finished a dump. */
static int raw_send(struct raw *raw, struct nl_msg *msg)
{
	struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);
	int err;

	raw_error = 1;
	nl_cb_err(cb, NL_CB_CUSTOM, raw_on_error, NULL);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, raw_on_done, NULL);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, raw_on_done, NULL);
	err = nl_send_auto(raw->sk, msg);
	while (err >= 0 && raw_error == 1)
		err = nl_recvmsgs(raw->sk, cb);
	nl_cb_put(cb);
	nlmsg_free(msg);
	return raw_error == 1 ? -1000 : raw_error;
}

static struct nl_msg *raw_msg(struct raw *raw, int cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (!msg || !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, raw->family, 0, flags, cmd,
				 VMCTL_GENL_VERSION))
		tap_bail("cannot build a netlink message");
	return msg;
}

static void malformed(struct vmctl_stats *stats)
{
	struct vmctl_vm_list *list;
	struct nl_msg *msg;
	struct raw raw;
	uint8_t byte = 1;
	int err;

	raw.sk = nl_socket_alloc();
	if (!raw.sk || genl_connect(raw.sk) < 0)
		tap_bail("no netlink socket");
	raw.family = genl_ctrl_resolve(raw.sk, VMCTL_GENL_NAME);
	if (raw.family < 0)
		tap_bail("no vmctl family");

	err = raw_send(&raw, raw_msg(&raw, VMCTL_CMD_GET_VCPU, NLM_F_DUMP));
	tap_ok(err == -EINVAL, "vCPU dump without a VM id: %d (want -EINVAL)", err);
	err = raw_send(&raw, raw_msg(&raw, VMCTL_CMD_GET_VM, 0));
	tap_ok(err == -EINVAL, "VM request without a VM id: %d (want -EINVAL)", err);

	msg = raw_msg(&raw, VMCTL_CMD_GET_VM, 0);
	nla_put(msg, VMCTL_ATTR_VM_ID, 1, &byte);
	err = raw_send(&raw, msg);
	tap_ok(err == -ERANGE || err == -EINVAL, "a one-byte VM id: %d (want -ERANGE/-EINVAL)", err);

	msg = raw_msg(&raw, VMCTL_CMD_GET_VM, NLM_F_DUMP);
	nla_put_u32(msg, VMCTL_ATTR_MAX + 7, 1);
	err = raw_send(&raw, msg);
	tap_ok(err == -EINVAL, "an unknown attribute: %d (want -EINVAL)", err);

	msg = raw_msg(&raw, VMCTL_CMD_GET_VM, NLM_F_DUMP);
	nla_put_u32(msg, VMCTL_ATTR_COUNTERS, 1);
	err = raw_send(&raw, msg);
	tap_ok(err == -EINVAL, "an attribute only answers carry: %d (want -EINVAL)", err);

	msg = raw_msg(&raw, VMCTL_CMD_GET_VM, 0);
	nla_put_u64(msg, VMCTL_ATTR_VM_ID, 1);
	err = raw_send(&raw, msg);
	tap_ok(err == -ERANGE || err == -EINVAL, "an eight-byte VM id: %d (want -ERANGE/-EINVAL)",
	       err);

	msg = raw_msg(&raw, VMCTL_CMD_GET_VCPU, NLM_F_DUMP);
	nla_put_u32(msg, VMCTL_ATTR_VM_ID, 1);
	nla_put_u16(msg, VMCTL_ATTR_PORT_FIRST, 0x3f8);
	err = raw_send(&raw, msg);
	tap_ok(err == -EINVAL, "a port-range attribute in a request: %d (want -EINVAL)", err);

	msg = raw_msg(&raw, VMCTL_CMD_GET_VM, 0);
	nla_put_u32(msg, VMCTL_ATTR_VM_ID, 0x7fffffff);
	err = raw_send(&raw, msg);
	tap_ok(err == -ENOENT, "a VM id that does not exist: %d (want -ENOENT)", err);

	err = raw_send(&raw, raw_msg(&raw, VMCTL_CMD_MAX + 1, 0));
	tap_ok(err == -EOPNOTSUPP, "an unknown command: %d (want -EOPNOTSUPP)", err);
	err = raw_send(&raw, raw_msg(&raw, VMCTL_CMD_EVENT, 0));
	tap_ok(err == -EOPNOTSUPP, "the event command as a request: %d (want -EOPNOTSUPP)", err);

	nl_socket_free(raw.sk);
	err = vmctl_stats_list_vms(stats, &list);
	tap_ok(err == 0, "the family still answers (%d)", err);
	if (!err)
		free(list);
}

/* ---- permissions ---- */

/*
 * As OTHER_UID: creates a VM named "other", says so on ready, waits for
 * done to close.
 */
static pid_t spawn_other_vm(int ready, int done, int done_write)
{
	pid_t pid = fork();
	struct vmctl_sys *sys;
	struct vmctl_vm *vm;
	char c;

	if (pid)
		return pid;
	/* The write end stays open only in the parent: its close says "done". */
	close(done_write);
	become(OTHER_UID);
	if (vmctl_sys_open(&sys) || vmctl_vm_create(sys, &vm) || vmctl_vm_set_name(vm, "other"))
		_exit(91);
	c = 1;
	if (write(ready, &c, 1) != 1)
		_exit(92);
	if (read(done, &c, 1) < 0)
		_exit(93);
	vmctl_vm_destroy(vm);
	_exit(0);
}

/*
 * Child as uid: 0 if it sees exactly want_other (its "other" VM visible or
 * not), none of root's VMs (root_id is -ENOENT), and may not subscribe.
 */
static int check_as(uid_t uid, long root_id, bool want_other)
{
	pid_t pid = fork();
	struct vmctl_vm_stats *s;
	struct vmctl_vm_list *list;
	struct vmctl_stats *stats;
	bool other = false;
	size_t i;
	int status;

	if (pid) {
		waitpid(pid, &status, 0);
		return WIFEXITED(status) ? WEXITSTATUS(status) : 99;
	}
	become(uid);
	if (vmctl_stats_open(&stats) || vmctl_stats_list_vms(stats, &list))
		_exit(10);
	for (i = 0; i < list->count; i++) {
		if (list->vms[i].uid == 0)
			_exit(11);
		other |= strcmp(list->vms[i].name, "other") == 0;
	}
	if (other != want_other)
		_exit(12);
	if (vmctl_stats_read_vm(stats, root_id, &s) != -ENOENT)
		_exit(13);
	_exit(0);
}

static void permissions(struct vmctl_stats *stats)
{
	int ready[2], done[2], status, err;
	struct vmctl_vm_list *list;
	struct tvm t;
	bool other_seen = false;
	long root_id;
	size_t i;
	pid_t pid;
	char c;

	tvm_create(&t, 1 << 20);
	vmctl_vm_set_name(t.vm, "stats-root");
	root_id = find_vm(stats, "stats-root");
	/* For this test only: let an unprivileged user create a VM. */
	if (chmod(VMCTL_DEFAULT_DEVICE, 0666) || pipe(ready) || pipe(done))
		tap_bail("cannot prepare the permission test");
	pid = spawn_other_vm(ready[1], done[0], done[1]);
	close(ready[1]);
	close(done[0]);
	err = read(ready[0], &c, 1) == 1 ? 0 : -1;
	tap_ok(err == 0, "uid %d created a VM of its own", OTHER_UID);

	err = vmctl_stats_list_vms(stats, &list);
	for (i = 0; !err && i < list->count; i++)
		other_seen |= strcmp(list->vms[i].name, "other") == 0 &&
			      list->vms[i].uid == OTHER_UID;
	tap_ok(!err && other_seen, "root sees the other user's VM, with its uid (%d)", err);
	if (!err)
		free(list);

	err = check_as(OTHER_UID, root_id, true);
	tap_ok(err == 0, "uid %d sees its own VM, not root's (status %d)",
	       OTHER_UID, err);
	err = check_as(THIRD_UID, root_id, false);
	tap_ok(err == 0, "uid %d sees neither root's VM nor uid %d's (status %d)", THIRD_UID,
	       OTHER_UID, err);

	close(done[1]);
	waitpid(pid, &status, 0);
	close(ready[0]);
	chmod(VMCTL_DEFAULT_DEVICE, 0600);
	tvm_destroy(&t);
}

int main(void)
{
	struct vmctl_stats *stats;
	int err;

	tap_plan(37);
	err = vmctl_stats_open(&stats);
	tap_ok(err == 0, "vmctl_stats_open (%d)", err);
	if (err)
		tap_bail("no statistics family: %s", vmctl_strerror_call("vmctl_stats_open", err));
	tap_ok(strcmp(vmctl_stats_counter_info(stats, VMCTL_STAT_IO_EXITS)->name, "io_exits") == 0 &&
	       vmctl_stats_counter_info(stats, VMCTL_STAT_GUEST_NS)->unit == VMCTL_STAT_UNIT_NS,
	       "descriptors: counter %d is io_exits, guest_ns is in ns", VMCTL_STAT_IO_EXITS);
	exact_counts(stats);
	port_ranges(stats);
	events(stats);
	events_unprivileged(stats);
	malformed(stats);
	permissions(stats);
	vmctl_stats_close(stats);
	return tap_finish();
}
