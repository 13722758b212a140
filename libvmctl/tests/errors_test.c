// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The library's documented errors, table-driven:
 *   1. for every function libvmctl.h declares, the errnos its comment lists
 *      after "Errors" are exactly those of the library's message table
 *      (errors.c), so the header lists every errno and only those;
 *   2. each error that can be caused without /dev/vmctl is caused, and the
 *      function returns exactly the documented errno, with a message of its
 *      own from vmctl_strerror_call();
 *   3. messages fit the call: -ENOENT is "module not loaded" only from
 *      vmctl_sys_open().
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tap.h"
#include "internal.h"

#ifndef LIBVMCTL_HEADER
#define LIBVMCTL_HEADER "include/vmctl/libvmctl.h"
#endif

#define MAX_FUNCS	128
#define MAX_ERRS	16
#define NTRIGGERS	68	/* expect() calls in main() */

struct func_doc {
	char name[64];
	int errs[MAX_ERRS];		/* negative errnos, documented */
	unsigned int nerrs;
};

static struct func_doc docs[MAX_FUNCS];
static unsigned int ndocs;

static const struct {
	const char *name;
	int err;
} errno_names[] = {
	{ "EINVAL", EINVAL }, { "ENOENT", ENOENT }, { "EACCES", EACCES },
	{ "ENODEV", ENODEV }, { "ENOTTY", ENOTTY }, { "EPROTO", EPROTO },
	{ "EMFILE", EMFILE }, { "ENOMEM", ENOMEM }, { "EBUSY", EBUSY },
	{ "EEXIST", EEXIST }, { "ENOSPC", ENOSPC }, { "EIO", EIO },
	{ "EFAULT", EFAULT }, { "EISDIR", EISDIR }, { "ENOEXEC", ENOEXEC },
	{ "ERANGE", ERANGE }, { "EINTR", EINTR }, { "ENOTSUP", ENOTSUP },
	{ "EPERM", EPERM }, { "EAGAIN", EAGAIN }, { "ESHUTDOWN", ESHUTDOWN },
	{ "E2BIG", E2BIG }, { "EOPNOTSUPP", EOPNOTSUPP },
};

/* errno of "-EXXX" at s (after the '-'), or 0 if unknown. */
static int errno_of(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(errno_names) / sizeof(errno_names[0]); i++)
		if (strlen(errno_names[i].name) == len &&
		    strncmp(errno_names[i].name, s, len) == 0)
			return errno_names[i].err;
	return 0;
}

static void add_err(struct func_doc *d, int err)
{
	unsigned int i;

	for (i = 0; i < d->nerrs; i++)
		if (d->errs[i] == err)
			return;
	if (d->nerrs == MAX_ERRS)
		tap_bail("%s: too many errors", d->name);
	d->errs[d->nerrs++] = err;
}

/*
 * Reads libvmctl.h: each function declaration gets the errnos named after
 * "Errors" (or "errors") in the comment above it, the latest comment
 * covering consecutive declarations.  Returns 0, or -1 with why set.
 */
static int parse_header(const char *path, char *why, size_t whylen)
{
	static char text[1 << 17];
	char comment[4096] = "";
	size_t len, clen = 0;
	bool in_comment = false;
	char *line, *save;
	FILE *f;

	f = fopen(path, "r");
	if (!f) {
		snprintf(why, whylen, "%s: %s", path, strerror(errno));
		return -1;
	}
	len = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[len] = '\0';

	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		const char *p;

		if (!in_comment && strncmp(line, "/*", 2) == 0) {
			in_comment = true;
			clen = 0;
			comment[0] = '\0';
		}
		if (in_comment) {
			clen += snprintf(comment + clen, sizeof(comment) - clen, "%s ", line);
			if (clen >= sizeof(comment))
				clen = sizeof(comment) - 1;
			if (strstr(line, "*/"))
				in_comment = false;
			continue;
		}
		/* A declaration: the identifier before the first '(' is vmctl_*. */
		if (line[0] == '#' || line[0] == '\t' || line[0] == ' ' ||
		    strncmp(line, "typedef", 7) == 0 || !(p = strchr(line, '(')))
			continue;
		while (p > line && (p[-1] == '_' || (p[-1] >= 'a' && p[-1] <= 'z') ||
				    (p[-1] >= '0' && p[-1] <= '9')))
			p--;
		if (strncmp(p, "vmctl_", 6))
			continue;
		if (ndocs == MAX_FUNCS) {
			snprintf(why, whylen, "more than %d functions", MAX_FUNCS);
			return -1;
		}
		{
			struct func_doc *d = &docs[ndocs++];
			const char *e = strstr(comment, "Errors");
			size_t n = strcspn(p, "(");

			if (!e)
				e = strstr(comment, "errors");
			snprintf(d->name, sizeof(d->name), "%.*s", (int)n, p);
			for (; e && (e = strstr(e, "-E")); e++) {
				size_t k = 1;
				int err;

				while ((e[k] >= 'A' && e[k] <= 'Z') || (k > 1 && e[k] >= '0' && e[k] <= '9'))
					k++;
				err = errno_of(e + 1, k - 1);
				if (!err) {
					snprintf(why, whylen, "%s: unknown errno %.*s", d->name,
						 (int)k, e);
					return -1;
				}
				add_err(d, -err);
			}
		}
	}
	return 0;
}

