import Foundation
import GitKit

/// How far a clone, fetch or push has got (objects and bytes), for a progress line.
public typealias SyncProgress = TransferProgress

/// What a push did.
public struct PushOutcome: Sendable, Equatable {
  /// The local branch pushed.
  public let branch: String
  /// The remote (a name, or the URL or path given).
  public let remote: String
  /// The branch's name on the remote.
  public let remoteBranch: String
  /// What the server printed (shown as `remote:` lines).
  public let serverLines: [String]
  /// Set when this push made `remote/remoteBranch` the branch's upstream.
  public let upstreamSet: Upstream?
}

extension Project {
  /// Clones a project through libgit2 and registers Gloss's merge driver, which repository
  /// configuration does not carry across a clone.
  /// `interactive`: a missing https credential may be asked for on the terminal (when there
  /// is one); programs that are not the command line (gloss serve) pass false.
  public static func clone(
    from url: String, to path: String?, progress: (@Sendable (SyncProgress) -> Void)? = nil,
    interactive: Bool = true
  ) throws -> (Project, path: String) {
    let target = path ?? cloneFolder(for: url)
    if FileManager.default.fileExists(atPath: target),
      !((try? FileManager.default.contentsOfDirectory(atPath: target))?.isEmpty ?? true)
    {
      throw GlossError.folderNotEmpty(path: target)
    }
    let repository: Repository
    do {
      repository = try Repository.clone(
        from: url, to: target, options: RemoteOptions(progress: progress, mayPrompt: interactive ? nil : false))
    } catch let error as RemoteAccessError {
      try? FileManager.default.removeItem(atPath: target)
      throw GlossError.remoteAccess(remote: displayURL(url), url: error.url, problem: error.message)
    } catch let error as GitError {
      throw GlossError.git(operation: "cannot clone \(displayURL(url))", message: error.message)
    }
    for (key, value) in mergeDriverConfig { try repository.setConfig(key, value) }
    return (Project(repository: repository), target)
  }

  /// A remote URL as gloss shows it: without a password written in it.
  public static func displayURL(_ url: String) -> String { Repository.displayURL(url) }

  /// `host:/srv/study.git` → `study`, as git names the folder.
  public static func cloneFolder(for url: String) -> String {
    var name = url
    while name.hasSuffix("/") { name.removeLast() }
    name = String(name.split(whereSeparator: { $0 == "/" || $0 == ":" }).last ?? "project")
    if name.hasSuffix(".git") { name.removeLast(4) }
    return name.isEmpty ? "project" : name
  }

  /// The short name of the checked-out branch.
  public func currentBranchName() throws -> String {
    guard let branch = try repository.headBranch() else { throw GlossError.detachedHead }
    return branch.hasPrefix("refs/heads/") ? String(branch.dropFirst(11)) : branch
  }

  /// The current branch's upstream (`branch.<name>.remote` and `.merge`), if any.
  public func upstream() throws -> Upstream? {
    try repository.upstream(of: currentBranchName())
  }

  /// The remote to use when none is named: the branch's upstream remote, else `origin`.
  public func defaultRemote(for branch: String) throws -> String {
    if let upstream = repository.upstream(of: branch) { return upstream.remote }
    if repository.hasRemote("origin") { return "origin" }
    throw GlossError.noUpstream(branch: branch)
  }

  /// Fetches a remote's branches into its remote-tracking branches; never prompts.
  public func fetch(remote: String) throws {
    try fetch(remote: remote, progress: nil, interactive: false)
  }

  /// Fetches `remote` (nil: the current branch's upstream remote, else origin). `interactive`
  /// as for `clone`.
  public func fetch(remote: String?, progress: (@Sendable (SyncProgress) -> Void)?, interactive: Bool = true) throws {
    let name = try remote ?? defaultRemote(for: currentBranchName())
    let options = RemoteOptions(progress: progress, mayPrompt: interactive ? nil : false)
    try fetching(name) { try repository.fetch(remote: name, options: options) }
  }

  /// Runs a network operation on `remote`, turning libgit2's failures into GlossErrors.
  func fetching<T>(_ remote: String, _ body: () throws -> T) throws -> T {
    do {
      return try body()
    } catch let error as RemoteAccessError {
      throw GlossError.remoteAccess(remote: Self.displayURL(remote), url: error.url, problem: error.message)
    } catch let error as GitError {
      throw GlossError.git(operation: "fetch from \(Self.displayURL(remote))", message: error.message)
    }
  }

