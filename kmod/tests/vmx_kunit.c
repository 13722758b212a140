// SPDX-License-Identifier: GPL-2.0
/*
 * The VT-x backend's KUnit suites live beside the code they test, under
 * kmod/vmx/, so that arch-specific code stays in its backend folder; this
 * file only puts them into vmctl_kunit.ko.
 */
#include "../vmx/vmx_kunit.c"
