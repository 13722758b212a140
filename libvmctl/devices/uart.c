// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A 16550A UART as Linux's 8250 driver probes and drives it
 * (drivers/tty/serial/8250/8250_port.c): IER keeps only its four low bits
 * (autoconfig writes 0x0f and 0x40 and checks what sticks); loopback
 * (MCR bit 4) turns RTS, DTR, OUT1, OUT2 into CTS, DSR, RI, DCD and the
 * transmitter into the receiver, which is how autoconfig checks for a UART
 * and counts the FIFO (16 bytes); IIR shows 0xc0 with the FIFO on and the
 * interrupt of highest priority (line status, received data or timeout,
 * transmitter empty, modem status).  Transmission is instantaneous, so
 * THR and the shift register are always empty.  The interrupt line is the
 * PC's: gated by OUT2, silent in loopback.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dev.h"

enum { RBR_THR = 0, IER = 1, IIR_FCR = 2, LCR = 3, MCR = 4, LSR = 5, MSR = 6, SCR = 7 };

#define IER_RDI		0x01	/* received data available */
#define IER_THRI	0x02	/* transmitter holding register empty */
#define IER_RLSI	0x04	/* receiver line status */
#define IER_MSI		0x08	/* modem status */

#define IIR_NO_INT	0x01
#define IIR_MSI		0x00
#define IIR_THRI	0x02
#define IIR_RDI		0x04
#define IIR_RLSI	0x06
#define IIR_TIMEOUT	0x0c
#define IIR_FIFO_ON	0xc0

#define FCR_ENABLE	0x01
#define FCR_CLEAR_RX	0x02
#define FCR_CLEAR_TX	0x04

#define LCR_DLAB	0x80

#define MCR_DTR		0x01
#define MCR_RTS		0x02
#define MCR_OUT1	0x04
#define MCR_OUT2	0x08
#define MCR_LOOP	0x10

#define LSR_DR		0x01
#define LSR_OE		0x02
#define LSR_THRE	0x20
#define LSR_TEMT	0x40

#define MSR_DCTS	0x01
#define MSR_DDSR	0x02
#define MSR_TERI	0x04
#define MSR_DDCD	0x08
#define MSR_CTS		0x10
#define MSR_DSR		0x20
#define MSR_RI		0x40
#define MSR_DCD		0x80

static const uint8_t rx_trigger[4] = { 1, 4, 8, 14 };

struct vmctl_uart {
	struct vmctl_irq *irq;
	unsigned int line;
	uint16_t base;
	vmctl_uart_tx_t tx;
	void *tx_opaque;
	uint8_t ier, lcr, mcr, scr, dll, dlm, fcr;
	uint8_t lsr_errors;	/* OE, until LSR is read */
	uint8_t msr;		/* status bits 7:4 and delta bits 3:0 */
	bool thr_interrupt;	/* THRE interrupt pending (cleared by IIR read or THR write) */
	uint8_t rx[VMCTL_UART_FIFO];
	unsigned int rx_head, rx_count;
};

static bool fifo_on(const struct vmctl_uart *u)
{
	return u->fcr & FCR_ENABLE;
}

static unsigned int rx_capacity(const struct vmctl_uart *u)
{
	return fifo_on(u) ? VMCTL_UART_FIFO : 1;
}

/* The interrupt of highest priority, as IIR bits 3:0. */
static uint8_t interrupt_id(const struct vmctl_uart *u)
{
	if ((u->ier & IER_RLSI) && u->lsr_errors)
		return IIR_RLSI;
	if ((u->ier & IER_RDI) && u->rx_count) {
		/* Below the trigger level the FIFO reports a timeout instead
		 * (the chip waits four character times; the guest cannot
		 * tell, and Linux treats both alike). */
		if (!fifo_on(u) || u->rx_count >= rx_trigger[u->fcr >> 6])
			return IIR_RDI;
		return IIR_TIMEOUT;
	}
	if ((u->ier & IER_THRI) && u->thr_interrupt)
		return IIR_THRI;
	if ((u->ier & IER_MSI) && (u->msr & 0x0f))
		return IIR_MSI;
	return IIR_NO_INT;
}

static void update_irq(struct vmctl_uart *u)
{
	bool asserted = interrupt_id(u) != IIR_NO_INT && (u->mcr & MCR_OUT2) &&
			!(u->mcr & MCR_LOOP);

	if (u->irq)
		vmctl_irq_set_line(u->irq, u->line, asserted);
}

/* Modem status inputs: the host side is always there (CTS, DSR, DCD),
 * or in loopback the outputs looped back. */
static void update_msr(struct vmctl_uart *u)
{
	uint8_t now, changed;

	if (u->mcr & MCR_LOOP)
		now = (u->mcr & MCR_RTS ? MSR_CTS : 0) | (u->mcr & MCR_DTR ? MSR_DSR : 0) |
		      (u->mcr & MCR_OUT1 ? MSR_RI : 0) | (u->mcr & MCR_OUT2 ? MSR_DCD : 0);
	else
		now = MSR_CTS | MSR_DSR | MSR_DCD;
	changed = (now ^ u->msr) & 0xf0;
	if (changed & MSR_CTS)
		u->msr |= MSR_DCTS;
	if (changed & MSR_DSR)
		u->msr |= MSR_DDSR;
	if (changed & MSR_DCD)
		u->msr |= MSR_DDCD;
	/* TERI: RI went from on to off. */
	if ((changed & MSR_RI) && !(now & MSR_RI))
		u->msr |= MSR_TERI;
	u->msr = (u->msr & 0x0f) | now;
}

