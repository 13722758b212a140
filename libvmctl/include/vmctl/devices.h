/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libvmctl's PC device models: what a stock Linux kernel without a local
 * APIC needs (`nolapic noapic acpi=off pci=off`).  Each device is usable on
 * its own: create it, drive its registers with its _io() function (or
 * register its _pio() handler with vmctl_vm_pio_register()), and it raises
 * interrupt lines on a struct vmctl_irq.  struct vmctl_pc wires them all to
 * a VM.
 *
 * Interrupts go through one place, struct vmctl_irq: devices set lines,
 * the i8259 pair behind it computes the pending vector, and one hook (set
 * by whoever runs the vCPU) is told when the CPU's INTR input rises; the
 * vCPU then takes the vector with vmctl_irq_acknowledge() (the INTA
 * cycle).  A local APIC can later sit between the two.
 *
 * The devices do no locking: a caller using them from several threads
 * serialises every call (struct vmctl_pc holds one mutex around them all).
 * Errors are negative errnos, as in libvmctl.h.
 */
#ifndef LIBVMCTL_DEVICES_H
#define LIBVMCTL_DEVICES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <vmctl/libvmctl.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A clock in nanoseconds; NULL everywhere means CLOCK_MONOTONIC. */
typedef uint64_t (*vmctl_clock_t)(void *opaque);

/* ---- Interrupt routing and the i8259 pair (0x20, 0xa0, ELCR 0x4d0) ---- */

struct vmctl_irq;

#define VMCTL_IRQ_LINES		16

/*
 * Called when the interrupt controller's INTR output rises (a vector has
 * become deliverable), from whichever thread changed a line.  It should
 * make the vCPU look: vmctl_vcpu_request_exit() or the events interface.
 */
typedef void (*vmctl_irq_notify_t)(void *opaque);

/* Creates the router with its master and slave 8259 (cascade on IRQ 2).
 * Errors: -ENOMEM; -EINVAL irqp is NULL. */
int vmctl_irq_create(struct vmctl_irq **irqp);
void vmctl_irq_destroy(struct vmctl_irq *irq);

/* Sets the hook (NULL: none). */
void vmctl_irq_set_notify(struct vmctl_irq *irq, vmctl_irq_notify_t notify, void *opaque);

/* Drives ISA line 0-15 high or low (edge lines latch on the rising edge,
 * ELCR level lines follow).  Lines out of range are ignored. */
void vmctl_irq_set_line(struct vmctl_irq *irq, unsigned int line, bool high);

/* A rising then a falling edge: one interrupt on an edge-triggered line. */
void vmctl_irq_pulse(struct vmctl_irq *irq, unsigned int line);

/* Is INTR asserted (an unmasked request of higher priority than the one in
 * service)? */
bool vmctl_irq_pending(struct vmctl_irq *irq);

/*
 * The INTA cycle: returns the vector of the highest-priority request and
 * moves it to in-service (unless auto-EOI).  Without a request it returns
 * the spurious vector (IRQ 7's of the master, or IRQ 15's when the slave's
 * request vanished), as the hardware does.
 */
uint8_t vmctl_irq_acknowledge(struct vmctl_irq *irq);

/* Port I/O on 0x20-0x21, 0xa0-0xa1, 0x4d0-0x4d1 (one byte). */
uint8_t vmctl_irq_io(struct vmctl_irq *irq, uint16_t port, uint8_t value, bool is_write);
int vmctl_irq_pio(struct vmctl_vcpu *vcpu, uint16_t port, uint32_t *data,
		  unsigned int size, bool is_write, void *opaque);

/* ---- i8254 PIT (0x40-0x43) with port 0x61 ---- */

struct vmctl_pit;

#define VMCTL_PIT_HZ		1193182ULL

/* Errors: -ENOMEM; -EMFILE no timerfd; -EINVAL irq or pitp is NULL. */
int vmctl_pit_create(struct vmctl_irq *irq, vmctl_clock_t clock, void *clock_opaque,
		     struct vmctl_pit **pitp);
void vmctl_pit_destroy(struct vmctl_pit *pit);

/* Port I/O on 0x40-0x43 and 0x61 (one byte). */
uint8_t vmctl_pit_io(struct vmctl_pit *pit, uint16_t port, uint8_t value, bool is_write);
int vmctl_pit_pio(struct vmctl_vcpu *vcpu, uint16_t port, uint32_t *data,
		  unsigned int size, bool is_write, void *opaque);

/*
 * A timerfd (CLOCK_MONOTONIC) that becomes readable when channel 0's next
 * interrupt is due; then call vmctl_pit_service().  Disarmed while none is.
 */
int vmctl_pit_timer_fd(struct vmctl_pit *pit);

/* Raises IRQ 0 if an interrupt of channel 0 is due (periods missed while
 * nobody looked give one interrupt) and re-arms the timer.  Returns the
 * number of interrupts raised (0 or 1). */
int vmctl_pit_service(struct vmctl_pit *pit);

/* Clock time (ns) of channel 0's next interrupt, 0 if none is due. */
uint64_t vmctl_pit_next_deadline(struct vmctl_pit *pit);

/* ---- CMOS and MC146818 RTC (0x70-0x71) ---- */

struct vmctl_rtc;

/*
 * The RTC shows the host's UTC time (realtime clock; NULL means
 * CLOCK_REALTIME) plus whatever the guest sets.  Errors: -ENOMEM;
 * -EINVAL rtcp is NULL.
 */
int vmctl_rtc_create(vmctl_clock_t realtime, void *opaque, struct vmctl_rtc **rtcp);
void vmctl_rtc_destroy(struct vmctl_rtc *rtc);
uint8_t vmctl_rtc_io(struct vmctl_rtc *rtc, uint16_t port, uint8_t value, bool is_write);
int vmctl_rtc_pio(struct vmctl_vcpu *vcpu, uint16_t port, uint32_t *data,
		  unsigned int size, bool is_write, void *opaque);
