// SPDX-License-Identifier: GPL-2.0
/*
 * sriovctl: read and write sriov_helper's configfs tree, read its debugfs
 * inventory. Plain libc; the entry syntax is checked by the module's own
 * parser (sriov_helper/parse.c, compiled in), so what sriovctl accepts is
 * exactly what the module accepts.
 *
 * Exit codes: 0 success, 1 the operation failed, 2 bad usage or input,
 * 3 sriov_helper not loaded, or configfs/debugfs not mounted.
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sriov_helper/parse.h>

#define EX_FAIL		1
#define EX_USAGE	2
#define EX_ABSENT	3

static const char *root = "";
static int json;

static const char usage[] =
"usage: sriovctl [--root DIR] [--json] COMMAND [ARGS]\n"
"\n"
"  list                   configfs entries: count, policy, IRQ CPUs, VF driver,\n"
"                         status, and per-VF settings\n"
"  show [PF]              the inventory of PFs and VFs (all, or one PF)\n"
"  set PF vfs=N [on_bus_range=clamp|fail] [irq=spread|off] [irq_cpus=LIST]\n"
"         [vf_driver=auto|none|DRIVER]\n"
"                         create or change the configfs entry for PF\n"
"  vf PF N [mac=MAC] [vlan=ID] [trust=on|off] [spoofchk=on|off]\n"
"                         per-VF settings of VF N (from 0) under PF's entry;\n"
"                         an empty value (mac=) leaves it to the driver\n"
"  unset PF               remove the entry and its per-VF settings (the VFs\n"
"                         stay as they are)\n"
"  dump                   the /etc/modprobe.d line that reproduces configfs\n"
"\n"
"PF is [DOMAIN:]BB:DD.F or VVVV:DDDD. --json applies to list, show, dump.\n"
"--root DIR reads DIR/sys/... instead of /sys/... (for tests).\n"
"Exit: 0 ok, 1 failed, 2 bad usage or input, 3 module or filesystem missing.\n";

static void die(int code, const char *fmt, ...)
{
	va_list ap;

	fputs("sriovctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(code);
}

static void path(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(buf, len, "%s", root);

	va_start(ap, fmt);
	vsnprintf(buf + n, len - (size_t)n, fmt, ap);
	va_end(ap);
}

/* The configfs directory, after checking the module and the mount. */
static const char *cfs_dir(void)
{
	static char dir[4096];
	char mod[4096];
	struct stat st;

	path(mod, sizeof(mod), "/sys/module/sriov_helper");
	if (stat(mod, &st))
		die(EX_ABSENT, "sriov_helper is not loaded (modprobe sriov_helper)");
	path(dir, sizeof(dir), "/sys/kernel/config/sriov_helper");
	if (stat(dir, &st))
		die(EX_ABSENT, "configfs is not mounted (mount -t configfs none /sys/kernel/config)");
	return dir;
}

/* Read a small file, trailing newline dropped; NULL if it cannot be read. */
static char *slurp(const char *file)
{
	static char buf[65536];
	FILE *f = fopen(file, "r");
	size_t n;

	if (!f)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	while (n && buf[n - 1] == '\n')
		buf[--n] = '\0';
	return strdup(buf);
}

static void json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if (*s == '\n')
			fputs("\\n", stdout);
		else if (*s == '\t')
			fputs("\\t", stdout);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", *s);
		else
			putchar(*s);
	}
	putchar('"');
}

/* A field as JSON: null for "-" or empty, a number if it is one. */
static void json_val(const char *s)
{
	const char *p = s;

	if (!*s || !strcmp(s, "-")) {
		fputs("null", stdout);
		return;
	}
	if (*p == '-')
		p++;
	if (*p && strspn(p, "0123456789") == strlen(p) && (p[0] != '0' || !p[1])) {
		fputs(s, stdout);
		return;
	}
	json_str(s);
}

static int parse_pf(const char *s, struct sriovh_target *t)
{
	const char *why;

	if (sriovh_parse_target(s, strlen(s), t, &why)) {
		fprintf(stderr, "sriovctl: invalid PF '%s': %s\n", s, why);
		return -1;
	}
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char * const *)a, *(char * const *)b);
}

