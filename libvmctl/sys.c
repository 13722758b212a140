// SPDX-License-Identifier: LGPL-2.1-or-later
/* The /dev/vmctl handle: open, version, capabilities. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

VMCTL_EXPORT int vmctl_lib_version(void)
{
	return LIBVMCTL_VERSION;
}

/*
 * Folds open(2)'s many errnos into the few vmctl_sys_open() documents, each
 * with one meaning a caller can act on.
 */
static int open_error(int e)
{
	switch (e) {
	case ENOENT:
	case ENOTDIR:
	case ELOOP:
	case ENAMETOOLONG:
		return -ENOENT;		/* no node at that path */
	case EACCES:
	case EPERM:
	case EROFS:
		return -EACCES;
	case EMFILE:
	case ENFILE:
		return -EMFILE;
	case ENOMEM:
		return -ENOMEM;
	case EISDIR:
		return -ENOTTY;		/* something, but not our device */
	default:
		return -ENODEV;		/* e.g. ENXIO: a node without a driver */
	}
}

VMCTL_EXPORT int vmctl_sys_open_path(const char *path, struct vmctl_sys **sysp)
{
	struct vmctl_sys *sys;
	struct stat st;
	int fd, version, err;

	if (!path || !sysp)
		return -EINVAL;

	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return open_error(errno);

	/*
	 * Check the version before anything else: a module speaking another
	 * ABI would misread every structure we pass it.  Anything that is not
	 * a character device answering it (a regular file, another driver,
	 * whatever errno that driver picks for an unknown ioctl) is "not a
	 * vmctl device".
	 */
	if (fstat(fd, &st) < 0 || !S_ISCHR(st.st_mode)) {
		err = -ENOTTY;
		goto out_close;
	}
	version = ioctl(fd, VMCTL_GET_API_VERSION);
	if (version < 0) {
		err = -ENOTTY;
		goto out_close;
	}
	if (version != VMCTL_API_VERSION) {
		err = -EPROTO;
		goto out_close;
	}

	sys = calloc(1, sizeof(*sys));
	if (!sys) {
		err = -ENOMEM;
		goto out_close;
	}
	sys->fd = fd;
	*sysp = sys;
	return 0;

out_close:
	close(fd);
	return err;
}

VMCTL_EXPORT int vmctl_sys_open(struct vmctl_sys **sysp)
{
	return vmctl_sys_open_path(VMCTL_DEFAULT_DEVICE, sysp);
}

VMCTL_EXPORT void vmctl_sys_close(struct vmctl_sys *sys)
{
	if (!sys)
		return;
	close(sys->fd);
	free(sys);
}

VMCTL_EXPORT int vmctl_sys_api_version(struct vmctl_sys *sys)
{
	int version;

	if (!sys)
		return -EINVAL;
	version = ioctl(sys->fd, VMCTL_GET_API_VERSION);
	return version < 0 ? -errno : version;
}

VMCTL_EXPORT int vmctl_sys_get_caps(struct vmctl_sys *sys, struct vmctl_caps *caps)
{
	if (!sys || !caps)
		return -EINVAL;
	memset(caps, 0, sizeof(*caps));
	return ioctl(sys->fd, VMCTL_GET_CAPS, caps) < 0 ? -errno : 0;
}

VMCTL_EXPORT int vmctl_sys_get_usage(struct vmctl_sys *sys, struct vmctl_usage *usage)
{
	if (!sys || !usage)
		return -EINVAL;
	memset(usage, 0, sizeof(*usage));
	return ioctl(sys->fd, VMCTL_GET_USAGE, usage) < 0 ? -errno : 0;
}

static const struct {
	uint64_t bit;
	const char *name;
} cap_names[] = {
	{ VMCTL_CAP_UNRESTRICTED_GUEST,	"unrestricted_guest" },
	{ VMCTL_CAP_EPT,		"ept" },
	{ VMCTL_CAP_VPID,		"vpid" },
	{ VMCTL_CAP_LONG_MODE_GUEST,	"long_mode_guest" },
	{ VMCTL_CAP_MSR_POLICY,		"msr_policy" },
	{ VMCTL_CAP_READONLY_SLOTS,	"readonly_slots" },
	{ VMCTL_CAP_EPT_2M_PAGES,	"ept_2m_pages" },
	{ VMCTL_CAP_EPT_1G_PAGES,	"ept_1g_pages" },
	{ VMCTL_CAP_EPT_AD_BITS,	"ept_ad_bits" },
	{ VMCTL_CAP_PREEMPTION_TIMER,	"preemption_timer" },
	{ VMCTL_CAP_DECODED_MMIO,	"decoded_mmio" },
	{ VMCTL_CAP_CPUID,		"cpuid" },
	{ VMCTL_CAP_STRING_IO,		"string_io" },
};

VMCTL_EXPORT const char *vmctl_cap_name(uint64_t cap_bit)
{
	size_t i;

	for (i = 0; i < sizeof(cap_names) / sizeof(cap_names[0]); i++)
		if (cap_names[i].bit == cap_bit)
			return cap_names[i].name;
	return NULL;
}
