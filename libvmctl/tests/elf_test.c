// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The ELF loader on images built here: ELF64 and ELF32 executables load
 * their PT_LOAD segments (bss zeroed, other headers ignored) and give
 * their entry; every malformed header, every truncation and thousands of
 * random corruptions get -ENOEXEC or -ERANGE (under ASan: no read outside
 * the image), and a refused image leaves guest memory as it was.
 */
#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "tap.h"
#include "internal.h"

#define MEM_SIZE	0x10000ULL	/* guest memory at 0 */
#define SENTINEL	0xaa
#define CODE_GPA	0x2000
#define DATA_GPA	0x5000
#define ENTRY		0x2004

static struct vmctl_vm vm;
static uint8_t *mem;

/* The image: header, 3 program headers, 16 bytes of code, 8 of data. */
struct image {
	unsigned char bytes[512];
	size_t size;
	size_t phoff, code_off, data_off;
};

static const unsigned char code[16] = "\xf4\x90\x90\x90\xb8\x01\x00\x00\x00\xe7\xe0\xf4\xeb\xfe";
static const unsigned char data[8] = "data!!\n";

static void build64(struct image *im)
{
	Elf64_Ehdr e = { 0 };
	Elf64_Phdr ph[3] = { { 0 } };

	memset(im, 0, sizeof(*im));
	im->phoff = sizeof(e);
	im->code_off = im->phoff + sizeof(ph);
	im->data_off = im->code_off + sizeof(code);
	im->size = im->data_off + sizeof(data);
	memcpy(e.e_ident, ELFMAG, SELFMAG);
	e.e_ident[EI_CLASS] = ELFCLASS64;
	e.e_ident[EI_DATA] = ELFDATA2LSB;
	e.e_ident[EI_VERSION] = EV_CURRENT;
	e.e_type = ET_EXEC;
	e.e_machine = EM_X86_64;
	e.e_version = EV_CURRENT;
	e.e_entry = ENTRY;
	e.e_phoff = im->phoff;
	e.e_ehsize = sizeof(e);
	e.e_phentsize = sizeof(ph[0]);
	e.e_phnum = 3;
	ph[0] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_offset = im->code_off,
			      .p_vaddr = 0xffffffff80002000ULL, .p_paddr = CODE_GPA,
			      .p_filesz = sizeof(code), .p_memsz = sizeof(code) };
	ph[1] = (Elf64_Phdr){ .p_type = PT_NOTE, .p_offset = 0, .p_paddr = 0xfffffffff000ULL,
			      .p_filesz = 4, .p_memsz = 4 };
	ph[2] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_offset = im->data_off, .p_paddr = DATA_GPA,
			      .p_filesz = sizeof(data), .p_memsz = 0x100 };
	memcpy(im->bytes, &e, sizeof(e));
	memcpy(im->bytes + im->phoff, ph, sizeof(ph));
	memcpy(im->bytes + im->code_off, code, sizeof(code));
	memcpy(im->bytes + im->data_off, data, sizeof(data));
}

static void build32(struct image *im)
{
	Elf32_Ehdr e = { 0 };
	Elf32_Phdr ph[3] = { { 0 } };

	memset(im, 0, sizeof(*im));
	im->phoff = sizeof(e);
	im->code_off = im->phoff + sizeof(ph);
	im->data_off = im->code_off + sizeof(code);
	im->size = im->data_off + sizeof(data);
	memcpy(e.e_ident, ELFMAG, SELFMAG);
	e.e_ident[EI_CLASS] = ELFCLASS32;
	e.e_ident[EI_DATA] = ELFDATA2LSB;
	e.e_ident[EI_VERSION] = EV_CURRENT;
	e.e_type = ET_EXEC;
	e.e_machine = EM_386;
	e.e_version = EV_CURRENT;
	e.e_entry = ENTRY;
	e.e_phoff = im->phoff;
	e.e_ehsize = sizeof(e);
	e.e_phentsize = sizeof(ph[0]);
	e.e_phnum = 3;
	ph[0] = (Elf32_Phdr){ .p_type = PT_LOAD, .p_offset = im->code_off, .p_paddr = CODE_GPA,
			      .p_filesz = sizeof(code), .p_memsz = sizeof(code) };
	ph[1] = (Elf32_Phdr){ .p_type = PT_GNU_STACK };
	ph[2] = (Elf32_Phdr){ .p_type = PT_LOAD, .p_offset = im->data_off, .p_paddr = DATA_GPA,
			      .p_filesz = sizeof(data), .p_memsz = 0x100 };
	memcpy(im->bytes, &e, sizeof(e));
	memcpy(im->bytes + im->phoff, ph, sizeof(ph));
	memcpy(im->bytes + im->code_off, code, sizeof(code));
	memcpy(im->bytes + im->data_off, data, sizeof(data));
}

