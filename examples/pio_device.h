/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Ports shared by pio_device.c and its guest. */
#define SERIAL_PORT	0x3f8	/* bytes written are printed by the host */
#define SQUARE_IN	0x510	/* OUT16: a number to square */
#define SQUARE_OUT	0x512	/* IN16: the square of the last number */
#define RESULT_PORT	0x514	/* OUT16: a result for the host to print */
