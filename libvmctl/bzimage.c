// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Linux bzImage loader: the x86 boot protocol ("64-bit Boot Protocol" of
 * Linux's Documentation/x86/boot.rst), entered through the 64-bit entry
 * point, so that no real-mode set-up code of the kernel runs.
 *
 * Guest-physical layout below 1 MiB (RAM is one slot at 0):
 *   0x06000  boot GDT (code 0x10, data 0x18 as the protocol asks; TSS 0x20)
 *   0x07000  boot_params ("zero page")
 *   0x08000  stack top (the kernel sets its own at once; RSP just points
 *            at memory)
 *   0x10000  identity-map page tables (vmctl_vcpu_setup_long_mode())
 *   0x20000  command line (up to 64 KiB)
 * the kernel at its preferred address (pref_address, 16 MiB for x86-64),
 * the initrd as high as initrd_addr_max and RAM allow.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

/* Offsets in the image and in boot_params (the setup header is at the
 * same offset in both). */
#define BP_EXT_RAMDISK_IMAGE	0x0c0
#define BP_EXT_RAMDISK_SIZE	0x0c4
#define BP_EXT_CMD_LINE_PTR	0x0c8
#define BP_E820_ENTRIES		0x1e8
#define HDR_START		0x1f1
#define HDR_SETUP_SECTS		0x1f1
#define HDR_SYSSIZE		0x1f4
#define HDR_BOOT_FLAG		0x1fe
#define HDR_JUMP		0x200
#define HDR_MAGIC		0x202
#define HDR_VERSION		0x206
#define HDR_TYPE_OF_LOADER	0x210
#define HDR_LOADFLAGS		0x211
#define HDR_CODE32_START	0x214
#define HDR_RAMDISK_IMAGE	0x218
#define HDR_RAMDISK_SIZE	0x21c
#define HDR_CMD_LINE_PTR	0x228
#define HDR_INITRD_ADDR_MAX	0x22c
#define HDR_KERNEL_ALIGNMENT	0x230
#define HDR_RELOCATABLE		0x234
#define HDR_MIN_ALIGNMENT	0x235
#define HDR_XLOADFLAGS		0x236
#define HDR_CMDLINE_SIZE	0x238
#define HDR_PREF_ADDRESS	0x258
#define HDR_INIT_SIZE		0x260
#define HDR_END_2_12		0x264	/* init_size is the last field 2.12 relies on */
#define BP_HDR_LIMIT		0x290	/* boot_params keeps room for the header up to here */
#define BP_E820_TABLE		0x2d0
#define BP_E820_MAX		128
#define BP_SIZE			4096

#define BOOT_FLAG		0xaa55
#define HDRS_MAGIC		0x53726448	/* "HdrS" */
#define MIN_PROTOCOL		0x020c	/* 2.12: xloadflags, so XLF_KERNEL_64 is known */
#define LOADED_HIGH		0x01
#define XLF_KERNEL_64		0x01
#define LOADER_UNDEFINED	0xff	/* type_of_loader of a boot loader without an id */

#define E820_RAM		1
#define E820_RESERVED		2
#define EBDA_START		0x9fc00ULL	/* where RAM below 1 MiB ends on a PC */
#define HIGH_MEMORY		0x100000ULL

#define GDT_GPA			0x6000ULL
#define BOOT_PARAMS_GPA		0x7000ULL
#define STACK_GPA		0x8000ULL
#define TABLES_GPA		0x10000ULL
#define CMDLINE_GPA		0x20000ULL
#define CMDLINE_MAX		0x10000ULL
#define BOOT_AREA_END		(CMDLINE_GPA + CMDLINE_MAX)

#define BOOT_CS			0x10
#define BOOT_DS			0x18
#define BOOT_TSS		0x20
#define BOOT_GDT_LIMIT		(BOOT_TSS + 16 - 1)

static uint32_t get_le(const uint8_t *p, unsigned int width)
{
	uint32_t v = 0;

	while (width--)
		v = v << 8 | p[width];
	return v;
}

static void put_le(uint8_t *p, uint64_t v, unsigned int width)
{
	while (width--) {
		*p++ = v & 0xff;
		v >>= 8;
	}
}