/* The entry names, sorted, NULL-terminated. */
static char **entries(const char *dir)
{
	struct dirent *d;
	DIR *dp = opendir(dir);
	char **v = NULL;
	size_t n = 0;

	if (!dp)
		die(EX_FAIL, "%s: %s", dir, strerror(errno));
	while ((d = readdir(dp))) {
		if (d->d_name[0] == '.')
			continue;
		v = realloc(v, (n + 2) * sizeof(*v));
		if (!v)
			die(EX_FAIL, "out of memory");
		v[n++] = strdup(d->d_name);
	}
	closedir(dp);
	if (!v)
		v = calloc(1, sizeof(*v));
	v[n] = NULL;
	qsort(v, n, sizeof(*v), cmp_names);
	return v;
}

/* The configfs entry naming the same PF as @t, under any spelling. */
static int find_entry(const char *dir, const struct sriovh_target *t,
		      char *name, size_t len)
{
	char **v = entries(dir);
	struct sriovh_target e;
	const char *why;
	int i, found = 0;

	for (i = 0; v[i]; i++) {
		if (!found &&
		    !sriovh_parse_target(v[i], strlen(v[i]), &e, &why) &&
		    sriovh_target_equal(&e, t)) {
			snprintf(name, len, "%s", v[i]);
			found = 1;
		}
		free(v[i]);
	}
	free(v);
	return found;
}

static char *attr(const char *dir, const char *entry, const char *name)
{
	char file[4096];

	snprintf(file, sizeof(file), "%s/%s/%s", dir, entry, name);
	return slurp(file);
}

/* The vfN directories of an entry, in VF order, NULL-terminated. */
static char **vf_dirs(const char *dir, const char *entry, u16 **index)
{
	char d[4096], **v, **out;
	const char *why;
	size_t i, j, n = 0;
	u16 *idx;

	snprintf(d, sizeof(d), "%s/%s", dir, entry);
	v = entries(d);
	while (v[n])
		n++;
	out = calloc(n + 1, sizeof(*out));
	idx = calloc(n + 1, sizeof(*idx));
	if (!out || !idx)
		die(EX_FAIL, "out of memory");
	for (i = 0, j = 0; i < n; i++) {
		u16 k;
		size_t m;

		if (sriovh_parse_vf_name(v[i], strlen(v[i]), &k, &why)) {
			free(v[i]);
			continue;
		}
		/* Insert by index: vf2 before vf10. */
		for (m = j; m > 0 && idx[m - 1] > k; m--) {
			out[m] = out[m - 1];
			idx[m] = idx[m - 1];
		}
		out[m] = v[i];
		idx[m] = k;
		j++;
	}
	free(v);
	*index = idx;
	return out;
}

static const char * const vf_keys[] = { "mac", "vlan", "trust", "spoofchk" };

/* Per-VF settings: text lines under the entry, or a JSON "vf" array. */
static void list_vfs(const char *dir, const char *entry)
{
	u16 *idx;
	char **v = vf_dirs(dir, entry, &idx);
	char sub[4096];
	size_t i, k;

	if (json)
		fputs(",\"vf\":[", stdout);
	for (i = 0; v[i]; i++) {
		char *st;

		snprintf(sub, sizeof(sub), "%s/%s", entry, v[i]);
		if (json)
			printf("%s{\"index\":%u", i ? "," : "", idx[i]);
		else
			printf("  %-12s", v[i]);
		for (k = 0; k < sizeof(vf_keys) / sizeof(vf_keys[0]); k++) {
			char *val = attr(dir, sub, vf_keys[k]);

			if (json) {
				printf(",\"%s\":", vf_keys[k]);
				if (val && *val)
					json_str(val);
				else
					fputs("null", stdout);
			} else {
				printf(" %s=%s", vf_keys[k], val && *val ? val : "-");
			}
			free(val);
		}
		st = attr(dir, sub, "status");
		if (json) {
			fputs(",\"status\":", stdout);
			json_str(st ? st : "");
			fputs("}", stdout);
		} else {
			printf("  %s\n", st ? st : "?");
		}
		free(st);
		free(v[i]);
	}
	if (json)
		fputs("]", stdout);
	free(v);
	free(idx);
}

