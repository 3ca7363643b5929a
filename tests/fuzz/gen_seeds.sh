#!/usr/bin/env bash
# Writes the fuzz seed frames in tests/fuzz/seeds/ (checksums are not filled: pkt_parse
# does not verify them).  Rerun after changing this file; the output is committed.
set -eu
cd "$(dirname "$0")"
mkdir -p seeds

# hex NAME HEX...: writes the bytes spelled in HEX (spaces ignored) to seeds/NAME.
hex() {
	local name=$1
	shift
	printf "$(printf '%s' "$*" | tr -d ' \n' | sed 's/../\\x&/g')" >"seeds/$name"
}

ETH="020000000001 020000000002"
V4="0a000001 0a000002"
V6="20010db8000000000000000000000001 20010db8000000000000000000000002"
TCP="04d2 0050 00000001 00000000 5002 ffff 0000 0000"

hex ipv4_tcp    "$ETH 0800 4500 0028 1234 4000 4006 0000 $V4 $TCP"
hex ipv4_udp    "$ETH 0800 4500 0024 1234 0000 4011 0000 $V4 14e9 0035 0010 0000 6869 6869 6869 6869"
hex ipv4_icmp   "$ETH 0800 4500 001c 1234 0000 4001 0000 $V4 0800 0000 0001 0001"
hex ipv4_opts   "$ETH 0800 4700 0030 1234 0000 4006 0000 $V4 01010101 01010100 $TCP"
hex ipv4_frag1  "$ETH 0800 4500 0024 1234 2000 4011 0000 $V4 14e9 0035 03e8 0000 0000 0000 0000 0000"
hex ipv4_frag2  "$ETH 0800 4500 0020 1234 0003 4011 0000 $V4 0000 0000 0000 0000 0000 0000"
hex qinq_udp    "$ETH 88a8 0064 8100 0065 0800 4500 001c 1234 0000 4011 0000 $V4 14e9 0035 0008 0000"
hex vlan_ipv6   "$ETH 8100 0064 86dd 60000000 0008 1140 $V6 14e9 0035 0008 0000"
hex ipv6_tcp    "$ETH 86dd 60000000 0014 0640 $V6 $TCP"
hex ipv6_ext    "$ETH 86dd 60000000 0028 0040 $V6 2b00 010400000000 2c01 000000000000 00000000 00000000 1100 0001 0000abcd 14e9 0035 0008 0000"
hex ipv6_frag2  "$ETH 86dd 60000000 000c 2c40 $V6 0600 0320 0000abcd 00000000"
hex arp         "$ETH 0806 0001 0800 0604 0001 020000000002 $V4 000000000000 0a000002 000000000000000000000000000000000000"
hex lldp        "$ETH 88cc 0207 0402 0000 0000 0104 0403 6574 6830 0602 0078 0000"
# fuzz_arp reads a script of operations (see tests/fuzz/fuzz_arp.c); arp_raw is one raw frame.
hex arp_learn_resolve "04 00 05 80 05 00 01 05 00 01 06 00 01 06 00 02 0a 00 02 0a 00 04 01 06 80 06 01 02 e8 03 01 05 00 02 10 27"
hex arp_retry_fail "01 07 00 01 07 00 01 07 00 01 07 00 01 08 01 02 0a 00 02 0a 00 02 0a 00 02 0a 00 02 0a 00"
hex arp_static_grat "03 09 09 04 04 09 09 0a 00 04 04 0b 0b 0b 00 04 00 0b 80 0b 02 04 05 0b 0b 0c 00 04 02 0c 81 0c 00"
hex arp_raw "00 3c $ETH 0806 0001 0800 0604 0001 020000000002 0a000002 000000000000 0a000001 000000000000000000000000000000000000"
# fuzz_icmp: byte 0 picks our address, then a frame; this one is an echo request with IP options
# and an all-zero body (the case where an incremental checksum update gives 0x0000).
hex icmp_zero_body "6d000000013a0080e0000051000800494e00334e000000000102010700000000000000001d0000000800000000e0fe00f6069a0800f7ff0000000000000000000000"
# fuzz_router: byte 0 picks variants (bit 0 fixes the header checksum, bits 1-2 = 1 take the
# destination from its table by byte 1, bits 4-5 set TTL 0/1/2, bit 6 the table without a
# default route, bit 7 an empty ICMP bucket), byte 2 the clock; then a frame.
UDP_HDR="4500 0024 1234 0000 4011 0000 $V4 14e9 0035 0010 0000 6869 6869 6869 6869"
hex router_forward  "03 01 00 $ETH 0800 $UDP_HDR"
hex router_ttl1     "23 02 00 $ETH 0800 4700 002c 1234 0000 4011 0000 $V4 01010101 01010100 14e9 0035 0010 0000 6869 6869 6869 6869"
hex router_noroute  "43 05 00 $ETH 0800 $UDP_HDR"
hex router_limited  "c3 05 03 $ETH 0800 $UDP_HDR"
hex router_qinq     "23 03 00 $ETH 88a8 0064 8100 0065 0800 4500 001c 1234 0000 4011 0000 $V4 14e9 0035 0008 0000"
hex router_icmp_err "23 01 00 $ETH 0800 4500 0024 1234 0000 4001 0000 $V4 0b00 0000 0000 0000 4500 0014 0000 0000"
