// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The 16550A as Linux's 8250 driver sees it: autoconfig()'s probes in the
 * order 8250_port.c makes them (IER bits, loopback, FIFO bits of IIR, the
 * EFR/NS16550A/UUE tests, size_fifo() counting 16 bytes in loopback), then
 * the interrupt behaviour the driver relies on: THRE when enabled and after
 * each byte, IIR priority (line status > data > THRE > modem status), the
 * RX FIFO and its trigger level, OUT2 gating IRQ 4.
 */
#include <errno.h>
#include <string.h>

#include "tap.h"
#include "internal.h"
#include "vmctl/devices.h"

enum { THR = 0, IER = 1, IIR = 2, FCR = 2, LCR = 3, MCR = 4, LSR = 5, MSR = 6, SCR = 7 };

static uint8_t sent[64];
static unsigned int nsent;

static void tx(void *opaque, uint8_t byte)
{
	(void)opaque;
	if (nsent < sizeof(sent))
		sent[nsent] = byte;
	nsent++;
}

static void out(struct vmctl_uart *u, unsigned int off, uint8_t v)
{
	vmctl_uart_io(u, off, v, true);
}

static uint8_t in(struct vmctl_uart *u, unsigned int off)
{
	return vmctl_uart_io(u, off, 0, false);
}

/* Is IRQ 4 requested at the PIC (IRR, through OCW3)? */
static bool irq4(struct vmctl_irq *irq)
{
	vmctl_irq_io(irq, 0x20, 0x0a, true);
	return vmctl_irq_io(irq, 0x20, 0, false) & 0x10;
}

