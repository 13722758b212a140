// SPDX-License-Identifier: GPL-2.0
/* The state blob's KUnit suite lives beside its code, in kmod/vmx/. */
#include "../vmx/state_kunit.c"
