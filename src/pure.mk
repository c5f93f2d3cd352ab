# src/pure.mk -- the pure modules of src/: no PostgreSQL headers, no I/O
# of their own beyond what their banner says.  The one list, used by the
# extension's build (Makefile), the C unit tests (test/unit), the fuzz
# targets (test/fuzz) and the benchmark (test/bench).  A file named here
# must not include postgres.h.
RDS_PURE_SRCS := buf.c awsquery.c sigv4.c awscodes.c snapshot.c \
	endpoint.c validate.c credfile.c credjson.c credurl.c xmlreply.c \
	regions.c regions_data.c
