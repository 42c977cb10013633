# The two commands of the README. Both install what they need first (Debian 12, as root).
BUILD_DIR ?= build
RELEASE_DIR ?= build-release
DEMO_DIR ?= $(CURDIR)/tanda-demo
DEMO_PORT ?= 8080
JOBS ?= $(shell nproc)

.PHONY: all deps build test demo clean

all: build

deps:
	./scripts/install-deps.sh

build: deps
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
	cmake --build $(BUILD_DIR) -j $(JOBS)

# Every test: Catch2 unit tests per library and the integration tests with real clients.
test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

# A demo CA on 127.0.0.1:$(DEMO_PORT); prints the openssl commands that query it.
demo: deps
	cmake -S . -B $(RELEASE_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release -DTANDA_BUILD_TESTS=OFF
	cmake --build $(RELEASE_DIR) -j $(JOBS) --target tanda
	$(RELEASE_DIR)/tanda demo --dir $(DEMO_DIR) --port $(DEMO_PORT)

clean:
	rm -rf $(BUILD_DIR) $(RELEASE_DIR)
