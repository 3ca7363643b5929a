#!/usr/bin/env bash
# vnfctl vale ... and vnfctl netmap tune on a host without netmap: --help of every verb, the
# "netmap module is not loaded" error (exit 1) of every verb, usage errors (exit 2) naming the
# bad value, --dry-run, and netmap tune's numbers for a few topologies against values computed
# by hand from netmap's sizing rules (sys/dev/netmap/netmap_mem2.c), its JSON, and its writes
# to a stand-in parameter directory ($VNFCTL_NETMAP_PARAMS), put back when one fails.
# Env: O (build dir).  Prints "ok   vale.NAME" / "FAIL vale.NAME".
set -u
cd "$(dirname "$0")/../.."
O=${O:-build}
V=$O/vnfctl
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export VNFCTL_STATE_DIR=$tmp/state # netmap tune keeps the originals there
if [ ! -x "$V" ]; then
	echo "FAIL vale.binary ($V not built)"
	exit 0
fi

# expect NAME WANT_RC WANT_OUT_REGEX WANT_ERR_REGEX -- ARGS...
expect() {
	local name=$1 rc_want=$2 out_re=$3 err_re=$4 rc
	shift 5
	"$V" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" = "$rc_want" ] && { [ -z "$out_re" ] || grep -Eq -- "$out_re" "$tmp/out"; } &&
		{ [ -z "$err_re" ] || grep -Eq -- "$err_re" "$tmp/err"; }; then
		echo "ok   vale.$name"
	else
		echo "FAIL vale.$name"
		echo "  vnfctl $* -> exit $rc (want $rc_want)"
		head -5 "$tmp/out" "$tmp/err" | sed 's/^/  /'
	fi
}

# --help of every verb, through the table
for v in create delete attach detach list poll; do
	expect "help_$v" 0 "^usage: vnfctl vale $v " '' -- vale "$v" --help
done
expect help_tune 0 '^usage: vnfctl netmap tune ' '' -- netmap tune --help
expect help_group 0 '^  poll +poll on\|off SWITCH:NAME' '' -- vale --help

# Without the module every verb says so, and how to load it (checked before the build: this
# holds for builds with and without netmap's headers).
MISSING='netmap module is not loaded \(/dev/netmap: No such file or directory\); load it with `modprobe netmap`'
if [ -e /dev/netmap ]; then
	echo "ok   vale.no_module (skipped: /dev/netmap exists here)"
else
	expect no_module_create 1 '' "^vnfctl: v0: cannot create: $MISSING\$" -- vale create v0
	expect no_module_create_opts 1 '' "^vnfctl: v0: cannot create: $MISSING\$" -- vale create v0 --rings 4 --slots 2048 --extra-bufs 100
	expect no_module_delete 1 '' "^vnfctl: v0: cannot delete: $MISSING\$" -- vale delete v0
	expect no_module_attach 1 '' "^vnfctl: vale0:v0: cannot attach: $MISSING\$" -- vale attach vale0:v0
	expect no_module_detach 1 '' "^vnfctl: vale0:v0: cannot detach: $MISSING\$" -- vale detach vale0:v0
	expect no_module_list 1 '' "^vnfctl: VALE switches: cannot list: $MISSING\$" -- vale list
	expect no_module_list_json 1 '' "cannot list: $MISSING" -- --json vale list
	expect no_module_poll_on 1 '' "^vnfctl: vale0:eth0: cannot start polling: $MISSING\$" -- vale poll on vale0:eth0
	expect no_module_poll_off 1 '' "^vnfctl: vale0:eth0: cannot stop polling: $MISSING\$" -- vale poll off vale0:eth0
fi