/* Bit 7 of the last write to port 0x70: NMIs masked. */
bool vmctl_rtc_nmi_masked(struct vmctl_rtc *rtc);

/* ---- 16550A UART ---- */

struct vmctl_uart;

#define VMCTL_UART_COM1		0x3f8
#define VMCTL_UART_COM1_IRQ	4
#define VMCTL_UART_FIFO		16

/* Called for each byte the guest transmits (not in loopback). */
typedef void (*vmctl_uart_tx_t)(void *opaque, uint8_t byte);

/* Errors: -ENOMEM; -EINVAL a NULL argument or line >= 16. */
int vmctl_uart_create(struct vmctl_irq *irq, unsigned int line, uint16_t base,
		      vmctl_uart_tx_t tx, void *tx_opaque, struct vmctl_uart **uartp);
void vmctl_uart_destroy(struct vmctl_uart *uart);
/* offset 0-7 from the base port. */
uint8_t vmctl_uart_io(struct vmctl_uart *uart, unsigned int offset, uint8_t value, bool is_write);
int vmctl_uart_pio(struct vmctl_vcpu *vcpu, uint16_t port, uint32_t *data,
		   unsigned int size, bool is_write, void *opaque);
/* Puts received bytes in the RX FIFO; returns how many fit (the rest
 * should wait: a host never overruns the guest). */
size_t vmctl_uart_receive(struct vmctl_uart *uart, const uint8_t *buf, size_t len);
/* Room in the RX FIFO. */
size_t vmctl_uart_rx_room(struct vmctl_uart *uart);

/* ---- The rest of a PC: port 0x80, resets, the keyboard controller ---- */

struct vmctl_misc;

enum vmctl_reset_source { VMCTL_RESET_NONE, VMCTL_RESET_CF9, VMCTL_RESET_KBC };

/* Errors: -ENOMEM; -EINVAL miscp is NULL. */
int vmctl_misc_create(struct vmctl_misc **miscp);
void vmctl_misc_destroy(struct vmctl_misc *misc);
uint8_t vmctl_misc_io(struct vmctl_misc *misc, uint16_t port, uint8_t value, bool is_write);
int vmctl_misc_pio(struct vmctl_vcpu *vcpu, uint16_t port, uint32_t *data,
		   unsigned int size, bool is_write, void *opaque);
/* Which reset the guest asked for, if any. */
enum vmctl_reset_source vmctl_misc_reset_requested(struct vmctl_misc *misc);
/* The last POST code written to port 0x80. */
uint8_t vmctl_misc_post_code(struct vmctl_misc *misc);

/* ---- The board: all of the above on one VM with one vCPU ---- */

struct vmctl_pc;

/*
 * Delivers the pending interrupt to the vCPU: called between runs while
 * INTR is high, with the devices' lock held; when the vCPU can take it
 * (IF set, no interrupt shadow) it calls vmctl_irq_acknowledge(irq) and
 * injects the vector (the module's events interface), else it asks for an
 * interrupt window.  Returns 0, or a negative errno that ends
 * vmctl_pc_run().
 */
typedef int (*vmctl_pc_inject_t)(struct vmctl_vcpu *vcpu, struct vmctl_irq *irq, void *opaque);

/* Why vmctl_pc_run() returned 0. */
enum vmctl_pc_stop {
	VMCTL_PC_HALTED,	/* HLT with interrupts off: Linux's halt and power-off */
	VMCTL_PC_RESET,		/* reset through 0xcf9 or the keyboard controller */
	VMCTL_PC_QUIT,		/* the user typed Ctrl-A x on the console */
	VMCTL_PC_NO_INJECT,	/* idle HLT, but no inject hook to wake the guest with */
	VMCTL_PC_GUEST_STOPPED,	/* any other exit (shutdown, entry failure, ...): see exit */
};

/*
 * Registers the PIC pair and ELCR, PIT with port 0x61, RTC, COM1 (IRQ 4),
 * port 0x80, 0xcf9 and the keyboard controller on vm, and starts a thread
 * for the PIT's timer and the console.  COM1 writes to out_fd and reads
 * in_fd (-1: none); a terminal in_fd is put in raw mode until
 * vmctl_pc_destroy(), with Ctrl-A x to quit.  Errors: -EEXIST one of the
 * ports is already registered; -ENOMEM; -EMFILE; -EINVAL a NULL argument.
 */
int vmctl_pc_create(struct vmctl_vm *vm, struct vmctl_vcpu *vcpu, int in_fd, int out_fd,
		    struct vmctl_pc **pcp);

/* Stops the thread, restores the terminal, unregisters the ports. */
void vmctl_pc_destroy(struct vmctl_pc *pc);

/* Sets the hook that delivers interrupts (NULL: none). */
void vmctl_pc_set_inject(struct vmctl_pc *pc, vmctl_pc_inject_t inject, void *opaque);

/* The interrupt router, for more devices. */
struct vmctl_irq *vmctl_pc_irq(struct vmctl_pc *pc);

/*
 * Runs the vCPU with the devices until the guest halts, resets, the user
 * quits, or an exit the board does not handle; absent ports read all ones.
 * Returns 0 with *stop (and *exit for VMCTL_PC_GUEST_STOPPED) set.
 * Errors: as vmctl_vcpu_run_loop(), and the inject hook's.
 */
int vmctl_pc_run(struct vmctl_pc *pc, struct vmctl_exit *exit, enum vmctl_pc_stop *stop);

#ifdef __cplusplus
}
#endif

#endif /* LIBVMCTL_DEVICES_H */
