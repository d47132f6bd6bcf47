// SPDX-License-Identifier: GPL-2.0
/*
 * sriovctl: read and write sriov_helper's configfs tree, read its debugfs
 * inventory, persist the configuration, wait for it at boot. Plain libc;
 * values are checked by the module's own parser (sriov_helper/parse.c,
 * compiled in), so what sriovctl accepts is exactly what the module
 * accepts.
 *
 * Exit codes: 0 success, 1 the operation failed, 2 bad usage or input
 * (nothing changed), 3 sriov_helper not loaded (with the reason), or
 * configfs/debugfs not mounted.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sriovctl.h"

static const char usage[] =
"usage: sriovctl [OPTIONS] COMMAND [ARGS]   (options may also follow the command)\n"
"\n"
"  list                   configfs entries: count, policy, IRQ CPUs, VF driver,\n"
"                         VF bind, status, and their per-VF sets\n"
"  show [PF]              the inventory of PFs and VFs (all, or one PF)\n"
"  set PF vfs=N [on_bus_range=clamp|fail] [irq=spread|off] [irq_cpus=LIST]\n"
"         [vf_driver=auto|none|DRIVER] [vf_bind=parallel|serial]\n"
"                         create or change the configfs entry for PF\n"
"  vf PF N[-M] KEY=VALUE...\n"
"                         per-VF settings of VF N (from 0), or of VFs N-M, under\n"
"                         PF's address entry; KEY= unsets. Keys: mac, vlan, qos,\n"
"                         vlan_proto, spoofchk, trust, link_state, query_rss,\n"
"                         min_tx_rate, max_tx_rate, node_guid, port_guid, vf_driver,\n"
"                         msix\n"
"  unset PF [N[-M]]       remove the entry and its sets, or one set (the VFs\n"
"                         stay as they are)\n"
"  dump                   the /etc/modprobe.d lines that reproduce the\n"
"                         configuration in effect (parameters and configfs)\n"
"  wait                   until every managed PF has its VFs, on their drivers\n"
"  metrics                the state of PFs and VFs for Prometheus (node_exporter's\n"
"                         textfile format)\n"
"  export policy|device-plugin [PF...]\n"
"                         the VFs for Kubernetes: SR-IOV operator policies\n"
"                         (externallyManaged) or the device plugin's config.json\n"
"  apply FILE             bring configfs to a modprobe.d file (dump's lines):\n"
"                         prints each step, nothing when already there\n"
"\n"
"Options:\n"
"  --json                 JSON output (list, show, dump)\n"
"  --root DIR             read and write DIR/sys/... instead of /sys/... (tests)\n"
"  --timeout SECONDS      how long wait waits (default 30, plus 1 per VF)\n"
"  --output FILE          metrics: write FILE atomically instead of stdout\n"
"  --dry-run              apply: print the steps, change nothing\n"
"  --version              print the version\n"
"  -h, --help             this text\n"
"  --                     end of options\n"
"\n"
"PF is [DOMAIN:]BB:DD.F or VVVV:DDDD.\n"
"Exit: 0 ok, 1 failed, 2 bad usage or input, 3 module or filesystem missing.\n";

struct command {
	const char *name;
	int min_args;
	int max_args;
	int (*fn)(int argc, char **argv);
	bool json;		/* takes --json */
	const char *synopsis;
};

static const struct command commands[] = {
	{ "list", 0, 0, cmd_list, true, "list" },
	{ "show", 0, 1, cmd_show, true, "show [PF]" },
	{ "set", 2, INT_MAX, cmd_set, false, "set PF vfs=N [KEY=VALUE...]" },
	{ "vf", 3, 2 + SRIOVH_NR_VKEYS, cmd_vf, false,
	  "vf PF N[-M] KEY=VALUE..." },
	{ "unset", 1, 2, cmd_unset, false, "unset PF [N[-M]]" },
	{ "dump", 0, 0, cmd_dump, true, "dump" },
	{ "wait", 0, 0, cmd_wait, false, "wait [--timeout SECONDS]" },
	{ "metrics", 0, 0, cmd_metrics, false, "metrics [--output FILE]" },
	{ "export", 1, INT_MAX, cmd_export, false,
	  "export policy|device-plugin [PF...]" },
	{ "apply", 1, 1, cmd_apply, false, "apply [--dry-run] FILE" },
};

