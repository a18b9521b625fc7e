# Thin wrapper around CMake: `make demo` and `make check` (README.md).
PACKAGES := $(shell grep -v '^\#' debian-packages.txt)
JOBS     ?= 2
RELEASE  := build/release
CHECK    := build/check
GCC      := build/gcc

.PHONY: all deps demo check build-release build-check build-gcc clean

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

check: build-gcc build-check
	@cd $(CHECK) && ctest --output-on-failure -j$(JOBS)

clean:
	rm -rf build
