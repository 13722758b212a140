// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A PC without a local APIC for one vCPU: the devices of this directory on
 * their ports, one mutex around all of them, a thread that waits (epoll,
 * no polling) for the PIT's timerfd and the console's input, and the
 * vCPU's run loop.  HLT sleeps until an interrupt is due; reaching the
 * guest with it is the inject hook's work (the events interface of the
 * module, set by the caller), so that a LAPIC can take its place later.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <termios.h>
#include <unistd.h>

#include "dev.h"

#define CTRL_A		0x01
#define X86_EFLAGS_IF	0x200ULL

struct pc_port {
	struct vmctl_pc *pc;
	vmctl_pio_handler_t handler;
	void *dev;
};

enum { PORT_PIC_M, PORT_PIC_S, PORT_ELCR, PORT_PIT, PORT_PORTB, PORT_RTC, PORT_UART,
       PORT_POST, PORT_KBD_DATA, PORT_KBD_CMD, PORT_CF9, PORT_COUNT };

struct vmctl_pc {
	struct vmctl_vm *vm;
	struct vmctl_vcpu *vcpu;
	pthread_mutex_t lock;
	pthread_cond_t wake;		/* INTR rose, or quit */
	struct vmctl_irq *irq;
	struct vmctl_pit *pit;
	struct vmctl_rtc *rtc;
	struct vmctl_uart *uart;
	struct vmctl_misc *misc;
	struct pc_port ports[PORT_COUNT];
	uint16_t port_base[PORT_COUNT];
	int in_fd, out_fd;
	int in_flags;			/* in_fd's file status flags before us */
	bool raw_tty;
	struct termios saved_tty;
	struct pc_escape escape;
	int stop_fd;			/* eventfd: ends the I/O thread */
	int epoll_fd;
	pthread_t io_thread;
	bool io_thread_started;
	bool quit;			/* Ctrl-A x */
	bool input_closed;
	bool input_blocked;		/* the RX FIFO was full: in_fd not watched */
	vmctl_pc_inject_t inject;
	void *inject_opaque;
};

static const struct {
	uint16_t base;
	uint16_t count;
} port_ranges[PORT_COUNT] = {
	[PORT_PIC_M] = { 0x20, 2 },	[PORT_PIC_S] = { 0xa0, 2 },
	[PORT_ELCR] = { 0x4d0, 2 },	[PORT_PIT] = { 0x40, 4 },
	[PORT_PORTB] = { 0x61, 1 },	[PORT_RTC] = { 0x70, 2 },
	[PORT_UART] = { VMCTL_UART_COM1, 8 },	[PORT_POST] = { 0x80, 1 },
	[PORT_KBD_DATA] = { 0x60, 1 },	[PORT_KBD_CMD] = { 0x64, 1 },
	[PORT_CF9] = { 0xcf9, 1 },
};

size_t pc_console_filter(struct pc_escape *st, const uint8_t *in, size_t n, uint8_t *out,
			 bool *quit)
{
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		uint8_t c = in[i];

		if (!st->after_ctrl_a) {
			if (c == CTRL_A)
				st->after_ctrl_a = true;
			else
				out[o++] = c;
			continue;
		}
		st->after_ctrl_a = false;
		if (c == 'x' || c == 'X') {
			*quit = true;
			return o;
		}
		/* Ctrl-A Ctrl-A sends one Ctrl-A; anything else both bytes. */
		if (c != CTRL_A)
			out[o++] = CTRL_A;
		out[o++] = c;
	}
	return o;
}

static int pc_pio(struct vmctl_vcpu *vcpu, uint16_t port, uint32_t *data, unsigned int size,
		  bool is_write, void *opaque)
{
	struct pc_port *p = opaque;
	int ret;

	pthread_mutex_lock(&p->pc->lock);
	ret = p->handler(vcpu, port, data, size, is_write, p->dev);
	pthread_mutex_unlock(&p->pc->lock);
	return ret;
}

/*
 * Called with the lock held by whoever changed a line.  A kick, not
 * vmctl_vcpu_request_exit(): only a kick wakes a vCPU halted in the
 * kernel (VMCTL_HLT_WAIT) and makes a running one exit at once rather
 * than at its next exit, milliseconds later: the timer tick would be late.
 */
static void intr_rose(void *opaque)
{
	struct vmctl_pc *pc = opaque;

	pthread_cond_broadcast(&pc->wake);
	vmctl_vcpu_kick(pc->vcpu);
}

