/* vnfctl doctor: what the original manual set up by hand, checked, each with its fix.  The
 * judgments on text are in doctor_checks.c; this file reads the host. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>
#include <json-c/json.h>
#include "../dataplane/ethtool.h"
#include "agent.h"
#include "cli.h"
#include "clock.h"
#include "doctor_checks.h"
#include "vale_hash.h"
#include "files.h"
#include "virt.h"

#define BPF_FS_MAGIC_ 0xcafe4a11
#define OUT_MAX	      (4 << 20)

struct report {
	json_object *list;
	int errors, warnings;
};

static void add(struct report *r, const char *id, enum doctor_status st, const char *fix,
		const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void add(struct report *r, const char *id, enum doctor_status st, const char *fix,
		const char *fmt, ...)
{
	json_object *o = json_object_new_object();
	char finding[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(finding, sizeof(finding), fmt, ap);
	va_end(ap);
	json_object_object_add(o, "check", json_object_new_string(id));
	json_object_object_add(o, "status", json_object_new_string(doctor_status_name(st)));
	json_object_object_add(o, "finding", json_object_new_string(finding));
	json_object_object_add(o, "fix", fix ? json_object_new_string(fix) : NULL);
	json_object_array_add(r->list, o);
	r->errors += st == DOCTOR_ERROR;
	r->warnings += st == DOCTOR_WARNING;
}

/* Runs argv (no shell) for at most timeout_ms; its stdout and stderr in *out (caller frees).
 * The exit status, 124 on timeout (the program was killed), -1 when it cannot run. */
static int run_capture(char *const argv[], int timeout_ms, char **out)
{
	int fd[2], status = -1;
	size_t n = 0;
	char *buf = malloc(OUT_MAX + 1);
	int64_t deadline = now_ms() + timeout_ms;
	pid_t pid;

	*out = buf;
	if (!buf || pipe2(fd, O_CLOEXEC))
		return -1;
	buf[0] = '\0';
	pid = fork();
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDONLY);
		dup2(devnull, 0);
		dup2(fd[1], 1);
		dup2(fd[1], 2);
		execv(argv[0], argv);
		_exit(127);
	}
	close(fd[1]);
	if (pid < 0) {
		close(fd[0]);
		return -1;
	}
	for (;;) {
		struct pollfd p = { fd[0], POLLIN, 0 };
		int left = (int)(deadline - now_ms());
		ssize_t k;
		if (left <= 0 || poll(&p, 1, left) <= 0) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			close(fd[0]);
			return 124;
		}
		k = read(fd[0], buf + n, OUT_MAX - n);
		if (k <= 0)
			break;
		n += (size_t)k;
		buf[n] = '\0';
		if (n == OUT_MAX)
			break;
	}
	close(fd[0]);
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* ---- the checks ------------------------------------------------------------------------- */

static void check_libvirt(struct report *r, const char *uri, struct virt **vout)
{
	unsigned long lib, hv;
	char err[VNFCTL_ERR_LEN];

	*vout = NULL;
	if (virt_open(vout, uri, err, sizeof(err))) {
		add(r, "libvirt", DOCTOR_ERROR,
		    "start libvirtd (systemctl start libvirtd, or libvirtd -d), or give --connect "
		    "URI",
		    "%s: %s", uri, err);
		return;
	}
	if (virt_versions(*vout, &lib, &hv, err, sizeof(err)))
		add(r, "libvirt", DOCTOR_WARNING, NULL, "%s: reachable, %s", uri, err);
	else
		add(r, "libvirt", DOCTOR_OK, NULL,
		    "%s: libvirt %lu.%lu.%lu, hypervisor %lu.%lu.%lu", uri, lib / 1000000,
		    lib / 1000 % 1000, lib % 1000, hv / 1000000, hv / 1000 % 1000, hv % 1000);
}

