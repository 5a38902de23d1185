#ifndef GLOSS_CLIBGIT2_SHIM_H
#define GLOSS_CLIBGIT2_SHIM_H
#include <git2.h>
#include <git2/sys/repository.h>

/// Swift cannot call C variadic functions; these wrap the few libgit2 options Gloss sets.
static inline int gloss_git_enable_strict_object_creation(int enabled) {
  return git_libgit2_opts(GIT_OPT_ENABLE_STRICT_OBJECT_CREATION, enabled);
}

static inline int gloss_git_enable_fsync(int enabled) {
  return git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, enabled);
}

static inline int gloss_git_set_owner_validation(int enabled) {
  return git_libgit2_opts(GIT_OPT_SET_OWNER_VALIDATION, enabled);
}
#endif