# Usage errors: exit 2, the bad value named, the hint.
expect bad_switch 2 '' '"foo:v0": a VALE switch name starts with "vale"' -- vale attach foo:v0
expect bad_switch_detach 2 '' '"eth0:v0": a VALE switch name starts with "vale"' -- vale detach eth0:v0
expect no_colon 2 '' '"vale0": SWITCH:NAME expected' -- vale attach vale0
expect switch_char 2 '' "\"vale-1:v0\": '-' is not allowed in a switch name" -- vale attach vale-1:v0
expect switch_long 2 '' 'switch name longer than 15 characters' -- vale attach vale0123456789ab:v0
expect port_empty 2 '' '"vale0:": empty port name' -- vale attach vale0:
expect port_long 2 '' 'port name "abcdefghijklmnop" is longer than 15 characters' -- vale attach vale0:abcdefghijklmnop
expect port_pipe 2 '' "'\\{' is not allowed" -- vale attach 'vale0:p{1'
expect create_vale_prefix 2 '' 'port name "vale0" starts with "vale"' -- vale create vale0
expect create_char 2 '' "port name \"v-0\": '-' is not allowed \(letters, digits and _\)" -- vale create v-0
expect create_long 2 '' 'longer than 15 characters' -- vale create abcdefghijklmnop
expect create_rings_0 2 '' '--rings "0": not a number in 1..16' -- vale create v0 --rings 0
expect create_rings_17 2 '' '--rings "17": not a number in 1..16' -- vale create v0 --rings 17
expect create_slots_big 2 '' '--slots "5000": not a number in 1..4096' -- vale create v0 --slots 5000
expect create_slots_word 2 '' '--slots "many": not a number' -- vale create v0 --slots many
expect create_extra_neg 2 '' '--extra-bufs "-1": not a number' -- vale create v0 --extra-bufs -1
expect create_no_name 2 '' 'exactly one NAME is required' -- vale create
expect create_two_names 2 '' 'exactly one NAME is required' -- vale create a b
expect create_unknown 2 '' 'unknown option or missing value: "--frob"' -- vale create v0 --frob
expect delete_no_name 2 '' 'exactly one NAME is required' -- vale delete
expect list_arg 2 '' 'no arguments expected, got "x"' -- vale list x
expect poll_word 2 '' '"maybe": on or off expected' -- vale poll maybe vale0:eth0
expect poll_cpus_0 2 '' '--cpus "0": not a number in 1..4096' -- vale poll on vale0:eth0 --cpus 0
expect poll_off_cpu 2 '' '--cpu and --cpus apply to poll on' -- vale poll off vale0:eth0 --cpu 1
expect poll_bad_switch 2 '' '"x:eth0": a VALE switch name starts with "vale"' -- vale poll on x:eth0
expect usage_hint 2 '' '^try: vnfctl vale attach --help$' -- vale attach foo:v0

# --dry-run: the request, no module needed.
expect dry_create 0 '^v0: would create a persistent VALE port: 2 ring pairs of 2048 slots \(NETMAP_REQ_VALE_NEWIF\)$' '' -- vale create v0 --rings 2 --slots 2048 --dry-run
# extra buffers: netmap's own sizing of the port, 2 x 1024 x (1 + 1 + 4 x 2 pipes) + 2, + 1000
expect dry_create_extra 0 'priv_buf_num would be at least 21482 during the creation' '' -- vale create v0 --extra-bufs 1000 --dry-run
expect dry_delete 0 '^v0: would delete the persistent VALE port' '' -- vale delete v0 --dry-run
expect dry_attach 0 '^vale0:eth0: would attach eth0 and its host stack to switch vale0' '' -- vale attach vale0:eth0 --host --dry-run
expect dry_detach 0 '^vale1:v0: would detach v0 from switch vale1' '' -- vale detach vale1:v0 --dry-run
expect dry_poll_one 0 'one kernel thread on CPU 1 .*single-CPU' '' -- vale poll on vale0:eth0 --cpu 1 --dry-run
expect dry_poll_multi 0 'rings 2..4, one kernel thread each on CPUs 2..4' '' -- vale poll on vale0:eth0 --cpu 2 --cpus 3 --dry-run
expect dry_poll_off 0 'would stop its polling threads' '' -- vale poll off vale0:eth0 --dry-run
if "$V" vale create v0 --rings 4 --extra-bufs 7 --dry-run --json >"$tmp/j" 2>&1 &&
	python3 -m json.tool "$tmp/j" >/dev/null &&
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(not (d["rings"]==4 and d["slots"]==1024 and d["extra_bufs"]==7 and d["dry_run"]))' "$tmp/j"; then
	echo "ok   vale.dry_create_json"