static int cmd_list(void)
{
	const char *dir = cfs_dir();
	char **v = entries(dir);
	int i;

	if (json)
		fputs("[", stdout);
	else
		printf("%-14s %-6s %-13s %-7s %-9s %-10s %s\n", "ENTRY", "VFS",
		       "ON_BUS_RANGE", "IRQ", "IRQ_CPUS", "VF_DRIVER", "STATUS");
	for (i = 0; v[i]; i++) {
		char *vfs = attr(dir, v[i], "vfs");
		char *pol = attr(dir, v[i], "on_bus_range");
		char *irq = attr(dir, v[i], "irq");
		char *cpus = attr(dir, v[i], "irq_cpus");
		char *drv = attr(dir, v[i], "vf_driver");
		char *st = attr(dir, v[i], "status");

		if (json) {
			printf("%s{\"entry\":", i ? "," : "");
			json_str(v[i]);
			fputs(",\"vfs\":", stdout);
			json_val(vfs ? vfs : "");
			fputs(",\"on_bus_range\":", stdout);
			json_val(pol ? pol : "");
			fputs(",\"irq\":", stdout);
			json_val(irq ? irq : "");
			/* A CPU list is text, even when it is one CPU. */
			fputs(",\"irq_cpus\":", stdout);
			if (cpus && *cpus)
				json_str(cpus);
			else
				fputs("null", stdout);
			fputs(",\"vf_driver\":", stdout);
			json_val(drv ? drv : "");
			fputs(",\"status\":", stdout);
			json_str(st ? st : "");
			list_vfs(dir, v[i]);
			fputs("}", stdout);
		} else {
			char *nl, *line = st ? st : "?";

			/* An ID entry's status has a line per PF: indent the rest. */
			nl = strchr(line, '\n');
			if (nl)
				*nl = '\0';
			printf("%-14s %-6s %-13s %-7s %-9s %-10s %s\n", v[i],
			       vfs && *vfs ? vfs : "-", pol ? pol : "-",
			       irq ? irq : "-", cpus && *cpus ? cpus : "default",
			       drv ? drv : "-", line);
			while (nl) {
				line = nl + 1;
				nl = strchr(line, '\n');
				if (nl)
					*nl = '\0';
				printf("%-64s %s\n", "", line);
			}
			list_vfs(dir, v[i]);
		}
		free(vfs);
		free(pol);
		free(irq);
		free(cpus);
		free(drv);
		free(st);
	}
	if (json)
		puts("]");
	return 0;
}

/* One inventory line split into key=value fields (reason= runs to the end). */
struct inv_line {
	char kind[4];
	char addr[32];
	int nf;
	char *key[40];
	char *val[40];
};

static int split_line(char *s, struct inv_line *l)
{
	char *tok, *save = NULL;

	l->nf = 0;
	tok = strtok_r(s, " ", &save);
	if (!tok || (strcmp(tok, "pf") && strcmp(tok, "vf")))
		return -1;
	snprintf(l->kind, sizeof(l->kind), "%s", tok);
	tok = strtok_r(NULL, " ", &save);
	if (!tok)
		return -1;
	snprintf(l->addr, sizeof(l->addr), "%s", tok);
	while (l->nf < 40 && (tok = strtok_r(NULL, " ", &save))) {
		char *eq = strchr(tok, '=');

		if (!eq)
			continue;
		*eq = '\0';
		l->key[l->nf] = tok;
		if (!strcmp(tok, "reason")) {
			/* The rest of the line, spaces and all. */
			if (save && *save)
				eq[strlen(eq + 1) + 1] = ' ';
			l->val[l->nf++] = eq + 1;
			break;
		}
		l->val[l->nf++] = eq + 1;
	}
	return 0;
}

static const char *get(const struct inv_line *l, const char *key)
{
	int i;

	for (i = 0; i < l->nf; i++)
		if (!strcmp(l->key[i], key))
			return l->val[i];
	return "-";
}

