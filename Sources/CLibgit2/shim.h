#ifndef GLOSS_CLIBGIT2_SHIM_H
#define GLOSS_CLIBGIT2_SHIM_H
#include <git2.h>
#include <git2/sys/repository.h>

/// Swift cannot call C variadic functions; this wraps the one libgit2 option Gloss sets.
/// fsync of objects, refs and the index: a commit gloss reports survives a power loss.
static inline int gloss_git_enable_fsync(int enabled) {
  return git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, enabled);
}
/// One flush of the file system holding `fd` (Linux syncfs; elsewhere a full sync).
#include <unistd.h>
#ifdef __linux__
int syncfs(int fd);
static inline int gloss_syncfs(int fd) { return syncfs(fd); }
#else
static inline int gloss_syncfs(int fd) { (void)fd; sync(); return 0; }
#endif
#endif
