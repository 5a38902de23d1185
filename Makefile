# Gloss: `make demo` and `make test` work on a fresh Debian/Ubuntu machine with Swift.
SWIFT ?= swift
PREFIX ?= /usr/local
# A statically linked Swift runtime starts in about a millisecond instead of ~35 ms of
# dynamic linking, which is most of a `gloss add` (DESIGN §7 budget).
RELEASE := -c release --static-swift-stdlib

.PHONY: all deps build release demo test install docs lint bench clean

all: build

# Everything the build and the tests need, installed only when missing: see deps.d/README.md.
deps:
	@for script in deps.d/[0-9]*.sh; do bash "$$script" || exit 1; done

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
