# vnfctl — top-level build.  `make` builds what exists, `make test` runs every test,
# `make deps` installs the Debian packages the project needs.
CC       ?= cc
comma    := ,
SAN      ?=
WERROR   ?=
O        ?= build
CFLAGS   ?= -O2 -g
override CFLAGS += -std=gnu11 -Wall -Wextra -Wshadow -Wno-unused-parameter -march=x86-64-v2 -mprfchw \
            -fno-strict-aliasing -D_GNU_SOURCE -Idataplane $(shell pkg-config --cflags json-c 2>/dev/null)
override LDLIBS += $(shell pkg-config --libs json-c 2>/dev/null || echo -ljson-c) \
            $(shell pkg-config --libs libxdp libbpf 2>/dev/null || echo -lxdp -lbpf) -lpthread -lm
# netmap's headers are not packaged: `make NETMAP_SRC=/path/to/netmap` builds the netmap backend
# (into its own build directory, so objects built with and without it never mix).
NETMAP_SRC ?=
ifneq ($(NETMAP_SRC),)
override CFLAGS += -DHAVE_NETMAP -I$(NETMAP_SRC)/sys
override O := $(O)-netmap
endif
ifneq ($(WERROR),)
override CFLAGS += -Werror
endif
ifneq ($(SAN),)
override CFLAGS += -fsanitize=$(SAN) -fno-omit-frame-pointer -fno-sanitize-recover=all
override LDFLAGS += -fsanitize=$(SAN)
override O := build-$(subst $(comma),-,$(SAN))$(if $(NETMAP_SRC),-netmap)
endif


# Debian packages: build, test, benchmark.  One list; `make deps` installs what is missing.
DEB_BUILD := build-essential pkg-config libck-dev libjson-c-dev libxdp-dev libbpf-dev libxml2-dev \
             libvirt-dev
DEB_TEST  := clang libclang-rt-14-dev python3 iproute2 ethtool netsniff-ng iputils-ping iputils-arping \
             libxml2-utils libvirt-clients libvirt-daemon-system libvirt-daemon-driver-qemu \
             qemu-system-x86 diffutils dpkg-dev qemu-guest-agent busybox-static cpio \
             python3-jsonschema graphviz
DEB_BENCH := dpdk-dev valgrind
DEBS      := $(DEB_BUILD) $(DEB_TEST)