NORETURN PRINTF(1, 2) static void bad_usage(const char *fmt, ...)
{
	va_list ap;

	fputs("sriovctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fputs(usage, stderr);
	exit(EX_USAGE);
}

/* Seconds: decimal, optionally with a fraction; no sign, no exponent. */
static double parse_seconds(const char *s)
{
	size_t digits = strspn(s, "0123456789");
	char *end;
	double v;

	if (!digits || (s[digits] && (s[digits] != '.' ||
				      strspn(s + digits + 1, "0123456789") !=
				      strlen(s + digits + 1))))
		die(EX_USAGE, "invalid --timeout '%s': seconds, as 30 or 0.5", s);
	errno = 0;
	v = strtod(s, &end);
	if (errno || *end || v > 86400 * 365)
		die(EX_USAGE, "invalid --timeout '%s': seconds, as 30 or 0.5", s);
	return v;
}

/* --version, --help: the text on stdout, and exit 0 if it got there. */
NORETURN static void print_exit(const char *text)
{
	if (fputs(text, stdout) == EOF || fflush(stdout))
		die(EX_FAIL, "writing the output: %s", strerror(errno));
	exit(0);
}

/*
 * An option with a value: "--root DIR" or "--root=DIR". Return: the value,
 * or NULL when @arg is not this option.
 */
static const char *option_value(const char *name, int argc, char **argv,
				int *i)
{
	size_t n = strlen(name);
	const char *arg = argv[*i];

	if (strncmp(arg, name, n))
		return NULL;
	if (arg[n] == '=')
		return arg + n + 1;
	if (arg[n])
		return NULL;
	if (*i + 1 >= argc)
		bad_usage("option '%s' needs a value", name);
	return argv[++*i];
}

/*
 * GNU style: options anywhere, "--" ends them. Only words that start with
 * '-' are options, so PF addresses, VF ranges and key=value never are.
 * Return: the positional words, in order, NULL-terminated.
 */
static char **parse_options(int argc, char **argv, int *npos, bool *timeout)
{
	char **pos = xcalloc((size_t)argc + 1, sizeof(*pos));
	bool options = true;
	const char *v;
	int i;

	*npos = 0;
	*timeout = false;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!options || a[0] != '-' || !a[1]) {
			pos[(*npos)++] = argv[i];
		} else if (!strcmp(a, "--")) {
			options = false;
		} else if (!strcmp(a, "--json")) {
			opt.json = true;
		} else if ((v = option_value("--root", argc, argv, &i))) {
			opt.root = v;
		} else if ((v = option_value("--timeout", argc, argv, &i))) {
			opt.timeout = parse_seconds(v);
			*timeout = true;
		} else if ((v = option_value("--output", argc, argv, &i))) {
			if (!*v)
				bad_usage("option '--output' needs a file name");
			opt.output = v;
		} else if (!strcmp(a, "--dry-run")) {
			opt.dry_run = true;
		} else if (!strcmp(a, "--version")) {
			print_exit("sriovctl " SRIOVH_VERSION "\n");
		} else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			print_exit(usage);
		} else {
			bad_usage("unknown option '%s'", a);
		}
	}
	return pos;
}

/* Write what the command printed; a full disk is a failure too. */
static int flush_out(int ret)
{
	if ((out.len && fwrite(out.p, 1, out.len, stdout) != out.len) ||
	    fflush(stdout)) {
		warn("writing the output: %s", strerror(errno));
		ret = ret ? ret : EX_FAIL;
	}
	buf_free(&out);
	return ret;
}

int main(int argc, char **argv)
{
	const struct command *c = NULL;
	bool timeout;
	int npos, ret;
	size_t i;
	char **pos = parse_options(argc, argv, &npos, &timeout);

	if (!npos) {
		free(pos);
		fputs(usage, stderr);
		return EX_USAGE;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(pos[0], commands[i].name))
			c = &commands[i];
	if (!c)
		bad_usage("unknown command '%s'", pos[0]);
	if (npos - 1 < c->min_args || npos - 1 > c->max_args) {
		warn("wrong arguments for %s; usage: sriovctl %s", c->name,
		     c->synopsis);
		free(pos);
		return EX_USAGE;
	}
	if (opt.json && !c->json)
		bad_usage("--json applies to list, show and dump, not %s",
			  c->name);
	if (timeout && c->fn != cmd_wait)
		bad_usage("--timeout applies to wait, not %s", c->name);
	if (opt.output && c->fn != cmd_metrics)
		bad_usage("--output applies to metrics, not %s", c->name);
	if (opt.dry_run && c->fn != cmd_apply)
		bad_usage("--dry-run applies to apply, not %s", c->name);
	ret = c->fn(npos - 1, pos + 1);
	free(pos);
	return flush_out(ret);
}
