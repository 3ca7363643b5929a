#!/usr/bin/env bash
# Plan files without a host to change: `vnfctl up --dry-run` (and down --dry-run) against
# libvirt's test driver, which has none of the plans' domains.
#   plan_golden.NAME   tests/golden/plan/NAME.json: the dry run's output equals NAME.out
#                      (the steps in dependency order and the vnfctl command each would run);
#                      nothing is written to the state directory
#   plan_bad.NAME      tests/golden/plan/bad/NAME.json: exit 1 and the error line contains
#                      NAME.err (the path of the bad field and what is wrong)
#   plan_cli.*         usage errors, --help, down without a record
# GOLDEN_UPDATE=1 rewrites NAME.out from what vnfctl prints now: review the diff.
# Env: O (build dir).
set -u
cd "$(dirname "$0")/../.."
O=${O:-build}
VNFCTL=$O/vnfctl
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# the deploy steps name files under the state directory: a fixed one keeps the output stable
export VNFCTL_STATE_DIR=/var/lib/vnfctl-golden-unused

ok() { echo "ok   $1"; }
fail() {
	echo "FAIL $1"
	shift
	[ $# -eq 0 ] || printf '%s\n' "$@" | sed 's/^/  /'
}
if [ ! -x "$VNFCTL" ]; then
	fail plan_cli.binary "$VNFCTL not built"
	exit 0
fi

for f in tests/golden/plan/*.json; do
	name=$(basename "$f" .json)
	out=$("$VNFCTL" --connect test:///default up --dry-run "$f" 2>&1)
	rc=$?
	if [ -n "${GOLDEN_UPDATE:-}" ]; then
		printf '%s\n' "$out" >"${f%.json}.out"
	fi
	if [ $rc = 0 ] && [ "$out" = "$(cat "${f%.json}.out" 2>/dev/null)" ] &&
		[ ! -e "$VNFCTL_STATE_DIR" ]; then
		ok "plan_golden.$name"
	else
		fail "plan_golden.$name" "exit $rc" "$(diff <(printf '%s\n' "$out") "${f%.json}.out")"
	fi
done

for f in tests/golden/plan/bad/*.json; do
	name=$(basename "$f" .json)
	want=$(cat "${f%.json}.err")
	out=$("$VNFCTL" --connect test:///default up --dry-run "$f" 2>&1)
	rc=$?
	if [ $rc = 1 ] && [[ "$out" == "vnfctl: $f: $want"* ]] && [ "$(wc -l <<<"$out")" = 1 ]; then
		ok "plan_bad.$name"
	else
		fail "plan_bad.$name" "exit $rc, want \"vnfctl: $f: $want...\"" "$out"
	fi
done

# usage
for verb in up down; do
	out=$("$VNFCTL" $verb 2>&1)
	rc=$?
	if [ $rc = 2 ] && [[ "$out" == *"exactly one PLAN file is required"* ]]; then
		ok "plan_cli.$verb.no_plan"
	else
		fail "plan_cli.$verb.no_plan" "exit $rc" "$out"
	fi
	out=$("$VNFCTL" $verb --dryrun tests/golden/plan/empty.json 2>&1)
	rc=$?
	if [ $rc = 2 ] && [[ "$out" == *'unknown option "--dryrun"'* ]]; then
		ok "plan_cli.$verb.bad_option"
	else
		fail "plan_cli.$verb.bad_option" "exit $rc" "$out"
	fi
	if "$VNFCTL" $verb --help | grep -q "^usage: vnfctl $verb PLAN"; then
		ok "plan_cli.$verb.help"
	else
		fail "plan_cli.$verb.help"
	fi
done
out=$("$VNFCTL" up --dry-run "$tmp/missing.json" 2>&1)
rc=$?
if [ $rc = 1 ] && [[ "$out" == "vnfctl: $tmp/missing.json: cannot read: No such file or directory" ]]; then
	ok plan_cli.missing_file
else
	fail plan_cli.missing_file "exit $rc" "$out"
fi
out=$(VNFCTL_STATE_DIR=$tmp "$VNFCTL" --connect test:///default down tests/golden/plan/full.json 2>&1)
rc=$?
if [ $rc = 0 ] && [[ "$out" == "down: nothing to undo (no record of vnfctl up "* ]]; then
	ok plan_cli.down_nothing
else
	fail plan_cli.down_nothing "exit $rc" "$out"
fi

# the JSON Schema of docs/ accepts every golden plan and the demo, and refuses the bad plans
# it can see (types, ranges, names, unknown fields)
py=
for p in /usr/bin/python3 python3; do
	"$p" -c 'import jsonschema' 2>/dev/null && py=$p && break
done
if [ -z "$py" ]; then
	echo "skip plan_schema (no python3 with jsonschema: the Debian package python3-jsonschema)"
else
	# shellcheck disable=SC2016
	out=$("$py" - docs/plan.schema.json tests/golden/plan/*.json templates/demo.json <<'PY' 2>&1
import json, sys
from jsonschema import Draft202012Validator
schema = json.load(open(sys.argv[1]))
Draft202012Validator.check_schema(schema)
v = Draft202012Validator(schema)
bad = 0
for f in sys.argv[2:]:
    for e in v.iter_errors(json.load(open(f))):
        print(f, e.message); bad += 1
sys.exit(1 if bad else 0)
PY
)
	if [ $? = 0 ]; then ok plan_schema.accepts; else fail plan_schema.accepts "$out"; fi
	n=0
	for f in switch_prefix port_slots port_prefix nic_reta nic_key_profile nic_no_iface \
		vm_no_template vm_vcpus_type vm_accel unknown_top no_name hash_no_ports hash_key \
		hash_rings hash_profile; do
		"$py" -c 'import json, sys, jsonschema
jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])))' \
			docs/plan.schema.json "tests/golden/plan/bad/$f.json" >/dev/null 2>&1 || n=$((n + 1))
	done
	if [ $n = 15 ]; then ok plan_schema.refuses; else fail plan_schema.refuses "refused $n of 15"; fi
fi
