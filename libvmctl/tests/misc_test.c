// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Port 0x80, the 0xcf9 reset control register as Linux's reboot=pci writes
 * it (0x02, then 0x06), and the keyboard controller as reboot=kbd uses it
 * (wait for input buffer empty, command 0xfe), and the controller's
 * absence as Linux's i8042 driver sees it.
 */
#include <errno.h>

#include "tap.h"
#include "internal.h"
#include "vmctl/devices.h"

/*
 * What Linux 6.1's i8042_flush() does at probe time: read data while the
 * status shows the output buffer full (bit 0), at most 16 bytes, then
 * fail, which makes the driver report no controller.  Without it the
 * driver goes on to read the control register and polls 10000 times for
 * an answer (10000 exits, half a second of the guest's boot).
 */
static int linux_i8042_flush(struct vmctl_misc *m)
{
	int count = 0;

	while (vmctl_misc_io(m, 0x64, 0, false) & 0x01) {
		if (count++ >= 16)
			return -EIO;
		vmctl_misc_io(m, 0x60, 0, false);
	}
	return 0;
}

int main(void)
{
	struct vmctl_misc *m;
	uint32_t d;

	tap_plan(10);
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
	tap_ok(!(vmctl_misc_io(m, 0x64, 0, false) & 0x02), "KBC status: input buffer empty");
	tap_ok(vmctl_misc_io(m, 0x60, 0, false) == 0xff, "no keyboard data");
	tap_ok(linux_i8042_flush(m) == -EIO,
	       "Linux's i8042_flush() gives up after 16 bytes: 'No controller found'");
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
