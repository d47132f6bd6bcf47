// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for sriov_helper's pure logic: the pf= parser and the apply
 * decision. The code under test is compiled into this module as is, so
 * that what is tested is the very text the module and sriovctl build.
 */
#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/string.h>

#include "../sriov_helper/parse.c"
#include "../sriov_helper/decide.c"

/* ---- parser ---------------------------------------------------------- */

struct sriovh_parse_case {
	const char *in;
	/* canonical "target,vfs=N;..." on success, or "error: <why>: <token>" */
	const char *want;
};

static const struct sriovh_parse_case sriovh_parse_cases[] = {
	/* The card's command and its spellings. */
	{ "01:00.0,vfs=7", "0000:01:00.0,vfs=7" },
	{ "0000:01:00.0,vfs=7", "0000:01:00.0,vfs=7" },
	{ "1:0.0,vfs=7", "0000:01:00.0,vfs=7" },
	{ "0000:AF:1F.7,vfs=1", "0000:af:1f.7,vfs=1" },
	/* Domains above 0xffff (VMD, large hosts) are valid. */
	{ "10000:e1:00.1,vfs=3", "10000:e1:00.1,vfs=3" },
	{ "ffffffff:ff:1f.7,vfs=65535", "ffffffff:ff:1f.7,vfs=65535" },
	/* vfs=0 disables; leading zeros are harmless. */
	{ "01:00.0,vfs=0", "0000:01:00.0,vfs=0" },
	{ "01:00.0,vfs=007", "0000:01:00.0,vfs=7" },
	/* IDs, several entries, address and ID mixed. */
	{ "8086:10c9,vfs=4", "8086:10c9,vfs=4" },
	{ "8086:10C9,vfs=4", "8086:10c9,vfs=4" },
	{ "01:00.0,vfs=7;02:00.0,vfs=3", "0000:01:00.0,vfs=7;0000:02:00.0,vfs=3" },
	{ "8086:10c9,vfs=4;01:00.0,vfs=2", "8086:10c9,vfs=4;0000:01:00.0,vfs=2" },
	{ "", "" },
	/* Counts. */
	{ "01:00.0,vfs=65536", "error: out of range 0-65535: vfs=65536" },
	{ "01:00.0,vfs=99999999999", "error: out of range 0-65535: vfs=99999999999" },
	{ "01:00.0,vfs=-1", "error: not a decimal number: vfs=-1" },
	{ "01:00.0,vfs=+1", "error: not a decimal number: vfs=+1" },
	{ "01:00.0,vfs=0x7", "error: not a decimal number: vfs=0x7" },
	{ "01:00.0,vfs=7 ", "error: not a decimal number: vfs=7 " },
	{ "01:00.0,vfs=", "error: missing number: vfs=" },
	{ "01:00.0,vfs=x", "error: not a decimal number: vfs=x" },
	/* Keys. */
	{ "01:00.0", "error: missing ,vfs=N: 01:00.0" },
	{ "01:00.0,", "error: trailing comma: ," },
	{ "01:00.0,,vfs=1", "error: empty key=value: " },
	{ "01:00.0,vfs", "error: expected key=value: vfs" },
	{ "01:00.0,VFS=1", "error: unknown key (known: vfs): VFS" },
	{ "01:00.0,numvfs=1", "error: unknown key (known: vfs): numvfs" },
	{ "01:00.0,vfs=1,vfs=2", "error: vfs given twice: vfs=2" },
	{ "01:00.0,vfs=1,", "error: trailing comma: ," },
	/* Addresses. */
	{ "01:00,vfs=1", "error: expected [DOMAIN:]BB:DD.F or VVVV:DDDD (hex): 01:00" },
	{ "010:00.0,vfs=1", "error: bad PCI bus (1-2 hex digits): 010:00.0" },
	{ "zz:00.0,vfs=1", "error: bad PCI bus (1-2 hex digits): zz:00.0" },
	{ "01:20.0,vfs=1", "error: bad PCI device (hex 00-1f): 01:20.0" },
	{ "01:00.8,vfs=1", "error: bad PCI function (0-7): 01:00.8" },
	{ "01:00.,vfs=1", "error: bad PCI function (0-7): 01:00." },
	{ "01:00.00,vfs=1", "error: bad PCI function (0-7): 01:00.00" },
	{ "100000000:01:00.0,vfs=1", "error: bad PCI domain (1-8 hex digits): 100000000:01:00.0" },
	{ ":01:00.0,vfs=1", "error: bad PCI domain (1-8 hex digits): :01:00.0" },
	{ "01.00:0,vfs=1", "error: expected [DOMAIN:]BB:DD.F or VVVV:DDDD (hex): 01.00:0" },
	{ "0000:01:00:00.0,vfs=1", "error: bad PCI device (hex 00-1f): 0000:01:00:00.0" },
	{ ",vfs=1", "error: expected [DOMAIN:]BB:DD.F or VVVV:DDDD (hex): " },
	/* IDs take four digits a side, so a truncated address is no ID. */
	{ "808:10c9,vfs=1", "error: expected [DOMAIN:]BB:DD.F or VVVV:DDDD (hex): 808:10c9" },
	{ "8086:10c9a,vfs=1", "error: expected [DOMAIN:]BB:DD.F or VVVV:DDDD (hex): 8086:10c9a" },
	{ "8086-10c9,vfs=1", "error: expected [DOMAIN:]BB:DD.F or VVVV:DDDD (hex): 8086-10c9" },
	/* Separators. */
	{ "01:00.0,vfs=1;", "error: trailing ';': ;" },
	{ ";01:00.0,vfs=1", "error: empty entry: " },
	{ "01:00.0,vfs=1;;02:00.0,vfs=1", "error: empty entry: " },
	{ "01:00.0,vfs=1 02:00.0,vfs=1", "error: not a decimal number: vfs=1 02:00.0" },
};

