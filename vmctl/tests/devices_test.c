// SPDX-License-Identifier: GPL-2.0
/* The built-in devices: COM1 transmit and status, debug-exit status mapping. */
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "vmctl.h"

static struct serial com1;
static unsigned int refused;	/* port accesses the handler did not accept */

static uint32_t in(uint16_t port, unsigned int size)
{
	uint32_t v = 0xffffffff;

	if (serial_pio(NULL, port, &v, size, false, &com1))
		refused++;
	return v;
}

static void out(uint16_t port, uint32_t v, unsigned int size)
{
	if (serial_pio(NULL, port, &v, size, true, &com1))
		refused++;
}

/* The output so far; a failed flush would leave len stale. */
static int flushed(void)
{
	return fflush(com1.out) == 0;
}

int main(void)
{
	struct debug_exit d = { 0 };
	char *text = NULL;
	size_t len = 0;
	uint32_t v;

	tap_plan(13);
	com1.out = open_memstream(&text, &len);
	if (!com1.out)
		tap_bail("open_memstream failed");

	tap_ok((in(0x3fd, 1) & 0x60) == 0x60, "LSR: transmitter empty");
	tap_ok((in(0x3fd, 1) & 0x01) == 0, "LSR: no data ready");
	tap_ok(in(0x3fa, 1) == 0x01, "IIR: no interrupt pending");
	out(0x3f8, 'H', 1);
	out(0x3f8, 'i', 1);
	out(0x3f8, '\n', 1);
	tap_ok(flushed() && len == 3 && memcmp(text, "Hi\n", 3) == 0,
	       "bytes written to THR reach the output");

	out(0x3fb, 0x80, 1);		/* DLAB on: port 0 is the divisor latch */
	out(0x3f8, 0x0c, 1);
	out(0x3f9, 0x00, 1);
	tap_ok(in(0x3f8, 1) == 0x0c, "divisor latch reads back");
	out(0x3fb, 0x03, 1);		/* 8N1, DLAB off */
	tap_ok(flushed() && len == 3, "divisor writes are not output");
	tap_ok(in(0x3fb, 1) == 0x03, "LCR reads back");
	out(0x3ff, 0x5a, 1);
	tap_ok(in(0x3ff, 1) == 0x5a, "scratch register reads back");

	out(0x3f8, 'o' | ('k' << 8), 2);	/* a 16-bit OUT: THR then IER */
	tap_ok(flushed() && len == 4 && text[3] == 'o', "a word write sends its low byte");
	v = in(0x3fe, 4);
	tap_ok(((v >> 8) & 0xff) == 0x5a && (v >> 16) == 0xffff,
	       "a dword read at MSR: MSR, SCR, then open bus (0x%08x)", v);

	tap_ok(!refused, "the serial port accepted every access (%u refused)", refused);

	v = 0x1234;
	tap_ok(debug_exit_pio(NULL, 0xf4, &v, 2, true, &d) == 0 &&
	       d.exited && d.status == 0x34, "debug exit: status is the value's low byte");
	d.exited = false;
	v = 0;
	tap_ok(debug_exit_pio(NULL, 0xf4, &v, 1, false, &d) == 0 && !d.exited,
	       "debug exit: a read does not exit");

	if (fclose(com1.out))
		tap_bail("fclose of the memory stream failed");
	free(text);
	return tap_finish();
}
