// SPDX-License-Identifier: GPL-2.0
/* Command-line parsing for "vmctl run", kept apart so that it is unit-tested. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmctl.h"

int parse_u64(const char *s, uint64_t *out)
{
	unsigned long long v;
	char *end;

	/* strtoull accepts "-1" and leading blanks; a size or address must not. */
	if (!s || !isdigit((unsigned char)s[0]))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end)
		return -EINVAL;
	*out = v;
	return 0;
}

int parse_size(const char *s, uint64_t *out)
{
	unsigned long long v;
	unsigned int shift = 0;
	char *end;

	if (!s || !isdigit((unsigned char)s[0]))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s)
		return -EINVAL;
	switch (toupper((unsigned char)*end)) {
	case '\0':
		break;
	case 'K': shift = 10; end++; break;
	case 'M': shift = 20; end++; break;
	case 'G': shift = 30; end++; break;
	case 'T': shift = 40; end++; break;
	default:
		return -EINVAL;
	}
	/* Accept "16M", "16MB" and "16MiB" alike. */
	if (shift && (strcasecmp(end, "B") == 0 || strcasecmp(end, "iB") == 0))
		end += strlen(end);
	if (*end)
		return -EINVAL;
	if (shift && v > (~0ULL >> shift))
		return -EINVAL;
	*out = v << shift;
	return 0;
}

static void set_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static int parse_entry(const char *s, struct run_opts *o)
{
	const char *colon = strchr(s, ':');
	uint64_t seg, off;

	if (colon) {
		char segstr[32];
		size_t n = colon - s;

		if (n == 0 || n >= sizeof(segstr))
			return -EINVAL;
		memcpy(segstr, s, n);
		segstr[n] = '\0';
		if (parse_u64(segstr, &seg) || parse_u64(colon + 1, &off) ||
		    seg > 0xffff || off > 0xffff)
			return -EINVAL;
		o->entry_segmented = true;
		o->entry_cs = seg;
		o->entry_ip = off;
	} else {
		if (parse_u64(s, &o->entry))
			return -EINVAL;
		o->entry_segmented = false;
	}
	o->entry_set = true;
	return 0;
}

/* "--name=value" or "--name value": returns the value, or NULL if missing. */
static const char *opt_value(const char *arg, const char *name, int argc,
			     char **argv, int *i, bool *matched)
{
	size_t len = strlen(name);

	*matched = false;
	if (strncmp(arg, name, len) != 0)
		return NULL;
	if (arg[len] == '=') {
		*matched = true;
		return arg + len + 1;
	}
	if (arg[len] != '\0')
		return NULL;
	*matched = true;
	if (*i + 1 >= argc)
		return NULL;
	return argv[++*i];
}

/* --kernel takes the Linux options; the flat image's do not apply. */
static int check_kernel_opts(struct run_opts *o, char *err, size_t errlen)
{
	if (o->flat) {
		set_err(err, errlen, "--flat and --kernel exclude each other");
		return -1;
	}
	if (o->flat_opts) {
		set_err(err, errlen, "--load-addr, --mode and --entry are for --flat; "
			"a kernel is placed as its header asks");
		return -1;
	}
	if (!o->mem_set)
		o->mem = DEFAULT_KERNEL_MEM;
	return 0;
}

