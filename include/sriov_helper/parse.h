/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The sriov_helper configuration language, shared by the module, its KUnit
 * tests and the sriovctl tool, so all three accept exactly the same text.
 *
 *   value  := entry { ";" entry }
 *   entry  := target "," key "=" val { "," key "=" val }
 *   target := [domain ":"] bus ":" dev "." fn   (hex; domain up to 8 digits)
 *           | vendor ":" device                 (4 hex digits each)
 *   key    := "vfs"                              (decimal 0-65535, required)
 *           | "on_bus_range"                     ("clamp" or "fail")
 */
#ifndef _SRIOV_HELPER_PARSE_H
#define _SRIOV_HELPER_PARSE_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <sriovh-user-types.h>	/* tools/include/ */
#endif

enum sriovh_target_kind {
	SRIOVH_TARGET_ADDR,
	SRIOVH_TARGET_ID,
};

struct sriovh_target {
	enum sriovh_target_kind kind;
	u32 domain;
	u8 bus;
	u8 devfn;
	u16 vendor;
	u16 device;
};

/* Room for "ffffffff:ff:1f.7" or "ffff:ffff" and the NUL. */
#define SRIOVH_TARGET_STRLEN 17

/* What to do when the VFs' routing IDs would leave the PF's bus range. */
enum sriovh_busrange_policy {
	SRIOVH_BUSRANGE_CLAMP,	/* enable as many as fit, and say so */
	SRIOVH_BUSRANGE_FAIL,	/* enable none */
};

struct sriovh_entry {
	struct sriovh_target target;
	u16 vfs;
	enum sriovh_busrange_policy on_bus_range;
};

/* Where a parse failed: the entry, the offending token and why. */
struct sriovh_parse_error {
	const char *entry;
	size_t entry_len;
	const char *token;
	size_t token_len;
	const char *why;
};

int sriovh_parse_u16(const char *s, size_t len, u16 *out, const char **why);
int sriovh_parse_target(const char *s, size_t len, struct sriovh_target *t,
			const char **why);
int sriovh_parse_next(const char **cursor, struct sriovh_entry *e,
		      struct sriovh_parse_error *err);
int sriovh_parse_policy(const char *s, size_t len,
			enum sriovh_busrange_policy *out, const char **why);
const char *sriovh_policy_name(enum sriovh_busrange_policy policy);
bool sriovh_target_equal(const struct sriovh_target *a,
			 const struct sriovh_target *b);
int sriovh_format_target(const struct sriovh_target *t, char *buf, size_t len);

#endif /* _SRIOV_HELPER_PARSE_H */
