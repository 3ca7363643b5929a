#!/bin/sh
# Runs in a machine (a QEMU guest) with netmap loaded: checks vnf_vale_rss end to end.
#   sh check.sh MODULE.ko
# Needs on PATH: vnfctl and vnfdp (built with make NETMAP_SRC=...) and vale_rss_check (built
# from vale_rss_check.c).  For each setting it sends 256 flows (UDP/TCP over IPv4/IPv6, 8 frames
# each), 64 IPv4 fragment pairs, broadcasts and an ARP frame from a VALE port into a 4-ring
# persistent port, and checks every flow's ring against `vnfctl rss`.  Prints PASS/FAIL lines
# and "N passed, N failed".
KO=${1:?usage: check.sh MODULE.ko}
pass=0 fail=0
ok() { echo "PASS $*"; pass=$((pass + 1)); }
no() { echo "FAIL $*"; fail=$((fail + 1)); }
run() { echo "\$ $*"; "$@"; }

# compare OUT QUEUES RSSARGS: every flow line of vale_rss_check against vnfctl rss
compare() {
	out=$1 queues=$2 rssargs=$3 n=0 bad=0
	while read -r kind a b c d _ ring _ frames; do
		case $kind in
		udp4 | tcp4 | udp6 | tcp6) want=$(vnfctl rss $rssargs --queues "$queues" "$a" "$b" "$c" "$d") ;;
		frag4) ring=$d; want=$(vnfctl rss $rssargs --queues "$queues" "$a" "$b") ;;
		*) continue ;;
		esac
		n=$((n + 1))
		want=${want##* }
		[ "$want" = "$ring" ] || { bad=$((bad + 1)); echo "  $kind $a $b $c $d: ring $ring, vnfctl rss says $want"; }
	done <"$out"
	echo "  $n flows compared with vnfctl rss --queues $queues $rssargs, $bad differ"
	[ "$n" -gt 0 ] && [ "$bad" = 0 ]
}

# traffic NAME QUEUES RSSARGS: one run of vale_rss_check and its checks, into a new persistent
# 4-ring port (a VM's: vnfctl vale create --rings 4) named after the run.  It stays attached:
# once a program has opened it, netmap no longer detaches it (luigirizzo/netmap issue 882).
traffic() {
	name=$1
	vnfctl vale create "$name" --rings 4 >/dev/null && vnfctl vale attach "vale0:$name" >/dev/null
	vale_rss_check -f 256 -n 8 "vale0:$name" vale0:gen vale0:spy >/tmp/$name.out 2>/tmp/$name.err
	rc=$?
	cat /tmp/$name.err
	grep -E '^(total|bcast|arp)' /tmp/$name.out
	[ $rc = 0 ] && ok "$name: every flow on one ring, nothing lost, the spy saw only broadcasts" ||
		no "$name: vale_rss_check exit $rc"
	grep -q '^bcast ring 0 ' /tmp/$name.out && ok "$name: broadcasts on ring 0" || no "$name: broadcasts not on ring 0"
	grep -q '^arp ring 0 ' /tmp/$name.out && ok "$name: ARP on ring 0" || no "$name: ARP not on ring 0"
	if [ -n "$2" ]; then
		compare /tmp/$name.out "$2" "$3" && ok "$name: each flow on the ring vnfctl rss predicts" ||
			no "$name: rings differ from vnfctl rss"
		used=$(awk '$1 ~ /^(udp|tcp)/ {print $7}' /tmp/$name.out | sort -u | wc -l)
		[ "$used" = "$2" ] && ok "$name: all $2 rings used" || no "$name: $used rings used, want $2"
	fi
}

echo "== setup"
run vnfctl vale hash show
run vnfctl vale hash enable vale0 --module "$KO"; rc=$?
[ $rc = 1 ] && ok "enable before the switch exists: refused" || no "enable before the switch exists: exit $rc"
# A persistent port no program opens keeps the switch in being between the runs (an opened
# one could not be detached again: luigirizzo/netmap issue 882).
run vnfctl vale create anchor
run vnfctl vale attach vale0:anchor

