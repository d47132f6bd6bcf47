// SPDX-License-Identifier: GPL-2.0
/*
 * Is sriov_helper there, and if not, why not: not installed for this
 * kernel (DKMS had no headers to build against), refused by a kernel that
 * enforces module signatures (unsigned, or signed by a key the kernel does
 * not hold: the DKMS key before `mokutil --import`), or simply not loaded.
 * Each has its own remedy; all three exit 3.
 *
 * Every path is under --root, so fixture trees can stand for each case;
 * the one external command, modinfo (for compressed modules only), is
 * $SRIOVCTL_MODINFO when that is set.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sriovctl.h"

/* The module's file for @release from modules.dep, or NULL. */
static char *module_file(const char *release)
{
	char *dep = rpath("/lib/modules/%s/modules.dep", release);
	char *text = read_file(dep, NULL), *line, *save = NULL, *found = NULL;

	free(dep);
	if (!text)
		return NULL;
	for (line = strtok_r(text, "\n", &save); line && !found;
	     line = strtok_r(NULL, "\n", &save)) {
		char *colon = strchr(line, ':'), *base;

		if (!colon)
			continue;
		*colon = '\0';
		base = strrchr(line, '/');
		base = base ? base + 1 : line;
		/* sriov_helper.ko, or .ko.xz / .ko.zst / .ko.gz */
		if (!strncmp(base, "sriov_helper.ko", 15) &&
		    (!base[15] || base[15] == '.'))
			found = line[0] == '/' ?
				rpath("%s", line) :
				rpath("/lib/modules/%s/%s", release, line);
	}
	free(text);
	return found;
}

/* Why the kernel demands signatures, or NULL when it does not. */
static const char *signatures_enforced(void)
{
	char *f = rpath("/sys/kernel/security/lockdown");
	char *lockdown = read_value(f);
	const char *why = NULL;
	char *enforce;

	free(f);
	if (lockdown && (strstr(lockdown, "[integrity]") ||
			 strstr(lockdown, "[confidentiality]")))
		why = "Secure Boot lockdown";
	free(lockdown);
	if (why)
		return why;
	f = rpath("/sys/module/module/parameters/sig_enforce");
	enforce = read_value(f);
	free(f);
	if (enforce && !strcmp(enforce, "Y"))
		why = "module.sig_enforce=1";
	free(enforce);
	return why;
}

struct signature {
	bool known;	/* we could tell whether the file is signed */
	bool signed_;
	char *signer;	/* the signing certificate's issuer CN, or NULL */
	char *key_id;	/* the subject key identifier, hex, or NULL */
};

/* A DER cursor: the rest of one constructed value. */
struct der {
	const unsigned char *p;
	const unsigned char *end;
};

/* The next element: its tag and contents. Return: 0 or -1 (malformed). */
static int der_next(struct der *d, unsigned char *tag, struct der *val)
{
	size_t len, n;

	if (d->end - d->p < 2)
		return -1;
	*tag = *d->p++;
	if ((*tag & 0x1f) == 0x1f)
		return -1;	/* multi-byte tags: none in PKCS#7 */
	len = *d->p++;
	if (len & 0x80) {
		n = len & 0x7f;
		/* 0x80 is BER's indefinite length: sign-file writes DER. */
		if (!n || n > sizeof(size_t) || (size_t)(d->end - d->p) < n)
			return -1;
		for (len = 0; n; n--)
			len = len << 8 | *d->p++;
	}
	if ((size_t)(d->end - d->p) < len)
		return -1;
	val->p = d->p;
	val->end = d->p + len;
	d->p += len;
	return 0;
}

static int der_expect(struct der *d, unsigned char want, struct der *val)
{
	unsigned char tag;

	if (der_next(d, &tag, val) || tag != want)
		return -1;
	return 0;
}

/* The commonName in an X.501 Name, allocated, or NULL. */
static char *der_common_name(struct der name)
{
	static const unsigned char cn_oid[] = { 0x55, 0x04, 0x03 };
	struct der rdn, atv, oid, val;
	unsigned char tag;

	while (!der_expect(&name, 0x31, &rdn)) {
		while (!der_expect(&rdn, 0x30, &atv)) {
			if (der_expect(&atv, 0x06, &oid) ||
			    der_next(&atv, &tag, &val))
				return NULL;
			/* UTF8String, PrintableString, T61String, IA5String */
			if ((size_t)(oid.end - oid.p) == sizeof(cn_oid) &&
			    !memcmp(oid.p, cn_oid, sizeof(cn_oid)) &&
			    (tag == 0x0c || tag == 0x13 || tag == 0x14 ||
			     tag == 0x16))
				return xstrndup((const char *)val.p,
						(size_t)(val.end - val.p));
		}
	}
	return NULL;
}

