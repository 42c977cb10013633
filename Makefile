# The two commands of the README. Both install what they need first (Debian 12, as root).
BUILD_DIR ?= build
RELEASE_DIR ?= build-release
DEMO_DIR ?= $(CURDIR)/tanda-demo
DEMO_PORT ?= 8080
JOBS ?= $(shell nproc)

SANITIZE_DIR ?= build-asan
PREFIX ?= /usr/local
FUZZ_DIR ?= build-fuzz
FUZZ_SECONDS ?= smoke
# The fuzz run at the end of `make test`: quick (a quarter of smoke) on a developer's machine;
# .ci/run sets smoke.
TEST_FUZZ ?= quick
FUZZ_PARALLEL ?= 2
FUZZ_CXX ?= clang++-14

.PHONY: all deps build test test-sanitize fuzz-smoke demo install package clean

all: build

deps:
	./scripts/install-deps.sh

build: deps
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
	cmake --build $(BUILD_DIR) -j $(JOBS)

# Every test: Catch2 unit tests per library and the integration tests with real clients, then
# a short run of each fuzz target (TEST_FUZZ) when clang is installed (install-deps.sh does).
test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)
	@if command -v $(FUZZ_CXX) >/dev/null; then \
	  $(MAKE) --no-print-directory fuzz-smoke FUZZ_SECONDS=$(TEST_FUZZ); \
	else echo "make test: $(FUZZ_CXX) not found, fuzz-smoke skipped"; fi

# The same tests against an AddressSanitizer + UndefinedBehaviorSanitizer build (CI runs it too).
test-sanitize: deps
	cmake -S . -B $(SANITIZE_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DTANDA_SANITIZE=ON
	cmake --build $(SANITIZE_DIR) -j $(JOBS)
	cd $(SANITIZE_DIR) && ctest --output-on-failure -j $(JOBS) --timeout 600

# libFuzzer targets (fuzz/, tests/fuzz/README.md): a clang build with ASan+UBSan, then each
# target from a temp copy of its seed corpus, FUZZ_PARALLEL at a time: by default a fixed seed and
# a fixed number of executions (about a minute each), FUZZ_SECONDS=N for N seconds from a random
# seed instead. Fails on
# any crash, leak, timeout or sanitizer report; the crashing input lands in $(FUZZ_DIR)/fuzz-artifacts.
fuzz-smoke: deps
	cmake -S . -B $(FUZZ_DIR) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DCMAKE_CXX_COMPILER=$(FUZZ_CXX) -DTANDA_FUZZ=ON -DTANDA_BUILD_TESTS=OFF
	cmake --build $(FUZZ_DIR) -j $(JOBS) --target fuzz_targets
	FUZZ_PARALLEL=$(FUZZ_PARALLEL) tests/fuzz/run.sh $(FUZZ_DIR) $(FUZZ_SECONDS)

# A demo CA on 127.0.0.1:$(DEMO_PORT); prints the openssl commands that query it.
demo: deps
	cmake -S . -B $(RELEASE_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release -DTANDA_BUILD_TESTS=OFF
	cmake --build $(RELEASE_DIR) -j $(JOBS) --target tanda
	$(RELEASE_DIR)/cli/tanda demo --dir $(DEMO_DIR) --port $(DEMO_PORT)

# The binary, unit, sysusers.d/tmpfiles.d files, man page, docs and (unless present) the config
# under $(PREFIX) (default /usr/local; /usr puts the config in /etc). DESTDIR stages it.
install: deps
	cmake -S . -B $(RELEASE_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release -DTANDA_BUILD_TESTS=OFF
	cmake --build $(RELEASE_DIR) -j $(JOBS)
	cmake --install $(RELEASE_DIR) --prefix $(PREFIX)

# The Debian package (prefix /usr, config in /etc) from the Release build:
# $(RELEASE_DIR)/tanda_<version>_<arch>.deb.
package: deps
	cmake -S . -B $(RELEASE_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release -DTANDA_BUILD_TESTS=OFF
	cmake --build $(RELEASE_DIR) -j $(JOBS)
	cd $(RELEASE_DIR) && cpack -G DEB
	@ls $(RELEASE_DIR)/*.deb

clean:
	rm -rf $(BUILD_DIR) $(RELEASE_DIR) $(SANITIZE_DIR) $(FUZZ_DIR)
