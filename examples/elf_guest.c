// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A freestanding 32-bit C guest, linked as an ELF executable at 1 MiB
 * (see the Makefile) and started by elf_loader.c in protected mode with
 * paging off.  It prints through the serial port, computes Fibonacci
 * numbers and reports the 24th with a ucall of <vmctl/ucall.h>.
 */
#include <vmctl/ucall.h>

#define SERIAL_PORT	0x3f8

static unsigned int counter;	/* in .bss: the loader must zero it */

static void outb(unsigned short port, unsigned char value)
{
	__asm__ __volatile__("outb %0, %1" : : "a"(value), "Nd"(port));
}

static void puts_serial(const char *s)
{
	while (*s)
		outb(SERIAL_PORT, *s++);
}

static unsigned int fib(unsigned int n)
{
	unsigned int a = 0, b = 1, t;

	while (n--) {
		t = a + b;
		a = b;
		b = t;
		counter++;
	}
	return a;
}

void _start(void)
{
	puts_serial("Hello from a 32-bit ELF guest!\n");
	if (counter != 0)	/* .bss was not zeroed */
		vmctl_guest_ucall(VMCTL_UCALL_ABORT, __LINE__);
	vmctl_guest_ucall(VMCTL_UCALL_REPORT, fib(24));
	vmctl_guest_ucall(VMCTL_UCALL_DONE, counter);
	for (;;)
		__asm__ __volatile__("hlt");
}
