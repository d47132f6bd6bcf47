// SPDX-License-Identifier: GPL-2.0
/*
 * Parser for the pf= parameter and configfs entry names. Plain C with no
 * kernel helpers, so that sriovctl and the user-space fuzzer compile this
 * very file; see include/sriov_helper/parse.h for the grammar.
 */
#ifdef __KERNEL__
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>
#else
#include <errno.h>
#include <stdio.h>
#include <string.h>
#endif

#include <sriov_helper/parse.h>

static int sriovh_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Parse 1..maxdigits hex digits of s[0..len) into *out, all of them. */
static int sriovh_parse_hex(const char *s, size_t len, size_t maxdigits,
			    u32 *out)
{
	u32 v = 0;
	size_t i;

	if (len == 0 || len > maxdigits)
		return -EINVAL;
	for (i = 0; i < len; i++) {
		int d = sriovh_hexval(s[i]);

		if (d < 0)
			return -EINVAL;
		v = (v << 4) | (u32)d;
	}
	*out = v;
	return 0;
}

/**
 * sriovh_parse_u16() - parse a decimal count, as sriov_numvfs takes it
 * @s: text, not NUL-terminated
 * @len: its length
 * @out: the value, set only on success
 * @why: on failure, a static description
 *
 * Only digits: no sign, no base prefix, no white space; leading zeros are
 * harmless. Return: 0 or -EINVAL (not a number) or -ERANGE (above 65535).
 */
int sriovh_parse_u16(const char *s, size_t len, u16 *out, const char **why)
{
	u32 v = 0;
	size_t i;

	if (len == 0) {
		*why = "missing number";
		return -EINVAL;
	}
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9') {
			*why = "not a decimal number";
			return -EINVAL;
		}
		v = v * 10 + (u32)(s[i] - '0');
		if (v > 0xffff) {
			*why = "out of range 0-65535";
			return -ERANGE;
		}
	}
	*out = (u16)v;
	return 0;
}

static const char *sriovh_target_syntax =
	"expected [DOMAIN:]BB:DD.F or VVVV:DDDD (hex)";

/**
 * sriovh_parse_target() - parse a PCI address or a vendor:device pair
 * @s: text, not NUL-terminated
 * @len: its length
 * @t: the target, set only on success
 * @why: on failure, a static description
 *
 * An address has a '.', an ID has none; an ID takes exactly four digits
 * on each side so that "01:00" (a truncated address) is not read as one.
 * Return: 0 or -EINVAL.
 */
int sriovh_parse_target(const char *s, size_t len, struct sriovh_target *t,
			const char **why)
{
	const char *end = s + len;
	const char *dot = memchr(s, '.', len);
	const char *c1 = memchr(s, ':', len);
	const char *c2, *busp;
	u32 dom = 0, bus, dev, fn, ven, did;

	*why = sriovh_target_syntax;
	if (!c1)
		return -EINVAL;

	if (!dot) {
		if (c1 - s != 4 || len != 9 ||
		    sriovh_parse_hex(s, 4, 4, &ven) ||
		    sriovh_parse_hex(c1 + 1, 4, 4, &did))
			return -EINVAL;
		memset(t, 0, sizeof(*t));
		t->kind = SRIOVH_TARGET_ID;
		t->vendor = (u16)ven;
		t->device = (u16)did;
		return 0;
	}
	if (dot < c1)
		return -EINVAL;

	/* [DOMAIN:]BUS:DEV.FN: a second colon before the dot means a domain. */
	busp = s;
	c2 = memchr(c1 + 1, ':', (size_t)(dot - (c1 + 1)));
	if (c2) {
		if (sriovh_parse_hex(s, (size_t)(c1 - s), 8, &dom)) {
			*why = "bad PCI domain (1-8 hex digits)";
			return -EINVAL;
		}
		busp = c1 + 1;
		c1 = c2;
	}
	if (sriovh_parse_hex(busp, (size_t)(c1 - busp), 2, &bus)) {
		*why = "bad PCI bus (1-2 hex digits)";
		return -EINVAL;
	}
	if (sriovh_parse_hex(c1 + 1, (size_t)(dot - (c1 + 1)), 2, &dev) ||
	    dev > 0x1f) {
		*why = "bad PCI device (hex 00-1f)";
		return -EINVAL;
	}
	if (sriovh_parse_hex(dot + 1, (size_t)(end - (dot + 1)), 1, &fn) ||
	    fn > 7) {
		*why = "bad PCI function (0-7)";
		return -EINVAL;
	}
	memset(t, 0, sizeof(*t));
	t->kind = SRIOVH_TARGET_ADDR;
	t->domain = dom;
	t->bus = (u8)bus;
	t->devfn = (u8)((dev << 3) | fn);
	return 0;
}

