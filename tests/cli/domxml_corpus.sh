#!/usr/bin/env bash
# Corpus test of `vnfctl domain rewrite` on real-world XML: libvirt's own test domains
# (tests/qemuxml2argvdata/*.xml and tests/qemuxml2xmloutdata/*.xml of Debian's libvirt source,
# fetched with `apt-get source` at test time and cached outside the repository).  For every file
# whose root is <domain> and that validates against libvirt's schema (virt-xml-validate):
#   attach_exits             attach --vnic ptnet exits 0, or 1 with "vnfctl: FILE: attach: REASON"
#                            (a refusal: counted by reason, not a failure)
#   attach_validates         the result still validates
#   attach_outside_unchanged the result minus what attach adds (vnfctl's <metadata> child, or the
#                            whole <metadata> if the domain had none; the -device/-netdev
#                            qemu:arg pairs with the vNIC's id, or the whole <qemu:commandline>;
#                            the agent channel and virtio-serial controller if the domain had
#                            none, and <devices> itself if it had none; the qemu namespace
#                            declared on <domain>) equals the original,
#                            comments and whitespace included (compared canonically)
#   attach_idempotent        attaching the same vNIC again gives the same bytes (and exits 0)
#   detach_restores          detach --all gives the original (xmllint --c14n)
# Prints "ok   domxml_corpus.NAME (N files)" / "FAIL domxml_corpus.NAME" with the first failing
# files, then a summary line with the counts.  Prints "skip domxml_corpus (cannot fetch
# libvirt's source: REASON)" only when the Debian archive cannot be reached.
# Needs apt-get and dpkg-source (dpkg-dev) for the first fetch, virt-xml-validate
# (libvirt-clients), xmllint (libxml2-utils), python3.
# Env: O (build dir); VNFCTL_CORPUS_CACHE (default ${XDG_CACHE_HOME:-~/.cache}/vnfctl/libvirt-src);
# VNFCTL_CORPUS_REFRESH=1 fetches again; VNFCTL_CORPUS_MIRROR, VNFCTL_CORPUS_SUITE (bookworm);
# JOBS (parallel workers, default: the number of CPUs).
set -u
cd "$(dirname "$0")/../.." || exit 1
O=${O:-build}
V=$O/vnfctl
case $V in /*) ;; *) V=$PWD/$V ;; esac
T=domxml_corpus
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
MAXSHOW=5 # failing files shown under a FAIL line

if [ ! -x "$V" ]; then
	echo "FAIL $T.binary ($V not built)"
	exit 0
fi
missing=
for tool in virt-xml-validate xmllint python3 cmp xargs; do
	command -v "$tool" >/dev/null 2>&1 || missing="$missing $tool"
done
if [ -n "$missing" ]; then
	echo "FAIL $T.tools (missing:$missing; install libvirt-clients libxml2-utils python3)"
	exit 0
fi

# --- fetch ------------------------------------------------------------------------------------
cache=${VNFCTL_CORPUS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vnfctl/libvirt-src}
suite=${VNFCTL_CORPUS_SUITE:-bookworm}

# The Debian mirror apt already uses for $suite (deb822 .sources or one-line .list files), else
# deb.debian.org.
debian_mirror() {
	local f uri
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
		[ -r "$f" ] || continue
		case $f in
		*.sources)
			uri=$(awk -v s="$suite" 'BEGIN { RS = ""; FS = "\n" }
				{ u = ""; ok = 0; deb = 0
				  for (i = 1; i <= NF; i++) {
					if ($i ~ /^URIs:/) { u = $i; sub(/^URIs:[ \t]*/, "", u); sub(/[ \t].*/, "", u) }
					if ($i ~ /^Suites:/) { n = split($i, w, /[ \t]+/); for (j = 2; j <= n; j++) if (w[j] == s) ok = 1 }
					if ($i ~ /^Types:.*deb/) deb = 1
					if ($i ~ /^Enabled:[ \t]*no/) deb = 0
				  }
				  if (u != "" && ok && deb) { print u; exit } }' "$f")
			;;
		*)
			uri=$(awk -v s="$suite" '$1 ~ /^deb(-src)?$/ { i = 2; if ($i ~ /^\[/) while ($i !~ /\]$/) i++; if ($i ~ /^\[/ || $i ~ /\]$/) i++
				if ($(i + 1) == s) { print $i; exit } }' "$f")
			;;
		esac
		if [ -n "$uri" ]; then
			echo "${uri%/}"
			return
		fi
	done
	echo http://deb.debian.org/debian
}

