// SPDX-License-Identifier: GPL-2.0
/*
 * linux_console: drives a Linux guest's serial console through a pty, as a
 * person at a terminal would, and reports what it saw as TAP.
 *
 *   linux_console [--name NAME] [--release R] [--checks LIST] [--idle S]
 *                 [--timeout S] [--at-init CMD] [--log FILE] -- PROGRAM ARGS...
 *
 * PROGRAM (vmctl run --kernel ..., or QEMU with -nographic) gets the pty's
 * slave as its terminal, so it runs exactly as in an interactive session.
 * The guest's /init is testbed/guest-kernel/init without a command: it
 * prints "vmctl-guest: /init at ..." and starts a shell on the console.
 * LIST is a comma-separated subset of
 *   echo    a line typed into the pty comes back (the guest tty's echo) and
 *           the shell runs it
 *   uname   `uname -r` prints R (--release)
 *   sum     the guest's shell computes 1234 * 5678 + 9
 *   clock   the guest's uptime advances at the rate of this machine's
 *           CLOCK_MONOTONIC within 1% (over the idle period and the rest)
 *   idle    PROGRAM uses under 5% of a CPU while the shell waits for input
 *   reboot  `reboot -f` ends PROGRAM with status 0
 * (default: all).  Reaching /init and a prompt are always checked.  The
 * clock rate and idle CPU are measured and printed whenever --idle is not
 * 0, checked only when listed.  --at-init runs CMD (sh -c) the moment /init
 * speaks, its output printed as diagnostics: the exit counts of the boot.
 * Exit status 0 only if every check passed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "tap.h"

#define INIT_LINE "vmctl-guest: /init at "

enum check {
	CHECK_ECHO = 1 << 0,
	CHECK_UNAME = 1 << 1,
	CHECK_SUM = 1 << 2,
	CHECK_CLOCK = 1 << 3,
	CHECK_IDLE = 1 << 4,
	CHECK_REBOOT = 1 << 5,
};

static const struct {
	const char *name;
	enum check bit;
} check_names[] = {
	{ "echo", CHECK_ECHO }, { "uname", CHECK_UNAME }, { "sum", CHECK_SUM },
	{ "clock", CHECK_CLOCK }, { "idle", CHECK_IDLE }, { "reboot", CHECK_REBOOT },
};

static int master_fd = -1;
static pid_t child;
static bool child_done;
static int child_status;
static FILE *log_file;
/* Everything the guest printed, carriage returns dropped. */
static char *out;
static size_t out_len, out_cap;
static const char *name = "guest";
static bool gave_up;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void append_output(const char *buf, size_t len)
{
	size_t i;

	if (log_file) {
		fwrite(buf, 1, len, log_file);
		fflush(log_file);
	}
	if (out_len + len + 1 > out_cap) {
		out_cap = (out_len + len + 1) * 2;
		out = realloc(out, out_cap);
		if (!out)
			tap_bail("out of memory");
	}
	for (i = 0; i < len; i++)
		if (buf[i] != '\r')
			out[out_len++] = buf[i];
	out[out_len] = '\0';
}

static void reap_child(bool block)
{
	int status;

	if (child_done)
		return;
	if (waitpid(child, &status, block ? 0 : WNOHANG) == child) {
		child_done = true;
		child_status = status;
	}
}

/* Reads what the guest printed for up to @timeout seconds; false on EOF. */
static bool pump(double timeout)
{
	struct pollfd pfd = { .fd = master_fd, .events = POLLIN };
	char buf[4096];
	ssize_t n;
	int ms = timeout > 0 ? (int)(timeout * 1000) : 0;

	if (poll(&pfd, 1, ms) <= 0)
		return true;
	n = read(master_fd, buf, sizeof(buf));
	if (n > 0) {
		append_output(buf, n);
		return true;
	}
	/* EIO: every slave descriptor is closed, PROGRAM has gone. */
	return n < 0 && errno == EINTR;
}

/*
 * Waits until @needle appears in the output at or after @from; returns its
 * offset, or -1 when @timeout seconds pass or PROGRAM ends first.
 */