static bool memory_untouched(void)
{
	size_t i;

	for (i = 0; i < MEM_SIZE; i++)
		if (mem[i] != SENTINEL)
			return false;
	return true;
}

static bool loaded_right(void)
{
	size_t i;

	if (memcmp(mem + CODE_GPA, code, sizeof(code)) || memcmp(mem + DATA_GPA, data, sizeof(data)))
		return false;
	for (i = sizeof(data); i < 0x100; i++)
		if (mem[DATA_GPA + i] != 0)
			return false;
	return mem[CODE_GPA - 1] == SENTINEL && mem[CODE_GPA + sizeof(code)] == SENTINEL &&
	       mem[DATA_GPA + 0x100] == SENTINEL;
}

/* Loads a copy of im with field at offset set to value (size bytes). */
static int load_patched(const struct image *im, size_t offset, uint64_t value, size_t size)
{
	struct image copy = *im;

	memcpy(copy.bytes + offset, &value, size);
	memset(mem, SENTINEL, MEM_SIZE);
	return vmctl_vm_load_elf_image(&vm, copy.bytes, copy.size, NULL);
}

struct bad_field {
	const char *what;
	size_t off64, off32;	/* offset in the ELF64 / ELF32 image */
	size_t size;
	uint64_t value;
	int err;
};

#define EH64(f)		offsetof(Elf64_Ehdr, f)
#define EH32(f)		offsetof(Elf32_Ehdr, f)
#define PH64(i, f)	(sizeof(Elf64_Ehdr) + (i) * sizeof(Elf64_Phdr) + offsetof(Elf64_Phdr, f))
#define PH32(i, f)	(sizeof(Elf32_Ehdr) + (i) * sizeof(Elf32_Phdr) + offsetof(Elf32_Phdr, f))

static const struct bad_field bad_fields[] = {
	{ "bad magic", 1, 1, 1, 'X', -ENOEXEC },
	{ "class 0", EI_CLASS, EI_CLASS, 1, ELFCLASSNONE, -ENOEXEC },
	{ "big-endian", EI_DATA, EI_DATA, 1, ELFDATA2MSB, -ENOEXEC },
	{ "ident version 0", EI_VERSION, EI_VERSION, 1, 0, -ENOEXEC },
	{ "ET_DYN", EH64(e_type), EH32(e_type), 2, ET_DYN, -ENOEXEC },
	{ "EM_AARCH64", EH64(e_machine), EH32(e_machine), 2, EM_AARCH64, -ENOEXEC },
	{ "e_version 2", EH64(e_version), EH32(e_version), 4, 2, -ENOEXEC },
	{ "e_phentsize wrong", EH64(e_phentsize), EH32(e_phentsize), 2, 8, -ENOEXEC },
	{ "no program headers", EH64(e_phnum), EH32(e_phnum), 2, 0, -ENOEXEC },
	{ "PN_XNUM program headers", EH64(e_phnum), EH32(e_phnum), 2, PN_XNUM, -ENOEXEC },
	{ "program headers past the end", EH64(e_phoff), EH32(e_phoff), 4, 400, -ENOEXEC },
	{ "e_phoff huge", EH64(e_phoff), EH32(e_phoff), 4, 0xfffffff0, -ENOEXEC },
	{ "segment bytes past the end", PH64(2, p_filesz), PH32(2, p_filesz), 4, 0x40, -ENOEXEC },
	{ "segment offset past the end", PH64(0, p_offset), PH32(0, p_offset), 4, 0x10000, -ENOEXEC },
	{ "p_filesz > p_memsz", PH64(0, p_memsz), PH32(0, p_memsz), 4, 8, -ENOEXEC },
	/* Segment 1 is not PT_LOAD: with e_phnum 2, segment 0 must be loaded. */
	{ "PT_LOAD only beyond e_phnum", PH64(0, p_type), PH32(0, p_type), 4, PT_NULL, -ENOEXEC },
	{ "segment beyond guest memory", PH64(2, p_paddr), PH32(2, p_paddr), 4, MEM_SIZE - 0x80,
	  -ERANGE },
	{ "segment where no memory is", PH64(0, p_paddr), PH32(0, p_paddr), 4, 0x100000, -ERANGE },
};

