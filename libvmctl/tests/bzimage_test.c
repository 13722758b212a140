// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The bzImage loader against Debian's own vmlinuz (VMCTL_TEST_VMLINUZ, set by
 * the Makefile from testbed/debian-kernel): boot_params and the placement
 * checked against the image's header as od(1) reads it (not the loader's
 * parser), each refusal at its exact boundary, and a seeded loop of
 * truncated and corrupted images that must each load or be refused with a
 * documented errno (VMCTL_SEED=N replays one).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tap.h"
#include "internal.h"

#define MEM_SIZE	(256ULL << 20)
#define FUZZ_ROUNDS	400

static const char *vmlinuz;

/* An unsigned little-endian field of the file, read by od(1). */
static uint64_t od(unsigned int offset, unsigned int width)
{
	char cmd[512];
	unsigned long long v = 0, part;
	unsigned int i;
	FILE *p;

	for (i = 0; i < width; i += 4) {
		unsigned int w = width - i < 4 ? width - i : 4;

		snprintf(cmd, sizeof(cmd), "od -An -tu%u -j %u -N %u '%s'", w, offset + i, w,
			 vmlinuz);
		p = popen(cmd, "r");
		if (!p || fscanf(p, "%llu", &part) != 1)
			tap_bail("od of %s at 0x%x failed", vmlinuz, offset + i);
		pclose(p);
		v |= part << (8 * i);
	}
	return v;
}

static uint64_t le(const uint8_t *p, unsigned int width)
{
	uint64_t v = 0;

	while (width--)
		v = v << 8 | p[width];
	return v;
}

static int is_documented(int err)
{
	return err == 0 || err == -ENOEXEC || err == -ERANGE || err == -ENOSPC || err == -E2BIG;
}

static int load(uint8_t *mem, uint64_t mem_size, const void *k, size_t ksize,
		const void *initrd, size_t isize, const char *cmdline,
		struct vmctl_linux_boot *boot)
{
	memset(boot, 0, sizeof(*boot));
	boot->kernel = k;
	boot->kernel_size = ksize;
	boot->initrd = initrd;
	boot->initrd_size = isize;
	boot->cmdline = cmdline;
	return vmctl_linux_load_image(mem, mem_size, boot);
}

/* A patched copy of the image: one field set to v. */
static uint8_t *patched(const uint8_t *k, size_t size, unsigned int off, uint64_t v,
			unsigned int width)
{
	uint8_t *c = malloc(size);
	unsigned int i;

	if (!c)
		tap_bail("out of memory");
	memcpy(c, k, size);
	for (i = 0; i < width; i++)
		c[off + i] = v >> (8 * i);
	return c;
}

static void fuzz(const uint8_t *k, size_t size, uint8_t *mem, unsigned int seed)
{
	static const uint64_t mems[] = { 1 << 20, 16 << 20, 80 << 20, MEM_SIZE };
	unsigned int round, loaded = 0, refused = 0, bad = 0, silent = 0, outside = 0;
	static const uint8_t initrd[8192];
	struct vmctl_linux_boot boot;

	srandom(seed);
	for (round = 0; round < FUZZ_ROUNDS; round++) {
		size_t len = size;
		uint64_t mem_size = mems[random() % 4];
		uint8_t *c;
		int i, n, err;

		switch (random() % 3) {
		case 0:		/* truncated anywhere, headers included */
			len = random() % (size + 1);
			break;
		case 1:		/* a few bytes of the setup header changed */
			break;
		default:	/* truncated near the end of the kernel */
			len = size - random() % 4096;
			break;
		}
		/* An exact-size copy, so that ASan sees any read past it. */
		c = malloc(len ? len : 1);
		if (!c)
			tap_bail("out of memory");
		memcpy(c, k, len);
		n = random() % 5;
		for (i = 0; i < n && len > 0x270; i++)
			c[0x1f1 + random() % 0x7f] = random();
		err = load(mem, mem_size, c, len, initrd, random() % 2 ? sizeof(initrd) : 0,
			   "console=ttyS0", &boot);
		if (!is_documented(err))
			bad++;
		else if (err)
			refused++;
		else
			loaded++;
		if (err && !boot.message[0])
			silent++;
		if (!err && (boot.kernel_end > mem_size ||
			     boot.initrd_gpa + boot.initrd_size > mem_size ||
			     (boot.initrd_size && boot.initrd_gpa < boot.kernel_end)))
			outside++;
		free(c);
	}
	tap_diag("seed %u: %u loaded, %u refused", seed, loaded, refused);
	tap_ok(bad == 0, "fuzz: every corrupted or truncated image loads or is refused with a "
	       "documented errno (%u not)", bad);
	tap_ok(silent == 0, "fuzz: every refusal says why (%u silent)", silent);
	tap_ok(outside == 0, "fuzz: every loaded image lies within guest memory (%u not)", outside);
	tap_ok(loaded > 0 && refused > 0, "fuzz: both outcomes happened (%u, %u)", loaded, refused);
}