static void sriovh_parse_case_desc(const struct sriovh_parse_case *c,
				   char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "'%s'", c->in);
}

KUNIT_ARRAY_PARAM(sriovh_parse, sriovh_parse_cases, sriovh_parse_case_desc);

/* Parse the whole value the way params.c does, into the canonical form. */
static void sriovh_parse_test(struct kunit *test)
{
	const struct sriovh_parse_case *c = test->param_value;
	char *out = kunit_kzalloc(test, 512, GFP_KERNEL);
	char name[SRIOVH_TARGET_STRLEN];
	const char *cursor = c->in;
	struct sriovh_parse_error err;
	struct sriovh_entry e;
	size_t n = 0;
	int ret;

	KUNIT_ASSERT_NOT_NULL(test, out);
	while ((ret = sriovh_parse_next(&cursor, &e, &err)) == 1) {
		sriovh_format_target(&e.target, name, sizeof(name));
		n += scnprintf(out + n, 512 - n, "%s%s,vfs=%u", n ? ";" : "",
			       name, e.vfs);
	}
	if (ret < 0) {
		KUNIT_EXPECT_TRUE(test, ret == -EINVAL || ret == -ERANGE);
		scnprintf(out, 512, "error: %s: %.*s", err.why,
			  (int)err.token_len, err.token);
	}
	KUNIT_EXPECT_STREQ(test, out, c->want);
}

/* The canonical form parses back to itself: what parameters/pf shows. */
static void sriovh_format_roundtrip_test(struct kunit *test)
{
	static const char * const names[] = {
		"0000:01:00.0", "10000:e1:1f.7", "ffffffff:ff:1f.7", "8086:10c9",
	};
	char buf[SRIOVH_TARGET_STRLEN];
	struct sriovh_target t, u;
	const char *why;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		int ret = sriovh_parse_target(names[i], strlen(names[i]), &t,
					      &why);

		KUNIT_ASSERT_EQ(test, ret, 0);
		ret = sriovh_format_target(&t, buf, sizeof(buf));
		KUNIT_EXPECT_LT(test, ret, (int)sizeof(buf));
		KUNIT_EXPECT_STREQ(test, buf, names[i]);
		ret = sriovh_parse_target(buf, strlen(buf), &u, &why);
		KUNIT_ASSERT_EQ(test, ret, 0);
		KUNIT_EXPECT_TRUE(test, sriovh_target_equal(&t, &u));
	}
}

