# SPDX-License-Identifier: GPL-2.0
# vmctl: build, install and test everything from the top.
#
#   make              kmod/vmctl.ko, libvmctl, vmctl, vmtop, selftests
#   make check        every test level (see testbed/check); root on a fresh machine
#   make mutants      plant each bug of testbed/mutants/ and show make check catches it
#   make demo         run the demo guest, directly or inside Bochs
#   make bench        vmctl against KVM in one Bochs boot; build/bench/bench.json
#   make install      module (modules_install + depmod), library, header, .pc, tools
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

USERSPACE := libvmctl vmctl vmtop selftests

all: kmod $(USERSPACE) bench-prog

kmod:
	$(MAKE) -C kmod KDIR=$(KDIR)

libvmctl:
	$(MAKE) -C libvmctl

vmctl vmtop selftests: libvmctl
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

install: all
	$(MAKE) -C $(KDIR) M=$(CURDIR)/kmod INSTALL_MOD_PATH=$(DESTDIR) modules_install
	[ -n "$(DESTDIR)" ] || depmod -a $(notdir $(patsubst %/build,%,$(KDIR)))
	$(MAKE) -C libvmctl install PREFIX=$(PREFIX) DESTDIR=$(DESTDIR)
	$(MAKE) -C vmctl install PREFIX=$(PREFIX) DESTDIR=$(DESTDIR)
	$(MAKE) -C vmtop install PREFIX=$(PREFIX) DESTDIR=$(DESTDIR)
	install -D -m 644 include/uapi/linux/vmctl.h $(DESTDIR)$(PREFIX)/include/linux/vmctl.h

dkms-install:
	rm -rf /usr/src/vmctl-$(DKMS_VERSION)
	mkdir -p /usr/src/vmctl-$(DKMS_VERSION)
	cp -a dkms.conf kmod include /usr/src/vmctl-$(DKMS_VERSION)/
	$(MAKE) -C /usr/src/vmctl-$(DKMS_VERSION)/kmod KDIR=$(KDIR) clean
	dkms install -m vmctl -v $(DKMS_VERSION)

dkms-uninstall:
	dkms remove -m vmctl -v $(DKMS_VERSION) --all
	rm -rf /usr/src/vmctl-$(DKMS_VERSION)

clean:
	-$(MAKE) -C kmod KDIR=$(KDIR) clean
	for d in $(USERSPACE) bench tests/decoder; do $(MAKE) -C $$d clean || exit 1; done
	rm -rf build

.PHONY: all kmod $(USERSPACE) bench-prog bench check mutants demo install dkms-install dkms-uninstall clean
