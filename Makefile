# Thin wrapper around CMake: `make demo`, `make check` and `make deb` (README.md).
PACKAGES := $(shell grep -v '^\#' debian-packages.txt)
JOBS     ?= 2
RELEASE  := build/release
CHECK    := build/check
GCC      := build/gcc

.PHONY: all deps demo demo-browser check deb build-release build-check build-gcc clean

all: build-release

# Install the Debian packages missing from debian-packages.txt (as root), or
# say the one line that would.
deps:
	@missing=""; for p in $(PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null || exit 1; \
	  else \
	    echo "missing Debian packages; run: sudo apt-get install -y$$missing"; exit 1; \
	  fi; \
	fi

build-release: deps
	@cmake -S . -B $(RELEASE) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DISA_TESTS=OFF >/dev/null
	@cmake --build $(RELEASE) -j$(JOBS) --target isa isad

build-check: deps
	@cmake -S . -B $(CHECK) -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_COMPILER=clang \
	  -DISA_SANITIZE=ON -DISA_FUZZ=ON >/dev/null
	@cmake --build $(CHECK) -j$(JOBS)

# A packager's plain build (gcc, tests and benchmarks included) must pass
# -Werror too; `make check` builds it so gcc-only warnings fail CI.
build-gcc: deps
	@cmake -S . -B $(GCC) -DCMAKE_C_COMPILER=gcc >/dev/null
	@cmake --build $(GCC) -j$(JOBS)

demo: build-release
	@tests/demo/demo.sh $(RELEASE)/isad $(RELEASE)/isa

# The board's story again, through the pages of each user's isa ui:
# Chromium visible when there is a display, else headless; the screenshot of
# each step in build/demo-browser/.
demo-browser: build-release
	@tests/demo/browser.sh $(RELEASE)/isad $(RELEASE)/isa

# The .debs are built and checked by lintian too, so that packaging stays
# lintian-clean (README, Install).
check: build-gcc build-check deb
	@cd $(CHECK) && ctest --output-on-failure -j$(JOBS)

# The isad and isa .debs (debhelper), checked by lintian, in build/deb/.
# dpkg-buildpackage writes beside the tree it builds, so it builds a copy
# of the sources (git's files, not build/) in build/deb/src; nothing is
# written outside build/.
DEB      := build/deb
deb: deps
	@rm -rf $(DEB) && mkdir -p $(DEB)/src/isa
	@if [ -d .git ] || git rev-parse --git-dir >/dev/null 2>&1; then \
	  git ls-files -z --cached --others --exclude-standard | \
	    xargs -0 tar -cf - --ignore-failed-read | tar -xf - -C $(DEB)/src/isa; \
	else \
	  tar -cf - --exclude=./build . | tar -xf - -C $(DEB)/src/isa; \
	fi
	@cd $(DEB)/src/isa && DEB_BUILD_OPTIONS="parallel=$(JOBS) $$DEB_BUILD_OPTIONS" \
	  dpkg-buildpackage -b -us -uc > ../../build.log 2>&1 || \
	  { tail -40 ../../build.log; echo "make deb: dpkg-buildpackage failed: $(DEB)/build.log"; exit 1; }
	@mv $(DEB)/src/*.deb $(DEB)/src/*.buildinfo $(DEB)/src/*.changes $(DEB)/
	@lintian --fail-on error,warning $(DEB)/*.changes
	@ls $(DEB)/*.deb

clean:
	rm -rf build
