// SPDX-License-Identifier: GPL-2.0
/*
 * vmctl run --kernel's refusals, which all come before /dev/vmctl is
 * opened (so they run here, without the module): a missing kernel or
 * initrd, an image that is not a bzImage or is cut short, a --mem below
 * the kernel's init_size, an initrd that does not fit, an over-long
 * command line.  Each ends with status 1 and a message naming the cause,
 * never the device.  Debian's vmlinuz comes from VMCTL_TEST_VMLINUZ.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "vmctl.h"

static char errbuf[4096];

/* run_linux() with stderr caught in errbuf. */
static int run(struct run_opts *o)
{
	char path[] = "/tmp/linux_run_test.XXXXXX";
	int fd = mkstemp(path), saved = dup(2), status;
	ssize_t n;

	if (fd < 0 || saved < 0)
		tap_bail("mkstemp/dup failed");
	fflush(stderr);
	dup2(fd, 2);
	status = run_linux("vmctl", o);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	n = pread(fd, errbuf, sizeof(errbuf) - 1, 0);
	errbuf[n > 0 ? n : 0] = '\0';
	errbuf[strcspn(errbuf, "\n")] = '\0';	/* one line for TAP */
	close(fd);
	unlink(path);
	return status;
}

static void write_file(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	if (fd < 0 || write(fd, data, len) != (ssize_t)len)
		tap_bail("cannot write %s", path);
	close(fd);
}

static struct run_opts opts(const char *kernel, const char *initrd, uint64_t mem)
{
	struct run_opts o = { .kernel = kernel, .initrd = initrd, .mem = mem };

	return o;
}

#define NO_DEVICE	(!strstr(errbuf, "/dev/vmctl"))

int main(void)
{
	const char *vmlinuz = getenv("VMCTL_TEST_VMLINUZ");
	char dir[] = "/tmp/linux_run_test.d.XXXXXX", junk[80], cut[80], big[80];
	static char image[1 << 20], append[3000];
	char err[256], *argv[8];
	struct run_opts o;
	int fd, status;

	tap_plan(17);
	if (!vmlinuz || !*vmlinuz)
		tap_bail("VMCTL_TEST_VMLINUZ is not set (make check sets it from testbed/debian-kernel)");
	if (!mkdtemp(dir))
		tap_bail("mkdtemp failed");
	snprintf(junk, sizeof(junk), "%s/junk", dir);
	snprintf(cut, sizeof(cut), "%s/cut", dir);
	snprintf(big, sizeof(big), "%s/big-initrd", dir);
	memset(image, 0x5a, sizeof(image));
	write_file(junk, image, sizeof(image));
	fd = open(vmlinuz, O_RDONLY);
	if (fd < 0 || read(fd, image, sizeof(image)) != (ssize_t)sizeof(image))
		tap_bail("cannot read %s", vmlinuz);
	close(fd);
	write_file(cut, image, sizeof(image));
	memset(image, 0, sizeof(image));
	fd = open(big, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || ftruncate(fd, 200 << 20))
		tap_bail("cannot make %s", big);
	close(fd);

	o = opts("/nonexistent/bzImage", NULL, 256 << 20);
	status = run(&o);
	tap_ok(status == 1 && strstr(errbuf, "/nonexistent/bzImage") && NO_DEVICE,
	       "missing kernel: status %d, %s", status, errbuf);
	o = opts(vmlinuz, "/nonexistent/initrd", 256 << 20);
	status = run(&o);
	tap_ok(status == 1 && strstr(errbuf, "/nonexistent/initrd") && NO_DEVICE,
	       "missing initrd: status %d, %s", status, errbuf);
	o = opts(junk, NULL, 256 << 20);
	status = run(&o);
	tap_ok(status == 1 && strstr(errbuf, "not a bzImage") && NO_DEVICE,
	       "1 MiB of junk: status %d, %s", status, errbuf);
	o = opts(cut, NULL, 256 << 20);
	status = run(&o);
	tap_ok(status == 1 && strstr(errbuf, "truncated") && NO_DEVICE,
	       "vmlinuz cut at 1 MiB: status %d, %s", status, errbuf);
	o = opts(vmlinuz, NULL, 64 << 20);
	status = run(&o);
	tap_ok(status == 1 && strstr(errbuf, "needs memory") && strstr(errbuf, "64 MiB") && NO_DEVICE,
	       "--mem 64M: status %d, %s", status, errbuf);
	o = opts(vmlinuz, big, 256 << 20);
	status = run(&o);
	tap_ok(status == 1 && strstr(errbuf, "initrd") && strstr(errbuf, "does not fit") && NO_DEVICE,
	       "200 MiB initrd in 256M: status %d, %s", status, errbuf);
	memset(append, 'a', sizeof(append) - 1);
	o = opts(vmlinuz, NULL, 256 << 20);
	o.append = append;
	status = run(&o);
	tap_ok(status == 1 && strstr(errbuf, "command line") && NO_DEVICE,
	       "3000-byte --append: status %d, %s", status, errbuf);
	o = opts(dir, NULL, 256 << 20);
	status = run(&o);
	tap_ok(status == 1 && strstr(errbuf, "directory") && NO_DEVICE,
	       "a directory as kernel: status %d, %s", status, errbuf);

	/* Option parsing. */
	argv[0] = "--kernel";
	argv[1] = "bz";
	tap_ok(parse_run_opts(2, argv, &o, err, sizeof(err)) == 0 && o.mem == 256ULL << 20 &&
	       !strcmp(o.kernel, "bz"), "--kernel alone: default 256M");
	argv[2] = "--mem=1G";
	argv[3] = "--initrd=i";
	argv[4] = "--append";
	argv[5] = "quiet";
	argv[6] = "--name=guest1";
	tap_ok(parse_run_opts(7, argv, &o, err, sizeof(err)) == 0 && o.mem == 1ULL << 30 &&
	       !strcmp(o.initrd, "i") && !strcmp(o.append, "quiet") && !strcmp(o.name, "guest1"),
	       "--mem, --initrd, --append, --name taken");
	argv[2] = "--flat=x";
	tap_ok(parse_run_opts(3, argv, &o, err, sizeof(err)) == -1 && strstr(err, "exclude"),
	       "--flat with --kernel: %s", err);
	argv[2] = "--mode=long";
	tap_ok(parse_run_opts(3, argv, &o, err, sizeof(err)) == -1 && strstr(err, "--flat"),
	       "--mode with --kernel: %s", err);
	argv[0] = "--flat";
	argv[1] = "x";
	argv[2] = "--initrd=i";
	tap_ok(parse_run_opts(3, argv, &o, err, sizeof(err)) == -1 && strstr(err, "--kernel"),
	       "--initrd without --kernel: %s", err);
	argv[0] = "--kernel";
	tap_ok(parse_run_opts(1, argv, &o, err, sizeof(err)) == -1 && strstr(err, "value"),
	       "--kernel without a value: %s", err);

	tap_ok(strstr(default_kernel_cmdline, "console=ttyS0") &&
	       strstr(default_kernel_cmdline, "nolapic") && strstr(default_kernel_cmdline, "noapic"),
	       "default command line: console on ttyS0, no LAPIC or I/O APIC");
	tap_ok(strstr(default_kernel_cmdline, "acpi=off") && strstr(default_kernel_cmdline, "pci=off"),
	       "no ACPI, no PCI");
	tap_ok(strstr(default_kernel_cmdline, "reboot=k") != NULL,
	       "reboot through the keyboard controller, which the board models");

	unlink(junk);
	unlink(cut);
	unlink(big);
	rmdir(dir);
	return tap_finish();
}
