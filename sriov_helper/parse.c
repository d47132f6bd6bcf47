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

/* The index of the name that is exactly s[0..len), or -1. */
static int sriovh_name_lookup(const char * const *names, size_t n,
			      const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strlen(names[i]) == len && !memcmp(s, names[i], len))
			return (int)i;
	return -1;
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
	int i = sriovh_name_lookup(sriovh_policy_names,
				   ARRAY_SIZE(sriovh_policy_names), s, len);

	if (i < 0) {
		*why = "on_bus_range must be clamp or fail";
		return -EINVAL;
	}
	*out = (enum sriovh_busrange_policy)i;
	return 0;
}

static const char * const sriovh_irq_mode_names[] = {
	[SRIOVH_IRQ_SPREAD] = "spread",
	[SRIOVH_IRQ_OFF] = "off",
};

const char *sriovh_irq_mode_name(enum sriovh_irq_mode mode)
{
	return (size_t)mode < ARRAY_SIZE(sriovh_irq_mode_names) ?
	       sriovh_irq_mode_names[mode] : "?";
}

/**
 * sriovh_parse_irq_mode() - parse an irq value
 * @s: text, not NUL-terminated
 * @len: its length
 * @out: the mode, set only on success
 * @why: on failure, a static description
 *
 * Return: 0 or -EINVAL.
 */
int sriovh_parse_irq_mode(const char *s, size_t len,
			  enum sriovh_irq_mode *out, const char **why)
{
	int i = sriovh_name_lookup(sriovh_irq_mode_names,
				   ARRAY_SIZE(sriovh_irq_mode_names), s, len);

	if (i < 0) {
		*why = "irq must be spread or off";
		return -EINVAL;
	}
	*out = (enum sriovh_irq_mode)i;
	return 0;
}

static const char * const sriovh_vf_bind_names[] = {
	[SRIOVH_VFBIND_PARALLEL] = "parallel",
	[SRIOVH_VFBIND_SERIAL] = "serial",
};

const char *sriovh_vf_bind_name(enum sriovh_vf_bind bind)
{
	return (size_t)bind < ARRAY_SIZE(sriovh_vf_bind_names) ?
	       sriovh_vf_bind_names[bind] : "?";
}

/**
 * sriovh_parse_vf_bind() - parse a vf_bind value
 * @s: text, not NUL-terminated
 * @len: its length
 * @out: the choice, set only on success
 * @why: on failure, a static description
 *
 * Return: 0 or -EINVAL.
 */
int sriovh_parse_vf_bind(const char *s, size_t len, enum sriovh_vf_bind *out,
			 const char **why)
{
	int i = sriovh_name_lookup(sriovh_vf_bind_names,
				   ARRAY_SIZE(sriovh_vf_bind_names), s, len);

	if (i < 0) {
		*why = "vf_bind must be parallel or serial";
		return -EINVAL;
	}
	*out = (enum sriovh_vf_bind)i;
	return 0;
}

/* A CPU number: 1-4 decimal digits, at most SRIOVH_CPU_MAX. */
static int sriovh_parse_cpu(const char *s, size_t len, u16 *out)
{
	u16 v;
	const char *why;

	if (len > 4 || sriovh_parse_u16(s, len, &v, &why) ||
	    v > SRIOVH_CPU_MAX)
		return -EINVAL;
	*out = v;
	return 0;
}

/**
 * sriovh_parse_cpulist() - parse a CPU list as the kernel prints one
 * @s: text, not NUL-terminated, e.g. "0-3,8"
 * @len: its length
 * @l: the list, sorted and merged, set only on success
 * @why: on failure, a static description
 *
 * The grammar is cpulist_parse()'s without its strides and "all": what
 * /sys/devices/system/cpu/online and the *_list files print. Overlaps and
 * any order are accepted and merged.
 *
 * Return: 0 or -EINVAL.
 */