static void check_emulator(struct report *r, const char *emu)
{
	char *argv_help[] = { (char *)emu, "-device", "help", NULL };
	char *argv_ver[] = { (char *)emu, "-version", NULL };
	char *out = NULL;
	unsigned maj = 0, min = 0, mic = 0;
	int rc = run_capture(argv_ver, 10000, &out);

	if (rc != 0 || doctor_qemu_version(out, &maj, &min, &mic)) {
		add(r, "emulator", DOCTOR_ERROR,
		    "install qemu-system-x86 (make deps), or give --emulator PATH",
		    "%s -version: %s", emu,
		    rc < 0 || rc == 127 ? "cannot run it" : "no QEMU version in its output");
		free(out);
		return;
	}
	free(out);
	out = NULL;
	/* libvirt 9.0 refuses QEMU < 4.2.0, which netmap's ptnet fork (3.0.x) is */
	if (maj < 4 || (maj == 4 && min < 2))
		add(r, "emulator.version", DOCTOR_ERROR,
		    "libvirt >= 7.0 refuses this QEMU: use libvirt 6.x for ptnet, or the virtio or "
		    "hostdev vNIC with Debian's QEMU",
		    "%s is QEMU %u.%u.%u, below 4.2.0", emu, maj, min, mic);
	else
		add(r, "emulator.version", DOCTOR_OK, NULL, "%s is QEMU %u.%u.%u", emu, maj, min,
		    mic);
	rc = run_capture(argv_help, 10000, &out);
	if (rc == 0 && doctor_device_listed(out, "ptnet-pci"))
		add(r, "emulator.ptnet", DOCTOR_OK, NULL, "%s has the ptnet-pci device", emu);
	else
		add(r, "emulator.ptnet", DOCTOR_WARNING,
		    "for netmap passthrough build netmap's QEMU (github.com/vmaffione/qemu, branch "
		    "ptnet) and give it as --emulator; the virtio and hostdev vNICs need nothing",
		    "%s has no ptnet-pci device: no --vnic ptnet", emu);
	free(out);
}

static void check_kvm(struct report *r, const char *emu, const char *kvm_dev)
{
	char *argv[] = { (char *)emu, "-accel", "kvm", "-cpu",	   "host", "-M",	  "pc",
			 "-display",  "none",	"-S",  "-monitor", "none", "-nodefaults", NULL };
	char *out = NULL;
	int rc;

	if (access(kvm_dev, R_OK | W_OK)) {
		add(r, "kvm", DOCTOR_WARNING,
		    "VMs run under QEMU's emulation: give them accel tcg (vnfctl domain new "
		    "--accel "
		    "tcg); for speed, enable virtualization (or nested KVM) for this host",
		    "%s: %s", kvm_dev, strerror(errno));
		return;
	}
	/* /dev/kvm alone is not enough: nested KVM may fail at the first reset */
	rc = run_capture(argv, 3000, &out);
	if (rc == 124)
		add(r, "kvm", DOCTOR_OK, NULL, "%s works (QEMU ran with -accel kvm -cpu host)",
		    kvm_dev);
	else
		add(r, "kvm", DOCTOR_WARNING,
		    "use accel tcg for VMs (vnfctl domain new --accel tcg) or fix the host's KVM",
		    "%s exists but QEMU with -accel kvm -cpu host fails: %.200s", kvm_dev,
		    out && *out ? strtok(out, "\n") : "no message");
	free(out);
}

static void check_netmap(struct report *r, const char *dev)
{
	struct stat st;

	if (stat(dev, &st))
		add(r, "netmap", DOCTOR_WARNING,
		    "only ptnet, VALE ports and the netmap backend need it: build netmap.ko from "
		    "github.com/luigirizzo/netmap for this kernel and insmod it",
		    "%s: %s (netmap is not loaded)", dev, strerror(errno));
	else
		add(r, "netmap", DOCTOR_OK, NULL, "%s present%s", dev,
#ifdef HAVE_NETMAP
		    ""
#else
		    "; this vnfctl was built without netmap headers (make NETMAP_SRC=...)"
#endif
		);
}