static const char *errno_name(int err)
{
	size_t i;

	for (i = 0; i < sizeof(errno_names) / sizeof(errno_names[0]); i++)
		if (errno_names[i].err == -err)
			return errno_names[i].name;
	return "?";
}

/* Compares a function's documented errnos with the library's table. */
static void check_doc(const struct func_doc *d)
{
	char diff[512] = "";
	size_t n = 0;
	unsigned int i, j;

	for (i = 0; i < d->nerrs; i++) {
		for (j = 0; j < err_nmsgs; j++)
			if (err_msgs[j].err == d->errs[i] && !strcmp(err_msgs[j].func, d->name))
				break;
		if (j == err_nmsgs)
			n += snprintf(diff + n, sizeof(diff) - n, " -%s documented, not in the table;",
				      errno_name(d->errs[i]));
	}
	for (j = 0; j < err_nmsgs; j++) {
		if (strcmp(err_msgs[j].func, d->name))
			continue;
		for (i = 0; i < d->nerrs && d->errs[i] != err_msgs[j].err; i++)
			;
		if (i == d->nerrs && n < sizeof(diff))
			n += snprintf(diff + n, sizeof(diff) - n, " -%s in the table, not documented;",
				      errno_name(err_msgs[j].err));
	}
	tap_ok(n == 0, "%s: libvmctl.h lists %u errno(s), as the library's table%s",
	       d->name, d->nerrs, diff);
}

/* Every function of the table is one the header declares. */
static void check_table_funcs(void)
{
	unsigned int i, j;

	for (j = 0; j < err_nmsgs; j++) {
		for (i = 0; i < ndocs && strcmp(docs[i].name, err_msgs[j].func); i++)
			;
		if (i == ndocs) {
			tap_ok(0, "the table names %s, which libvmctl.h does not declare",
			       err_msgs[j].func);
			return;
		}
	}
	tap_ok(1, "every function of the table is declared in libvmctl.h");
}

static bool has_own_message(const char *func, int err)
{
	unsigned int j;

	for (j = 0; j < err_nmsgs; j++)
		if (err_msgs[j].err == err && !strcmp(err_msgs[j].func, func))
			return vmctl_strerror_call(func, err) == err_msgs[j].msg;
	return false;
}

static void expect(const char *func, long got, int want, const char *how)
{
	tap_ok(got == want && has_own_message(func, want),
	       "%s %s: -%s (got %ld: \"%s\")", func, how, errno_name(want), got,
	       vmctl_strerror_call(func, (int)got));
}

/* A VM without a kernel behind it: one 8 KiB slot at guest-physical 0. */
static struct vmctl_vm *fake_vm(void)
{
	struct vmctl_vm *vm = calloc(1, sizeof(*vm));
	void *host;