/*
 * Who signed: PKCS#7 SignedData as scripts/sign-file writes it, the first
 * SignerInfo's issuer CN (what modinfo calls the signer) or, with
 * sign-file -k, its subject key identifier.
 */
static void pkcs7_signer(const unsigned char *p, size_t len,
			 struct signature *sig)
{
	struct der d = { p, p + len }, ci, x, sd, v, sis, si, sid, name;
	unsigned char tag;

	if (der_expect(&d, 0x30, &ci) || der_expect(&ci, 0x06, &v) ||
	    der_expect(&ci, 0xa0, &x) || der_expect(&x, 0x30, &sd) ||
	    der_expect(&sd, 0x02, &v) || der_expect(&sd, 0x31, &v) ||
	    der_expect(&sd, 0x30, &v))
		return;
	do {	/* past certificates [0] and crls [1] to signerInfos */
		if (der_next(&sd, &tag, &sis))
			return;
	} while (tag == 0xa0 || tag == 0xa1);
	if (tag != 0x31 || der_expect(&sis, 0x30, &si) ||
	    der_expect(&si, 0x02, &v) || der_next(&si, &tag, &sid))
		return;
	if (tag == 0x30 && !der_expect(&sid, 0x30, &name)) {
		sig->signer = der_common_name(name);
	} else if (tag == 0x80) {
		struct buf hex = { 0 };

		for (; sid.p < sid.end; sid.p++)
			buf_printf(&hex, "%02x", *sid.p);
		sig->key_id = hex.p;
	}
}

/* include/linux/module_signature.h */
#define MODULE_SIG_MAGIC	"~Module signature appended~\n"
#define PKEY_ID_PKCS7		2

/* An uncompressed module: the signature appended at its end, if any. */
static void read_appended_signature(const char *file, struct signature *sig)
{
	const size_t mlen = sizeof(MODULE_SIG_MAGIC) - 1;
	const unsigned char *ms, *end;
	size_t len, siglen, before;
	unsigned char *data = (unsigned char *)read_file(file, &len);

	if (!data)
		return;
	sig->known = true;
	end = data + len;
	/* struct module_signature: 8 bytes, then sig_len big-endian. */
	if (len < mlen + 12 || memcmp(end - mlen, MODULE_SIG_MAGIC, mlen)) {
		free(data);
		return;
	}
	sig->signed_ = true;
	ms = end - mlen - 12;
	siglen = (size_t)ms[8] << 24 | (size_t)ms[9] << 16 |
		 (size_t)ms[10] << 8 | ms[11];
	before = (size_t)ms[3] + ms[4] + siglen;	/* signer, key id, sig */
	if (before <= (size_t)(ms - data)) {
		if (ms[2] == PKEY_ID_PKCS7)
			pkcs7_signer(ms - siglen, siglen, sig);
		else if (ms[3])
			sig->signer = xstrndup((const char *)ms - before, ms[3]);
	}
	free(data);
}

