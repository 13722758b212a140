// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * struct vmctl_pc without a kernel: a VM and vCPU made by hand (no fds),
 * the board's ports reached through the VM's port map as the run loop
 * reaches them, a pipe as the console.  Checks the ports registered, COM1
 * to and from the pipes through the board's thread, the PIT's timerfd
 * raising IRQ 0 and kicking the vCPU, a full RX FIFO neither losing input
 * nor spinning, and that destroy gives everything back.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "tap.h"
#include "internal.h"
#include "vmctl/devices.h"

static struct vmctl_vm *vm;
static struct vmctl_vcpu *vcpu;

static uint32_t pio(uint16_t port, uint32_t value, bool is_write)
{
	const struct range *r = range_map_lookup(&vm->pio, port);
	uint32_t data = is_write ? value : 0xffffffff;

	if (!r)
		return 0xffffffff;
	r->handler.pio(vcpu, port, &data, 1, is_write, r->opaque);
	return is_write ? 0 : data & 0xff;
}

static uint64_t cpu_us(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000ULL +
	       ru.ru_utime.tv_usec + ru.ru_stime.tv_usec;
}

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Waits up to ms for COM1's LSR.DR. */
static bool rx_ready(unsigned int ms)
{
	unsigned int i;

	for (i = 0; i < ms; i++) {
		if (pio(0x3fd, 0, false) & 0x01)
			return true;
		sleep_ms(1);
	}
	return false;
}

int main(void)
{
	static const uint16_t ports[] = { 0x20, 0x21, 0xa0, 0xa1, 0x4d0, 0x4d1, 0x40, 0x43, 0x61,
					  0x70, 0x71, 0x3f8, 0x3ff, 0x80, 0x60, 0x64, 0xcf9 };
	int in[2], out[2], flags, ok;
	struct vmctl_pc *pc, *again;
	unsigned int i, got;
	char buf[64];
	uint64_t before;
	ssize_t n;

	tap_plan(16);
	vm = calloc(1, sizeof(*vm));
	vcpu = calloc(1, sizeof(*vcpu));
	if (!vm || !vcpu || pipe(in) || pipe(out))
		tap_bail("setup failed");
	vm->fd = -1;
	range_map_init(&vm->pio);
	pthread_rwlock_init(&vm->pio_lock, NULL);
	vcpu->vm = vm;
	vcpu->fd = -1;
	vcpu->run = calloc(1, sizeof(*vcpu->run));
	if (!vcpu->run)
		tap_bail("out of memory");
	flags = fcntl(in[0], F_GETFL);

	tap_ok(vmctl_pc_create(NULL, vcpu, -1, -1, &pc) == -EINVAL, "no VM: -EINVAL");
	tap_ok(vmctl_pc_create(vm, vcpu, in[0], out[1], &pc) == 0, "board created");
	ok = 1;
	for (i = 0; i < sizeof(ports) / sizeof(ports[0]); i++)
		ok &= range_map_lookup(&vm->pio, ports[i]) != NULL;
	tap_ok(ok, "PIC, ELCR, PIT, port 0x61, RTC, COM1, 0x80, KBC and 0xcf9 registered");
	tap_ok(!range_map_lookup(&vm->pio, 0x2f8) && !range_map_lookup(&vm->pio, 0xcf8),
	       "COM2 and PCI's 0xcf8 left absent");
	tap_ok(vmctl_pc_create(vm, vcpu, -1, -1, &again) == -EEXIST, "a second board: -EEXIST");

	/* COM1 out: 8N1, as the guest's driver sets it. */
	pio(0x3fb, 0x03, true);
	pio(0x3f8, 'H', true);
	pio(0x3f8, 'i', true);
	n = read(out[0], buf, sizeof(buf));
	tap_ok(n == 2 && !memcmp(buf, "Hi", 2), "bytes written to COM1 reach the output");

	/* COM1 in, and its interrupt through the PIC. */
	pio(0x20, 0x11, true);
	pio(0x21, 0x30, true);
	pio(0x21, 0x04, true);
	pio(0x21, 0x01, true);
	pio(0x21, 0xee, true);			/* IRQ 0 and 4 open */
	pio(0x3fc, 0x0b, true);			/* DTR, RTS, OUT2 */
	pio(0x3f9, 0x01, true);			/* IER: received data */
	if (write(in[1], "ab", 2) != 2)
		tap_bail("write failed");
	ok = rx_ready(1000) && pio(0x3f8, 0, false) == 'a';
	/* Without the FIFO the UART holds one byte: the next comes after. */
	ok &= rx_ready(1000) && pio(0x3f8, 0, false) == 'b';
	tap_ok(ok, "input reaches COM1's receiver, byte by byte without the FIFO");
	tap_ok(vmctl_irq_pending(vmctl_pc_irq(pc)) && vmctl_irq_acknowledge(vmctl_pc_irq(pc)) == 0x34,
	       "and raised IRQ 4 (vector 0x34)");
	/* A kick, which also wakes a vCPU halted in the kernel. */
	tap_ok(__atomic_load_n(&vcpu->kicked, __ATOMIC_SEQ_CST), "INTR rising kicked the vCPU");
	pio(0x20, 0x20, true);
	pio(0x3f9, 0x00, true);
	vcpu->kicked = false;

	/* The PIT's timer through the board's thread. */
	pio(0x43, 0x30, true);
	pio(0x40, 1193 & 0xff, true);
	pio(0x40, 1193 >> 8, true);		/* 1 ms, one-shot */
	for (i = 0; i < 1000 && !vmctl_irq_pending(vmctl_pc_irq(pc)); i++)
		sleep_ms(1);
	tap_ok(vmctl_irq_pending(vmctl_pc_irq(pc)) && vmctl_irq_acknowledge(vmctl_pc_irq(pc)) == 0x30,
	       "a 1 ms one-shot raised IRQ 0 (after %u ms)", i);
	tap_ok(__atomic_load_n(&vcpu->kicked, __ATOMIC_SEQ_CST), "and kicked the vCPU");
	pio(0x20, 0x20, true);

	/* 40 bytes into a 16-byte FIFO: none lost, no spinning while full. */
	pio(0x3fa, 0x07, true);
	for (i = 0; i < 40; i++)
		buf[i] = 'A' + i;
	if (write(in[1], buf, 40) != 40)
		tap_bail("write failed");
	sleep_ms(100);
	before = cpu_us();
	sleep_ms(300);
	tap_ok(cpu_us() - before < 30000, "FIFO full for 300 ms: %llu us of CPU",
	       (unsigned long long)(cpu_us() - before));
	ok = 1;
	for (got = 0; got < 40 && rx_ready(1000); got++)
		ok &= pio(0x3f8, 0, false) == 'A' + got;
	tap_ok(ok && got == 40, "all 40 bytes arrive in order (%u)", got);
	before = cpu_us();
	sleep_ms(300);
	tap_ok(cpu_us() - before < 10000, "idle for 300 ms: %llu us of CPU",
	       (unsigned long long)(cpu_us() - before));

	vmctl_pc_destroy(pc);
	tap_ok(!range_map_lookup(&vm->pio, 0x20) && !range_map_lookup(&vm->pio, 0x3f8),
	       "destroy unregisters the ports");
	tap_ok(fcntl(in[0], F_GETFL) == flags, "and gives the input its flags back");
	vmctl_pc_destroy(NULL);

	range_map_free(&vm->pio);
	pthread_rwlock_destroy(&vm->pio_lock);
	free(vcpu->run);
	free(vcpu);
	free(vm);
	close(in[0]);
	close(in[1]);
	close(out[0]);
	close(out[1]);
	return tap_finish();
}