int parse_run_opts(int argc, char **argv, struct run_opts *o, char *err, size_t errlen)
{
	static const char *const valued[] = {
		"--flat", "--mem", "--load-addr", "--mode", "--entry",
		"--kernel", "--initrd", "--append", "--name",
	};
	int i;

	memset(o, 0, sizeof(*o));
	o->mem = DEFAULT_MEM;
	o->load_addr = DEFAULT_LOAD_ADDR;
	o->mode = MODE_REAL;

	for (i = 0; i < argc; i++) {
		const char *arg = argv[i], *val = NULL;
		bool matched = false;
		size_t k;

		if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0)
			return 1;
		if (strcmp(arg, "--verbose") == 0 || strcmp(arg, "-v") == 0) {
			o->verbose = true;
			continue;
		}
		for (k = 0; k < sizeof(valued) / sizeof(valued[0]); k++) {
			val = opt_value(arg, valued[k], argc, argv, &i, &matched);
			if (matched)
				break;
		}
		if (!matched) {
			set_err(err, errlen, arg[0] == '-' ? "unknown option '%s'" :
				"unexpected argument '%s'", arg);
			return -1;
		}
		if (!val || !*val) {
			set_err(err, errlen, "option '%s' needs a value", valued[k]);
			return -1;
		}
		switch (k) {
		case 0:
			o->flat = val;
			break;
		case 1:
			o->mem_set = true;
			if (parse_size(val, &o->mem) || o->mem == 0 || o->mem % 4096) {
				set_err(err, errlen, "invalid --mem '%s': want a size such as "
					"16M or 1G, a multiple of 4K", val);
				return -1;
			}
			break;
		case 2:
			o->flat_opts = true;
			if (parse_u64(val, &o->load_addr)) {
				set_err(err, errlen, "invalid --load-addr '%s': want a number "
					"such as 0x1000", val);
				return -1;
			}
			break;
		case 3:
			o->flat_opts = true;
			if (strcmp(val, "real") == 0) {
				o->mode = MODE_REAL;
			} else if (strcmp(val, "long") == 0) {
				o->mode = MODE_LONG;
			} else {
				set_err(err, errlen, "invalid --mode '%s': want real or long", val);
				return -1;
			}
			break;
		case 4:
			o->flat_opts = true;
			if (parse_entry(val, o)) {
				set_err(err, errlen, "invalid --entry '%s': want an address "
					"(0x1000) or, in real mode, SEG:OFF (0x100:0)", val);
				return -1;
			}
			break;
		case 5:
			o->kernel = val;
			break;
		case 6:
			o->initrd = val;
			break;
		case 7:
			o->append = val;
			break;
		case 8:
			o->name = val;
			break;
		}
	}

	if (o->kernel)
		return check_kernel_opts(o, err, errlen);
	if (!o->flat) {
		set_err(err, errlen, "missing --flat FILE or --kernel BZIMAGE");
		return -1;
	}
	if (o->initrd || o->append) {
		set_err(err, errlen, "--initrd and --append go with --kernel");
		return -1;
	}
	if (o->load_addr >= o->mem) {
		set_err(err, errlen, "--load-addr 0x%llx is outside guest memory (--mem %llu bytes)",
			(unsigned long long)o->load_addr, (unsigned long long)o->mem);
		return -1;
	}
	if (o->mode == MODE_LONG && o->entry_set && o->entry_segmented) {
		set_err(err, errlen, "--entry SEG:OFF is for real mode; give an address with --mode long");
		return -1;
	}
	return 0;
}

int real_mode_entry(const struct run_opts *o, uint16_t *cs, uint16_t *ip,
		    char *err, size_t errlen)
{
	if (o->entry_set && o->entry_segmented) {
		*cs = o->entry_cs;
		*ip = o->entry_ip;
		return 0;
	}
	/*
	 * CS is the load address as a segment, so that a binary assembled at
	 * offset 0 addresses its own code and data with DS = CS.
	 */
	if (o->load_addr % 16 || o->load_addr >= (1ULL << 20)) {
		set_err(err, errlen, "real mode needs --load-addr below 1 MiB and a "
			"multiple of 16 (got 0x%llx), or --entry SEG:OFF",
			(unsigned long long)o->load_addr);
		return -1;
	}
	*cs = o->load_addr >> 4;
	if (!o->entry_set) {
		*ip = 0;
		return 0;
	}
	if (o->entry < o->load_addr || o->entry - o->load_addr > 0xffff) {
		set_err(err, errlen, "--entry 0x%llx is not within 64 KiB above --load-addr "
			"0x%llx; use --entry SEG:OFF", (unsigned long long)o->entry,
			(unsigned long long)o->load_addr);
		return -1;
	}
	*ip = o->entry - o->load_addr;
	return 0;
}
