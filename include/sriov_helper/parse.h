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
 *           | "irq"                              ("spread" or "off")
 *           | "irq_cpus"                         (a CPU list, below)
 *           | "vf_driver"                        ("auto", "none" or a driver)
 *           | "vf_bind"                          ("parallel" or "serial")
 *   CPU list := cpus { "," cpus }, cpus := N | N "-" M (decimal, 0-8191)
 *
 * A CPU list holds commas of its own: the irq_cpus value runs on over every
 * following ","-separated item that has no "=", so
 * "01:00.0,vfs=7,irq_cpus=0-1,4,irq=spread" means CPUs 0, 1 and 4.
 *
 * Per-VF settings, the vf= parameter (a vfN or vfN-M configfs directory
 * holds the same keys, one attribute each):
 *
 *   value   := vfentry { ";" vfentry }
 *   vfentry := address "/" vfs "," vkey "=" val { "," vkey "=" val }
 *   vfs     := N | N "-" M        (VF indices from 0, as "ip link set PF
 *                                  vf N" counts; decimal, no leading zeros)
 *   vkey    := mac | vlan | qos | vlan_proto | spoofchk | trust |
 *              link_state | query_rss | min_tx_rate | max_tx_rate |
 *              node_guid | port_guid | vf_driver | msix
 *
 * with the values ip-link(8) takes: mac and the GUIDs as hex octets with
 * ':', vlan 0-4094, qos 0-7 and vlan_proto 802.1Q|802.1ad only with vlan,
 * on|off, link_state auto|enable|disable, rates in Mb/s (0: no limit);
 * msix, the VF's MSI-X vector count (what sriov_vf_msix_count takes),
 * decimal 1-2048. mac and the GUIDs name one VF: a range may not set them.
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

/* Whether sriov_helper places the PF's VF interrupts. */
enum sriovh_irq_mode {
	SRIOVH_IRQ_SPREAD,	/* spread them over the PF's CPU set */
	SRIOVH_IRQ_OFF,		/* leave them to the kernel and irqbalance */
};

/* How the VFs a pass held are probed once it lets them go (bind.c). */
enum sriovh_vf_bind {
	SRIOVH_VFBIND_PARALLEL,	/* vf_bind_jobs at once */
	SRIOVH_VFBIND_SERIAL,	/* one after another, in VF index order */
};

/* NR_CPUS is at most 8192 on the architectures Debian builds. */
#define SRIOVH_CPU_MAX		8191
#define SRIOVH_CPULIST_RANGES	16
/* The longest canonical list: 16 ranges of "8190-8191" with commas. */
#define SRIOVH_CPULIST_STRLEN	(SRIOVH_CPULIST_RANGES * 10 + 1)

/* A CPU list, sorted and merged; nr == 0 means "the default set". */
struct sriovh_cpulist {
	u16 nr;
	struct {
		u16 first;
		u16 last;
	} r[SRIOVH_CPULIST_RANGES];
};

/* Where VFs go when they are created: the kernel's choice, none, a driver. */
enum sriovh_vfdrv_mode {
	SRIOVH_VFDRV_AUTO,
	SRIOVH_VFDRV_NONE,
	SRIOVH_VFDRV_NAMED,
};

/* Longer than any PCI driver name in the tree (the longest is 23). */
#define SRIOVH_DRIVER_NAME_MAX	31

struct sriovh_vfdrv {
	enum sriovh_vfdrv_mode mode;
	char name[SRIOVH_DRIVER_NAME_MAX + 1];	/* NUL-terminated, NAMED */
};

/* 4095 is reserved by 802.1Q. */
#define SRIOVH_VLAN_MAX		4094

struct sriovh_entry {
	struct sriovh_target target;
	u16 vfs;
	enum sriovh_busrange_policy on_bus_range;
	enum sriovh_irq_mode irq;
	struct sriovh_cpulist irq_cpus;
	struct sriovh_vfdrv vf_driver;
	enum sriovh_vf_bind vf_bind;
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
int sriovh_parse_irq_mode(const char *s, size_t len,
			  enum sriovh_irq_mode *out, const char **why);
const char *sriovh_irq_mode_name(enum sriovh_irq_mode mode);
int sriovh_parse_vf_bind(const char *s, size_t len, enum sriovh_vf_bind *out,
			 const char **why);
const char *sriovh_vf_bind_name(enum sriovh_vf_bind bind);
int sriovh_parse_cpulist(const char *s, size_t len, struct sriovh_cpulist *l,
			 const char **why);
int sriovh_format_cpulist(const struct sriovh_cpulist *l, char *buf,
			  size_t len);
int sriovh_parse_vf_driver(const char *s, size_t len, struct sriovh_vfdrv *out,
			   const char **why);
const char *sriovh_vf_driver_name(const struct sriovh_vfdrv *d);
bool sriovh_vfdrv_equal(const struct sriovh_vfdrv *a,
			const struct sriovh_vfdrv *b);
int sriovh_parse_mac(const char *s, size_t len, u8 mac[6], const char **why);
int sriovh_parse_vlan(const char *s, size_t len, u16 *vlan, const char **why);
int sriovh_parse_onoff(const char *s, size_t len, bool *on, const char **why);

/* The keys of a set of VFs, in their canonical order. */
enum sriovh_vf_key {
	SRIOVH_VK_MAC,
	SRIOVH_VK_VLAN,
	SRIOVH_VK_QOS,
	SRIOVH_VK_VLAN_PROTO,
	SRIOVH_VK_SPOOFCHK,
	SRIOVH_VK_TRUST,
	SRIOVH_VK_LINK_STATE,
	SRIOVH_VK_QUERY_RSS,
	SRIOVH_VK_MIN_TX_RATE,
	SRIOVH_VK_MAX_TX_RATE,
	SRIOVH_VK_NODE_GUID,
	SRIOVH_VK_PORT_GUID,
	SRIOVH_VK_VF_DRIVER,
	SRIOVH_VK_MSIX,
	SRIOVH_NR_VKEYS,
};

/* The keys that name one VF: a MAC or a GUID on several would be doubled. */
#define SRIOVH_VK_ONE_VF	((1u << SRIOVH_VK_MAC) | \
				 (1u << SRIOVH_VK_NODE_GUID) | \
				 (1u << SRIOVH_VK_PORT_GUID))

enum sriovh_vlan_proto {
	SRIOVH_PROTO_8021Q,
	SRIOVH_PROTO_8021AD,
};

/* The values of IFLA_VF_LINK_STATE_AUTO, _ENABLE and _DISABLE. */
enum sriovh_link_state {
	SRIOVH_LINK_AUTO,
	SRIOVH_LINK_ENABLE,
	SRIOVH_LINK_DISABLE,
};

/* Largest rate in Mb/s: IFLA_VF_RATE carries u32. */
#define SRIOVH_RATE_MAX		0xffffffffu
#define SRIOVH_QOS_MAX		7
#define SRIOVH_VF_INDEX_MAX	65534
/*
 * A VF's MSI-X vector count: the MSI-X Table Size field holds N-1 in 11
 * bits (PCI_MSIX_FLAGS_QSIZE), so a function has 1 to 2048 vectors.
 */
#define SRIOVH_MSIX_MAX		2048

/* What is asked of some VFs; @set has bit k for each key k given. */
struct sriovh_vfvals {
	u32 set;
	u8 mac[6];
	u16 vlan;
	u8 qos;
	u8 vlan_proto;		/* enum sriovh_vlan_proto */
	u8 link_state;		/* enum sriovh_link_state */
	bool spoofchk;
	bool trust;
	bool query_rss;
	u32 min_tx_rate;	/* Mb/s */
	u32 max_tx_rate;
	u64 node_guid;
	u64 port_guid;
	struct sriovh_vfdrv vf_driver;
	u16 msix;		/* MSI-X vectors, 1-SRIOVH_MSIX_MAX */
};

/* One vf= entry: VFs first..last of the PF at an address. */
struct sriovh_vfspec {
	struct sriovh_target pf;
	u16 first;
	u16 last;
	struct sriovh_vfvals v;
};

/* Room for "ffffffff:ff:1f.7/65533-65534". */
#define SRIOVH_VFSPEC_NAME_STRLEN	(SRIOVH_TARGET_STRLEN + 12)
/* Longest canonical value: a GUID, or "vfio-pci"-like 31-char names. */
#define SRIOVH_VF_VALUE_STRLEN		32

int sriovh_vf_key_lookup(const char *s, size_t len);
const char *sriovh_vf_key_name(enum sriovh_vf_key k);
int sriovh_parse_vf_value(enum sriovh_vf_key k, const char *s, size_t len,
			  struct sriovh_vfvals *v, const char **why);
int sriovh_format_vf_value(enum sriovh_vf_key k, const struct sriovh_vfvals *v,
			   char *buf, size_t len);
void sriovh_vfvals_take(struct sriovh_vfvals *dst,
			const struct sriovh_vfvals *src, enum sriovh_vf_key k);
const char *sriovh_vfvals_conflict(const struct sriovh_vfvals *v, bool one_vf,
				   enum sriovh_vf_key *key);
int sriovh_parse_vf_range(const char *s, size_t len, u16 *first, u16 *last,
			  const char **why);
int sriovh_parse_vf_dirname(const char *s, size_t len, u16 *first, u16 *last,
			    const char **why);
int sriovh_format_vf_range(u16 first, u16 last, char *buf, size_t len);
int sriovh_parse_vf_next(const char **cursor, struct sriovh_vfspec *spec,
			 struct sriovh_parse_error *err);
int sriovh_format_vfspec(const struct sriovh_vfspec *spec, char *buf,
			 size_t len);
bool sriovh_target_equal(const struct sriovh_target *a,
			 const struct sriovh_target *b);
int sriovh_format_target(const struct sriovh_target *t, char *buf, size_t len);
int sriovh_format_entry(const struct sriovh_entry *e, char *buf, size_t len);

#endif /* _SRIOV_HELPER_PARSE_H */
