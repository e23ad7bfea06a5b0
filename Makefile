# Makefile — lorahil. `make` builds the CLI and our firmware targets,
# `make test` runs unit and integration tests, `make demo` shows the tool at
# work. Every goal first installs missing Debian packages (tools/deps.sh), so
# a fresh Debian 12 clone needs nothing else.

CC       := gcc
BUILD    := build
CSTD     := -std=c11 -D_GNU_SOURCE
WARN     := -Wall -Wextra -Werror
INCS     := -I. -I/usr/include/simavr
DEPFLAGS := -MMD -MP
CFLAGS_REL := $(CSTD) $(WARN) -O2 -g $(INCS) $(DEPFLAGS)
SANITIZE := -fsanitize=address,undefined -fno-sanitize-recover=undefined
CFLAGS_SAN := $(CSTD) $(WARN) -O1 -g -fno-omit-frame-pointer $(SANITIZE) $(INCS) $(DEPFLAGS)
LIBS     := -lsimavr -lelf -lserialport -lpcap -ljansson -lssl -lcrypto -lm -lutil -lpthread

LIB_DIRS  := events check sim hil reports
LIB_SRCS  := $(wildcard $(addsuffix /*.c,$(LIB_DIRS)))
CLI_SRCS  := $(wildcard cli/*.c)
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
FUZZ_SRCS := $(wildcard tests/fuzz/fuzz_*.c)
TARGET_MK := $(wildcard targets/*/Makefile)

REL_OBJS  := $(patsubst %.c,$(BUILD)/rel/%.o,$(LIB_SRCS))
SAN_OBJS  := $(patsubst %.c,$(BUILD)/san/%.o,$(LIB_SRCS))
CLI_OBJS  := $(patsubst %.c,$(BUILD)/rel/%.o,$(CLI_SRCS))
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRCS))
FUZZ_BINS := $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,$(FUZZ_SRCS))
# Small programs integration tests drive (pretend boards, gateways); found
# by the scripts next to $LORAHIL, in $(BUILD)/helpers/.
HELPER_BINS := $(patsubst tests/helpers/%.c,$(BUILD)/helpers/%,$(wildcard tests/helpers/*.c))
LORAHIL   := $(BUILD)/lorahil

FUZZ_SECONDS ?= 60
FUZZ_SMOKE_SECONDS ?= 3

.PHONY: all deps test demo bench fuzz targets report clean \
        _all _test _demo _bench _fuzz _targets _report

all: deps
	@$(MAKE) --no-print-directory _all
test: deps
	@$(MAKE) --no-print-directory _test
demo: deps
	@$(MAKE) --no-print-directory _demo
bench: deps
	@$(MAKE) --no-print-directory _bench
report: deps
	@$(MAKE) --no-print-directory _report
fuzz: deps
	@$(MAKE) --no-print-directory _fuzz
targets: deps
	@$(MAKE) --no-print-directory _targets

deps:
	@sh tools/deps.sh

_all: $(LORAHIL) _targets

_targets:
	@for mk in $(TARGET_MK); do \
	  d=$$(dirname $$mk); n=$$(basename $$d); \
	  $(MAKE) --no-print-directory -C $$d O=$(CURDIR)/$(BUILD)/targets/$$n || exit 1; \
	done

$(LORAHIL): $(CLI_OBJS) $(REL_OBJS)
	$(CC) -o $@ $^ $(LIBS)

$(BUILD)/rel/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_REL) -c -o $@ $<

$(BUILD)/san/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_SAN) -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(SAN_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_SAN) -o $@ $< $(SAN_OBJS) $(LIBS) -lcmocka

$(BUILD)/helpers/%: tests/helpers/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_REL) -o $@ $< -lutil

# Fuzz targets link only the pure check/ and events/ code, built by clang.
FUZZ_LIB_SRCS := $(wildcard check/*.c events/*.c)
$(BUILD)/fuzz/%: tests/fuzz/%.c $(FUZZ_LIB_SRCS)
	@mkdir -p $(dir $@)
	clang $(CSTD) -O1 -g -I. -fsanitize=fuzzer,address,undefined -o $@ $^ -ljansson -lssl -lcrypto -lm

_test: $(LORAHIL) _targets $(UNIT_BINS) $(FUZZ_BINS) $(HELPER_BINS)
	@sh tests/run.sh $(BUILD) $(FUZZ_SMOKE_SECONDS)

_fuzz: $(FUZZ_BINS)
	@for f in $(FUZZ_BINS); do \
	  n=$$(basename $$f); mkdir -p $(BUILD)/fuzz/corpus-$$n; \
	  echo "fuzz: $$n for $(FUZZ_SECONDS) s"; \
	  $$f -max_total_time=$(FUZZ_SECONDS) $(BUILD)/fuzz/corpus-$$n tests/fuzz/seeds/$$n || exit 1; \
	done

_demo: $(LORAHIL) _targets
	@sh tools/demo.sh $(BUILD)

_bench: $(LORAHIL) _targets
	@sh tools/bench.sh $(BUILD)

# reports/out/<short commit>/<scenario>/ for `lorahil report diff`
_report: $(LORAHIL) _targets
	@sh tools/report.sh $(BUILD)

# Keep objects that only pattern rules need (make would delete them as intermediate).
.SECONDARY:

clean:
	rm -rf $(BUILD)

-include $(REL_OBJS:.o=.d) $(SAN_OBJS:.o=.d) $(CLI_OBJS:.o=.d)
