#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The l1d_flush module parameter: "auto" by default, only auto, always and
# never accepted, "always" refused where the CPU has no L1D flush command
# (IA32_FLUSH_CMD, cpuinfo flag flush_l1d), a refused value changes nothing.
P=/sys/module/vmctl/parameters/l1d_flush
n=0
fail=0
ok() {	# ok CONDITION-STATUS DESCRIPTION
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi
}
echo "TAP version 13"
echo "1..7"

v=$(cat "$P"); [ "$v" = auto ]; ok $? "the default is auto (read: $v)"
refused() {	# refused VALUE: writing it to $P fails
	if echo "$1" >"$P" 2>/dev/null; then return 1; fi
}
refused bogus; ok $? "bogus is refused"
v=$(cat "$P"); [ "$v" = auto ]; ok $? "and changes nothing (read: $v)"
echo never >"$P"; v=$(cat "$P"); [ "$v" = never ]; ok $? "never is taken (read: $v)"
if grep -qw flush_l1d /proc/cpuinfo; then
	echo always >"$P"; v=$(cat "$P"); [ "$v" = always ]
	ok $? "always is taken on a CPU with flush_l1d (read: $v)"
else
	refused always && [ "$(cat "$P")" = never ]
	ok $? "always is refused on a CPU without flush_l1d (read: $(cat "$P"))"
fi
echo auto >"$P"; v=$(cat "$P"); [ "$v" = auto ]; ok $? "auto is taken back (read: $v)"
dmesg | grep -q "l1d_flush: expected auto, always or never"
ok $? "the refusal of bogus is explained in the kernel log"
exit $fail
