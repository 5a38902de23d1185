import CLibgit2
import Foundation

/// A push the receiving repository refused, in the server's own words.
public struct PushRefused: Error, Sendable, Equatable {
  /// The remote reference that was not updated (`refs/heads/main`).
  public let reference: String
  /// Why, as the server said it (`pre-receive hook declined`).
  public let reason: String
  /// What the server printed (its hooks' output), one line each, without `remote: `.
  public let remoteLines: [String]
}

/// What the receiving side printed during a push that went through.
public struct PushReport: Sendable, Equatable {
  public let remoteLines: [String]
}

/// Pushing into a repository on this machine the way `git-receive-pack` does. libgit2's local
/// transport writes the objects and moves the ref itself, so the receiving repository's hooks
/// would never run: a coder could get around the server's checks with a path remote. Here the
/// objects go to a quarantine folder first, `pre-receive` and `update` run with that folder
/// visible (as GIT_OBJECT_DIRECTORY, with the repository's objects as an alternate), and only
/// when they accept are the objects moved in and the ref moved (compare-and-swap).
extension Repository {
  /// The folder of a `file://` URL or a path naming an existing folder; nil for a network URL.
  /// A relative path starts at the top of the work tree (the git folder when bare), as in git.
  func localPath(of url: String) -> String? {
    if url.hasPrefix("file://") {
      let rest = String(url.dropFirst("file://".count))
      return rest.removingPercentEncoding ?? rest
    }
    guard !url.contains("://") else { return nil }
    let path = url.hasPrefix("/") ? url : (workdir ?? gitDirectory) + url
    var isFolder: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue else {
      return nil
    }
    return path
  }

  /// Pushes local `source` to `destination` in the repository at `path`, refusing a
  /// non-fast-forward and running the receiving repository's hooks as receive-pack does.
  func pushLocally(to path: String, source: String, destination: String) throws -> PushReport {
    guard let new = try referenceTarget(source) else {
      throw GitError(code: .notFound, message: "no reference \(source)", operation: "push")
    }
    let target = try Repository.open(at: path)
    let old = try target.referenceTarget(destination)
    if old == new { return PushReport(remoteLines: []) }
    if let old, try !hasObject(old) || !isAncestor(old, of: new) {
      throw GitError(
        code: .nonFastForward, message: "\(destination): non-fast-forward (fetch first)", operation: "push")
    }
    if !target.isBare, try target.headBranch() == destination,
      !["ignore", "warn", "false"].contains(target.config("receive.denyCurrentBranch") ?? "refuse")
    {
      throw PushRefused(reference: destination, reason: "branch is currently checked out", remoteLines: [])
    }
    let objects = target.gitDirectory + "objects"
    let quarantine = try makeQuarantine(in: objects)
    defer { try? FileManager.default.removeItem(atPath: quarantine) }
    try writePack(from: new, missingFrom: target, into: quarantine + "/pack")

    let hooks = HookRunner(repository: target)
    let zero = String(repeating: "0", count: 40)
    let oldHex = old?.hex ?? zero
    var lines: [String] = []
    let quarantined = [
      "GIT_OBJECT_DIRECTORY": quarantine, "GIT_ALTERNATE_OBJECT_DIRECTORIES": objects,
      "GIT_QUARANTINE_PATH": quarantine,
    ]
    if let run = try hooks.run(
      "pre-receive", stdin: "\(oldHex) \(new.hex) \(destination)\n", environment: quarantined)
    {
      lines += run.lines
      guard run.accepted else {
        throw PushRefused(reference: destination, reason: "pre-receive hook declined", remoteLines: lines)
      }
    }
    if let run = try hooks.run("update", arguments: [destination, oldHex, new.hex], environment: quarantined) {
      lines += run.lines
      guard run.accepted else {
        throw PushRefused(reference: destination, reason: "hook declined", remoteLines: lines)
      }
    }
    try migrate(quarantine, into: objects)
    // Reopen so the new pack is certainly seen before the ref is checked against it.
    let receiver = try Repository.open(at: path)
    do {
      try receiver.compareAndSwap(
        reference: destination, expected: old, new: new, logMessage: "push")
    } catch let error as GitError where error.code == .modified || error.code == .exists {
      throw PushRefused(
        reference: destination, reason: "failed to update ref (it moved during the push)", remoteLines: lines)
    }
    if let run = try hooks.run("post-receive", stdin: "\(oldHex) \(new.hex) \(destination)\n") {
      lines += run.lines
    }
    if let run = try hooks.run("post-update", arguments: [destination]) { lines += run.lines }
    return PushReport(remoteLines: lines)
  }

