// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The small answers a PC gives that Linux looks for: port 0x80 (POST codes;
 * outb_p() writes it as an I/O delay unless io_delay=none), the reset
 * control register at 0xcf9 (reboot=pci: 0x02 then 0x06, or 0x0e), and
 * the keyboard controller's status and command port 0x64 (reboot=kbd
 * waits for an empty input buffer, then sends command 0xfe, "pulse the
 * reset line").  There is no keyboard, so the status shows a controller
 * Linux's i8042 driver gives up on at once: an output buffer that stays
 * full (its probe reads 16 bytes of 0xff, then reports "No controller
 * found").  An empty one looked alive, and the driver then polled 10000
 * times for the answer to "read the control register": 10000 exits and
 * half a second of every boot.  The input buffer is always empty, so
 * reboot=kbd sends its 0xfe without waiting.
 */
#include <errno.h>
#include <stdlib.h>

#include "dev.h"

#define CF9_SYS_RST	0x02	/* full (cold) reset when RST_CPU rises */
#define CF9_RST_CPU	0x04
#define KBC_STATUS_STUCK	0x1d	/* output buffer full, input buffer empty,
				 * system flag, last write a command, unlocked */
#define KBC_PULSE_RESET	0xfe

struct vmctl_misc {
	uint8_t post_code;
	uint8_t cf9;
	enum vmctl_reset_source reset;
};

VMCTL_EXPORT uint8_t vmctl_misc_io(struct vmctl_misc *misc, uint16_t port, uint8_t value,
				   bool is_write)
{
	switch (port) {
	case 0x80:
		if (is_write)
			misc->post_code = value;
		return misc->post_code;
	case 0xcf9:
		if (!is_write)
			return misc->cf9;
		/* The reset happens on RST_CPU's rising edge. */
		if ((value & CF9_RST_CPU) && !(misc->cf9 & CF9_RST_CPU))
			misc->reset = VMCTL_RESET_CF9;
		misc->cf9 = value & ~CF9_RST_CPU;
		return 0;
	case 0x64:
		if (!is_write)
			return KBC_STATUS_STUCK;
		if (value == KBC_PULSE_RESET)
			misc->reset = VMCTL_RESET_KBC;
		return 0;
	default:	/* 0x60: no keyboard data, ever */
		return 0xff;
	}
}

static uint8_t misc_byte_io(void *dev, uint16_t port, uint8_t value, bool is_write)
{
	return vmctl_misc_io(dev, port, value, is_write);
}

VMCTL_EXPORT int vmctl_misc_pio(struct vmctl_vcpu *vcpu, uint16_t port, uint32_t *data,
				unsigned int size, bool is_write, void *opaque)
{
	struct vmctl_misc *misc = opaque;

	dev_pio_bytes(port, data, size, is_write, misc_byte_io, misc);
	/* Stop the vCPU before it runs on after asking for a reset. */
	if (misc->reset != VMCTL_RESET_NONE && vcpu)
		vmctl_vcpu_request_exit(vcpu);
	return 0;
}

VMCTL_EXPORT enum vmctl_reset_source vmctl_misc_reset_requested(struct vmctl_misc *misc)
{
	return misc ? misc->reset : VMCTL_RESET_NONE;
}

VMCTL_EXPORT uint8_t vmctl_misc_post_code(struct vmctl_misc *misc)
{
	return misc ? misc->post_code : 0;
}

VMCTL_EXPORT int vmctl_misc_create(struct vmctl_misc **miscp)
{
	if (!miscp)
		return -EINVAL;
	*miscp = calloc(1, sizeof(**miscp));
	return *miscp ? 0 : -ENOMEM;
}

VMCTL_EXPORT void vmctl_misc_destroy(struct vmctl_misc *misc)
{
	free(misc);
}