static long wait_for(const char *needle, size_t from, double timeout)
{
	double deadline = now() + timeout;
	char *hit;

	for (;;) {
		if (out && from <= out_len && (hit = strstr(out + from, needle)))
			return hit - out;
		/*
		 * After one wait in vain the console is dead or deaf: the
		 * checks after it fail at once rather than each wait out its
		 * timeout (minutes in Bochs).
		 */
		if (gave_up || now() >= deadline || !pump(deadline - now())) {
			if (!(out && from <= out_len && strstr(out + from, needle))) {
				gave_up = true;
				return -1;
			}
		}
	}
}

/* Types @line and Enter; returns the time Enter was sent. */
static double type_line(const char *line)
{
	size_t len = strlen(line);
	double sent;
	size_t i;

	/*
	 * One byte at a time with a pause, as a typist: a UART model's receive
	 * FIFO is 16 bytes, and a guest that is slow to drain it must not lose
	 * characters a person would not have lost.
	 */
	for (i = 0; i < len; i++) {
		if (write(master_fd, line + i, 1) != 1)
			tap_bail("cannot write to the pty: %s", strerror(errno));
		pump(0.02);
	}
	sent = now();
	if (write(master_fd, "\r", 1) != 1)
		tap_bail("cannot write to the pty: %s", strerror(errno));
	return sent;
}

/*
 * Waits for the shell's next prompt after @from, and a little more: busybox
 * sh asks the terminal for the cursor position as it prints the prompt, and
 * keys typed into that exchange can be taken for the answer.
 */
static bool wait_prompt(size_t from, double timeout)
{
	if (wait_for("# ", from, timeout) < 0)
		return false;
	pump(0.3);
	return true;
}

/*
 * Types @line and waits for the line of output that starts with @reply
 * (after the echo of the typed line, which must not contain @reply at a
 * line start); returns the offset of the reply's first byte, or -1.
 */
static long ask(const char *line, const char *reply, double timeout)
{
	char *needle;
	size_t mark = out_len;
	long at;

	if (asprintf(&needle, "\n%s", reply) < 0)
		tap_bail("out of memory");
	type_line(line);
	at = wait_for(needle, mark, timeout);
	free(needle);
	if (at >= 0)
		wait_prompt(at, timeout);
	return at < 0 ? -1 : at + 1;
}

/* Guest uptime from "up=SECONDS ..." and the host time it was read. */
static bool sample_uptime(double *guest, double *host, double timeout)
{
	size_t mark = out_len;
	double sent, got;
	long at;

	sent = type_line("echo up=$(cat /proc/uptime)");
	at = wait_for("\nup=", mark, timeout);
	if (at < 0 || wait_for("\n", at + 1, timeout) < 0)
		return false;
	got = now();
	/* The guest read its clock somewhere between the two. */
	*host = (sent + got) / 2;
	*guest = strtod(out + at + 4, NULL);
	tap_diag("%s: uptime sample %.3f s (round trip %.3f s)", name, *guest, got - sent);
	wait_prompt(at, timeout);
	return true;
}

/* utime + stime of PROGRAM in seconds, from /proc/PID/stat. */
static double cpu_seconds(void)
{
	unsigned long utime, stime;
	char path[64], buf[1024], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)child);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	/* Fields 14 and 15, counted after the ")" that ends the command name. */
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu",
			 &utime, &stime) != 2)
		return -1;
	return (double)(utime + stime) / sysconf(_SC_CLK_TCK);
}

static void dump_tail(void)
{
	size_t start = out_len > 3000 ? out_len - 3000 : 0;
	char *line, *save = NULL;

	tap_diag("%s: last console output:", name);
	for (line = strtok_r(out + start, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		tap_diag("  %s", line);
}

static void usage(void)
{
	fprintf(stderr, "usage: linux_console [--name NAME] [--release R] [--checks LIST] "
		"[--idle S] [--timeout S] [--at-init CMD] [--log FILE] -- PROGRAM ARGS...\n");
	exit(2);
}

static unsigned int parse_checks(const char *list)
{
	char *copy = strdup(list), *tok, *save = NULL;
	unsigned int mask = 0;
	size_t i;

	if (!copy)
		tap_bail("out of memory");
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < sizeof(check_names) / sizeof(check_names[0]); i++)
			if (!strcmp(tok, check_names[i].name))
				break;
		if (i == sizeof(check_names) / sizeof(check_names[0])) {
			fprintf(stderr, "linux_console: unknown check '%s'\n", tok);
			exit(2);
		}
		mask |= check_names[i].bit;
	}
	free(copy);
	return mask;
}