/* "01:00.0" and "0000:01:00.0" are one PF; an ID never equals an address. */
static void sriovh_target_equal_test(struct kunit *test)
{
	struct sriovh_target a, b, id;
	const char *why;

	KUNIT_ASSERT_EQ(test, 0, sriovh_parse_target("01:00.0", 7, &a, &why));
	KUNIT_ASSERT_EQ(test, 0, sriovh_parse_target("0000:01:00.0", 12, &b, &why));
	KUNIT_ASSERT_EQ(test, 0, sriovh_parse_target("0000:0100", 9, &id, &why));
	KUNIT_EXPECT_TRUE(test, sriovh_target_equal(&a, &b));
	KUNIT_EXPECT_FALSE(test, sriovh_target_equal(&a, &id));
	b.devfn = 1;
	KUNIT_EXPECT_FALSE(test, sriovh_target_equal(&a, &b));
}

/* ---- apply decision --------------------------------------------------- */

struct sriovh_decide_case {
	const char *name;
	struct sriovh_pf_facts facts;
	enum sriovh_action want;
};

#define F(cur, req, tot, asg, cfg) \
	{ .current_vfs = cur, .requested = req, .total = tot, \
	  .assigned = asg, .can_configure = cfg }

static const struct sriovh_decide_case sriovh_decide_cases[] = {
	{ "enable from 0", F(0, 7, 7, 0, true), SRIOVH_ACT_ENABLE },
	{ "already there", F(7, 7, 7, 0, true), SRIOVH_ACT_NONE },
	{ "0 and 0", F(0, 0, 7, 0, true), SRIOVH_ACT_NONE },
	{ "change goes through 0", F(7, 3, 7, 0, true), SRIOVH_ACT_RESET_ENABLE },
	{ "grow goes through 0", F(3, 7, 7, 0, true), SRIOVH_ACT_RESET_ENABLE },
	{ "disable", F(7, 0, 7, 0, true), SRIOVH_ACT_DISABLE },
	{ "above total", F(0, 8, 7, 0, true), SRIOVH_ACT_ERR_RANGE },
	{ "above total beats no driver op", F(0, 8, 7, 0, false), SRIOVH_ACT_ERR_RANGE },
	{ "total 0: not SR-IOV capable", F(0, 1, 0, 0, true), SRIOVH_ACT_ERR_RANGE },
	{ "exactly total", F(0, 7, 7, 0, true), SRIOVH_ACT_ENABLE },
	{ "no sriov_configure", F(0, 7, 7, 0, false), SRIOVH_ACT_ERR_NO_CONFIGURE },
	{ "no sriov_configure, nothing to do", F(7, 7, 7, 0, false), SRIOVH_ACT_NONE },
	{ "assigned: no reset", F(7, 3, 7, 2, true), SRIOVH_ACT_ERR_ASSIGNED },
	{ "assigned: no disable", F(7, 0, 7, 1, true), SRIOVH_ACT_ERR_ASSIGNED },
	{ "assigned: same count is fine", F(7, 7, 7, 7, true), SRIOVH_ACT_NONE },
	{ "max u16", F(0, 65535, 65535, 0, true), SRIOVH_ACT_ENABLE },
};

#undef F

static void sriovh_decide_case_desc(const struct sriovh_decide_case *c,
				    char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(sriovh_decide, sriovh_decide_cases, sriovh_decide_case_desc);

static void sriovh_decide_test(struct kunit *test)
{
	const struct sriovh_decide_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, (int)sriovh_decide(&c->facts), (int)c->want);
}

static struct kunit_case sriovh_parse_test_cases[] = {
	KUNIT_CASE_PARAM(sriovh_parse_test, sriovh_parse_gen_params),
	KUNIT_CASE(sriovh_format_roundtrip_test),
	KUNIT_CASE(sriovh_target_equal_test),
	{}
};

static struct kunit_case sriovh_decide_test_cases[] = {
	KUNIT_CASE_PARAM(sriovh_decide_test, sriovh_decide_gen_params),
	{}
};

static struct kunit_suite sriovh_parse_suite = {
	.name = "sriovh_parse",
	.test_cases = sriovh_parse_test_cases,
};

static struct kunit_suite sriovh_decide_suite = {
	.name = "sriovh_decide",
	.test_cases = sriovh_decide_test_cases,
};

kunit_test_suites(&sriovh_parse_suite, &sriovh_decide_suite);

MODULE_DESCRIPTION("KUnit tests for sriov_helper");
MODULE_LICENSE("GPL");
