import Foundation
import GitKit

/// One reference a push wants to change, as git hands it to the pre-receive and update
/// hooks. nil stands for git's all-zero id: a created (old) or deleted (new) reference.
public struct RefUpdate: Sendable, Equatable {
  let old: Oid?
  let new: Oid?
  public let ref: String

  init(old: Oid?, new: Oid?, ref: String) {
    self.old = old
    self.new = new
    self.ref = ref
  }

  /// Parses pre-receive's input, one `OLD NEW REF` line per reference (blank lines skipped);
  /// any other line is refused with its number.
  public static func parse(lines: [String], source: String = "<stdin>") throws -> [RefUpdate] {
    var updates: [RefUpdate] = []
    for (index, line) in lines.enumerated() where !line.trimmingCharacters(in: .whitespaces).isEmpty {
      guard let update = RefUpdate(line: Substring(line)) else {
        throw GlossError.invalidInput(file: source, line: index + 1, message: "expected 'OLD NEW REF', got: \(line)")
      }
      updates.append(update)
    }
    return updates
  }

  /// Parses one `OLD NEW REF` line of pre-receive's input; nil for anything else.
  public init?(line: Substring) {
    let parts = line.split(separator: " ", omittingEmptySubsequences: true)
    guard parts.count == 3, let old = Oid(hex: String(parts[0])), let new = Oid(hex: String(parts[1])) else {
      return nil
    }
    self.init(old: old.isZero ? nil : old, new: new.isZero ? nil : new, ref: String(parts[2]))
  }
}

extension Project {
  /// The server's check of a push (DESIGN §6), for the pre-receive and update hooks. Every
  /// reference is checked, whatever its name (branches, tags, notes, refs/for/...):
  /// - deleting a reference, or moving it to a commit that does not contain its old one
  ///   (a force-push), is refused unless a lead set `git config gloss.allowRewrite true`;
  /// - only commits new to this repository are validated (`--not --all`), so an old commit
  ///   already here never blocks a new branch; commits checked for an earlier reference of
  ///   the same push count as known;
  /// - rules come from history already here, never from the pushed commits: the branch at
  ///   HEAD holds the rules in force (the reference's old tip when HEAD is unborn). A commit
  ///   built on that tip is judged by its first parent's gloss.yaml, so a lead's change
  ///   applies to the commits after it; a root commit, or one built on older history
  ///   (whose rules may since have been revoked), by the tip's. Only an empty repository
  ///   takes its rules from the push: the root of the push to HEAD's branch (or of the
  ///   first reference) defines them;
  /// - the tip of each reference, when new, is validated whole, like `gloss validate`.
  public func checkPush(_ updates: [RefUpdate]) throws -> [Finding] {
    let allowRewrite = ["true", "yes", "on", "1"].contains(repository.config("gloss.allowRewrite")?.lowercased() ?? "")
    let rewriteHint = "a lead allows this on the server with 'git config gloss.allowRewrite true'"
    let validator = Validator()
    let existing = try repository.references()
    let headBranch = try repository.headBranch()
    let headTip = try headBranch.flatMap { try repository.referenceTarget($0) }.flatMap(repository.peelToCommit)
    var anchor: Oid?
    if existing.isEmpty {
      let first = updates.first { $0.ref == headBranch && $0.new != nil } ?? updates.first { $0.new != nil }
      anchor = try first?.new.flatMap(repository.peelToCommit).map(firstParentRoot)
    }
    var checked: Set<Oid> = []
    var findings: [Finding] = []
    for update in updates {
      guard let newObject = update.new else {
        if !allowRewrite {
          findings.append(
            Finding(
              .error, update.ref, "deleting \(update.ref) is refused; \(rewriteHint)", commit: update.old?.hex))
        }
        continue
      }
      guard let new = try repository.peelToCommit(newObject) else {
        findings.append(Finding(.error, update.ref, "points at something that is not a commit", commit: newObject.hex))
        continue
      }
      let old = try update.old.flatMap(repository.peelToCommit)
      if let old, !allowRewrite, try !repository.isAncestor(old, of: new) {
        findings.append(
          Finding(
            .error, update.ref,
            "not a fast-forward: the push rewinds or rewrites \(update.ref), dropping \(old.short); \(rewriteHint)",
            commit: new.hex))
      }
      let commits = try newCommits(from: new, hiding: Array(checked), references: ["refs/*"])
      var history = HistoryCheck(
        repository: repository, validator: validator, authority: headTip ?? old, anchor: anchor)
      findings += try history.check(commits, tips: [new])
      if commits.contains(new) {
        let files = try ProjectFiles.tree(try repository.commit(new).tree, in: repository, label: update.ref)
        findings += validator.validate(files).map {
          Finding($0.severity, $0.path, line: $0.line, $0.message, commit: new.hex)
        }
      }
      checked.formUnion(commits)
    }
    return findings
  }
}
