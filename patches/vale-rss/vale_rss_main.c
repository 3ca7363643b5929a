/* vnf_vale_rss: a lookup for one VALE switch that keeps VALE's MAC learning but picks the
 * destination ring with the project's Toeplitz hash and RETA, so a multi-queue port (a VM's
 * ptnet or virtio port, or a NIC) gets each flow on the ring `vnfctl rss` predicts.  Installed
 * with netmap_bdg_regops(), which netmap exports for this; netmap itself is not changed.
 *
 * Parameters (all writable later through /sys/module/vnf_vale_rss/parameters/; a write
 * re-installs the lookup and fails, changing nothing, if it cannot):
 *   switch  the VALE switch ("vale0"); "" detaches the lookup
 *   key     the Toeplitz key in hex, 40 or 52 bytes (default: the project's default key)
 *   rings   how many rings to spread over, 1..16; 0 (default) = the destination port's RX
 *           rings (at most 16: the switch has room for 16 per port)
 */
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include <bsd_glue.h>
#include <net/netmap.h>
#include <dev/netmap/netmap_kern.h>
#include <dev/netmap/netmap_bdg.h>

#include "vale_rss_core.h"

#define VR_HDR_MAX    256 /* headers gathered from split or indirect frames */
#define VR_SWITCH_MAX 16  /* "vale" + up to 11 characters, as netmap's bridge names */
#define VR_KEY_HEX    (3 * RSS_KEY_MAX)

struct vr_state {
	struct rss rss;
	unsigned rings; /* 0: the destination port's */
	struct vr_learn learn;
};

static DEFINE_MUTEX(vr_lock);	      /* the three parameters and the installed state */
static struct vr_state *vr_installed; /* what the switch's lookup reads */
static char vr_installed_on[VR_SWITCH_MAX];
static bool vr_loaded;		      /* module_init ran: parameter writes now apply */

static char p_switch[VR_SWITCH_MAX];
static char p_key[VR_KEY_HEX + 1] =
	"6d5a6d5a6d5a6d5a6d5a6d5a6d5a6d5a6d5a6d5a6d5a6d5a6d5a6d5a6d5a6d5a6d5a6d5a6d5a6d5a";
static unsigned p_rings;

/* A frame whose first bytes are not in one directly addressable buffer (a user process's
 * indirect buffer, or headers split over slots): copy up to VR_HDR_MAX bytes of it.  Returns
 * the bytes copied, 0 when unreadable. */
static uint32_t vr_gather(const struct nm_bdg_fwd *ft, uint8_t *hdr)
{
	uint32_t n = 0;
	bool more;

	do {
		uint32_t take = min_t(uint32_t, ft->ft_len - ft->ft_offset, VR_HDR_MAX - n);
		const uint8_t *src = (const uint8_t *)ft->ft_buf + ft->ft_offset;

		if (ft->ft_flags & NS_INDIRECT) {
			if (copy_from_user(hdr + n, (const void __user *)src, take))
				return 0;
		} else {
			memcpy(hdr + n, src, take);
		}
		n += take;
		more = ft->ft_flags & NS_MOREFRAG;
		ft++;
	} while (more && n < VR_HDR_MAX);
	return n;
}

static unsigned vr_port_rings(const struct netmap_vp_adapter *src, uint32_t dst)
{
	const struct netmap_vp_adapter *d = src->na_bdg->bdg_ports[dst];

	/* The switch drops frames to a port that has gone; any ring will do. */
	return d ? min_t(unsigned, d->up.num_rx_rings, VR_RINGS_MAX) : 1;
}

/* Called by the switch for each frame, under its read lock, on the sender's CPU. */
static uint32_t vr_lookup(struct nm_bdg_fwd *ft, uint8_t *ring_nr, struct netmap_vp_adapter *na,
			  void *private_data)
{
	struct vr_state *s = private_data;
	const uint8_t *buf = (const uint8_t *)ft->ft_buf + ft->ft_offset;
	uint32_t len = ft->ft_len - ft->ft_offset, dst;
	uint8_t hdr[VR_HDR_MAX];

	if (unlikely(ft->ft_flags & (NS_INDIRECT | NS_MOREFRAG))) {
		len = vr_gather(ft, hdr);
		buf = hdr;
	}
	if (unlikely(len < VR_ETH_HLEN))
		return NM_BDG_NOPORT;
	dst = vr_learn_port(&s->learn, buf, na->bdg_port);
	if (dst >= NM_BDG_MAXPORTS) /* broadcast: the switch puts it on ring 0 */
		return dst;
	*ring_nr = (uint8_t)vr_ring_of(&s->rss, buf, len,
				       s->rings ? s->rings : vr_port_rings(na, dst));
	return dst;
}

