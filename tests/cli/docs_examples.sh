#!/usr/bin/env bash
# Every example in README.md, docs/*.md and patches/*/README.md runs here, or at least goes through the real
# argument parser, so that the docs cannot drift from the code.
#
# WHAT IS READ: every fenced block of README.md, docs/*.md and patches/**/README.md except docs/benchmarks.md (made
# by `make bench`): of that one only the `build/vnfdp bench` lines run (--packets 10000), for
# their options.  The EXAMPLES section of the man pages docs/*.8 (.nf to .fi) counts as a
# ```sh block.  Inline `code` in prose is not read.
#
# BLOCKS.  ```sh, ```bash, ```shell and ```console blocks, and untagged blocks whose first
# line starts with a command (a word of COMMAND_WORDS), hold commands (see COMMANDS).
# ```json blocks with a "mode" are dataplane configs: `vnfdp check` must accept them.
# Every other block needs an entry in BLOCKS below (its file, the beginning of its first
# line, its kind), or it fails:
#   synopsis  usage lines: each names a command that has --help, and every --option the
#             line names is in that help (or in the program's global --help)
#   output    what the command in the 4th field prints (run in the sandbox): every line of
#             the block must be a line of that output, in order (runs of spaces count as
#             one; a line ending in "..." matches a line it begins)
#   text      nothing to run: the 4th field says what the block is, and why not
#
# COMMANDS.  A trailing "\" joins lines, && and ; separate commands, "# ..." is a comment.
# In a ```console block only "$ " lines are commands, and the lines after one are its output
# (checked as an output block).  A trailing comment whose first word begins a line of the
# command's output states that line, which must then match it, as in
#     build/vnfdp rss --profile ms 66.9.149.187 161.142.100.80 2794 1766   # hash 0x51ccc178 queue 0
# (other comments are prose).  classify() says how each command is checked; its first
# matching case wins and a command no case matches fails.  HOW is one of:
#   run        run as written in the sandbox: exit 0 (and the comment's claim holds)
#   cap        vnfdp bench with --packets 1000000 (its 20 M default takes seconds under
#              sanitizers): exit 0
#   int        run, SIGINT after 1 s (a program that runs until then): exit 0
#   dry        run with --dry-run added: exit 0 (parsed and validated, nothing changed)
#   make       make -n with the same -C, targets and variables: the targets exist, and
#              every VAR= appears in that Makefile
#   ns-run, ns-dry   as run and dry, inside a network namespace whose veth is named eth1
#              (root only; skipped otherwise)
#   HOW|REGEX  a stand-in lacks what the command needs (a guest, /dev/netmap, RSS on a
#              veth): it must exit 1 with a message matching REGEX.  The parser accepted
#              the line: vnfctl and vnfdp exit 2 on every usage error, before doing anything
#   skip|WHY   neither run nor parsed here, because WHY
#
# THE SANDBOX: commands run in a temp directory holding build/ (-> $O), templates/, docs/,
# tests/ and patches/ of this tree, with vnfctl and vnfdp of $O first on PATH, and stand-ins
# for what the docs name:
#   dp.json        a dataplane config (in-memory port, with "addrs")
#   errors/NN/dp.json      a config for each error docs/config.md lists, in its order
#   site.json, demo.json   templates/demo.json; bad/demo.json has workers 65 in vms[1]
#   netmap-vnf1.json       a config with port vale0:vnf1 (netmap backend)
#   template.xml   a domain's XML (for vnfctl domain rewrite)
#   libvirt        LIBVIRT_DEFAULT_URI=test://TMP/host.xml: libvirt's test driver (nothing
#                  real) with domain vnf1, which has a vNIC vnfctl attached; vnf2 does not
#                  exist (the docs make it with `domain new`, which is only dry-run here)
#   state          VNFCTL_STATE_DIR under the temp dir, shown as /var/lib/vnfctl in outputs
#   eth1           a veth (4 queues, no RSS or ring settings) in namespace vnfdocs-PID
# Everything is removed on exit (trap), whether the test passed or not.
#
# ADDING AN EXAMPLE: a new command needs a case in classify() unless one matches it already
# (`vnfctl vale hash enable|disable SWITCH ...` runs with --dry-run under "vnfctl vale ";
# `vnfctl vale hash show` runs); a new block that is not commands or a config needs a line in
# BLOCKS; a new stand-in goes into make_sandbox.
# Env: O (build dir).  Prints "ok   example.FILE:LINE COMMAND", "FAIL ..." with the reason
# indented, "skip ... (why)", and a count of what was run, parsed only and skipped.
set -u
cd "$(dirname "$0")/../.."
REPO=$PWD
O=${O:-build}
OD=$O
[[ "$OD" == /* ]] || OD=$REPO/$O
CAP=1000000 # vnfdp bench --packets in the docs' examples
COMMAND_WORDS=" vnfctl vnfdp make git ethtool ip valgrind callgrind_annotate "

# FILE|FIRST LINE BEGINS WITH|KIND|ARGUMENT (see the top)
BLOCKS='
README.md|vnfdp run CONFIG.json|synopsis|
README.md|vnfctl [--connect URI] domain attach|synopsis|
README.md|Makefile |text|the source tree layout
docs/architecture.md|RX I/O thread|text|a figure of the threads and rings
docs/backends.md|vnfdp run: eth9: no such interface|text|error messages for NICs, XDP modes and privileges this host does not have
docs/config.md|vnfdp check: dp.json: workers: 0|output|for d in errors/*/; do (cd "$d" && vnfdp check dp.json); done
docs/netmap.md|vnfdp run: vale0:vnf1: this vnfdp was built without netmap|output|vnfdp run netmap-vnf1.json
docs/netmap.md|vnfdp run: vale0:dp2@conf:rings=2|text|what vnfdp run logs on a VALE port: needs /dev/netmap
docs/netmap.md|vnfdp run: vale0:dp: /dev/netmap is missing|text|netmap errors: need /dev/netmap and netmap ports
docs/plan.md|vnfctl: demo.json: vms[1].dataplane.workers|output|cd bad && vnfctl up --dry-run demo.json
docs/plan.md|[1/4] domain new vnfdemo|output|vnfctl up --dry-run demo.json
docs/lpm.md|Average LPM Add:|text|DPDK lpm_perf_autotest output: cycles measured on one machine
'

classify() { # COMMAND (build/vnfdp and build/vnfctl written vnfdp, vnfctl): prints HOW[|...]
	case "$1" in
	# runs for real: computes, reads, or uses only the in-memory port
	"vnfdp rss "* | "vnfctl rss "* | "vnfdp check "* | "vnfdp run templates/"*mem*) echo run ;;
	"vnfdp bench "*) echo cap ;;
	"vnfctl netmap tune "*--dry-run*) echo run ;;
	"vnfctl up --dry-run "* | "vnfctl status "*.json | "vnfctl "*"domain show "*) echo run ;;
	"vnfctl domain rewrite "*) echo run ;; # a file in the sandbox
	"vnfctl "*"vale hash show"*) echo run ;;
	"build/examples/vnfio_echo "*) echo int ;;
	"build/bench/"*) echo run ;;
	"vnfctl nic show "* | "vnfctl nic restore "*) echo ns-run ;;
	# needs /dev/netmap, which this host lacks
	"vnfctl "*"vale list"*) echo "run|netmap module is not loaded" ;;
	# would change the host: checked with --dry-run
	"vnfctl netmap tune "* | "vnfctl vale "* | "vnfctl up "* | "vnfctl down "*) echo dry ;;
	"vnfctl domain attach "* | "vnfctl domain detach "* | "vnfctl domain new "*) echo dry ;;
	"vnfctl deploy "*) echo dry ;;
	"vnfctl nic setup "*) echo "ns-dry|not supported by the driver" ;; # veth: no RSS, rings
	# needs a running guest with qemu-ga (vnf2, vnf3: the stand-in libvirt has neither)
	"vnfctl domain start "* | "vnfctl start "* | "vnfctl stop "*) echo "run|: no such domain" ;;
	"vnfctl status "* | "vnfctl logs "*) echo "run|: no such domain" ;;
	make | "make "*) echo make ;;
	"git clone "*) echo "skip|downloads netmap from GitHub" ;;
	"valgrind "* | "callgrind_annotate "*) echo "skip|a benchmark under callgrind, minutes" ;;
	*) echo unclassified ;;
	esac
}

