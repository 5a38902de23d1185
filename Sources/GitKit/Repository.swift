import CLibgit2
import Foundation

/// An open git repository. All repository access in Gloss goes through this type.
public final class Repository {
  let pointer: OpaquePointer
  /// Opened from GIT_DIR and the object directories in the environment (inside a hook).
  private var fromEnvironment = false

  private init(pointer: OpaquePointer) {
    self.pointer = pointer
  }

  deinit { git_repository_free(pointer) }

  /// Opens the repository containing `path`, searching parent folders as git does.
  public static func discover(at path: String) throws -> Repository {
    LibGit2.initialize()
    var repo: OpaquePointer?
    // Inside a git hook, GIT_DIR and the quarantine's object directories come from the
    // environment; libgit2 honours them only when asked to.
    if getenv("GIT_DIR") != nil && getenv("GIT_OBJECT_DIRECTORY") != nil,
      let repository = try openFromEnvironment()
    {
      return repository
    }
    try check(git_repository_open_ext(&repo, path, 0, nil), "open repository at \(path)")
    guard let repo else {
      throw GitError(code: .notFound, message: "", operation: "open repository at \(path)")
    }
    return Repository(pointer: repo)
  }

  /// Opens exactly the repository at `path` (a work tree or a bare repository).
  public static func open(at path: String) throws -> Repository {
    LibGit2.initialize()
    var repo: OpaquePointer?
    let flags = GIT_REPOSITORY_OPEN_NO_SEARCH.rawValue
    try check(git_repository_open_ext(&repo, path, flags, nil), "open repository at \(path)")
    guard let repo else {
      throw GitError(code: .notFound, message: "", operation: "open repository at \(path)")
    }
    return Repository(pointer: repo)
  }

  /// A second handle on this repository, opened the way this one was, for another thread:
  /// a libgit2 handle is never shared between threads.
  public func reopened() throws -> Repository {
    if fromEnvironment, let repository = try Self.openFromEnvironment() { return repository }
    return try Self.open(at: gitDirectory)
  }

  /// The repository GIT_DIR and its companions name (as inside a hook).
  private static func openFromEnvironment() throws -> Repository? {
    var repo: OpaquePointer?
    let flags = GIT_REPOSITORY_OPEN_FROM_ENV.rawValue
    try check(git_repository_open_ext(&repo, nil, flags, nil), "open repository from GIT_DIR")
    guard let repo else { return nil }
    let repository = Repository(pointer: repo)
    repository.fromEnvironment = true
    return repository
  }

  /// Creates a new repository whose unborn HEAD points at `initialBranch`.
  public static func create(
    at path: String, bare: Bool = false, initialBranch: String = "main"
  ) throws -> Repository {
    LibGit2.initialize()
    var options = git_repository_init_options()
    try check(
      git_repository_init_options_init(&options, UInt32(GIT_REPOSITORY_INIT_OPTIONS_VERSION)),
      "initialise repository options")
    options.flags = GIT_REPOSITORY_INIT_MKPATH.rawValue | GIT_REPOSITORY_INIT_NO_REINIT.rawValue
    if bare { options.flags |= GIT_REPOSITORY_INIT_BARE.rawValue }
    var repo: OpaquePointer?
    try initialBranch.withCString { head in
      options.initial_head = head
      try check(git_repository_init_ext(&repo, path, &options), "create repository at \(path)")
    }
    guard let repo else {
      throw GitError(code: .notFound, message: "", operation: "create repository at \(path)")
    }
    return Repository(pointer: repo)
  }

  public var isBare: Bool { git_repository_is_bare(pointer) == 1 }

  /// The work tree folder with a trailing slash, nil for a bare repository.
  public var workdir: String? {
    guard let dir = git_repository_workdir(pointer) else { return nil }
    return String(cString: dir)
  }

  /// The `.git` folder (or the bare repository itself), with a trailing slash.
  public var gitDirectory: String { String(cString: git_repository_path(pointer)) }

  // MARK: References

  /// The full name of the branch HEAD points at (`refs/heads/main`), even when unborn;
  /// nil when HEAD is detached.
  public func headBranch() throws -> String? {
    var ref: OpaquePointer?
    try check(git_reference_lookup(&ref, pointer, "HEAD"), "read HEAD")
    defer { git_reference_free(ref) }
    guard git_reference_type(ref) == GIT_REFERENCE_SYMBOLIC,
      let target = git_reference_symbolic_target(ref)
    else { return nil }
    return String(cString: target)
  }

  /// The commit a reference points at, nil when it does not exist (an unborn branch).
  public func referenceTarget(_ name: String) throws -> Oid? {
    var oid = git_oid()
    let result = git_reference_name_to_id(&oid, pointer, name)
    if result == GIT_ENOTFOUND.rawValue { return nil }
    try check(result, "read reference \(name)")
    return Oid(oid)
  }

  /// The commit HEAD resolves to, nil on an unborn branch.
  public func headCommit() throws -> Oid? { try referenceTarget("HEAD") }

