#!/usr/bin/env bash
# Documentation that must stay true to the code:
#   docs.diagram       docs/architecture.svg is what `make docs` makes from architecture.dot
#   docs.man           the man pages format without warnings
#   docs.commands      every vnfctl command group and verb in the command table appears in
#                      docs/vnfctl.8 and in the README's command list
set -u
cd "$(dirname "$0")/../.."
O=${O:-build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ok() { echo "ok   docs.$1"; }
fail() {
	echo "FAIL docs.$1"
	shift
	[ $# -eq 0 ] || printf '%s\n' "$@" | sed 's/^/  /'
}

if command -v dot >/dev/null; then
	dot -Tsvg docs/architecture.dot -o "$tmp/a.svg"
	if cmp -s "$tmp/a.svg" docs/architecture.svg; then ok diagram; else
		fail diagram "docs/architecture.svg is stale: run make docs"
	fi
else
	echo "skip docs.diagram (no graphviz: make deps installs it)"
fi
for m in docs/vnfctl.8 docs/vnfdp.8; do
	if command -v man >/dev/null; then
		w=$(MANWIDTH=100 man --warnings -l "$m" 2>&1 >/dev/null)
		if [ -z "$w" ]; then ok "man.$(basename "$m")"; else fail "man.$(basename "$m")" "$w"; fi
	fi
done
# the commands the table has, as vnfctl --help lists them ("group:" then "  verb  summary";
# a verbless command lists itself as its verb)
missing=
while read -r words; do
	man_words=$(sed 's/-/\\\\-/g' <<<"$words")
	grep -qF -- "$words" docs/vnfctl.8 || grep -qF -- "$man_words" docs/vnfctl.8 ||
		missing="$missing [vnfctl.8: $words]"
	grep -qE -- "vnfctl (\[[^]]*\] )*${words}( |$)" README.md || missing="$missing [README: $words]"
done < <("$O/vnfctl" --help | awk '/^[a-z]+:$/ {g = substr($1, 1, length($1) - 1); next}
	/^  [a-z]/ && g != "" {print ($1 == g ? g : g " " $1)} /^Options:/ {exit}')
if [ -z "$missing" ]; then ok commands; else fail commands "not documented:$missing"; fi
