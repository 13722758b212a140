// SPDX-License-Identifier: GPL-2.0
/* The MSR policy's KUnit suite lives beside its code, in kmod/vmx/. */
#include "../vmx/msr_kunit.c"
