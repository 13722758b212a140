#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The example programs of examples/ inside the emulated PC: each runs its
# guest to the end, exits 0 and prints what its guest computed.  The
# expected values are worked out here, not taken from the programs.
# Runs from /selftests (the programs in ./examples).
EX=${EX:-examples}
n=0
fail=0
ok() {	# ok CONDITION-STATUS DESCRIPTION
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi
}
has() {	# has FILE FIXED-LINE: FILE has exactly this line
	grep -qxF -- "$2" "$1"
}
run() {	# run NAME ARGS...: output in /tmp/NAME.out, status in $status
	name=$1
	shift
	"$EX/$name" "$@" >"/tmp/$name.out" 2>"/tmp/$name.err"
	status=$?
	sed "s/^/# $name: /" "/tmp/$name.out" "/tmp/$name.err"
}
echo "TAP version 13"
echo "1..13"

run pio_device
ok $status "pio_device exits 0 (status $status)"
has /tmp/pio_device.out "Hello from a real-mode guest!"; ok $? "pio_device: the guest's greeting"
squares=0
for i in 1 2 3 4 5; do
	has /tmp/pio_device.out "the guest got $((i * i)) from the squarer" && squares=$((squares + 1))
done
[ $squares -eq 5 ]; ok $? "pio_device: the squares of 1 to 5 came back through the device ($squares)"
# 30 characters, 3 port accesses for each of 5 numbers, the HLT.
has /tmp/pio_device.out "guest halted after $((30 + 3 * 5 + 1)) exits"
ok $? "pio_device: exit.count counted every exit"

run long_mode
ok $status "long_mode exits 0 (status $status)"
has /tmp/long_mode.out "the guest reports the sum of 1..100: $((100 * 101 / 2))"
ok $? "long_mode: the REPORT ucall carries the guest's sum"
grep -qE "^guest-virtual 0x([0-9a-f]+) is guest-physical 0x\1 \(a 2 MiB page\) and holds 0x123456789abcdef$" \
	/tmp/long_mode.out
ok $? "long_mode: the page walk finds the guest's value (identity map, 2 MiB page)"

run elf_loader examples/elf_guest
ok $status "elf_loader elf_guest exits 0 (status $status)"
has /tmp/elf_loader.out "Hello from a 32-bit ELF guest!"; ok $? "elf_loader: the guest's greeting"
has /tmp/elf_loader.out "the guest reports fib(24) = 46368"; ok $? "elf_loader: fib(24) reported"
has /tmp/elf_loader.out "the guest is done after 24 loop turns"
ok $? "elf_loader: .bss started at zero (the loop counter)"

# The Linux program pio_device is an ELF64 executable linked at 4 MiB.
run elf_loader "$EX/pio_device"
[ $status -eq 1 ] && grep -q "a segment is not within one slot of guest memory" /tmp/elf_loader.err
ok $? "elf_loader: an ELF64 executable beyond the 4 MiB of guest memory is refused, saying so"
run elf_loader "$0"
[ $status -eq 1 ] && grep -q "not an ELF executable for x86 that libvmctl loads" /tmp/elf_loader.err
ok $? "elf_loader: a shell script is refused as not an ELF executable"
exit $fail
