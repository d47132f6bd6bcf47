// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for sriov_helper's pure logic: the pf= parser, the apply
 * decision, what a pass reads of its copy of the configuration, the
 * bus-range and MMIO predictions, and the IRQ planner. The code under test
 * is compiled into this module as is, so that what is tested is the very
 * text the module and sriovctl build.
 */
#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/string.h>

#include "../sriov_helper/parse.c"
#include "../sriov_helper/decide.c"
#include "../sriov_helper/conf.c"
#include "../sriov_helper/predict.c"
#include "../sriov_helper/place.c"

/* ---- parser ---------------------------------------------------------- */

struct sriovh_parse_case {
	const char *in;
	/* canonical "target,vfs=N;..." on success, or "error: <why>: <token>" */
	const char *want;
};

/* One range more than a list may hold. */
#define SRIOVH_T_17_CPUS "irq_cpus=0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16"
/* One character more than a driver name may have. */
#define SRIOVH_T_DRV32 "vf_driver=01234567890123456789012345678901"
#define SRIOVH_T_DRV_LEN \
	"error: vf_driver must be auto, none or a driver name of 1-31 characters: "
/* What an unknown pf= key is answered with, the known keys named. */
#define SRIOVH_T_UNKNOWN_KEY \
	"error: unknown key (known: vfs, on_bus_range, irq, irq_cpus, vf_driver, vf_bind): "

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
	{ "01:00.0,VFS=1", SRIOVH_T_UNKNOWN_KEY "VFS" },
	{ "01:00.0,numvfs=1", SRIOVH_T_UNKNOWN_KEY "numvfs" },
	{ "01:00.0,vfs=1,vfs=2", "error: key given twice: vfs=2" },
	/* The bus-range policy. */
	{ "01:00.0,vfs=7,on_bus_range=fail", "0000:01:00.0,vfs=7,on_bus_range=fail" },
	{ "01:00.0,on_bus_range=clamp,vfs=7", "0000:01:00.0,vfs=7" },
	{ "01:00.0,vfs=7,on_bus_range=Fail",
	  "error: on_bus_range must be clamp or fail: on_bus_range=Fail" },
	{ "01:00.0,vfs=7,on_bus_range=",
	  "error: on_bus_range must be clamp or fail: on_bus_range=" },
	{ "01:00.0,on_bus_range=fail", "error: missing vfs=N: 01:00.0,on_bus_range=fail" },
	{ "01:00.0,vfs=1,on_bus_range=fail,on_bus_range=clamp",
	  "error: key given twice: on_bus_range=clamp" },
	/* How the VFs a pass held are probed. */
	{ "01:00.0,vfs=7,vf_bind=serial", "0000:01:00.0,vfs=7,vf_bind=serial" },
	{ "01:00.0,vf_bind=parallel,vfs=7", "0000:01:00.0,vfs=7" },
	{ "8086:10c9,vfs=2,vf_bind=serial,on_bus_range=fail",
	  "8086:10c9,vfs=2,on_bus_range=fail,vf_bind=serial" },
	{ "01:00.0,vfs=7,vf_bind=Serial",
	  "error: vf_bind must be parallel or serial: vf_bind=Serial" },
	{ "01:00.0,vfs=7,vf_bind=bogus",
	  "error: vf_bind must be parallel or serial: vf_bind=bogus" },
	{ "01:00.0,vfs=7,vf_bind=",
	  "error: vf_bind must be parallel or serial: vf_bind=" },
	{ "01:00.0,vfs=1,vf_bind=serial,vf_bind=parallel",
	  "error: key given twice: vf_bind=parallel" },
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
	/* IRQ placement; a CPU list keeps its commas, sorted and merged. */
	{ "01:00.0,vfs=7,irq_cpus=1-2", "0000:01:00.0,vfs=7,irq_cpus=1-2" },
	{ "01:00.0,vfs=7,irq_cpus=0-1,4,irq=spread", "0000:01:00.0,vfs=7,irq_cpus=0-1,4" },
	{ "01:00.0,vfs=7,irq_cpus=4,0-1,1", "0000:01:00.0,vfs=7,irq_cpus=0-1,4" },
	{ "01:00.0,vfs=7,irq_cpus=2-3,0-1", "0000:01:00.0,vfs=7,irq_cpus=0-3" },
	{ "01:00.0,irq_cpus=3,vfs=7", "0000:01:00.0,vfs=7,irq_cpus=3" },
	{ "01:00.0,vfs=7,irq_cpus=0-8191", "0000:01:00.0,vfs=7,irq_cpus=0-8191" },
	{ "01:00.0,vfs=7,irq=off", "0000:01:00.0,vfs=7,irq=off" },
	{ "01:00.0,vfs=7,irq_cpus=1;02:00.0,vfs=1,irq_cpus=0,2",
	  "0000:01:00.0,vfs=7,irq_cpus=1;0000:02:00.0,vfs=1,irq_cpus=0,2" },
	{ "01:00.0,vfs=7,irq=Off", "error: irq must be spread or off: irq=Off" },
	{ "01:00.0,vfs=7,irq=", "error: irq must be spread or off: irq=" },
	{ "01:00.0,vfs=7,irq_cpus=", "error: empty CPU list: irq_cpus=" },
	{ "01:00.0,vfs=7,irq_cpus=2-1", "error: CPU range goes backwards: irq_cpus=2-1" },
	{ "01:00.0,vfs=7,irq_cpus=8192",
	  "error: bad CPU number (decimal 0-8191, N or N-M, comma-separated): irq_cpus=8192" },
	{ "01:00.0,vfs=7,irq_cpus=-1",
	  "error: bad CPU number (decimal 0-8191, N or N-M, comma-separated): irq_cpus=-1" },
	{ "01:00.0,vfs=7,irq_cpus=1,x",
	  "error: bad CPU number (decimal 0-8191, N or N-M, comma-separated): irq_cpus=1,x" },
	{ "01:00.0,vfs=7,irq_cpus=1-2-3",
	  "error: bad CPU number (decimal 0-8191, N or N-M, comma-separated): irq_cpus=1-2-3" },
	{ "01:00.0,vfs=7,irq_cpus=1-2,", "error: trailing comma: ," },
	{ "01:00.0,vfs=7,irq_cpus=1,,2", "error: empty key=value: " },
	{ "01:00.0,vfs=7,irq_cpus=1-2,vfs=3", "error: key given twice: vfs=3" },
	{ "01:00.0,vfs=7," SRIOVH_T_17_CPUS,
	  "error: too many ranges in CPU list (at most 16): " SRIOVH_T_17_CPUS },
	/* The VF driver: auto is the default and is left out. */
	{ "01:00.0,vfs=7,vf_driver=vfio-pci", "0000:01:00.0,vfs=7,vf_driver=vfio-pci" },
	{ "01:00.0,vf_driver=none,vfs=7", "0000:01:00.0,vfs=7,vf_driver=none" },
	{ "01:00.0,vfs=7,vf_driver=auto", "0000:01:00.0,vfs=7" },
	{ "01:00.0,vfs=7,irq_cpus=0,2,vf_driver=mlx5_core",
	  "0000:01:00.0,vfs=7,irq_cpus=0,2,vf_driver=mlx5_core" },
	{ "01:00.0,vfs=7,vf_driver=0123456789012345678901234567890",
	  "0000:01:00.0,vfs=7,vf_driver=0123456789012345678901234567890" },
	{ "01:00.0,vfs=7," SRIOVH_T_DRV32, SRIOVH_T_DRV_LEN SRIOVH_T_DRV32 },
	{ "01:00.0,vfs=7,vf_driver=", SRIOVH_T_DRV_LEN "vf_driver=" },
	{ "01:00.0,vfs=7,vf_driver=../x",
	  "error: a driver name has only letters, digits, '_' and '-': vf_driver=../x" },
	{ "01:00.0,vfs=7,vf_driver=vfio pci",
	  "error: a driver name has only letters, digits, '_' and '-': vf_driver=vfio pci" },
	{ "01:00.0,vfs=7,vf_driver=a,vf_driver=b", "error: key given twice: vf_driver=b" },
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
	const char *cursor = c->in;
	struct sriovh_parse_error err;
	struct sriovh_entry e;
	size_t n = 0;
	int ret;

	KUNIT_ASSERT_NOT_NULL(test, out);
	while ((ret = sriovh_parse_next(&cursor, &e, &err)) == 1) {
		if (n)
			n += scnprintf(out + n, 512 - n, ";");
		sriovh_format_entry(&e, out + n, 512 - n);
		n += strlen(out + n);
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

/* The per-VF configfs values: what each accepts, and why it refuses. */
struct sriovh_vfval_case {
	const char *kind;	/* mac, vlan, onoff, vfname */
	const char *in;
	const char *want;	/* the value read back, or "error: <why>" */
};

#define SRIOVH_T_VFNAME \
	"error: per-VF entries are named vfN or vfN-M (VF indices, no leading zeros)"

static const struct sriovh_vfval_case sriovh_vfval_cases[] = {
	{ "mac", "02:00:00:00:00:01", "02:00:00:00:00:01" },
	{ "mac", "52:54:00:AB:cd:EF", "52:54:00:ab:cd:ef" },
	{ "mac", "01:00:5e:00:00:01",
	  "error: multicast address: a VF needs a unicast MAC" },
	{ "mac", "ff:ff:ff:ff:ff:ff",
	  "error: multicast address: a VF needs a unicast MAC" },
	{ "mac", "00:00:00:00:00:00",
	  "error: all-zero address (write nothing to leave the MAC to the driver)" },
	{ "mac", "02:00:00:00:00",
	  "error: a MAC address is six hex octets, as 02:00:00:00:00:01" },
	{ "mac", "02-00-00-00-00-01",
	  "error: a MAC address is six hex octets, as 02:00:00:00:00:01" },
	{ "mac", "02:00:00:00:00:0g",
	  "error: a MAC address is six hex octets, as 02:00:00:00:00:01" },
	{ "mac", "2:00:00:00:00:001",
	  "error: a MAC address is six hex octets, as 02:00:00:00:00:01" },
	{ "vlan", "0", "0" },
	{ "vlan", "100", "100" },
	{ "vlan", "4094", "4094" },
	{ "vlan", "4095", "error: VLAN ID must be decimal 0-4094 (0: untagged)" },
	{ "vlan", "-1", "error: VLAN ID must be decimal 0-4094 (0: untagged)" },
	{ "vlan", "0x10", "error: VLAN ID must be decimal 0-4094 (0: untagged)" },
	{ "vlan", "", "error: VLAN ID must be decimal 0-4094 (0: untagged)" },
	{ "onoff", "on", "on" },
	{ "onoff", "off", "off" },
	{ "onoff", "1", "error: must be on or off" },
	{ "onoff", "On", "error: must be on or off" },
	{ "vfname", "vf0", "0" },
	{ "vfname", "vf3", "3" },
	{ "vfname", "vf65534", "65534" },
	{ "vfname", "vf0-3", "0-3" },
	{ "vfname", "vf4-4", "4" },
	{ "vfname", "vf10-65534", "10-65534" },
	{ "vfname", "vf65535", SRIOVH_T_VFNAME },
	{ "vfname", "vf03", SRIOVH_T_VFNAME },
	{ "vfname", "vf0-03", SRIOVH_T_VFNAME },
	{ "vfname", "vf3-1", SRIOVH_T_VFNAME },
	{ "vfname", "vf", SRIOVH_T_VFNAME },
	{ "vfname", "vf-", SRIOVH_T_VFNAME },
	{ "vfname", "vf1-", SRIOVH_T_VFNAME },
	{ "vfname", "vf-1", SRIOVH_T_VFNAME },
	{ "vfname", "vf1-2-3", SRIOVH_T_VFNAME },
	{ "vfname", "VF1", SRIOVH_T_VFNAME },
	{ "vfname", "vf+1", SRIOVH_T_VFNAME },
};

static void sriovh_vfval_case_desc(const struct sriovh_vfval_case *c,
				   char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s '%s'", c->kind, c->in);
}

KUNIT_ARRAY_PARAM(sriovh_vfval, sriovh_vfval_cases, sriovh_vfval_case_desc);

static void sriovh_vfval_test(struct kunit *test)
{
	const struct sriovh_vfval_case *c = test->param_value;
	size_t len = strlen(c->in);
	const char *why = NULL;
	char out[128];
	u8 mac[6];
	u16 v;
	bool on;
	int ret;

	if (!strcmp(c->kind, "mac")) {
		ret = sriovh_parse_mac(c->in, len, mac, &why);
		if (!ret)
			snprintf(out, sizeof(out), "%pM", mac);
	} else if (!strcmp(c->kind, "vlan")) {
		ret = sriovh_parse_vlan(c->in, len, &v, &why);
		if (!ret)
			snprintf(out, sizeof(out), "%u", v);
	} else if (!strcmp(c->kind, "onoff")) {
		ret = sriovh_parse_onoff(c->in, len, &on, &why);
		if (!ret)
			snprintf(out, sizeof(out), "%s", on ? "on" : "off");
	} else {
		u16 last;

		ret = sriovh_parse_vf_dirname(c->in, len, &v, &last, &why);
		if (!ret)
			sriovh_format_vf_range(v, last, out, sizeof(out));
	}
	if (ret) {
		KUNIT_EXPECT_EQ(test, ret, -EINVAL);
		snprintf(out, sizeof(out), "error: %s", why);
	}
	KUNIT_EXPECT_STREQ(test, out, c->want);
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

/* The vf= parameter: canonical form of each entry, or the error. */
static const struct sriovh_parse_case sriovh_vfspec_cases[] = {
	/* The split the issue asks for: one line per driver. */
	{ "01:00.0/0-3,vf_driver=vfio-pci;01:00.0/4-6,vf_driver=igbvf",
	  "0000:01:00.0/0-3,vf_driver=vfio-pci;0000:01:00.0/4-6,vf_driver=igbvf" },
	/* Every key, any order in, the canonical order out. */
	{
		"01:00.0/2,msix=16,vf_driver=auto,port_guid=00:11:22:33:44:55:66:78,node_guid=00:11:22:33:44:55:66:77,max_tx_rate=100,min_tx_rate=10,query_rss=on,link_state=disable,trust=on,spoofchk=off,vlan_proto=802.1ad,qos=3,vlan=100,mac=02:00:00:00:00:01",
		"0000:01:00.0/2,mac=02:00:00:00:00:01,vlan=100,qos=3,vlan_proto=802.1ad,spoofchk=off,trust=on,link_state=disable,query_rss=on,min_tx_rate=10,max_tx_rate=100,node_guid=00:11:22:33:44:55:66:77,port_guid=00:11:22:33:44:55:66:78,vf_driver=auto,msix=16",
	},
	/* ip-link(8)'s spellings: 802.1q, upper-case hex. */
	{ "01:00.0/0,vlan=5,vlan_proto=802.1q", "0000:01:00.0/0,vlan=5,vlan_proto=802.1Q" },
	{ "01:00.0/0,vlan=5,vlan_proto=802.1AD", "0000:01:00.0/0,vlan=5,vlan_proto=802.1ad" },
	{ "01:00.0/0,mac=52:54:00:AB:CD:EF", "0000:01:00.0/0,mac=52:54:00:ab:cd:ef" },
	{ "01:00.0/0,vlan=0,qos=7", "0000:01:00.0/0,vlan=0,qos=7" },
	{ "01:00.0/0,max_tx_rate=4294967295", "0000:01:00.0/0,max_tx_rate=4294967295" },
	{ "01:00.0/0,min_tx_rate=5,max_tx_rate=0", "0000:01:00.0/0,min_tx_rate=5,max_tx_rate=0" },
	{ "10000:e1:00.1/0-127,link_state=auto,vf_driver=none",
	  "10000:e1:00.1/0-127,link_state=auto,vf_driver=none" },
	/* MSI-X counts: the spec's table sizes, 1-2048, on a range too. */
	{ "01:00.0/0-7,msix=8", "0000:01:00.0/0-7,msix=8" },
	{ "01:00.0/0,msix=1", "0000:01:00.0/0,msix=1" },
	{ "01:00.0/0,msix=2048", "0000:01:00.0/0,msix=2048" },
	{ "01:00.0/0,msix=0016", "0000:01:00.0/0,msix=16" },
	{ "01:00.0/0,msix=4,vf_driver=vfio-pci",
	  "0000:01:00.0/0,vf_driver=vfio-pci,msix=4" },
	{ "", "" },
	/* What a driver could not take as one request. */
	{
		"01:00.0/0-3,mac=02:00:00:00:00:01",
		"error: a MAC or GUID names one VF: set it in vfN, not in a range: 01:00.0/0-3,mac=02:00:00:00:00:01",
	},
	{
		"01:00.0/0-1,node_guid=00:11:22:33:44:55:66:77",
		"error: a MAC or GUID names one VF: set it in vfN, not in a range: 01:00.0/0-1,node_guid=00:11:22:33:44:55:66:77",
	},
	{ "01:00.0/0,qos=3",
	  "error: qos goes with a VLAN: set vlan too (0 for priority tags only): 01:00.0/0,qos=3" },
	{ "01:00.0/0,vlan_proto=802.1ad",
	  "error: vlan_proto goes with a VLAN: set vlan too: 01:00.0/0,vlan_proto=802.1ad" },
	{ "01:00.0/0,min_tx_rate=100,max_tx_rate=10",
	  "error: min_tx_rate is above max_tx_rate: 01:00.0/0,min_tx_rate=100,max_tx_rate=10" },
	/* Values. */
	{ "01:00.0/0,vlan=4095", "error: VLAN ID must be decimal 0-4094 (0: untagged): vlan=4095" },
	{ "01:00.0/0,vlan=1,qos=8", "error: qos is the VLAN priority, 0-7: qos=8" },
	{ "01:00.0/0,vlan=1,qos=07", "error: qos is the VLAN priority, 0-7: qos=07" },
	{ "01:00.0/0,vlan=1,vlan_proto=8021q",
	  "error: vlan_proto must be 802.1Q or 802.1ad: vlan_proto=8021q" },
	{ "01:00.0/0,link_state=up",
	  "error: link_state must be auto, enable or disable: link_state=up" },
	{ "01:00.0/0,trust=yes", "error: must be on or off: trust=yes" },
	{ "01:00.0/0,max_tx_rate=4294967296",
	  "error: a rate is decimal Mb/s, 0-4294967295 (0: no limit): max_tx_rate=4294967296" },
	{ "01:00.0/0,max_tx_rate=-1",
	  "error: a rate is decimal Mb/s, 0-4294967295 (0: no limit): max_tx_rate=-1" },
	{
		"01:00.0/0,node_guid=00:11:22:33:44:55:66",
		"error: a GUID is eight hex octets, as 00:11:22:33:44:55:66:77: node_guid=00:11:22:33:44:55:66",
	},
	{ "01:00.0/0,mac=01:00:5e:00:00:01",
	  "error: multicast address: a VF needs a unicast MAC: mac=01:00:5e:00:00:01" },
	{ "01:00.0/0,vf_driver=../x",
	  "error: a driver name has only letters, digits, '_' and '-': vf_driver=../x" },
	{ "01:00.0/0,msix=0",
	  "error: msix is the VF's MSI-X vector count, decimal 1-2048: msix=0" },
	{ "01:00.0/0,msix=2049",
	  "error: msix is the VF's MSI-X vector count, decimal 1-2048: msix=2049" },
	{ "01:00.0/0,msix=65536",
	  "error: msix is the VF's MSI-X vector count, decimal 1-2048: msix=65536" },
	{ "01:00.0/0,msix=0x8",
	  "error: msix is the VF's MSI-X vector count, decimal 1-2048: msix=0x8" },
	{ "01:00.0/0,msix=-1",
	  "error: msix is the VF's MSI-X vector count, decimal 1-2048: msix=-1" },
	{ "01:00.0/0,msix= 8",
	  "error: msix is the VF's MSI-X vector count, decimal 1-2048: msix= 8" },
	{ "01:00.0/0,msix=",
	  "error: msix is the VF's MSI-X vector count, decimal 1-2048: msix=" },
	/* Keys and separators. */
	{ "01:00.0/0,trust=on,trust=off", "error: key given twice: trust=off" },
	{
		"01:00.0/0,vfs=3",
		"error: unknown key (known: mac, vlan, qos, vlan_proto, spoofchk, trust, link_state, query_rss, min_tx_rate, max_tx_rate, node_guid, port_guid, vf_driver, msix): vfs",
	},
	{ "01:00.0/0,trust", "error: expected key=value: trust" },
	{ "01:00.0/0,", "error: trailing comma: ," },
	{ "01:00.0/0,trust=on,", "error: trailing comma: ," },
	{ "01:00.0/0", "error: missing ,key=value: an entry sets something: 01:00.0/0" },
	{ "01:00.0/0,trust=on;", "error: trailing ';': ;" },
	{ ";01:00.0/0,trust=on", "error: empty entry: " },
	/* The PF and the VFs. */
	{ "01:00.0,trust=on", "error: expected PF/N or PF/N-M (VF indices from 0): 01:00.0" },
	{
		"8086:10c9/0,trust=on",
		"error: per-VF settings need a PF address ([DOMAIN:]BB:DD.F), not vendor:device: 8086:10c9",
	},
	{ "01:00/0,trust=on", "error: expected [DOMAIN:]BB:DD.F or VVVV:DDDD (hex): 01:00" },
	{ "01:00.0/03,trust=on",
	  "error: VF indices are decimal 0-65534 without leading zeros, N or N-M: 03" },
	{ "01:00.0/65535,trust=on",
	  "error: VF indices are decimal 0-65534 without leading zeros, N or N-M: 65535" },
	{ "01:00.0/3-1,trust=on", "error: VF range goes backwards: 3-1" },
	{ "01:00.0/,trust=on",
	  "error: VF indices are decimal 0-65534 without leading zeros, N or N-M: " },
};

KUNIT_ARRAY_PARAM(sriovh_vfspec, sriovh_vfspec_cases, sriovh_parse_case_desc);

/* Parse a vf= value the way params.c does; canonical form or the error. */
static void sriovh_vfspec_test(struct kunit *test)
{
	const struct sriovh_parse_case *c = test->param_value;
	char *out = kunit_kzalloc(test, 1024, GFP_KERNEL);
	const char *cursor = c->in;
	struct sriovh_parse_error err;
	struct sriovh_vfspec spec, again;
	size_t n = 0;
	int ret;

	KUNIT_ASSERT_NOT_NULL(test, out);
	while ((ret = sriovh_parse_vf_next(&cursor, &spec, &err)) == 1) {
		const char *back;

		if (n)
			n += scnprintf(out + n, 1024 - n, ";");
		back = out + n;
		sriovh_format_vfspec(&spec, out + n, 1024 - n);
		n += strlen(out + n);
		/* The canonical form means the same. */
		KUNIT_EXPECT_EQ(test, sriovh_parse_vf_next(&back, &again, &err), 1);
		KUNIT_EXPECT_EQ(test, again.v.set, spec.v.set);
		KUNIT_EXPECT_EQ(test, again.first, spec.first);
		KUNIT_EXPECT_EQ(test, again.last, spec.last);
	}
	if (ret < 0)
		scnprintf(out, 1024, "error: %s: %.*s", err.why,
			  (int)err.token_len, err.token);
	KUNIT_EXPECT_STREQ(test, out, c->want);
}

/*
 * A configfs store changes one key: sriovh_vfvals_take() moves just that
 * key's value and set bit, and the conflict check sees the result.
 */
static void sriovh_vfvals_take_test(struct kunit *test)
{
	struct sriovh_vfvals a = {}, b = {};
	enum sriovh_vf_key k;
	const char *why;

	KUNIT_ASSERT_EQ(test, 0, sriovh_parse_vf_value(SRIOVH_VK_VLAN, "100", 3, &b, &why));
	KUNIT_ASSERT_EQ(test, 0, sriovh_parse_vf_value(SRIOVH_VK_QOS, "3", 1, &b, &why));
	sriovh_vfvals_take(&a, &b, SRIOVH_VK_QOS);
	KUNIT_EXPECT_EQ(test, a.set, 1u << SRIOVH_VK_QOS);
	KUNIT_EXPECT_EQ(test, a.qos, 3);
	KUNIT_EXPECT_EQ(test, a.vlan, 0);
	KUNIT_EXPECT_NOT_NULL(test, sriovh_vfvals_conflict(&a, true, &k));
	KUNIT_EXPECT_EQ(test, k, SRIOVH_VK_QOS);
	sriovh_vfvals_take(&a, &b, SRIOVH_VK_VLAN);
	KUNIT_EXPECT_NULL(test, sriovh_vfvals_conflict(&a, true, &k));
	/* Taking an unset key unsets it. */
	b.set = 0;
	sriovh_vfvals_take(&a, &b, SRIOVH_VK_QOS);
	KUNIT_EXPECT_EQ(test, a.set, 1u << SRIOVH_VK_VLAN);
}

/* ---- apply decision --------------------------------------------------- */

struct sriovh_decide_case {
	const char *name;
	struct sriovh_pf_facts facts;
	enum sriovh_action want;
};

#define F(cur, req, tot, asg, cfg) \
	{ .current_vfs = cur, .requested = req, .total = tot, \
	  .in_use = asg, .can_configure = cfg }

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
	{ "in use: no reset", F(7, 3, 7, 2, true), SRIOVH_ACT_ERR_IN_USE },
	{ "in use: no disable", F(7, 0, 7, 1, true), SRIOVH_ACT_ERR_IN_USE },
	{ "in use: same count is fine", F(7, 7, 7, 7, true), SRIOVH_ACT_NONE },
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

/* ---- bus range: VF routing IDs against the PF's bus window ------------- */

struct sriovh_bus_case {
	const char *name;
	struct sriovh_bus_geom g;
	struct sriovh_vf_layout l;
	u16 n;
	u16 total;
	bool fits;
	u32 last_bus;	/* of VF n-1; unchecked when n is 0 */
	u16 max;	/* the largest count that fits, layout fixed */
};

/*
 * Real cards' First VF Offset / VF Stride (lspci -vvv, SR-IOV capability)
 * and the windows they meet. The first case is the seed's failure:
 * "igb 0000:01:00.0: can't enable 7 VFs (bus 02 out of range of [bus 01])".
 */
static const struct sriovh_bus_case sriovh_bus_cases[] = {
	{ "I350 no ARI, 7 VFs, [bus 01]", { 1, 0, 1 }, { 0x180, 4 }, 7, 8,
	  false, 2, 0 },
	{ "I350 no ARI, 7 VFs, [bus 01-02]", { 1, 0, 2 }, { 0x180, 4 }, 7, 8,
	  true, 2, 8 },
	{ "I350 ARI, 7 VFs, [bus 01]", { 1, 0, 1 }, { 0x80, 4 }, 7, 8,
	  true, 1, 8 },
	{ "82576 PF0, 7 VFs", { 1, 0, 1 }, { 0x80, 2 }, 7, 7, true, 1, 7 },
	{ "82576 PF1, 7 VFs", { 1, 1, 1 }, { 0x80, 2 }, 7, 7, true, 1, 7 },
	{ "82599 PF1, 63 VFs", { 1, 1, 1 }, { 0x80, 2 }, 63, 63, true, 1, 63 },
	{ "X710 ARI, 64 VFs", { 0x3b, 0, 0x3b }, { 0x10, 1 }, 64, 64,
	  true, 0x3b, 64 },
	{ "ARI PF1, offset 9, stride 1, 8 VFs", { 5, 1, 5 }, { 9, 1 }, 8, 8,
	  true, 5, 8 },
	/* Routing ID 0xff is the last on the bus, 0x100 is the next bus. */
	{ "edge: last VF at 0xff", { 1, 0, 1 }, { 0x80, 1 }, 128, 129,
	  true, 1, 128 },
	{ "edge: last VF at 0x100", { 1, 0, 1 }, { 0x80, 1 }, 129, 129,
	  false, 2, 128 },
	/* On bus 0xff a carry must not wrap around to bus 0. */
	{ "edge: bus ff carries to 0x100", { 0xff, 0, 0xff }, { 0x80, 2 }, 65,
	  65, false, 0x100, 64 },
	{ "N = 0 always fits", { 1, 0, 1 }, { 0x180, 4 }, 0, 8, true, 0, 0 },
	{ "N = total", { 1, 0, 1 }, { 0x80, 2 }, 8, 8, true, 1, 8 },
	{ "stride 0, one VF", { 1, 0, 1 }, { 0x80, 0 }, 1, 1, true, 1, 1 },
};

static void sriovh_bus_case_desc(const struct sriovh_bus_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(sriovh_bus, sriovh_bus_cases, sriovh_bus_case_desc);

static int sriovh_fixed_layout(void *ctx, u16 n, struct sriovh_vf_layout *l)
{
	*l = *(const struct sriovh_vf_layout *)ctx;
	return 0;
}

static void sriovh_bus_test(struct kunit *test)
{
	const struct sriovh_bus_case *c = test->param_value;
	struct sriovh_vf_layout l = c->l;
	u16 max = 0xffff;

	KUNIT_EXPECT_EQ(test, sriovh_bus_fits(&c->g, &c->l, c->n), c->fits);
	if (c->n)
		KUNIT_EXPECT_EQ(test, sriovh_vf_bus(&c->g, &c->l, c->n - 1),
				c->last_bus);
	KUNIT_ASSERT_EQ(test, sriovh_bus_max_fit(&c->g, c->total,
						 sriovh_fixed_layout, &l, &max), 0);
	KUNIT_EXPECT_EQ(test, max, c->max);
}

/* The PCI core refuses offset 0, and stride 0 with more than one VF. */
static void sriovh_layout_valid_test(struct kunit *test)
{
	struct sriovh_vf_layout ok = { 0x80, 2 }, s0 = { 0x80, 0 };
	struct sriovh_vf_layout o0 = { 0, 2 };

	KUNIT_EXPECT_TRUE(test, sriovh_layout_valid(&ok, 7));
	KUNIT_EXPECT_TRUE(test, sriovh_layout_valid(&s0, 1));
	KUNIT_EXPECT_FALSE(test, sriovh_layout_valid(&s0, 2));
	KUNIT_EXPECT_FALSE(test, sriovh_layout_valid(&o0, 1));
	KUNIT_EXPECT_TRUE(test, sriovh_layout_valid(&o0, 0));
}

/*
 * A device whose offset grows with NumVFs: fits at 4, not at 5 or more.
 * The walk must ask the device for each count, not extrapolate.
 */
static int sriovh_growing_layout(void *ctx, u16 n, struct sriovh_vf_layout *l)
{
	l->offset = n <= 4 ? 0xf0 : 0x100;
	l->stride = 4;
	return 0;
}

static void sriovh_bus_max_fit_varying_test(struct kunit *test)
{
	struct sriovh_bus_geom g = { 1, 0, 1 };
	u16 max = 0;

	KUNIT_ASSERT_EQ(test, sriovh_bus_max_fit(&g, 8, sriovh_growing_layout,
						 NULL, &max), 0);
	KUNIT_EXPECT_EQ(test, max, 4);
}

/* on_bus_range: clamp enables what fits, fail enables nothing. */
static void sriovh_clamp_test(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, sriovh_clamp(7, 3, SRIOVH_BUSRANGE_CLAMP), 3);
	KUNIT_EXPECT_EQ(test, sriovh_clamp(7, 3, SRIOVH_BUSRANGE_FAIL), 0);
	KUNIT_EXPECT_EQ(test, sriovh_clamp(7, 0, SRIOVH_BUSRANGE_CLAMP), 0);
	KUNIT_EXPECT_EQ(test, sriovh_clamp(3, 7, SRIOVH_BUSRANGE_FAIL), 3);
	KUNIT_EXPECT_EQ(test, sriovh_clamp(7, 7, SRIOVH_BUSRANGE_FAIL), 7);
	KUNIT_EXPECT_EQ(test, sriovh_clamp(0, 0, SRIOVH_BUSRANGE_CLAMP), 0);
}

/* ---- MMIO: VF BARs against what was assigned ----------------------------- */

static void sriovh_mmio_test(struct kunit *test)
{
	/* QEMU's NVMe: 16 KiB per VF, 127 VFs; unassigned behind a port. */
	struct sriovh_iov_bar nvme_none[6] = { { 0x4000, 0 } };
	struct sriovh_iov_bar nvme_ok[6] = { { 0x4000, 0x1fc000 } };
	struct sriovh_iov_bar small[6] = { { 0x4000, 0x10000 } };
	/* Two BARs: the tighter one decides. */
	struct sriovh_iov_bar two[6] = { { 0x4000, 0x1fc000 }, { 0x1000, 0x3000 } };
	struct sriovh_iov_bar none[6] = {};

	KUNIT_EXPECT_EQ(test, sriovh_mmio_max_fit(nvme_none, 6, 127), 0);
	KUNIT_EXPECT_EQ(test, sriovh_mmio_max_fit(nvme_ok, 6, 127), 127);
	KUNIT_EXPECT_EQ(test, sriovh_mmio_max_fit(small, 6, 127), 4);
	KUNIT_EXPECT_EQ(test, sriovh_mmio_max_fit(two, 6, 127), 3);
	KUNIT_EXPECT_EQ(test, sriovh_mmio_max_fit(none, 6, 8), 8);
}

static struct kunit_case sriovh_predict_test_cases[] = {
	KUNIT_CASE_PARAM(sriovh_bus_test, sriovh_bus_gen_params),
	KUNIT_CASE(sriovh_layout_valid_test),
	KUNIT_CASE(sriovh_bus_max_fit_varying_test),
	KUNIT_CASE(sriovh_clamp_test),
	KUNIT_CASE(sriovh_mmio_test),
	{}
};

static struct kunit_suite sriovh_predict_suite = {
	.name = "sriovh_predict",
	.test_cases = sriovh_predict_test_cases,
};

static struct kunit_case sriovh_parse_test_cases[] = {
	KUNIT_CASE_PARAM(sriovh_parse_test, sriovh_parse_gen_params),
	KUNIT_CASE(sriovh_format_roundtrip_test),
	KUNIT_CASE(sriovh_target_equal_test),
	KUNIT_CASE_PARAM(sriovh_vfval_test, sriovh_vfval_gen_params),
	KUNIT_CASE_PARAM(sriovh_vfspec_test, sriovh_vfspec_gen_params),
	KUNIT_CASE(sriovh_vfvals_take_test),
	{}
};

static struct kunit_case sriovh_decide_test_cases[] = {
	KUNIT_CASE_PARAM(sriovh_decide_test, sriovh_decide_gen_params),
	{}
};

/* ---- a pass's copy of the configuration (conf.c) -------------------- */

/* Two identities: conf.c only compares them, never reads through them. */
static const int sriovh_t_cfs_set, sriovh_t_param_set;

static void sriovh_t_vfdrv(struct sriovh_vfdrv *d, const char *name)
{
	memset(d, 0, sizeof(*d));
	d->mode = SRIOVH_VFDRV_NAMED;
	strscpy(d->name, name, sizeof(d->name));
}

/*
 * The copy of a PF with vf_driver=igbvf, a configfs vf0-3 with
 * vf_driver=vfio-pci, and a vf= entry for VFs 2-5 with a MAC and no
 * driver: the order sriovh_conf_get_locked() copies them in.
 */
static void sriovh_t_conf(struct sriovh_conf *c, struct sriovh_conf_set *sets)
{
	memset(c, 0, sizeof(*c));
	memset(sets, 0, 2 * sizeof(*sets));
	c->ruled = true;
	sriovh_t_vfdrv(&c->vf_driver, "igbvf");
	sets[0].id = (const struct sriovh_vfset *)&sriovh_t_cfs_set;
	sets[0].first = 0;
	sets[0].last = 3;
	sets[0].v.set = 1u << SRIOVH_VK_VF_DRIVER;
	sriovh_t_vfdrv(&sets[0].v.vf_driver, "vfio-pci");
	sets[1].id = (const struct sriovh_vfset *)&sriovh_t_param_set;
	sets[1].first = 2;
	sets[1].last = 5;
	sets[1].v.set = 1u << SRIOVH_VK_MAC;
	c->sets = sets;
	c->nr_sets = 2;
}

/* The first set that covers a VF is in force: configfs before vf=. */
static void sriovh_conf_set_for_test(struct kunit *test)
{
	struct sriovh_conf_set sets[2];
	struct sriovh_conf c;

	sriovh_t_conf(&c, sets);
	KUNIT_EXPECT_PTR_EQ(test, sriovh_conf_set_for(&c, 0), &sets[0]);
	KUNIT_EXPECT_PTR_EQ(test, sriovh_conf_set_for(&c, 2), &sets[0]);
	KUNIT_EXPECT_PTR_EQ(test, sriovh_conf_set_for(&c, 3), &sets[0]);
	KUNIT_EXPECT_PTR_EQ(test, sriovh_conf_set_for(&c, 4), &sets[1]);
	KUNIT_EXPECT_PTR_EQ(test, sriovh_conf_set_for(&c, 5), &sets[1]);
	KUNIT_EXPECT_NULL(test, sriovh_conf_set_for(&c, 6));
	KUNIT_EXPECT_NULL(test, sriovh_conf_set_for(&c, 4095));
}

/* A set's vf_driver beats the rule's; a set without one does not. */
static void sriovh_conf_vfdrv_test(struct kunit *test)
{
	struct sriovh_conf_set sets[2];
	struct sriovh_conf c;
	struct sriovh_vfdrv d;

	sriovh_t_conf(&c, sets);
	sriovh_conf_vfdrv(&c, 1, &d);
	KUNIT_EXPECT_EQ(test, d.mode, SRIOVH_VFDRV_NAMED);
	KUNIT_EXPECT_STREQ(test, d.name, "vfio-pci");
	/* VF 4's set (vf=) has a MAC but no driver: the rule's. */
	sriovh_conf_vfdrv(&c, 4, &d);
	KUNIT_EXPECT_STREQ(test, d.name, "igbvf");
	sriovh_conf_vfdrv(&c, 9, &d);
	KUNIT_EXPECT_STREQ(test, d.name, "igbvf");
}

/* A PF no rule names: no set, and every VF to the kernel's choice. */
static void sriovh_conf_unruled_test(struct kunit *test)
{
	struct sriovh_conf c = {};
	struct sriovh_vfdrv d;

	sriovh_t_vfdrv(&d, "stale");
	KUNIT_EXPECT_NULL(test, sriovh_conf_set_for(&c, 0));
	sriovh_conf_vfdrv(&c, 0, &d);
	KUNIT_EXPECT_EQ(test, d.mode, SRIOVH_VFDRV_AUTO);
	KUNIT_EXPECT_STREQ(test, d.name, "");
}

static struct kunit_case sriovh_conf_test_cases[] = {
	KUNIT_CASE(sriovh_conf_set_for_test),
	KUNIT_CASE(sriovh_conf_vfdrv_test),
	KUNIT_CASE(sriovh_conf_unruled_test),
	{}
};

static struct kunit_suite sriovh_conf_suite = {
	.name = "sriovh_conf",
	.test_cases = sriovh_conf_test_cases,
};

static struct kunit_suite sriovh_parse_suite = {
	.name = "sriovh_parse",
	.test_cases = sriovh_parse_test_cases,
};

static struct kunit_suite sriovh_decide_suite = {
	.name = "sriovh_decide",
	.test_cases = sriovh_decide_test_cases,
};

/* ---- IRQ placement planner ------------------------------------------ */

#define SRIOVH_T_VECS	64
#define SRIOVH_T_CPUS	16

/* A planner run over up to 64 vectors and 16 CPUs, as bitmaps of a word. */
struct sriovh_place_ctx {
	struct sriovh_vec vecs[SRIOVH_T_VECS];
	unsigned long masks[4];
	const unsigned long *allowed[4];
	unsigned int load[SRIOVH_T_CPUS];
	unsigned int cnt[4 * SRIOVH_T_CPUS];
	int prev[SRIOVH_T_CPUS];
	int prev_group[SRIOVH_T_CPUS];
	int queue[SRIOVH_T_CPUS];
	struct sriovh_plan plan;
};

static struct sriovh_place_ctx *sriovh_place_ctx(struct kunit *test,
						 unsigned int nr_cpus)
{
	struct sriovh_place_ctx *c = kunit_kzalloc(test, sizeof(*c),
						   GFP_KERNEL);
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, c);
	for (i = 0; i < ARRAY_SIZE(c->masks); i++)
		c->allowed[i] = &c->masks[i];
	c->plan.vecs = c->vecs;
	c->plan.allowed = c->allowed;
	c->plan.nr_cpus = nr_cpus;
	c->plan.load = c->load;
	c->plan.cnt = c->cnt;
	c->plan.prev = c->prev;
	c->plan.prev_group = c->prev_group;
	c->plan.queue = c->queue;
	c->plan.nr_groups = 1;
	return c;
}

/* Add @n vectors of @group, all on @cpu (-1: nowhere yet). */
static void sriovh_place_add(struct sriovh_place_ctx *c, unsigned int n,
			     unsigned int group, int cpu)
{
	while (n--) {
		c->vecs[c->plan.nr_vecs] = (struct sriovh_vec) {
			.irq = 100 + c->plan.nr_vecs, .group = group, .cur = cpu,
		};
		c->plan.nr_vecs++;
	}
}

/* The plan becomes the present: what the module does after applying. */
static void sriovh_place_commit(struct sriovh_place_ctx *c)
{
	unsigned int i;

	for (i = 0; i < c->plan.nr_vecs; i++)
		c->vecs[i].cur = c->vecs[i].target;
}

/*
 * Planned vectors per CPU, counted afresh from the targets; a vector left
 * outside its set (its PF allows no CPU) is not the planner's to count.
 */
static void sriovh_place_loads(struct sriovh_place_ctx *c, unsigned int *load)
{
	unsigned int i;

	memset(load, 0, SRIOVH_T_CPUS * sizeof(*load));
	for (i = 0; i < c->plan.nr_vecs; i++)
		if (c->vecs[i].target >= 0 &&
		    test_bit(c->vecs[i].target, &c->masks[c->vecs[i].group]))
			load[c->vecs[i].target]++;
}

/* Every vector of @group inside its mask; max - min <= 1 over @mask. */
static void sriovh_expect_balanced(struct kunit *test,
				   struct sriovh_place_ctx *c,
				   unsigned int group, unsigned long mask)
{
	unsigned int load[SRIOVH_T_CPUS], i, cpu, lo = UINT_MAX, hi = 0;

	sriovh_place_loads(c, load);
	for (i = 0; i < c->plan.nr_vecs; i++)
		if (c->vecs[i].group == group)
			KUNIT_EXPECT_TRUE_MSG(test,
					      c->vecs[i].target >= 0 &&
					      test_bit(c->vecs[i].target,
						       &c->masks[group]),
					      "vector %u on CPU %d", i,
					      c->vecs[i].target);
	for_each_set_bit(cpu, &mask, SRIOVH_T_CPUS) {
		lo = min(lo, load[cpu]);
		hi = max(hi, load[cpu]);
	}
	KUNIT_EXPECT_LE_MSG(test, hi - lo, 1u, "loads over %#lx: %u..%u",
			    mask, lo, hi);
}

static void sriovh_place_one_cpu_test(struct kunit *test)
{
	struct sriovh_place_ctx *c = sriovh_place_ctx(test, 1);

	c->masks[0] = 0x1;
	sriovh_place_add(c, 5, 0, -1);
	KUNIT_EXPECT_EQ(test, sriovh_plan_run(&c->plan), 5u);
	KUNIT_EXPECT_EQ(test, c->load[0], 5u);
	sriovh_expect_balanced(test, c, 0, 0x1);
}

static void sriovh_place_sparse_mask_test(struct kunit *test)
{
	struct sriovh_place_ctx *c = sriovh_place_ctx(test, 8);

	c->masks[0] = BIT(1) | BIT(3) | BIT(5);
	sriovh_place_add(c, 7, 0, -1);
	sriovh_plan_run(&c->plan);
	sriovh_expect_balanced(test, c, 0, c->masks[0]);
	KUNIT_EXPECT_EQ(test, c->load[1], 3u);
	KUNIT_EXPECT_EQ(test, c->load[3], 2u);
	KUNIT_EXPECT_EQ(test, c->load[5], 2u);
}

/* 7 igb VFs, 21 vectors, all where one CPU got them: 15 must move. */
static void sriovh_place_more_vectors_than_cpus_test(struct kunit *test)
{
	struct sriovh_place_ctx *c = sriovh_place_ctx(test, 4);

	c->masks[0] = 0xf;
	sriovh_place_add(c, 21, 0, 0);
	KUNIT_EXPECT_EQ(test, sriovh_plan_run(&c->plan), 15u);
	sriovh_expect_balanced(test, c, 0, 0xf);
	KUNIT_EXPECT_EQ(test, c->load[0], 6u);
}

/* irq_cpus=1-2 on 4 CPUs: those on 0 and 3 move, those on 1-2 stay. */
static void sriovh_place_excluded_cpus_test(struct kunit *test)
{
	struct sriovh_place_ctx *c = sriovh_place_ctx(test, 4);
	unsigned int i;

	c->masks[0] = BIT(1) | BIT(2);
	sriovh_place_add(c, 2, 0, 0);
	sriovh_place_add(c, 2, 0, 1);
	sriovh_place_add(c, 2, 0, 2);
	sriovh_place_add(c, 2, 0, 3);
	KUNIT_EXPECT_EQ(test, sriovh_plan_run(&c->plan), 4u);
	sriovh_expect_balanced(test, c, 0, c->masks[0]);
	for (i = 2; i < 6; i++)
		KUNIT_EXPECT_EQ(test, c->vecs[i].target, c->vecs[i].cur);
}

/* The hotplug case measured on stock 6.12: 7/6/0/8 after CPU 2 returns. */
static void sriovh_place_cpu_back_test(struct kunit *test)
{
	struct sriovh_place_ctx *c = sriovh_place_ctx(test, 4);

	c->masks[0] = 0xf;
	sriovh_place_add(c, 7, 0, 0);
	sriovh_place_add(c, 6, 0, 1);
	sriovh_place_add(c, 8, 0, 3);
	/* CPU 2 needs five; no vector moves but to CPU 2. */
	KUNIT_EXPECT_EQ(test, sriovh_plan_run(&c->plan), 5u);
	sriovh_expect_balanced(test, c, 0, 0xf);
	KUNIT_EXPECT_EQ(test, c->load[2], 5u);
}

static void sriovh_place_idempotent_test(struct kunit *test)
{
	struct sriovh_place_ctx *c = sriovh_place_ctx(test, 6);

	c->masks[0] = 0x3f;
	sriovh_place_add(c, 13, 0, 4);
	sriovh_place_add(c, 4, 0, -1);
	sriovh_plan_run(&c->plan);
	sriovh_place_commit(c);
	KUNIT_EXPECT_EQ(test, sriovh_plan_run(&c->plan), 0u);
	sriovh_expect_balanced(test, c, 0, 0x3f);
}

/* One vector more: only it is placed, nothing else moves. */
static void sriovh_place_add_one_test(struct kunit *test)
{
	struct sriovh_place_ctx *c = sriovh_place_ctx(test, 4);
	unsigned int i;

	c->masks[0] = 0xf;
	sriovh_place_add(c, 10, 0, -1);
	sriovh_plan_run(&c->plan);
	sriovh_place_commit(c);
	sriovh_place_add(c, 1, 0, -1);
	KUNIT_EXPECT_EQ(test, sriovh_plan_run(&c->plan), 1u);
	for (i = 0; i < 10; i++)
		KUNIT_EXPECT_EQ(test, c->vecs[i].target, c->vecs[i].cur);
	sriovh_expect_balanced(test, c, 0, 0xf);
}

/* Vectors removed: one move at most, and none while still within one. */
static void sriovh_place_remove_test(struct kunit *test)
{
	struct sriovh_place_ctx *c = sriovh_place_ctx(test, 4);

	c->masks[0] = 0xf;
	sriovh_place_add(c, 2, 0, 0);
	sriovh_place_add(c, 2, 0, 1);
	sriovh_place_add(c, 2, 0, 2);
	sriovh_place_add(c, 2, 0, 3);
	/* Drop one of CPU 0's: 1/2/2/2 is fine as it is. */
	c->vecs[0] = c->vecs[--c->plan.nr_vecs];
	KUNIT_EXPECT_EQ(test, sriovh_plan_run(&c->plan), 0u);
	/* And the other: 0/2/2/2 needs exactly one move. */
	c->vecs[1] = c->vecs[--c->plan.nr_vecs];
	KUNIT_EXPECT_EQ(test, sriovh_plan_run(&c->plan), 1u);
	sriovh_expect_balanced(test, c, 0, 0xf);
}

/* Two PFs, one confined to CPUs 2-3: the other makes room on 0-1. */
static void sriovh_place_shared_cpus_test(struct kunit *test)
{
	struct sriovh_place_ctx *c = sriovh_place_ctx(test, 4);

	c->plan.nr_groups = 2;
	c->masks[0] = 0xf;
	c->masks[1] = BIT(2) | BIT(3);
	sriovh_place_add(c, 4, 0, 2);
	sriovh_place_add(c, 4, 1, -1);
	sriovh_plan_run(&c->plan);
	sriovh_expect_balanced(test, c, 0, 0xf);
	sriovh_expect_balanced(test, c, 1, c->masks[1]);
	KUNIT_EXPECT_EQ(test, c->load[0], 2u);
	KUNIT_EXPECT_EQ(test, c->load[1], 2u);
}

static void sriovh_place_disjoint_test(struct kunit *test)
{
	struct sriovh_place_ctx *c = sriovh_place_ctx(test, 4);

	c->plan.nr_groups = 2;
	c->masks[0] = BIT(0) | BIT(1);
	c->masks[1] = BIT(2) | BIT(3);
	sriovh_place_add(c, 3, 0, 3);
	sriovh_place_add(c, 5, 1, 0);
	KUNIT_EXPECT_EQ(test, sriovh_plan_run(&c->plan), 8u);
	sriovh_expect_balanced(test, c, 0, c->masks[0]);
	sriovh_expect_balanced(test, c, 1, c->masks[1]);
}

/* A PF with no usable CPU keeps its vectors where they are, uncounted. */
static void sriovh_place_empty_set_test(struct kunit *test)
{
	struct sriovh_place_ctx *c = sriovh_place_ctx(test, 4);

	c->plan.nr_groups = 2;
	c->masks[0] = 0xf;
	c->masks[1] = 0;
	sriovh_place_add(c, 2, 1, 3);
	sriovh_place_add(c, 4, 0, -1);
	KUNIT_EXPECT_EQ(test, sriovh_plan_run(&c->plan), 4u);
	KUNIT_EXPECT_EQ(test, c->vecs[0].target, 3);
	KUNIT_EXPECT_EQ(test, c->load[3], 1u);
	sriovh_expect_balanced(test, c, 0, 0xf);
}

static struct kunit_case sriovh_place_test_cases[] = {
	KUNIT_CASE(sriovh_place_one_cpu_test),
	KUNIT_CASE(sriovh_place_sparse_mask_test),
	KUNIT_CASE(sriovh_place_more_vectors_than_cpus_test),
	KUNIT_CASE(sriovh_place_excluded_cpus_test),
	KUNIT_CASE(sriovh_place_cpu_back_test),
	KUNIT_CASE(sriovh_place_idempotent_test),
	KUNIT_CASE(sriovh_place_add_one_test),
	KUNIT_CASE(sriovh_place_remove_test),
	KUNIT_CASE(sriovh_place_shared_cpus_test),
	KUNIT_CASE(sriovh_place_disjoint_test),
	KUNIT_CASE(sriovh_place_empty_set_test),
	{}
};

static struct kunit_suite sriovh_place_suite = {
	.name = "sriovh_place",
	.test_cases = sriovh_place_test_cases,
};

kunit_test_suites(&sriovh_parse_suite, &sriovh_decide_suite,
		  &sriovh_conf_suite, &sriovh_predict_suite,
		  &sriovh_place_suite);

MODULE_DESCRIPTION("KUnit tests for sriov_helper");
MODULE_LICENSE("GPL");
