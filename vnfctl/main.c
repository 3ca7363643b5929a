/* vnfctl: the host tool.  The grammar is the table below; every --help is generated from it. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "../dataplane/cli.h"

#define VNFCTL_VERSION "0.1"

#define AGENT_OPTIONS_HELP \
	"AGENT OPTIONS:\n" \
	"  --agent-socket PATH  talk to qemu-ga on this unix socket instead of through libvirt\n" \
	"                       (QEMU without libvirt: -chardev socket,path=PATH,server=on,...)\n" \
	"  --timeout SECONDS    for each guest-agent command (default 10)"

const struct vnfctl_cmd vnfctl_cmds[] = {
	{ "domain", "attach", cmd_domain_attach,
	  "DOMAIN --vnic ptnet|virtio|hostdev [VNIC OPTIONS] [--dry-run]",
	  "give a libvirt domain a fast vNIC by editing its inactive XML",
	  "VNIC OPTIONS:\n"
	  "  --vnic ptnet --port PORT     netmap passthrough to PORT (vale0:vm1, netmap:eth0)\n"
	  "      [--emulator PATH] [--machine TYPE] [--cpu-model MODEL]\n"
	  "                               what the netmap QEMU build needs, replaced and "
	  "recorded\n"
	  "  --vnic virtio (--tap NAME | --bridge NAME | --network NAME) [--queues N]\n"
	  "                               a stock virtio-net interface, multi-queue with N > 1\n"
	  "  --vnic hostdev --pci DDDD:BB:SS.F\n"
	  "                               an SR-IOV VF as <interface type='hostdev'>\n"
	  "  --id ID                      the vNIC's id (default: the first free vnfN)\n"
	  "  --mac MAC                    its MAC (default: derived from the domain and the id,\n"
	  "                               the same every time)\n"
	  "  --dry-run                    print the change as a unified diff, change nothing\n\n"
	  "Adds the guest-agent channel org.qemu.guest_agent.0 when the domain has none, and\n"
	  "records in <metadata> what it added or replaced, so that `vnfctl domain detach` can\n"
	  "undo exactly that.  Attaching the same vNIC again changes nothing.  The original XML "
	  "is\n"
	  "kept in the state directory the first time; `vnfctl domain restore` puts it back." },
	{ "domain", "detach", cmd_domain_detach, "DOMAIN (--id ID | --all) [--dry-run]",
	  "remove vNICs vnfctl attached, restoring what it replaced",
	  "  --id ID      the vNIC to remove\n"
	  "  --all        every vNIC vnfctl attached; with the last one go the guest-agent "
	  "channel,\n"
	  "               the qemu namespace and <metadata> record it added, and the emulator,\n"
	  "               machine and CPU model come back\n"
	  "  --dry-run    print the change as a unified diff, change nothing" },
	{ "domain", "show", cmd_domain_show, "DOMAIN [--json]", "list the vNICs vnfctl manages",
	  "One line per vNIC: id, kind, MAC and endpoint (port, tap/bridge/network, PCI "
	  "address)." },
	{ "domain", "rewrite", cmd_domain_rewrite,
	  "--in FILE [--out FILE] attach|detach|show [OPTIONS]",
	  "the same transforms on a file, without libvirt",
	  "Reads domain XML from FILE (- for standard input), applies attach or detach with the\n"
	  "options `vnfctl domain attach|detach --help` lists (no DOMAIN, no --dry-run), and "
	  "writes\n"
	  "the result to --out (replaced atomically) or standard output.  `show` lists the vNICs.\n"
	  "For templates, pipelines and review: no libvirt connection is made." },
	{ "domain", "restore", cmd_domain_restore, "DOMAIN [--dry-run]",
	  "define the domain's XML as it was before vnfctl first changed it",
	  "Uses the copy kept in the state directory ($VNFCTL_STATE_DIR, default\n"
	  "/var/lib/vnfctl/domains) by the first attach." },
	{ "domain", "new", cmd_domain_new,
	  "NAME --template T [--memory MIB] [--vcpus N] [--disk PATH] [--kernel PATH\n"
	  "                         [--initrd PATH] [--cmdline ARGS]] [--port PORT] [--bridge BR]\n"
	  "                         [--accel kvm|tcg] [--dry-run]",
	  "define a new domain from a template",
	  "  --template T   ptnet-vale (a ptnet VNF on a VALE port), ptnet-nic (on a NIC in\n"
	  "                 netmap mode), virtio (multi-queue virtio-net on a bridge), or the\n"
	  "                 path of any domain XML (templates/domain-T.xml, looked up in\n"
	  "                 $VNFCTL_TEMPLATE_DIR, /usr/share/vnfctl/templates, the source tree)\n"
	  "  --memory MIB, --vcpus N, --disk PATH (the first disk's file; none: no disks),\n"
	  "  --kernel PATH [--initrd PATH] [--cmdline ARGS] (direct kernel boot)\n"
	  "  --port PORT    the netmap port of the template's ptnet vNIC\n"
	  "  --bridge BR    the bridge of the template's virtio vNICs (virtio: br0)\n"
	  "  --accel kvm|tcg\n"
	  "                 kvm, or tcg: QEMU's emulation for hosts without /dev/kvm (domain\n"
	  "                 type qemu, CPU model \"maximum\" instead of host-passthrough)\n"
	  "  --dry-run      print the XML instead of defining it\n\n"
	  "The new domain gets its own UUID from libvirt and new MACs for vnfctl's vNICs\n"
	  "(derived from NAME), so `vnfctl domain detach` works on it as on any other." },
	{ "domain", "start", cmd_domain_start, "DOMAIN [--wait-agent SECONDS]",
	  "start a defined domain (nothing if it runs) and wait for its guest agent",
	  "  --wait-agent S   then wait up to S seconds until its guest agent answers\n"
	  "                   guest-ping (deploy needs it)" },
	{ "domain", "stop", cmd_domain_stop, "DOMAIN [--wait SECONDS]",
	  "stop a running domain: ACPI shutdown for --wait seconds (default 0), then destroy",
	  "Nothing happens when it does not run." },
	{ "domain", "delete", cmd_domain_delete, "DOMAIN",
	  "undefine a domain that does not run (with its managed save, snapshot metadata, NVRAM)",
	  "Its disks stay: vnfctl never deletes files it did not make." },
	{ "nic", "show", cmd_nic_show, "IFACE [--json]",
	  "what the NIC's driver reports: queues, rings, RSS key and table, flow hash, offloads",
	  "Through the kernel's ethtool interface (no ethtool binary).  What the driver does not\n"
	  "have says so (veth, for one, has no RSS).  With --json (a global option: vnfctl --json\n"
	  "nic show IFACE) one object: channels, rings, rss {key, indir}, flow_hash {tcp4, udp4,\n"
	  "tcp6, udp6: fields}, offloads {tso, gso, gro, lro, rx-checksum, tx-checksum}." },
	{ "nic", "setup", cmd_nic_setup,
	  "IFACE [--queues N] [--rx-slots N] [--tx-slots N] [--rss-key HEX | --rss-profile NAME]\n"
	  "                        [--reta equal] [--flow-hash l4|l3] [--offloads off|on] "
	  "[--dry-run]",
	  "set a NIC's queues, rings, RSS key and table, flow hash and offloads",
	  "Through the kernel's ethtool interface, in the order the kernel needs (queues and "
	  "rings\n"
	  "first: netmap refuses them once it holds the NIC).  Everything asked is checked "
	  "against\n"
	  "what the driver has before anything changes; every step is read back; if one fails the\n"
	  "steps before it are put back.  The first setup keeps the original settings\n"
	  "($VNFCTL_STATE_DIR or /var/lib/vnfctl/nics, nic-IFACE.json) for `vnfctl nic restore`.\n"
	  "  --reta equal     RETA[i] = i % queues, as `ethtool -X IFACE equal N`\n"
	  "  --flow-hash l4   tcp4/udp4/tcp6/udp6 hashed on addresses and ports (l3: addresses)\n"
	  "  --offloads off   TSO, GSO, GRO, LRO and checksums off, as netmap wants\n"
	  "  --addr CIDR      an IPv4 address on it (rtnetlink), and the link up\n"
	  "  --dry-run        print what would be set, change nothing" },
	{ "nic", "restore", cmd_nic_restore, "IFACE",
	  "put back the settings a NIC had before the first vnfctl nic setup",
	  "Applies the kept original (and reads it back), then forgets it." },
	{ "vale", "create", cmd_vale_create,
	  "NAME [--rings N] [--slots N] [--extra-bufs N] [--json] [--dry-run]",
	  "make a persistent VALE port: an interface that outlives the program using it",
	  "  --rings N        ring pairs, 1..16 (default 1)\n"
	  "  --slots N        slots per ring, 1..4096 (default 1024)\n"
	  "  --extra-bufs N   room in the port's memory for N extra buffers that a program\n"
	  "                   asks for when it opens the port (nr_extra_bufs)\n"
	  "  --dry-run        check the arguments and print the request; needs no module\n\n"
	  "Through netmap's control ioctl (NETMAP_REQ_VALE_NEWIF on /dev/netmap, as vale-ctl -n).\n"
	  "NAME is 1..15 letters, digits and _, and must not start with \"vale\" (that prefix\n"
	  "names switches).  The port has its own memory, which netmap sizes for its rings; NEWIF "
	  "carries\n"
	  "no extra-buffer count, so with --extra-bufs the module parameter priv_buf_num is "
	  "raised\n"
	  "for the creation and put back.  Attach the port with vnfctl vale attach vale0:NAME.\n"
	  "Errors: NAME exists already; netmap module not loaded; vnfctl built without netmap\n"
	  "headers (make NETMAP_SRC=/path/to/netmap)." },
	{ "vale", "delete", cmd_vale_delete, "NAME [--dry-run]", "delete a persistent VALE port",
	  "NETMAP_REQ_VALE_DELIF.  Refused while the port is attached to a switch (the error\n"
	  "names it) or open by a program, and for interfaces that are not persistent VALE\n"
	  "ports." },
	{ "vale", "attach", cmd_vale_attach, "SWITCH:NAME [--host] [--dry-run]",
	  "attach a persistent VALE port or a NIC to a VALE switch",
	  "  SWITCH        vale followed by letters, digits or _ (vale0, vale1, valeA), at most\n"
	  "                15 characters; netmap makes the switch on its first port\n"
	  "  NAME          a port made by vnfctl vale create, or a NIC (put in netmap mode)\n"
	  "  --host        a NIC's host stack too (NR_REG_NIC_SW), as vale-ctl -h\n"
	  "  --dry-run     check the arguments and print the request; needs no module\n\n"
	  "NETMAP_REQ_VALE_ATTACH.  A port attached anywhere already is refused (the error names\n"
	  "the switch).  Configure a NIC's queues and rings (vnfctl nic setup) before: ethtool\n"
	  "changes fail with EBUSY once netmap holds it." },
	{ "vale", "detach", cmd_vale_detach, "SWITCH:NAME [--dry-run]",
	  "detach a port from a VALE switch",
	  "NETMAP_REQ_VALE_DETACH.  A NIC with polling threads must be stopped first (vnfctl vale\n"
	  "poll off).  The switch goes away with its last port; a persistent port stays until\n"
	  "vnfctl vale delete." },
	{ "vale", "list", cmd_vale_list, "[--json]",
	  "the ports of every VALE switch, with their rings, slots and memory allocator",
	  "NETMAP_REQ_VALE_LIST, and PORT_INFO_GET for ephemeral ports and NICs.  Lists switch\n"
	  "ports: a persistent port not attached is an interface (ip link) but no switch port.\n"
	  "netmap renames an attached persistent port to its bare interface name when a program\n"
	  "opens it (PORT_INFO_GET included, so vnfctl does not ask about those), after which\n"
	  "DETACH no longer finds it (luigirizzo/netmap issue 882): such ports are marked.  With\n"
	  "--json (or vnfctl --json vale list): {ports: [{name, switch, port, renamed_by_netmap,\n"
	  "bridge_index, port_index, tx_rings, rx_rings, tx_slots, rx_slots, mem_id, memsize}]}." },
	{ "vale", "poll", cmd_vale_poll, "on|off SWITCH:NAME [--cpu N] [--cpus N] [--dry-run]",
	  "kernel threads that poll a NIC attached to a switch, instead of its interrupts",
	  "  --cpu N       the first CPU (default 0)\n"
	  "  --cpus N      1 (default): one thread on CPU N polls every ring; more: rings\n"
	  "                N..N+K-1, one thread each on the CPU of the same number\n"
	  "  --dry-run     check the arguments and print the request; needs no module\n\n"
	  "NETMAP_REQ_VALE_POLLING_ENABLE / _DISABLE.  Only for NICs (a VALE port has no "
	  "interrupts\n"
	  "to replace); netmap never takes all CPUs." },
	{ "vale", "hash", cmd_vale_hash,
	  "enable SWITCH [--key HEX | --rss-profile NAME] [--rings N] [--module FILE] "
	  "[--dry-run] | disable SWITCH [--dry-run] | show [--json]",
	  "spread a switch's flows over a multi-queue port's rings by the project's RSS hash",
	  "  enable SWITCH      load the VALE distribution module vnf_vale_rss (patches/vale-rss)\n"
	  "                     for SWITCH, or reconfigure it when loaded\n"
	  "  --key HEX          Toeplitz key, 40 or 52 bytes (default: --rss-profile default)\n"
	  "  --rss-profile NAME default, ms or mtcp (as vnfctl rss --profile)\n"
	  "  --rings N          spread over N rings, 1..16; 0 (default): each destination\n"
	  "                     port's RX rings (at most 16)\n"
	  "  --module FILE      the .ko (default: $VNFCTL_VALE_HASH_KO, then\n"
	  "                     /lib/modules/RELEASE/extra or updates/vnf_vale_rss.ko)\n"
	  "  disable SWITCH     unload it: the switch gets netmap's own lookup back\n"
	  "  show               what is loaded and where it is installed (--json)\n"
	  "  --dry-run          print what would be loaded or written\n\n"
	  "The module keeps VALE's MAC learning for the destination port and picks the ring of a\n"
	  "unicast IPv4/IPv6 TCP or UDP frame as a NIC with the same key and an equal RETA would\n"
	  "(fragments and other IP by 2-tuple), so vnfctl rss --queues N --key K predicts it;\n"
	  "broadcasts go to ring 0 (VALE's rule), as do ARP and other non-IP frames.  It serves\n"
	  "one switch.  Loaded with finit_module(2) and set through\n"
	  "/sys/module/vnf_vale_rss/parameters; needs root and netmap loaded.  The switch must\n"
	  "exist (it has a port); when its last port leaves, netmap frees it with the lookup:\n"
	  "enable again." },
	{ "netmap", "tune", cmd_netmap_tune,
	  "[--slots N] [--rings N] [--pipes N] [--extra-bufs N] [--ports N] [--json] "
	  "[--dry-run]",
	  "size netmap's memory pools (module parameters) for a topology, and say why",
	  "  --slots N       slots per ring, 1..8176 (default 1024; VALE ports and pipes: 4096)\n"
	  "  --rings N       ring pairs per port (default 1)\n"
	  "  --pipes N       netmap pipes per port, 0..64 (default 0)\n"
	  "  --extra-bufs N  extra buffers per port (default 0)\n"
	  "  --ports N       ports on the global allocator: NICs in netmap mode (default 1)\n"
	  "  --dry-run       print the values, write nothing; works without the module\n\n"
	  "Computes if_size/if_num, ring_size/ring_num, buf_size/buf_num (the global allocator:\n"
	  "NICs and their pipes) and the priv_* floors (each VALE port's own allocator) by "
	  "netmap's\n"
	  "own sizing rule (a ring takes 256 + 16 x slots bytes; a port needs its rings plus the\n"
	  "host pair, 8 rings and 8 x slots buffers per pipe, its extra buffers), never below\n"
	  "netmap's defaults; writes them to /sys/module/netmap/parameters (needs root), reads\n"
	  "them back, and prints one line per parameter: value, current value, why.  netmap reads\n"
	  "them when an allocator is configured: the global one when its first port opens with\n"
	  "none open, a VALE port's when it is made.  With --json one object: request, parameters\n"
	  "{NAME: {value, current, default, need, why}}, memory, module_loaded, dry_run,\n"
	  "written.  The first tune that writes keeps the values it found ($VNFCTL_STATE_DIR or\n"
	  "/var/lib/vnfctl/netmap, netmap-params.json) for vnfctl netmap restore." },
	{ "netmap", "restore", cmd_netmap_restore, "[--dry-run]",
	  "put back netmap's parameters as they were before the first netmap tune",
	  "Writes the kept values (and reads them back), then forgets them; \"nothing to restore\"\n"
	  "when no tune changed anything.  vnfctl down runs it for a plan's host.netmap." },
	{ "rss", "", cmd_rss,
	  "[--key HEX | --profile NAME] [--queues N] [--reta-size N] SRC_IP DST_IP [SPORT DPORT]\n"
	  "       vnfctl rss --find-ports --queues N [--count K] DST_IP DST_PORT SRC_IP",
	  "which queue a flow lands on, and source ports that land on each queue",
	  "The same command as `vnfdp rss` (one implementation, dataplane/cli_rss.c): see\n"
	  "`vnfctl rss --help` for its options." },
	{ "deploy", "", cmd_deploy,
	  "DOMAIN --config dp.json [--binary PATH] [--path GUEST_PATH] [--config-path GUEST_PATH]\n"
	  "                     [--run-dir GUEST_DIR] [AGENT OPTIONS] [--dry-run]",
	  "install the dataplane and its config in a running guest, through its guest agent",
	  "  --config FILE        the dataplane config (vnfdp check FILE validates it); without\n"
	  "                       stats.socket, /run/vnfdp.sock is added (status needs it)\n"
	  "  --binary PATH        the vnfdp to install (default: the one beside this vnfctl)\n"
	  "  --path GUEST_PATH    where it goes in the guest (default /usr/local/bin/vnfdp)\n"
	  "  --config-path GUEST_PATH\n"
	  "                       where the config goes (default /etc/vnfdp/dp.json)\n"
	  "  --run-dir GUEST_DIR  its log, pid file and (unless the config sets stats.socket)\n"
	  "                       statistics socket go here as vnfdp.log, vnfdp.pid, vnfdp.sock\n"
	  "                       (default /var/log/vnfdp.log, /run/vnfdp.pid, /run/vnfdp.sock)\n"
	  "  --dry-run            say what would be installed where, touch nothing\n"
	  AGENT_OPTIONS_HELP "\n\n"
	  "Pushes both files in 48 KiB chunks beside their places (NAME.vnfctl-new), checks\n"
	  "their sha256 in the guest, has the new binary check the config, then renames them\n"
	  "into place: an interrupted or refused deploy leaves the installed dataplane as it\n"
	  "was.  No guest networking or SSH is needed: only qemu-ga with guest-file-* and\n"
	  "guest-exec enabled.  Where things went is kept in $VNFCTL_STATE_DIR (default\n"
	  "/var/lib/vnfctl/deploy)/DOMAIN.json for start, stop, status and logs." },
	{ "start", "", cmd_start, "DOMAIN [--wait SECONDS] [AGENT OPTIONS]",
	  "start the deployed dataplane in the guest",
	  "Runs `vnfdp run CONFIG` detached, its output appended to /var/log/vnfdp.log, and\n"
	  "waits (--wait, default 10 s) until it answers on its statistics socket; if it exits\n"
	  "instead, the end of its log says why.  Refuses when one runs already.\n"
	  AGENT_OPTIONS_HELP },
	{ "stop", "", cmd_stop, "DOMAIN [--wait SECONDS] [AGENT OPTIONS]",
	  "stop the dataplane: SIGTERM, then SIGKILL after --wait seconds (default 10)",
	  "A dataplane stopped by SIGTERM writes its final statistics to its log (vnfctl logs).\n"
	  AGENT_OPTIONS_HELP },
	{ "status", "", cmd_status,
	  "DOMAIN [--interval SECONDS] [--watch SECONDS [--count N]] [AGENT OPTIONS]\n"
	  "       vnfctl status [--interval SECONDS] PLAN.json",
	  "per-core packets, drops and Mpps of the dataplane in a guest, and its conservation",
	  "  --interval S   the rates are measured over S seconds (default 1)\n"
	  "  --watch S      refresh every S seconds until Ctrl-C (or --count tables)\n"
	  AGENT_OPTIONS_HELP "\n\n"
	  "One row per I/O thread and worker: CPU, rx, tx, drops, rx and tx Mpps; then the\n"
	  "totals and the conservation check: every packet received was sent, consumed, dropped\n"
	  "with a reason, or is in flight.  With --json (vnfctl --json status DOMAIN) one object\n"
	  "per reading: threads [{role, id, cpu, rx, tx, drops, rx_mpps, tx_mpps}], total,\n"
	  "in_flight, conserved and the dataplane's own statistics as stats.\n\n"
	  "With a plan file (vnfctl up PLAN.json): one row per VM of the plan: pid, mode,\n"
	  "workers, rx, tx, drops, rx Mpps and whether its packets are conserved." },
	{ "logs", "", cmd_logs, "DOMAIN [--lines N] [AGENT OPTIONS]",
	  "the last lines (default 50) of the dataplane's log in the guest", AGENT_OPTIONS_HELP },
	{ "doctor", "", cmd_doctor,
	  "[--emulator PATH] [--qemu-conf PATH] [--domain NAME]... [--iface IFACE]... [--json]",
	  "check what vnfctl needs on this host, and say how to fix each problem",
	  "Checks, each ok / warning / error with its fix:\n"
	  "  libvirt            reachable at --connect URI, its version and the hypervisor's\n"
	  "  emulator           --emulator (default /usr/bin/qemu-system-x86_64): its version,\n"
	  "                     whether this libvirt accepts it, and the ptnet-pci device\n"
	  "  kvm                /dev/kvm, and whether QEMU really runs with it\n"
	  "  netmap             /dev/netmap (the netmap module)\n"
	  "  qemu.conf          --qemu-conf (default /etc/libvirt/qemu.conf): cgroup_device_acl\n"
	  "                     lets QEMU open /dev/netmap; AppArmor confinement\n"
	  "  afxdp              bpffs at /sys/fs/bpf, CONFIG_XDP_SOCKETS\n"
	  "  agent.DOMAIN       (--domain) the guest agent channel, and whether the agent answers\n"
	  "  nic.IFACE          (--iface) queues and whether the RSS key can be set (nic mode)\n"
	  "Exit status 1 when a check is an error.  With --json (vnfctl --json doctor) an array\n"
	  "of {check, status, finding, fix}.  For tests: $VNFCTL_NETMAP_DEV, $VNFCTL_KVM_DEV,\n"
	  "$VNFCTL_BPFFS replace /dev/netmap, /dev/kvm, /sys/fs/bpf." },
	{ "up", "", cmd_up, "PLAN [--dry-run]",
	  "bring a plan up: netmap, VALE ports, NICs, domains, dataplanes (docs/plan.md)",
	  "Each step is a vnfctl command (shown by --dry-run), run in dependency order with one\n"
	  "line of progress: its outcome and duration.  A step whose effect is there already is\n"
	  "skipped (\"already done\"), so a second up changes nothing.  If a step fails, the\n"
	  "steps this run made are undone in reverse order and the host is as before.  What up\n"
	  "made is recorded in $VNFCTL_STATE_DIR (default /var/lib/vnfctl)/plan-NAME/ for down.\n"
	  "  --dry-run    list the steps and the commands they would run; change nothing" },
	{ "down", "", cmd_down, "PLAN [--dry-run]",
	  "undo everything vnfctl up made for a plan, in reverse order",
	  "Stops the dataplanes, stops and deletes the domains up defined (or detaches the vNICs\n"
	  "it attached), restores the NICs, detaches and deletes the VALE ports.  What up found\n"
	  "already there is left alone.  A step that cannot be undone stays recorded; run down\n"
	  "again after fixing it.\n"
	  "  --dry-run    list what would be undone" },
	{ NULL, NULL, NULL, NULL, NULL, NULL },
};

/* vnfctl rss is vnfdp rss: the same code, named after the tool that runs it. */
int cmd_rss(const struct vnfctl_ctx *ctx, int argc, char **argv)
{
	(void)ctx;
	return cli_rss_main("vnfctl rss", argc, argv);
}

