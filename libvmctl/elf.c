// SPDX-License-Identifier: LGPL-2.1-or-later
/* ELF executables (ELF64 x86-64, ELF32 i386) loaded into guest memory. */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

/* One PT_LOAD segment, whatever the class it came from. */
struct elf_segment {
	uint64_t offset, filesz, paddr, memsz;
};

/* The fields the loader uses, read from either class. */
struct elf_info {
	uint64_t entry, phoff;
	unsigned int phnum, phentsize;
	bool is64;
};

static int elf_header(const unsigned char *image, size_t size, struct elf_info *info)
{
	const Elf64_Ehdr *e64 = (const void *)image;
	const Elf32_Ehdr *e32 = (const void *)image;

	if (size < EI_NIDENT || memcmp(image, ELFMAG, SELFMAG) ||
	    image[EI_DATA] != ELFDATA2LSB || image[EI_VERSION] != EV_CURRENT)
		return -ENOEXEC;
	if (image[EI_CLASS] == ELFCLASS64) {
		if (size < sizeof(*e64) || e64->e_type != ET_EXEC ||
		    e64->e_machine != EM_X86_64 || e64->e_version != EV_CURRENT ||
		    e64->e_phentsize != sizeof(Elf64_Phdr))
			return -ENOEXEC;
		info->entry = e64->e_entry;
		info->phoff = e64->e_phoff;
		info->phnum = e64->e_phnum;
		info->phentsize = e64->e_phentsize;
		info->is64 = true;
	} else if (image[EI_CLASS] == ELFCLASS32) {
		if (size < sizeof(*e32) || e32->e_type != ET_EXEC ||
		    e32->e_machine != EM_386 || e32->e_version != EV_CURRENT ||
		    e32->e_phentsize != sizeof(Elf32_Phdr))
			return -ENOEXEC;
		info->entry = e32->e_entry;
		info->phoff = e32->e_phoff;
		info->phnum = e32->e_phnum;
		info->phentsize = e32->e_phentsize;
		info->is64 = false;
	} else {
		return -ENOEXEC;
	}
	/* PN_XNUM (more headers than e_phnum holds) is not for guests. */
	if (info->phnum == 0 || info->phnum >= PN_XNUM || info->phoff > size ||
	    (uint64_t)info->phnum * info->phentsize > size - info->phoff)
		return -ENOEXEC;
	return 0;
}

/* Program header i, or 0 if it is not PT_LOAD; -ENOEXEC if malformed. */
static int elf_segment(const unsigned char *image, size_t size, const struct elf_info *info,
		       unsigned int i, struct elf_segment *seg)
{
	const unsigned char *ph = image + info->phoff + (uint64_t)i * info->phentsize;
	uint32_t type;

	if (info->is64) {
		Elf64_Phdr p;

		memcpy(&p, ph, sizeof(p));	/* e_phoff need not be aligned */
		type = p.p_type;
		*seg = (struct elf_segment){ p.p_offset, p.p_filesz, p.p_paddr, p.p_memsz };
	} else {
		Elf32_Phdr p;

		memcpy(&p, ph, sizeof(p));
		type = p.p_type;
		*seg = (struct elf_segment){ p.p_offset, p.p_filesz, p.p_paddr, p.p_memsz };
	}
	if (type != PT_LOAD)
		return 0;
	if (seg->filesz > seg->memsz || seg->offset > size || seg->filesz > size - seg->offset ||
	    seg->paddr + seg->memsz < seg->paddr)
		return -ENOEXEC;
	return 1;
}

VMCTL_EXPORT int vmctl_vm_load_elf_image(struct vmctl_vm *vm, const void *image, size_t size,
					 uint64_t *entry)
{
	struct elf_segment seg;
	struct elf_info info;
	unsigned int i, loads = 0;
	int ret;

	if (!vm || !image)
		return -EINVAL;
	ret = elf_header(image, size, &info);
	if (ret)
		return ret;
	/* Check everything first: a bad image leaves guest memory alone. */
	for (i = 0; i < info.phnum; i++) {
		ret = elf_segment(image, size, &info, i, &seg);
		if (ret < 0)
			return ret;
		if (ret == 0 || seg.memsz == 0)
			continue;
		if (!vmctl_vm_gpa_to_host(vm, seg.paddr, seg.memsz))
			return -ERANGE;
		loads++;
	}
	if (!loads)
		return -ENOEXEC;
	for (i = 0; i < info.phnum; i++) {
		unsigned char *host;

		if (elf_segment(image, size, &info, i, &seg) <= 0 || seg.memsz == 0)
			continue;
		host = vmctl_vm_gpa_to_host(vm, seg.paddr, seg.memsz);
		memcpy(host, (const unsigned char *)image + seg.offset, seg.filesz);
		memset(host + seg.filesz, 0, seg.memsz - seg.filesz);
	}
	if (entry)
		*entry = info.entry;
	return 0;
}

VMCTL_EXPORT int vmctl_vm_load_elf(struct vmctl_vm *vm, const char *path, uint64_t *entry)
{
	unsigned char *image = NULL;
	size_t done = 0;
	struct stat st;
	int fd, err;

	if (!vm || !path)
		return -EINVAL;
	/* O_NONBLOCK: a FIFO must be refused, not waited on. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return (int)load_open_error(errno);
	if (fstat(fd, &st) < 0) {
		err = -EIO;
		goto out;
	}
	if (!S_ISREG(st.st_mode) || st.st_size == 0) {
		err = S_ISDIR(st.st_mode) ? -EISDIR : -ENOEXEC;
		goto out;
	}
	/* Read, not mmap(): a file truncated meanwhile must not SIGBUS us. */
	image = (uint64_t)st.st_size <= SIZE_MAX ? malloc(st.st_size) : NULL;
	if (!image) {
		err = -ENOMEM;
		goto out;
	}
	while (done < (size_t)st.st_size) {
		ssize_t n = read(fd, image + done, st.st_size - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			err = n < 0 ? -EIO : -ENOEXEC;	/* shrank under us: a truncated image */
			goto out;
		}
		done += n;
	}
	err = vmctl_vm_load_elf_image(vm, image, done, entry);
out:
	free(image);
	close(fd);
	return err;
}