static void sriovh_set_error(struct sriovh_parse_error *err,
			     const char *entry, size_t entry_len,
			     const char *token, size_t token_len,
			     const char *why)
{
	err->entry = entry;
	err->entry_len = entry_len;
	err->token = token;
	err->token_len = token_len;
	err->why = why;
}

static const char * const sriovh_policy_names[] = {
	[SRIOVH_BUSRANGE_CLAMP] = "clamp",
	[SRIOVH_BUSRANGE_FAIL] = "fail",
};

const char *sriovh_policy_name(enum sriovh_busrange_policy policy)
{
	return (size_t)policy < ARRAY_SIZE(sriovh_policy_names) ?
	       sriovh_policy_names[policy] : "?";
}

/**
 * sriovh_parse_policy() - parse an on_bus_range value
 * @s: text, not NUL-terminated
 * @len: its length
 * @out: the policy, set only on success
 * @why: on failure, a static description
 *
 * Return: 0 or -EINVAL.
 */
int sriovh_parse_policy(const char *s, size_t len,
			enum sriovh_busrange_policy *out, const char **why)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(sriovh_policy_names); i++) {
		if (strlen(sriovh_policy_names[i]) == len &&
		    !memcmp(s, sriovh_policy_names[i], len)) {
			*out = (enum sriovh_busrange_policy)i;
			return 0;
		}
	}
	*why = "on_bus_range must be clamp or fail";
	return -EINVAL;
}

enum sriovh_key {
	SRIOVH_KEY_VFS,
	SRIOVH_KEY_ON_BUS_RANGE,
	SRIOVH_NR_KEYS,
};

static const char * const sriovh_key_names[SRIOVH_NR_KEYS] = {
	[SRIOVH_KEY_VFS] = "vfs",
	[SRIOVH_KEY_ON_BUS_RANGE] = "on_bus_range",
};

static int sriovh_key_lookup(const char *s, size_t len)
{
	int k;

	for (k = 0; k < SRIOVH_NR_KEYS; k++)
		if (strlen(sriovh_key_names[k]) == len &&
		    !memcmp(s, sriovh_key_names[k], len))
			return k;
	return -1;
}

/*
 * Parse "key=value" pairs of one entry. Every key may appear once; vfs is
 * required because an entry without a count would do nothing.
 */
static int sriovh_parse_keys(const char *p, const char *end,
			     const char *entry, size_t entry_len,
			     struct sriovh_entry *e,
			     struct sriovh_parse_error *err)
{
	unsigned int seen = 0;

	if (p == end) {
		sriovh_set_error(err, entry, entry_len, p - 1, 1,
				 "trailing comma");
		return -EINVAL;
	}
	while (p < end) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		const char *kend = comma ? comma : end;
		const char *eq = memchr(p, '=', (size_t)(kend - p));
		const char *val, *why;
		size_t vlen;
		int key, ret;