static void console_tx(void *opaque, uint8_t byte)
{
	struct vmctl_pc *pc = opaque;

	/* A console that went away must not stop the guest. */
	if (pc->out_fd >= 0 && write(pc->out_fd, &byte, 1) < 0)
		pc->out_fd = -1;
}

/* Input waits in the host's buffers while the FIFO is full. */
static void console_input(struct vmctl_pc *pc)
{
	uint8_t in[VMCTL_UART_FIFO], out[2 * VMCTL_UART_FIFO];
	size_t room, n;
	ssize_t got;

	room = vmctl_uart_rx_room(pc->uart);
	if (!room) {
		/* Stop watching (level-triggered, it would spin) until the
		 * guest has read some. */
		struct epoll_event ev = { .events = 0, .data.fd = pc->in_fd };

		epoll_ctl(pc->epoll_fd, EPOLL_CTL_MOD, pc->in_fd, &ev);
		pc->input_blocked = true;
		return;
	}
	/* Two bytes out per byte in at most (Ctrl-A then a key). */
	got = read(pc->in_fd, in, room / 2 ? room / 2 : 1);
	if (got <= 0) {
		if (got == 0 || (errno != EAGAIN && errno != EINTR)) {
			pc->input_closed = true;
			epoll_ctl(pc->epoll_fd, EPOLL_CTL_DEL, pc->in_fd, NULL);
		}
		return;
	}
	if (pc->raw_tty) {
		n = pc_console_filter(&pc->escape, in, got, out, &pc->quit);
	} else {
		n = got;
		memcpy(out, in, n);
	}
	vmctl_uart_receive(pc->uart, out, n);
	if (pc->quit) {
		pthread_cond_broadcast(&pc->wake);
		vmctl_vcpu_request_exit(pc->vcpu);
	}
}

static void *io_thread(void *opaque)
{
	struct vmctl_pc *pc = opaque;
	struct epoll_event ev[4];
	int i, n;

	for (;;) {
		/* Input the FIFO had no room for is retried every 10 ms; else
		 * the thread sleeps until a timer or input is due. */
		n = epoll_wait(pc->epoll_fd, ev, 4, pc->input_blocked ? 10 : -1);
		if (n < 0 && errno != EINTR)
			return NULL;
		pthread_mutex_lock(&pc->lock);
		if (pc->input_blocked && vmctl_uart_rx_room(pc->uart)) {
			struct epoll_event in = { .events = EPOLLIN, .data.fd = pc->in_fd };

			epoll_ctl(pc->epoll_fd, EPOLL_CTL_MOD, pc->in_fd, &in);
			pc->input_blocked = false;
		}
		for (i = 0; i < n; i++) {
			if (ev[i].data.fd == pc->stop_fd) {
				pthread_mutex_unlock(&pc->lock);
				return NULL;
			}
			if (ev[i].data.fd == vmctl_pit_timer_fd(pc->pit))
				vmctl_pit_service(pc->pit);
			else if (ev[i].data.fd == pc->in_fd)
				console_input(pc);
		}
		pthread_mutex_unlock(&pc->lock);
	}
}

static int watch(int epoll_fd, int fd)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = fd };

	return epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &ev) ? -errno : 0;
}

VMCTL_EXPORT void vmctl_pc_set_inject(struct vmctl_pc *pc, vmctl_pc_inject_t inject, void *opaque)
{
	if (!pc)
		return;
	pthread_mutex_lock(&pc->lock);
	pc->inject = inject;
	pc->inject_opaque = opaque;
	pthread_mutex_unlock(&pc->lock);
}