/* Called by the switch, under its write lock, as a port leaves: that port's MACs are
 * forgotten at once (VALE's own table keeps them until they are learned elsewhere). */
static void vr_port_gone(const struct netmap_vp_adapter *na)
{
	struct vr_state *s = na->na_bdg->private_data;

	vr_learn_forget(&s->learn, (uint32_t)na->bdg_port);
}

static struct netmap_bdg_ops vr_ops = {
	.lookup = vr_lookup,
	.dtor = vr_port_gone,
};

static int vr_state_build(struct vr_state **out)
{
	uint8_t key[RSS_KEY_MAX];
	size_t key_len;
	struct vr_state *s;
	int err;

	err = rss_key_parse_hex(p_key, key, &key_len);
	if (err)
		return err;
	s = vzalloc(sizeof(*s));
	if (!s)
		return -ENOMEM;
	err = rss_init(&s->rss, key, key_len);
	if (!err && p_rings)
		err = rss_reta_set_equal(&s->rss, 128, (uint16_t)p_rings);
	if (err) {
		vfree(s);
		return err;
	}
	s->rings = p_rings;
	*out = s;
	return 0;
}

struct vr_probe {
	const void *want;
	bool found;
};

static void *vr_probe_cb(void *private_data, void *callback_data, int *error)
{
	struct vr_probe *p = callback_data;

	p->found = private_data == p->want;
	return private_data; /* unchanged */
}

/* Is our lookup still on the switch?  netmap frees a switch with its last port, and our lookup
 * with it; a switch made again under the same name has VALE's own.  Asked through
 * netmap_bdg_update_private_data, which hands us the switch's data under its lock. */
static bool vr_still_installed(void)
{
	char name[VR_SWITCH_MAX + 1];
	struct vr_probe p = { vr_installed, false };

	lockdep_assert_held(&vr_lock);
	if (!vr_installed)
		return false;
	snprintf(name, sizeof(name), "%s:", vr_installed_on);
	return netmap_bdg_update_private_data(name, vr_probe_cb, &p, NULL) == 0 && p.found;
}

/* netmap_bdg_regops takes a bridge name ending in ':'; errors come back positive. */
static int vr_regops(const char *sw, struct netmap_bdg_ops *ops, void *data)
{
	char name[VR_SWITCH_MAX + 1];

	snprintf(name, sizeof(name), "%s:", sw);
	return -netmap_bdg_regops(name, ops, data, NULL);
}

/* Installs a lookup built from the parameters on p_switch (the old one stays on failure),
 * then takes it off the switch it was on before, if that was another. */
static int vr_apply(void)
{
	struct vr_state *s = NULL, *old = vr_installed;
	bool old_on = vr_still_installed();
	int err = 0;

	lockdep_assert_held(&vr_lock);
	if (p_switch[0]) {
		err = vr_state_build(&s);
		if (err)
			return err;
		if (old_on && strcmp(vr_installed_on, p_switch) == 0)
			memcpy(&s->learn, &old->learn, sizeof(s->learn)); /* keep what was learned */
		err = vr_regops(p_switch, &vr_ops, s);
		if (err) {
			vfree(s);
			return err;
		}
	}
	/* The switch swaps ops and data under its write lock, so once regops returns no
	 * lookup still reads the old state. */
	if (old_on && strcmp(vr_installed_on, p_switch) != 0)
		vr_regops(vr_installed_on, NULL, NULL);
	vfree(old);
	vr_installed = s;
	strscpy(vr_installed_on, p_switch, sizeof(vr_installed_on));
	if (s)
		pr_info("vnf_vale_rss: %s spreads over %s by 4-tuple\n", p_switch,
			p_rings ? "a fixed number of rings" : "each port's rings");
	return 0;
}