		if (kend == p) {
			sriovh_set_error(err, entry, entry_len, p, 0,
					 "empty key=value");
			return -EINVAL;
		}
		if (!eq) {
			sriovh_set_error(err, entry, entry_len, p,
					 (size_t)(kend - p),
					 "expected key=value");
			return -EINVAL;
		}
		key = sriovh_key_lookup(p, (size_t)(eq - p));
		if (key < 0) {
			sriovh_set_error(err, entry, entry_len, p,
					 (size_t)(eq - p),
					 "unknown key (known: vfs, on_bus_range)");
			return -EINVAL;
		}
		if (seen & (1u << key)) {
			sriovh_set_error(err, entry, entry_len, p,
					 (size_t)(kend - p), "key given twice");
			return -EINVAL;
		}
		seen |= 1u << key;
		val = eq + 1;
		vlen = (size_t)(kend - val);
		if (key == SRIOVH_KEY_VFS)
			ret = sriovh_parse_u16(val, vlen, &e->vfs, &why);
		else
			ret = sriovh_parse_policy(val, vlen, &e->on_bus_range,
						  &why);
		if (ret) {
			sriovh_set_error(err, entry, entry_len, p,
					 (size_t)(kend - p), why);
			return ret;
		}
		p = comma ? comma + 1 : end;
		if (comma && p == end) {
			sriovh_set_error(err, entry, entry_len, comma, 1,
					 "trailing comma");
			return -EINVAL;
		}
	}
	if (!(seen & (1u << SRIOVH_KEY_VFS))) {
		sriovh_set_error(err, entry, entry_len, entry, entry_len,
				 "missing vfs=N");
		return -EINVAL;
	}
	return 0;
}

/**
 * sriovh_parse_next() - parse the next ';'-separated entry
 * @cursor: in: where to start; out: past the entry and its separator
 * @e: the entry, valid only on a return of 1
 * @err: on failure, what and where
 *
 * Return: 1 when an entry was parsed, 0 at the end of the text, or a
 * negative errno with @err filled in.
 */
int sriovh_parse_next(const char **cursor, struct sriovh_entry *e,
		      struct sriovh_parse_error *err)
{
	const char *p = *cursor;
	const char *end, *comma;
	const char *why;
	size_t len;
	int ret;

	if (!*p)
		return 0;
	end = strchr(p, ';');
	if (!end)
		end = p + strlen(p);
	len = (size_t)(end - p);
	if (len == 0) {
		sriovh_set_error(err, p, 0, p, 0, "empty entry");
		return -EINVAL;
	}

	comma = memchr(p, ',', len);
	if (!comma) {
		sriovh_set_error(err, p, len, p, len, "missing ,vfs=N");
		return -EINVAL;
	}
	memset(e, 0, sizeof(*e));
	ret = sriovh_parse_target(p, (size_t)(comma - p), &e->target, &why);
	if (ret) {
		sriovh_set_error(err, p, len, p, (size_t)(comma - p), why);
		return ret;
	}
	ret = sriovh_parse_keys(comma + 1, end, p, len, e, err);
	if (ret)
		return ret;

	*cursor = *end ? end + 1 : end;
	if (*end && !**cursor) {
		sriovh_set_error(err, end, 1, end, 1, "trailing ';'");
		return -EINVAL;
	}
	return 1;
}

bool sriovh_target_equal(const struct sriovh_target *a,
			 const struct sriovh_target *b)
{
	if (a->kind != b->kind)
		return false;
	if (a->kind == SRIOVH_TARGET_ID)
		return a->vendor == b->vendor && a->device == b->device;
	return a->domain == b->domain && a->bus == b->bus &&
	       a->devfn == b->devfn;
}

/* Canonical form: the way the kernel names devices, or "vvvv:dddd". */
int sriovh_format_target(const struct sriovh_target *t, char *buf, size_t len)
{
	if (t->kind == SRIOVH_TARGET_ID)
		return snprintf(buf, len, "%04x:%04x", t->vendor, t->device);
	return snprintf(buf, len, "%04x:%02x:%02x.%u", t->domain, t->bus,
			t->devfn >> 3, t->devfn & 7);
}
