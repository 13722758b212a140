// SPDX-License-Identifier: GPL-2.0
/* The CPUID table rules' KUnit suite lives beside its code, in kmod/vmx/. */
#include "../vmx/cpuid_kunit.c"