int main(int argc, char **argv)
{
	unsigned int checks = ~0u;
	const char *release = NULL, *at_init = NULL;
	double timeout = 600, idle = 10, t0, t_init, t_prompt;
	double g1 = 0, h1 = 0, g2 = 0, h2 = 0, cpu0 = -1, cpu1 = -1, idle_t0 = 0, idle_t1 = 0;
	bool have_clock = false, prompt;
	struct winsize ws = { .ws_row = 24, .ws_col = 80 };
	int i, plan = 2, bits;
	long at;

	for (i = 1; i < argc && strcmp(argv[i], "--"); i++) {
		if (i + 1 >= argc)
			usage();
		if (!strcmp(argv[i], "--name"))
			name = argv[++i];
		else if (!strcmp(argv[i], "--release"))
			release = argv[++i];
		else if (!strcmp(argv[i], "--checks"))
			checks = parse_checks(argv[++i]);
		else if (!strcmp(argv[i], "--idle"))
			idle = atof(argv[++i]);
		else if (!strcmp(argv[i], "--timeout"))
			timeout = atof(argv[++i]);
		else if (!strcmp(argv[i], "--at-init"))
			at_init = argv[++i];
		else if (!strcmp(argv[i], "--log")) {
			log_file = fopen(argv[++i], "w");
			if (!log_file)
				tap_bail("cannot create %s: %s", argv[i], strerror(errno));
		} else {
			usage();
		}
	}
	if (i + 1 >= argc)
		usage();
	if ((checks & CHECK_UNAME) && !release) {
		fprintf(stderr, "linux_console: the uname check needs --release\n");
		exit(2);
	}
	if ((checks & (CHECK_CLOCK | CHECK_IDLE)) && idle < 5) {
		fprintf(stderr, "linux_console: the clock and idle checks need --idle 5 or more\n");
		exit(2);
	}
	/* echo counts twice: the echo itself and the shell running the line. */
	for (bits = checks & 0x3f; bits; bits &= bits - 1)
		plan++;
	if (checks & CHECK_ECHO)
		plan++;
	tap_plan(plan);

	t0 = now();
	child = forkpty(&master_fd, NULL, NULL, &ws);
	if (child < 0)
		tap_bail("forkpty: %s", strerror(errno));
	if (child == 0) {
		struct termios t;

		/*
		 * The pty's line discipline must not echo by itself (a VMM
		 * that leaves the terminal cooked would get it): every echo
		 * the echo check sees must come from the guest.
		 */
		if (tcgetattr(STDIN_FILENO, &t) == 0) {
			t.c_lflag &= ~(ECHO | ECHONL);
			tcsetattr(STDIN_FILENO, TCSANOW, &t);
		}
		execvp(argv[i + 1], argv + i + 1);
		fprintf(stderr, "linux_console: cannot run %s: %s\n", argv[i + 1], strerror(errno));
		_exit(127);
	}
	tap_diag("%s: started pid %d: %s ...", name, (int)child, argv[i + 1]);

	at = wait_for(INIT_LINE, 0, timeout);
	t_init = now();
	tap_ok(at >= 0, "%s: the kernel boots to /init", name);
	if (at < 0)
		goto out;
	wait_for("\n", at, 10);
	tap_diag("%s: /init after %.2f s (host), at %.2f s guest uptime", name, t_init - t0,
		 strtod(out + at + strlen(INIT_LINE), NULL));
	if (at_init) {
		FILE *p = popen(at_init, "r");
		char line[512];

		while (p && fgets(line, sizeof(line), p)) {
			line[strcspn(line, "\n")] = '\0';
			tap_diag("%s: %s", name, line);
		}
		if (!p || pclose(p))
			tap_diag("%s: --at-init command failed", name);
	}

	/* busybox sh's prompt ends in "# " for root. */
	prompt = wait_prompt(at, 60);
	t_prompt = now();
	tap_ok(prompt, "%s: a shell prompt on the console (%.2f s after /init)", name,
	       t_prompt - t_init);
	if (!prompt)
		goto out;
	if (idle > 0)
		have_clock = sample_uptime(&g1, &h1, 60);

	if (checks & CHECK_ECHO) {
		size_t mark = out_len;

		/* The echo shows $((6 * 7)) as typed; only the shell makes it 42. */
		type_line("echo pty-$((6 * 7))-line");
		tap_ok(wait_for("echo pty-$((6 * 7))-line", mark, 60) >= 0,
		       "%s: a line typed into the pty is echoed back by the guest", name);
		at = wait_for("\npty-42-line\n", mark, 60);
		tap_ok(at >= 0, "%s: the guest's shell ran the typed line", name);
		if (at >= 0)
			wait_prompt(at, 60);
	}
	if (checks & CHECK_UNAME) {
		char *reply;

		if (asprintf(&reply, "%s\n", release) < 0)
			tap_bail("out of memory");
		tap_ok(ask("uname -r", reply, 60) >= 0, "%s: uname -r is %s", name, release);
		free(reply);
	}
	if (checks & CHECK_SUM)
		tap_ok(ask("echo sum=$((1234 * 5678 + 9))", "sum=7006661\n", 60) >= 0,
		       "%s: the guest computes 1234 * 5678 + 9 = 7006661", name);

	if (idle > 0 && !gave_up) {
		/* Let the echo of the last command settle, then only listen. */
		pump(1);
		cpu0 = cpu_seconds();
		idle_t0 = now();
		while (now() < idle_t0 + idle && pump(idle_t0 + idle - now()))
			;
		cpu1 = cpu_seconds();
		idle_t1 = now();
		have_clock = have_clock && sample_uptime(&g2, &h2, 60);
	}
	if (idle > 0 && cpu0 >= 0 && cpu1 >= 0)
		tap_diag("%s: idle shell: %.3f s of CPU in %.2f s (%.2f%% of a CPU)", name,
			 cpu1 - cpu0, idle_t1 - idle_t0, 100 * (cpu1 - cpu0) / (idle_t1 - idle_t0));
	if (checks & CHECK_IDLE)
		tap_ok(cpu0 >= 0 && cpu1 >= 0 && (cpu1 - cpu0) < 0.05 * (idle_t1 - idle_t0),
		       "%s: an idle guest shell uses under 5%% of a CPU", name);
	if (have_clock)
		tap_diag("%s: guest clock advanced %.3f s in %.3f s of host time (rate %.4f)",
			 name, g2 - g1, h2 - h1, (g2 - g1) / (h2 - h1));
	if (checks & CHECK_CLOCK)
		tap_ok(have_clock && h2 - h1 > 0 && (g2 - g1) / (h2 - h1) > 0.99 &&
		       (g2 - g1) / (h2 - h1) < 1.01,
		       "%s: the guest clock runs at the host's rate within 1%%", name);

	if (checks & CHECK_REBOOT) {
		double deadline;

		type_line("reboot -f");
		deadline = now() + (gave_up ? 0 : 120);
		while (now() < deadline && pump(deadline - now()))
			;
		/* The pty closes when PROGRAM exits; give it a moment to be reaped. */
		for (reap_child(false); !child_done && now() < deadline; reap_child(false))
			usleep(100000);
		tap_ok(child_done && WIFEXITED(child_status) && WEXITSTATUS(child_status) == 0,
		       "%s: reboot -f ends the VMM with status 0 (%s %d)", name,
		       !child_done ? "still running" :
		       WIFEXITED(child_status) ? "status" : "signal",
		       !child_done ? 0 : WIFEXITED(child_status) ? WEXITSTATUS(child_status) :
		       WTERMSIG(child_status));
	}
out:
	if (tap_failures)
		dump_tail();
	reap_child(false);
	if (!child_done) {
		kill(child, SIGKILL);
		reap_child(true);
	}
	return tap_finish();
}