VMCTL_EXPORT int vmctl_pc_create(struct vmctl_vm *vm, struct vmctl_vcpu *vcpu, int in_fd,
				 int out_fd, struct vmctl_pc **pcp)
{
	static const vmctl_pio_handler_t handlers[PORT_COUNT] = {
		[PORT_PIC_M] = vmctl_irq_pio, [PORT_PIC_S] = vmctl_irq_pio,
		[PORT_ELCR] = vmctl_irq_pio, [PORT_PIT] = vmctl_pit_pio,
		[PORT_PORTB] = vmctl_pit_pio, [PORT_RTC] = vmctl_rtc_pio,
		[PORT_UART] = vmctl_uart_pio, [PORT_POST] = vmctl_misc_pio,
		[PORT_KBD_DATA] = vmctl_misc_pio, [PORT_KBD_CMD] = vmctl_misc_pio,
		[PORT_CF9] = vmctl_misc_pio,
	};
	struct termios raw;
	struct vmctl_pc *pc;
	unsigned int i, registered = 0;
	int err;

	if (!vm || !vcpu || !pcp)
		return -EINVAL;
	pc = calloc(1, sizeof(*pc));
	if (!pc)
		return -ENOMEM;
	pc->vm = vm;
	pc->vcpu = vcpu;
	pc->in_fd = in_fd;
	pc->out_fd = out_fd;
	pc->stop_fd = pc->epoll_fd = -1;
	pc->in_flags = -1;
	pthread_mutex_init(&pc->lock, NULL);
	pthread_cond_init(&pc->wake, NULL);

	err = vmctl_irq_create(&pc->irq);
	if (!err)
		err = vmctl_pit_create(pc->irq, NULL, NULL, &pc->pit);
	if (!err)
		err = vmctl_rtc_create(NULL, NULL, &pc->rtc);
	if (!err)
		err = vmctl_uart_create(pc->irq, VMCTL_UART_COM1_IRQ, VMCTL_UART_COM1, console_tx,
					pc, &pc->uart);
	if (!err)
		err = vmctl_misc_create(&pc->misc);
	if (err)
		goto out_free;
	vmctl_irq_set_notify(pc->irq, intr_rose, pc);

	for (i = 0; i < PORT_COUNT; i++) {
		void *dev[PORT_COUNT] = {
			[PORT_PIC_M] = pc->irq, [PORT_PIC_S] = pc->irq, [PORT_ELCR] = pc->irq,
			[PORT_PIT] = pc->pit, [PORT_PORTB] = pc->pit, [PORT_RTC] = pc->rtc,
			[PORT_UART] = pc->uart, [PORT_POST] = pc->misc,
			[PORT_KBD_DATA] = pc->misc, [PORT_KBD_CMD] = pc->misc,
			[PORT_CF9] = pc->misc,
		};

		pc->ports[i] = (struct pc_port){ .pc = pc, .handler = handlers[i], .dev = dev[i] };
		err = vmctl_vm_pio_register(vm, port_ranges[i].base, port_ranges[i].count,
					    pc_pio, &pc->ports[i]);
		if (err)
			goto out_unregister;
		registered++;
	}

	pc->stop_fd = eventfd(0, EFD_CLOEXEC);
	pc->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	err = -EMFILE;
	if (pc->stop_fd < 0 || pc->epoll_fd < 0)
		goto out_unregister;
	err = watch(pc->epoll_fd, pc->stop_fd);
	if (!err)
		err = watch(pc->epoll_fd, vmctl_pit_timer_fd(pc->pit));
	if (!err && in_fd >= 0) {
		pc->in_flags = fcntl(in_fd, F_GETFL);
		fcntl(in_fd, F_SETFL, pc->in_flags | O_NONBLOCK);
		/* epoll refuses regular files: such input is not read. */
		err = watch(pc->epoll_fd, in_fd);
		if (err == -EPERM)
			err = 0;
	}
	if (err)
		goto out_unregister;

	if (in_fd >= 0 && isatty(in_fd) && tcgetattr(in_fd, &pc->saved_tty) == 0) {
		raw = pc->saved_tty;
		cfmakeraw(&raw);
		if (tcsetattr(in_fd, TCSANOW, &raw) == 0)
			pc->raw_tty = true;
	}
	err = -pthread_create(&pc->io_thread, NULL, io_thread, pc);
	if (err)
		goto out_tty;
	pc->io_thread_started = true;
	*pcp = pc;
	return 0;

out_tty:
	if (pc->raw_tty)
		tcsetattr(in_fd, TCSANOW, &pc->saved_tty);
out_unregister:
	if (in_fd >= 0 && pc->in_flags >= 0)
		fcntl(in_fd, F_SETFL, pc->in_flags);
	while (registered--)
		vmctl_vm_pio_unregister(vm, port_ranges[registered].base);
out_free:
	if (pc->epoll_fd >= 0)
		close(pc->epoll_fd);
	if (pc->stop_fd >= 0)
		close(pc->stop_fd);
	vmctl_misc_destroy(pc->misc);
	vmctl_uart_destroy(pc->uart);
	vmctl_rtc_destroy(pc->rtc);
	vmctl_pit_destroy(pc->pit);
	vmctl_irq_destroy(pc->irq);
	pthread_cond_destroy(&pc->wake);
	pthread_mutex_destroy(&pc->lock);
	free(pc);
	return err;
}