/* "30:3;31:2>3;32:managed" as [{"irq":30,"cpus":"3"},...]. */
static void json_irqs(const char *s)
{
	char buf[4096], *tok, *save = NULL;
	int first = 1;

	snprintf(buf, sizeof(buf), "%s", s);
	fputs("[", stdout);
	for (tok = strtok_r(buf, ";", &save); tok && strcmp(tok, "-");
	     tok = strtok_r(NULL, ";", &save)) {
		char *colon = strchr(tok, ':');

		if (!colon)
			continue;
		*colon = '\0';
		printf("%s{\"irq\":", first ? "" : ",");
		json_val(tok);
		fputs(",\"cpus\":", stdout);
		json_str(colon + 1);
		fputs("}", stdout);
		first = 0;
	}
	fputs("]", stdout);
}

static void json_fields(const struct inv_line *l)
{
	static const char * const text[] = {
		"reason", "id", "bus_window", "irq_cpus",
	};
	size_t k;
	int i;

	fputs("{\"address\":", stdout);
	json_str(l->addr);
	for (i = 0; i < l->nf; i++) {
		printf(",\"%s\":", l->key[i]);
		for (k = 0; k < sizeof(text) / sizeof(text[0]); k++)
			if (!strcmp(l->key[i], text[k]))
				break;
		if (!strcmp(l->key[i], "irqs"))
			json_irqs(l->val[i]);
		else if (k < sizeof(text) / sizeof(text[0]) && strcmp(l->val[i], "-"))
			json_str(l->val[i]);
		else
			json_val(l->val[i]);
	}
}

static int cmd_show(const char *only)
{
	struct sriovh_target want, t;
	char file[4096], buf[4096];
	int shown = 0, in_pf = 0, first_vf = 1;
	struct inv_line l;
	struct stat st;
	const char *why;
	FILE *f;

	if (only && parse_pf(only, &want))
		return EX_USAGE;
	path(file, sizeof(file), "/sys/module/sriov_helper");
	if (stat(file, &st))
		die(EX_ABSENT, "sriov_helper is not loaded (modprobe sriov_helper)");
	path(file, sizeof(file), "/sys/kernel/debug/sriov_helper/inventory");
	f = fopen(file, "r");
	if (!f)
		die(EX_ABSENT, "cannot read %s: %s (is debugfs mounted? mount -t debugfs none /sys/kernel/debug)",
		    file, strerror(errno));
	if (!fgets(buf, sizeof(buf), f) || strcmp(buf, "# sriov_helper inventory v2\n"))
		die(EX_FAIL, "%s: unknown inventory format (this sriovctl reads v2)", file);

	if (json)
		fputs("{\"version\":2,\"pfs\":[", stdout);
	else
		printf("%-13s %-10s %-8s %-7s %-4s %-8s %-5s %-9s %-5s %-9s %s\n",
		       "PF", "ID", "DRIVER", "VFS", "REQ", "STATE", "FIT", "CAUSE",
		       "IOMMU", "IRQ_CPUS", "REASON");
	while (fgets(buf, sizeof(buf), f)) {
		buf[strcspn(buf, "\n")] = '\0';
		if (split_line(buf, &l))
			continue;
		if (!strcmp(l.kind, "pf")) {
			if (in_pf && json)
				fputs("]}", stdout);
			in_pf = !only ||
				(!sriovh_parse_target(l.addr, strlen(l.addr), &t, &why) &&
				 sriovh_target_equal(&t, &want));
			if (!in_pf)
				continue;
			if (json) {
				fputs(shown ? "," : "", stdout);
				json_fields(&l);
				fputs(",\"vfs\":[", stdout);
			} else {
				char vfs[16];

				snprintf(vfs, sizeof(vfs), "%s/%s", get(&l, "numvfs"),
					 get(&l, "totalvfs"));
				printf("%-13s %-10s %-8s %-7s %-4s %-8s %-5s %-9s %-5s %-9s %s\n",
				       l.addr, get(&l, "id"), get(&l, "driver"), vfs,
				       get(&l, "requested"), get(&l, "state"),
				       get(&l, "fit"), get(&l, "cause"),
				       get(&l, "iommu"), get(&l, "irq_cpus"),
				       get(&l, "reason"));
			}
			shown++;
			first_vf = 1;
		} else if (in_pf) {
			if (json) {
				fputs(first_vf ? "" : ",", stdout);
				json_fields(&l);
				fputs("}", stdout);
			} else {
				const char *alone = get(&l, "group_alone");

				printf("  vf %-13s index %-4s %-8s %-8s group %s%s irqs %s\n",
				       l.addr, get(&l, "index"), get(&l, "driver"),
				       get(&l, "netdev"), get(&l, "iommu_group"),
				       !strcmp(alone, "no") ? " (shared)" : "",
				       get(&l, "irqs"));
			}
			first_vf = 0;
		}
	}
	fclose(f);
	if (json) {
		if (in_pf)
			fputs("]}", stdout);
		puts("]}");
	}
	if (only && !shown) {
		fprintf(stderr, "sriovctl: %s is not an SR-IOV PF\n", only);
		return EX_FAIL;
	}
	return 0;
}

