# SPDX-License-Identifier: GPL-2.0
# vmctl: build, install and test everything from the top.
#
#   make              kmod/vmctl.ko, libvmctl, vmctl, vmtop, examples, selftests
#   make check        every test level (see testbed/check); root on a fresh machine
#   make mutants      plant each bug of testbed/mutants/ and show make check catches it
#   make demo         boot a Linux guest to a shell, directly or inside Bochs
#   make bench        vmctl against KVM in one Bochs boot; build/bench/bench.json
#   make install      module (modules_install + depmod), library, header, .pc,
#                     tools, man pages (see below for the parts and uninstall)
#   make dkms-install module through DKMS instead (rebuilt for new kernels)
#
# KDIR is the kernel build tree for the module.  By default it is the one of
# Debian's linux-headers-amd64 (the release testbed/debian-kernel reads from
# the package), falling back to the running kernel's.

KRELEASE ?= $(shell testbed/debian-kernel --release 2>/dev/null || uname -r)
KDIR     ?= /lib/modules/$(KRELEASE)/build
PREFIX   ?= /usr/local
DESTDIR  ?=
DKMS_VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\{0,1\}\([^"]*\)"\{0,1\}$$/\1/p' dkms.conf)

USERSPACE := libvmctl vmctl vmtop examples selftests

all: kmod $(USERSPACE) bench-prog

kmod:
	$(MAKE) -C kmod KDIR=$(KDIR)

libvmctl:
	$(MAKE) -C libvmctl

vmctl vmtop examples selftests: libvmctl
	$(MAKE) -C $@

# bench/ builds vmctl-bench (a directory cannot share the name of the
# target that runs it).
bench-prog: libvmctl
	$(MAKE) -C bench

check:
	@testbed/check $(STEPS)

mutants:
	@testbed/run-mutants $(MUTANTS)

# Like demo: packages first, then the module and the bench program, then
# one Bochs boot running vmctl and KVM in turn (testbed/bench; BENCH_ARGS
# e.g. "--rounds 5").  The table goes to the terminal, the figures to
# build/bench/bench.json.
BENCH_ARGS ?=
bench:
	testbed/deps
	$(MAKE) kmod bench-prog
	testbed/bench $(BENCH_ARGS)

# The packages first (a fresh machine has no kernel headers yet), then a
# fresh make so that KDIR is found from the installed headers.
demo:
	testbed/deps
	$(MAKE) all
	testbed/demo

# Installation.  PREFIX (default /usr/local), DESTDIR (a staging root) and
# the directories below can be given on the command line; they reach every
# sub-make.  LIBDIR is Debian's multiarch directory where the compiler
# knows one (e.g. $(PREFIX)/lib/x86_64-linux-gnu), else $(PREFIX)/lib.
#
#   make install-user     library, headers, libvmctl.pc, vmctl, vmtop, man
#                         pages: no kernel headers needed
#   make install-module   vmctl.ko through Kbuild's modules_install into
#                         /lib/modules/KRELEASE/$(MODDIR), signed if the
#                         kernel tree has its signing key, then depmod;
#                         and the udev rule (install-udev)
#   make install-udev     $(UDEVRULESDIR)/60-vmctl.rules (/dev/vmctl 0660
#                         group vmctl) and, unless DESTDIR is set, the
#                         group vmctl if missing and a udev reload
#   make install          both
#   make uninstall        (-user, -module) removes what they installed
MANDIR ?= $(PREFIX)/share/man
MODDIR ?= updates
INSTALL_VARS := PREFIX=$(PREFIX) DESTDIR=$(DESTDIR) MANDIR=$(MANDIR)
UDEVRULESDIR ?= /etc/udev/rules.d
UDEV_RULE    = $(DESTDIR)$(UDEVRULESDIR)/60-vmctl.rules
MOD_RELEASE := $(notdir $(patsubst %/build,%,$(KDIR)))
MOD_PATH     = $(DESTDIR)/lib/modules/$(MOD_RELEASE)/$(MODDIR)
# Kbuild signs at modules_install when CONFIG_MODULE_SIG_ALL is set, with
# this key (relative to the kernel tree unless absolute).  Distribution
# kernels keep their key private: then we say so instead of letting
# sign-file print SSL errors.
SIG_KEY := $(shell sed -n 's/^CONFIG_MODULE_SIG_KEY="\(.*\)"$$/\1/p' $(KDIR)/.config 2>/dev/null)
SIG_ALL := $(shell grep -qx 'CONFIG_MODULE_SIG_ALL=y' $(KDIR)/.config 2>/dev/null && echo y)
SIG_KEY_PATH := $(if $(filter /%,$(SIG_KEY)),$(SIG_KEY),$(KDIR)/$(SIG_KEY))

install: install-user install-module

install-user: libvmctl vmctl vmtop
	$(MAKE) -C libvmctl install $(INSTALL_VARS)
	$(MAKE) -C vmctl install $(INSTALL_VARS)
	$(MAKE) -C vmtop install $(INSTALL_VARS)
	$(MAKE) -C man install $(INSTALL_VARS)

install-module: kmod install-udev
	@echo "vmctl: installing vmctl.ko for Linux $(MOD_RELEASE) into $(MOD_PATH) (Kbuild modules_install)"
	@echo "vmctl: (Kbuild's own depmod needs System.map, which kernel header packages lack:"
	@echo "vmctl: it says so and skips; this Makefile runs depmod itself afterwards)"
ifeq ($(SIG_ALL),y)
	@if [ -f "$(SIG_KEY_PATH)" ]; then \
		echo "vmctl: signing it with $(SIG_KEY_PATH) (CONFIG_MODULE_SIG_ALL)"; \
	else \
		echo "vmctl: not signing it: the kernel tree has no signing key ($(SIG_KEY_PATH));"; \
		echo "vmctl: a kernel that enforces signatures (Secure Boot, module.sig_enforce=1)"; \
		echo "vmctl: refuses it until you sign it with an enrolled key (e.g. DKMS's MOK)"; \
	fi
endif
	$(MAKE) -C $(KDIR) M=$(CURDIR)/kmod INSTALL_MOD_PATH=$(DESTDIR) INSTALL_MOD_DIR=$(MODDIR) \
		$(if $(wildcard $(SIG_KEY_PATH)),,CONFIG_MODULE_SIG_ALL=) modules_install
	@if [ -z "$(DESTDIR)" ]; then \
		echo "vmctl: depmod -a $(MOD_RELEASE) (so that modprobe vmctl finds it)"; \
		depmod -a $(MOD_RELEASE); \
	else \
		echo "vmctl: not running depmod in the staging directory $(DESTDIR):"; \
		echo "vmctl: run depmod -a $(MOD_RELEASE) on the machine it is copied to"; \
	fi

# The group is created only on the machine itself: a staging directory
# (DESTDIR) has no group database of its own that would reach the target.
install-udev:
	install -D -m 644 udev/60-vmctl.rules $(UDEV_RULE)
	@if [ -n "$(DESTDIR)" ]; then \
		echo "vmctl: not creating group vmctl for the staging directory $(DESTDIR):"; \
		echo "vmctl: run groupadd --system vmctl on the machine it is copied to"; \
	elif getent group vmctl >/dev/null; then \
		echo "vmctl: group vmctl exists; add users with: usermod -aG vmctl USER"; \
	else \
		echo "vmctl: creating group vmctl; add users with: usermod -aG vmctl USER"; \
		groupadd --system vmctl 2>/dev/null || addgroup --system vmctl; \
	fi
	@if [ -z "$(DESTDIR)" ] && command -v udevadm >/dev/null && [ -d /run/udev ]; then \
		udevadm control --reload-rules && udevadm trigger --name-match=vmctl || true; \
	fi

uninstall: uninstall-user uninstall-module

uninstall-user:
	$(MAKE) -C libvmctl uninstall $(INSTALL_VARS)
	$(MAKE) -C vmctl uninstall $(INSTALL_VARS)
	$(MAKE) -C vmtop uninstall $(INSTALL_VARS)
	$(MAKE) -C man uninstall $(INSTALL_VARS)

# The group stays: users may still be members of it.
uninstall-module:
	rm -f $(UDEV_RULE)
	rm -f $(MOD_PATH)/vmctl.ko $(MOD_PATH)/vmctl.ko.xz $(MOD_PATH)/vmctl.ko.gz $(MOD_PATH)/vmctl.ko.zst
	[ -n "$(DESTDIR)" ] || depmod -a $(MOD_RELEASE)

dkms-install: install-udev
	rm -rf /usr/src/vmctl-$(DKMS_VERSION)
	mkdir -p /usr/src/vmctl-$(DKMS_VERSION)
	cp -a dkms.conf kmod include /usr/src/vmctl-$(DKMS_VERSION)/
	$(MAKE) -C /usr/src/vmctl-$(DKMS_VERSION)/kmod KDIR=$(KDIR) clean
	dkms install -m vmctl -v $(DKMS_VERSION)

dkms-uninstall:
	dkms remove -m vmctl -v $(DKMS_VERSION) --all
	rm -f $(UDEV_RULE)
	rm -rf /usr/src/vmctl-$(DKMS_VERSION)

# The guest kernel and initramfs of vmctl run --kernel (README, "Linux
# guests"): the kernel is built once into ~/.cache/vmctl.
guest-kernel:
	testbed/guest-kernel/build
	@mkdir -p build/guest
	testbed/guest-kernel/initramfs build/guest/initramfs.cpio.gz

clean:
	-$(MAKE) -C kmod KDIR=$(KDIR) clean
	for d in $(USERSPACE) bench tests/decoder; do $(MAKE) -C $$d clean || exit 1; done
	rm -rf build

.PHONY: all kmod $(USERSPACE) bench-prog bench check mutants demo guest-kernel install install-user \
	install-module install-udev uninstall uninstall-user uninstall-module dkms-install \
	dkms-uninstall clean