else
	echo "FAIL vale.dry_create_json"; sed 's/^/  /' "$tmp/j"
fi

# ---- netmap tune ---------------------------------------------------------------------------
# line NAME VALUE: the parameter's line, its value, current "not loaded" (no module here)
line() { printf '^  %s +%s +current not loaded ' "$1" "$2"; }
unset VNFCTL_NETMAP_PARAMS
if [ -d /sys/module/netmap ]; then
	echo "ok   vale.tune_no_module (skipped: the netmap module is loaded here)"
else
	# Without a module, tune sets nothing and says why; --dry-run works.
	expect tune_no_module 1 '' '^vnfctl: netmap tune: cannot set: netmap module is not loaded \(/sys/module/netmap/parameters: No such file or directory\); load it with `modprobe netmap` \(--dry-run shows the values without it\)$' -- netmap tune --slots 2048
	# One port, one ring pair of 1024 slots: a ring takes 256 + 16 x 1024 = 16640 bytes, under
	# the 36864 default; 2 x 1024 x 2 + 2 = 4098 buffers, under 163840; a VALE port's own
	# sizing (2 pipes: 2 x 2 + 16 = 20 rings, 2 x 1024 x 10 + 2 = 20482 buffers) covers it.
	expect tune_small_ring_size 0 "$(line ring_size 36864).*16640 bytes; the default covers it" '' -- netmap tune --dry-run
	expect tune_small_buf_num 0 "$(line buf_num 163840).* = 4098 buffers; the default covers it" '' -- netmap tune --dry-run
	expect tune_small_priv_buf 0 "$(line priv_buf_num 4098).*netmap sizes the port for 20482 itself" '' -- netmap tune --dry-run
	expect tune_small_priv_ring 0 "$(line priv_ring_num 4).*netmap sizes the port for 20 itself" '' -- netmap tune --dry-run
	expect tune_small_dry 0 '^dry run: nothing written$' '' -- netmap tune --dry-run
	expect tune_small_memory 0 '^memory: global allocator 327\.1 MiB' '' -- netmap tune --dry-run
	# 2 NICs x 4 ring pairs of 4096 slots, 4 pipes, 10000 extra buffers each:
	#   ring_size 256 + 16 x 4096 = 65792; ring_num 2 x (2 x 5 + 8 x 4) = 84 (< 200)
	#   buf_num 2 x (2 x 4096 x (5 + 4 x 4) + 10000) + 2 = 364066
	#   one VALE port: 2 x 5 + 32 = 42 rings (> netmap's own 26), 2 x 4096 x 21 + 10000 + 2 =
	#   182034 buffers (> its own 106498), 4 + 2 + 16 = 22 netmap_ifs (> its own 10)
	BIG=(netmap tune --dry-run --slots 4096 --rings 4 --pipes 4 --extra-bufs 10000 --ports 2)
	expect tune_big_ring_size 0 "$(line ring_size 65792)" '' -- "${BIG[@]}"
	expect tune_big_ring_num 0 "$(line ring_num 200).*= 84 rings" '' -- "${BIG[@]}"
	expect tune_big_buf_num 0 "$(line buf_num 364066)" '' -- "${BIG[@]}"
	expect tune_big_priv_ring_num 0 "$(line priv_ring_num 42)" '' -- "${BIG[@]}"
	expect tune_big_priv_buf_num 0 "$(line priv_buf_num 182034)" '' -- "${BIG[@]}"
	expect tune_big_priv_if_num 0 "$(line priv_if_num 22)" '' -- "${BIG[@]}"
	expect tune_big_modprobe 0 '^  modprobe netmap ring_size=65792 buf_num=364066 priv_ring_num=42 priv_buf_num=182034 priv_if_num=22$' '' -- "${BIG[@]}"
	# 4092 slots: 65728 bytes = 64 x 1027 needs 64 objects per cluster, over 4 MiB; netmap
	# would refuse it, the next size that fits is 65792 (256 x 257).
	expect tune_cluster 0 "$(line ring_size 65792).*65728 bytes \(65792 as a pool object\)" '' -- netmap tune --dry-run --slots 4092
	# 8176 slots: 256 + 16 x 8176 = 131072, the largest ring object (32 pages)
	expect tune_max_slots 0 "$(line ring_size 131072)" '' -- netmap tune --dry-run --slots 8176
	expect tune_vale_note 0 '^note: VALE ports and pipes take at most 4096 slots' '' -- netmap tune --dry-run --slots 8176