tmp=$(mktemp -d /tmp/vnfctl-docs.XXXXXX)
NS=
cleanup() {
	[ -z "$NS" ] || ip netns del "$NS" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

n_run=0
n_parsed=0
n_skip=0
n_fail=0
ran() {
	echo "ok   example.$1"
	n_run=$((n_run + 1))
}
parsed() {
	echo "ok   example.$1"
	n_parsed=$((n_parsed + 1))
}
skip() {
	echo "skip example.$1 ($2)"
	n_skip=$((n_skip + 1))
}
fail() {
	echo "FAIL example.$1"
	shift
	[ $# -eq 0 ] || printf '%s\n' "$@" | sed 's/^/  /'
	n_fail=$((n_fail + 1))
}
short() { # TEXT: at most 72 characters of it
	if [ ${#1} -le 72 ]; then echo "$1"; else echo "${1:0:69}..."; fi
}

# ---- the sandbox and its stand-ins --------------------------------------------------------
sb=$tmp/sb
make_sandbox() {
	local d
	mkdir -p "$sb/bad" "$tmp/bin" || return 1
	ln -s "$OD" "$sb/build"
	for d in templates docs tests patches; do ln -s "$REPO/$d" "$sb/$d"; done
	ln -s "$OD/vnfctl" "$tmp/bin/vnfctl"
	ln -s "$OD/vnfdp" "$tmp/bin/vnfdp"
	cat >"$sb/dp.json" <<-'EOF'
		{"mode": "sw", "port": {"backend": "mem", "iface": "mem0", "mem": {"packets": 1000}},
		 "workers": 1, "addrs": ["10.0.0.2/24"]}
	EOF
	cp templates/demo.json "$sb/site.json"
	cp templates/demo.json "$sb/demo.json"
	cat >"$sb/bad/demo.json" <<-'EOF'
		{"name": "demo", "vms": [
		 {"name": "a", "template": "virtio", "dataplane": {"mode": "sw", "workers": 1,
		  "port": {"backend": "afpacket", "iface": "eth0"}}},
		 {"name": "b", "template": "virtio", "dataplane": {"mode": "sw", "workers": 65,
		  "port": {"backend": "afpacket", "iface": "eth0"}}}]}
	EOF
	echo '{"mode": "sw", "port": {"backend": "netmap", "iface": "vale0:vnf1"}, "workers": 1}' \
		>"$sb/netmap-vnf1.json"
	make_bad_configs
	cat >"$tmp/vnf1.xml" <<-'EOF'
		<domain type='test'><name>vnf1</name><memory>1048576</memory><vcpu>4</vcpu>
		<os><type arch='x86_64'>hvm</type></os><devices/></domain>
	EOF
	cp "$tmp/vnf1.xml" "$sb/template.xml"
	{
		echo '<node>'
		"$OD/vnfctl" domain rewrite --in "$tmp/vnf1.xml" attach --vnic virtio \
			--bridge br0 --queues 4 || return 1
		echo '</node>'
	} >"$tmp/host.xml"
}

make_bad_configs() { # errors/NN/dp.json: one per line below (\n: a new line); 16 has none
	local p='"port": {"backend": "mem", "iface": "mem0"}' n=0 c
	while IFS= read -r c; do
		n=$((n + 1))
		mkdir -p "$sb/errors/$(printf %02d $n)"
		[ -z "$c" ] || printf '%b\n' "$c" >"$sb/errors/$(printf %02d $n)/dp.json"
	done <<-EOF
		{"workers": 0, $p}
		{"port": {"backend": "dpdk", "iface": "eth0"}}
		{$p, "rings": {"worker": 1000}}
		{$p, "burst": {"rxx": 1}}
		{"port": {"backend": "mem"}}
		{"mode": 1, $p}
		{$p, "workers": 1.5}
		{"mode": "nic", $p, "io_cores": 2}
		{$p, "workers": 2, "cpus": {"workers": [0, 1, 1]}}
		{$p, "rss": {"profile": "ms", "key": "6d5a"}}
		{$p, "rss": {"key": "00112233445566778899aabbccddeeff"}}
		{$p, "workers": 8, "rss": {"reta_size": 4}}
		{$p, "arp": [{"ip": "10.0.0.1", "mac": "02:00:00:00:00:02"}, {"ip": "10.0.0.3", "mac": "02:00:00:00:00"}]}
		{$p, "addrs": ["10.0.0.2"]}
		{\n  "mode": "sw",\n  "workers": x\n}

	EOF
}

make_netns() { # a veth named eth1 in namespace vnfdocs-PID (root only)
	[ "$(id -u)" = 0 ] && command -v ip >/dev/null || return 0
	ip netns add "vnfdocs-$$" || return 0
	NS=vnfdocs-$$
	ip -n "$NS" link add eth1 numtxqueues 4 numrxqueues 4 type veth peer name eth1p \
		numtxqueues 4 numrxqueues 4 && ip -n "$NS" link set eth1 up
}

# sandbox_run WHERE HOW CMD: runs CMD with bash in the sandbox (WHERE: host or ns; HOW int:
# SIGINT after 1 s); its output, both streams, in $tmp/out
sandbox_run() {
	local where=$1 how=$2 cmd=$3 rc pre=() t=(timeout -k 5 30)
	[ "$how" = int ] && t=(timeout -s INT -k 5 --preserve-status 1)
	[ "$where" = ns ] && pre=(ip netns exec "$NS")
	(cd "$sb" && "${pre[@]}" env PATH="$tmp/bin:$PATH" VNFCTL_STATE_DIR="$tmp/state" \
		LIBVIRT_DEFAULT_URI="test://$tmp/host.xml" "${t[@]}" bash -c "$cmd") \
		</dev/null >"$tmp/out.raw" 2>&1
	rc=$?
	sed "s|$tmp/state|/var/lib/vnfctl|g" "$tmp/out.raw" >"$tmp/out"
	return $rc
}

# ---- comparing outputs --------------------------------------------------------------------
squeeze() { sed -E 's/[[:space:]]+/ /g; s/^ //; s/ $//' "$@"; }

# expect_lines WANT GOT: every line of WANT is a line of GOT, in order (spaces squeezed; a
# line ending in "..." matches a line it begins); prints the first one that is not
expect_lines() {
	awk 'BEGIN { i = 0 }
	NR == FNR { if ($0 != "") want[++n] = $0; next }
	i < n {
		w = want[i + 1]
		if (w ~ /\.\.\.$/) { p = substr(w, 1, length(w) - 3); hit = substr($0, 1, length(p)) == p }
		else hit = ($0 == w)
		if (hit) i++
	}
	END { if (i < n) { print want[i + 1]; exit 1 } }' <(squeeze "$1") <(squeeze "$2")
}

# claim_fails CLAIM: prints what is wrong when the comment CLAIM states an output line that
# $tmp/out does not have; nothing when it agrees or is prose
claim_fails() {
	local w=${1%% *} miss
	squeeze "$tmp/out" | awk -v w="$w" '$1 == w { f = 1 } END { exit !f }' || return 0
	printf '%s\n' "$1" >"$tmp/claim"
	miss=$(expect_lines "$tmp/claim" "$tmp/out") || printf '%s\n' "the doc says: $miss" "the output:" "$(head -20 "$tmp/out")"
}

# ---- checks -------------------------------------------------------------------------------
check_make() { # NAME CMD: make -n with the same -C, targets and variables
	local name=$1 dir=. words args=() missing='' out rc
	read -ra words <<<"$2"
	set -- "${words[@]:1}"
	while [ $# -gt 0 ]; do
		case $1 in
		-C)
			dir=$2
			shift
			;;
		*=*)
			grep -qw -- "${1%%=*}" "$dir/Makefile" || missing="$missing ${1%%=*}"
			args+=("$1")
			;;
		-*) ;;
		*) args+=("$1") ;;
		esac
		shift
	done
	out=$(env -u O -u SAN -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -n -C "$dir" "${args[@]}" \
		</dev/null 2>&1)
	rc=$?
	if [ $rc = 0 ] && [ -z "$missing" ]; then parsed "$name"; else
		fail "$name" "make -n -C $dir ${args[*]}: exit $rc" "${missing:+variables not in $dir/Makefile:$missing}" \
			"$(grep -m3 -i 'error\|no rule' <<<"$out")"
	fi
}

cap_packets() { # CMD: with --packets at most $CAP
	if [[ "$1" =~ --packets\ ([0-9]+) ]]; then
		if [ "${BASH_REMATCH[1]}" -gt "$CAP" ]; then
			echo "${1/--packets ${BASH_REMATCH[1]}/--packets $CAP}"
		else echo "$1"; fi
	else echo "$1 --packets $CAP"; fi
}

# ensure_built CMD: a benchmark or example program the command names (build/bench/X,
# build/examples/X) is built on demand: make test does not build them, make bench does.
ensure_built() {
	local prog=${1%% *}
	case $prog in
	build/bench/* | build/examples/*)
		[ -x "$O/${prog#build/}" ] || make -s O="$O" "$O/${prog#build/}" >"$tmp/make.log" 2>&1 ;;
	esac
}

# check_command LOC CMD CLAIM EXPECT: one command, as classify() says; CLAIM: its trailing
# comment; EXPECT: a file with the output lines a console block shows (or empty)
check_command() {
	local loc=$1 cmd=$2 claim=$3 expect=$4 key how detail where=host name rc miss=
	key=$(sed -E 's#^build/(vnfdp|vnfctl) #\1 #' <<<"$cmd")
	IFS='|' read -r how detail <<<"$(classify "$key")"
	name="$loc $(short "$cmd")"
	case $how in
	unclassified)
		fail "$name" "no case of classify() in $0 matches it: add one (see the top of the test)"
		return
		;;
	skip)
		skip "$name" "$detail"
		return
		;;
	make)
		check_make "$name" "$cmd"
		return
		;;
	ns-*)
		where=ns
		how=${how#ns-}
		if [ -z "$NS" ]; then
			skip "$name" "needs root: runs on a veth eth1 in a network namespace"
			return
		fi
		;;
	esac
	case $how in
	dry) [[ " $cmd " == *" --dry-run "* ]] || cmd="$cmd --dry-run" ;;
	cap) cmd=$(cap_packets "$cmd") ;;
	esac
	if ! ensure_built "$cmd"; then
		fail "$name" "make $O/${cmd#build/} failed" "$(tail -5 "$tmp/make.log")"
		return
	fi
	sandbox_run "$where" "$how" "$cmd"
	rc=$?
	if [ -n "$detail" ]; then
		if [ $rc = 1 ] && grep -qE -- "$detail" "$tmp/out"; then parsed "$name"; else
			fail "$name" "ran: $cmd" "exit $rc; want exit 1 with /$detail/ (what the stand-in lacks)" \
				"$(tail -5 "$tmp/out")"
		fi
		return
	fi
	if [ $rc != 0 ]; then
		fail "$name" "ran: $cmd" "exit $rc" "$(tail -8 "$tmp/out")"
		return
	fi
	if [ "$how" = dry ]; then
		parsed "$name"
		return
	fi
	[ -z "$claim" ] || miss=$(claim_fails "$claim")
	if [ -z "$miss" ] && [ -s "$expect" ] && ! miss=$(expect_lines "$expect" "$tmp/out"); then
		miss=$(printf '%s\n' "the doc's output line \"$miss\" is not in the output:" "$(head -20 "$tmp/out")")
	fi
	if [ -z "$miss" ]; then ran "$name"; else fail "$name" "$miss"; fi
}

check_line() { # LOC LINE [EXPECT]: the commands of one logical line of a command block
	local loc=$1 line=$2 expect=${3:-} code claim cmds i
	code=$(sed -E 's/(^|[[:space:]])#.*//' <<<"$line")
	claim=
	[[ "$line" =~ (^|[[:space:]])#[[:space:]]*(.*[^[:space:]]) ]] && claim=${BASH_REMATCH[2]}
	mapfile -t cmds < <(sed -E 's/&&|;/\n/g' <<<"$code" | sed -E 's/^[[:space:]]+//; s/[[:space:]]+$//' | grep .)
	for i in "${!cmds[@]}"; do
		# the comment speaks of the last command's output
		if [ "$i" -eq $((${#cmds[@]} - 1)) ]; then
			check_command "$loc" "${cmds[$i]}" "$claim" "$expect"
		else
			check_command "$loc" "${cmds[$i]}" "" ""
		fi
	done
}

check_commands() { # FILE START BLOCKFILE TAG
	local file=$1 start=$2 block=$3 tag=$4 n=0 text logical='' at=0 cmd='' cmdat=0
	: >"$tmp/expect"
	while IFS= read -r text || [ -n "$text" ]; do
		n=$((n + 1))
		if [ "$tag" = console ]; then
			if [[ "$text" == '$ '* ]]; then
				[ -z "$cmd" ] || check_line "$file:$cmdat" "$cmd" "$tmp/expect"
				cmd=${text#\$ }
				cmdat=$((start + n))
				: >"$tmp/expect"
			elif [ -n "$cmd" ]; then
				printf '%s\n' "$text" >>"$tmp/expect"
			fi
			continue
		fi
		[ -n "$logical" ] || at=$((start + n))
		if [[ "$text" == *\\ ]]; then
			logical="$logical${text%\\} "
			continue
		fi
		logical="$logical$text"
		[[ "$logical" =~ ^[[:space:]]*(#|$) ]] || check_line "$file:$at" "$logical"
		logical=
	done <"$block"
	[ -z "$cmd" ] || check_line "$file:$cmdat" "$cmd" "$tmp/expect"
}

check_synopsis() { # FILE START BLOCKFILE: usage lines against the commands' --help
	local file=$1 start=$2 block=$3 n=0 text line='' at=0
	while IFS= read -r text || [ -n "$text" ]; do
		n=$((n + 1))
		if [[ "$text" =~ ^[[:space:]] ]] && [ -n "$line" ]; then
			line="$line $text"
			continue
		fi
		[ -z "$line" ] || synopsis_line "$file:$at" "$line"
		line=$text
		at=$((start + n))
	done <"$block"
	[ -z "$line" ] || synopsis_line "$file:$at" "$line"
}

synopsis_line() { # LOC LINE
	local loc=$1 toks words=() i=1 help opt missing='' name
	read -ra toks <<<"$2"
	name="$loc $(short "$2")"
	if [ "${toks[0]}" != vnfctl ] && [ "${toks[0]}" != vnfdp ]; then
		fail "$name" "a synopsis line must start with vnfctl or vnfdp"
		return
	fi
	while [ $i -lt ${#toks[@]} ] && [[ "${toks[$i]}" == "["* ]]; do # [--connect URI] [--json]
		until [[ "${toks[$i]}" == *"]" ]] || [ $i -ge ${#toks[@]} ]; do i=$((i + 1)); done
		i=$((i + 1))
	done
	while [ $i -lt ${#toks[@]} ] && [[ "${toks[$i]}" =~ ^[a-z]+$ ]]; do
		words+=("${toks[$i]}")
		i=$((i + 1))
	done
	if ! help=$("$OD/${toks[0]}" "${words[@]}" --help 2>&1 </dev/null); then
		fail "$name" "${toks[0]} ${words[*]} --help fails: no such command"
		return
	fi
	help="$help $("$OD/${toks[0]}" --help 2>&1 </dev/null)"
	for opt in $(grep -oE -- '--[a-z][a-z0-9-]*' <<<"$2" | sort -u); do
		grep -qE -- "(^|[^a-z0-9-])$opt([^a-z0-9-]|$)" <<<"$help" || missing="$missing $opt"
	done
	if [ -z "$missing" ]; then parsed "$name"; else
		fail "$name" "not in ${toks[0]} ${words[*]} --help:$missing"
	fi
}

check_config() { # LOC BLOCKFILE: a dataplane config in the docs passes vnfdp check
	local out
	if out=$("$OD/vnfdp" check "$2" 2>&1 >/dev/null </dev/null); then
		ran "$1 config: vnfdp check"
	else fail "$1 config: vnfdp check" "$out"; fi
}

check_output_block() { # LOC BLOCKFILE CMD
	local miss
	sandbox_run host run "$3"
	if miss=$(expect_lines "$2" "$tmp/out"); then ran "$1 output of: $3"; else
		fail "$1 output of: $3" "the doc's line \"$miss\" is not in the output:" "$(head -20 "$tmp/out")"
	fi
}

block_entry() { # FILE FIRSTLINE: prints KIND|ARGUMENT of its BLOCKS line, if any
	local f p k a
	while IFS='|' read -r f p k a; do
		[ -n "$f" ] && [ "$f" = "$1" ] && [[ "$2" == "$p"* ]] && echo "$k|$a" && return
	done <<<"$BLOCKS"
}

check_block() { # ID FILE LINE TAG
	local block=$tmp/blocks/$1 file=$2 line=$3 tag=$4 first entry kind arg
	first=$(sed -n '/[^[:space:]]/{s/^[[:space:]]*//;p;q}' "$block")
	entry=$(block_entry "$file" "$first")
	if [ -n "$entry" ]; then
		IFS='|' read -r kind arg <<<"$entry"
		case $kind in
		synopsis) check_synopsis "$file" "$line" "$block" ;;
		output) check_output_block "$file:$line" "$block" "$arg" ;;
		text) skip "$file:$line block \"$(short "$first")\"" "$arg" ;;
		*) fail "$file:$line" "BLOCKS: unknown kind \"$kind\"" ;;
		esac
		return
	fi
	case $tag in
	sh | bash | shell | console)
		check_commands "$file" "$line" "$block" "$tag"
		return
		;;
	json)
		if grep -q '"mode"' "$block"; then
			check_config "$file:$line" "$block"
			return
		fi
		;;
	"")
		if [[ "$COMMAND_WORDS" == *" ${first%% *} "* ]] || [[ "$first" == build/* ]]; then
			check_commands "$file" "$line" "$block" sh
			return
		fi
		;;
	esac
	fail "$file:$line block \"$(short "$first")\"" \
		"neither commands nor classified: add it to BLOCKS in $0 (see the top of the test)"
}

# extract_blocks FILE...: each fenced block into $tmp/blocks/ID; the index lists
# ID FILE LINE-OF-THE-FENCE TAG, tab-separated
extract_blocks() {
	mkdir -p "$tmp/blocks"
	awk -v dir="$tmp/blocks" '
	FNR == 1 { inb = 0 }
	!inb && /^[ \t]*```/ {
		inb = 1; id++; ind = match($0, /```/) - 1
		tag = substr($0, ind + 4); sub(/[ \t{].*/, "", tag)
		out = sprintf("%s/%03d", dir, id); printf "" > out
		printf "%03d\t%s\t%d\t%s\n", id, FILENAME, FNR, tag
		next
	}
	inb && /^[ \t]*```[ \t]*$/ { inb = 0; close(out); next }
	inb { l = $0; if (ind > 0 && substr(l, 1, ind) ~ /^[ \t]*$/) l = substr(l, ind + 1); print l > out }
	' "$@" >"$tmp/blocks/index"
}

# extract_man_examples PAGE...: the .nf/.fi block of each page's EXAMPLES section, as a sh block
extract_man_examples() {
	awk -v dir="$tmp/blocks" '
	FNR == 1 { sec = ""; inb = 0 }
	/^\.SH / { sec = $2; next }
	sec == "EXAMPLES" && /^\.nf/ { inb = 1; id++; out = sprintf("%s/man%03d", dir, id); printf "" > out
		printf "man%03d\t%s\t%d\tsh\n", id, FILENAME, FNR; next }
	inb && /^\.fi/ { inb = 0; close(out); next }
	inb { gsub(/\\-/, "-"); gsub(/\\\\/, "\\"); print > out }
	' "$@" >>"$tmp/blocks/index"
}

check_benchmarks() { # the vnfdp bench lines of docs/benchmarks.md, with --packets 10000
	local cmd
	[ -f docs/benchmarks.md ] || return 0
	while IFS= read -r cmd; do
		if sandbox_run host run "$(CAP=10000 cap_packets "$cmd")"; then parsed "docs/benchmarks.md $(short "$cmd")"; else
			fail "docs/benchmarks.md $(short "$cmd")" "with --packets 10000:" "$(tail -5 "$tmp/out")"
		fi
	done < <(grep -oE 'build/vnfdp bench [^#<|`]*' docs/benchmarks.md | sed -E 's/[[:space:]]+$//' | sort -u)
}

# ---- main ---------------------------------------------------------------------------------
for b in vnfctl vnfdp; do
	if [ ! -x "$O/$b" ]; then
		fail binary "$O/$b not built"
		exit 0
	fi
done
if ! make_sandbox; then
	fail sandbox "could not make the stand-ins in $tmp"
	exit 0
fi
make_netns
docs=(README.md)
for f in docs/*.md; do [ "$f" = docs/benchmarks.md ] || docs+=("$f"); done
for f in patches/README.md patches/*/README.md; do [ -f "$f" ] && docs+=("$f"); done
extract_blocks "${docs[@]}"
extract_man_examples docs/*.8
while IFS=$'\t' read -r id file line tag; do
	check_block "$id" "$file" "$line" "$tag"
done <"$tmp/blocks/index"
check_benchmarks
echo "docs examples: $n_run run, $n_parsed parsed only, $n_skip not runnable here, $n_fail failed"
