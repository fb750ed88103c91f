# udmaengine: a thin wrapper over CMake + CTest.
#   make run     build the library and the demo only, then run it (a client copying through the soft controller)
#   make check   build, then run every test (ctest)
#   make asan / make tsan   the test suite under AddressSanitizer+UBSan / ThreadSanitizer
#   make bench   build, then run the benchmark sweep (tools/dmaperf)
#   make stress  long seeded stress runs under TSan and ASan (not part of check)
#   make fuzz    libFuzzer over API call sequences, FUZZ_SECONDS long (needs clang)
#   make install PREFIX=/usr/local
BUILD ?= build
PREFIX ?= /usr/local
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_FLAGS ?=
# no "Entering directory" lines from this make or the makes CMake runs
MAKEFLAGS += --no-print-directory

STRESS_OPS ?= 10000000
STRESS_SEED ?= 2026
FUZZ_SECONDS ?= 120

.PHONY: all build run check asan tsan bench stress fuzz install clean

all: build

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_INSTALL_PREFIX=$(PREFIX) $(CMAKE_FLAGS)

build: $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j$(JOBS)

# the demo needs the library and memcpy_client, not the tests or the tools
run: $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j$(JOBS) --target memcpy_client
	$(BUILD)/examples/memcpy_client

check: build
	cd $(BUILD) && ctest --output-on-failure -j$(JOBS)

asan:
	$(MAKE) check BUILD=build-asan CMAKE_FLAGS=-DUDMA_SANITIZE=address

tsan:
	$(MAKE) check BUILD=build-tsan CMAKE_FLAGS=-DUDMA_SANITIZE=thread

BENCH_SIZES ?= 64,256,1K,4K,16K,64K,256K,1M,4M,16M,64M
# each cell of the bench table is the median of this many interleaved rounds
BENCH_ROUNDS ?= 3
# seconds of idling over which --idle measures the CPU the library still uses
BENCH_IDLE ?= 10
# more dmaperf options; e.g. --ws=256M where --scaling's 2 x 1 GiB does not fit
BENCH_FLAGS ?=

# the sweep with the bare-ring bound and the latency sample, 1 vs 2 channels
# in DRAM (--scaling), then idle CPU use; every ratio in one table and the CSV
bench: build
	mkdir -p $(BUILD)/bench
	./$(BUILD)/tools/dmaperf --sizes=$(BENCH_SIZES) --pin=0 --repeat=$(BENCH_ROUNDS) --time-ms=150 \
		--ring --scaling --idle=$(BENCH_IDLE) $(BENCH_FLAGS) \
		--csv=$(BUILD)/bench/dmaperf.csv --plot=$(BUILD)/bench

stress:
	$(MAKE) build BUILD=build-tsan CMAKE_FLAGS=-DUDMA_SANITIZE=thread
	$(MAKE) build BUILD=build-asan CMAKE_FLAGS=-DUDMA_SANITIZE=address
	./build-tsan/tools/dmastress --ops=$(STRESS_OPS) --seed=$(STRESS_SEED)
	./build-asan/tools/dmastress --ops=$(STRESS_OPS) --seed=$$(($(STRESS_SEED) + 1))

fuzz:
	CC=clang cmake -S . -B build-fuzz -DUDMA_FUZZ=ON -DUDMA_SANITIZE=address -DBUILD_TESTING=OFF
	cmake --build build-fuzz -j$(JOBS) --target fuzz_api
	mkdir -p build-fuzz/corpus && cp -n tests/fuzz/corpus/* build-fuzz/corpus/
	cd build-fuzz && ./fuzz_api -max_total_time=$(FUZZ_SECONDS) -timeout=30 -rss_limit_mb=4096 -print_final_stats=1 corpus
	@echo "new crashes are build-fuzz/crash-*: fix, then add the input to tests/fuzz/corpus/"

install: build
	cmake --install $(BUILD) --prefix $(PREFIX)

clean:
	rm -rf build build-asan build-tsan build-fuzz