static int write_attr(const char *dir, const char *entry, const char *name,
		      const char *value)
{
	char file[4096];
	FILE *f;
	int err = 0;

	snprintf(file, sizeof(file), "%s/%s/%s", dir, entry, name);
	f = fopen(file, "w");
	if (!f)
		return -errno;
	if (fprintf(f, "%s\n", value) < 0)
		err = -errno;
	if (fclose(f) && !err)
		err = -errno;
	return err;
}

static int cmd_set(int argc, char **argv)
{
	char spec[4096], name[64], value[SRIOVH_CPULIST_STRLEN];
	struct sriovh_parse_error perr;
	const char *dir, *cursor = spec;
	struct sriovh_entry e;
	size_t n;
	int i, err, created = 0;

	if (argc < 2) {
		fputs(usage, stderr);
		return EX_USAGE;
	}
	/* "PF key=v key=v" is checked as the parameter "PF,key=v,key=v". */
	n = (size_t)snprintf(spec, sizeof(spec), "%s", argv[0]);
	for (i = 1; i < argc && n < sizeof(spec); i++)
		n += (size_t)snprintf(spec + n, sizeof(spec) - n, ",%s", argv[i]);
	if (n >= sizeof(spec) || strchr(spec, ';'))
		die(EX_USAGE, "one PF at a time");
	if (sriovh_parse_next(&cursor, &e, &perr) != 1)
		die(EX_USAGE, "invalid: %s: '%.*s'", perr.why, (int)perr.token_len,
		    perr.token);

	dir = cfs_dir();
	if (!find_entry(dir, &e.target, name, sizeof(name))) {
		char d[4096];

		sriovh_format_target(&e.target, name, sizeof(name));
		snprintf(d, sizeof(d), "%s/%s", dir, name);
		if (mkdir(d, 0755))
			die(EX_FAIL, "mkdir %s: %s", d, strerror(errno));
		created = 1;
	}
	/* Everything but the count first: writing vfs applies the entry. */
	err = write_attr(dir, name, "on_bus_range", sriovh_policy_name(e.on_bus_range));
	if (!err)
		err = write_attr(dir, name, "irq", sriovh_irq_mode_name(e.irq));
	if (!err) {
		sriovh_format_cpulist(&e.irq_cpus, value, sizeof(value));
		err = write_attr(dir, name, "irq_cpus", value);
	}
	if (!err)
		err = write_attr(dir, name, "vf_driver",
				 sriovh_vf_driver_name(&e.vf_driver));
	if (!err) {
		snprintf(value, sizeof(value), "%u", e.vfs);
		err = write_attr(dir, name, "vfs", value);
	}
	if (err) {
		if (created) {
			char d[4096];

			snprintf(d, sizeof(d), "%s/%s", dir, name);
			rmdir(d);
		}
		die(EX_FAIL, "%s: %s (see dmesg)", name, strerror(-err));
	}
	return 0;
}