int sriovh_parse_cpulist(const char *s, size_t len, struct sriovh_cpulist *l,
			 const char **why)
{
	struct sriovh_cpulist out;
	const char *end = s + len;
	unsigned int i, j;

	memset(&out, 0, sizeof(out));
	if (len == 0) {
		*why = "empty CPU list";
		return -EINVAL;
	}
	while (s <= end) {
		const char *comma = memchr(s, ',', (size_t)(end - s));
		const char *iend = comma ? comma : end;
		const char *dash = memchr(s, '-', (size_t)(iend - s));
		u16 first, last;

		if (out.nr == SRIOVH_CPULIST_RANGES) {
			*why = "too many ranges in CPU list (at most 16)";
			return -EINVAL;
		}
		if (sriovh_parse_cpu(s, (size_t)((dash ? dash : iend) - s),
				     &first) ||
		    (dash && sriovh_parse_cpu(dash + 1,
					      (size_t)(iend - (dash + 1)),
					      &last))) {
			*why = "bad CPU number (decimal 0-8191, N or N-M, comma-separated)";
			return -EINVAL;
		}
		if (!dash)
			last = first;
		if (last < first) {
			*why = "CPU range goes backwards";
			return -EINVAL;
		}
		/* Insert in order of first CPU. */
		for (i = out.nr; i > 0 && out.r[i - 1].first > first; i--)
			out.r[i] = out.r[i - 1];
		out.r[i].first = first;
		out.r[i].last = last;
		out.nr++;
		if (!comma)
			break;
		s = comma + 1;
	}
	/* Merge overlapping and adjacent ranges. */
	for (i = 0, j = 1; j < out.nr; j++) {
		if (out.r[j].first <= out.r[i].last + 1) {
			if (out.r[j].last > out.r[i].last)
				out.r[i].last = out.r[j].last;
		} else {
			out.r[++i] = out.r[j];
		}
	}
	out.nr = (u16)(i + 1);
	/* Clear what merging left behind, so equal lists are equal structs. */
	memset(&out.r[out.nr], 0,
	       (SRIOVH_CPULIST_RANGES - out.nr) * sizeof(out.r[0]));
	*l = out;
	return 0;
}

/* Canonical form, "0-3,8"; "" for the default (empty) list. */
int sriovh_format_cpulist(const struct sriovh_cpulist *l, char *buf,
			  size_t len)
{
	size_t n = 0;
	unsigned int i;

	if (len)
		buf[0] = '\0';
	for (i = 0; i < l->nr && n < len; i++) {
		int w;

		if (l->r[i].first == l->r[i].last)
			w = snprintf(buf + n, len - n, "%s%u", i ? "," : "",
				     l->r[i].first);
		else
			w = snprintf(buf + n, len - n, "%s%u-%u", i ? "," : "",
				     l->r[i].first, l->r[i].last);
		if (w < 0)
			return w;
		n += (size_t)w;
	}
	return (int)n;
}

static bool sriovh_driver_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '-';
}

/* The reserved vf_driver words; any other value names a driver. */
static const char * const sriovh_vfdrv_words[] = {
	[SRIOVH_VFDRV_AUTO] = "auto",
	[SRIOVH_VFDRV_NONE] = "none",
};

/**
 * sriovh_parse_vf_driver() - parse a vf_driver value
 * @s: text, not NUL-terminated
 * @len: its length
 * @out: the choice, set only on success
 * @why: on failure, a static description
 *
 * "auto" (the kernel's choice), "none" (no driver) or a driver name as
 * the PCI bus knows it (letters, digits, '_' and '-'; as driver_override
 * takes it, with nothing that could be a path or an option).
 *
 * Return: 0 or -EINVAL.
 */
int sriovh_parse_vf_driver(const char *s, size_t len, struct sriovh_vfdrv *out,
			   const char **why)
{
	int word = sriovh_name_lookup(sriovh_vfdrv_words,
				      ARRAY_SIZE(sriovh_vfdrv_words), s, len);
	size_t i;

	if (word >= 0) {
		memset(out, 0, sizeof(*out));
		out->mode = (enum sriovh_vfdrv_mode)word;
		return 0;
	}
	if (len == 0 || len > SRIOVH_DRIVER_NAME_MAX) {
		*why = "vf_driver must be auto, none or a driver name of 1-31 characters";
		return -EINVAL;
	}
	for (i = 0; i < len; i++) {
		if (!sriovh_driver_char(s[i])) {
			*why = "a driver name has only letters, digits, '_' and '-'";
			return -EINVAL;
		}
	}
	memset(out, 0, sizeof(*out));
	out->mode = SRIOVH_VFDRV_NAMED;
	memcpy(out->name, s, len);
	return 0;
}

const char *sriovh_vf_driver_name(const struct sriovh_vfdrv *d)
{
	return d->mode == SRIOVH_VFDRV_NAMED ? d->name :
	       sriovh_vfdrv_words[d->mode];
}

bool sriovh_vfdrv_equal(const struct sriovh_vfdrv *a,
			const struct sriovh_vfdrv *b)
{
	return a->mode == b->mode && !strcmp(a->name, b->name);
}

/**
 * sriovh_parse_mac() - parse a VF MAC address, "52:54:00:12:34:56"
 * @s: text, not NUL-terminated
 * @len: its length
 * @mac: the address, set only on success
 * @why: on failure, a static description
 *
 * Six two-digit hex octets separated by ':'. A VF needs a unicast address,
 * so multicast (and broadcast) addresses and the all-zero one are refused.
 *
 * Return: 0 or -EINVAL.
 */
