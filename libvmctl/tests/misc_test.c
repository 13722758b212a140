// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Port 0x80, the 0xcf9 reset control register as Linux's reboot=pci writes
 * it (0x02, then 0x06), and the keyboard controller as reboot=kbd uses it
 * (wait for input buffer empty, command 0xfe).
 */
#include <errno.h>

#include "tap.h"
#include "internal.h"
#include "vmctl/devices.h"

int main(void)
{
	struct vmctl_misc *m;
	uint32_t d;

	tap_plan(9);
	tap_ok(vmctl_misc_create(NULL) == -EINVAL, "create(NULL): -EINVAL");
	if (vmctl_misc_create(&m))
		tap_bail("vmctl_misc_create failed");
	vmctl_misc_io(m, 0x80, 0x42, true);
	tap_ok(vmctl_misc_post_code(m) == 0x42 && vmctl_misc_io(m, 0x80, 0, false) == 0x42,
	       "port 0x80 keeps the POST code");
	vmctl_misc_io(m, 0xcf9, 0x02, true);
	tap_ok(vmctl_misc_reset_requested(m) == VMCTL_RESET_NONE &&
	       vmctl_misc_io(m, 0xcf9, 0, false) == 0x02, "0xcf9 = 0x02 (SYS_RST): no reset yet");
	vmctl_misc_io(m, 0xcf9, 0x06, true);
	tap_ok(vmctl_misc_reset_requested(m) == VMCTL_RESET_CF9, "0x06 (RST_CPU rises): reset");
	vmctl_misc_destroy(m);

	if (vmctl_misc_create(&m))
		tap_bail("vmctl_misc_create failed");
	tap_ok(!(vmctl_misc_io(m, 0x64, 0, false) & 0x03), "KBC status: input and output buffers empty");
	tap_ok(vmctl_misc_io(m, 0x60, 0, false) == 0xff, "no keyboard data");
	vmctl_misc_io(m, 0x64, 0xfe, true);
	tap_ok(vmctl_misc_reset_requested(m) == VMCTL_RESET_KBC, "KBC command 0xfe: reset");
	vmctl_misc_destroy(m);

	if (vmctl_misc_create(&m))
		tap_bail("vmctl_misc_create failed");
	d = 0x0ad1;
	vmctl_misc_pio(NULL, 0x64, &d, 1, true, m);
	tap_ok(vmctl_misc_reset_requested(m) == VMCTL_RESET_NONE, "other KBC commands: no reset");
	d = 0;
	vmctl_misc_pio(NULL, 0x80, &d, 1, false, m);
	tap_ok(d == 0, "port 0x80 reads 0 before any write");
	vmctl_misc_destroy(m);
	vmctl_misc_destroy(NULL);
	return tap_finish();
}
