#!/usr/bin/env bash
# vnfctl's command line: --help of every command in the table (exit 0, a usage line), usage
# errors (exit 2 and a hint), and an unreadable or missing input file (exit 1, named).
# Env: O (build dir).  Prints "ok   vnfctl_cli.NAME" / "FAIL vnfctl_cli.NAME".
set -u
cd "$(dirname "$0")/../.."
O=${O:-build}
V=$O/vnfctl
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [ ! -x "$V" ]; then
	echo "FAIL vnfctl_cli.binary ($V not built)"
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
		echo "ok   vnfctl_cli.$name"
	else
		echo "FAIL vnfctl_cli.$name"
		echo "  vnfctl $* -> exit $rc (want $rc_want)"
		head -5 "$tmp/out" "$tmp/err" | sed 's/^/  /'
	fi
}

expect help 0 '^usage: vnfctl \[--connect URI\]' '' -- --help
expect version 0 '^vnfctl [0-9]' '' -- --version
# every GROUP VERB the top-level help lists
"$V" --help | awk '/^[a-z]+:$/ {g=substr($1, 1, length($1) - 1); next} g && /^  [a-z]/ {print g, $1}' >"$tmp/cmds"
n=0
while read -r g v; do
	n=$((n + 1))
	if [ "$g" = "$v" ]; then # a group that is itself the command (vnfctl rss)
		expect "help_$g" 0 "^usage: vnfctl $g " '' -- "$g" --help
	else
		expect "help_${g}_$v" 0 "^usage: vnfctl $g $v " '' -- "$g" "$v" --help
	fi
done <"$tmp/cmds"
if [ "$n" -ge 6 ]; then echo "ok   vnfctl_cli.commands_listed ($n)"; else echo "FAIL vnfctl_cli.commands_listed ($n)"; fi
expect group_help 0 '^usage: vnfctl domain VERB' '' -- domain --help
expect no_args 2 '' '^usage: vnfctl' --
expect unknown_group 2 '' 'unknown command group "nope"' -- nope
expect unknown_verb 2 '' 'domain: unknown verb "fly"' -- domain fly
expect unknown_option 2 '' 'unknown option "--frobnicate"' -- --frobnicate domain show x
expect attach_no_vnic 2 '' '--vnic is required.*' -- domain attach vm1
expect attach_bad_kind 2 '' '--vnic "e1000": not a vNIC kind' -- domain attach vm1 --vnic e1000
expect attach_ptnet_no_port 2 '' 'needs --port' -- domain attach vm1 --vnic ptnet
expect attach_virtio_two_sources 2 '' 'one of --tap, --bridge, --network' -- domain attach vm1 --vnic virtio --tap a --bridge b
expect attach_bad_queues 2 '' '--queues "0": not a number in 1..256' -- domain attach vm1 --vnic virtio --tap a --queues 0
expect detach_needs_one 2 '' 'exactly one of --id ID and --all' -- domain detach vm1
expect rewrite_no_in 2 '' '--in FILE is required' -- domain rewrite attach --vnic ptnet --port vale0:a
expect rewrite_dry_run 2 '' '--dry-run does not apply here' -- domain rewrite --in x.xml attach --vnic ptnet --port vale0:a --dry-run
expect rewrite_missing_file 1 '' "^vnfctl: $tmp/none.xml: cannot read: No such file or directory$" -- domain rewrite --in "$tmp/none.xml" show
if [ "$(id -u)" != 0 ]; then
	printf '<domain/>' >"$tmp/locked.xml"
	chmod 000 "$tmp/locked.xml"
	expect rewrite_unreadable_file 1 '' "^vnfctl: $tmp/locked.xml: cannot read: Permission denied$" -- domain rewrite --in "$tmp/locked.xml" show
fi
mkdir "$tmp/dir.xml"
expect rewrite_directory 1 '' "^vnfctl: $tmp/dir.xml: cannot read: Is a directory$" -- domain rewrite --in "$tmp/dir.xml" show
expect new_no_template 2 '' '--template is required' -- domain new vm9
expect new_unknown_template 1 '' 'template "nope": not found' -- domain new vm9 --template nope
exit 0