/* A compressed module: modinfo decompresses and reads it for us. */
static void modinfo_signature(const char *file, struct signature *sig)
{
	const char *cmd = getenv("SRIOVCTL_MODINFO");
	char *argv[] = { (char *)(cmd && *cmd ? cmd : "modinfo"),
			 (char *)file, NULL };
	struct buf text = { 0 };
	char *line, *save = NULL;

	if (run_capture(argv, &text) != 0 || !text.p) {
		buf_free(&text);
		return;
	}
	sig->known = true;
	for (line = strtok_r(text.p, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *val = strchr(line, ':');

		if (!val)
			continue;
		*val++ = '\0';
		val += strspn(val, " \t");
		if (!strcmp(line, "sig_id") && *val)
			sig->signed_ = true;
		if (!strcmp(line, "signer") && *val) {
			sig->signed_ = true;
			free(sig->signer);
			sig->signer = xstrdup(val);
		}
	}
	buf_free(&text);
}

enum trust { TRUST_YES, TRUST_NO, TRUST_UNKNOWN };

/*
 * Does the kernel hold the key? /proc/keys lists the keyrings' X.509 keys
 * (.builtin_trusted_keys, .secondary_trusted_keys, .platform, .machine)
 * to root as "asymmetri CN: SKID-hex: X509.rsa ...". A reader who sees no
 * asymmetric key at all is not root, and cannot tell.
 */
static enum trust key_trusted(const struct signature *sig)
{
	char *file = rpath("/proc/keys");
	char *text = read_file(file, NULL), *line, *save = NULL;
	enum trust t = TRUST_UNKNOWN;
	size_t slen = sig->signer ? strlen(sig->signer) : 0;

	free(file);
	if (!text)
		return TRUST_UNKNOWN;
	for (line = strtok_r(text, "\n", &save); line && t != TRUST_YES;
	     line = strtok_r(NULL, "\n", &save)) {
		char *desc = strstr(line, "asymmetri");

		if (!desc)
			continue;
		t = TRUST_NO;
		desc += strcspn(desc, " :");
		desc += strspn(desc, " :");
		if (slen && !strncmp(desc, sig->signer, slen) &&
		    desc[slen] == ':')
			t = TRUST_YES;
		if (sig->key_id && strstr(desc, sig->key_id))
			t = TRUST_YES;
	}
	free(text);
	return t;
}

#define ENROLL "Enroll the key: mokutil --import /var/lib/dkms/mok.pub, reboot, choose Enroll MOK"

/* Signatures enforced, and the module has none. */
NORETURN static void refused_unsigned(const char *file, const char *release,
				      const char *why)
{
	die(EX_ABSENT, "sriov_helper was refused by the kernel: it loads only signed modules (%s), and %s is not signed: install openssl, then rebuild it so that dkms signs it (dkms remove sriov_helper/%s -k %s; dkms install sriov_helper/%s -k %s). " ENROLL,
	    why, file, SRIOVH_VERSION, release, SRIOVH_VERSION, release);
}

/* Signatures enforced, and the kernel does not hold (or shows) the key. */
NORETURN static void refused_key(const char *why,
				 const struct signature *sig, enum trust t)
{
	const char *who = sig->signer ? sig->signer : sig->key_id;

	if (!who)
		who = "an unnamed key";
	if (t == TRUST_UNKNOWN)
		die(EX_ABSENT, "sriov_helper is not loaded, and this kernel loads only modules signed by a key it holds (%s): the module is signed by '%s'; run sriovctl as root to see whether the kernel holds that key, or modprobe sriov_helper and read dmesg",
		    why, who);
	die(EX_ABSENT, "sriov_helper was refused by the kernel: key rejected (%s): the module is signed by '%s', which this kernel does not trust. " ENROLL,
	    why, who);
}

/* The module file's signature, as far as it can be read. */
static void read_signature(const char *file, struct signature *sig)
{
	size_t n = strlen(file);

	if (n > 3 && !strcmp(file + n - 3, ".ko"))
		read_appended_signature(file, sig);
	else
		modinfo_signature(file, sig);
}

/* Exit 3 with the reason the module is not loaded. */
NORETURN static void diagnose_absent(void)
{
	const char *release = kernel_release();
	char *file = module_file(release);
	struct signature sig = { 0 };
	const char *why;
	enum trust t;

	if (!file)
		die(EX_ABSENT, "sriov_helper is not installed for kernel %s (is linux-headers-%s installed? dkms status)",
		    release, release);
	why = signatures_enforced();
	if (why)
		read_signature(file, &sig);
	if (sig.known && !sig.signed_)
		refused_unsigned(file, release, why);
	free(file);
	if (sig.known) {
		t = key_trusted(&sig);
		if (t != TRUST_YES)
			refused_key(why, &sig, t);
	}
	die(EX_ABSENT, "sriov_helper is not loaded (modprobe sriov_helper)");
}

void need_module(void)
{
	char *mod = rpath("/sys/module/sriov_helper");
	bool loaded = is_dir(mod);

	free(mod);
	if (!loaded)
		diagnose_absent();
}

/* The configfs directory, after checking the module and the mount. */
const char *configfs_dir(void)
{
	static char *dir;

	if (dir)
		return dir;
	need_module();
	dir = rpath("/sys/kernel/config/sriov_helper");
	if (!is_dir(dir))
		die(EX_ABSENT, "configfs is not mounted (mount -t configfs none /sys/kernel/config)");
	return dir;
}
