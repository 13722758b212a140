// SPDX-License-Identifier: GPL-2.0
/*
 * vmtop: will be the top-like monitor of per-VM statistics (over generic
 * netlink).  Until its own issue lands it only shows what the module offers,
 * so that the ncurses build and packaging are exercised from the start.
 */
#include <curses.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <vmctl/libvmctl.h>

static void describe(char *buf, size_t len)
{
	struct vmctl_caps caps;
	struct vmctl_sys *sys;
	size_t n;
	int err, bit;

	err = vmctl_sys_open(&sys);
	if (err) {
		snprintf(buf, len, "module: %s", vmctl_strerror_call("vmctl_sys_open", err));
		return;
	}
	err = vmctl_sys_get_caps(sys, &caps);
	vmctl_sys_close(sys);
	if (err) {
		snprintf(buf, len, "module: %s", vmctl_strerror_call("vmctl_sys_get_caps", err));
		return;
	}
	caps.backend_name[sizeof(caps.backend_name) - 1] = '\0';
	n = snprintf(buf, len, "module: API %u, backend %s, features:", caps.api_version,
		     caps.backend_name);
	for (bit = 0; bit < 64 && n < len; bit++) {
		const char *name = vmctl_cap_name(1ULL << bit);

		if ((caps.features & (1ULL << bit)) && name)
			n += snprintf(buf + n, len - n, " %s", name);
	}
}

int main(int argc, char **argv)
{
	static const char notice[] = "vmtop: per-VM statistics are not implemented yet";
	char line[512];

	if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		printf("usage: vmtop\n%s; this stub shows the module's capabilities.\n",
		       notice);
		return 0;
	}
	describe(line, sizeof(line));

	/* Without a terminal (scripts, CI) a screen makes no sense: print. */
	if (!isatty(STDOUT_FILENO) || !isatty(STDIN_FILENO)) {
		printf("%s\n%s\n", notice, line);
		return 0;
	}
	initscr();
	cbreak();
	noecho();
	mvprintw(0, 0, "%s", notice);
	mvprintw(2, 0, "%s", line);
	mvprintw(4, 0, "press any key to quit");
	refresh();
	getch();
	endwin();
	return 0;
}
