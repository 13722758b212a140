#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The vmctl CLI inside the emulated PC: the demo guest's output and exit
# status (it writes 0 to the debug-exit port), vmctl info, usage errors.
# Runs from /selftests (vmctl in ./bin, the demo image in ./data).
VMCTL=${VMCTL:-bin/vmctl}
HELLO=${HELLO:-data/hello.bin}
n=0
fail=0
ok() {	# ok CONDITION-STATUS DESCRIPTION
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi
}
echo "TAP version 13"
echo "1..16"

out=$("$VMCTL" run --flat "$HELLO" 2>/tmp/cli_err)
status=$?
echo "$out" | sed 's/^/# guest: /'
sed 's/^/# stderr: /' /tmp/cli_err
ok $status "vmctl run --flat $HELLO exits 0 (the guest wrote 0 to port 0xf4): status $status"
echo "$out" | grep -q "Hello from a vmctl guest!"; ok $? "the greeting is on stdout"
echo "$out" | grep -q "0 1 1 2 3 5 8 13 21 34 55 89 144 233 377 610 987 1597 2584 4181 6765 10946 17711 28657 46368"
ok $? "the guest computed the Fibonacci numbers"
echo "$out" | grep -q "modulo 65536: 55856"; ok $? "and their sum modulo 65536"
[ ! -s /tmp/cli_err ]; ok $? "nothing on stderr"

info=$("$VMCTL" info 2>&1)
status=$?
echo "$info" | sed 's/^/# /'
ok $status "vmctl info exits 0"
echo "$info" | grep -q "^features:.*unrestricted_guest.*ept"; ok $? "vmctl info decodes the features"
modver=$(cat /sys/module/vmctl/version 2>/dev/null)
echo "$info" | grep -q "^module version: *$modver (srcversion [0-9A-F]*)$" && [ -n "$modver" ]
ok $? "vmctl info shows the module's version '$modver' as sysfs has it"

json=$("$VMCTL" info --json 2>&1)
status=$?
echo "$json" | sed 's/^/# /'
vcpus=$(echo "$info" | sed -n 's/^max vcpus: *\([0-9]*\) per VM$/\1/p')
[ $status -eq 0 ] && echo "$json" | grep -q "^{\"api_version\": [0-9]*, " &&
	echo "$json" | grep -q "\"module_version\": \"$modver\"" &&
	echo "$json" | grep -q "\"features\": \[[^]]*\"unrestricted_guest\"[^]]*\"ept\"" &&
	echo "$json" | grep -q "\"limits\": {\"max_vcpus\": $vcpus, " &&
	[ "$(echo "$json" | wc -l)" -eq 1 ]
ok $? "vmctl info --json: one object with the same version, features, max_vcpus $vcpus (status $status)"

"$VMCTL" run --flat "$HELLO" --mem 16Q >/dev/null 2>/tmp/cli_err
status=$?
sed 's/^/# /' /tmp/cli_err
[ $status -eq 2 ] && grep -q "16Q" /tmp/cli_err; ok $? "a bad --mem is a usage error naming the value (status $status)"

"$VMCTL" run --flat /nonexistent.bin >/dev/null 2>/tmp/cli_err
status=$?
sed 's/^/# /' /tmp/cli_err
[ $status -eq 1 ] && grep -q "nonexistent.bin" /tmp/cli_err; ok $? "a missing image fails with status 1 naming it (status $status)"
out=$("$VMCTL" run --mode long --flat data/long_exit.bin 2>/tmp/cli_err)
status=$?
echo "$out" | sed 's/^/# guest: /'
sed 's/^/# stderr: /' /tmp/cli_err
[ $status -eq 42 ]; ok $? "--mode long: the guest's 42 on port 0xf4 is the exit status (status $status)"
echo "$out" | grep -q "Hello from 64-bit mode"; ok $? "--mode long: the 64-bit guest's line is on stdout"

"$VMCTL" --help | grep -q "debug-exit"; ok $? "vmctl --help documents the debug-exit port"

# UD2 in long mode without an IDT: a triple fault, with the VMCS dump on stderr.
printf '\017\013' >/tmp/cli_ud2.bin
"$VMCTL" run --mode long --flat /tmp/cli_ud2.bin >/dev/null 2>/tmp/cli_err
status=$?
sed 's/^/# stderr: /' /tmp/cli_err
[ $status -eq 3 ] && grep -q "^EXIT_REASON  *0000000000000002" /tmp/cli_err
ok $? "a triple fault exits 3 and prints the VMCS exit reason 2 (status $status)"
grep -q "GUEST_RIP  *0000000000" /tmp/cli_err && grep -q "GUEST_CR3 " /tmp/cli_err &&
	grep -q "^RIP " /tmp/cli_err
ok $? "... with the registers and the VMCS guest state"
rm -f /tmp/cli_ud2.bin
rm -f /tmp/cli_err
exit $fail
