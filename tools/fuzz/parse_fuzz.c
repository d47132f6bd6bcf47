// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the parser the module and sriovctl share
 * (sriov_helper/parse.c, compiled in as is). The first byte picks what the
 * rest is fed to, in a buffer of exactly its size so that AddressSanitizer
 * sees any read past the end; every success is checked against what the
 * grammar promises, and a canonical form must parse back to itself.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sriov_helper/parse.h>

#define CHECK(c)							\
	do {								\
		if (!(c)) {						\
			fprintf(stderr, "invariant failed: %s (%s:%d)\n", \
				#c, __FILE__, __LINE__);		\
			abort();					\
		}							\
	} while (0)

static void check_cpulist(const struct sriovh_cpulist *l)
{
	char buf[SRIOVH_CPULIST_STRLEN];
	struct sriovh_cpulist again;
	const char *why;
	unsigned int i;
	int n;

	CHECK(l->nr >= 1 && l->nr <= SRIOVH_CPULIST_RANGES);
	for (i = 0; i < l->nr; i++) {
		CHECK(l->r[i].first <= l->r[i].last);
		CHECK(l->r[i].last <= SRIOVH_CPU_MAX);
		/* Sorted, and merged: no overlap, no adjacency. */
		if (i)
			CHECK(l->r[i].first > l->r[i - 1].last + 1);
	}
	n = sriovh_format_cpulist(l, buf, sizeof(buf));
	CHECK(n > 0 && (size_t)n < sizeof(buf));
	CHECK(!sriovh_parse_cpulist(buf, strlen(buf), &again, &why));
	CHECK(!memcmp(l, &again, sizeof(again)));
}

/* A whole pf= value: every entry's canonical form parses back the same. */
static void fuzz_entries(const char *s)
{
	const char *cursor = s;
	struct sriovh_parse_error err;
	struct sriovh_entry e, again;
	char buf[1024];
	int ret;

	while ((ret = sriovh_parse_next(&cursor, &e, &err)) == 1) {
		const char *c2 = buf;
		int n = sriovh_format_entry(&e, buf, sizeof(buf));

		CHECK(n > 0 && (size_t)n < sizeof(buf));
		memset(&again, 0, sizeof(again));
		CHECK(sriovh_parse_next(&c2, &again, &err) == 1);
		CHECK(*c2 == '\0');
		CHECK(sriovh_target_equal(&e.target, &again.target));
		CHECK(e.vfs == again.vfs && e.on_bus_range == again.on_bus_range &&
		      e.irq == again.irq && e.vf_bind == again.vf_bind);
		CHECK(!memcmp(&e.irq_cpus, &again.irq_cpus, sizeof(e.irq_cpus)));
		CHECK(sriovh_vfdrv_equal(&e.vf_driver, &again.vf_driver));
		if (e.irq_cpus.nr)
			check_cpulist(&e.irq_cpus);
	}
	if (ret < 0) {
		/* The error points into the input, with a reason. */
		CHECK(err.why && *err.why);
		CHECK(err.entry >= s && err.entry + err.entry_len <= s + strlen(s));
		CHECK(err.token >= s && err.token + err.token_len <= s + strlen(s));
	}
}

/* A whole vf= value: canonical forms parse back the same, rules hold. */
static void fuzz_vfspecs(const char *s)
{
	const char *cursor = s;
	struct sriovh_parse_error err;
	struct sriovh_vfspec e, again;
	enum sriovh_vf_key k;
	char buf[2048];
	int ret;

	while ((ret = sriovh_parse_vf_next(&cursor, &e, &err)) == 1) {
		const char *c2 = buf;
		int n = sriovh_format_vfspec(&e, buf, sizeof(buf));

		CHECK(n > 0 && (size_t)n < sizeof(buf));
		CHECK(e.pf.kind == SRIOVH_TARGET_ADDR);
		CHECK(e.first <= e.last && e.last <= SRIOVH_VF_INDEX_MAX);
		CHECK(e.v.set && !(e.v.set >> SRIOVH_NR_VKEYS));
		CHECK(!sriovh_vfvals_conflict(&e.v, e.first == e.last, &k));
		CHECK(e.v.vlan <= SRIOVH_VLAN_MAX && e.v.qos <= SRIOVH_QOS_MAX);
		CHECK(!(e.v.mac[0] & 1));
		memset(&again, 0, sizeof(again));
		CHECK(sriovh_parse_vf_next(&c2, &again, &err) == 1);
		CHECK(*c2 == '\0');
		CHECK(sriovh_target_equal(&e.pf, &again.pf));
		CHECK(e.first == again.first && e.last == again.last);
		CHECK(!memcmp(&e.v, &again.v, sizeof(e.v)));
	}
	if (ret < 0) {
		CHECK(err.why && *err.why);
		CHECK(err.entry >= s && err.entry + err.entry_len <= s + strlen(s));
		CHECK(err.token >= s && err.token + err.token_len <= s + strlen(s));
	}
}

/* One per-VF value for key @k, as a configfs store takes it. */
static void fuzz_vf_value(unsigned int k, const char *s, size_t size)
{
	struct sriovh_vfvals v, again;
	char val[SRIOVH_VF_VALUE_STRLEN];
	const char *why = NULL;
	int n;

	memset(&v, 0, sizeof(v));
	if (sriovh_parse_vf_value((enum sriovh_vf_key)k, s, size, &v, &why)) {
		CHECK(why && *why && !v.set);
		return;
	}
	CHECK(v.set == 1u << k);
	n = sriovh_format_vf_value((enum sriovh_vf_key)k, &v, val, sizeof(val));
	CHECK(n > 0 && (size_t)n < sizeof(val));
	memset(&again, 0, sizeof(again));
	CHECK(!sriovh_parse_vf_value((enum sriovh_vf_key)k, val, strlen(val),
				     &again, &why));
	CHECK(!memcmp(&v, &again, sizeof(v)));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sriovh_target t, t2;
	struct sriovh_cpulist l;
	struct sriovh_vfdrv d;
	const char *why = NULL;
	char *s, name[SRIOVH_TARGET_STRLEN];
	u8 mac[6];
	u16 v;
	bool on;

	if (!size)
		return 0;
	size--;
	/* Exactly the input's size: no terminator for the length-taking calls. */
	s = malloc(size ? size : 1);
	if (!s)
		return 0;
	memcpy(s, data + 1, size);

	switch (data[0] % 11) {
	case 0: {
		/* pf= and configfs pass NUL-terminated text here. */
		char *z = malloc(size + 1);

		if (z) {
			memcpy(z, data + 1, size);
			z[size] = '\0';
			fuzz_entries(z);
			free(z);
		}
		break;
	}
	case 1:
		if (!sriovh_parse_target(s, size, &t, &why)) {
			int n = sriovh_format_target(&t, name, sizeof(name));

			CHECK(n > 0 && (size_t)n < sizeof(name));
			CHECK(!sriovh_parse_target(name, strlen(name), &t2, &why));
			CHECK(sriovh_target_equal(&t, &t2));
		} else {
			CHECK(why && *why);
		}
		break;
	case 2:
		if (!sriovh_parse_u16(s, size, &v, &why)) {
			size_t i;
			unsigned long x = 0;

			/* Digits only, and the value they spell. */
			CHECK(size > 0);
			for (i = 0; i < size; i++) {
				CHECK(s[i] >= '0' && s[i] <= '9');
				x = x * 10 + (unsigned long)(s[i] - '0');
				if (x > 65535)
					x = 65536;
			}
			CHECK(x == v);
		}
		break;
	case 3:
		if (!sriovh_parse_cpulist(s, size, &l, &why))
			check_cpulist(&l);
		break;
	case 4:
		if (!sriovh_parse_vf_driver(s, size, &d, &why)) {
			const char *nm = sriovh_vf_driver_name(&d);

			CHECK(strlen(nm) <= SRIOVH_DRIVER_NAME_MAX);
			CHECK(!sriovh_parse_vf_driver(nm, strlen(nm), &d, &why));
		}
		break;
	case 5:
		if (!sriovh_parse_mac(s, size, mac, &why)) {
			CHECK(!(mac[0] & 1));
			CHECK(size == 17);
		}
		break;
	case 6:
		if (!sriovh_parse_vlan(s, size, &v, &why))
			CHECK(v <= SRIOVH_VLAN_MAX);
		break;
	case 7:
		if (!sriovh_parse_onoff(s, size, &on, &why))
			CHECK(size == 2 || size == 3);
		break;
	case 8: {
		u16 last;

		if (!sriovh_parse_vf_dirname(s, size, &v, &last, &why))
			CHECK(v <= last && last <= SRIOVH_VF_INDEX_MAX &&
			      size >= 3 && s[0] == 'v');
		break;
	}
	case 9: {
		char *z = malloc(size + 1);

		if (z) {
			memcpy(z, data + 1, size);
			z[size] = '\0';
			fuzz_vfspecs(z);
			free(z);
		}
		break;
	}
	default:
		/* The key from the first byte of the rest. */
		if (size)
			fuzz_vf_value((unsigned char)s[0] % SRIOVH_NR_VKEYS,
				      s + 1, size - 1);
		break;
	}
	free(s);
	return 0;
}
