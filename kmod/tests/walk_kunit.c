// SPDX-License-Identifier: GPL-2.0
/* The guest page walker's KUnit suite lives beside its code, in kmod/vmx/. */
#include "../vmx/walk_kunit.c"