DP_LIB_SRC := $(filter-out dataplane/main.c,$(wildcard dataplane/*.c dataplane/apps/*.c))
DP_LIB_OBJ := $(DP_LIB_SRC:%.c=$(O)/%.o)
DP_LIB     := $(O)/libvnfdp.a
VNFDP      := $(O)/vnfdp
UNIT_SRC   := $(wildcard tests/unit/test_*.c)
UNIT_BIN   := $(UNIT_SRC:tests/unit/%.c=$(O)/tests/%)
BENCH_SRC  := $(wildcard bench/*_bench.c)
BENCH_BIN  := $(BENCH_SRC:bench/%.c=$(O)/bench/%)
# Small helper programs of the network-namespace tests (receivers, counters).
NETNS_SRC  := $(wildcard tests/netns/*.c)
NETNS_BIN  := $(NETNS_SRC:tests/netns/%.c=$(O)/tests/netns/%)
# The host tool: libxml2 for the domain XML, libvirt (virt.c only) to reach the domains.
VNFCTL_SRC := $(wildcard vnfctl/*.c)
VNFCTL_OBJ := $(VNFCTL_SRC:vnfctl/%.c=$(O)/vnfctl-obj/%.o)
VNFCTL_LIB_OBJ := $(filter-out $(O)/vnfctl-obj/main.o,$(VNFCTL_OBJ))
VNFCTL     := $(O)/vnfctl
VNFCTL_CFLAGS := $(shell pkg-config --cflags libxml-2.0 libvirt libvirt-qemu 2>/dev/null || echo -I/usr/include/libxml2)
VNFCTL_LIBS   := $(shell pkg-config --libs libxml-2.0 libvirt libvirt-qemu 2>/dev/null || echo -lxml2 -lvirt-qemu -lvirt)
# Example programs of docs/ (built against the public headers only, run by the tests).
EXAMPLE_SRC := $(wildcard docs/examples/*.c)
EXAMPLE_BIN := $(EXAMPLE_SRC:docs/examples/%.c=$(O)/examples/%)

.PHONY: all deps deps-bench test test-tsan check fuzz fuzz-build bench demo fmt fmt-check clean install \
        vm-image docs

all: $(VNFDP) $(VNFCTL) $(UNIT_BIN) $(NETNS_BIN) $(EXAMPLE_BIN)

deps:
	@missing=""; for p in $(DEBS) $(EXTRA_DEBS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "deps: installing$$missing"; \
	  if [ "$$(id -u)" != 0 ]; then echo "deps: need root to install:$$missing" >&2; exit 1; fi; \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing || \
	  { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing; }; \
	fi

deps-bench:
	@$(MAKE) --no-print-directory deps EXTRA_DEBS="$(DEB_BENCH)"

$(O)/%.o: %.c $(wildcard dataplane/*.h dataplane/apps/*.h tests/unit/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

$(DP_LIB): $(DP_LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(VNFDP): $(O)/dataplane/main.o $(DP_LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(O)/vnfctl-obj/%.o: vnfctl/%.c $(wildcard vnfctl/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(VNFCTL_CFLAGS) -c -o $@ $<

# vnfctl links the dataplane's library for what they share, not copied: the rss command and
# hash, the ethtool and rtnetlink layers, and the config parser plans check dataplanes with.
$(VNFCTL): $(VNFCTL_OBJ) $(DP_LIB)
	$(CC) $(LDFLAGS) -o $@ $(VNFCTL_OBJ) $(DP_LIB) $(VNFCTL_LIBS) $(LDLIBS)

$(O)/tests/%: tests/unit/%.c $(wildcard tests/unit/*.h) $(DP_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests/unit $(LDFLAGS) -o $@ $< $(DP_LIB) $(LDLIBS)

# vnfctl's pure parts (sha256, base64, the status view, netmap sizing): json-c only, no
# libvirt or libxml2.
VNFCTL_PURE_SRC := vnfctl/sha256.c vnfctl/base64.c vnfctl/status_view.c vnfctl/netmap_tune.c \
                   vnfctl/doctor_checks.c
$(O)/tests/test_vnfctl_%: tests/unit/test_vnfctl_%.c $(VNFCTL_PURE_SRC) $(wildcard tests/unit/*.h vnfctl/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests/unit -Ivnfctl $(LDFLAGS) -o $@ $< $(VNFCTL_PURE_SRC) $(LDLIBS)

# The VALE module's pure core (patches/vale-rss), in user space with the dataplane's hash and
# parser, the same sources the module compiles.
$(O)/tests/test_vale_rss: tests/unit/test_vale_rss.c patches/vale-rss/vale_rss_core.c \
                          patches/vale-rss/vale_rss_core.h $(wildcard tests/unit/*.h) $(DP_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests/unit -Ipatches/vale-rss $(LDFLAGS) -o $@ $< \
	  patches/vale-rss/vale_rss_core.c $(DP_LIB) $(LDLIBS)

$(O)/examples/%: docs/examples/%.c dataplane/vnfio.h $(DP_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Idataplane $(LDFLAGS) -o $@ $< $(DP_LIB) $(LDLIBS) -lpthread

$(O)/tests/netns/%: tests/netns/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LDLIBS)

$(O)/bench/%: bench/%.c bench/bench_tsc.h bench/bench_routes.h $(DP_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(DP_LIB) $(LDLIBS) -lck

# rss_bench also times DPDK's rte_softrss (inline in <rte_thash.h>, nothing to link) when
# libdpdk's headers are installed; "private" keeps these flags off the library objects.
$(O)/bench/rss_bench: private CFLAGS += $(if $(shell pkg-config --exists libdpdk 2>/dev/null && echo y),\
	-DHAVE_DPDK $(shell pkg-config --cflags libdpdk))

# dist_peer_bench is a DPDK program (rte_mempool, rte_distributor, rte_softrss); without libdpdk
# it still builds, prints that it needs DPDK and exits 77 (bench/run.sh shows n/a).
DIST_PEER_DPDK := $(shell pkg-config --exists libdpdk 2>/dev/null && echo y)
$(O)/bench/dist_peer_bench: private CFLAGS += $(if $(DIST_PEER_DPDK),-DHAVE_DPDK $(shell pkg-config --cflags libdpdk))
$(O)/bench/dist_peer_bench: private LDLIBS += $(if $(DIST_PEER_DPDK),$(shell pkg-config --libs libdpdk))
# lpm_bench times DPDK's rte_lpm next to ours when libdpdk is installed (EAL and librte_lpm).
$(O)/bench/lpm_bench: private CFLAGS += $(if $(DIST_PEER_DPDK),-DHAVE_DPDK $(shell pkg-config --cflags libdpdk))
$(O)/bench/lpm_bench: private LDLIBS += $(if $(DIST_PEER_DPDK),$(shell pkg-config --libs libdpdk))

# The one test command (README, .ci/run): deps, build, every test, "N passed, N failed".
test: deps
	@$(MAKE) --no-print-directory all
	@O=$(O) SAN="$(SAN)" bash tests/run.sh

# ThreadSanitizer over the concurrent code (engine, rings, stats).
test-tsan: deps
	@$(MAKE) --no-print-directory SAN=thread CC=clang all
	@O=build-thread SAN=thread TESTS="$(TSAN_TESTS)" bash tests/run.sh
TSAN_TESTS ?= test_ring test_dist test_arp test_lpm test_vnfio

check: test

FUZZ_TARGETS := $(patsubst tests/fuzz/%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_SECONDS ?= 60
# Targets that include vnfctl's sources (fuzz_agent, fuzz_plan) rebuild when those change.
FUZZ_DP_SRC := $(filter-out dataplane/main.c,$(wildcard dataplane/*.c dataplane/apps/*.c))
$(O)/fuzz/%: tests/fuzz/%.c $(FUZZ_DP_SRC) $(wildcard dataplane/*.h vnfctl/*.c vnfctl/*.h)
	@mkdir -p $(dir $@)
	clang -std=gnu11 -O1 -g -D_GNU_SOURCE -Idataplane $(shell pkg-config --cflags json-c) \
	  -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -o $@ $< $(FUZZ_DP_SRC) \
	  $(LDLIBS)

# The VALE module's core with the dataplane's parser and hash, as the module builds them.
$(O)/fuzz/fuzz_vale_rss: tests/fuzz/fuzz_vale_rss.c patches/vale-rss/vale_rss_core.c \
                         patches/vale-rss/vale_rss_core.h $(FUZZ_DP_SRC) $(wildcard dataplane/*.h)
	@mkdir -p $(dir $@)
	clang -std=gnu11 -O1 -g -D_GNU_SOURCE -Idataplane -Ipatches/vale-rss \
	  $(shell pkg-config --cflags json-c) -fsanitize=fuzzer,address,undefined \
	  -fno-sanitize-recover=all -o $@ $< patches/vale-rss/vale_rss_core.c $(FUZZ_DP_SRC) $(LDLIBS)

# The domain XML rewrite links libxml2 and vnfctl's pure transform instead of the dataplane.
$(O)/fuzz/fuzz_domxml: tests/fuzz/fuzz_domxml.c vnfctl/domxml.c vnfctl/domxml.h
	@mkdir -p $(dir $@)
	clang -O1 -g -std=gnu11 -D_GNU_SOURCE -Ivnfctl $(VNFCTL_CFLAGS) \
	  -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -o $@ \
	  tests/fuzz/fuzz_domxml.c vnfctl/domxml.c $(shell pkg-config --libs libxml-2.0 2>/dev/null || echo -lxml2)

fuzz: deps $(FUZZ_TARGETS:%=$(O)/fuzz/%)
	@for t in $(FUZZ_TARGETS); do mkdir -p $(O)/fuzz/corpus-$$t; \
	  $(O)/fuzz/$$t -max_total_time=$(FUZZ_SECONDS) -max_len=2048 $(O)/fuzz/corpus-$$t tests/fuzz/seeds || exit 1; done

fuzz-build: $(FUZZ_TARGETS:%=$(O)/fuzz/%)

bench: deps-bench
	@$(MAKE) --no-print-directory all $(BENCH_BIN)
	@O=$(O) bash bench/run.sh

# The VM tests' base guest (Debian kernel + busybox initramfs) in $VNFCTL_VM_DIR or
# ~/.cache/vnfctl/vm; never committed.  Reused while nothing it depends on changed.
vm-image: $(VNFDP) $(VNFCTL)
	O=$(O) bash tests/vm/mkimage.sh

# The README's first command: a VM with the dataplane, traffic and the live per-core table, on
# this machine as it is (no netmap, no KVM needed), then everything taken down again.
demo: deps
	@$(MAKE) --no-print-directory all vm-image
	@O=$(O) bash tests/vm/demo.sh

# Generated documentation that is committed: the architecture diagram.
docs: docs/architecture.svg
docs/architecture.svg: docs/architecture.dot
	dot -Tsvg $< -o $@

fmt:
	clang-format -i $$(git ls-files '*.c' '*.h')
fmt-check:
	@clang-format --dry-run --Werror $$(git ls-files '*.c' '*.h')

# vnfctl finds vnfdp beside itself (deploy's default binary) and the domain templates in
# /usr/share/vnfctl/templates.
install: $(VNFDP) $(VNFCTL)
	install -D -m 0755 $(VNFDP) $(DESTDIR)/usr/local/bin/vnfdp
	install -D -m 0755 $(VNFCTL) $(DESTDIR)/usr/local/bin/vnfctl
	install -D -m 0644 docs/vnfdp.8 $(DESTDIR)/usr/local/share/man/man8/vnfdp.8
	install -D -m 0644 docs/vnfctl.8 $(DESTDIR)/usr/local/share/man/man8/vnfctl.8
	install -d $(DESTDIR)/usr/share/vnfctl/templates
	install -m 0644 templates/* $(DESTDIR)/usr/share/vnfctl/templates/

clean:
	rm -rf build build-*
