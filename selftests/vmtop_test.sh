#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# vmtop inside the emulated PC: batch output (text, CSV, JSON) and the
# interactive screen driven through tmux (send-keys, capture-pane) while
# bin/stats_load keeps two VMs alive, "a-idle" halted and "b-busy" making
# port writes.  Runs from /selftests (tmux bundled with its libraries and
# glibc's C.UTF-8 locale in ./tmux, terminfo in ./terminfo).
VMTOP=${VMTOP:-bin/vmtop}
TMUX_BIN=${TMUX_BIN:-tmux/bin/tmux}
export TERMINFO="$PWD/terminfo"
# tmux wants a UTF-8 locale; the initramfs has none but the bundled one.
export LOCPATH="$PWD/tmux/locale" LC_ALL=C.UTF-8
# The console's TERM (linux) has no entry in ./terminfo; tmux's panes are
# made "screen" below, which has.
export TERM=screen
n=0
fail=0
ok() {	# ok CONDITION-STATUS DESCRIPTION
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi
}
screen() {	# the pane as text, also shown as diagnostics
	"$TMUX_BIN" capture-pane -p -t vmtop > /tmp/pane 2>/dev/null
	sed 's/^/# | /' /tmp/pane
}
echo "TAP version 13"
echo "1..16"

first_error=$("$VMTOP" -b -n 1 -d 0.1 2>&1 >/dev/null | head -1)
[ -z "$first_error" ]; ok $? "vmtop -b runs with the module loaded ($first_error)"

bin/stats_load > /tmp/load.out 2>&1 &
load=$!
i=0
while ! grep -q ready /tmp/load.out && [ $i -lt 60 ]; do sleep 1; i=$((i + 1)); done
grep -q ready /tmp/load.out; ok $? "the load's two VMs are up"
# For the record (the README shows these): the CLI's view of the same VMs.
bin/vmctl list | sed 's/^/# /'
bin/vmctl stats --latency b-busy | sed 's/^/# /'

out=$("$VMTOP" -b -n 2 -d 0.5 2>&1)
echo "$out" | sed 's/^/# /'
[ "$(echo "$out" | grep -c '^vmtop - ')" -eq 2 ]; ok $? "-n 2 gives two samples, each with a header"
busy_line=$(echo "$out" | grep -n ' b-busy ' | tail -1 | cut -d: -f1)
idle_line=$(echo "$out" | grep -n ' a-idle ' | tail -1 | cut -d: -f1)
[ -n "$busy_line" ] && [ -n "$idle_line" ] && [ "$busy_line" -lt "$idle_line" ]
ok $? "sorted by EXITS/s: b-busy above a-idle"

csv=$("$VMTOP" -b -n 1 -d 0.3 --csv -z)
echo "$csv" | sed 's/^/# /'
echo "$csv" | head -1 | grep -q '^time,id,name,pid,vcpus,mem_bytes,state,exits_per_s' &&
	[ "$(echo "$csv" | wc -l)" -eq 2 ] && echo "$csv" | grep -q '"b-busy"'
ok $? "--csv -z: the header and only the busy VM"

json=$("$VMTOP" -1 -d 0.3 --json -N a-idle -R 'HLT|IO')
echo "# $json"
echo "$json" | grep -q '"name": "a-idle"' && ! echo "$json" | grep -q b-busy &&
	echo "$json" | grep -q '"halts": 1,' && echo "$json" | grep -q '"exit_reasons": {.*"HLT": 1'
ok $? "--json -N a-idle -R: only a-idle, its one halt, its HLT exits by reason"

# tmux needs pseudo-terminals: devpts, which the initramfs does not mount.
mkdir -p /dev/pts
grep -q " /dev/pts " /proc/mounts || mount -t devpts devpts /dev/pts
# Debian's tmux names its panes tmux-256color, an entry not shipped here.
echo 'set -g default-terminal screen' > /tmp/tmux.conf
"$TMUX_BIN" -f /tmp/tmux.conf new-session -d -s vmtop -x 120 -y 30 \
	"$PWD/$VMTOP -d 0.5 2>/tmp/vmtop.err; echo \$? > /tmp/vmtop.status"