int sriovh_parse_mac(const char *s, size_t len, u8 mac[6], const char **why)
{
	u8 m[6];
	u32 v;
	size_t i;

	if (len != 17) {
		*why = "a MAC address is six hex octets, as 02:00:00:00:00:01";
		return -EINVAL;
	}
	for (i = 0; i < 6; i++) {
		if ((i < 5 && s[i * 3 + 2] != ':') ||
		    sriovh_parse_hex(s + i * 3, 2, 2, &v)) {
			*why = "a MAC address is six hex octets, as 02:00:00:00:00:01";
			return -EINVAL;
		}
		m[i] = (u8)v;
	}
	if (m[0] & 1) {
		*why = "multicast address: a VF needs a unicast MAC";
		return -EINVAL;
	}
	if (!(m[0] | m[1] | m[2] | m[3] | m[4] | m[5])) {
		*why = "all-zero address (write nothing to leave the MAC to the driver)";
		return -EINVAL;
	}
	memcpy(mac, m, sizeof(m));
	return 0;
}

/* Return: 0 or -EINVAL; VLAN 0 means untagged (no port VLAN). */
int sriovh_parse_vlan(const char *s, size_t len, u16 *vlan, const char **why)
{
	u16 v;

	if (sriovh_parse_u16(s, len, &v, why) || v > SRIOVH_VLAN_MAX) {
		*why = "VLAN ID must be decimal 0-4094 (0: untagged)";
		return -EINVAL;
	}
	*vlan = v;
	return 0;
}

/* Return: 0 with *on set, or -EINVAL. */
int sriovh_parse_onoff(const char *s, size_t len, bool *on, const char **why)
{
	static const char * const words[] = { "off", "on" };
	int i = sriovh_name_lookup(words, ARRAY_SIZE(words), s, len);

	if (i < 0) {
		*why = "must be on or off";
		return -EINVAL;
	}
	*on = i;
	return 0;
}

/* A VF index: decimal, no leading zeros (vf03 would be a second vf3). */
static int sriovh_parse_vf_index(const char *s, size_t len, u16 *out)
{
	const char *why;
	u16 v;

	if (len == 0 || (s[0] == '0' && len > 1) ||
	    sriovh_parse_u16(s, len, &v, &why) || v > SRIOVH_VF_INDEX_MAX)
		return -EINVAL;
	*out = v;
	return 0;
}

/**
 * sriovh_parse_vf_range() - parse "N" or "N-M", VF indices from 0
 * @s: text, not NUL-terminated
 * @len: its length
 * @first: the first index, set only on success
 * @last: the last index (@first for "N"), set only on success
 * @why: on failure, a static description
 *
 * Return: 0 or -EINVAL.
 */
int sriovh_parse_vf_range(const char *s, size_t len, u16 *first, u16 *last,
			  const char **why)
{
	const char *dash = memchr(s, '-', len);
	u16 a, b;

	if (sriovh_parse_vf_index(s, dash ? (size_t)(dash - s) : len, &a) ||
	    (dash && sriovh_parse_vf_index(dash + 1,
					   (size_t)(s + len - (dash + 1)),
					   &b))) {
		*why = "VF indices are decimal 0-65534 without leading zeros, N or N-M";
		return -EINVAL;
	}
	if (!dash)
		b = a;
	if (b < a) {
		*why = "VF range goes backwards";
		return -EINVAL;
	}
	*first = a;
	*last = b;
	return 0;
}

/**
 * sriovh_parse_vf_dirname() - parse a per-VF directory name, "vf3", "vf0-3"
 * @s: text, not NUL-terminated
 * @len: its length
 * @first: the first VF index (0-based, as "ip link set PF vf N" counts)
 * @last: the last one, @first for "vfN"
 * @why: on failure, a static description
 *
 * Return: 0 or -EINVAL.
 */
int sriovh_parse_vf_dirname(const char *s, size_t len, u16 *first, u16 *last,
			    const char **why)
{
	if (len < 3 || s[0] != 'v' || s[1] != 'f' ||
	    sriovh_parse_vf_range(s + 2, len - 2, first, last, why)) {
		*why = "per-VF entries are named vfN or vfN-M (VF indices, no leading zeros)";
		return -EINVAL;
	}
	return 0;
}

/* "3" or "0-3". */
int sriovh_format_vf_range(u16 first, u16 last, char *buf, size_t len)
{
	if (first == last)
		return snprintf(buf, len, "%u", first);
	return snprintf(buf, len, "%u-%u", first, last);
}

static const char * const sriovh_vf_key_names[SRIOVH_NR_VKEYS] = {
	[SRIOVH_VK_MAC] = "mac",
	[SRIOVH_VK_VLAN] = "vlan",
	[SRIOVH_VK_QOS] = "qos",
	[SRIOVH_VK_VLAN_PROTO] = "vlan_proto",
	[SRIOVH_VK_SPOOFCHK] = "spoofchk",
	[SRIOVH_VK_TRUST] = "trust",
	[SRIOVH_VK_LINK_STATE] = "link_state",
	[SRIOVH_VK_QUERY_RSS] = "query_rss",
	[SRIOVH_VK_MIN_TX_RATE] = "min_tx_rate",
	[SRIOVH_VK_MAX_TX_RATE] = "max_tx_rate",
	[SRIOVH_VK_NODE_GUID] = "node_guid",
	[SRIOVH_VK_PORT_GUID] = "port_guid",
	[SRIOVH_VK_VF_DRIVER] = "vf_driver",
	[SRIOVH_VK_MSIX] = "msix",
};

