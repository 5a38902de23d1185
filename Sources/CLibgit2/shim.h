#ifndef GLOSS_CLIBGIT2_SHIM_H
#define GLOSS_CLIBGIT2_SHIM_H
#include <git2.h>
#include <git2/sys/repository.h>

/// Swift cannot call C variadic functions; this wraps the one libgit2 option Gloss sets.
/// fsync of objects, refs and the index: a commit gloss reports survives a power loss.
static inline int gloss_git_enable_fsync(int enabled) {
  return git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, enabled);
}

/// Whether libgit2 re-hashes every object it reads (on by default). Reading agreement data
/// is mostly that SHA-1; zlib's own checksum still guards what is inflated.
static inline int gloss_git_verify_object_hashes(int enabled) {
  return git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, enabled);
}
#endif
