// SPDX-License-Identifier: GPL-2.0
/*
 * failnth: fail the Nth fault-injection site that one system call meets,
 * through /proc/thread-self/fail-nth (CONFIG_FAULT_INJECTION), the way
 * syzkaller does. The test kernel's failslab decides which allocations are
 * sites (ignore-gfp-wait off, and an optional stack filter that keeps
 * them to sriov_helper's own code: see "range").
 *
 *   failnth N write FILE DATA    open FILE, then fail inside write(2)
 *   failnth N mkdir DIR          fail inside mkdir(2)
 *   failnth N read FILE          fail inside open(2) and read(2) of FILE
 *   failnth N load KO [PARAMS]   fail inside finit_module(2)
 *   failnth range MODULE         "START END" of MODULE's text, from
 *                                /proc/kallsyms, for failslab's
 *                                require-start and require-end
 *   failnth range modules        from the end of the kernel's text to
 *                                x86-64's MODULES_END: any module's code
 *                                (and, after boot, nothing else's)
 *
 * Prints "injected" or "clean" (the call met fewer than N sites), then
 * the call's result: "ret=0" or "errno=ENOMEM". Exit status: 0 injected,
 * 3 clean, 1 the helper itself failed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static int nth_fd = -1;

static void die(const char *what)
{
	fprintf(stderr, "failnth: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void arm(unsigned int n)
{
	char buf[16];
	int len = snprintf(buf, sizeof(buf), "%u", n);

	if (pwrite(nth_fd, buf, len, 0) != len)
		die("arming /proc/thread-self/fail-nth");
}

/* Disarm, and say whether the Nth site was reached (the count hit 0). */
static int disarm(void)
{
	char buf[16] = "";
	ssize_t len = pread(nth_fd, buf, sizeof(buf) - 1, 0);

	if (len <= 0)
		die("reading /proc/thread-self/fail-nth");
	if (pwrite(nth_fd, "0", 1, 0) != 1)
		die("disarming /proc/thread-self/fail-nth");
	return atoi(buf) == 0;
}

static int range(const char *mod)
{
	unsigned long long lo = ~0ULL, hi = 0, a;
	char line[512], name[256], owner[128], want[130], type;
	FILE *f = fopen("/proc/kallsyms", "r");

	if (!f)
		die("/proc/kallsyms");
	snprintf(want, sizeof(want), "[%s]", mod);
	while (!strcmp(mod, "modules") && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx %c %255s", &a, &type, name) == 3 &&
		    !strcmp(name, "_etext") && a) {
			fclose(f);
			/* Init text after _etext is freed once booted. */
			printf("%#llx %#llx\n", a, 0xffffffffff000000ULL);
			return 0;
		}
	}
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx %c %255s %127s", &a, &type, name,
			   owner) != 4 || strcmp(owner, want) ||
		    (type != 't' && type != 'T') || !a)
			continue;
		if (a < lo)
			lo = a;
		if (a > hi)
			hi = a;
	}
	fclose(f);
	if (!hi) {
		fprintf(stderr, "failnth: no text symbols of %s in /proc/kallsyms\n",
			mod);
		return 1;
	}
	/* The text of a module is whole pages. */
	printf("%#llx %#llx\n", lo, (hi | 4095) + 1);
	return 0;
}

int main(int argc, char **argv)
{
	int fd = -1, injected, err = 0;
	unsigned int n;
	long ret;
	char buf[4096];

	if (argc == 3 && !strcmp(argv[1], "range"))
		return range(argv[2]);
	if (argc < 4 || !(n = (unsigned int)strtoul(argv[1], NULL, 10))) {
		fprintf(stderr, "usage: failnth N write FILE DATA | mkdir DIR | read FILE | load KO [PARAMS]\n       failnth range MODULE\n");
		return 1;
	}
	nth_fd = open("/proc/thread-self/fail-nth", O_RDWR);
	if (nth_fd < 0)
		die("/proc/thread-self/fail-nth (CONFIG_FAULT_INJECTION)");

	if (!strcmp(argv[2], "write") && argc == 5) {
		fd = open(argv[3], O_WRONLY);
		if (fd < 0)
			die(argv[3]);
		arm(n);
		ret = write(fd, argv[4], strlen(argv[4]));
	} else if (!strcmp(argv[2], "mkdir") && argc == 4) {
		arm(n);
		ret = mkdir(argv[3], 0755);
	} else if (!strcmp(argv[2], "read") && argc == 4) {
		arm(n);
		ret = fd = open(argv[3], O_RDONLY);
		while (ret > 0)
			ret = read(fd, buf, sizeof(buf));
	} else if (!strcmp(argv[2], "load") && (argc == 4 || argc == 5)) {
		fd = open(argv[3], O_RDONLY);
		if (fd < 0)
			die(argv[3]);
		arm(n);
		ret = syscall(SYS_finit_module, fd, argc == 5 ? argv[4] : "", 0);
	} else {
		fprintf(stderr, "failnth: unknown operation '%s'\n", argv[2]);
		return 1;
	}
	if (ret < 0)
		err = errno;
	injected = disarm();
	if (fd >= 0)
		close(fd);
	printf("%s %s%s\n", injected ? "injected" : "clean",
	       err ? "errno=" : "ret=0",
	       err ? strerrorname_np(err) : "");
	return injected ? 0 : 3;
}
