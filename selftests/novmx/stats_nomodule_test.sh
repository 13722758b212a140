#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Without the module (QEMU has no VT-x, so it refused to load): vmctl list,
# vmctl stats and vmtop say that it is not loaded and exit 1.
# Runs from /selftests (vmctl and vmtop in ./bin).
n=0
fail=0
ok() {	# ok CONDITION-STATUS DESCRIPTION
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi
}
echo "TAP version 13"
echo "1..3"
for cmd in "bin/vmctl list" "bin/vmctl stats 1" "bin/vmtop -b -n 1 -d 0.1"; do
	$cmd > /tmp/out 2> /tmp/err
	status=$?
	sed 's/^/# /' /tmp/err
	[ "$status" -eq 1 ] && grep -q "module is not loaded" /tmp/err && [ ! -s /tmp/out ]
	ok $? "$cmd: exit status 1 ($status), 'module is not loaded' on stderr"
done
exit $fail