  /// Resolves a revision expression (`main`, `HEAD~2`, an id) to a commit id.
  public func resolveCommit(_ revision: String) throws -> Oid {
    var object: OpaquePointer?
    try check(git_revparse_single(&object, pointer, revision), "resolve revision \(revision)")
    defer { git_object_free(object) }
    var commit: OpaquePointer?
    try check(git_object_peel(&commit, object, GIT_OBJECT_COMMIT), "resolve revision \(revision)")
    defer { git_object_free(commit) }
    guard let id = git_object_id(commit) else {
      throw GitError(code: .notFound, message: "", operation: "resolve revision \(revision)")
    }
    return Oid(id.pointee)
  }

  /// Names of local branches (`refs/heads/...` without the prefix).
  public func localBranches() throws -> [String] {
    var iterator: OpaquePointer?
    try check(git_branch_iterator_new(&iterator, pointer, GIT_BRANCH_LOCAL), "list branches")
    defer { git_branch_iterator_free(iterator) }
    var names: [String] = []
    var ref: OpaquePointer?
    var type = GIT_BRANCH_LOCAL
    while git_branch_next(&ref, &type, iterator) == 0 {
      if let name = git_reference_shorthand(ref) { names.append(String(cString: name)) }
      git_reference_free(ref)
    }
    return names.sorted()
  }

  /// Creates or moves branch `name` to `commit` (for tests and tooling).
  public func setBranch(_ name: String, to commit: Oid, force: Bool = false) throws {
    var raw = commit.raw
    var ref: OpaquePointer?
    try check(
      git_reference_create(&ref, pointer, "refs/heads/\(name)", &raw, force ? 1 : 0, "gloss: branch"),
      "create branch \(name)")
    git_reference_free(ref)
  }

  /// Points HEAD at `refs/heads/<name>` without touching the work tree.
  public func setHead(branch name: String) throws {
    try check(git_repository_set_head(pointer, "refs/heads/\(name)"), "set HEAD to \(name)")
  }

  /// Moves `reference` from `expected` to `new` atomically: fails with `.modified`
  /// (or `.exists` when `expected` is nil and the ref appeared) if someone else moved it.
  public func compareAndSwap(
    reference: String, expected: Oid?, new: Oid, logMessage: String
  ) throws {
    var newRaw = new.raw
    var ref: OpaquePointer?
    if var old = expected?.raw {
      try check(
        git_reference_create_matching(&ref, pointer, reference, &newRaw, 1, &old, logMessage),
        "update \(reference)")
    } else {
      try check(
        git_reference_create(&ref, pointer, reference, &newRaw, 0, logMessage),
        "create \(reference)")
    }
    git_reference_free(ref)
  }

  // MARK: Configuration

  /// A configuration value as git would see it in this repository (all levels).
  public func config(_ key: String) -> String? {
    var config: OpaquePointer?
    guard git_repository_config_snapshot(&config, pointer) == 0 else { return nil }
    defer { git_config_free(config) }
    return Repository.string(key, in: config)
  }

  /// One string value of a configuration snapshot; nil when unset or unreadable.
  private static func string(_ key: String, in snapshot: OpaquePointer?) -> String? {
    var buffer = git_buf()
    defer { git_buf_dispose(&buffer) }
    guard git_config_get_string_buf(&buffer, snapshot, key) == 0, let text = buffer.ptr else {
      return nil
    }
    return String(cString: text)
  }

  /// Writes a value to this repository's own configuration file.
  public func setConfig(_ key: String, _ value: String) throws {
    var config: OpaquePointer?
    try check(git_repository_config(&config, pointer), "open configuration")
    defer { git_config_free(config) }
    var local: OpaquePointer?
    try check(
      git_config_open_level(&local, config, GIT_CONFIG_LEVEL_LOCAL), "open local configuration")
    defer { git_config_free(local) }
    try check(git_config_set_string(local, key, value), "set \(key)")
  }

  /// The identity git would use for a commit, or a fallback when none is configured.
  public func defaultSignature(fallbackName: String, fallbackEmail: String) -> Signature {
    var signature: UnsafeMutablePointer<git_signature>?
    if git_signature_default(&signature, pointer) == 0, let signature {
      defer { git_signature_free(signature) }
      return Signature(signature.pointee)
    }
    return Signature(name: fallbackName, email: fallbackEmail, time: Date())
  }
}

extension Repository {
  /// A value from the user's and system's git configuration, outside any repository.
  public static func globalConfig(_ key: String) -> String? {
    LibGit2.initialize()
    var config: OpaquePointer?
    guard git_config_open_default(&config) == 0 else { return nil }
    defer { git_config_free(config) }
    var snapshot: OpaquePointer?
    guard git_config_snapshot(&snapshot, config) == 0 else { return nil }
    defer { git_config_free(snapshot) }
    return string(key, in: snapshot)
  }
}