static int cmd_unset(const char *pf)
{
	struct sriovh_target t;
	char name[64], d[4096], **vf;
	const char *dir;
	u16 *idx;
	int i;

	if (parse_pf(pf, &t))
		return EX_USAGE;
	dir = cfs_dir();
	if (!find_entry(dir, &t, name, sizeof(name)))
		die(EX_FAIL, "no configfs entry for %s", pf);
	/* configfs removes a group only when it is empty: vfN first. */
	vf = vf_dirs(dir, name, &idx);
	for (i = 0; vf[i]; i++) {
		snprintf(d, sizeof(d), "%s/%s/%s", dir, name, vf[i]);
		if (rmdir(d))
			die(EX_FAIL, "rmdir %s: %s", d, strerror(errno));
		free(vf[i]);
	}
	free(vf);
	free(idx);
	snprintf(d, sizeof(d), "%s/%s", dir, name);
	if (rmdir(d))
		die(EX_FAIL, "rmdir %s: %s", d, strerror(errno));
	return 0;
}

/*
 * Per-VF settings have no pf= form: print them as comments, the commands
 * that set them again once the module is loaded.
 */
static void dump_vfs(const char *dir, char **v)
{
	char sub[4096];
	size_t k;
	int i, j;

	for (i = 0; v[i]; i++) {
		u16 *idx;
		char **vf = vf_dirs(dir, v[i], &idx);

		for (j = 0; vf[j]; j++) {
			char cmd[512];
			size_t n = 0;

			snprintf(sub, sizeof(sub), "%s/%s", v[i], vf[j]);
			for (k = 0; k < sizeof(vf_keys) / sizeof(vf_keys[0]); k++) {
				char *val = attr(dir, sub, vf_keys[k]);

				if (val && *val && n < sizeof(cmd))
					n += (size_t)snprintf(cmd + n, sizeof(cmd) - n,
							      " %s=%s", vf_keys[k], val);
				free(val);
			}
			if (n)
				printf("# per-VF, after load: sriovctl vf %s %u%s\n",
				       v[i], idx[j], cmd);
			free(vf[j]);
		}
		free(vf);
		free(idx);
	}
}

/* Persistence in one step: the options line that recreates configfs. */
static int cmd_dump(void)
{
	const char *dir = cfs_dir();
	char **v = entries(dir);
	char line[65536];
	const char *why;
	size_t n = 0;
	int i;

	line[0] = '\0';
	for (i = 0; v[i]; i++) {
		char *vfs = attr(dir, v[i], "vfs");
		char *pol = attr(dir, v[i], "on_bus_range");
		char *irq = attr(dir, v[i], "irq");
		char *cpus = attr(dir, v[i], "irq_cpus");
		char *drv = attr(dir, v[i], "vf_driver");
		struct sriovh_entry e = { 0 };

		/* The shared parser reads each value back, as the module would. */
		if (vfs && *vfs &&
		    !sriovh_parse_target(v[i], strlen(v[i]), &e.target, &why) &&
		    !sriovh_parse_u16(vfs, strlen(vfs), &e.vfs, &why) &&
		    (!pol || !sriovh_parse_policy(pol, strlen(pol), &e.on_bus_range, &why)) &&
		    (!irq || !sriovh_parse_irq_mode(irq, strlen(irq), &e.irq, &why)) &&
		    (!cpus || !*cpus ||
		     !sriovh_parse_cpulist(cpus, strlen(cpus), &e.irq_cpus, &why)) &&
		    (!drv || !sriovh_parse_vf_driver(drv, strlen(drv), &e.vf_driver, &why))) {
			n += (size_t)snprintf(line + n, sizeof(line) - n, "%s", n ? ";" : "");
			if (n < sizeof(line))
				n += (size_t)sriovh_format_entry(&e, line + n, sizeof(line) - n);
		}
		free(vfs);
		free(pol);
		free(irq);
		free(cpus);
		free(drv);
	}
	if (json) {
		fputs("{\"options\":", stdout);
		json_str(n ? line : "");
		puts("}");
	} else if (n) {
		printf("options sriov_helper pf=%s\n", line);
	} else {
		puts("# no configfs entry has a VF count");
	}
	if (!json)
		dump_vfs(dir, v);
	for (i = 0; v[i]; i++)
		free(v[i]);
	free(v);
	return 0;
}

