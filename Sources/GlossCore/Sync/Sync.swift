import Foundation
import GitKit

extension Project {
  /// Clones a project through libgit2 and registers Gloss's merge driver, which repository
  /// configuration does not carry across a clone.
  public static func clone(from url: String, to path: String?) throws -> (Project, path: String) {
    let target = path ?? cloneFolder(for: url)
    if FileManager.default.fileExists(atPath: target),
      !((try? FileManager.default.contentsOfDirectory(atPath: target))?.isEmpty ?? true)
    {
      throw GlossError.folderNotEmpty(path: target)
    }
    let repository: Repository
    do {
      repository = try Repository.clone(from: url, to: target)
    } catch let error as GitError {
      throw GlossError.git(operation: "cannot clone \(url)", message: error.message)
    }
    for (key, value) in mergeDriverConfig { try repository.setConfig(key, value) }
    return (Project(repository: repository), target)
  }

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

  /// Fetches a remote's branches into its remote-tracking branches.
  public func fetch(remote: String) throws {
    do {
      try repository.fetch(remote: remote)
    } catch let error as GitError {
      throw GlossError.git(operation: "fetch from \(remote)", message: error.message)
    }
  }

  /// Pushes the branch to the same name on the remote; refuses a non-fast-forward. Returns
  /// the branch and what the server printed (to show as `remote:` lines); a refusal by the
  /// server (its hooks, also for a path remote) is `GlossError.pushRefused`.
  @discardableResult
  public func push(remote: String, branch: String?) throws -> (branch: String, serverLines: [String]) {
    let name = try branch ?? currentBranchName()
    guard try repository.referenceTarget("refs/heads/\(name)") != nil else {
      throw GlossError.invalidArgument(argument: name, message: "no local branch '\(name)'")
    }
    do {
      let report = try repository.push(remote: remote, refspec: "refs/heads/\(name):refs/heads/\(name)")
      return (name, report.remoteLines)
    } catch let refused as PushRefused {
      throw GlossError.pushRefused(
        remote: remote, reference: refused.reference, reason: refused.reason, serverLines: refused.remoteLines)
    } catch let error as GitError {
      if error.code == .nonFastForward || error.message.contains("not present locally")
        || error.message.contains("fast-forward")
      {
        throw GlossError.pushNotFastForward(remote: remote, branch: name)
      }
      throw GlossError.git(operation: "push to \(remote)", message: error.message)
    }
  }
}

extension Session {
  /// Fetches, then merges the remote's branch with the annotation-aware merge.
  public func pull(remote: String, branch: String?, choices: MergeChoices = .init())
    throws -> MergeReport
  {
    guard repository.hasRemote(remote) else {
      throw GlossError.invalidArgument(
        argument: remote, message: "no such remote; add one with 'git remote add \(remote) URL'")
    }
    let name = try branch ?? project.currentBranchName()
    try project.fetch(remote: remote)
    let tracking = "refs/remotes/\(remote)/\(name)"
    guard try repository.referenceTarget(tracking) != nil else {
      throw GlossError.invalidArgument(argument: name, message: "\(remote) has no branch '\(name)'")
    }
    return try merge(tracking, label: "\(remote)/\(name)", choices: choices)
  }
}