fi
# 64 pipes on 2 ports: 2 x (2 x 2 + 8 x 64) = 1032 rings, netmap's ring pool takes 1024
expect tune_too_many_rings 1 '' '^vnfctl: netmap tune: ring_num: the topology needs 1032, netmap accepts at most 1024' -- netmap tune --dry-run --pipes 64 --ports 2
expect tune_slots_big 2 '' '--slots "8177": not a number in 1..8176' -- netmap tune --dry-run --slots 8177
expect tune_rings_0 2 '' '--rings "0": not a number in 1..256' -- netmap tune --dry-run --rings 0
expect tune_pipes_big 2 '' '--pipes "65": not a number in 0..64' -- netmap tune --dry-run --pipes 65
expect tune_ports_0 2 '' '--ports "0": not a number in 1..1024' -- netmap tune --dry-run --ports 0
expect tune_arg 2 '' 'no arguments expected, got "x"' -- netmap tune --dry-run x

json_check() { # NAME PYTHON_EXPR ARGS...
	local name=$1 expr=$2
	shift 2
	if "$V" "$@" >"$tmp/j" 2>"$tmp/e" && python3 -m json.tool "$tmp/j" >/dev/null &&
		python3 -c "import json,sys; d=json.load(open(sys.argv[1])); p=d['parameters']; sys.exit(not ($expr))" "$tmp/j"; then
		echo "ok   vale.$name"
	else
		echo "FAIL vale.$name"
		head -5 "$tmp/j" "$tmp/e" | sed 's/^/  /'
	fi
}
json_check tune_json "p['buf_num']['value']==364066 and p['ring_size']['value']==65792 and p['ring_num']['need']==84 and p['priv_buf_num']['value']==182034 and d['dry_run'] and d['written']==0 and len(p)==12" \
	--json netmap tune --dry-run --slots 4096 --rings 4 --pipes 4 --extra-bufs 10000 --ports 2
json_check tune_json_local "p['ring_size']['need']==16640 and p['ring_size']['default']==36864 and 'why' in p['if_num']" \
	netmap tune --dry-run --json

# Writing: a stand-in parameter directory with netmap's defaults.
P=$tmp/params
mkdir -p "$P"
defaults() {
	for kv in ring_size=36864 ring_num=200 buf_size=2048 buf_num=163840 if_size=1024 if_num=100 \
		priv_ring_size=20480 priv_ring_num=4 priv_buf_size=2048 priv_buf_num=4098 \
		priv_if_size=1024 priv_if_num=2; do
		rm -rf "${P:?}/${kv%%=*}"
		echo "${kv#*=}" >"$P/${kv%%=*}"
	done
}
defaults
export VNFCTL_NETMAP_PARAMS=$P
expect tune_set 0 '^set: 5 parameters written to .* and read back' '' -- netmap tune --slots 4096 --rings 4 --pipes 4 --extra-bufs 10000 --ports 2
got=$(cat "$P/ring_size" "$P/buf_num" "$P/priv_ring_num" "$P/priv_buf_num" "$P/priv_if_num" "$P/ring_num" | tr '\n' ' ')
if [ "$got" = "65792 364066 42 182034 22 200 " ]; then echo "ok   vale.tune_set_files"; else echo "FAIL vale.tune_set_files: $got"; fi
# the first tune kept what it found; netmap restore puts it back and forgets it
if [ -f "$tmp/state/netmap-params.json" ] && grep -q '"buf_num":163840' "$tmp/state/netmap-params.json"; then
	echo "ok   vale.tune_keeps_original"; else echo "FAIL vale.tune_keeps_original"; fi
