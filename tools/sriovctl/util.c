// SPDX-License-Identifier: GPL-2.0
/*
 * sriovctl's helpers: messages, allocation that cannot fail quietly, a
 * growing buffer (no output has a fixed limit), files, directories, and
 * running a lister or modinfo.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sriovctl.h"

struct options opt = { .root = "", .timeout = -1 };
struct buf out;

static void vmessage(const char *fmt, va_list ap)
{
	fputs("sriovctl: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void die(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(fmt, ap);
	va_end(ap);
	exit(code);
}

void warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(fmt, ap);
	va_end(ap);
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		die(EX_FAIL, "out of memory");
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		die(EX_FAIL, "out of memory");
	return p;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xrealloc(NULL, n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

static char *vxasprintf(const char *fmt, va_list ap)
{
	va_list aq;
	char *p;
	int n;

	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0)
		die(EX_FAIL, "cannot format '%s'", fmt);
	p = xrealloc(NULL, (size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = vxasprintf(fmt, ap);
	va_end(ap);
	return s;
}

char *rpath(const char *fmt, ...)
{
	va_list ap;
	char *tail, *s;

	va_start(ap, fmt);
	tail = vxasprintf(fmt, ap);
	va_end(ap);
	s = xasprintf("%s%s", opt.root, tail);
	free(tail);
	return s;
}

static void buf_reserve(struct buf *b, size_t more)
{
	size_t need = b->len + more + 1;

	if (need <= b->cap)
		return;
	if (need < b->len)
		die(EX_FAIL, "out of memory");
	b->cap = b->cap ? b->cap : 256;
	while (b->cap < need)
		b->cap *= 2;
	b->p = xrealloc(b->p, b->cap);
}

void buf_add(struct buf *b, const char *s, size_t n)
{
	buf_reserve(b, n);
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void buf_puts(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		die(EX_FAIL, "cannot format '%s'", fmt);
	buf_reserve(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void buf_json_str(struct buf *b, const char *s)
{
	buf_add(b, "\"", 1);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			buf_printf(b, "\\%c", c);
		else if (c == '\n')
			buf_puts(b, "\\n");
		else if (c == '\t')
			buf_puts(b, "\\t");
		else if (c < 0x20 || c == 0x7f)
			buf_printf(b, "\\u%04x", c);
		else
			buf_add(b, (const char *)&c, 1);
	}
	buf_add(b, "\"", 1);
}

/* A field as JSON: null for "-" or empty, a number if it is one. */
void buf_json_val(struct buf *b, const char *s)
{
	const char *p = s;

	if (!s || !*s || !strcmp(s, "-")) {
		buf_puts(b, "null");
		return;
	}
	if (*p == '-')
		p++;
	if (*p && strspn(p, "0123456789") == strlen(p) &&
	    (p[0] != '0' || !p[1])) {
		buf_puts(b, s);
		return;
	}
	buf_json_str(b, s);
}

void buf_free(struct buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = 0;
	b->cap = 0;
}

char *read_file(const char *file, size_t *len)
{
	struct buf b = { 0 };
	char chunk[8192];
	ssize_t n;
	int fd = open(file, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	/* sysfs and configfs files may say 4096 in st_size: read to EOF. */
	buf_reserve(&b, 0);
	b.p[0] = '\0';
	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0) {
			int err = errno;

			if (err == EINTR)
				continue;
			close(fd);
			buf_free(&b);
			errno = err;
			return NULL;
		}
		buf_add(&b, chunk, (size_t)n);
	}
	close(fd);
	if (len)
		*len = b.len;
	return b.p;
}

char *read_value(const char *file)
{
	size_t n;
	char *s = read_file(file, &n);

	if (!s)
		return NULL;
	while (n && s[n - 1] == '\n')
		s[--n] = '\0';
	return s;
}

int write_value(const char *file, const char *value)
{
	char *text = xasprintf("%s\n", value);
	size_t len = strlen(text);
	int fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ssize_t n;
	int err = 0;

	if (fd < 0) {
		err = -errno;
		free(text);
		return err;
	}
	/* One write: configfs stores what one write() hands it. */
	n = write(fd, text, len);
	if (n < 0)
		err = -errno;
	else if ((size_t)n != len)
		err = -EIO;
	if (close(fd) && !err)
		err = -errno;
	free(text);
	return err;
}

