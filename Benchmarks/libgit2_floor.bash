#!/usr/bin/env bash
# Sourced by the benchmarks: builds (once) a C program that only calls git_libgit2_init,
# the floor every libgit2 program pays (Debian's libgit2 parses the CA bundle there), and
# sets $floor_bin to it. DESIGN §7: gloss's own work = its time less this floor.
floor_bin="${BENCH_FLOOR_BIN:-${TMPDIR:-/tmp}/gloss-bench-libgit2-init}"
if [ ! -x "$floor_bin" ]; then
  printf '#include <git2.h>\nint main(void) { git_libgit2_init(); return 0; }\n' > "$floor_bin.c"
  cc -O2 -o "$floor_bin" "$floor_bin.c" $(pkg-config --cflags --libs libgit2)
fi