expect restore_dry 0 '^  buf_num +would be 163840$' '' -- netmap restore --dry-run
expect restore 0 '^netmap restore: 5 parameters put back and read back; the record is removed$' '' -- netmap restore
got=$(cat "$P/ring_size" "$P/buf_num" "$P/priv_ring_num" "$P/priv_buf_num" "$P/priv_if_num" | tr '\n' ' ')
if [ "$got" = "36864 163840 4 4098 2 " ] && [ ! -e "$tmp/state/netmap-params.json" ]; then
	echo "ok   vale.restore_files"; else echo "FAIL vale.restore_files: $got"; fi
expect restore_nothing 0 '^netmap restore: nothing to restore' '' -- netmap restore
expect restore_usage 2 '' 'no arguments expected, got "now"' -- netmap restore now
expect tune_set_again_after_restore 0 '^set: 5 parameters written' '' -- netmap tune --slots 4096 --rings 4 --pipes 4 --extra-bufs 10000 --ports 2
expect tune_set_current 0 '^  buf_num +364066 +current 364066 ' '' -- netmap tune --dry-run --slots 4096 --rings 4 --pipes 4 --extra-bufs 10000 --ports 2
expect tune_set_again 0 '^set: 0 parameters written' '' -- netmap tune --slots 4096 --rings 4 --pipes 4 --extra-bufs 10000 --ports 2
# A parameter that cannot be written: the ones written before it are put back.
defaults
rm -f "$P/priv_if_num"
mkdir "$P/priv_if_num"
expect tune_set_fails 1 '' 'netmap tune: cannot set: .*priv_if_num: .*the 4 written before were put back' -- netmap tune --slots 4096 --rings 4 --pipes 4 --extra-bufs 10000 --ports 2
got=$(cat "$P/ring_size" "$P/buf_num" "$P/priv_ring_num" "$P/priv_buf_num" | tr '\n' ' ')
if [ "$got" = "36864 163840 4 4098 " ]; then echo "ok   vale.tune_set_put_back"; else echo "FAIL vale.tune_set_put_back: $got"; fi
unset VNFCTL_NETMAP_PARAMS

# ---- vale hash: the VALE distribution module (patches/vale-rss) --------------------------
expect hash_help 0 '^usage: vnfctl vale hash enable SWITCH' '' -- vale hash --help
expect hash_no_verb 2 '' 'enable, disable or show is required' -- vale hash
expect hash_bad_verb 2 '' '"on": enable, disable or show' -- vale hash on vale0
expect hash_no_switch 2 '' 'exactly one SWITCH is required' -- vale hash enable
expect hash_bad_switch 2 '' 'switch "eth0": a VALE switch is vale followed by' -- vale hash enable eth0
expect hash_bad_switch_char 2 '' "switch \"vale-1\": '-' is not a letter" -- vale hash enable vale-1
expect hash_bad_rings 2 '' '--rings "17": not a number in 0..16' -- vale hash enable vale0 --rings 17
expect hash_bad_key 2 '' '--key "6d5a": 40 or 52 bytes in hex' -- vale hash enable vale0 --key 6d5a
expect hash_bad_profile 2 '' '--rss-profile "nope": default, ms or mtcp' -- vale hash enable vale0 --rss-profile nope
expect hash_key_and_profile 2 '' 'exclude each other' -- vale hash enable vale0 --key 6d5a --rss-profile ms
expect hash_disable_opts 2 '' 'disable takes only SWITCH' -- vale hash disable vale0 --rings 2
# Not loaded (a stand-in parameter directory that does not exist).
export VNFCTL_VALE_HASH_PARAMS=$tmp/vh
expect hash_show_unloaded 0 '^vnf_vale_rss is not loaded' '' -- vale hash show
expect hash_show_unloaded_json 0 '"loaded":false' '' -- --json vale hash show
touch "$tmp/fake.ko"
KEYMS=6d5a56da255b0ec24167253d43a38fb0d0ca2bcbae7b30b477cb2da38030f20c6a42b73bbeac01fa
expect hash_dry_run_load 0 "^vale0: would load $tmp/fake.ko with switch=vale0 key=$KEYMS rings=4\$" '' -- vale hash enable vale0 --rss-profile ms --rings 4 --module "$tmp/fake.ko" --dry-run
expect hash_dry_run_no_ko 0 'would load vnf_vale_rss with switch=vale0 key=(6d5a){20} rings=0 \(no vnf_vale_rss.ko in /lib/modules/' '' -- vale hash enable vale0 --dry-run
expect hash_disable_unloaded 0 '^vale0: nothing to do: vnf_vale_rss is not loaded' '' -- vale hash disable vale0
if [ -e /sys/module/netmap ]; then
	echo "ok   vale.hash_no_netmap (skipped: netmap is loaded here)"