/* Check one per-VF key=value with the module's own parsers. */
static int vf_check(const char *arg, size_t *klen)
{
	const char *eq = strchr(arg, '='), *val, *why = NULL;
	size_t vlen;
	u8 mac[6];
	u16 vlan;
	bool on;
	int k, ret;

	if (!eq)
		die(EX_USAGE, "expected key=value: '%s'", arg);
	*klen = (size_t)(eq - arg);
	val = eq + 1;
	vlen = strlen(val);
	for (k = 0; k < 4; k++)
		if (strlen(vf_keys[k]) == *klen && !strncmp(arg, vf_keys[k], *klen))
			break;
	if (k == 4)
		die(EX_USAGE, "invalid: unknown per-VF key (known: mac, vlan, trust, spoofchk): '%.*s'",
		    (int)*klen, arg);
	if (!vlen)
		return 0;	/* unset: leave it to the driver */
	if (k == 0)
		ret = sriovh_parse_mac(val, vlen, mac, &why);
	else if (k == 1)
		ret = sriovh_parse_vlan(val, vlen, &vlan, &why);
	else
		ret = sriovh_parse_onoff(val, vlen, &on, &why);
	if (ret)
		die(EX_USAGE, "invalid: %s: '%s'", why, arg);
	return 0;
}

static int cmd_vf(int argc, char **argv)
{
	char name[64], vfname[16], d[4096], sub[4200];
	struct sriovh_target t;
	const char *dir, *why;
	size_t klen;
	u16 index;
	int i, err;

	if (argc < 3) {
		fputs(usage, stderr);
		return EX_USAGE;
	}
	if (parse_pf(argv[0], &t))
		return EX_USAGE;
	snprintf(vfname, sizeof(vfname), "vf%s", argv[1]);
	if (sriovh_parse_vf_name(vfname, strlen(vfname), &index, &why))
		die(EX_USAGE, "invalid VF index '%s': decimal 0-65534, no leading zeros",
		    argv[1]);
	for (i = 2; i < argc; i++)
		vf_check(argv[i], &klen);

	dir = cfs_dir();
	if (!find_entry(dir, &t, name, sizeof(name)))
		die(EX_FAIL, "no configfs entry for %s (sriovctl set %s vfs=N first)",
		    argv[0], argv[0]);
	snprintf(d, sizeof(d), "%s/%s/%s", dir, name, vfname);
	if (mkdir(d, 0755) && errno != EEXIST)
		die(EX_FAIL, "mkdir %s: %s (see dmesg)", d, strerror(errno));
	snprintf(sub, sizeof(sub), "%s/%s", name, vfname);
	for (i = 2; i < argc; i++) {
		char key[16];

		vf_check(argv[i], &klen);
		snprintf(key, sizeof(key), "%.*s", (int)klen, argv[i]);
		err = write_attr(dir, sub, key, argv[i] + klen + 1);
		if (err)
			die(EX_FAIL, "%s/%s: %s (see dmesg)", sub, key, strerror(-err));
	}
	return 0;
}

int main(int argc, char **argv)
{
	int i = 1;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--json")) {
			json = 1;
		} else if (!strcmp(argv[i], "--root") && i + 1 < argc) {
			root = argv[++i];
		} else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(usage, stdout);
			return 0;
		} else {
			fprintf(stderr, "sriovctl: unknown option '%s'\n%s", argv[i], usage);
			return EX_USAGE;
		}
	}
	if (i >= argc) {
		fputs(usage, stderr);
		return EX_USAGE;
	}
	if (!strcmp(argv[i], "list") && argc == i + 1)
		return cmd_list();
	if (!strcmp(argv[i], "show") && argc <= i + 2)
		return cmd_show(argc == i + 2 ? argv[i + 1] : NULL);
	if (!strcmp(argv[i], "set"))
		return cmd_set(argc - i - 1, argv + i + 1);
	if (!strcmp(argv[i], "vf"))
		return cmd_vf(argc - i - 1, argv + i + 1);
	if (!strcmp(argv[i], "unset") && argc == i + 2)
		return cmd_unset(argv[i + 1]);
	if (!strcmp(argv[i], "dump") && argc == i + 1)
		return cmd_dump();
	fprintf(stderr, "sriovctl: unknown command or wrong arguments: '%s'\n%s", argv[i], usage);
	return EX_USAGE;
}