echo "== 1. the switch goes away with its last port; enable again"
run vnfctl vale hash enable vale0 --module "$KO"
run vnfctl vale detach vale0:anchor
run vnfctl vale hash show
a=$(cat /sys/module/vnf_vale_rss/parameters/active)
[ -z "$a" ] && ok "active is empty once the switch is gone" || no "active is '$a' after the switch went"
run vnfctl vale attach vale0:anchor
run vnfctl vale hash enable vale0 && ok "enable again" || no "enable again"

echo "== 2. default key, each port's rings (4)"
run vnfctl vale hash enable vale0 --module "$KO" && ok "enable" || no "enable"
run vnfctl --json vale hash show
traffic pdefault 4 ""

echo "== 3. Microsoft's key, reconfigured in place"
run vnfctl vale hash enable vale0 --rss-profile ms && ok "reconfigure" || no "reconfigure"
run vnfctl vale hash show
traffic ms 4 "--profile ms"

echo "== 4. --rings 2 on a 4-ring port"
run vnfctl vale hash enable vale0 --rings 2 && ok "rings 2" || no "rings 2"
traffic rings2 2 ""

echo "== 4b. bad values written to the module's parameters are refused, nothing changes"
P=/sys/module/vnf_vale_rss/parameters
before="$(cat $P/key) $(cat $P/rings) $(cat $P/active)"
echo zz >$P/key 2>/dev/null && no "key zz accepted" || ok "key zz refused"
echo 6d5a >$P/key 2>/dev/null && no "2-byte key accepted" || ok "2-byte key refused"
echo 17 >$P/rings 2>/dev/null && no "rings 17 accepted" || ok "rings 17 refused"
echo vale-1 >$P/switch 2>/dev/null && no "switch vale-1 accepted" || ok "switch vale-1 refused"
echo vale7 >$P/switch 2>/dev/null && no "switch vale7 (does not exist) accepted" || ok "switch vale7 (does not exist) refused"
after="$(cat $P/key) $(cat $P/rings) $(cat $P/active)"
[ "$before" = "$after" ] && ok "parameters unchanged after the refusals" || no "parameters changed: $before -> $after"

echo "== 4c. broadcasts inside batches of unicast spread over rings (netmap's nm_vale_flush)"
vnfctl vale create mixed --rings 4 >/dev/null && vnfctl vale attach vale0:mixed >/dev/null
vale_rss_check -m -f 256 -n 8 vale0:mixed vale0:gen vale0:spy >/tmp/mixed.out 2>/tmp/mixed.err
grep -E '^(bcast|total)' /tmp/mixed.out
echo "  (information: each ring that unicast frames of the same batch went to got a copy)"

echo "== 4d. the dataplane in vale mode: 4 workers on a 4-ring port, each flow on the worker vnfctl rss names"
run vnfctl vale hash enable vale0 --rings 0 && ok "rings back to each port's"
cat >/tmp/dp.json <<EOC
{"mode": "vale", "workers": 4, "port": {"backend": "netmap", "iface": "vale0:dp@conf:rings=4"},
 "mac": "02:52:53:00:00:01", "addrs": ["10.0.0.2/24"], "app": {"name": "sink"},
 "rss": {"profile": "default"}, "stats": {"flows": 4096}}