  func hasObject(_ id: Oid) throws -> Bool {
    var odb: OpaquePointer?
    try check(git_repository_odb(&odb, pointer), "open object database")
    defer { git_odb_free(odb) }
    var raw = id.raw
    return git_odb_exists(odb, &raw) == 1
  }

  /// `objects/tmp_objdir-incoming-XXXXXX`, as receive-pack names its quarantine.
  private func makeQuarantine(in objects: String) throws -> String {
    var template = Array((objects + "/tmp_objdir-incoming-XXXXXX").utf8CString)
    guard let made = mkdtemp(&template) else {
      throw GitError(code: .other(-1), message: String(cString: strerror(errno)), operation: "create quarantine")
    }
    let folder = String(cString: made)
    try FileManager.default.createDirectory(atPath: folder + "/pack", withIntermediateDirectories: true)
    return folder
  }

  /// Writes one pack of the commits reachable from `tip` that `target` does not have (with
  /// their trees and blobs) into `folder`.
  private func writePack(from tip: Oid, missingFrom target: Repository, into folder: String) throws {
    var walk: OpaquePointer?
    try check(git_revwalk_new(&walk, pointer), "walk history")
    defer { git_revwalk_free(walk) }
    var tipRaw = tip.raw
    try check(git_revwalk_push(walk, &tipRaw), "walk history")
    for have in try target.referencedCommits() where try hasObject(have) {
      var raw = have.raw
      _ = git_revwalk_hide(walk, &raw)
    }
    var builder: OpaquePointer?
    try check(git_packbuilder_new(&builder, pointer), "pack objects")
    defer { git_packbuilder_free(builder) }
    try check(git_packbuilder_insert_walk(builder, walk), "pack objects")
    guard git_packbuilder_object_count(builder) > 0 else { return }
    try check(git_packbuilder_write(builder, folder, 0, nil, nil), "write pack")
  }

  /// The commits every reference points at (tags peeled); references to other objects are skipped.
  func referencedCommits() throws -> [Oid] {
    var iterator: OpaquePointer?
    try check(git_reference_iterator_new(&iterator, pointer), "list references")
    defer { git_reference_iterator_free(iterator) }
    var commits: [Oid] = []
    var ref: OpaquePointer?
    while git_reference_next(&ref, iterator) == 0 {
      defer { git_reference_free(ref) }
      var object: OpaquePointer?
      guard git_reference_peel(&object, ref, GIT_OBJECT_COMMIT) == 0 else { continue }
      if let id = git_object_id(object) { commits.append(Oid(id.pointee)) }
      git_object_free(object)
    }
    return commits
  }

