# Gloss: `make demo` and `make test` work on a fresh Debian/Ubuntu machine with Swift.
SWIFT ?= swift
PREFIX ?= /usr/local
# A statically linked Swift runtime starts in about a millisecond instead of ~35 ms of
# dynamic linking, which is most of a `gloss add` (DESIGN §7 budget).
RELEASE := -c release --static-swift-stdlib
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all deps build release demo test install docs lint bench clean

all: build

# libgit2 comes from the system (pkg-config libgit2); install it when missing.
deps:
	@if ! pkg-config --exists libgit2 2>/dev/null; then \
	  echo "==> installing libgit2-dev (apt, non-interactive)"; \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libgit2-dev pkg-config >/dev/null; \
	fi
	@pkg-config --exists libgit2 || { echo "error: libgit2-dev could not be installed" >&2; exit 1; }
	@# xmllint validates REFI-QDA exports against the published schemas in the tests.
	@if ! command -v xmllint >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then \
	  echo "==> installing libxml2-utils (xmllint, for the REFI-QDA schema tests)"; \
	  { $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	    $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libxml2-utils >/dev/null; } || \
	  echo "warning: libxml2-utils not installed; REFI-QDA schema tests will be skipped" >&2; \
	fi
	@# gloss report: html5lib validates its HTML in the tests; Chromium renders it and prints PDF.
	@python3 -c 'import html5lib' 2>/dev/null || { echo "==> installing html5lib (pip, for the report tests)"; \
	  python3 -m pip install -q --disable-pip-version-check html5lib 2>/dev/null || \
	  python3 -m pip install -q --disable-pip-version-check --break-system-packages html5lib; } || \
	  echo "warning: html5lib not installed; the report's HTML validation test will fail" >&2
	@# Headless Chromium, its driver and Selenium run the browser tests of gloss serve (offline:
	@# the tests give Selenium /usr/bin/chromedriver and set SE_OFFLINE).
	@if { [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; } && command -v apt-get >/dev/null 2>&1; then \
	  echo "==> installing chromium and chromium-driver (for the gloss serve browser tests)"; \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; \
	fi
	@if ! python3 -c "import selenium" 2>/dev/null; then \
	  echo "==> installing selenium (pip, for the gloss serve browser tests)"; \
	  python3 -m pip install -q selenium 2>/dev/null || python3 -m pip install -q --break-system-packages selenium; \
	fi

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build $(RELEASE)

demo: release
	@bash Examples/demo.sh "$$($(SWIFT) build $(RELEASE) --show-bin-path)/gloss"

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

install: release
	install -d $(PREFIX)/bin $(PREFIX)/share/man/man1 $(PREFIX)/share/bash-completion/completions \
	  $(PREFIX)/share/zsh/site-functions $(PREFIX)/share/fish/vendor_completions.d
	install "$$($(SWIFT) build $(RELEASE) --show-bin-path)/gloss" $(PREFIX)/bin/gloss
	install -m 644 docs/man/gloss.1 $(PREFIX)/share/man/man1/gloss.1
	$(PREFIX)/bin/gloss --generate-completion-script bash > $(PREFIX)/share/bash-completion/completions/gloss
	$(PREFIX)/bin/gloss --generate-completion-script zsh > $(PREFIX)/share/zsh/site-functions/_gloss
	$(PREFIX)/bin/gloss --generate-completion-script fish > $(PREFIX)/share/fish/vendor_completions.d/gloss.fish

# Regenerates the man page and the command reference from the commands' help.
docs: build
	$(SWIFT) package --allow-writing-to-directory docs/man generate-manual --configuration debug --output-directory docs/man --authors "The Gloss developers"
	python3 docs/make-commands.py "$$($(SWIFT) build --show-bin-path)/gloss"

lint:
	$(SWIFT) format lint --strict -r Sources Tests Package.swift

bench: release
	@bash Benchmarks/run.sh "$$($(SWIFT) build $(RELEASE) --show-bin-path)/gloss"

clean:
	rm -rf .build
