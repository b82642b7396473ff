# anomalyd — build, run, test, install.
#   make run      install system libraries if missing, build release, start the daemon on Config/anomalyd.toml
#   make test     install system libraries if missing, run the whole test suite
#   make install  binary to /usr/local/bin, config to /etc/anomalyd, units to /etc/systemd/system
#   make datasets fetch the NAB and SKAB corpora into $(DATA) (./data) for the evaluations

SWIFT      ?= swift
PREFIX     ?= /usr/local
CONFIG     ?= Config/anomalyd.toml
DATA       ?= data
SYS_DEPS   := libzmq3-dev libopenblas-dev zlib1g-dev pkg-config
# The tests also verify the systemd units (systemd-analyze) and run them under a real systemd.
TEST_DEPS  := systemd
SUDO       := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test build deps test-deps install-packages bench install datasets clean

deps:
	@$(MAKE) --no-print-directory install-packages PACKAGES="$(SYS_DEPS)"

test-deps:
	@$(MAKE) --no-print-directory install-packages PACKAGES="$(SYS_DEPS) $(TEST_DEPS)"

install-packages:
	@missing=""; for p in $(PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

build: deps
	$(SWIFT) build -c release

run: build
	.build/release/anomalyd run --config $(CONFIG)

# One BLAS thread per process: the tests already run in parallel, and OpenBLAS's own threads
# would oversubscribe the cores (measured on two cores: the generated-series suite took 4.5 min with one, the whole suite 17 min with them).
test: test-deps
	OPENBLAS_NUM_THREADS=1 $(SWIFT) test

bench: build
	OPENBLAS_NUM_THREADS=1 .build/release/anomalyd-bench records
	OPENBLAS_NUM_THREADS=1 .build/release/anomalyd-bench vae
	.build/release/anomalyd-bench series
	OPENBLAS_NUM_THREADS=1 .build/release/anomalyd-bench detect
	.build/release/anomalyd-bench e2e

install: build
	$(SUDO) install -D -m 0755 .build/release/anomalyd $(DESTDIR)$(PREFIX)/bin/anomalyd
	$(SUDO) install -D -m 0644 $(CONFIG) $(DESTDIR)/etc/anomalyd/anomalyd.toml
	@for u in systemd/*.service; do [ -f "$$u" ] && $(SUDO) install -D -m 0644 "$$u" $(DESTDIR)/etc/systemd/system/$$(basename "$$u"); done; true

datasets:
	Scripts/fetch-datasets $(DATA)

clean:
	rm -rf .build
