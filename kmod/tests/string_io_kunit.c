// SPDX-License-Identifier: GPL-2.0
/* The string I/O batch arithmetic's KUnit suite lives beside its code, in kmod/vmx/. */
#include "../vmx/string_io_kunit.c"