static bool rx_push(struct vmctl_uart *u, uint8_t byte)
{
	if (u->rx_count == rx_capacity(u)) {
		u->lsr_errors |= LSR_OE;
		return false;
	}
	u->rx[(u->rx_head + u->rx_count) % VMCTL_UART_FIFO] = byte;
	u->rx_count++;
	return true;
}

static uint8_t rx_pop(struct vmctl_uart *u)
{
	uint8_t byte;

	if (!u->rx_count)
		return 0;
	byte = u->rx[u->rx_head];
	u->rx_head = (u->rx_head + 1) % VMCTL_UART_FIFO;
	u->rx_count--;
	return byte;
}

static void rx_clear(struct vmctl_uart *u)
{
	u->rx_head = 0;
	u->rx_count = 0;
}

static uint8_t uart_read(struct vmctl_uart *u, unsigned int off)
{
	uint8_t v;

	switch (off) {
	case RBR_THR:
		return u->lcr & LCR_DLAB ? u->dll : rx_pop(u);
	case IER:
		return u->lcr & LCR_DLAB ? u->dlm : u->ier;
	case IIR_FCR:
		v = interrupt_id(u);
		/* Reading IIR while it shows THRE acknowledges that interrupt. */
		if (v == IIR_THRI)
			u->thr_interrupt = false;
		return v | (fifo_on(u) ? IIR_FIFO_ON : 0);
	case LCR:
		return u->lcr;
	case MCR:
		return u->mcr;
	case LSR:
		v = LSR_THRE | LSR_TEMT | u->lsr_errors | (u->rx_count ? LSR_DR : 0);
		u->lsr_errors = 0;
		return v;
	case MSR:
		v = u->msr;
		u->msr &= 0xf0;
		return v;
	default:
		return u->scr;
	}
}

static void transmit(struct vmctl_uart *u, uint8_t byte)
{
	if (u->mcr & MCR_LOOP)
		rx_push(u, byte);
	else if (u->tx)
		u->tx(u->tx_opaque, byte);
	/* Sent at once: the holding register is empty again. */
	u->thr_interrupt = true;
}

static void uart_write(struct vmctl_uart *u, unsigned int off, uint8_t v)
{
	switch (off) {
	case RBR_THR:
		if (u->lcr & LCR_DLAB)
			u->dll = v;
		else
			transmit(u, v);
		break;
	case IER:
		if (u->lcr & LCR_DLAB) {
			u->dlm = v;
			break;
		}
		/* Enabling THRI with the holding register empty interrupts at once. */
		if ((v & IER_THRI) && !(u->ier & IER_THRI))
			u->thr_interrupt = true;
		u->ier = v & 0x0f;
		break;
	case IIR_FCR:
		if ((v ^ u->fcr) & FCR_ENABLE)
			rx_clear(u);
		if (v & FCR_CLEAR_RX)
			rx_clear(u);
		/* Bits 1-2 self-clear; 3 (DMA mode) is kept for reading nothing. */
		u->fcr = v & ~(FCR_CLEAR_RX | FCR_CLEAR_TX);
		if (!(v & FCR_ENABLE))
			u->fcr = 0;
		break;
	case LCR:
		u->lcr = v;
		break;
	case MCR:
		u->mcr = v & 0x1f;
		update_msr(u);
		break;
	case SCR:
		u->scr = v;
		break;
	default:	/* LSR, MSR: writes do nothing useful */
		break;
	}
}

VMCTL_EXPORT uint8_t vmctl_uart_io(struct vmctl_uart *uart, unsigned int offset, uint8_t value,
				   bool is_write)
{
	uint8_t v = 0;

	if (is_write)
		uart_write(uart, offset & 7, value);
	else
		v = uart_read(uart, offset & 7);
	update_irq(uart);
	return v;
}

static uint8_t uart_byte_io(void *dev, uint16_t port, uint8_t value, bool is_write)
{
	struct vmctl_uart *u = dev;

	if (port < u->base || port >= u->base + 8)
		return 0xff;
	return vmctl_uart_io(u, port - u->base, value, is_write);
}

VMCTL_EXPORT int vmctl_uart_pio(struct vmctl_vcpu *vcpu, uint16_t port, uint32_t *data,
				unsigned int size, bool is_write, void *opaque)
{
	(void)vcpu;
	return dev_pio_bytes(port, data, size, is_write, uart_byte_io, opaque);
}

VMCTL_EXPORT size_t vmctl_uart_rx_room(struct vmctl_uart *uart)
{
	return uart ? rx_capacity(uart) - uart->rx_count : 0;
}

VMCTL_EXPORT size_t vmctl_uart_receive(struct vmctl_uart *uart, const uint8_t *buf, size_t len)
{
	size_t n = 0;

	if (!uart || !buf)
		return 0;
	while (n < len && uart->rx_count < rx_capacity(uart))
		rx_push(uart, buf[n++]);
	if (n)
		update_irq(uart);
	return n;
}

VMCTL_EXPORT int vmctl_uart_create(struct vmctl_irq *irq, unsigned int line, uint16_t base,
				   vmctl_uart_tx_t tx, void *tx_opaque, struct vmctl_uart **uartp)
{
	struct vmctl_uart *u;

	if (!uartp || line >= VMCTL_IRQ_LINES)
		return -EINVAL;
	u = calloc(1, sizeof(*u));
	if (!u)
		return -ENOMEM;
	u->irq = irq;
	u->line = line;
	u->base = base;
	u->tx = tx;
	u->tx_opaque = tx_opaque;
	u->lcr = 0x03;		/* 8N1 */
	update_msr(u);
	u->msr &= 0xf0;		/* no change at power-on */
	*uartp = u;
	return 0;
}

VMCTL_EXPORT void vmctl_uart_destroy(struct vmctl_uart *uart)
{
	free(uart);
}
