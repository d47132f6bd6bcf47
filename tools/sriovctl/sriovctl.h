/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sriovctl's internal interfaces: options, output, small helpers, and the
 * commands (one file each: configfs.c, inventory.c, dump.c, module.c).
 */
#ifndef SRIOVCTL_H
#define SRIOVCTL_H

#include <stdbool.h>
#include <stddef.h>

#include <sriov_helper/parse.h>

/* Exit codes, as sriovctl(8) documents them. */
#define EX_FAIL		1	/* the operation failed */
#define EX_USAGE	2	/* bad usage or input: nothing was changed */
#define EX_ABSENT	3	/* module not loaded, configfs/debugfs missing */

#ifndef SRIOVH_VERSION
#define SRIOVH_VERSION "unknown"
#endif

#define PRINTF(f, a)	__attribute__((format(printf, f, a)))
#define NORETURN	__attribute__((noreturn))

struct options {
	const char *root;	/* prefix of every system path: "" or --root */
	bool json;
	double timeout;		/* seconds, for wait */
	const char *output;	/* --output FILE, for metrics */
	bool dry_run;		/* apply: print, do not write */
};

extern struct options opt;

/* A growing text buffer, always NUL-terminated once written to. */
struct buf {
	char *p;
	size_t len;
	size_t cap;
};

/* What goes to stdout: written in one piece when the command is done. */
extern struct buf out;

NORETURN PRINTF(2, 3) void die(int code, const char *fmt, ...);
PRINTF(1, 2) void warn(const char *fmt, ...);
void *xrealloc(void *p, size_t n);
void *xcalloc(size_t n, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
PRINTF(1, 2) char *xasprintf(const char *fmt, ...);
/* A system path under --root, allocated. */
PRINTF(1, 2) char *rpath(const char *fmt, ...);

void buf_add(struct buf *b, const char *s, size_t n);
void buf_puts(struct buf *b, const char *s);
PRINTF(2, 3) void buf_printf(struct buf *b, const char *fmt, ...);
void buf_json_str(struct buf *b, const char *s);
void buf_json_val(struct buf *b, const char *s);
void buf_free(struct buf *b);

/* The whole file, NUL-terminated; NULL with errno set when unreadable. */
char *read_file(const char *file, size_t *len);
/* A sysfs/configfs value: the file with its trailing newlines dropped. */
char *read_value(const char *file);
/* Write "value\n" in one write(); 0 or -errno. */
int write_value(const char *file, const char *value);
bool is_dir(const char *path);
bool exists(const char *path);
/* The names in @dir (directories only if @dirs), sorted; NULL + errno. */
char **list_dir(const char *dir, bool dirs);
void free_list(char **v);
size_t list_len(char **v);

/* The running kernel's release (--root's proc/sys/kernel/osrelease). */
const char *kernel_release(void);
/* A command's path from $PATH, allocated, or NULL. */
char *find_in_path(const char *name);
/*
 * Run argv[0] (looked up in $PATH) with stdin and stderr on /dev/null;
 * its stdout goes to @output. Return: its exit status, or -1 when it could
 * not be run.
 */
int run_capture(char *const argv[], struct buf *output);

int parse_pf(const char *s, struct sriovh_target *t);
void split_lines_indent(struct buf *b, const char *text, const char *indent);

/* module.c: exit 3 with the reason when the module is not there. */
void need_module(void);
const char *configfs_dir(void);

/* sha256.c */
void sha256_hex(const void *data, size_t len, char hex[65]);

/* The commands: positional arguments after the command word. */
int cmd_list(int argc, char **argv);
int cmd_set(int argc, char **argv);
int cmd_vf(int argc, char **argv);
int cmd_unset(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_wait(int argc, char **argv);
int cmd_dump(int argc, char **argv);
int cmd_metrics(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_apply(int argc, char **argv);

/* inventory.c: the debugfs inventory, read once. */
struct field {
	char *key;
	char *val;
};

/* One inventory line split in place into its fields. */
struct inv_line {
	char *kind;		/* "pf" or "vf" */
	char *addr;
	struct field *f;
	size_t nf;
	size_t cap;
};

struct inv_rec {
	char *text;		/* the line, which @l points into */
	struct inv_line l;
};

struct inventory {
	int version;
	struct inv_rec *rec;	/* in the file's order: a PF, then its VFs */
	size_t n;
};

void inventory_read(struct inventory *inv);
/* A field's value; "-" when the line has no such field. */
const char *inv_get(const struct inv_rec *r, const char *key);
bool inv_is_pf(const struct inv_rec *r);
void inventory_free(struct inventory *inv);

/* dump.c: the configuration in effect (parameters merged with configfs). */
struct pf_list {
	struct sriovh_entry *v;
	size_t n;
	size_t cap;
};

struct vf_list {
	struct sriovh_vfspec *v;
	size_t n;
	size_t cap;
};

void config_in_effect(struct pf_list *pfs, struct vf_list *vfs);
void config_params(struct pf_list *pfs, struct vf_list *vfs);
/* The set in @vfs that covers VF @index of the PF at address @pf, or NULL. */
const struct sriovh_vfspec *vf_setting(const struct vf_list *vfs,
				       const struct sriovh_target *pf,
				       unsigned int index);

/* configfs.c, for dump: an entry's request, and the sets under it. */
struct vfset {
	char *name;		/* vfN or vfN-M */
	u16 first;
	u16 last;
	char *text[SRIOVH_NR_VKEYS];	/* as read; NULL or "" when unset */
	char *status;
};

char **config_entries(const char *dir);
int config_find_entry(const char *dir, const struct sriovh_target *t,
		      char **name);
int config_read_entry(const char *dir, const char *name,
		      struct sriovh_entry *e);
struct vfset *config_read_sets(const char *dir, const char *entry, size_t *n);
void config_free_sets(struct vfset *s, size_t n);
void vfset_values(const struct vfset *s, const char *where,
		  struct sriovh_vfvals *v);

#endif /* SRIOVCTL_H */
