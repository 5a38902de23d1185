import CLibgit2
import Foundation

extension Repository {
  /// Clones `url` into `path` (work tree checked out) through libgit2. Authentication and
  /// trust failures are `RemoteAccessError`s.
  public static func clone(from url: String, to path: String, options remoteOptions: RemoteOptions = .init())
    throws -> Repository
  {
    LibGit2.initialize()
    var options = git_clone_options()
    try check(git_clone_options_init(&options, UInt32(GIT_CLONE_OPTIONS_VERSION)), "clone")
    let callbacks = RemoteCallbacks(url: url, repository: nil, options: remoteOptions)
    callbacks.install(into: &options.fetch_opts.callbacks)
    options.checkout_opts.checkout_strategy = GIT_CHECKOUT_SAFE.rawValue
    var repo: OpaquePointer?
    try callbacks.perform {
      try check(git_clone(&repo, url, path, &options), "clone \(callbacks.display)")
    }
    git_repository_free(repo)
    return try Repository.open(at: path)
  }

  /// `url` as gloss shows it: without a password written in it (`https://ana:secret@host/x` →
  /// `https://ana@host/x`).
  public static func displayURL(_ url: String) -> String { RemoteURL.redacted(url) }

  /// Which transports this libgit2 was built with (`git_libgit2_features`).
  public static var transports: (https: Bool, ssh: Bool) {
    LibGit2.initialize()
    let features = UInt32(bitPattern: git_libgit2_features())
    return (features & GIT_FEATURE_HTTPS.rawValue != 0, features & GIT_FEATURE_SSH.rawValue != 0)
  }

  /// Runs `body` with the remote named `name`, or an anonymous one when `name` is a URL or path.
  private func withRemote<T>(_ name: String, _ body: (OpaquePointer?) throws -> T) throws -> T {
    var remote: OpaquePointer?
    let found = git_remote_lookup(&remote, pointer, name)
    if found == GIT_ENOTFOUND.rawValue || found == GIT_EINVALIDSPEC.rawValue {
      guard name.contains("/") || name.contains(":") else {
        throw GitError(code: .notFound, message: "no remote named '\(name)'", operation: "find remote")
      }
      try check(git_remote_create_anonymous(&remote, pointer, name), "open remote \(name)")
    } else {
      try check(found, "open remote \(name)")
    }
    defer { git_remote_free(remote) }
    return try body(remote)
  }

  /// Whether a remote of that name is configured.
  public func hasRemote(_ name: String) -> Bool {
    var remote: OpaquePointer?
    guard git_remote_lookup(&remote, pointer, name) == 0 else { return false }
    git_remote_free(remote)
    return true
  }

  /// Fetches from `remote` with its configured refspecs (or `refspecs`), updating the
  /// remote-tracking branches and FETCH_HEAD.
  public func fetch(remote: String, refspecs: [String] = [], options remoteOptions: RemoteOptions = .init())
    throws
  {
    try withRemote(remote) { handle in
      var options = git_fetch_options()
      try check(git_fetch_options_init(&options, UInt32(GIT_FETCH_OPTIONS_VERSION)), "fetch")
      let callbacks = RemoteCallbacks(url: url(of: handle, or: remote), repository: pointer, options: remoteOptions)
      callbacks.install(into: &options.callbacks)
      _ = try withStrings(refspecs) { specs in
        try callbacks.perform {
          try check(
            git_remote_fetch(handle, refspecs.isEmpty ? nil : specs, &options, "gloss: fetch"),
            "fetch from \(remote)")
        }
      }
    }
  }

  private func url(of handle: OpaquePointer?, or name: String) -> String {
    git_remote_url(handle).map { String(cString: $0) } ?? name
  }

  /// Pushes `refspec` (`refs/heads/x:refs/heads/x`) to `remote` and returns what the server
  /// printed. Throws `.nonFastForward` when the remote branch has commits this repository does
  /// not, and `PushRefused` when the server (its hooks) refused a reference. A remote on this
  /// machine (a path or `file://`) gets the receiving repository's hooks run as
  /// git-receive-pack would (`pushLocally`).
  @discardableResult
  public func push(remote: String, refspec: String, options remoteOptions: RemoteOptions = .init()) throws
    -> PushReport
  {
    try withRemote(remote) { handle in
      let sides = refspec.split(separator: ":", maxSplits: 1).map(String.init)
      if let url = git_remote_url(handle).map({ String(cString: $0) }), let path = localPath(of: url),
        sides.count == 2
      {
        let report = try pushLocally(to: path, source: sides[0], destination: sides[1])
        try updateTrackingReference(handle, remote: remote, source: sides[0], destination: sides[1])
        return report
      }
      var options = git_push_options()
      try check(git_push_options_init(&options, UInt32(GIT_PUSH_OPTIONS_VERSION)), "push")
      let state = RemoteCallbacks(url: url(of: handle, or: remote), repository: pointer, options: remoteOptions)
      state.install(into: &options.callbacks)
      do {
        _ = try withStrings([refspec]) { specs in
          try state.perform {
            try check(git_remote_push(handle, specs, &options), "push to \(remote)")
          }
        }
      } catch let error as GitError where !state.remoteText.isEmpty {
        // The server hung up after saying why: its words are the useful part.
        throw PushRefused(
          reference: sides.last ?? refspec, reason: error.message, remoteLines: RemoteText.lines(state.remoteText))
      }
      let lines = RemoteText.lines(state.remoteText)
      if let (reference, reason) = state.rejected.first {
        if reason.contains("fast-forward") || reason.contains("fetch first") {
          throw GitError(code: .nonFastForward, message: "\(reference): \(reason)", operation: "push to \(remote)")
        }
        throw PushRefused(reference: reference, reason: reason, remoteLines: lines)
      }
      return PushReport(remoteLines: lines)
    }
  }

  /// After a push to a named remote, moves its remote-tracking branch (`refs/remotes/origin/x`)
  /// as git and libgit2's own push do.
  private func updateTrackingReference(
    _ handle: OpaquePointer?, remote: String, source: String, destination: String
  ) throws {
    guard hasRemote(remote), let commit = try referenceTarget(source) else { return }
    for index in 0..<git_remote_refspec_count(handle) {
      guard let spec = git_remote_get_refspec(handle, index), git_refspec_direction(spec) == GIT_DIRECTION_FETCH,
        git_refspec_src_matches(spec, destination) == 1
      else { continue }
      var buffer = git_buf()
      defer { git_buf_dispose(&buffer) }
      guard git_refspec_transform(&buffer, spec, destination) == 0, let name = buffer.ptr else { continue }
      var raw = commit.raw
      var ref: OpaquePointer?
      try check(
        git_reference_create(&ref, pointer, name, &raw, 1, "gloss: push"), "update \(String(cString: name))")
      git_reference_free(ref)
    }
  }

  private func withStrings<T>(_ strings: [String], _ body: (UnsafeMutablePointer<git_strarray>) throws -> T)
    rethrows -> T
  {
    var array: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
    defer { array.forEach { free($0) } }
    return try array.withUnsafeMutableBufferPointer { buffer in
      var list = git_strarray(strings: buffer.baseAddress, count: buffer.count)
      return try body(&list)
    }
  }
}
