// SPDX-License-Identifier: GPL-2.0
/* The host-state decisions' KUnit suite lives beside its code, in kmod/vmx/. */
#include "../vmx/spec_kunit.c"