sleep 4
screen
[ -s /tmp/vmtop.err ] && sed 's/^/# vmtop stderr: /' /tmp/vmtop.err
grep -q '^vmtop - ' /tmp/pane && grep -q 'EXITS/s' /tmp/pane && grep -q b-busy /tmp/pane
ok $? "the screen shows the header, the column titles and the VMs"
busy_row=$(grep -n b-busy /tmp/pane | cut -d: -f1)
idle_row=$(grep -n a-idle /tmp/pane | cut -d: -f1)
[ -n "$busy_row" ] && [ -n "$idle_row" ] && [ "$busy_row" -lt "$idle_row" ]
ok $? "sorted by exits/s: b-busy (row $busy_row) above a-idle (row $idle_row)"

# From EXITS/s, "s" six times reaches NAME (ascending).
for _ in 1 2 3 4 5 6; do "$TMUX_BIN" send-keys -t vmtop s; done
sleep 2
screen
busy_row=$(grep -n b-busy /tmp/pane | cut -d: -f1)
idle_row=$(grep -n a-idle /tmp/pane | cut -d: -f1)
grep -q 'sort: NAME' /tmp/pane && [ -n "$busy_row" ] && [ -n "$idle_row" ] &&
	[ "$idle_row" -lt "$busy_row" ]
ok $? "after s x6 sorted by NAME: a-idle (row $idle_row) above b-busy (row $busy_row)"

"$TMUX_BIN" send-keys -t vmtop h
sleep 1
screen
grep -q 'this help' /tmp/pane && grep -q '%GUEST' /tmp/pane
ok $? "h shows the help with the columns"
"$TMUX_BIN" send-keys -t vmtop x
sleep 1

# Second row by name is b-busy: Down, Enter.
"$TMUX_BIN" send-keys -t vmtop Down Enter
sleep 3
screen
grep -q 'EXIT REASON' /tmp/pane && grep -q 'IO_INSTRUCTION' /tmp/pane && grep -q '^VM .* b-busy' /tmp/pane
ok $? "Enter on b-busy: the detail view with its exits by reason"
grep -q 'exits/s, last' /tmp/pane && grep -q 'handling time of IO_INSTRUCTION' /tmp/pane
ok $? "the detail view draws the exits/s graph and the latency histogram"
# b-busy writes to port 0x80 only (IO_LOOP_PORT): the POST range, nothing else.
grep -q '^post  *0x80  *[0-9][0-9]*  *[0-9][0-9]*' /tmp/pane && grep -q '^PORTS  *RANGE' /tmp/pane &&
	[ "$(grep -cE '^(pic1|pit|i8042|rtc|pic2|com1|com2|pci_config|other) ' /tmp/pane)" -eq 0 ]
ok $? "the detail view counts b-busy's port exits in range post (0x80) only"

# R: a regex on exit reasons; one that matches none of b-busy's hides them all.
"$TMUX_BIN" send-keys -t vmtop R
"$TMUX_BIN" send-keys -t vmtop 'HLT|CPUID' Enter
sleep 2
screen
grep -q '^EXIT REASON .*HLT|CPUID' /tmp/pane && ! grep -q 'IO_INSTRUCTION' /tmp/pane &&
	grep -q '^VM .* b-busy' /tmp/pane
ok $? "R 'HLT|CPUID': the detail view shows no IO_INSTRUCTION row and no histogram of it"
"$TMUX_BIN" send-keys -t vmtop R
"$TMUX_BIN" send-keys -t vmtop '^IO_' Enter
sleep 2
screen
grep -q '^IO_INSTRUCTION  *[0-9]' /tmp/pane && grep -q 'handling time of IO_INSTRUCTION' /tmp/pane
ok $? "R '^IO_': IO_INSTRUCTION and its histogram are back"

"$TMUX_BIN" send-keys -t vmtop q
i=0
while [ ! -s /tmp/vmtop.status ] && [ $i -lt 10 ]; do sleep 1; i=$((i + 1)); done
[ "$(cat /tmp/vmtop.status 2>/dev/null)" = 0 ]
ok $? "q quits with status 0 ($(cat /tmp/vmtop.status 2>/dev/null))"
"$TMUX_BIN" kill-server 2>/dev/null
kill "$load"
wait "$load" 2>/dev/null
exit $fail