/* Return: the key that is exactly s[0..len), or -1. */
int sriovh_vf_key_lookup(const char *s, size_t len)
{
	return sriovh_name_lookup(sriovh_vf_key_names, SRIOVH_NR_VKEYS, s, len);
}

const char *sriovh_vf_key_name(enum sriovh_vf_key k)
{
	return (size_t)k < SRIOVH_NR_VKEYS ? sriovh_vf_key_names[k] : "?";
}

static const char * const sriovh_link_state_names[] = {
	[SRIOVH_LINK_AUTO] = "auto",
	[SRIOVH_LINK_ENABLE] = "enable",
	[SRIOVH_LINK_DISABLE] = "disable",
};

static const char * const sriovh_vlan_proto_names[] = {
	[SRIOVH_PROTO_8021Q] = "802.1Q",
	[SRIOVH_PROTO_8021AD] = "802.1ad",
};

/* ip-link(8) spells them either way round: 802.1q and 802.1AD too. */
static int sriovh_parse_vlan_proto(const char *s, size_t len, u8 *out)
{
	size_t i, n;

	for (i = 0; i < ARRAY_SIZE(sriovh_vlan_proto_names); i++) {
		const char *name = sriovh_vlan_proto_names[i];

		if (strlen(name) != len)
			continue;
		for (n = 0; n < len; n++) {
			char a = s[n], b = name[n];

			if (a >= 'A' && a <= 'Z')
				a = (char)(a - 'A' + 'a');
			if (b >= 'A' && b <= 'Z')
				b = (char)(b - 'A' + 'a');
			if (a != b)
				break;
		}
		if (n == len) {
			*out = (u8)i;
			return 0;
		}
	}
	return -EINVAL;
}

/* Decimal 0-4294967295, digits only. */
static int sriovh_parse_u32(const char *s, size_t len, u32 *out)
{
	unsigned long long v = 0;
	size_t i;

	if (len == 0 || len > 10)
		return -EINVAL;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		v = v * 10 + (unsigned long long)(s[i] - '0');
	}
	if (v > SRIOVH_RATE_MAX)
		return -EINVAL;
	*out = (u32)v;
	return 0;
}

/* An EUI-64 as ip-link(8) writes a GUID: eight hex octets with ':'. */
static int sriovh_parse_guid(const char *s, size_t len, u64 *out)
{
	u64 g = 0;
	u32 o;
	size_t i;

	if (len != 23)
		return -EINVAL;
	for (i = 0; i < 8; i++) {
		if ((i < 7 && s[i * 3 + 2] != ':') ||
		    sriovh_parse_hex(s + i * 3, 2, 2, &o))
			return -EINVAL;
		g = (g << 8) | o;
	}
	*out = g;
	return 0;
}

static int sriovh_parse_vf_word(const char * const *names, size_t n,
				const char *s, size_t len, u8 *out)
{
	int i = sriovh_name_lookup(names, n, s, len);

	if (i < 0)
		return -EINVAL;
	*out = (u8)i;
	return 0;
}

/**
 * sriovh_parse_vf_value() - parse the value of one per-VF key
 * @k: the key
 * @s: text, not NUL-terminated
 * @len: its length
 * @v: the values; the key's field and its bit in @v->set are set only on
 *     success
 * @why: on failure, a static description
 *
 * The spellings are ip-link(8)'s. Conflicts between keys (qos without
 * vlan, ...) are sriovh_vfvals_conflict()'s.
 *
 * Return: 0 or -EINVAL.
 */
int sriovh_parse_vf_value(enum sriovh_vf_key k, const char *s, size_t len,
			  struct sriovh_vfvals *v, const char **why)
{
	struct sriovh_vfvals t = *v;
	bool on;
	u16 n;
	int ret = 0;