int main(void)
{
	uint64_t setup_sects, setup_size, syssize, init_size, pref, initrd_max, cmdline_size,
		 top, ram = 0;
	static uint8_t initrd[(1 << 20) + 123];
	struct vmctl_linux_boot boot;
	uint8_t *k, *mem, *bp, *c;
	unsigned int i, seed, hdr_end, zero_ok;
	char *cmdline, dir[] = "/tmp/bzimage_test.XXXXXX", path[64];
	struct stat st;
	size_t size;
	FILE *f;
	int err;

	tap_plan(47);
	vmlinuz = getenv("VMCTL_TEST_VMLINUZ");
	if (!vmlinuz || !*vmlinuz)
		tap_bail("VMCTL_TEST_VMLINUZ is not set (make check sets it from testbed/debian-kernel)");
	if (stat(vmlinuz, &st))
		tap_bail("%s: %s", vmlinuz, strerror(errno));

	memset(&boot, 0, sizeof(boot));
	err = vmctl_linux_read_files(vmlinuz, NULL, &boot);
	tap_ok(err == 0 && boot.kernel_size == (size_t)st.st_size,
	       "read %s (%lld bytes)", vmlinuz, (long long)st.st_size);
	if (err)
		tap_bail("cannot read the kernel: %s", boot.message);
	k = (uint8_t *)boot.kernel;
	size = boot.kernel_size;

	setup_sects = od(0x1f1, 1);
	setup_size = ((setup_sects ? setup_sects : 4) + 1) * 512;
	syssize = od(0x1f4, 4);
	pref = od(0x258, 8);
	init_size = od(0x260, 4);
	initrd_max = od(0x22c, 4);
	cmdline_size = od(0x238, 4);
	hdr_end = 0x202 + od(0x201, 1);
	tap_diag("protocol 0x%llx, setup %llu bytes, pref_address 0x%llx, init_size 0x%llx, "
		 "initrd_addr_max 0x%llx, cmdline_size %llu", (unsigned long long)od(0x206, 2),
		 (unsigned long long)setup_size, (unsigned long long)pref,
		 (unsigned long long)init_size, (unsigned long long)initrd_max,
		 (unsigned long long)cmdline_size);

	mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		tap_bail("mmap: %s", strerror(errno));
	for (i = 0; i < sizeof(initrd); i++)
		initrd[i] = i * 7 + 3;

	/* A check without memory writes nothing and agrees with the load. */
	err = load(NULL, MEM_SIZE, k, size, initrd, sizeof(initrd), "console=ttyS0", &boot);
	tap_ok(err == 0 && boot.kernel_gpa == pref, "check only (mem NULL): accepted, kernel at 0x%llx",
	       (unsigned long long)boot.kernel_gpa);
	memset(mem, 0xa5, 1 << 20);
	err = load(mem, MEM_SIZE, k, size, initrd, sizeof(initrd), "console=ttyS0 quiet", &boot);
	tap_ok(err == 0, "load into %llu MiB: %d %s", MEM_SIZE >> 20, err, boot.message);
	bp = mem + boot.boot_params_gpa;

	tap_ok(boot.protocol == od(0x206, 2) && boot.protocol >= 0x020c,
	       "protocol 0x%x as the header says", boot.protocol);
	tap_ok(boot.header_end == hdr_end, "setup header ends at 0x%x (0x202 + jump byte)", hdr_end);
	tap_ok(boot.entry == pref + 0x200, "entry at pref_address + 0x200");
	tap_ok(boot.kernel_end == pref + init_size, "kernel occupies init_size bytes");
	tap_ok(memcmp(mem + pref, k + setup_size, size - setup_size) == 0,
	       "protected-mode kernel copied from file offset (setup_sects + 1) * 512");
	tap_ok(le(bp + 0x1f1, 1) == setup_sects && le(bp + 0x1f4, 4) == syssize &&
	       le(bp + 0x236, 2) == od(0x236, 2) && le(bp + 0x258, 8) == pref &&
	       le(bp + 0x260, 4) == init_size && le(bp + 0x230, 4) == od(0x230, 4) &&
	       le(bp + 0x234, 1) == od(0x234, 1),
	       "boot_params carries setup_sects, syssize, xloadflags, pref_address, init_size, "
	       "alignment, relocatable");
	tap_ok(le(bp + 0x1fe, 2) == 0xaa55 && le(bp + 0x202, 4) == 0x53726448,
	       "boot_params carries the boot flag and HdrS");
	tap_ok(bp[0x210] == 0xff, "type_of_loader 0xff");
	tap_ok(le(bp + 0x228, 4) == boot.cmdline_gpa && le(bp + 0xc8, 4) == 0 &&
	       strcmp((char *)mem + boot.cmdline_gpa, "console=ttyS0 quiet") == 0,
	       "cmd_line_ptr points at the command line");
	tap_ok(le(bp + 0x218, 4) == boot.initrd_gpa && le(bp + 0x21c, 4) == sizeof(initrd) &&
	       le(bp + 0xc0, 4) == 0 && le(bp + 0xc4, 4) == 0,
	       "ramdisk_image and ramdisk_size (ext_ fields 0)");
	top = MEM_SIZE < initrd_max + 1 ? MEM_SIZE : initrd_max + 1;
	tap_ok(boot.initrd_gpa % 4096 == 0 && boot.initrd_gpa >= pref + init_size &&
	       boot.initrd_gpa + sizeof(initrd) <= top &&
	       boot.initrd_gpa + sizeof(initrd) + 4096 > top,
	       "initrd page-aligned, as high as RAM and initrd_addr_max allow (0x%llx)",
	       (unsigned long long)boot.initrd_gpa);
	tap_ok(memcmp(mem + boot.initrd_gpa, initrd, sizeof(initrd)) == 0, "initrd copied");
	tap_ok(bp[0x1e8] == 3, "three e820 entries");
	for (i = 0; i < bp[0x1e8] && i < 128; i++) {
		const uint8_t *e = bp + 0x2d0 + 20 * i;

		if (le(e + 16, 4) == 1)
			ram += le(e + 8, 8);
	}
	tap_ok(ram == MEM_SIZE - (0x100000 - 0x9fc00), "e820 RAM: all but the 0x9fc00-1 MiB hole");
	tap_ok(le(bp + 0x2d0 + 40, 8) == 0x100000 && le(bp + 0x2d0 + 48, 8) == MEM_SIZE - 0x100000,
	       "e820 high RAM from 1 MiB to the end");
	zero_ok = 1;
	for (i = 0; i < 4096; i++) {
		bool field = (i >= 0x1f1 && i < hdr_end) || (i >= 0x2d0 && i < 0x2d0 + 3 * 20) ||
			     i == 0x1e8;

		if (!field && bp[i])
			zero_ok = 0;
	}
	tap_ok(zero_ok, "the rest of boot_params is zero");
	tap_ok(memcmp(bp + 0x1f1, k + 0x1f1, 0x210 - 0x1f1) == 0 &&
	       memcmp(bp + 0x22c, k + 0x22c, hdr_end - 0x22c) == 0,
	       "other header bytes copied verbatim");
	tap_ok(le(mem + boot.gdt_gpa + 0x10, 8) == 0x00af9b000000ffffULL &&
	       le(mem + boot.gdt_gpa + 0x18, 8) == 0x00cf93000000ffffULL,
	       "GDT: 64-bit code at 0x10, flat data at 0x18");

	/* Boundaries: each limit accepted, one past it refused. */
	err = load(NULL, pref + init_size, k, size, NULL, 0, NULL, &boot);
	tap_ok(err == 0, "RAM ending exactly at pref_address + init_size: accepted");
	memset(mem, 0x5a, 4096);
	err = load(mem, pref + init_size - 4096, k, size, NULL, 0, NULL, &boot);
	tap_ok(err == -ERANGE && strstr(boot.message, "MiB") && mem[0] == 0x5a,
	       "one page less: -ERANGE before writing (%s)", boot.message);
	err = load(NULL, pref + init_size + 8192, k, size, initrd, 8192, NULL, &boot);
	tap_ok(err == 0 && boot.initrd_gpa == pref + init_size, "initrd filling RAM to the end: accepted");
	err = load(NULL, pref + init_size + 8192, k, size, initrd, 8193, NULL, &boot);
	tap_ok(err == -ENOSPC && boot.message[0], "one byte more: -ENOSPC (%s)", boot.message);
	cmdline = malloc(cmdline_size + 2);
	if (!cmdline)
		tap_bail("out of memory");
	memset(cmdline, 'x', cmdline_size + 1);
	cmdline[cmdline_size] = '\0';
	err = load(NULL, MEM_SIZE, k, size, NULL, 0, cmdline, &boot);
	tap_ok(err == 0, "command line of cmdline_size (%llu) bytes: accepted",
	       (unsigned long long)cmdline_size);
	cmdline[cmdline_size] = 'x';
	cmdline[cmdline_size + 1] = '\0';
	err = load(NULL, MEM_SIZE, k, size, NULL, 0, cmdline, &boot);
	tap_ok(err == -E2BIG && boot.message[0], "one byte longer: -E2BIG (%s)", boot.message);
	free(cmdline);
	err = load(NULL, MEM_SIZE, k, setup_size + syssize * 16, NULL, 0, NULL, &boot);
	tap_ok(err == 0, "image cut right after syssize * 16 bytes: accepted");
	err = load(NULL, MEM_SIZE, k, setup_size + syssize * 16 - 1, NULL, 0, NULL, &boot);
	tap_ok(err == -ENOEXEC, "one byte less: -ENOEXEC (%s)", boot.message);
	err = load(NULL, MEM_SIZE, k, 0x28f, NULL, 0, NULL, &boot);
	tap_ok(err == -ENOEXEC, "no room for the header: -ENOEXEC (%s)", boot.message);

	c = patched(k, size, 0x206, 0x020b, 2);
	err = load(NULL, MEM_SIZE, c, size, NULL, 0, NULL, &boot);
	tap_ok(err == -ENOEXEC && strstr(boot.message, "2.11"), "protocol 2.11: -ENOEXEC (%s)",
	       boot.message);
	free(c);
	c = patched(k, size, 0x206, 0x020c, 2);
	tap_ok(load(NULL, MEM_SIZE, c, size, NULL, 0, NULL, &boot) == 0, "protocol 2.12: accepted");
	free(c);
	c = patched(k, size, 0x236, od(0x236, 2) & ~1ULL, 2);
	err = load(NULL, MEM_SIZE, c, size, NULL, 0, NULL, &boot);
	tap_ok(err == -ENOEXEC && strstr(boot.message, "64-bit"), "no XLF_KERNEL_64: -ENOEXEC");
	free(c);
	c = patched(k, size, 0x1fe, 0xaa56, 2);
	tap_ok(load(NULL, MEM_SIZE, c, size, NULL, 0, NULL, &boot) == -ENOEXEC, "bad boot flag: -ENOEXEC");
	free(c);
	c = patched(k, size, 0x202, 0x53726449, 4);
	tap_ok(load(NULL, MEM_SIZE, c, size, NULL, 0, NULL, &boot) == -ENOEXEC, "no HdrS: -ENOEXEC");
	free(c);
	c = patched(k, size, 0x258, pref + 0x1000, 8);
	err = load(NULL, MEM_SIZE, c, size, NULL, 0, NULL, &boot);
	tap_ok(err == (od(0x234, 1) ? -ENOEXEC : 0), "pref_address off kernel_alignment: %s",
	       od(0x234, 1) ? "-ENOEXEC for a relocatable kernel" : "accepted");
	free(c);
	c = patched(k, size, 0x230, 0x300000, 4);
	tap_ok(load(NULL, MEM_SIZE, c, size, NULL, 0, NULL, &boot) == -ENOEXEC,
	       "kernel_alignment not a power of two: -ENOEXEC");
	free(c);
	c = patched(k, size, 0x260, size - setup_size - 1, 4);
	tap_ok(load(NULL, MEM_SIZE, c, size, NULL, 0, NULL, &boot) == -ENOEXEC,
	       "init_size below the kernel's size: -ENOEXEC");
	free(c);
	tap_ok(load(NULL, MEM_SIZE, NULL, 0, NULL, 0, NULL, &boot) == -EINVAL &&
	       vmctl_linux_load_image(mem, MEM_SIZE, NULL) == -EINVAL, "NULL kernel or boot: -EINVAL");

	/* The files. */
	memset(&boot, 0, sizeof(boot));
	err = vmctl_linux_read_files("/nonexistent/bzImage", NULL, &boot);
	tap_ok(err == -ENOENT && strstr(boot.message, "/nonexistent/bzImage") && !boot.kernel,
	       "missing kernel: -ENOENT naming it (%s)", boot.message);
	err = vmctl_linux_read_files(vmlinuz, "/nonexistent/initrd", &boot);
	tap_ok(err == -ENOENT && strstr(boot.message, "/nonexistent/initrd") && !boot.kernel,
	       "missing initrd: -ENOENT naming it, kernel not kept");
	if (!mkdtemp(dir))
		tap_bail("mkdtemp: %s", strerror(errno));
	tap_ok(vmctl_linux_read_files(dir, NULL, &boot) == -EISDIR, "a directory: -EISDIR");
	snprintf(path, sizeof(path), "%s/empty", dir);
	f = fopen(path, "w");
	if (!f)
		tap_bail("%s: %s", path, strerror(errno));
	fclose(f);
	tap_ok(vmctl_linux_read_files(path, NULL, &boot) == -ENOEXEC, "an empty file: -ENOEXEC");
	unlink(path);
	rmdir(dir);

	seed = getenv("VMCTL_SEED") ? strtoul(getenv("VMCTL_SEED"), NULL, 0) : 20261130;
	fuzz(k, size, mem, seed);

	memset(&boot, 0, sizeof(boot));
	boot.kernel = k;
	vmctl_linux_free_files(&boot);
	vmctl_linux_free_files(NULL);
	munmap(mem, MEM_SIZE);
	return tap_finish();
}