# A network-level failure in apt's output: prints it (the registry is unreachable).
unreachable() { # file
	grep -Eo -m1 "(Temporary failure resolving|Could not resolve|Could not connect|Unable to connect|Connection (failed|timed out|refused)|Network is unreachable|No route to host|Failed to connect|Unable to fetch|(50[0-9]|429) [A-Za-z ]+).*" "$1" |
		head -1 | grep .
}

# Fetches libvirt's source into $cache/<version>/tests/{qemuxml2argvdata,qemuxml2xmloutdata}
# and names the version in $cache/current.  Returns 1 after printing the skip line, 2 after a
# FAIL line.
fetch() {
	local a mirror keyring opts why ver dsc dir
	for tool in apt-get dpkg-source; do
		if ! command -v "$tool" >/dev/null 2>&1; then
			echo "FAIL $T.fetch ($tool missing: install apt and dpkg-dev)"
			return 2
		fi
	done
	a=$tmp/apt
	mkdir -p "$a/lists/partial" "$a/cache/archives/partial" "$a/parts" "$a/src"
	mirror=${VNFCTL_CORPUS_MIRROR:-$(debian_mirror)}
	keyring=
	[ -r /usr/share/keyrings/debian-archive-keyring.gpg ] &&
		keyring="[signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] "
	echo "deb-src $keyring$mirror $suite main" >"$a/sources.list"
	# apt's own state and the system's sources stay as they are: everything goes to $a
	opts=(-o "Dir::Etc::SourceList=$a/sources.list" -o "Dir::Etc::SourceParts=$a/parts"
		-o "Dir::State::Lists=$a/lists" -o "Dir::Cache=$a/cache" -o Debug::NoLocking=1
		-o APT::Sandbox::User="$(id -un)" -o Acquire::Retries=1 -o Acquire::http::Timeout=30
		-o Acquire::https::Timeout=30 -o APT::Get::Only-Source=true)
	apt-get "${opts[@]}" update >"$a/update.log" 2>&1
	if why=$(unreachable "$a/update.log"); then
		echo "skip $T (cannot fetch libvirt's source: $mirror: $why)"
		return 1
	fi
	if grep -q '^Err:\|^E:' "$a/update.log"; then
		echo "FAIL $T.fetch (apt-get update from $mirror $suite failed)"
		grep -E '^(Err|E|W):|^  ' "$a/update.log" | head -5 | sed 's/^/  /'
		return 2
	fi
	if ! (cd "$a/src" && apt-get "${opts[@]}" source --download-only libvirt) >"$a/source.log" 2>&1; then
		if why=$(unreachable "$a/source.log"); then
			echo "skip $T (cannot fetch libvirt's source: $mirror: $why)"
			return 1
		fi
		echo "FAIL $T.fetch (apt-get source --download-only libvirt from $mirror $suite failed)"
		grep -E '^(Err|E|W):|^  ' "$a/source.log" | head -5 | sed 's/^/  /'
		return 2
	fi
	dsc=$(find "$a/src" -maxdepth 1 -name 'libvirt_*.dsc' | head -1)
	ver=$(basename "$dsc" .dsc)
	ver=${ver#libvirt_}
	if [ -z "$dsc" ] || ! (cd "$a/src" && dpkg-source -x "$(basename "$dsc")" libvirt) >"$a/unpack.log" 2>&1; then
		echo "FAIL $T.fetch (dpkg-source -x ${dsc:-libvirt_*.dsc} failed)"
		tail -5 "$a/unpack.log" 2>/dev/null | sed 's/^/  /'
		return 2
	fi
	# keep only the two test directories (symbolic links included), then switch atomically
	mkdir -p "$cache" || {
		echo "FAIL $T.fetch (cannot create $cache)"
		return 2
	}
	dir=$cache/$ver
	rm -rf "$dir.new"
	if ! { mkdir -p "$dir.new/tests" &&
		cp -a "$a/src/libvirt/tests/qemuxml2argvdata" "$a/src/libvirt/tests/qemuxml2xmloutdata" "$dir.new/tests/" &&
		rm -rf "$dir" && mv "$dir.new" "$dir" && echo "$ver" >"$cache/current.new" &&
		mv "$cache/current.new" "$cache/current"; }; then
		echo "FAIL $T.fetch (cannot write $dir)"
		return 2
	fi
	rm -rf "$a"
	fetched=yes
}

fetched=no
if [ -n "${VNFCTL_CORPUS_REFRESH:-}" ] || [ ! -s "$cache/current" ] || [ ! -d "$cache/$(cat "$cache/current")/tests" ]; then
	fetch
	case $? in 1) exit 0 ;; 2) exit 0 ;; esac