else
	expect hash_no_netmap 1 '' '^vnfctl: vale0: cannot enable: netmap module is not loaded' -- vale hash enable vale0 --module "$tmp/fake.ko"
fi
# Loaded (stand-in files for the module's parameters, and for netmap's): enable writes key,
# rings and switch and reads them back; active is what the module would write itself.
mkdir -p "$tmp/vh" "$tmp/nmp"
printf '\n' >"$tmp/vh/switch"; printf '\n' >"$tmp/vh/active"; printf '0\n' >"$tmp/vh/rings"
printf '%s\n' "$KEYMS" >"$tmp/vh/key"
export VNFCTL_NETMAP_PARAMS=$tmp/nmp
expect hash_show_idle 0 '^vnf_vale_rss is loaded but installed on no switch$' '' -- vale hash show
expect hash_dry_run_loaded 0 "^vale0: would set key=(6d5a){20} rings=2 switch=vale0 in $tmp/vh\$" '' -- vale hash enable vale0 --rings 2 --dry-run
# the stand-in cannot install anything: active stays empty and enable says what it read back
expect hash_enable_readback 1 '' 'vale0: the module reads back switch "" key (6d5a){20} rings 2' -- vale hash enable vale0 --rings 2
got="$(cat "$tmp/vh/switch") $(cat "$tmp/vh/rings")"
if [ "$got" = "vale0 2" ]; then echo "ok   vale.hash_enable_wrote"; else echo "FAIL vale.hash_enable_wrote: $got"; fi
printf 'vale0\n' >"$tmp/vh/active"
expect hash_enable_loaded 0 '^vale0: flows spread by 4-tuple over 2 rings, key (6d5a){20}$' '' -- vale hash enable vale0 --rings 2
expect hash_show_json 0 '"active":"vale0"' '' -- vale hash show --json
expect hash_enable_other 1 '' 'vale1: cannot enable: vnf_vale_rss spreads vale0, and serves one switch \(vnfctl vale hash disable vale0 first\)' -- vale hash enable vale1
expect hash_disable_other 1 '' 'vale1: cannot disable: vnf_vale_rss is set for vale0, not vale1' -- vale hash disable vale1
expect hash_disable_dry 0 '^vale0: would unload vnf_vale_rss' '' -- vale hash disable vale0 --dry-run
# (doctor exits 1 here for other checks: no libvirtd)
expect hash_doctor 1 'vale.hash +vnf_vale_rss installed on vale0' '' -- doctor
rm "$tmp/vh/rings"
expect hash_show_broken 1 '' 'VALE hash: cannot read: .*No such file' -- vale hash show
unset VNFCTL_VALE_HASH_PARAMS VNFCTL_NETMAP_PARAMS