/* The VALE distribution module (vnfctl vale hash): where it is installed, if loaded. */
static void check_vale_hash(struct report *r)
{
	struct vale_hash_state s;
	char err[VNFCTL_ERR_LEN];

	if (vale_hash_read(&s, err, sizeof(err)))
		add(r, "vale.hash", DOCTOR_ERROR, "reload it: vnfctl vale hash disable, then enable",
		    "%s: %s", VALE_HASH_MODULE, err);
	else if (!s.loaded)
		add(r, "vale.hash", DOCTOR_OK, NULL,
		    VALE_HASH_MODULE " not loaded: VALE switches keep netmap's own lookup (vale mode "
		    "spreads flows with vnfctl vale hash enable SWITCH)");
	else if (!*s.active)
		add(r, "vale.hash", DOCTOR_WARNING, "vnfctl vale hash enable SWITCH",
		    VALE_HASH_MODULE " loaded%s%s, installed on no switch (a switch is freed with its "
		    "last port, and its lookup with it)", *s.sw ? " for " : "", s.sw);
	else
		add(r, "vale.hash", DOCTOR_OK, NULL,
		    VALE_HASH_MODULE " installed on %s: rings by Toeplitz 4-tuple, key %.16s..., %s",
		    s.active, s.key, s.rings ? "a fixed number of rings" : "each port's RX rings");
}

static void check_qemu_conf(struct report *r, const char *path)
{
	char *text = NULL, err[256], drv[64];
	size_t len;
	int allows;

	if (file_read_all(path, &text, &len, err, sizeof(err))) {
		add(r, "qemu.conf", DOCTOR_WARNING,
		    "install libvirt-daemon-driver-qemu, or give --qemu-conf PATH", "%s: %s", path,
		    err);
		return;
	}
	allows = doctor_acl_allows(text, len, "/dev/netmap");
	if (allows == 1)
		add(r, "qemu.conf.netmap", DOCTOR_OK, NULL, "%s: cgroup_device_acl has /dev/netmap",
		    path);
	else
		add(r, "qemu.conf.netmap", DOCTOR_WARNING,
		    "add \"/dev/netmap\" to cgroup_device_acl in qemu.conf (with the default "
		    "devices: "
		    "/dev/null, /dev/full, /dev/zero, /dev/random, /dev/urandom, /dev/ptmx, "
		    "/dev/kvm) and restart libvirtd; only ptnet needs it",
		    "%s: %s", path,
		    allows == 0 ? "cgroup_device_acl lacks /dev/netmap"
				: "cgroup_device_acl is not set: QEMU may not open /dev/netmap");
	if (doctor_conf_string(text, len, "security_driver", drv, sizeof(drv)))
		snprintf(drv, sizeof(drv), "default");
	free(text);
	text = NULL;
	if (!file_read_all("/sys/module/apparmor/parameters/enabled", &text, &len, err,
			   sizeof(err)) &&
	    text[0] == 'Y' && strcmp(drv, "none"))
		add(r, "apparmor", DOCTOR_WARNING,
		    "for ptnet, allow /dev/netmap rw in /etc/apparmor.d/abstractions/libvirt-qemu "
		    "(and netmap's QEMU binary rmix in usr.sbin.libvirtd)",
		    "AppArmor is enabled and qemu.conf's security_driver is %s", drv);
	else
		add(r, "apparmor", DOCTOR_OK, NULL,
		    "AppArmor does not confine QEMU (security_driver %s)", drv);
	free(text);
}

