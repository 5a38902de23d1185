#ifndef GLOSS_CLIBGIT2_SHIM_H
#define GLOSS_CLIBGIT2_SHIM_H
#include <git2.h>
#include <git2/sys/repository.h>

/// Swift cannot call C variadic functions; this wraps the one libgit2 option Gloss sets.
/// fsync of objects, refs and the index: a commit gloss reports survives a power loss.
static inline int gloss_git_enable_fsync(int enabled) {
  return git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, enabled);
}

/// Objects of `type` up to `size` bytes stay in libgit2's object cache. Trees default to
/// 4 KB, so a folder of a thousand annotation files (~40 KB) was read from the pack and its
/// delta chain resolved again for every path looked up in it.
static inline int gloss_git_set_cache_object_limit(git_object_t type, size_t size) {
  return git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, type, size);
}
#endif
