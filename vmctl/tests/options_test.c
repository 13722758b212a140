// SPDX-License-Identifier: GPL-2.0
/* "vmctl run" option parsing: sizes, numbers, entry points, error messages. */
#include <errno.h>
#include <string.h>

#include "tap.h"
#include "vmctl.h"

#define ARGV(...) ((char *[]){ __VA_ARGS__ })
#define ARGC(...) ((int)(sizeof(ARGV(__VA_ARGS__)) / sizeof(char *)))
#define PARSE(o, e, ...) parse_run_opts(ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), o, e, sizeof(e))

static int size_is(const char *s, uint64_t want)
{
	uint64_t v = 0;

	return parse_size(s, &v) == 0 && v == want;
}

static int size_bad(const char *s)
{
	uint64_t v;

	return parse_size(s, &v) == -EINVAL;
}

int main(void)
{
	struct run_opts o;
	char err[256] = "";
	uint16_t cs, ip;
	uint64_t v;

	tap_plan(34);

	tap_ok(size_is("4096", 4096) && size_is("0x1000", 4096), "plain sizes");
	tap_ok(size_is("64K", 65536) && size_is("64k", 65536), "K suffix");
	tap_ok(size_is("16M", 16ULL << 20) && size_is("16MiB", 16ULL << 20) &&
	       size_is("16mb", 16ULL << 20), "M, MiB, mb");
	tap_ok(size_is("1G", 1ULL << 30) && size_is("2T", 2ULL << 40), "G and T");
	tap_ok(size_bad("") && size_bad("M") && size_bad("-1") && size_bad(" 1") &&
	       size_bad("12Q") && size_bad("1MX") && size_bad("1.5G"), "junk rejected");
	tap_ok(size_bad("16777216T") && size_bad("99999999999999999999"), "overflow rejected");
	tap_ok(parse_u64("0x7c00", &v) == 0 && v == 0x7c00 && parse_u64("10", &v) == 0 &&
	       v == 10, "numbers: hex and decimal");
	tap_ok(parse_u64("0x", &v) == -EINVAL && parse_u64("-5", &v) == -EINVAL &&
	       parse_u64("5k", &v) == -EINVAL, "bad numbers rejected");

	tap_ok(PARSE(&o, err, "--flat", "a.bin") == 0 && strcmp(o.flat, "a.bin") == 0 &&
	       o.mem == DEFAULT_MEM && o.load_addr == DEFAULT_LOAD_ADDR &&
	       o.mode == MODE_REAL && !o.entry_set, "defaults");
	tap_ok(PARSE(&o, err, "--flat=a.bin", "--mem=1G", "--load-addr=0x100000",
		     "--mode=long", "--entry=0x100010") == 0 &&
	       o.mem == 1ULL << 30 && o.load_addr == 0x100000 && o.mode == MODE_LONG &&
	       o.entry_set && !o.entry_segmented && o.entry == 0x100010, "--opt=value forms");
	tap_ok(PARSE(&o, err, "--mem", "32M", "--flat", "b", "--entry", "0x7c0:0x10", "-v") == 0 &&
	       o.mem == 32ULL << 20 && o.entry_segmented && o.entry_cs == 0x7c0 &&
	       o.entry_ip == 0x10 && o.verbose, "--opt value forms, SEG:OFF entry");
	tap_ok(PARSE(&o, err, "--flat", "a", "--help") == 1, "--help wins");

	tap_ok(PARSE(&o, err, "--mem", "16M") == -1 && strstr(err, "--flat"),
	       "missing --flat named: %s", err);
	tap_ok(PARSE(&o, err, "--flat", "a", "--frobnicate") == -1 &&
	       strstr(err, "--frobnicate"), "unknown option named: %s", err);
	tap_ok(PARSE(&o, err, "--flat", "a", "stray") == -1 && strstr(err, "stray"),
	       "stray argument named: %s", err);
	tap_ok(PARSE(&o, err, "--flat") == -1 && strstr(err, "--flat") && strstr(err, "value"),
	       "option without value: %s", err);
	tap_ok(PARSE(&o, err, "--flat=") == -1 && strstr(err, "--flat"), "empty value: %s", err);
	tap_ok(PARSE(&o, err, "--flat", "a", "--mem", "lots") == -1 && strstr(err, "lots") &&
	       strstr(err, "--mem"), "bad size named: %s", err);
	tap_ok(PARSE(&o, err, "--flat", "a", "--mem", "6000") == -1 && strstr(err, "4K"),
	       "size not a multiple of 4K: %s", err);
	tap_ok(PARSE(&o, err, "--flat", "a", "--mem", "0") == -1, "zero memory rejected");
	tap_ok(PARSE(&o, err, "--flat", "a", "--mode", "protected") == -1 &&
	       strstr(err, "protected") && strstr(err, "real or long"), "bad mode: %s", err);
	tap_ok(PARSE(&o, err, "--flat", "a", "--load-addr", "zz") == -1 && strstr(err, "zz"),
	       "bad load address: %s", err);
	tap_ok(PARSE(&o, err, "--flat", "a", "--mem", "1M", "--load-addr", "0x100000") == -1 &&
	       strstr(err, "outside"), "load address beyond memory: %s", err);
	tap_ok(PARSE(&o, err, "--flat", "a", "--entry", "0x10000:0") == -1 &&
	       strstr(err, "--entry"), "segment > 0xffff: %s", err);
	tap_ok(PARSE(&o, err, "--flat", "a", "--entry", ":5") == -1, "empty segment rejected");
	tap_ok(PARSE(&o, err, "--flat", "a", "--mode", "long", "--entry", "1:2") == -1 &&
	       strstr(err, "real mode"), "SEG:OFF in long mode: %s", err);

	/* Real-mode entry points. */
	tap_ok(PARSE(&o, err, "--flat", "a") == 0 &&
	       real_mode_entry(&o, &cs, &ip, err, sizeof(err)) == 0 && cs == 0x100 && ip == 0,
	       "default: CS = 0x100, IP = 0");
	tap_ok(PARSE(&o, err, "--flat", "a", "--load-addr", "0x7c00", "--entry", "0x7c40") == 0 &&
	       real_mode_entry(&o, &cs, &ip, err, sizeof(err)) == 0 && cs == 0x7c0 && ip == 0x40,
	       "linear entry becomes an offset from the load segment");
	tap_ok(PARSE(&o, err, "--flat", "a", "--entry", "0xf000:0xfff0") == 0 &&
	       real_mode_entry(&o, &cs, &ip, err, sizeof(err)) == 0 && cs == 0xf000 &&
	       ip == 0xfff0, "explicit SEG:OFF");
	tap_ok(PARSE(&o, err, "--flat", "a", "--load-addr", "0x1008") == 0 &&
	       real_mode_entry(&o, &cs, &ip, err, sizeof(err)) == -1 && strstr(err, "16"),
	       "unaligned load address: %s", err);
	tap_ok(PARSE(&o, err, "--flat", "a", "--load-addr", "0x200000", "--mem", "4M") == 0 &&
	       real_mode_entry(&o, &cs, &ip, err, sizeof(err)) == -1 && strstr(err, "1 MiB"),
	       "load address above 1 MiB: %s", err);
	tap_ok(PARSE(&o, err, "--flat", "a", "--entry", "0x800") == 0 &&
	       real_mode_entry(&o, &cs, &ip, err, sizeof(err)) == -1 && strstr(err, "SEG:OFF"),
	       "entry below the load address: %s", err);
	tap_ok(PARSE(&o, err, "--flat", "a", "--entry", "0x11000") == 0 &&
	       real_mode_entry(&o, &cs, &ip, err, sizeof(err)) == -1,
	       "entry 64 KiB above the load address rejected");
	tap_ok(PARSE(&o, err, "--flat", "a", "--entry", "0x10fff") == 0 &&
	       real_mode_entry(&o, &cs, &ip, err, sizeof(err)) == 0 && ip == 0xffff,
	       "entry at the last offset of the segment");
	return tap_finish();
}