static int vr_check_switch(const char *v)
{
	size_t n = strlen(v);

	if (n == 0)
		return 0;
	if (n >= VR_SWITCH_MAX || strncmp(v, "vale", 4) != 0)
		return -EINVAL;
	for (size_t i = 4; i < n; i++)
		if (!isalnum(v[i]) && v[i] != '_')
			return -EINVAL;
	return 0;
}

static int vr_check_key(const char *v)
{
	uint8_t key[RSS_KEY_MAX];
	size_t len;

	if (strlen(v) > VR_KEY_HEX || rss_key_parse_hex(v, key, &len))
		return -EINVAL;
	return len == 40 || len == 52 ? 0 : -EINVAL;
}

/* One setter for the three parameters: check, store, apply once loaded, and put the old
 * value back when applying fails. */
static int vr_param_set(const char *val, const struct kernel_param *kp)
{
	char v[VR_KEY_HEX + 2], *dst = kp->arg, saved[VR_KEY_HEX + 1];
	size_t cap = (dst == p_switch) ? sizeof(p_switch) : sizeof(p_key);
	unsigned saved_rings = p_rings;
	int err;

	strscpy(v, val, sizeof(v));
	strim(v); /* echo appends a newline */
	if (kp->arg == &p_rings) {
		unsigned r;

		if (kstrtouint(v, 10, &r) || r > VR_RINGS_MAX)
			return -EINVAL;
		mutex_lock(&vr_lock);
		p_rings = r;
	} else {
		err = dst == p_switch ? vr_check_switch(v) : vr_check_key(v);
		if (err)
			return err;
		mutex_lock(&vr_lock);
		strscpy(saved, dst, sizeof(saved));
		strscpy(dst, v, cap);
	}
	err = vr_loaded ? vr_apply() : 0;
	if (err) {
		if (kp->arg == &p_rings)
			p_rings = saved_rings;
		else
			strscpy(dst, saved, cap);
	}
	mutex_unlock(&vr_lock);
	return err;
}

static int vr_param_get(char *buf, const struct kernel_param *kp)
{
	int n;

	mutex_lock(&vr_lock);
	if (kp->arg == &p_rings)
		n = sysfs_emit(buf, "%u\n", p_rings);
	else
		n = sysfs_emit(buf, "%s\n", (const char *)kp->arg);
	mutex_unlock(&vr_lock);
	return n;
}

static const struct kernel_param_ops vr_param_ops = {
	.set = vr_param_set,
	.get = vr_param_get,
};

module_param_cb(switch, &vr_param_ops, p_switch, 0644);
MODULE_PARM_DESC(switch, "VALE switch to spread (vale0); empty: none");
module_param_cb(key, &vr_param_ops, p_key, 0644);
MODULE_PARM_DESC(key, "Toeplitz key, hex, 40 or 52 bytes");
module_param_cb(rings, &vr_param_ops, &p_rings, 0644);
MODULE_PARM_DESC(rings, "rings to spread over, 1..16; 0: each destination port's RX rings");

/* Read-only: the switch the lookup is installed on now ("" when none). */
static int vr_active_get(char *buf, const struct kernel_param *kp)
{
	int n;

	mutex_lock(&vr_lock);
	n = sysfs_emit(buf, "%s\n", vr_still_installed() ? vr_installed_on : "");
	mutex_unlock(&vr_lock);
	return n;
}

static const struct kernel_param_ops vr_active_ops = {
	.get = vr_active_get,
};
module_param_cb(active, &vr_active_ops, NULL, 0444);
MODULE_PARM_DESC(active, "the switch the lookup is installed on");

static int __init vr_init(void)
{
	int err;

	mutex_lock(&vr_lock);
	vr_loaded = true;
	err = vr_apply();
	if (err)
		vr_loaded = false;
	mutex_unlock(&vr_lock);
	return err;
}

static void __exit vr_exit(void)
{
	mutex_lock(&vr_lock);
	/* A switch freed and made again since has VALE's own lookup already. */
	if (vr_still_installed())
		vr_regops(vr_installed_on, NULL, NULL);
	vfree(vr_installed);
	vr_installed = NULL;
	mutex_unlock(&vr_lock);
}

module_init(vr_init);
module_exit(vr_exit);
MODULE_DESCRIPTION("VALE lookup: MAC learning, rings by Toeplitz 4-tuple hash (vnfctl)");
MODULE_LICENSE("Dual BSD/GPL");
