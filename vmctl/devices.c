// SPDX-License-Identifier: GPL-2.0
/* The two built-in devices of "vmctl run": COM1 (transmit only), debug exit. */
#include "vmctl.h"

/* 16550 register offsets and bits the model needs. */
#define UART_RX_TX	0	/* DLAB=0: receive / transmit holding; DLAB=1: DLL */
#define UART_IER	1	/* DLAB=1: DLM */
#define UART_IIR	2	/* read: interrupt identification; write: FCR */
#define UART_LCR	3
#define UART_MCR	4
#define UART_LSR	5
#define UART_MSR	6
#define UART_SCR	7

#define UART_LCR_DLAB	0x80
#define UART_IIR_NO_INT	0x01
#define UART_LSR_THRE	0x20	/* transmit holding register empty */
#define UART_LSR_TEMT	0x40	/* transmitter empty */
#define UART_MSR_CTS_DSR_DCD 0xb0

static uint8_t serial_read(struct serial *s, unsigned int off)
{
	bool dlab = s->lcr & UART_LCR_DLAB;

	switch (off) {
	case UART_RX_TX:	return dlab ? s->dll : 0;	/* no input, ever */
	case UART_IER:		return dlab ? s->dlm : s->ier;
	case UART_IIR:		return UART_IIR_NO_INT;
	case UART_LCR:		return s->lcr;
	case UART_MCR:		return s->mcr;
	/* Always ready, so that a guest polling before each byte never waits. */
	case UART_LSR:		return UART_LSR_THRE | UART_LSR_TEMT;
	case UART_MSR:		return UART_MSR_CTS_DSR_DCD;
	default:		return s->scr;
	}
}

static void serial_write(struct serial *s, unsigned int off, uint8_t v)
{
	bool dlab = s->lcr & UART_LCR_DLAB;

	switch (off) {
	case UART_RX_TX:
		if (dlab) {
			s->dll = v;
			break;
		}
		fputc(v, s->out);
		/* Line by line: output interleaves sanely with vmctl's stderr. */
		if (v == '\n')
			fflush(s->out);
		break;
	case UART_IER:
		if (dlab)
			s->dlm = v;
		else
			s->ier = v & 0x0f;
		break;
	case UART_LCR:	s->lcr = v; break;
	case UART_MCR:	s->mcr = v & 0x1f; break;
	case UART_SCR:	s->scr = v; break;
	default:	break;	/* FCR, LSR, MSR: nothing to model */
	}
}

int serial_pio(struct vmctl_vcpu *vcpu, uint16_t port, uint32_t *data,
	       unsigned int size, bool is_write, void *opaque)
{
	struct serial *s = opaque;
	unsigned int i, off = (port - SERIAL_COM1_BASE) & 7;
	uint32_t v = 0;

	(void)vcpu;
	/* A wide access touches consecutive registers, low byte first. */
	for (i = 0; i < size && off + i < SERIAL_PORTS; i++) {
		if (is_write)
			serial_write(s, off + i, *data >> (8 * i));
		else
			v |= (uint32_t)serial_read(s, off + i) << (8 * i);
	}
	/* Bytes of a wide read past the UART's last register: open bus. */
	for (; !is_write && i < size; i++)
		v |= 0xffu << (8 * i);
	if (!is_write)
		*data = v;
	return 0;
}

int debug_exit_pio(struct vmctl_vcpu *vcpu, uint16_t port, uint32_t *data,
		   unsigned int size, bool is_write, void *opaque)
{
	struct debug_exit *d = opaque;

	(void)port;
	(void)size;
	if (!is_write)
		return 0;	/* reads float: the library supplies all ones */
	d->exited = true;
	d->status = *data & 0xff;
	/* Stop before the guest executes another instruction. */
	vmctl_vcpu_request_exit(vcpu);
	return 0;
}
