# udmaengine: a thin wrapper over CMake + CTest.
#   make run     build, then run the demo (a client copying through the soft controller)
#   make check   build, then run every test (ctest)
#   make asan / make tsan   the test suite under AddressSanitizer+UBSan / ThreadSanitizer
#   make bench   build, then run the benchmark sweep (tools/dmaperf)
#   make stress  long seeded stress runs (not part of check)
#   make install PREFIX=/usr/local
BUILD ?= build
PREFIX ?= /usr/local
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_FLAGS ?=

.PHONY: all build run check asan tsan bench stress install clean

all: build

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_INSTALL_PREFIX=$(PREFIX) $(CMAKE_FLAGS)

build: $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j$(JOBS)

run: build
	./$(BUILD)/examples/memcpy_client

check: build
	cd $(BUILD) && ctest --output-on-failure -j$(JOBS)

asan:
	$(MAKE) check BUILD=build-asan CMAKE_FLAGS=-DUDMA_SANITIZE=address

tsan:
	$(MAKE) check BUILD=build-tsan CMAKE_FLAGS=-DUDMA_SANITIZE=thread

bench: build
	./$(BUILD)/tools/dmaperf

install: build
	cmake --install $(BUILD) --prefix $(PREFIX)

clean:
	rm -rf build build-asan build-tsan