static int refuse(struct vmctl_linux_boot *boot, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int refuse(struct vmctl_linux_boot *boot, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(boot->message, sizeof(boot->message), fmt, ap);
	va_end(ap);
	return err;
}

/* Is [addr, addr + size) inside [0, limit) without wrapping? */
static bool fits(uint64_t addr, uint64_t size, uint64_t limit)
{
	return addr <= limit && size <= limit - addr;
}

/* The checks and the layout, before anything is written. */
static int plan(uint64_t mem_size, struct vmctl_linux_boot *boot)
{
	const uint8_t *k = boot->kernel;
	uint32_t setup_sects, setup_size, syssize, align, init_size, initrd_max;
	uint64_t pm_size, load, end, top, cmdline_len;
	unsigned int hdr_end;

	if (boot->kernel_size < BP_HDR_LIMIT)
		return refuse(boot, -ENOEXEC, "too short for a bzImage (%zu bytes)",
			      boot->kernel_size);
	if (get_le(k + HDR_BOOT_FLAG, 2) != BOOT_FLAG || get_le(k + HDR_MAGIC, 4) != HDRS_MAGIC)
		return refuse(boot, -ENOEXEC, "not a bzImage (no boot flag 0xaa55 and \"HdrS\")");
	boot->protocol = get_le(k + HDR_VERSION, 2);
	if (boot->protocol < MIN_PROTOCOL)
		return refuse(boot, -ENOEXEC, "boot protocol %u.%02u is older than 2.12",
			      boot->protocol >> 8, boot->protocol & 0xff);
	if (!(get_le(k + HDR_XLOADFLAGS, 2) & XLF_KERNEL_64))
		return refuse(boot, -ENOEXEC, "the kernel has no 64-bit entry point (XLF_KERNEL_64)");
	if (!(k[HDR_LOADFLAGS] & LOADED_HIGH))
		return refuse(boot, -ENOEXEC, "a zImage (not loaded high): not supported");

	/* The header ends at 0x202 plus the jump's 8-bit displacement. */
	hdr_end = HDR_MAGIC + k[HDR_JUMP + 1];
	if (k[HDR_JUMP] != 0xeb || hdr_end < HDR_END_2_12)
		return refuse(boot, -ENOEXEC, "setup header ends at 0x%x, before init_size", hdr_end);
	boot->header_end = hdr_end < BP_HDR_LIMIT ? hdr_end : BP_HDR_LIMIT;

	setup_sects = k[HDR_SETUP_SECTS] ? k[HDR_SETUP_SECTS] : 4;
	setup_size = (setup_sects + 1) * 512;
	syssize = get_le(k + HDR_SYSSIZE, 4);
	if (setup_size >= boot->kernel_size)
		return refuse(boot, -ENOEXEC, "truncated: %u setup sectors but %zu bytes",
			      setup_sects, boot->kernel_size);
	pm_size = boot->kernel_size - setup_size;
	if ((uint64_t)syssize * 16 > pm_size)
		return refuse(boot, -ENOEXEC, "truncated: the header promises %llu bytes of kernel, "
			      "the image has %llu", (unsigned long long)syssize * 16,
			      (unsigned long long)pm_size);

	load = get_le(k + HDR_PREF_ADDRESS, 4) |
	       (uint64_t)get_le(k + HDR_PREF_ADDRESS + 4, 4) << 32;
	init_size = get_le(k + HDR_INIT_SIZE, 4);
	align = get_le(k + HDR_KERNEL_ALIGNMENT, 4);
	if (k[HDR_RELOCATABLE] &&
	    (align == 0 || (align & (align - 1)) || k[HDR_MIN_ALIGNMENT] > 31 ||
	     align < (1u << k[HDR_MIN_ALIGNMENT]) || load % align))
		return refuse(boot, -ENOEXEC, "bad alignment: kernel_alignment 0x%x, min_alignment "
			      "%u, preferred address 0x%llx", align, k[HDR_MIN_ALIGNMENT],
			      (unsigned long long)load);
	if (load < BOOT_AREA_END || load % VMCTL_PAGE_SIZE)
		return refuse(boot, -ENOEXEC, "preferred load address 0x%llx is not a page above "
			      "1 MiB", (unsigned long long)load);
	if (init_size < pm_size)
		return refuse(boot, -ENOEXEC, "init_size 0x%x is smaller than the kernel itself "
			      "(0x%llx)", init_size, (unsigned long long)pm_size);
	/*
	 * Decompression and early boot use init_size bytes from the load
	 * address, whatever the image's size.
	 */
	if (!fits(load, init_size, mem_size))
		return refuse(boot, -ERANGE, "the kernel needs memory up to %llu MiB (loaded at "
			      "0x%llx, init_size %u MiB), the guest has %llu MiB",
			      (unsigned long long)((load + init_size + (1 << 20) - 1) >> 20),
			      (unsigned long long)load, init_size >> 20,
			      (unsigned long long)(mem_size >> 20));
	end = load + init_size;
	if (vmctl_long_mode_tables_size(mem_size) > CMDLINE_GPA - TABLES_GPA)
		return refuse(boot, -ERANGE, "%llu GiB of RAM need more page tables than the boot "
			      "area holds", (unsigned long long)(mem_size >> 30));

	cmdline_len = boot->cmdline ? strlen(boot->cmdline) : 0;
	/* cmdline_size is the longest line without its NUL. */
	if (cmdline_len > get_le(k + HDR_CMDLINE_SIZE, 4) || cmdline_len >= CMDLINE_MAX)
		return refuse(boot, -E2BIG, "command line of %llu bytes; the kernel takes %u",
			      (unsigned long long)cmdline_len, get_le(k + HDR_CMDLINE_SIZE, 4));

	boot->initrd_gpa = 0;
	if (boot->initrd_size) {
		initrd_max = get_le(k + HDR_INITRD_ADDR_MAX, 4);
		/* initrd_addr_max is the highest byte the initrd may occupy. */
		top = mem_size < (uint64_t)initrd_max + 1 ? mem_size : (uint64_t)initrd_max + 1;
		if (boot->initrd_size > top || ((top - boot->initrd_size) & ~(VMCTL_PAGE_SIZE - 1)) < end)
			return refuse(boot, -ENOSPC, "the initrd (%zu bytes) does not fit between the "
				      "kernel's end (0x%llx) and 0x%llx", boot->initrd_size,
				      (unsigned long long)end, (unsigned long long)top);
		boot->initrd_gpa = (top - boot->initrd_size) & ~(VMCTL_PAGE_SIZE - 1);
	}

	boot->kernel_gpa = load;
	boot->kernel_end = end;
	boot->setup_size = setup_size;
	boot->entry = load + 0x200;
	boot->boot_params_gpa = BOOT_PARAMS_GPA;
	boot->cmdline_gpa = CMDLINE_GPA;
	boot->gdt_gpa = GDT_GPA;
	boot->tables_gpa = TABLES_GPA;
	boot->stack = STACK_GPA;
	boot->mem_size = mem_size;
	boot->message[0] = '\0';
	return 0;
}

static void add_e820(uint8_t *bp, uint64_t addr, uint64_t size, uint32_t type)
{
	uint8_t *e = bp + BP_E820_TABLE + 20 * bp[BP_E820_ENTRIES]++;

	put_le(e, addr, 8);
	put_le(e + 8, size, 8);
	put_le(e + 16, type, 4);
}

static const uint64_t boot_gdt[(BOOT_GDT_LIMIT + 1) / 8] = {
	[BOOT_CS / 8] = 0x00af9b000000ffffULL,	/* G L P S type=0xb (code, read, accessed) */
	[BOOT_DS / 8] = 0x00cf93000000ffffULL,	/* G D/B P S type=3 (data, write, accessed) */
	[BOOT_TSS / 8] = 0x00008b0000000067ULL,	/* P type=0xb (busy 64-bit TSS), limit 0x67 */
};

VMCTL_EXPORT int vmctl_linux_load_image(void *mem, uint64_t mem_size,
					struct vmctl_linux_boot *boot)
{
	uint8_t *m = mem, *bp;
	int err;

	if (!boot)
		return -EINVAL;
	if (!boot->kernel || (boot->initrd_size && !boot->initrd))
		return refuse(boot, -EINVAL, "no kernel image, or an initrd size without data");
	err = plan(mem_size, boot);
	if (err || !mem)
		return err;

	memset(m, 0, HIGH_MEMORY);
	memcpy(m + GDT_GPA, boot_gdt, sizeof(boot_gdt));

	bp = m + BOOT_PARAMS_GPA;
	memcpy(bp + HDR_START, (const uint8_t *)boot->kernel + HDR_START,
	       boot->header_end - HDR_START);
	bp[HDR_TYPE_OF_LOADER] = LOADER_UNDEFINED;
	put_le(bp + HDR_CODE32_START, boot->kernel_gpa, 4);
	put_le(bp + HDR_CMD_LINE_PTR, CMDLINE_GPA, 4);
	put_le(bp + BP_EXT_CMD_LINE_PTR, CMDLINE_GPA >> 32, 4);
	put_le(bp + HDR_RAMDISK_IMAGE, boot->initrd_gpa, 4);
	put_le(bp + HDR_RAMDISK_SIZE, boot->initrd_size, 4);
	put_le(bp + BP_EXT_RAMDISK_IMAGE, boot->initrd_gpa >> 32, 4);
	put_le(bp + BP_EXT_RAMDISK_SIZE, (uint64_t)boot->initrd_size >> 32, 4);

	/*
	 * No BIOS: conventional memory up to where an EBDA would begin, the
	 * legacy video and ROM hole reserved, then RAM from 1 MiB up.
	 */
	add_e820(bp, 0, EBDA_START, E820_RAM);
	add_e820(bp, EBDA_START, HIGH_MEMORY - EBDA_START, E820_RESERVED);
	add_e820(bp, HIGH_MEMORY, mem_size - HIGH_MEMORY, E820_RAM);

	if (boot->cmdline)
		strcpy((char *)m + CMDLINE_GPA, boot->cmdline);
	memcpy(m + boot->kernel_gpa, (const uint8_t *)boot->kernel + boot->setup_size,
	       boot->kernel_size - boot->setup_size);
	if (boot->initrd_size)
		memcpy(m + boot->initrd_gpa, boot->initrd, boot->initrd_size);
	return 0;
}

VMCTL_EXPORT int vmctl_vcpu_setup_linux(struct vmctl_vcpu *vcpu,
					const struct vmctl_linux_boot *boot)
{
	struct vmctl_long_mode lm;
	struct vmctl_sregs sregs;
	int err;

	if (!vcpu || !boot || !boot->entry)
		return -EINVAL;
	lm = (struct vmctl_long_mode){
		.tables_gpa = boot->tables_gpa,
		.map_size = boot->mem_size,
		.entry = boot->entry,
		.stack = boot->stack,
	};
	err = vmctl_vcpu_setup_long_mode(vcpu, &lm);
	if (err)
		return err;

	/* The protocol's selectors: __BOOT_CS 0x10, __BOOT_DS 0x18. */
	err = vmctl_vcpu_get_sregs(vcpu, &sregs);
	if (err)
		return err;
	sregs.cs.selector = BOOT_CS;
	sregs.ds.selector = BOOT_DS;
	sregs.es = sregs.fs = sregs.gs = sregs.ss = sregs.ds;
	sregs.tr.selector = BOOT_TSS;
	sregs.gdt.base = boot->gdt_gpa;
	sregs.gdt.limit = BOOT_GDT_LIMIT;
	err = vmctl_vcpu_set_sregs(vcpu, &sregs);
	if (err)
		return err;
	/* RFLAGS stays 0x2 (IF clear); RSI points at boot_params. */
	return vmctl_vcpu_set_reg(vcpu, VMCTL_REG_RSI, boot->boot_params_gpa);
}

/* Reads a whole regular file into memory. */
static int read_file(const char *path, void **datap, size_t *sizep)
{
	struct stat st;
	size_t done = 0;
	void *data;
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return (int)load_open_error(errno);
	err = -EIO;
	if (fstat(fd, &st))
		goto out_close;
	err = S_ISDIR(st.st_mode) ? -EISDIR : -ENOEXEC;
	if (!S_ISREG(st.st_mode) || st.st_size == 0)
		goto out_close;
	data = malloc(st.st_size);
	err = -ENOMEM;
	if (!data)
		goto out_close;
	while (done < (size_t)st.st_size) {
		ssize_t n = read(fd, (char *)data + done, st.st_size - done);

		if (n <= 0) {
			free(data);
			err = -EIO;
			goto out_close;
		}
		done += n;
	}
	*datap = data;
	*sizep = done;
	err = 0;
out_close:
	close(fd);
	return err;
}

VMCTL_EXPORT int vmctl_linux_read_files(const char *kernel_path, const char *initrd_path,
					struct vmctl_linux_boot *boot)
{
	void *kernel, *initrd = NULL;
	size_t ksize, isize = 0;
	int err;

	if (!kernel_path || !boot)
		return -EINVAL;
	err = read_file(kernel_path, &kernel, &ksize);
	if (err)
		return refuse(boot, err, "%s: %s", kernel_path, strerror(-err));
	if (initrd_path) {
		err = read_file(initrd_path, &initrd, &isize);
		if (err) {
			free(kernel);
			return refuse(boot, err, "%s: %s", initrd_path, strerror(-err));
		}
	}
	boot->kernel = kernel;
	boot->kernel_size = ksize;
	boot->initrd = initrd;
	boot->initrd_size = isize;
	return 0;
}

VMCTL_EXPORT void vmctl_linux_free_files(struct vmctl_linux_boot *boot)
{
	if (!boot)
		return;
	free((void *)boot->kernel);
	free((void *)boot->initrd);
	boot->kernel = boot->initrd = NULL;
	boot->kernel_size = boot->initrd_size = 0;
}
