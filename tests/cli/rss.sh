#!/usr/bin/env bash
# vnfdp rss and vnfctl rss (one implementation, run through both tools): Microsoft's verification
# vectors, queues, --find-ports fed back through the tool, usage errors.
# Env: O (build dir, binary at $O/vnfdp).  Prints "ok   name" / "FAIL name" per check.
set -u
cd "$(dirname "$0")/../.."
O=${O:-build}
VNFDP=$O/vnfdp
# vnfdp rss and vnfctl rss are one implementation: every check runs against both
TOOL=${RSS_TOOL:-vnfdp}
SUFFIX=
[ "$TOOL" = vnfdp ] || SUFFIX=.$TOOL
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [ ! -x "$O/$TOOL" ]; then
	echo "FAIL rss$SUFFIX.binary ($O/$TOOL not built)"
	exit 0
fi

matches() { # REGEX TEXT; an empty REGEX matches only empty TEXT
	if [ -z "$1" ]; then
		[ -z "$2" ]
	else
		grep -Eq -- "$1" <<<"$2"
	fi
}

# expect NAME WANT_RC WANT_STDOUT_REGEX WANT_STDERR_REGEX -- ARGS...
expect() {
	local name=$1 want_rc=$2 want_out=$3 want_err=$4 rc out err
	shift 5
	want_err=${want_err//vnfdp rss/$TOOL rss}
	want_out=${want_out//vnfdp rss/$TOOL rss}
	"$O/$TOOL" rss "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	out=$(cat "$tmp/out")
	err=$(cat "$tmp/err")
	if [ "$rc" -ne "$want_rc" ]; then
		echo "FAIL rss$SUFFIX.$name: exit $rc, want $want_rc; stderr: $err"
	elif ! matches "$want_out" "$out"; then
		echo "FAIL rss$SUFFIX.$name: stdout \"$out\" does not match \"$want_out\""
	elif ! matches "$want_err" "$err"; then
		echo "FAIL rss$SUFFIX.$name: stderr \"$err\" does not match \"$want_err\""
	else
		echo "ok   rss$SUFFIX.$name"
	fi
}

# The whole stdout must be exactly one line.
line() {
	printf '^hash 0x%s queue %s$' "$1" "$2"
}

# Microsoft's "Verifying the RSS Hash Calculation": IPv4 with TCP, then IPv4 only.
expect ms_v4_tcp_1 0 "$(line 51ccc178 0)" "" -- --profile ms 66.9.149.187 161.142.100.80 2794 1766
expect ms_v4_tcp_2 0 "$(line c626b0ea 0)" "" -- --profile ms 199.92.111.2 65.69.140.83 14230 4739
expect ms_v4_tcp_3 0 "$(line 5c2b394a 0)" "" -- --profile ms 24.19.198.95 12.22.207.184 12898 38024
expect ms_v4_tcp_4 0 "$(line afc7327f 0)" "" -- --profile ms 38.27.205.30 209.142.163.6 48228 2217
expect ms_v4_tcp_5 0 "$(line 10e828a2 0)" "" -- --profile ms 153.39.163.191 202.188.127.2 44251 1303
expect ms_v4_only_1 0 "$(line 323e8fc2 0)" "" -- --profile ms 66.9.149.187 161.142.100.80
expect ms_v4_only_5 0 "$(line 5d1809c5 0)" "" -- --profile ms 153.39.163.191 202.188.127.2
# IPv6 with TCP and IPv6 only.
expect ms_v6_tcp_1 0 "$(line 40207d3d 0)" "" -- -p ms 3ffe:2501:200:1fff::7 3ffe:2501:200:3::1 2794 1766
expect ms_v6_tcp_2 0 "$(line dde51bbf 0)" "" -- -p ms 3ffe:501:8::260:97ff:fe40:efab ff02::1 14230 4739
expect ms_v6_tcp_3 0 "$(line 02d1feef 0)" "" -- -p ms 3ffe:1900:4545:3:200:f8ff:fe21:67cf fe80::200:f8ff:fe21:67cf 44251 38024
expect ms_v6_only_1 0 "$(line 2cc18cd5 0)" "" -- -p ms 3ffe:2501:200:1fff::7 3ffe:2501:200:3::1
expect ms_v6_only_3 0 "$(line 4b61e985 0)" "" -- -p ms 3ffe:1900:4545:3:200:f8ff:fe21:67cf fe80::200:f8ff:fe21:67cf

# The same key given as hex, both spellings, and as a 52-byte key with a 12-byte tail.
MS=6d5a56da255b0ec24167253d43a38fb0d0ca2bcbae7b30b477cb2da38030f20c6a42b73bbeac01fa
MS_COLON=$(sed 's/../&:/g; s/:$//' <<<"$MS")
expect key_hex 0 "$(line 51ccc178 0)" "" -- --key "$MS" 66.9.149.187 161.142.100.80 2794 1766
expect key_colon 0 "$(line 51ccc178 0)" "" -- --key "$MS_COLON" 66.9.149.187 161.142.100.80 2794 1766
expect key_52 0 "$(line 51ccc178 0)" "" -- --key "${MS}0102030405060708090a0b0c" 66.9.149.187 161.142.100.80 2794 1766

# Queues: RETA[i] = i % N indexed by hash & 127.  0x51ccc178 & 127 = 120.
expect queue_ms_4 0 "$(line 51ccc178 0)" "" -- -p ms -q 4 66.9.149.187 161.142.100.80 2794 1766
expect queue_ms_7 0 "$(line 51ccc178 1)" "" -- -p ms -q 7 66.9.149.187 161.142.100.80 2794 1766
# With a 512-entry RETA: 0x51ccc178 & 511 = 376, 376 % 100 = 76.
expect queue_ms_reta512 0 "$(line 51ccc178 76)" "" -- -p ms -r 512 -q 100 66.9.149.187 161.142.100.80 2794 1766
# mTCP: hash 0x27272727, (0x27 & 0x7f) % 4 = 3, options after the operands.
expect mtcp_known 0 "$(line 27272727 3)" "" -- 10.0.0.1 10.0.0.2 1234 80 --profile mtcp --queues 4
# The default key is symmetric: a reply lands on the same queue.
fwd=$("$VNFDP" rss -q 4 192.168.1.10 10.20.30.40 40000 443)
rev=$("$VNFDP" rss -q 4 10.20.30.40 192.168.1.10 443 40000)
if [ -n "$fwd" ] && [ "$fwd" = "$rev" ]; then
	echo "ok   rss.default_symmetric"
else
	echo "FAIL rss.default_symmetric: \"$fwd\" vs \"$rev\""
fi

expect help 0 '^usage: vnfdp rss' "" -- --help
expect help_short 0 'Profiles:' "" -- -h

# Usage errors: exit 2, "vnfdp rss: <what>: <reason>" naming the bad value, nothing on stdout.
expect bad_ip 2 "" '^vnfdp rss: source address: "1\.2\.3": ' -- 1.2.3 1.1.1.1
expect bad_ip_dst 2 "" '^vnfdp rss: destination address: "foo": ' -- 1.1.1.1 foo
expect mixed_family 2 "" '^vnfdp rss: addresses: "1\.1\.1\.1" and "::1": ' -- 1.1.1.1 ::1
expect bad_port 2 "" '^vnfdp rss: source port: "70000": not a number in 0\.\.65535' -- 1.1.1.1 2.2.2.2 70000 80
expect bad_port_dst 2 "" '^vnfdp rss: destination port: "8o": ' -- 1.1.1.1 2.2.2.2 80 8o
expect negative_port 2 "" '"-1"' -- 1.1.1.1 2.2.2.2 -1 80
expect three_operands 2 "" '^vnfdp rss: arguments: ' -- 1.1.1.1 2.2.2.2 80
expect no_operands 2 "" '^vnfdp rss: arguments: ' --
expect key_and_profile 2 "" '^vnfdp rss: --key and --profile: ' -- --key "$MS" --profile ms 1.1.1.1 2.2.2.2
expect unknown_profile 2 "" '^vnfdp rss: profile: "nope" is unknown; accepted: default, ms, mtcp$' -- -p nope 1.1.1.1 2.2.2.2
expect bad_key_hex 2 "" '^vnfdp rss: key: "6d5z": ' -- --key 6d5z 1.1.1.1 2.2.2.2
expect bad_key_len 2 "" '^vnfdp rss: key: 2 bytes' -- --key 6d5a 1.1.1.1 2.2.2.2
expect bad_queues 2 "" '^vnfdp rss: queues: "0": ' -- -q 0 1.1.1.1 2.2.2.2
expect queues_over_reta 2 "" '^vnfdp rss: queues: 200: ' -- -q 200 1.1.1.1 2.2.2.2
expect bad_reta 2 "" '^vnfdp rss: reta size: "100": ' -- -r 100 1.1.1.1 2.2.2.2
expect unknown_option 2 "" '^vnfdp rss: option: "--frob" ' -- --frob 1.1.1.1 2.2.2.2
expect missing_value 2 "" '^vnfdp rss: option: "--queues" needs a value' -- 1.1.1.1 2.2.2.2 --queues

# --find-ports: every port listed for queue Q, fed back as the reply's flow, lands on Q
find_case() { # NAME PROFILE QUEUES
	local name=$1 prof=$2 nq=$3 q ports p got bad=
	if ! "$O/$TOOL" rss --find-ports --queues "$nq" --count 4 -p "$prof" 10.0.0.1 80 10.0.0.2 \
		>"$tmp/find" 2>"$tmp/err"; then
		echo "FAIL rss$SUFFIX.$name: $(cat "$tmp/err")"
		return
	fi
	[ "$(wc -l <"$tmp/find")" = "$nq" ] || bad="$(wc -l <"$tmp/find") lines for $nq queues"
	while read -r _ q ports; do
		q=${q%:}
		set -- $ports
		[ $# = 4 ] || bad="queue $q: $# ports"
		for p in $ports; do
			got=$("$O/$TOOL" rss -p "$prof" --queues "$nq" 10.0.0.1 10.0.0.2 80 "$p" | awk '{print $4}')
			[ "$got" = "$q" ] || bad="port $p listed for queue $q lands on $got"
		done
	done <"$tmp/find"
	if [ -z "$bad" ]; then echo "ok   rss$SUFFIX.$name"; else echo "FAIL rss$SUFFIX.$name: $bad"; fi
}
find_case find_ports_default default 4
find_case find_ports_ms ms 3
expect find_ports_needs_queues 2 "" '^vnfdp rss: --find-ports: needs --queues N with N >= 2$' -- --find-ports 10.0.0.1 80 10.0.0.2
expect find_ports_operands 2 "" '^vnfdp rss: arguments: expected DST_IP DST_PORT SRC_IP, got 2$' -- --find-ports -q 2 10.0.0.1 80
expect count_alone 2 "" '^vnfdp rss: count: "3": --count goes with --find-ports$' -- --count 3 1.1.1.1 2.2.2.2

[ "$TOOL" = vnfdp ] && RSS_TOOL=vnfctl bash "$0"
exit 0