	switch (k) {
	case SRIOVH_VK_MAC:
		ret = sriovh_parse_mac(s, len, t.mac, why);
		break;
	case SRIOVH_VK_VLAN:
		ret = sriovh_parse_vlan(s, len, &t.vlan, why);
		break;
	case SRIOVH_VK_QOS:
		if (len != 1 || sriovh_parse_u16(s, len, &n, why) ||
		    n > SRIOVH_QOS_MAX) {
			*why = "qos is the VLAN priority, 0-7";
			return -EINVAL;
		}
		t.qos = (u8)n;
		break;
	case SRIOVH_VK_VLAN_PROTO:
		if (sriovh_parse_vlan_proto(s, len, &t.vlan_proto)) {
			*why = "vlan_proto must be 802.1Q or 802.1ad";
			return -EINVAL;
		}
		break;
	case SRIOVH_VK_SPOOFCHK:
	case SRIOVH_VK_TRUST:
	case SRIOVH_VK_QUERY_RSS:
		ret = sriovh_parse_onoff(s, len, &on, why);
		if (ret)
			return ret;
		if (k == SRIOVH_VK_SPOOFCHK)
			t.spoofchk = on;
		else if (k == SRIOVH_VK_TRUST)
			t.trust = on;
		else
			t.query_rss = on;
		break;
	case SRIOVH_VK_LINK_STATE:
		if (sriovh_parse_vf_word(sriovh_link_state_names,
					 ARRAY_SIZE(sriovh_link_state_names),
					 s, len, &t.link_state)) {
			*why = "link_state must be auto, enable or disable";
			return -EINVAL;
		}
		break;
	case SRIOVH_VK_MIN_TX_RATE:
	case SRIOVH_VK_MAX_TX_RATE:
		if (sriovh_parse_u32(s, len, k == SRIOVH_VK_MIN_TX_RATE ?
				     &t.min_tx_rate : &t.max_tx_rate)) {
			*why = "a rate is decimal Mb/s, 0-4294967295 (0: no limit)";
			return -EINVAL;
		}
		break;
	case SRIOVH_VK_NODE_GUID:
	case SRIOVH_VK_PORT_GUID:
		if (sriovh_parse_guid(s, len, k == SRIOVH_VK_NODE_GUID ?
				      &t.node_guid : &t.port_guid)) {
			*why = "a GUID is eight hex octets, as 00:11:22:33:44:55:66:77";
			return -EINVAL;
		}
		break;
	case SRIOVH_VK_VF_DRIVER:
		ret = sriovh_parse_vf_driver(s, len, &t.vf_driver, why);
		break;
	case SRIOVH_VK_MSIX:
		/*
		 * 0 is not a count: mlx5 takes it for its default, ice does
		 * nothing (mlx5_core_sriov_set_msix_vec_count(),
		 * ice_sriov_set_msix_vec_count()).
		 */
		if (sriovh_parse_u16(s, len, &n, why) || !n ||
		    n > SRIOVH_MSIX_MAX) {
			*why = "msix is the VF's MSI-X vector count, decimal 1-2048";
			return -EINVAL;
		}
		t.msix = n;
		break;
	default:
		*why = "unknown per-VF key";
		return -EINVAL;
	}
	if (ret)
		return ret;
	t.set |= 1u << k;
	*v = t;
	return 0;
}

static int sriovh_format_guid(u64 g, char *buf, size_t len)
{
	return snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x:%02x:%02x",
			(unsigned int)(g >> 56) & 0xff,
			(unsigned int)(g >> 48) & 0xff,
			(unsigned int)(g >> 40) & 0xff,
			(unsigned int)(g >> 32) & 0xff,
			(unsigned int)(g >> 24) & 0xff,
			(unsigned int)(g >> 16) & 0xff,
			(unsigned int)(g >> 8) & 0xff,
			(unsigned int)g & 0xff);
}

/* The canonical text of key @k, or "" when it is not set. */
int sriovh_format_vf_value(enum sriovh_vf_key k, const struct sriovh_vfvals *v,
			   char *buf, size_t len)
{
	if (!(v->set & (1u << k)))
		return snprintf(buf, len, "%s", "");
	switch (k) {
	case SRIOVH_VK_MAC:
		return snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x",
				v->mac[0], v->mac[1], v->mac[2], v->mac[3],
				v->mac[4], v->mac[5]);
	case SRIOVH_VK_VLAN:
		return snprintf(buf, len, "%u", v->vlan);
	case SRIOVH_VK_QOS:
		return snprintf(buf, len, "%u", v->qos);
	case SRIOVH_VK_VLAN_PROTO:
		return snprintf(buf, len, "%s",
				sriovh_vlan_proto_names[v->vlan_proto & 1]);
	case SRIOVH_VK_SPOOFCHK:
		return snprintf(buf, len, "%s", v->spoofchk ? "on" : "off");
	case SRIOVH_VK_TRUST:
		return snprintf(buf, len, "%s", v->trust ? "on" : "off");
	case SRIOVH_VK_QUERY_RSS:
		return snprintf(buf, len, "%s", v->query_rss ? "on" : "off");
	case SRIOVH_VK_LINK_STATE:
		return snprintf(buf, len, "%s",
				v->link_state < ARRAY_SIZE(sriovh_link_state_names) ?
				sriovh_link_state_names[v->link_state] : "?");
	case SRIOVH_VK_MIN_TX_RATE:
		return snprintf(buf, len, "%u", v->min_tx_rate);
	case SRIOVH_VK_MAX_TX_RATE:
		return snprintf(buf, len, "%u", v->max_tx_rate);
	case SRIOVH_VK_NODE_GUID:
		return sriovh_format_guid(v->node_guid, buf, len);
	case SRIOVH_VK_PORT_GUID:
		return sriovh_format_guid(v->port_guid, buf, len);
	case SRIOVH_VK_VF_DRIVER:
		return snprintf(buf, len, "%s",
				sriovh_vf_driver_name(&v->vf_driver));
	case SRIOVH_VK_MSIX:
		return snprintf(buf, len, "%u", v->msix);
	default:
		return snprintf(buf, len, "%s", "");
	}
}