static void main_usage(FILE *f)
{
	const char *group = NULL;

	fprintf(f, "usage: vnfctl [--connect URI] [--json] GROUP VERB [ARGS]\n"
		   "       vnfctl GROUP VERB --help\n\n"
		   "Fast multi-core network functions in KVM virtual machines.\n\n");
	for (const struct vnfctl_cmd *c = vnfctl_cmds; c->group; c++) {
		if (!group || strcmp(group, c->group)) {
			fprintf(f, "%s%s:\n", group ? "\n" : "", c->group);
			group = c->group;
		}
		fprintf(f, "  %-16s %s\n", c->verb[0] ? c->verb : c->group, c->summary);
	}
	fprintf(f,
		"\nOptions:\n"
		"  --connect URI   libvirt URI (default %s; also qemu:///embed?root=DIR,\n"
		"                  qemu+ssh://host/system, ...); $LIBVIRT_DEFAULT_URI if set\n"
		"  --json          data output as JSON\n"
		"  --version       print the version\n\n"
		"Exit status: 0 success, 1 failure, 2 usage error.  Man page: docs/vnfctl.8.\n",
		VNFCTL_DEFAULT_URI);
}

void cli_usage(FILE *f, const struct vnfctl_cmd *c)
{
	fprintf(f, "usage: vnfctl %s%s%s %s\n\n%s.\n", c->group, *c->verb ? " " : "", c->verb,
		c->synopsis, c->summary);
	if (c->help && *c->help)
		fprintf(f, "\n%s\n", c->help);
}

