// SPDX-License-Identifier: GPL-2.0
/* The event-injection decisions' KUnit suite lives beside its code, in kmod/vmx/. */
#include "../vmx/events_kunit.c"