/**
 * sriovh_vfvals_take() - key @k of @src into @dst, set or not
 * @dst: the values to change
 * @src: where key @k's value and set bit come from
 * @k: the key
 */
void sriovh_vfvals_take(struct sriovh_vfvals *dst,
			const struct sriovh_vfvals *src, enum sriovh_vf_key k)
{
	switch (k) {
	case SRIOVH_VK_MAC:
		memcpy(dst->mac, src->mac, sizeof(dst->mac));
		break;
	case SRIOVH_VK_VLAN:
		dst->vlan = src->vlan;
		break;
	case SRIOVH_VK_QOS:
		dst->qos = src->qos;
		break;
	case SRIOVH_VK_VLAN_PROTO:
		dst->vlan_proto = src->vlan_proto;
		break;
	case SRIOVH_VK_SPOOFCHK:
		dst->spoofchk = src->spoofchk;
		break;
	case SRIOVH_VK_TRUST:
		dst->trust = src->trust;
		break;
	case SRIOVH_VK_LINK_STATE:
		dst->link_state = src->link_state;
		break;
	case SRIOVH_VK_QUERY_RSS:
		dst->query_rss = src->query_rss;
		break;
	case SRIOVH_VK_MIN_TX_RATE:
		dst->min_tx_rate = src->min_tx_rate;
		break;
	case SRIOVH_VK_MAX_TX_RATE:
		dst->max_tx_rate = src->max_tx_rate;
		break;
	case SRIOVH_VK_NODE_GUID:
		dst->node_guid = src->node_guid;
		break;
	case SRIOVH_VK_PORT_GUID:
		dst->port_guid = src->port_guid;
		break;
	case SRIOVH_VK_VF_DRIVER:
		dst->vf_driver = src->vf_driver;
		break;
	case SRIOVH_VK_MSIX:
		dst->msix = src->msix;
		break;
	default:
		return;
	}
	dst->set = (dst->set & ~(1u << k)) | (src->set & (1u << k));
}

/**
 * sriovh_vfvals_conflict() - what no driver could take as one request
 * @v: the values
 * @one_vf: they are for one VF, not a range
 * @key: on a conflict, the key at fault
 *
 * qos and vlan_proto go with a VLAN (ip link: "vlan VLANID [qos N]
 * [proto P]"); a MAC or GUID on several VFs would be a duplicate; a
 * minimum rate above a maximum cannot be had.
 *
 * Return: NULL, or a static description.
 */
const char *sriovh_vfvals_conflict(const struct sriovh_vfvals *v, bool one_vf,
				   enum sriovh_vf_key *key)
{
	bool vlan = v->set & (1u << SRIOVH_VK_VLAN);
	enum sriovh_vf_key k;

	if (!one_vf && (v->set & SRIOVH_VK_ONE_VF)) {
		for (k = 0; !(v->set & SRIOVH_VK_ONE_VF & (1u << k)); k++)
			;
		*key = k;
		return "a MAC or GUID names one VF: set it in vfN, not in a range";
	}
	if (!vlan && (v->set & (1u << SRIOVH_VK_QOS))) {
		*key = SRIOVH_VK_QOS;
		return "qos goes with a VLAN: set vlan too (0 for priority tags only)";
	}
	if (!vlan && (v->set & (1u << SRIOVH_VK_VLAN_PROTO))) {
		*key = SRIOVH_VK_VLAN_PROTO;
		return "vlan_proto goes with a VLAN: set vlan too";
	}
	if ((v->set & (1u << SRIOVH_VK_MIN_TX_RATE)) &&
	    (v->set & (1u << SRIOVH_VK_MAX_TX_RATE)) && v->max_tx_rate &&
	    v->min_tx_rate > v->max_tx_rate) {
		*key = SRIOVH_VK_MIN_TX_RATE;
		return "min_tx_rate is above max_tx_rate";
	}
	return NULL;
}

enum sriovh_key {
	SRIOVH_KEY_VFS,
	SRIOVH_KEY_ON_BUS_RANGE,
	SRIOVH_KEY_IRQ,
	SRIOVH_KEY_IRQ_CPUS,
	SRIOVH_KEY_VF_DRIVER,
	SRIOVH_KEY_VF_BIND,
	SRIOVH_NR_KEYS,
};