static void check_afxdp(struct report *r, const char *bpffs)
{
	struct statfs sf;
	struct utsname u;
	char path[PATH_MAX], *text = NULL, err[128];
	size_t len;

	if (statfs(bpffs, &sf) == 0 && (unsigned long)sf.f_type == BPF_FS_MAGIC_)
		add(r, "afxdp.bpffs", DOCTOR_OK, NULL, "bpffs mounted at %s", bpffs);
	else
		add(r, "afxdp.bpffs", DOCTOR_WARNING, "mount -t bpf bpf /sys/fs/bpf",
		    "%s is not a bpffs: AF_XDP's crash-safe detach needs it", bpffs);
	uname(&u);
	snprintf(path, sizeof(path), "/boot/config-%s", u.release);
	if (file_read_all(path, &text, &len, err, sizeof(err)))
		add(r, "afxdp.kernel", DOCTOR_WARNING, NULL,
		    "%s: %s (cannot tell whether AF_XDP is built in)", path, err);
	else if (strstr(text, "\nCONFIG_XDP_SOCKETS=y"))
		add(r, "afxdp.kernel", DOCTOR_OK, NULL, "kernel %s has CONFIG_XDP_SOCKETS",
		    u.release);
	else
		add(r, "afxdp.kernel", DOCTOR_WARNING, "use the afpacket backend",
		    "kernel %s lacks CONFIG_XDP_SOCKETS", u.release);
	free(text);
}

static void check_domain(struct report *r, struct virt *v, const char *dom)
{
	char *xml = NULL, uuid[37], err[VNFCTL_ERR_LEN], id[96];
	struct agent a = { .timeout_ms = 5000 };
	int running = 0;

	snprintf(id, sizeof(id), "agent.%s", dom);
	if (!v || virt_domain_xml(v, dom, 0, &xml, uuid, err, sizeof(err))) {
		add(r, id, DOCTOR_ERROR, "check the name: virsh list --all", "%s: %s", dom,
		    v ? err : "libvirt is not reachable");
		return;
	}
	if (!strstr(xml, "org.qemu.guest_agent.0"))
		add(r, id, DOCTOR_ERROR,
		    "vnfctl domain attach adds the channel with a vNIC; then restart the domain",
		    "%s has no org.qemu.guest_agent.0 channel: deploy cannot reach it", dom);
	else if (virt_domain_state(v, dom, &running, err, sizeof(err)) || !running)
		add(r, id, DOCTOR_OK, NULL, "%s has the guest agent channel (not running now)",
		    dom);
	else if (virt_agent_open(v, dom, &a, err, sizeof(err)) ||
		 agent_call(&a, "guest-ping", NULL, NULL, err, sizeof(err)))
		add(r, id, DOCTOR_ERROR,
		    "install and start qemu-guest-agent in the guest (Debian: apt install "
		    "qemu-guest-agent)",
		    "%s runs but its guest agent does not answer: %s", dom, err);
	else
		add(r, id, DOCTOR_OK, NULL, "%s: the guest agent answers", dom);
	agent_close(&a);
	free(xml);
}

static void check_iface(struct report *r, const char *ifname)
{
	struct eth_channels ch;
	struct eth_rss *rss = calloc(1, sizeof(*rss));
	char drv[64] = "?", id[64];
	int ret;

	snprintf(id, sizeof(id), "nic.%s", ifname);
	if (!rss || strlen(ifname) >= IFNAMSIZ || !if_nametoindex(ifname)) {
		add(r, id, DOCTOR_ERROR, "check the name: ip link", "%s: no such interface",
		    ifname);
		free(rss);
		return;
	}
	ethtool_driver_get(ifname, drv, sizeof(drv));
	ret = ethtool_channels_get(ifname, &ch);
	if (ret)
		add(r, id, DOCTOR_WARNING, "nic mode needs one queue per worker: use sw mode",
		    "%s (driver %s) reports no queues: %s", ifname, drv, strerror(-ret));
	else if (!(ret = ethtool_rss_get(ifname, rss)) && rss->key_size)
		add(r, id, DOCTOR_OK, NULL,
		    "%s (driver %s): up to %u queues, RSS key of %u bytes, table of %u entries",
		    ifname, drv, ch.max_combined ? ch.max_combined : ch.max_rx, rss->key_size,
		    rss->indir_size);
	else
		add(r, id, DOCTOR_WARNING,
		    "nic mode works but the NIC's own hash decides the queues (port.rss_setup auto "
		    "warns); sw mode spreads by the project's key",
		    "%s (driver %s): up to %u queues, no settable RSS key (%s)", ifname, drv,
		    ch.max_combined ? ch.max_combined : ch.max_rx, ret ? strerror(-ret) : "no key");
	free(rss);
}