fi
ver=$(cat "$cache/current")
src=$(readlink -f "$cache/$ver/tests")

# --- the corpus -------------------------------------------------------------------------------
# Each file once: a symbolic link to a file already in the list is not a second case.
: >"$tmp/all"
nfound=0
nlinks=0
for f in "$src"/qemuxml2argvdata/*.xml "$src"/qemuxml2xmloutdata/*.xml; do
	[ -e "$f" ] || continue
	nfound=$((nfound + 1))
	readlink -f "$f" >>"$tmp/all"
done
sort -u "$tmp/all" >"$tmp/files"
nfiles=$(wc -l <"$tmp/files")
nlinks=$((nfound - nfiles))

cat >"$tmp/check.py" <<'EOF'
# check.py roots LIST: prints the files of LIST (one a line) whose root element is <domain>.
# check.py outside PAIRS: for each "ORIGINAL<TAB>RESULT" line, checks that RESULT minus what
# attach adds equals ORIGINAL; prints "ok PATH" or "FAIL PATH<TAB>detail" (detail with \n).
import difflib, re, sys
import xml.dom.minidom as minidom
from xml.dom import Node
from xml.parsers.expat import ExpatError

VNS = 'https://vnfctl.dev/xmlns/domain/1'
QNS = 'http://libvirt.org/schemas/domain/qemu/1.0'
XMLNS = 'http://www.w3.org/2000/xmlns/'
AGENT = 'org.qemu.guest_agent.0'


def kids(e, ns=None, name=None):
    return [c for c in e.childNodes if c.nodeType == Node.ELEMENT_NODE and
            (name is None or c.localName == name) and c.namespaceURI == ns]


def esc(s, attr=False):
    s = s.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;').replace('\r', '&#xD;')
    if attr:
        s = s.replace('"', '&quot;').replace('\t', '&#x9;').replace('\n', '&#xA;')
    return s


def canon(n, out):
    """C14N-like text: attributes (namespace declarations included) sorted, adjacent text and
    CDATA merged, comments and PIs kept; the prolog's whitespace does not exist in a DOM."""
    t = n.nodeType
    if t == Node.DOCUMENT_NODE:
        for i, c in enumerate(n.childNodes):
            if c.nodeType == Node.DOCUMENT_TYPE_NODE:
                continue
            if i:
                out.append('\n')
            canon(c, out)
    elif t == Node.ELEMENT_NODE:
        attrs = sorted((a.name, a.value) for a in n.attributes.values())
        out.append('<' + n.tagName + ''.join(' %s="%s"' % (k, esc(v, True)) for k, v in attrs) + '>')
        text = []
        for c in n.childNodes:
            if c.nodeType in (Node.TEXT_NODE, Node.CDATA_SECTION_NODE):
                text.append(c.data)
                continue
            out.append(esc(''.join(text)))
            text = []
            canon(c, out)
        out.append(esc(''.join(text)))
        out.append('</' + n.tagName + '>')
    elif t == Node.COMMENT_NODE:
        out.append('<!--' + n.data + '-->')
    elif t == Node.PROCESSING_INSTRUCTION_NODE:
        out.append('<?' + n.target + ' ' + n.data + '?>')


def text_of(doc):
    out = []
    canon(doc, out)
    return ''.join(out)


def is_indent(n):
    """A line break and indentation: what an edit may insert in front of what it adds (other
    whitespace next to an added element is the original's and stays)."""
    return n is not None and n.nodeType == Node.TEXT_NODE and re.fullmatch('\n[ \t]*', n.data)


def remove(e):
    """Removes e with the indentation in front of it (or, for a first child, after it)."""
    p = e.parentNode
    if is_indent(e.previousSibling):
        p.removeChild(e.previousSibling)
    elif is_indent(e.nextSibling) and e.previousSibling is None:
        p.removeChild(e.nextSibling)
    p.removeChild(e)


def agent_channels(devices):
    return [c for c in kids(devices, None, 'channel')
            if any(t.getAttribute('name') == AGENT for t in kids(c, None, 'target'))]


def vserial(devices):
    return [c for c in kids(devices, None, 'controller') if c.getAttribute('type') == 'virtio-serial']


def strip_edit(o, r):
    """Removes from r (the result) what attach added to o (the original); returns problems."""
    bad = []
    oroot, rroot = o.documentElement, r.documentElement
    # vNIC ids from the record
    ids = [v.getAttribute('id') for m in kids(rroot, None, 'metadata')
           for d in kids(m, VNS, 'domain') for v in kids(d, VNS, 'vnic')]
    if len(ids) != 1:
        bad.append('vnfctl records %d vNICs, want 1' % len(ids))
    # <metadata>
    rmeta = kids(rroot, None, 'metadata')
    if not kids(oroot, None, 'metadata'):
        if len(rmeta) != 1:
            bad.append('%d <metadata> in the result of a domain without one' % len(rmeta))
        for m in rmeta:
            remove(m)
    else:
        for m in rmeta:
            for d in kids(m, VNS):
                remove(d)
    # <qemu:commandline>
    rcl = kids(rroot, QNS, 'commandline')
    if not kids(oroot, QNS, 'commandline'):
        if len(rcl) != 1:
            bad.append('%d <qemu:commandline> in the result of a domain without one' % len(rcl))
        for c in rcl:
            n = len(kids(c, QNS, 'arg'))
            if n != 4:
                bad.append('the added <qemu:commandline> has %d args, want 4' % n)
            remove(c)
    else:
        removed = 0
        for c in rcl:
            args = kids(c, QNS, 'arg')
            for i in range(1, len(args)):
                v, opt = args[i].getAttribute('value'), args[i - 1].getAttribute('value')
                for vid in ids:
                    if (opt == '-device' and v.startswith('ptnet-pci,') and
                            re.search('(^|,)netdev=%s(,|$)' % re.escape(vid), v)) or \
                       (opt == '-netdev' and v.startswith('netmap,') and
                            re.search('(^|,)id=%s(,|$)' % re.escape(vid), v)):
                        remove(args[i - 1])
                        remove(args[i])
                        removed += 2
        if removed != 4:
            bad.append('%d of our args in the existing <qemu:commandline>, want 4' % removed)
    # the agent channel and its controller
    odev, rdev = kids(oroot, None, 'devices'), kids(rroot, None, 'devices')
    if odev and rdev:
        if not agent_channels(odev[0]):
            ch = agent_channels(rdev[0])
            if len(ch) != 1:
                bad.append('%d agent channels in the result, want 1' % len(ch))
            for c in ch:
                remove(c)
        if not vserial(odev[0]):
            for c in vserial(rdev[0]):
                remove(c)
    elif rdev:
        # no <devices> at all: attach made one for the channel and its controller
        ch = agent_channels(rdev[0])
        if len(ch) != 1 or len(vserial(rdev[0])) != 1 or len(rdev) != 1:
            bad.append('a <devices> made by attach with %d agent channels' % len(ch))
        remove(rdev[0])
    # the qemu namespace's declaration, if attach added it on <domain>
    for a in list(rroot.attributes.values()):
        if a.namespaceURI == XMLNS and a.value == QNS and not oroot.hasAttribute(a.name):
            rroot.removeAttribute(a.name)
    return bad


def outside(pairs):
    for line in open(pairs):
        orig, res = line.rstrip('\n').split('\t')
        try:
            o = minidom.parse(orig)
            r = minidom.parse(res)
        except ExpatError as e:
            print('FAIL %s\tnot well-formed: %s' % (orig, e))
            continue
        try:
            bad = strip_edit(o, r)
        except Exception as e:  # a result this check did not foresee: show it, go on
            bad = ['check.py: %s: %s' % (type(e).__name__, e)]
        ot, rt = text_of(o), text_of(r)
        if ot != rt:
            d = list(difflib.unified_diff(ot.splitlines(), rt.splitlines(), 'original',
                                          'result minus the edit', n=1, lineterm=''))
            bad.append('\n'.join(d[:14] + (['...'] if len(d) > 14 else [])))
        if bad:
            print('FAIL %s\t%s' % (orig, '\n'.join(bad).replace('\\', '\\\\').replace('\n', '\\n')))
        else:
            print('ok %s' % orig)


def roots(lst):
    for line in open(lst):
        f = line.rstrip('\n')
        try:
            d = minidom.parse(f)
        except Exception:
            continue
        e = d.documentElement
        if e.localName == 'domain' and e.namespaceURI is None:
            print(f)


if sys.argv[1] == 'roots':
    roots(sys.argv[2])
else:
    outside(sys.argv[2])
EOF

python3 "$tmp/check.py" roots "$tmp/files" >"$tmp/domains"
ndomains=$(wc -l <"$tmp/domains")

# --- one file: validate, attach, validate, attach again, detach -------------------------------
# Writes $W/N.res: "invalid" | "refused<TAB>REASON" | "broken<TAB>DETAIL" |
# "attached<TAB>VALID<TAB>IDEM<TAB>RESTORED<TAB>BYTES" (1/0) and the details next to it.
W=$tmp/w
mkdir -p "$W"
# shellcheck disable=SC2317 # run by xargs
one() { # index file
	local i=$1 f=$2 w=$W/$1 rc msg valid idem restored bytes
	if ! virt-xml-validate "$f" domain >"$w.vb" 2>&1; then
		echo invalid >"$w.res"
		return
	fi
	"$V" domain rewrite --in "$f" attach --vnic ptnet --port vale0:corpus >"$w.a.xml" 2>"$w.a.err"
	rc=$?
	if [ "$rc" -ne 0 ]; then
		msg=$(head -c 500 "$w.a.err")
		if [ "$rc" -eq 1 ] && [ "$(wc -l <"$w.a.err")" -eq 1 ] &&
			[ "${msg#"vnfctl: $f: attach: "}" != "$msg" ] && [ -n "${msg#"vnfctl: $f: attach: "}" ]; then
			printf 'refused\t%s\n' "${msg#"vnfctl: $f: attach: "}" >"$w.res"
		else
			printf 'broken\texit %s: %s\n' "$rc" "$(printf '%s' "$msg" | tr '\n' ' ')" >"$w.res"
		fi
		return
	fi
	valid=0 idem=0 restored=0 bytes=0
	virt-xml-validate "$w.a.xml" domain >"$w.va" 2>&1 && valid=1
	"$V" domain rewrite --in "$w.a.xml" attach --vnic ptnet --port vale0:corpus >"$w.a2.xml" 2>"$w.a2.err" &&
		cmp -s "$w.a.xml" "$w.a2.xml" && idem=1
	if "$V" domain rewrite --in "$w.a.xml" detach --all >"$w.d.xml" 2>"$w.d.err"; then
		xmllint --c14n "$f" >"$w.o.c14n" 2>&1
		xmllint --c14n "$w.d.xml" >"$w.d.c14n" 2>&1 && cmp -s "$w.o.c14n" "$w.d.c14n" && restored=1
		cmp -s "$f" "$w.d.xml" && bytes=1
	fi
	printf 'attached\t%s\t%s\t%s\t%s\n' "$valid" "$idem" "$restored" "$bytes" >"$w.res"
}
export -f one
export V W

# shellcheck disable=SC2016 # expanded by bash -c
awk '{ print NR; print }' "$tmp/domains" | tr '\n' '\0' |
	xargs -0 -n2 -P"${JOBS:-$(nproc 2>/dev/null || echo 2)}" bash -c 'one "$1" "$2"' one

# --- results ----------------------------------------------------------------------------------
# $tmp/table: index, file (relative to the source's tests/), result fields
awk -v W="$W" -v S="$src/" '{ f = W "/" NR ".res"; r = ""; getline r <f; close(f)
	if (index($0, S) == 1) $0 = substr($0, length(S) + 1); print NR "\t" $0 "\t" r }' "$tmp/domains" >"$tmp/table"
col() { awk -F'\t' -v k="$1" '$3 == k' "$tmp/table"; }
nvalid=$(awk -F'\t' '$3 != "invalid"' "$tmp/table" | wc -l)
nattached=$(col attached | wc -l)
nrefused=$(col refused | wc -l)
nbroken=$(col broken | wc -l)
nnores=$(awk -F'\t' '$3 == ""' "$tmp/table" | wc -l)

# the outside-the-edit check, one python process for all attached files
col attached | awk -F'\t' -v W="$W" -v S="$src/" '{ print S $2 "\t" W "/" $1 ".a.xml" }' >"$tmp/pairs"
python3 "$tmp/check.py" outside "$tmp/pairs" >"$tmp/outside" 2>"$tmp/outside.err"
nout_ok=$(grep -c '^ok ' "$tmp/outside")

# report NAME N_OK N_ALL: an ok line, or a FAIL line and status 1 (the caller shows the first
# failing files, indented, through details)
report() {
	local name=$1 good=$2 all=$3
	if [ "$good" -eq "$all" ] && [ "$all" -gt 0 ]; then
		echo "ok   $T.$name ($all files)"
	else
		echo "FAIL $T.$name ($((all - good)) of $all files)"
		return 1
	fi
}
details() { sed 's/^/  /'; }
# failing FIELD: index and file of the first MAXSHOW attached files whose FIELD is not 1
failing() { col attached | awk -F'\t' -v k="$1" '$k != 1' | head -n "$MAXSHOW"; }
show_exits() {
	col broken | head -n "$MAXSHOW" | while IFS=$'\t' read -r _ f _ d; do echo "$f: $d"; done
	[ "$nnores" -eq 0 ] || echo "$nnores files without a result (the worker died)"
}
show_valid() {
	failing 4 | while IFS=$'\t' read -r i f _; do
		echo "$f: the result does not validate:"
		grep -v 'fails to validate' "$W/$i.va" | head -3 | details
	done
}
show_idem() {
	failing 5 | while IFS=$'\t' read -r i f _; do
		if [ -s "$W/$i.a2.err" ]; then
			echo "$f: attach again failed: $(head -1 "$W/$i.a2.err")"
		else
			echo "$f: attach again changed it:"
			diff "$W/$i.a.xml" "$W/$i.a2.xml" | head -6 | details
		fi
	done
}
show_restored() {
	failing 6 | while IFS=$'\t' read -r i f _; do
		if [ -s "$W/$i.d.err" ]; then
			echo "$f: detach --all failed: $(head -1 "$W/$i.d.err")"
		else
			echo "$f: detach --all differs canonically from the original:"
			diff "$W/$i.o.c14n" "$W/$i.d.c14n" | head -6 | details
		fi
	done
}
show_outside() {
	head -c 2000 "$tmp/outside.err"
	grep '^FAIL ' "$tmp/outside" | head -n "$MAXSHOW" | while IFS=$'\t' read -r f d; do
		echo "${f#FAIL "$src"/}:"
		printf '%b\n' "$d" | details
	done
}

if [ "$nvalid" -ge 100 ]; then
	echo "ok   $T.corpus (libvirt $ver: $nvalid valid domains)"
else
	echo "FAIL $T.corpus (libvirt $ver: only $nvalid of $ndomains domains validate before the edit)"
	awk -F'\t' '$3 == "invalid"' "$tmp/table" | head -3 | while IFS=$'\t' read -r i f _; do
		echo "  $f: $(head -1 "$W/$i.vb")"
	done
fi
nvalid_after=$(col attached | awk -F'\t' '$4 == 1' | wc -l)
nidem=$(col attached | awk -F'\t' '$5 == 1' | wc -l)
nrestored=$(col attached | awk -F'\t' '$6 == 1' | wc -l)
nbytes=$(col attached | awk -F'\t' '$7 == 1' | wc -l)
report attach_exits $((nattached + nrefused)) "$nvalid" || show_exits | details
report attach_validates "$nvalid_after" "$nattached" || show_valid | details
report attach_outside_unchanged "$nout_ok" "$nattached" || show_outside | details
report attach_idempotent "$nidem" "$nattached" || show_idem | details
report detach_restores "$nrestored" "$nattached" || show_restored | details

if [ "$nrefused" -gt 0 ]; then
	col refused | awk -F'\t' '{ n[$4]++; if (!($4 in ex)) ex[$4] = $2 }
		END { for (r in n) printf "  refused %d: %s (e.g. %s)\n", n[r], r, ex[r] }' | sort -t' ' -k4,4nr
fi
echo "$T: libvirt $ver ($([ "$fetched" = yes ] && echo fetched || echo cached) in $cache)," \
	"$nfiles files found ($nlinks more are symbolic links to them), $ndomains <domain>s," \
	"$nvalid valid before, $nattached attached, $nrefused refused, $nbroken broken," \
	"$nvalid_after valid after, $nout_ok unchanged outside the edit, $nidem idempotent," \
	"$nrestored restored ($nbytes byte for byte), $SECONDS s"
exit 0
