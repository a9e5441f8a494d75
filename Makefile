# Two commands on a fresh Debian 12 machine: `make run` and `make test`. Both install the
# Debian packages they need (scripts/install-deps.sh), configure and build.
BUILD      ?= build
ASAN_BUILD ?= build-asan
JOBS       ?= $(shell nproc)
CMAKE_FLAGS ?=
ifneq ($(CI),)
CMAKE_FLAGS += -DLB_WERROR=ON
endif

.PHONY: all deps build build-asan run test test-asan bench fuzz format clean

all: build

deps:
	@./scripts/install-deps.sh

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(BUILD) -j$(JOBS)

# The whole platform in one process, with embedded defaults (data in ./data).
run: build
	$(BUILD)/bin/lyrebird up

# Every test but the benchmarks, then once more under ASan+UBSan (clang) with the fuzz
# targets run by libFuzzer for a bounded time.
test: build
	cd $(BUILD) && ctest --output-on-failure -LE bench -j$(JOBS)
	$(MAKE) test-asan

build-asan: deps
	@CC=clang cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DLB_SANITIZE=ON -DLB_FUZZ=ON \
	    $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(ASAN_BUILD) -j$(JOBS)

test-asan: build-asan
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	    ctest --output-on-failure -LE bench -j$(JOBS)

# Benchmarks (figures for the README's performance section).
bench: build
	cd $(BUILD) && ctest -L bench -V -j1

# Longer fuzzing: make fuzz FUZZ_SECONDS=600
FUZZ_SECONDS ?= 300
fuzz: deps
	@CC=clang cmake -S . -B $(ASAN_BUILD) -DLB_SANITIZE=ON -DLB_FUZZ=ON -DLB_FUZZ_SECONDS=$(FUZZ_SECONDS) >/dev/null
	@cmake --build $(ASAN_BUILD) -j$(JOBS)
	cd $(ASAN_BUILD) && ctest -L fuzz --output-on-failure

format:
	@git ls-files '*.c' '*.h' | xargs clang-format -i

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