static const char * const sriovh_key_names[SRIOVH_NR_KEYS] = {
	[SRIOVH_KEY_VFS] = "vfs",
	[SRIOVH_KEY_ON_BUS_RANGE] = "on_bus_range",
	[SRIOVH_KEY_IRQ] = "irq",
	[SRIOVH_KEY_IRQ_CPUS] = "irq_cpus",
	[SRIOVH_KEY_VF_DRIVER] = "vf_driver",
	[SRIOVH_KEY_VF_BIND] = "vf_bind",
};

/*
 * A cpulist value's own commas: extend *kend over the items after it that
 * have no '=' (they cannot be keys). *comma follows along.
 */
static void sriovh_extend_cpulist(const char **kend, const char **comma,
				  const char *end)
{
	while (*comma) {
		const char *next = *comma + 1;
		const char *nc = memchr(next, ',', (size_t)(end - next));
		const char *ne = nc ? nc : end;

		if (ne == next || memchr(next, '=', (size_t)(ne - next)))
			return;
		*kend = ne;
		*comma = nc;
	}
}

static int sriovh_parse_value(int key, const char *val, size_t vlen,
			      struct sriovh_entry *e, const char **why)
{
	switch (key) {
	case SRIOVH_KEY_VFS:
		return sriovh_parse_u16(val, vlen, &e->vfs, why);
	case SRIOVH_KEY_ON_BUS_RANGE:
		return sriovh_parse_policy(val, vlen, &e->on_bus_range, why);
	case SRIOVH_KEY_IRQ:
		return sriovh_parse_irq_mode(val, vlen, &e->irq, why);
	case SRIOVH_KEY_VF_DRIVER:
		return sriovh_parse_vf_driver(val, vlen, &e->vf_driver, why);
	case SRIOVH_KEY_VF_BIND:
		return sriovh_parse_vf_bind(val, vlen, &e->vf_bind, why);
	default:
		return sriovh_parse_cpulist(val, vlen, &e->irq_cpus, why);
	}
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
		key = sriovh_name_lookup(sriovh_key_names, SRIOVH_NR_KEYS, p,
					 (size_t)(eq - p));
		if (key < 0) {
			sriovh_set_error(err, entry, entry_len, p,
					 (size_t)(eq - p),
					 "unknown key (known: vfs, on_bus_range, irq, irq_cpus, vf_driver, vf_bind)");
			return -EINVAL;
		}
		if (seen & (1u << key)) {
			sriovh_set_error(err, entry, entry_len, p,
					 (size_t)(kend - p), "key given twice");
			return -EINVAL;
		}
		seen |= 1u << key;
		if (key == SRIOVH_KEY_IRQ_CPUS)
			sriovh_extend_cpulist(&kend, &comma, end);
		val = eq + 1;
		vlen = (size_t)(kend - val);
		ret = sriovh_parse_value(key, val, vlen, e, &why);
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

/**
 * sriovh_format_entry() - an entry as the parameter takes it, canonical
 * @e: the entry
 * @buf: where to write
 * @len: its size
 *
 * Keys at their defaults (on_bus_range=clamp, irq=spread, no irq_cpus,
 * vf_driver=auto, vf_bind=parallel) are left out, so the text is the shortest that means the same.
 *
 * Return: what snprintf() returns for the whole text.
 */
int sriovh_format_entry(const struct sriovh_entry *e, char *buf, size_t len)
{
	char name[SRIOVH_TARGET_STRLEN];
	char cpus[SRIOVH_CPULIST_STRLEN];

	sriovh_format_target(&e->target, name, sizeof(name));
	sriovh_format_cpulist(&e->irq_cpus, cpus, sizeof(cpus));
	return snprintf(buf, len, "%s,vfs=%u%s%s%s%s%s%s%s", name, e->vfs,
			e->on_bus_range == SRIOVH_BUSRANGE_FAIL ?
			",on_bus_range=fail" : "",
			e->irq == SRIOVH_IRQ_OFF ? ",irq=off" : "",
			cpus[0] ? ",irq_cpus=" : "", cpus,
			e->vf_driver.mode != SRIOVH_VFDRV_AUTO ?
			",vf_driver=" : "",
			e->vf_driver.mode != SRIOVH_VFDRV_AUTO ?
			sriovh_vf_driver_name(&e->vf_driver) : "",
			e->vf_bind == SRIOVH_VFBIND_SERIAL ?
			",vf_bind=serial" : "");
}

/* Parse the ","-separated key=value pairs of one vf= entry. */
static int sriovh_parse_vf_keys(const char *p, const char *end,
				const char *entry, size_t entry_len,
				struct sriovh_vfvals *v,
				struct sriovh_parse_error *err)
{
	while (p < end) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		const char *kend = comma ? comma : end;
		const char *eq = memchr(p, '=', (size_t)(kend - p));
		const char *why;
		int key;

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
		key = sriovh_vf_key_lookup(p, (size_t)(eq - p));
		if (key < 0) {
			sriovh_set_error(err, entry, entry_len, p,
					 (size_t)(eq - p),
					 "unknown key (known: mac, vlan, qos, vlan_proto, spoofchk, trust, link_state, query_rss, min_tx_rate, max_tx_rate, node_guid, port_guid, vf_driver, msix)");
			return -EINVAL;
		}
		if (v->set & (1u << key)) {
			sriovh_set_error(err, entry, entry_len, p,
					 (size_t)(kend - p), "key given twice");
			return -EINVAL;
		}
		if (sriovh_parse_vf_value((enum sriovh_vf_key)key, eq + 1,
					  (size_t)(kend - (eq + 1)), v, &why)) {
			sriovh_set_error(err, entry, entry_len, p,
					 (size_t)(kend - p), why);
			return -EINVAL;
		}
		p = comma ? comma + 1 : end;
		if (comma && p == end) {
			sriovh_set_error(err, entry, entry_len, comma, 1,
					 "trailing comma");
			return -EINVAL;
		}
	}
	return 0;
}