static void check_class(const char *name, const struct image *im, bool is64)
{
	char what[128];
	uint64_t entry = 0x5555;
	unsigned int i, bad;
	size_t len;
	int err;

	memset(mem, SENTINEL, MEM_SIZE);
	err = vmctl_vm_load_elf_image(&vm, im->bytes, im->size, &entry);
	tap_ok(err == 0 && entry == ENTRY, "%s: loads, entry 0x%llx (%d)", name,
	       (unsigned long long)entry, err);
	tap_ok(loaded_right(), "%s: both PT_LOAD segments in place, bss zeroed, nothing else "
	       "written", name);

	for (i = 0; i < sizeof(bad_fields) / sizeof(bad_fields[0]); i++) {
		const struct bad_field *b = &bad_fields[i];

		if (strstr(b->what, "beyond e_phnum")) {
			struct image fewer = *im;
			uint16_t two = 2;

			memcpy(fewer.bytes + (is64 ? EH64(e_phnum) : EH32(e_phnum)), &two, 2);
			err = load_patched(&fewer, is64 ? b->off64 : b->off32, b->value, b->size);
		} else {
			err = load_patched(im, is64 ? b->off64 : b->off32, b->value, b->size);
		}
		snprintf(what, sizeof(what), "%s, %s", name, b->what);
		tap_ok(err == b->err && memory_untouched(), "%s: %d, guest memory untouched", what,
		       err);
	}

	/* Every truncation is refused; none reads past the (heap) copy. */
	for (len = 0, bad = 0; len < im->size; len++) {
		unsigned char *copy = malloc(len ? len : 1);

		if (!copy)
			tap_bail("malloc");
		memcpy(copy, im->bytes, len);
		memset(mem, SENTINEL, MEM_SIZE);
		err = vmctl_vm_load_elf_image(&vm, copy, len, &entry);
		if (err != -ENOEXEC || !memory_untouched() || entry != ENTRY)
			bad++;
		free(copy);
	}
	tap_ok(bad == 0, "%s: each of %zu truncations: -ENOEXEC, nothing written (%u not)", name,
	       im->size, bad);
}

/* Random corruption of the headers: only documented results, no overreads. */
static void fuzz(const char *name, const struct image *im, size_t header_bytes)
{
	unsigned int i, odd = 0, loaded = 0, refused = 0;
	unsigned int seed = 12345;

	for (i = 0; i < 20000; i++) {
		unsigned char *copy = malloc(im->size);
		unsigned int n, k;
		uint64_t entry = 7;
		int err;

		if (!copy)
			tap_bail("malloc");
		memcpy(copy, im->bytes, im->size);
		n = 1 + rand_r(&seed) % 4;
		for (k = 0; k < n; k++)
			copy[rand_r(&seed) % header_bytes] = rand_r(&seed);
		memset(mem, SENTINEL, MEM_SIZE);
		err = vmctl_vm_load_elf_image(&vm, copy, im->size, &entry);
		if (err == 0)
			loaded++;
		else if ((err == -ENOEXEC || err == -ERANGE) && memory_untouched() && entry == 7)
			refused++;
		else
			odd++;
		free(copy);
	}
	tap_ok(odd == 0 && loaded && refused, "%s: 20000 corrupted headers: %u loaded, %u refused "
	       "cleanly, %u otherwise", name, loaded, refused, odd);
}

int main(void)
{
	unsigned int nbad = sizeof(bad_fields) / sizeof(bad_fields[0]);
	struct image im64, im32;

	tap_plan(2 * (3 + nbad + 1));
	mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		tap_bail("mmap");
	vm.fd = -1;
	vm.mem[0] = (struct vmctl_mem){ .used = true, .gpa = 0, .size = MEM_SIZE, .host = mem };

	build64(&im64);
	build32(&im32);
	check_class("ELF64", &im64, true);
	check_class("ELF32", &im32, false);
	fuzz("ELF64", &im64, im64.code_off);
	fuzz("ELF32", &im32, im32.code_off);
	return tap_finish();
}