  /// Pushes the branch to the same name on the remote; refuses a non-fast-forward. Returns
  /// the branch and what the server printed (to show as `remote:` lines); a refusal by the
  /// server (its hooks, also for a path remote) is `GlossError.pushRefused`. Never prompts.
  @discardableResult
  public func push(remote: String, branch: String?) throws -> (branch: String, serverLines: [String]) {
    let outcome = try push(remote: remote, branch: branch, progress: nil, interactive: false)
    return (outcome.branch, outcome.serverLines)
  }

  /// Pushes `branch` (default: the current one) to `remote` (default: its upstream's remote,
  /// else origin): to its upstream branch when pushing there, else to the same name. A branch
  /// without an upstream gets this one (named remotes only), as `git push -u` does.
  /// `interactive` as for `clone`.
  public func push(
    remote: String?, branch: String?, progress: (@Sendable (SyncProgress) -> Void)?, interactive: Bool = true
  ) throws -> PushOutcome {
    let name = try branch ?? currentBranchName()
    guard try repository.referenceTarget("refs/heads/\(name)") != nil else {
      throw GlossError.invalidArgument(argument: name, message: "no local branch '\(name)'")
    }
    let upstream = repository.upstream(of: name)
    let target = try remote ?? defaultRemote(for: name)
    let remoteBranch = upstream.flatMap { $0.remote == target ? $0.branch : nil } ?? name
    let report: PushReport
    let shown = Self.displayURL(target)
    do {
      report = try repository.push(
        remote: target, refspec: "refs/heads/\(name):refs/heads/\(remoteBranch)",
        options: RemoteOptions(progress: progress, mayPrompt: interactive ? nil : false))
    } catch let refused as PushRefused {
      throw GlossError.pushRefused(
        remote: shown, reference: refused.reference, reason: refused.reason, serverLines: refused.remoteLines)
    } catch let error as RemoteAccessError {
      throw GlossError.remoteAccess(remote: shown, url: error.url, problem: error.message)
    } catch let error as GitError {
      if error.code == .nonFastForward || error.message.contains("not present locally")
        || error.message.contains("fast-forward")
      {
        throw GlossError.pushNotFastForward(remote: shown, branch: remoteBranch)
      }
      throw GlossError.git(operation: "push to \(shown)", message: error.message)
    }
    var upstreamSet: Upstream?
    if upstream == nil, repository.hasRemote(target) {
      let new = Upstream(remote: target, branch: remoteBranch)
      try repository.setUpstream(of: name, to: new)
      upstreamSet = new
    }
    return PushOutcome(
      branch: name, remote: shown, remoteBranch: remoteBranch, serverLines: report.remoteLines,
      upstreamSet: upstreamSet)
  }
}

extension Session {
  /// Fetches, then merges the remote's branch with the annotation-aware merge; never prompts.
  public func pull(remote: String, branch: String?, choices: MergeChoices = .init())
    throws -> MergeReport
  {
    try pull(remote: Optional(remote), branch: branch, choices: choices, progress: nil, interactive: false).report
  }

  /// Fetches `remote` (nil: the upstream's remote, else origin), then merges `branch` there
  /// (nil: the upstream branch when pulling from the upstream's remote, else the current
  /// branch's name). Returns the report and what was merged (`origin/main`). `interactive` as
  /// for `Project.clone`.
  public func pull(
    remote: String?, branch: String?, choices: MergeChoices = .init(),
    progress: (@Sendable (SyncProgress) -> Void)?, interactive: Bool = true
  ) throws -> (report: MergeReport, merged: Upstream) {
    let local = try project.currentBranchName()
    let upstream = repository.upstream(of: local)
    let name = try remote ?? project.defaultRemote(for: local)
    guard repository.hasRemote(name) else {
      throw GlossError.invalidArgument(
        argument: name, message: "no such remote; add one with 'git remote add \(name) URL'")
    }
    let remoteBranch = branch ?? upstream.flatMap { $0.remote == name ? $0.branch : nil } ?? local
    try project.fetch(remote: name, progress: progress, interactive: interactive)
    let merged = Upstream(remote: name, branch: remoteBranch)
    guard try repository.referenceTarget(merged.trackingReference) != nil else {
      throw GlossError.invalidArgument(argument: remoteBranch, message: "\(name) has no branch '\(remoteBranch)'")
    }
    let report = try merge(merged.trackingReference, label: "\(name)/\(remoteBranch)", choices: choices)
    return (report, merged)
  }
}