/**
 * sriovh_parse_vf_next() - parse the next ';'-separated vf= entry
 * @cursor: in: where to start; out: past the entry and its separator
 * @spec: the entry, valid only on a return of 1
 * @err: on failure, what and where
 *
 * Return: 1 when an entry was parsed, 0 at the end of the text, or a
 * negative errno with @err filled in.
 */
int sriovh_parse_vf_next(const char **cursor, struct sriovh_vfspec *spec,
			 struct sriovh_parse_error *err)
{
	const char *p = *cursor;
	const char *end, *slash, *comma, *why;
	enum sriovh_vf_key key;
	size_t len;

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
		sriovh_set_error(err, p, len, p, len,
				 "missing ,key=value: an entry sets something");
		return -EINVAL;
	}
	slash = memchr(p, '/', (size_t)(comma - p));
	if (!slash) {
		sriovh_set_error(err, p, len, p, (size_t)(comma - p),
				 "expected PF/N or PF/N-M (VF indices from 0)");
		return -EINVAL;
	}
	memset(spec, 0, sizeof(*spec));
	if (sriovh_parse_target(p, (size_t)(slash - p), &spec->pf, &why)) {
		sriovh_set_error(err, p, len, p, (size_t)(slash - p), why);
		return -EINVAL;
	}
	if (spec->pf.kind != SRIOVH_TARGET_ADDR) {
		sriovh_set_error(err, p, len, p, (size_t)(slash - p),
				 "per-VF settings need a PF address ([DOMAIN:]BB:DD.F), not vendor:device");
		return -EINVAL;
	}
	if (sriovh_parse_vf_range(slash + 1, (size_t)(comma - (slash + 1)),
				  &spec->first, &spec->last, &why)) {
		sriovh_set_error(err, p, len, slash + 1,
				 (size_t)(comma - (slash + 1)), why);
		return -EINVAL;
	}
	if (comma + 1 == end) {
		sriovh_set_error(err, p, len, comma, 1, "trailing comma");
		return -EINVAL;
	}
	if (sriovh_parse_vf_keys(comma + 1, end, p, len, &spec->v, err))
		return -EINVAL;
	why = sriovh_vfvals_conflict(&spec->v, spec->first == spec->last, &key);
	if (why) {
		sriovh_set_error(err, p, len, p, len, why);
		return -EINVAL;
	}
	*cursor = *end ? end + 1 : end;
	if (*end && !**cursor) {
		sriovh_set_error(err, end, 1, end, 1, "trailing ';'");
		return -EINVAL;
	}
	return 1;
}

/**
 * sriovh_format_vfspec() - a vf= entry, canonical
 * @spec: the entry
 * @buf: where to write
 * @len: its size
 *
 * The PF's full address, the range, then every key that is set, in the
 * order of enum sriovh_vf_key.
 *
 * Return: the length of the whole text, as snprintf() counts it.
 */
int sriovh_format_vfspec(const struct sriovh_vfspec *spec, char *buf,
			 size_t len)
{
	char name[SRIOVH_TARGET_STRLEN], val[SRIOVH_VF_VALUE_STRLEN];
	char range[16];
	size_t n;
	int k, w;

	sriovh_format_target(&spec->pf, name, sizeof(name));
	sriovh_format_vf_range(spec->first, spec->last, range, sizeof(range));
	w = snprintf(buf, len, "%s/%s", name, range);
	if (w < 0)
		return w;
	n = (size_t)w;
	for (k = 0; k < SRIOVH_NR_VKEYS; k++) {
		if (!(spec->v.set & (1u << k)))
			continue;
		sriovh_format_vf_value((enum sriovh_vf_key)k, &spec->v, val,
				       sizeof(val));
		w = snprintf(n < len ? buf + n : NULL, n < len ? len - n : 0,
			     ",%s=%s", sriovh_vf_key_names[k], val);
		if (w < 0)
			return w;
		n += (size_t)w;
	}
	return (int)n;
}
