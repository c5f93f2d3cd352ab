# rds_copy: build with PGXS.  `make && make install`; tests: see README.md.

EXTENSION = rds_copy
MODULE_big = rds_copy
DATA = sql/rds_copy--1.0.sql sql/rds_copy--1.1.sql sql/rds_copy--1.0--1.1.sql
PGFILEDESC = "rds_copy - copy Amazon RDS DB cluster snapshots from SQL"

# src/pure.mk lists the pure modules (no PostgreSQL headers) once, for the
# unit tests, fuzz targets and benchmark too; everything else in src/ is glue.
include src/pure.mk
SRCS = $(wildcard src/*.c)
OBJS = $(SRCS:.c=.o)

PG_CPPFLAGS = -Isrc $(shell pkg-config --cflags libcurl libxml-2.0 libssl libcrypto)
SHLIB_LINK = $(shell pkg-config --libs libcurl libxml-2.0 libssl libcrypto)

REGRESS = setup copy faults input retries credentials security workflow regions
REGRESS_OPTS = --inputdir=test

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

override CFLAGS += -Wall -Wmissing-prototypes

# every object depends on every header (PGXS tracks no header dependencies)
$(OBJS): $(wildcard src/*.h)

# Not part of installcheck (README.md, Testing): valgrind memcheck of the
# backends (as root), and the libFuzzer targets (SECONDS per target, default 60)
.PHONY: valgrind fuzz print-pure-srcs
print-pure-srcs:
	@echo $(addprefix src/,$(RDS_PURE_SRCS))
valgrind:
	bash test/valgrind.sh
fuzz:
	$(MAKE) -C test/fuzz run