bool is_dir(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

bool exists(const char *path)
{
	struct stat st;

	return !stat(path, &st);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char * const *)a, *(char * const *)b);
}

char **list_dir(const char *dir, bool dirs)
{
	DIR *dp = opendir(dir);
	struct dirent *d;
	char **v = NULL;
	size_t n = 0, cap = 0;

	if (!dp)
		return NULL;
	/* readdir() says NULL at the end and on an error: errno tells. */
	for (errno = 0; (d = readdir(dp)); errno = 0) {
		if (d->d_name[0] == '.')
			continue;
		if (dirs) {
			char *p = xasprintf("%s/%s", dir, d->d_name);
			bool keep = is_dir(p);

			free(p);
			if (!keep)
				continue;
		}
		if (n + 2 > cap) {
			cap = cap ? cap * 2 : 16;
			v = xrealloc(v, cap * sizeof(*v));
		}
		v[n++] = xstrdup(d->d_name);
	}
	if (errno) {
		int err = errno;

		closedir(dp);
		while (n)
			free(v[--n]);
		free(v);
		errno = err;
		return NULL;
	}
	closedir(dp);
	if (!v)
		v = xcalloc(1, sizeof(*v));
	v[n] = NULL;
	qsort(v, n, sizeof(*v), cmp_names);
	return v;
}

void free_list(char **v)
{
	size_t i;

	if (!v)
		return;
	for (i = 0; v[i]; i++)
		free(v[i]);
	free(v);
}

size_t list_len(char **v)
{
	size_t n = 0;

	while (v[n])
		n++;
	return n;
}

const char *kernel_release(void)
{
	static char *release;
	struct utsname u;

	if (release)
		return release;
	/* A fixture tree says which kernel it stands for; a host says uname. */
	if (opt.root[0]) {
		char *file = rpath("/proc/sys/kernel/osrelease");

		release = read_value(file);
		free(file);
		if (release && *release)
			return release;
		free(release);
	}
	if (uname(&u))
		die(EX_FAIL, "uname: %s", strerror(errno));
	release = xstrdup(u.release);
	return release;
}

char *find_in_path(const char *name)
{
	const char *path = getenv("PATH");
	const char *p, *end;

	if (!path)
		return NULL;
	for (p = path; ; p = end + 1) {
		char *cand;

		end = strchr(p, ':');
		if (!end)
			end = p + strlen(p);
		cand = xasprintf("%.*s/%s", (int)(end - p), end == p ? "." : p,
				 name);
		if (!access(cand, X_OK) && !is_dir(cand))
			return cand;
		free(cand);
		if (!*end)
			return NULL;
	}
}

int run_capture(char *const argv[], struct buf *output)
{
	int fds[2], status, null;
	char chunk[8192];
	ssize_t n;
	pid_t pid;

	if (pipe(fds))
		return -1;
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		null = open("/dev/null", O_RDWR);
		if (null < 0 || dup2(null, 0) < 0 || dup2(null, 2) < 0 ||
		    dup2(fds[1], 1) < 0)
			_exit(127);
		close(fds[0]);
		if (fds[1] != 1)
			close(fds[1]);
		if (null > 2)
			close(null);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(fds[1]);
	while ((n = read(fds[0], chunk, sizeof(chunk))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		buf_add(output, chunk, (size_t)n);
	}
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (!WIFEXITED(status) || WEXITSTATUS(status) == 127)
		return -1;
	return WEXITSTATUS(status);
}

int parse_pf(const char *s, struct sriovh_target *t)
{
	const char *why;

	if (sriovh_parse_target(s, strlen(s), t, &why)) {
		warn("invalid PF '%s': %s", s, why);
		return -1;
	}
	return 0;
}

/* @text's first line as is, every further line after @indent. */
void split_lines_indent(struct buf *b, const char *text, const char *indent)
{
	const char *nl;

	for (;;) {
		nl = strchr(text, '\n');
		buf_add(b, text, nl ? (size_t)(nl - text) : strlen(text));
		buf_add(b, "\n", 1);
		if (!nl || !nl[1])
			return;
		text = nl + 1;
		buf_puts(b, indent);
	}
}