VMCTL_EXPORT void vmctl_pc_destroy(struct vmctl_pc *pc)
{
	uint64_t one = 1;
	unsigned int i;

	if (!pc)
		return;
	if (pc->io_thread_started) {
		if (write(pc->stop_fd, &one, sizeof(one)) == sizeof(one))
			pthread_join(pc->io_thread, NULL);
	}
	if (pc->raw_tty)
		tcsetattr(pc->in_fd, TCSANOW, &pc->saved_tty);
	/* The descriptor is shared with the shell that started us. */
	if (pc->in_fd >= 0 && pc->in_flags >= 0)
		fcntl(pc->in_fd, F_SETFL, pc->in_flags);
	for (i = 0; i < PORT_COUNT; i++)
		vmctl_vm_pio_unregister(pc->vm, port_ranges[i].base);
	close(pc->epoll_fd);
	close(pc->stop_fd);
	vmctl_misc_destroy(pc->misc);
	vmctl_uart_destroy(pc->uart);
	vmctl_rtc_destroy(pc->rtc);
	vmctl_pit_destroy(pc->pit);
	vmctl_irq_destroy(pc->irq);
	pthread_cond_destroy(&pc->wake);
	pthread_mutex_destroy(&pc->lock);
	free(pc);
}

VMCTL_EXPORT struct vmctl_irq *vmctl_pc_irq(struct vmctl_pc *pc)
{
	return pc ? pc->irq : NULL;
}

/* Offers a pending interrupt to the inject hook.  Called with the lock. */
static int offer_interrupt(struct vmctl_pc *pc)
{
	if (!vmctl_irq_pending(pc->irq) || !pc->inject)
		return 0;
	return pc->inject(pc->vcpu, pc->irq, pc->inject_opaque);
}

VMCTL_EXPORT int vmctl_pc_run(struct vmctl_pc *pc, struct vmctl_exit *exit,
			      enum vmctl_pc_stop *stop)
{
	struct vmctl_regs regs;
	int err;

	if (!pc || !exit || !stop)
		return -EINVAL;
	for (;;) {
		pthread_mutex_lock(&pc->lock);
		err = offer_interrupt(pc);
		pthread_mutex_unlock(&pc->lock);
		if (err < 0)
			return err;

		err = vmctl_vcpu_run_loop(pc->vcpu, exit);
		pthread_mutex_lock(&pc->lock);
		if (pc->quit) {
			pthread_mutex_unlock(&pc->lock);
			*stop = VMCTL_PC_QUIT;
			return 0;
		}
		if (vmctl_misc_reset_requested(pc->misc) != VMCTL_RESET_NONE) {
			pthread_mutex_unlock(&pc->lock);
			*stop = VMCTL_PC_RESET;
			return 0;
		}
		pthread_mutex_unlock(&pc->lock);
		if (err == -EINTR)
			continue;	/* a kick: INTR rose, or a signal */
		if (err)
			return err;

		switch (exit->reason) {
		case LIBVMCTL_EXIT_UNHANDLED_IO:
			continue;	/* absent port: reads all ones, writes vanish */
		case VMCTL_EXIT_IRQ_WINDOW_OPEN:
			/* The hook asks again if INTR is still high. */
			vmctl_vcpu_request_irq_window(pc->vcpu, false);
			continue;
		case VMCTL_EXIT_HLT:
			err = vmctl_vcpu_get_regs(pc->vcpu, &regs);
			if (err)
				return err;
			/* HLT with interrupts off is how Linux halts for good. */
			if (!(regs.rflags & X86_EFLAGS_IF)) {
				*stop = VMCTL_PC_HALTED;
				return 0;
			}
			pthread_mutex_lock(&pc->lock);
			if (!pc->inject) {
				pthread_mutex_unlock(&pc->lock);
				*stop = VMCTL_PC_NO_INJECT;
				return 0;
			}
			/* Idle: sleep until an interrupt is due (no host CPU spent). */
			while (!vmctl_irq_pending(pc->irq) && !pc->quit)
				pthread_cond_wait(&pc->wake, &pc->lock);
			pthread_mutex_unlock(&pc->lock);
			continue;
		default:
			*stop = VMCTL_PC_GUEST_STOPPED;
			return 0;
		}
	}
}