EOC
vnfdp run /tmp/dp.json >/tmp/dp.out 2>/tmp/dp.err &
dp=$!
sleep 3
vale_rss_check -t 10.0.0.2 -f 256 -n 8 vale0:gen >/tmp/gen.out 2>/tmp/gen.err
echo "  generator: exit $? $(cat /tmp/gen.err) $(tail -1 /tmp/gen.out)"
sleep 2
kill -TERM $dp; wait $dp
echo "  vnfdp: exit $? $(head -3 /tmp/dp.err | tr '\n' ' ')"
# workers[i].flows, in worker order, one line each: the hashes it counted
sed 's/"flows":{/@/g' /tmp/dp.out | tr '@' '\n' | tail -n +2 | cut -d'}' -f1 >/tmp/dp.flows
nw=$(wc -l </tmp/dp.flows)
n=0 bad=0
while read -r kind a b c d _; do
	case $kind in
	udp4 | tcp4 | udp6 | tcp6) pred=$(vnfctl rss --queues 4 "$a" "$b" "$c" "$d") ;;
	frag4) pred=$(vnfctl rss --queues 4 "$a" "$b") ;;
	*) continue ;;
	esac
	n=$((n + 1))
	h=$(echo "$pred" | cut -d' ' -f2) q=${pred##* }
	w=$(grep -n "\"$h\"" /tmp/dp.flows | cut -d: -f1 | tr '\n' ' ')
	[ "$w" = "$((q + 1)) " ] || { bad=$((bad + 1)); echo "  $kind $a $b $c $d: hash $h on workers(1-based) '$w', vnfctl rss says queue $q"; }
done </tmp/gen.out
echo "  $n flows, $nw workers in the statistics, $bad not on the predicted worker"
[ "$nw" = 4 ] && [ "$n" = 320 ] && [ "$bad" = 0 ] && ok "vnfdp vale mode: every flow on the worker vnfctl rss predicts" ||
	no "vnfdp vale mode: flows vs vnfctl rss"
grep -q '"conserved":true' /tmp/dp.out && ok "vnfdp: every packet accounted for" || no "vnfdp: not conserved"
rx=$(grep -o '"rx":[0-9]*' /tmp/dp.out | head -1)
echo "  vnfdp $rx (2560 sent, plus the ARP request)"

echo "== 5. a second switch is refused while the first is served"
run vnfctl vale hash enable vale1; rc=$?
[ $rc = 1 ] && ok "second switch refused" || no "second switch: exit $rc"

echo "== 6. disabled: VALE's own lookup keeps the source ring (gen has one: ring 0)"
run vnfctl vale hash disable vale0 && ok "disable" || no "disable"
run vnfctl vale hash show
vnfctl vale create off --rings 4 >/dev/null && vnfctl vale attach vale0:off >/dev/null
vale_rss_check -f 256 -n 8 vale0:off vale0:gen vale0:spy >/tmp/off.out 2>/tmp/off.err
cat /tmp/off.err; grep -E '^(total|bcast|arp)' /tmp/off.out
rings=$(awk '$1 ~ /^(udp|tcp)/ {print $7}' /tmp/off.out | sort -u | tr '\n' ' ')
echo "  rings used without the module: $rings"
[ "$rings" = "0 " ] && ok "without the module every flow is on ring 0" || no "without the module: rings $rings"

echo "== 7. from a plan: up, up again, down"
cat >/tmp/plan.json <<EOC
{"name": "vh", "host": {"netmap": {"slots": 4096, "rings": 4}},
 "switches": [{"name": "vale3", "ports": [{"name": "pp1", "rings": 4}],
               "hash": {"rss_profile": "ms", "rings": 4}}]}
EOC
export VNFCTL_STATE_DIR=/tmp/vnfctl-state VNFCTL_VALE_HASH_KO="$KO" # the module is not installed here
rs0=$(cat /sys/module/netmap/parameters/ring_size)
run vnfctl up /tmp/plan.json && ok "plan up" || no "plan up"
rs1=$(cat /sys/module/netmap/parameters/ring_size)
[ "$rs1" != "$rs0" ] && ok "plan: netmap tune changed ring_size ($rs0 -> $rs1)" || no "plan: ring_size still $rs1"
[ "$(cat /sys/module/vnf_vale_rss/parameters/active)" = vale3 ] && ok "plan: the module is on vale3" || no "plan: module not on vale3"
run vnfctl up /tmp/plan.json >/tmp/up2.out; cat /tmp/up2.out
grep -q "nothing to change" /tmp/up2.out && ok "plan: a second up changes nothing" || no "plan: second up changed something"
run vnfctl down /tmp/plan.json && ok "plan down" || no "plan down"
[ ! -e /sys/module/vnf_vale_rss ] && ! ip link show pp1 >/dev/null 2>&1 && ok "plan: down unloaded the module and removed pp1" ||
	no "plan: something left after down"
[ "$(cat /sys/module/netmap/parameters/ring_size)" = "$rs0" ] && ok "plan: down put ring_size back ($rs0)" ||
	no "plan: ring_size $(cat /sys/module/netmap/parameters/ring_size) after down, was $rs0"
unset VNFCTL_STATE_DIR VNFCTL_VALE_HASH_KO

run vnfctl vale list
echo "$pass passed, $fail failed"