int main(void)
{
	struct vmctl_uart *u;
	struct vmctl_irq *irq;
	uint8_t buf[20], v, s1, s2;
	unsigned int i, count;
	size_t n;
	int ok;

	tap_plan(37);
	if (vmctl_irq_create(&irq))
		tap_bail("vmctl_irq_create failed");
	/* Master PIC with IRQ 4 level-triggered, so IRR follows the line. */
	vmctl_irq_io(irq, 0x4d0, 0x10, true);
	tap_ok(vmctl_uart_create(irq, 16, 0x3f8, tx, NULL, &u) == -EINVAL, "line 16: -EINVAL");
	if (vmctl_uart_create(irq, 4, 0x3f8, tx, NULL, &u))
		tap_bail("vmctl_uart_create failed");

	/* autoconfig(): IER keeps exactly its low four bits. */
	out(u, IER, 0);
	tap_ok((in(u, IER) & 0x0f) == 0, "IER 0 reads back 0");
	out(u, IER, 0x0f);
	tap_ok((in(u, IER) & 0x0f) == 0x0f, "IER 0x0f reads back 0x0f");
	out(u, IER, 0);
	out(u, MCR, 0x1a);			/* loopback, OUT2, RTS */
	tap_ok((in(u, MSR) & 0xf0) == 0x90, "loopback with OUT2|RTS: MSR shows DCD|CTS (0x90)");
	out(u, MCR, 0);
	out(u, LCR, 0xbf);
	out(u, FCR, 0);
	out(u, LCR, 0);
	out(u, FCR, 0x01);
	tap_ok(in(u, IIR) >> 6 == 3, "FIFO enabled: IIR bits 7:6 are 11 (a 16550A)");
	out(u, LCR, 0x80);
	tap_ok(in(u, IIR) != 0, "LCR 0x80: offset 2 is not 0 (no ST16C650 EFR)");
	out(u, LCR, 0xbf);
	tap_ok(in(u, IIR) != 0, "LCR 0xbf: offset 2 is not 0 (no 16650 EFR)");
	out(u, LCR, 0);
	s1 = in(u, MCR);
	out(u, MCR, s1 ^ 0x10);
	out(u, LCR, 0xe0);
	s2 = in(u, IIR);
	out(u, LCR, 0);
	out(u, MCR, s1);
	tap_ok(!((s1 ^ s2) & 0x10), "offset 2 under LCR 0xe0 does not follow MCR loop (not NS16550A)");
	out(u, IER, 0x40);
	tap_ok(!(in(u, IER) & 0x40), "IER bit 6 (UUE) does not stick (not XScale)");
	out(u, IER, 0);

	/* size_fifo(): loopback, 256 bytes out, count what comes back. */
	nsent = 0;
	out(u, FCR, 0x07);
	out(u, MCR, 0x10);
	out(u, LCR, 0x80);
	out(u, THR, 0x01);
	out(u, IER, 0x00);
	out(u, LCR, 0x03);
	for (i = 0; i < 256; i++)
		out(u, THR, i);
	for (count = 0; (in(u, LSR) & 0x01) && count < 256; count++)
		in(u, THR);
	tap_ok(count == 16, "size_fifo(): %u bytes come back in loopback (16)", count);
	tap_ok(nsent == 0, "loopback sends nothing to the host");
	out(u, LCR, 0x80);
	tap_ok(in(u, THR) == 0x01 && in(u, IER) == 0x00, "DLAB: DLL and DLM read back");
	out(u, LCR, 0x03);
	out(u, MCR, 0x00);
	out(u, FCR, 0x07);
	in(u, LSR);

	/* Transmit and THRE interrupts, as serial8250_start_tx() uses them. */
	out(u, MCR, 0x0b);			/* DTR, RTS, OUT2 */
	tap_ok(!irq4(irq) && in(u, IIR) == 0xc1, "nothing enabled: IIR 0xc1, IRQ 4 low");
	out(u, IER, 0x02);
	tap_ok(irq4(irq), "enabling THRI with THR empty raises IRQ 4 at once");
	tap_ok(in(u, IIR) == 0xc2, "IIR says THRE (0xc2)");
	tap_ok(in(u, IIR) == 0xc1 && !irq4(irq), "reading it acknowledged it: IIR 0xc1, line low");
	out(u, THR, 'A');
	tap_ok(nsent == 1 && sent[0] == 'A', "the byte reaches the host");
	tap_ok(irq4(irq) && in(u, IIR) == 0xc2, "and THRE interrupts again");
	tap_ok((in(u, LSR) & 0x60) == 0x60, "LSR: THRE and TEMT");
	out(u, IER, 0x00);
	tap_ok(!irq4(irq), "IER 0: line low");
	out(u, IER, 0x02);
	out(u, IER, 0x00);
	out(u, IER, 0x02);
	tap_ok(in(u, IIR) == 0xc2, "THRI off and on again interrupts again (no UART_BUG_THRE)");

	/* Receive: FIFO, trigger level, priority over THRE. */
	out(u, IER, 0x03);
	out(u, FCR, 0x81);			/* FIFO on, trigger 8 */
	out(u, THR, 'B');			/* THRE pending again */
	n = vmctl_uart_receive(u, (const uint8_t *)"xy", 2);
	v = in(u, IIR);
	tap_ok(n == 2 && v == 0xcc, "2 bytes below the trigger level of 8: timeout (0xcc) before "
	       "THRE (IIR 0x%02x)", v);
	for (i = 0; i < sizeof(buf); i++)
		buf[i] = 'a' + i;
	n = vmctl_uart_receive(u, buf, sizeof(buf));
	tap_ok(n == 14 && vmctl_uart_rx_room(u) == 0, "the FIFO takes 14 more bytes, then is full");
	tap_ok(in(u, IIR) == 0xc4, "at the trigger level: received data (0xc4)");
	ok = in(u, THR) == 'x' && in(u, THR) == 'y';
	for (i = 0; i < 14; i++)
		ok &= in(u, THR) == 'a' + i;
	tap_ok(ok, "bytes come out in order");
	tap_ok(!(in(u, LSR) & 0x01) && vmctl_uart_rx_room(u) == 16, "then LSR.DR is clear");
	tap_ok(in(u, IIR) == 0xc2, "and THRE shows again");

	/* Line status outranks everything: an overrun in loopback. */
	out(u, IER, 0x07);
	out(u, MCR, 0x1b);
	for (i = 0; i < 17; i++)
		out(u, THR, i);
	tap_ok(in(u, IIR) == 0xc6, "overrun with ELSI: IIR 0xc6 first");
	tap_ok(in(u, LSR) & 0x02, "LSR shows OE");
	tap_ok(!(in(u, LSR) & 0x02), "reading LSR cleared it");
	tap_ok(!irq4(irq), "no IRQ 4 in loopback");
	out(u, FCR, 0x07);
	out(u, MCR, 0x03);			/* OUT2 off */
	in(u, MSR);
	out(u, IER, 0x01);
	vmctl_uart_receive(u, (const uint8_t *)"z", 1);
	tap_ok(!irq4(irq) && in(u, IIR) == 0xc4, "OUT2 off: IIR pending, IRQ 4 line low");
	out(u, MCR, 0x0b);
	tap_ok(irq4(irq), "OUT2 on: IRQ 4 high");
	in(u, THR);

	/* Modem status deltas and the rest. */
	out(u, MCR, 0x10);
	in(u, MSR);
	out(u, MCR, 0x12);
	v = in(u, MSR);
	tap_ok(v == 0x11, "loopback RTS on: CTS with DCTS (0x%02x)", v);
	tap_ok(in(u, MSR) == 0x10, "reading MSR cleared the delta");
	out(u, SCR, 0x5a);
	tap_ok(in(u, SCR) == 0x5a, "scratch register");
	out(u, MCR, 0x00);
	out(u, FCR, 0x00);
	vmctl_uart_receive(u, (const uint8_t *)"pq", 2);
	tap_ok(vmctl_uart_rx_room(u) == 0 && in(u, THR) == 'p', "FIFO off: one byte of room");

	vmctl_uart_destroy(u);
	vmctl_uart_destroy(NULL);
	vmctl_irq_destroy(irq);
	return tap_finish();
}