/* ---- the command -------------------------------------------------------------------------- */

int cmd_doctor(const struct vnfctl_ctx *ctx, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "emulator", required_argument, 0, 'e' },
		{ "qemu-conf", required_argument, 0, 'q' },
		{ "domain", required_argument, 0, 'd' },
		{ "iface", required_argument, 0, 'i' },
		{ "help", no_argument, 0, 'h' },
		{ 0, 0, 0, 0 },
	};
	const struct vnfctl_cmd *c = cli_find("doctor", "");
	const char *emu = "/usr/bin/qemu-system-x86_64", *conf = "/etc/libvirt/qemu.conf";
	const char *doms[16], *ifs[16], *netmap_dev = getenv("VNFCTL_NETMAP_DEV");
	const char *kvm_dev = getenv("VNFCTL_KVM_DEV"), *bpffs = getenv("VNFCTL_BPFFS");
	struct report r = { json_object_new_array(), 0, 0 };
	struct virt *v = NULL;
	int nd = 0, ni = 0, ch;

	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (ch) {
		case 'e':
			emu = optarg;
			break;
		case 'q':
			conf = optarg;
			break;
		case 'd':
			if (nd == 16)
				return cli_usage_fail(c, "at most 16 --domain");
			doms[nd++] = optarg;
			break;
		case 'i':
			if (ni == 16)
				return cli_usage_fail(c, "at most 16 --iface");
			ifs[ni++] = optarg;
			break;
		case 'h':
			cli_usage(stdout, c);
			json_object_put(r.list);
			return EXIT_OK;
		default:
			json_object_put(r.list);
			return cli_usage_fail(c, "unknown option or missing value: \"%s\"",
					      argv[optind - 1]);
		}
	}
	if (optind != argc) {
		json_object_put(r.list);
		return cli_usage_fail(c, "unexpected argument \"%s\"", argv[optind]);
	}
	check_libvirt(&r, ctx->uri, &v);
	check_emulator(&r, emu);
	check_kvm(&r, emu, kvm_dev && *kvm_dev ? kvm_dev : "/dev/kvm");
	check_netmap(&r, netmap_dev && *netmap_dev ? netmap_dev : "/dev/netmap");
	check_vale_hash(&r);
	check_qemu_conf(&r, conf);
	check_afxdp(&r, bpffs && *bpffs ? bpffs : "/sys/fs/bpf");
	for (int i = 0; i < nd; i++)
		check_domain(&r, v, doms[i]);
	for (int i = 0; i < ni; i++)
		check_iface(&r, ifs[i]);
	if (ctx->json) {
		printf("%s\n",
		       json_object_to_json_string_ext(
			       r.list, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	} else {
		for (size_t i = 0; i < json_object_array_length(r.list); i++) {
			json_object *o = json_object_array_get_idx(r.list, i), *st, *id, *f, *fix;
			json_object_object_get_ex(o, "status", &st);
			json_object_object_get_ex(o, "check", &id);
			json_object_object_get_ex(o, "finding", &f);
			json_object_object_get_ex(o, "fix", &fix);
			printf("%-8s %-18s %s\n", json_object_get_string(st),
			       json_object_get_string(id), json_object_get_string(f));
			if (fix)
				printf("%-8s %-18s fix: %s\n", "", "", json_object_get_string(fix));
		}
		printf("doctor: %d error%s, %d warning%s\n", r.errors, r.errors == 1 ? "" : "s",
		       r.warnings, r.warnings == 1 ? "" : "s");
	}
	json_object_put(r.list);
	virt_close(v);
	return r.errors ? EXIT_FAIL : EXIT_OK;
}
