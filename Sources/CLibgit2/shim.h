#ifndef GLOSS_CLIBGIT2_SHIM_H
#define GLOSS_CLIBGIT2_SHIM_H
#include <git2.h>
#include <git2/sys/repository.h>
#include <libssh2.h>

/// Swift cannot call C variadic functions; these wrap the libgit2 options Gloss sets.
/// fsync of objects, refs and the index: a commit gloss reports survives a power loss.
static inline int gloss_git_enable_fsync(int enabled) {
  return git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, enabled);
}

/// The CA bundle file and/or folder TLS trusts (http.sslCAInfo, SSL_CERT_FILE, ...).
static inline int gloss_git_set_ssl_cert_locations(const char *file, const char *path) {
  return git_libgit2_opts(GIT_OPT_SET_SSL_CERT_LOCATIONS, file, path);
}

/// Looks a host key up in an OpenSSH known_hosts file (hashed entries too), through the
/// libssh2 libgit2 itself uses. `raw_type` is a `git_cert_ssh_raw_type_t`. Returns 0 when the
/// file lists this key for the host, 1 when it lists another key of that type (changed), 2 when
/// the host is not there (or the file is missing), -1 on a failure.
static inline int gloss_known_host(const char *file, const char *host, int port, const char *key,
                                   size_t key_len, int raw_type) {
  int type_mask;
  switch (raw_type) {
  case GIT_CERT_SSH_RAW_TYPE_RSA: type_mask = LIBSSH2_KNOWNHOST_KEY_SSHRSA; break;
  case GIT_CERT_SSH_RAW_TYPE_DSS: type_mask = LIBSSH2_KNOWNHOST_KEY_SSHDSS; break;
  case GIT_CERT_SSH_RAW_TYPE_KEY_ECDSA_256: type_mask = LIBSSH2_KNOWNHOST_KEY_ECDSA_256; break;
  case GIT_CERT_SSH_RAW_TYPE_KEY_ECDSA_384: type_mask = LIBSSH2_KNOWNHOST_KEY_ECDSA_384; break;
  case GIT_CERT_SSH_RAW_TYPE_KEY_ECDSA_521: type_mask = LIBSSH2_KNOWNHOST_KEY_ECDSA_521; break;
  case GIT_CERT_SSH_RAW_TYPE_KEY_ED25519: type_mask = LIBSSH2_KNOWNHOST_KEY_ED25519; break;
  default: type_mask = 0; break;
  }
  LIBSSH2_SESSION *session = libssh2_session_init();
  if (!session) return -1;
  LIBSSH2_KNOWNHOSTS *hosts = libssh2_knownhost_init(session);
  if (!hosts) { libssh2_session_free(session); return -1; }
  int result = 2;
  if (libssh2_knownhost_readfile(hosts, file, LIBSSH2_KNOWNHOST_FILE_OPENSSH) >= 0) {
    struct libssh2_knownhost *found = NULL;
    int check = libssh2_knownhost_checkp(hosts, host, port, key, key_len,
                                         LIBSSH2_KNOWNHOST_TYPE_PLAIN | LIBSSH2_KNOWNHOST_KEYENC_RAW | type_mask,
                                         &found);
    result = check == LIBSSH2_KNOWNHOST_CHECK_MATCH ? 0
           : check == LIBSSH2_KNOWNHOST_CHECK_MISMATCH ? 1
           : check == LIBSSH2_KNOWNHOST_CHECK_NOTFOUND ? 2 : -1;
  }
  libssh2_knownhost_free(hosts);
  libssh2_session_free(session);
  return result;
}

/// One flush of the file system holding `fd` (Linux syncfs; elsewhere a full sync).
#include <unistd.h>
#ifdef __linux__
int syncfs(int fd);
static inline int gloss_syncfs(int fd) { return syncfs(fd); }
#else
static inline int gloss_syncfs(int fd) { (void)fd; sync(); return 0; }
#endif

/// Whether libgit2 re-hashes every object it reads (on by default). Reading agreement data
/// is mostly that SHA-1; zlib's own checksum still guards what is inflated.
static inline int gloss_git_verify_object_hashes(int enabled) {
  return git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, enabled);
}

/// Objects of `type` up to `size` bytes stay in libgit2's object cache. Trees default to
/// 4 KB, so a folder of a thousand annotation files (~40 KB) was read from the pack and its
/// delta chain resolved again for every path looked up in it.
static inline int gloss_git_set_cache_object_limit(git_object_t type, size_t size) {
  return git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, type, size);
}

/// Packs are mapped `window` bytes at a time, at most `limit` bytes in all: reading a whole
/// large pack keeps only its recent windows resident instead of all of it.
static inline void gloss_git_set_pack_windows(size_t window, size_t limit) {
  git_libgit2_opts(GIT_OPT_SET_MWINDOW_SIZE, window);
  git_libgit2_opts(GIT_OPT_SET_MWINDOW_MAPPED_LIMIT, limit);
}

#ifdef __linux__
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/stat.h>

/// For the network watchdog (libgit2 1.5 has no timeouts): when `fd` is a TCP socket connected
/// to port `port`, returns 1 with its inode, whether it is established, and the milliseconds
/// since data last went either way on it; otherwise 0.
static inline int gloss_tcp_socket_idle(int fd, int port, unsigned long long *inode, int *established,
                                        unsigned int *idle_ms) {
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode)) return 0;
  struct sockaddr_storage peer;
  socklen_t length = sizeof peer;
  if (getpeername(fd, (struct sockaddr *)&peer, &length) != 0) return 0;
  int peer_port = peer.ss_family == AF_INET    ? ntohs(((struct sockaddr_in *)&peer)->sin_port)
                  : peer.ss_family == AF_INET6 ? ntohs(((struct sockaddr_in6 *)&peer)->sin6_port)
                                               : -1;
  if (peer_port != port) return 0;
  struct tcp_info info;
  socklen_t info_length = sizeof info;
  if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &info_length) != 0) return 0;
  *inode = (unsigned long long)st.st_ino;
  *established = info.tcpi_state == TCP_ESTABLISHED;
  *idle_ms = info.tcpi_last_data_recv < info.tcpi_last_data_sent ? info.tcpi_last_data_recv
                                                                  : info.tcpi_last_data_sent;
  return 1;
}
#endif

#endif