	if (!vm)
		tap_bail("calloc");
	host = mmap(NULL, 0x2000, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (host == MAP_FAILED)
		tap_bail("mmap: %s", strerror(errno));
	vm->fd = -1;
	range_map_init(&vm->pio);
	if (pthread_rwlock_init(&vm->pio_lock, NULL))
		tap_bail("pthread_rwlock_init");
	vm->mem[0] = (struct vmctl_mem){ .used = true, .gpa = 0, .size = 0x2000, .host = host };
	return vm;
}

static int noop_pio(struct vmctl_vcpu *vcpu, uint16_t port, uint32_t *data,
		    unsigned int size, bool is_write, void *opaque)
{
	(void)vcpu; (void)port; (void)data; (void)size; (void)is_write; (void)opaque;
	return 0;
}

static char tmpdir[] = "/tmp/errors_test.XXXXXX";

/* Creates tmpdir/name with size bytes; returns its path (static). */
static const char *make_file(const char *name, size_t size)
{
	static char path[4][128];
	static int next;
	char *p = path[next++ % 4];
	char buf[512] = { 0 };
	int fd;

	snprintf(p, sizeof(path[0]), "%s/%s", tmpdir, name);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		tap_bail("%s: %s", p, strerror(errno));
	while (size) {
		size_t n = size < sizeof(buf) ? size : sizeof(buf);

		if (write(fd, buf, n) != (ssize_t)n)
			tap_bail("write %s: %s", p, strerror(errno));
		size -= n;
	}
	close(fd);
	return p;
}

int main(void)
{
	struct vmctl_long_mode lm = { .tables_gpa = 0x100000, .map_size = 1 << 30 };
	struct vmctl_protected_mode pm = { .gdt_gpa = 0x1ff8 };
	struct vmctl_vcpu *fake_vcpup;
	struct vmctl_vm *vm_out;
	uint64_t value;
	struct vmctl_vcpu fake_vcpu = { 0 };
	struct vmctl_vm *vm, *full;
	struct vmctl_sys *sys;
	struct vmctl_exit exit;
	struct vmctl_regs regs = { 0 };
	struct vmctl_sregs sregs = { 0 };
	uint64_t cr3, gdt;
	char why[256], small[64];
	unsigned int i;
	uint8_t byte;

	if (parse_header(LIBVMCTL_HEADER, why, sizeof(why)))
		tap_bail("reading libvmctl.h: %s", why);
	if (ndocs < 35)
		tap_bail("libvmctl.h: only %u functions found", ndocs);
	tap_plan(ndocs + 1 + NTRIGGERS + 4);
	if (!mkdtemp(tmpdir))
		tap_bail("mkdtemp: %s", strerror(errno));

	/* 1. The header against the table. */
	for (i = 0; i < ndocs; i++)
		check_doc(&docs[i]);
	check_table_funcs();

	/* 2. Each error that can be caused without the module. */
	expect("vmctl_sys_open", vmctl_sys_open(NULL), -EINVAL, "with NULL");
	expect("vmctl_sys_open_path", vmctl_sys_open_path(NULL, &sys), -EINVAL, "with NULL path");
	expect("vmctl_sys_open_path", vmctl_sys_open_path("/nonexistent/vmctl", &sys), -ENOENT,
	       "on a missing path");
	expect("vmctl_sys_open_path", vmctl_sys_open_path("/dev/null/vmctl", &sys), -ENOENT,
	       "through a non-directory (ENOTDIR)");
	expect("vmctl_sys_open_path", vmctl_sys_open_path("/dev/null", &sys), -ENOTTY,
	       "on /dev/null (another driver)");
	expect("vmctl_sys_open_path", vmctl_sys_open_path(make_file("regular", 16), &sys),
	       -ENOTTY, "on a regular file");
	expect("vmctl_sys_open_path", vmctl_sys_open_path("/", &sys), -ENOTTY,
	       "on a directory (EISDIR)");
	expect("vmctl_sys_api_version", vmctl_sys_api_version(NULL), -EINVAL, "with NULL");
	expect("vmctl_sys_get_caps", vmctl_sys_get_caps(NULL, NULL), -EINVAL, "with NULL");
	expect("vmctl_sys_get_usage", vmctl_sys_get_usage(NULL, NULL), -EINVAL, "with NULL");
	expect("vmctl_vm_create", vmctl_vm_create(NULL, &vm), -EINVAL, "with NULL sys");

	vm = fake_vm();
	expect("vmctl_vm_mem_add", vmctl_vm_mem_add(vm, 0x10800, 0x1000, 0, NULL), -EINVAL,
	       "unaligned");
	expect("vmctl_vm_mem_add", vmctl_vm_mem_add(vm, 0x10000, 0x1000, 4, NULL), -EINVAL,
	       "with unknown flags");
	expect("vmctl_vm_mem_add", vmctl_vm_mem_add(NULL, 0x10000, 0x1000, 0, NULL), -EINVAL,
	       "with NULL vm");
	expect("vmctl_vm_mem_add", vmctl_vm_mem_add(vm, 0x1000, 0x1000, 0, NULL), -EEXIST,
	       "overlapping slot 0");
	full = fake_vm();
	for (i = 1; i < VMCTL_MAX_SLOTS; i++)
		full->mem[i] = (struct vmctl_mem){ .used = true, .gpa = 0x100000ULL * i,
						   .size = 0x1000, .host = NULL };
	expect("vmctl_vm_mem_add", vmctl_vm_mem_add(full, 0x80000000, 0x1000, 0, NULL), -ENOSPC,
	       "with every slot used");
	for (i = 1; i < VMCTL_MAX_SLOTS; i++)
		full->mem[i].used = false;
	vmctl_vm_destroy(full);
	expect("vmctl_vm_mem_remove", vmctl_vm_mem_remove(vm, 5), -ENOENT, "of an unused slot");
	expect("vmctl_vm_mem_remove", vmctl_vm_mem_remove(vm, -1), -ENOENT, "of slot -1");
	expect("vmctl_vm_mem_remove", vmctl_vm_mem_remove(NULL, 0), -EINVAL, "with NULL vm");
	expect("vmctl_vm_write", vmctl_vm_write(vm, 0x1fff, "ab", 2), -EFAULT,
	       "across the end of guest memory");
	expect("vmctl_vm_read", vmctl_vm_read(vm, 0x5000, &byte, 1), -EFAULT,
	       "outside guest memory");
	expect("vmctl_vm_load_flat", vmctl_vm_load_flat(vm, NULL, 0), -EINVAL, "with NULL path");
	expect("vmctl_vm_load_flat", vmctl_vm_load_flat(vm, "/nonexistent/image", 0), -ENOENT,
	       "of a missing file");
	expect("vmctl_vm_load_flat", vmctl_vm_load_flat(vm, "/", 0), -EISDIR, "of a directory");
	expect("vmctl_vm_load_flat", vmctl_vm_load_flat(vm, make_file("empty", 0), 0), -ENOEXEC,
	       "of an empty file");
	expect("vmctl_vm_load_flat", vmctl_vm_load_flat(vm, "/dev/null", 0), -ENOEXEC,
	       "of a character device");
	expect("vmctl_vm_load_flat", vmctl_vm_load_flat(vm, make_file("big", 0x3000), 0), -ERANGE,
	       "of a file larger than the slot");

	expect("vmctl_vm_pio_register", vmctl_vm_pio_register(vm, 0x60, 0, noop_pio, NULL),
	       -EINVAL, "of 0 ports");
	expect("vmctl_vm_pio_register", vmctl_vm_pio_register(vm, 0xfff0, 0x20, noop_pio, NULL),
	       -EINVAL, "beyond port 0xffff");
	if (vmctl_vm_pio_register(vm, 0x60, 4, noop_pio, NULL))
		tap_bail("vmctl_vm_pio_register(0x60, 4) failed");
	expect("vmctl_vm_pio_register", vmctl_vm_pio_register(vm, 0x63, 2, noop_pio, NULL),
	       -EEXIST, "overlapping a range");
	expect("vmctl_vm_pio_unregister", vmctl_vm_pio_unregister(vm, 0x61), -ENOENT,
	       "inside a range, not at its start");
	expect("vmctl_vm_pio_unregister", vmctl_vm_pio_unregister(NULL, 0x60), -EINVAL,
	       "with NULL vm");

	expect("vmctl_vcpu_create", vmctl_vcpu_create(NULL, 0, NULL), -EINVAL, "with NULL vm");
	expect("vmctl_vcpu_get_regs", vmctl_vcpu_get_regs(NULL, &regs), -EINVAL, "with NULL");
	expect("vmctl_vcpu_set_regs", vmctl_vcpu_set_regs(NULL, &regs), -EINVAL, "with NULL");
	expect("vmctl_vcpu_get_sregs", vmctl_vcpu_get_sregs(NULL, &sregs), -EINVAL, "with NULL");
	expect("vmctl_vcpu_set_sregs", vmctl_vcpu_set_sregs(NULL, &sregs), -EINVAL, "with NULL");
	expect("vmctl_vcpu_setup_real_mode", vmctl_vcpu_setup_real_mode(NULL, 0, 0, 0), -EINVAL,
	       "with NULL");
	fake_vcpu.vm = vm;
	fake_vcpu.fd = -1;
	expect("vmctl_vcpu_setup_long_mode", vmctl_vcpu_setup_long_mode(&fake_vcpu, &lm), -EFAULT,
	       "with tables outside guest memory");
	lm.map_size = 0;
	expect("vmctl_vcpu_setup_long_mode", vmctl_vcpu_setup_long_mode(&fake_vcpu, &lm), -EINVAL,
	       "with map_size 0");
	expect("vmctl_build_long_mode_tables",
	       vmctl_build_long_mode_tables(small, sizeof(small), 0x1234, 1 << 30, &cr3, &gdt),
	       -EINVAL, "at an unaligned address");
	expect("vmctl_build_long_mode_tables",
	       vmctl_build_long_mode_tables(small, sizeof(small), 0x1000, 1 << 30, &cr3, &gdt),
	       -ENOSPC, "in a 64-byte buffer");
	expect("vmctl_vcpu_run", vmctl_vcpu_run(NULL, &exit), -EINVAL, "with NULL");
	expect("vmctl_vcpu_run_loop", vmctl_vcpu_run_loop(NULL, &exit), -EINVAL, "with NULL");
	expect("vmctl_vcpu_complete_in", vmctl_vcpu_complete_in(&fake_vcpu, 1), -EINVAL,
	       "with no IN pending");

	expect("vmctl_vcpu_setup_protected_mode", vmctl_vcpu_setup_protected_mode(&fake_vcpu, &pm),
	       -EFAULT, "with the GDT across the end of guest memory");
	pm.gdt_gpa = 0x1004;
	expect("vmctl_vcpu_setup_protected_mode", vmctl_vcpu_setup_protected_mode(&fake_vcpu, &pm),
	       -EINVAL, "with an unaligned GDT");
	expect("vmctl_vcpu_get_reg", vmctl_vcpu_get_reg(&fake_vcpu, VMCTL_REG_COUNT, &value),
	       -EINVAL, "of VMCTL_REG_COUNT");
	expect("vmctl_vcpu_get_reg", vmctl_vcpu_get_reg(&fake_vcpu, (enum vmctl_reg)-1, &value),
	       -EINVAL, "of register -1");
	expect("vmctl_vcpu_set_reg", vmctl_vcpu_set_reg(&fake_vcpu, VMCTL_REG_COUNT, 0), -EINVAL,
	       "of VMCTL_REG_COUNT");
	expect("vmctl_vcpu_set_reg", vmctl_vcpu_set_reg(NULL, VMCTL_REG_RAX, 0), -EINVAL,
	       "with NULL");
	expect("vmctl_vm_create_simple", vmctl_vm_create_simple(0x1000, NULL, &fake_vcpup, NULL),
	       -EINVAL, "with NULL vmp");
	expect("vmctl_vm_create_simple", vmctl_vm_create_simple(0x1800, &vm_out, &fake_vcpup, NULL),
	       -EINVAL, "of an unaligned size");
	expect("vmctl_vcpu_translate", vmctl_vcpu_translate(&fake_vcpu, 0, NULL), -EINVAL,
	       "with NULL");
	expect("vmctl_vm_load_elf_image", vmctl_vm_load_elf_image(vm, NULL, 0, NULL), -EINVAL,
	       "with NULL");
	expect("vmctl_vm_load_elf_image", vmctl_vm_load_elf_image(vm, "\177ELF", 4, NULL),
	       -ENOEXEC, "of a 4-byte image");
	expect("vmctl_vm_load_elf", vmctl_vm_load_elf(vm, NULL, NULL), -EINVAL, "with NULL path");
	expect("vmctl_vm_load_elf", vmctl_vm_load_elf(vm, "/nonexistent/image", NULL), -ENOENT,
	       "of a missing file");
	expect("vmctl_vm_load_elf", vmctl_vm_load_elf(vm, "/", NULL), -EISDIR, "of a directory");
	expect("vmctl_vm_load_elf", vmctl_vm_load_elf(vm, make_file("empty", 0), NULL), -ENOEXEC,
	       "of an empty file");
	expect("vmctl_vm_load_elf", vmctl_vm_load_elf(vm, "/dev/null", NULL), -ENOEXEC,
	       "of a character device");
	expect("vmctl_vm_load_elf", vmctl_vm_load_elf(vm, make_file("big", 0x3000), NULL),
	       -ENOEXEC, "of zeros");
	expect("vmctl_ucall_get", vmctl_ucall_get(&fake_vcpu, &exit, NULL), -EINVAL, "with NULL");
	{
		const char *unreadable = make_file("unreadable", 64);

		/* root reads anything: no -EACCES to cause then. */
		if (geteuid() != 0) {
			chmod(unreadable, 0);
			expect("vmctl_vm_load_elf", vmctl_vm_load_elf(vm, unreadable, NULL),
			       -EACCES, "of an unreadable file");
		} else {
			expect("vmctl_vm_load_elf", vmctl_vm_load_elf(vm, "/nonexistent/elf", NULL),
			       -ENOENT, "of a missing file (as root, in place of -EACCES)");
		}
		unlink(unreadable);
	}
	{
		struct vmctl_sregs lm57 = { .cr0 = 1ULL << 31, .cr4 = (1ULL << 12) | (1ULL << 5),
					    .efer = 1ULL << 10 };
		struct vmctl_translation tr;

		/* The public function over the walk adds only the register read. */
		expect("vmctl_vcpu_translate", paging_walk(vm, &lm57, 0, &tr), -ENOTSUP,
		       "with CR4.LA57 (the walk)");
		lm57.cr4 = 1ULL << 5;
		expect("vmctl_vcpu_translate", paging_walk(vm, &lm57, 1ULL << 47, &tr), -ERANGE,
		       "of a non-canonical address (the walk)");
		lm57.cr3 = 0x4000;
		expect("vmctl_vcpu_translate", paging_walk(vm, &lm57, 0, &tr), -EFAULT,
		       "with CR3 beyond guest memory (the walk)");
		lm57.cr3 = 0x1000;	/* zeroed: nothing present */
		expect("vmctl_vcpu_translate", paging_walk(vm, &lm57, 0, &tr), -ENOENT,
		       "of an unmapped address (the walk)");
	}
	vmctl_vm_destroy(vm);

	/* 3. The same errno, a message fitting each call. */
	tap_ok(!strstr(vmctl_strerror(-ENOENT), "module"),
	       "vmctl_strerror(-ENOENT) does not blame the module: \"%s\"",
	       vmctl_strerror(-ENOENT));
	tap_ok(strstr(vmctl_strerror_call("vmctl_sys_open", -ENOENT), "module is not loaded") != NULL,
	       "vmctl_sys_open's -ENOENT: \"%s\"", vmctl_strerror_call("vmctl_sys_open", -ENOENT));
	tap_ok(strstr(vmctl_strerror_call("vmctl_vm_mem_remove", -ENOENT), "slot") &&
	       strstr(vmctl_strerror_call("vmctl_vm_load_flat", -ENOENT), "image") &&
	       strstr(vmctl_strerror_call("vmctl_vm_pio_unregister", -ENOENT), "port"),
	       "-ENOENT of mem_remove, load_flat, pio_unregister: \"%s\", \"%s\", \"%s\"",
	       vmctl_strerror_call("vmctl_vm_mem_remove", -ENOENT),
	       vmctl_strerror_call("vmctl_vm_load_flat", -ENOENT),
	       vmctl_strerror_call("vmctl_vm_pio_unregister", -ENOENT));

	/*
	 * The module's "VT-x is off for a reboot" from RUN and from calls
	 * that do not list it must not read as an ownership problem.
	 */
	tap_ok(strstr(vmctl_strerror_call("vmctl_vcpu_run", -ESHUTDOWN), "rebooting") &&
	       strstr(vmctl_strerror_call("vmctl_vcpu_get_regs", -ESHUTDOWN), "rebooting") &&
	       !strstr(vmctl_strerror_call("vmctl_vcpu_run", -ESHUTDOWN), "create") &&
	       strstr(vmctl_strerror_call("vmctl_vcpu_run", -EIO), "did not create"),
	       "-ESHUTDOWN of vcpu_run and vcpu_get_regs says rebooting: \"%s\", \"%s\"; -EIO still: \"%s\"",
	       vmctl_strerror_call("vmctl_vcpu_run", -ESHUTDOWN),
	       vmctl_strerror_call("vmctl_vcpu_get_regs", -ESHUTDOWN),
	       vmctl_strerror_call("vmctl_vcpu_run", -EIO));

	unlink(make_file("regular", 0));
	unlink(make_file("empty", 0));
	unlink(make_file("big", 0));
	rmdir(tmpdir);
	return tap_finish();
}