  /// Moves the quarantine's files into the object folder, each pack before its index (as git
  /// does), so a reader never sees an index without its pack.
  private func migrate(_ quarantine: String, into objects: String) throws {
    let manager = FileManager.default
    guard let walker = manager.enumerator(atPath: quarantine) else { return }
    var files: [String] = []
    while let item = walker.nextObject() as? String {
      var isFolder: ObjCBool = false
      if manager.fileExists(atPath: quarantine + "/" + item, isDirectory: &isFolder), !isFolder.boolValue {
        files.append(item)
      }
    }
    for file in files.sorted(by: { ($0.hasSuffix(".idx") ? 1 : 0, $0) < ($1.hasSuffix(".idx") ? 1 : 0, $1) }) {
      let destination = objects + "/" + file
      if manager.fileExists(atPath: destination) { continue }
      try manager.createDirectory(
        atPath: (destination as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
      try manager.moveItem(atPath: quarantine + "/" + file, toPath: destination)
    }
  }
}

extension Repository {
  /// Where git looks for this repository's hooks: `core.hooksPath` (`~/` expanded) or the
  /// git folder's `hooks`. A relative hooksPath starts where the hooks run: the git folder
  /// for git-receive-pack's hooks (`receiving`), else the top of the work tree.
  public func hooksFolder(receiving: Bool) -> String {
    var git = gitDirectory
    while git.count > 1 && git.hasSuffix("/") { git.removeLast() }
    guard let configured = config("core.hooksPath"), !configured.isEmpty else { return git + "/hooks" }
    if configured.hasPrefix("/") { return configured }
    if configured.hasPrefix("~/") {
      return FileManager.default.homeDirectoryForCurrentUser.path + configured.dropFirst(1)
    }
    let base = receiving ? git + "/" : (workdir ?? git + "/")
    return base + configured
  }
}

/// Runs a repository's hooks as git does: from `core.hooksPath` or `hooks/`, only when the
/// file is executable, in the git folder, with GIT_DIR set and output (stdout and stderr)
/// collected for the `remote:` lines.
struct HookRunner {
  let folder: String
  let gitDirectory: String

  init(repository: Repository) {
    var gitDirectory = repository.gitDirectory
    while gitDirectory.count > 1 && gitDirectory.hasSuffix("/") { gitDirectory.removeLast() }
    self.gitDirectory = gitDirectory
    folder = repository.hooksFolder(receiving: true)
  }

  struct Outcome {
    let accepted: Bool
    let lines: [String]
  }

  /// Runs hook `name`; nil when the repository has no executable hook of that name.
  func run(
    _ name: String, arguments: [String] = [], stdin: String = "", environment extra: [String: String] = [:]
  ) throws -> Outcome? {
    let path = folder + "/" + name
    guard FileManager.default.isExecutableFile(atPath: path) else { return nil }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    process.currentDirectoryURL = URL(fileURLWithPath: gitDirectory)
    var environment = ProcessInfo.processInfo.environment
    // The pushing side's repository variables must not leak into the receiving side's hook.
    for key in [
      "GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_ALTERNATE_OBJECT_DIRECTORIES",
      "GIT_QUARANTINE_PATH", "GIT_PREFIX", "GIT_COMMON_DIR", "GIT_NAMESPACE",
    ] {
      environment[key] = nil
    }
    environment["GIT_DIR"] = gitDirectory
    environment.merge(extra) { $1 }
    process.environment = environment
    // Input from a file, not a pipe: a hook that exits without reading cannot raise SIGPIPE here.
    let input = FileManager.default.temporaryDirectory.appendingPathComponent("gloss-hook-\(UUID().uuidString)")
    try Data(stdin.utf8).write(to: input)
    defer { try? FileManager.default.removeItem(at: input) }
    process.standardInput = try FileHandle(forReadingFrom: input)
    let output = Pipe()
    process.standardOutput = output
    process.standardError = output
    do {
      try process.run()
    } catch {
      throw GitError(code: .other(-1), message: "\(path): \(error.localizedDescription)", operation: "run hook")
    }
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return Outcome(accepted: process.terminationStatus == 0, lines: RemoteText.lines(data))
  }
}

/// Server text split into lines as git prints it after `remote: `.
enum RemoteText {
  static func lines(_ data: Data) -> [String] {
    String(decoding: data, as: UTF8.self)
      .split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r" || $0 == "\r\n" })
      .map { String($0.reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed()) }
      .filter { !$0.isEmpty }
  }
}