int cli_fail(const char *fmt, ...)
{
	va_list ap;

	fputs("vnfctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return EXIT_FAIL;
}

int cli_usage_fail(const struct vnfctl_cmd *c, const char *fmt, ...)
{
	va_list ap;

	const char *sp = *c->verb ? " " : "";

	fprintf(stderr, "vnfctl %s%s%s: ", c->group, sp, c->verb);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\ntry: vnfctl %s%s%s --help\n", c->group, sp, c->verb);
	return EXIT_USAGE;
}

const struct vnfctl_cmd *cli_find(const char *group, const char *verb)
{
	for (const struct vnfctl_cmd *c = vnfctl_cmds; c->group; c++)
		if (!strcmp(c->group, group) && (!verb || !strcmp(c->verb, verb)))
			return c;
	return NULL;
}

static int group_usage(FILE *f, const char *group)
{
	fprintf(f, "usage: vnfctl %s VERB [ARGS]\n\n", group);
	for (const struct vnfctl_cmd *c = vnfctl_cmds; c->group; c++)
		if (!strcmp(c->group, group))
			fprintf(f, "  %-10s %s %s\n             %s\n", c->verb, c->verb,
				c->synopsis, c->summary);
	return 0;
}

int cli_dispatch(const struct vnfctl_ctx *ctx, int argc, char **argv)
{
	const struct vnfctl_cmd *c;

	if (!cli_find(argv[0], NULL)) {
		fprintf(stderr, "vnfctl: unknown command group \"%s\" (try: vnfctl --help)\n",
			argv[0]);
		return EXIT_USAGE;
	}
	c = cli_find(argv[0], "");
	if (c) /* a group that is itself the command: it parses its own --help */
		return c->run(ctx, argc, argv);
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		int asked = argc > 1;
		group_usage(asked ? stdout : stderr, argv[0]);
		return asked ? EXIT_OK : EXIT_USAGE;
	}
	c = cli_find(argv[0], argv[1]);
	if (!c) {
		fprintf(stderr, "vnfctl: %s: unknown verb \"%s\" (try: vnfctl %s --help)\n",
			argv[0], argv[1], argv[0]);
		return EXIT_USAGE;
	}
	for (int k = 2; k < argc; k++)
		if (!strcmp(argv[k], "--help") || !strcmp(argv[k], "-h")) {
			cli_usage(stdout, c);
			return EXIT_OK;
		}
	/* the handler sees argv[0] = the verb, as getopt expects */
	return c->run(ctx, argc - 1, argv + 1);
}

int main(int argc, char **argv)
{
	struct vnfctl_ctx ctx = { getenv("LIBVIRT_DEFAULT_URI"), 0 };
	int i = 1;

	if (!ctx.uri || !*ctx.uri)
		ctx.uri = VNFCTL_DEFAULT_URI;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			main_usage(stdout);
			return EXIT_OK;
		} else if (!strcmp(argv[i], "--version")) {
			printf("vnfctl %s\n", VNFCTL_VERSION);
			return EXIT_OK;
		} else if (!strcmp(argv[i], "--json")) {
			ctx.json = 1;
		} else if (!strcmp(argv[i], "--connect") && i + 1 < argc) {
			ctx.uri = argv[++i];
		} else if (!strncmp(argv[i], "--connect=", 10)) {
			ctx.uri = argv[i] + 10;
		} else {
			fprintf(stderr, "vnfctl: unknown option \"%s\"\n", argv[i]);
			main_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (i >= argc) {
		main_usage(stderr);
		return EXIT_USAGE;
	}
	return cli_dispatch(&ctx, argc - i, argv + i);
}
