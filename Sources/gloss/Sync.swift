import ArgumentParser
import Foundation
import GlossCore

struct Clone: PlainCommand {
  static let configuration = CommandConfiguration(
    commandName: "clone",
    abstract: "Clone a project and register Gloss's merge driver.",
    discussion: """
      URL may be a local path, file://, git://, https:// or ssh:// (user@host:path too). \
      ssh uses keys from ssh-agent and ~/.ssh/id_* and checks the host key against \
      ~/.ssh/known_hosts; https takes credentials from GLOSS_TOKEN (or GITHUB_TOKEN, \
      GITLAB_TOKEN), GLOSS_GIT_USERNAME and GLOSS_GIT_PASSWORD, git's credential helpers \
      (credential.helper), or asks once on a terminal (also for an ssh key's passphrase). \
      Progress shows on a terminal. A server that sends nothing for 60 s is given up on \
      (GLOSS_REMOTE_TIMEOUT=SECONDS, 0 never). See docs/team.md.

      Examples:
        gloss clone /srv/git/study.git
        gloss clone ssh://git@example.org/team/study.git study-ana
      """)

  @OptionGroup var globals: GlobalOptions
  @Argument(help: "Where to clone from.") var url: String
  @Argument(help: "The new folder (default: the URL's last part).") var directory: String?

  func run() throws {
    let base = globals.directory ?? FileManager.default.currentDirectoryPath
    let target = directory.map { $0.hasPrefix("/") ? $0 : base + "/" + $0 }
    let (_, path) = try TransferLine.showing {
      try Project.clone(from: url, to: target ?? base + "/" + Project.cloneFolder(for: url), progress: $0)
    }
    Output.print("cloned \(Project.displayURL(url)) into \(path)")
  }
}

struct Fetch: ProjectCommand {
  static let configuration = CommandConfiguration(
    commandName: "fetch",
    abstract: "Fetch a remote's branches (default: the upstream's remote, else origin).",
    discussion: """
      Examples:
        gloss fetch
        gloss fetch origin main
        gloss fetch /srv/study.git
      """)

  @OptionGroup var globals: GlobalOptions
  @Argument(help: "Remote name or URL (default: the upstream's remote, else origin).") var remote: String?

  func run(_ project: Project) throws {
    let name = try remote ?? project.defaultRemote(for: project.currentBranchName())
    try TransferLine.showing { try project.fetch(remote: name, progress: $0) }
    Output.print("fetched \(Project.displayURL(name))")
  }
}

struct Pull: GlossCommand {
  static let configuration = CommandConfiguration(
    commandName: "pull",
    abstract: "Fetch and merge a remote branch, annotation by annotation.",
    discussion: """
      The same merge as 'gloss merge REMOTE/BRANCH', with the same --ours, --theirs and \
      --prefer for conflicts. Without arguments, the current branch's upstream (set by \
      'gloss push'), else the same branch on origin.

      Examples:
        gloss pull
        gloss pull origin main --prefer theirs
      """)

  static let formats: Set<OutputFormat> = [.table, .json]
  @OptionGroup var globals: GlobalOptions
  @Argument(help: "Remote name (default: the upstream's remote, else origin).") var remote: String?
  @Argument(help: "Remote branch (default: the upstream branch, else the current branch's name).")
  var branch: String?
  @OptionGroup(title: "Conflicts") var settle: MergeChoiceOptions

  func run(_ session: Session) throws {
    let project = session.project
    let coder = session.coder
    let (full, merged) = try TransferLine.showing {
      try session.pull(remote: remote, branch: branch, choices: settle.choices, progress: $0)
    }
    let report = full.visible(to: try project.policy(explicit: coder))
    let label = "\(merged.remote)/\(merged.branch)"
    Output.print(
      Merge.render(
        report, label: label, rerun: "gloss pull \(merged.remote) \(merged.branch)", format: globals.format))
    if report.outcome == .conflicts {
      throw GlossError.mergeConflicts(count: report.conflicts.count, merging: label)
    }
  }
}

struct Push: ProjectCommand {
  static let configuration = CommandConfiguration(
    commandName: "push",
    abstract: "Push the current branch (or BRANCH) to a remote; refuses a non-fast-forward.",
    discussion: """
      Without a remote, the branch's upstream, else origin. The first push of a branch to a \
      named remote makes it the branch's upstream (as 'git push -u'), which 'gloss pull', \
      'gloss push' and 'gloss status' then use.

      A push the remote cannot fast-forward is refused with a message to pull first; a \
      server with 'gloss hooks install --server' also validates what is pushed. To a path \
      or file:// remote, gloss runs that repository's pre-receive and update hooks itself, \
      as git-receive-pack would. What the server's hooks print is shown as 'remote:' lines.

      Examples:
        gloss push
        gloss push origin ana
      """)

  @OptionGroup var globals: GlobalOptions
  @Argument(help: "Remote name or URL (default: the upstream's remote, else origin).") var remote: String?
  @Argument(help: "Branch (default: the current one).") var branch: String?

  func run(_ project: Project) throws {
    do {
      let outcome = try TransferLine.showing { try project.push(remote: remote, branch: branch, progress: $0) }
      Self.showRemote(outcome.serverLines)
      let destination = outcome.remoteBranch == outcome.branch ? "" : " as \(outcome.remoteBranch)"
      Output.print("pushed \(outcome.branch) to \(outcome.remote)\(destination)")
      if let upstream = outcome.upstreamSet {
        Output.note("\(outcome.branch) now tracks \(upstream.remote)/\(upstream.branch)")
      }
    } catch GlossError.pushRefused(let remote, let reference, let reason, let serverLines) {
      Self.showRemote(serverLines)
      throw GlossError.pushRefused(remote: remote, reference: reference, reason: reason, serverLines: serverLines)
    }
  }

  /// The server's messages, as git shows them; `Output.note` escapes control characters
  /// (terminal escapes from a hostile server) as it does for all user text.
  static func showRemote(_ lines: [String]) {
    for line in lines { Output.note("remote: \(line)") }
  }
}

/// Clone, fetch and push progress (objects and bytes) on a terminal's stderr, redrawn in
/// place; nothing when stderr is a file or a pipe.
enum TransferLine {
  /// Runs `body` with a progress handler (nil off a terminal) and clears the line after.
  static func showing<T>(_ body: ((@Sendable (SyncProgress) -> Void)?) throws -> T) rethrows -> T {
    guard isatty(STDERR_FILENO) == 1 else { return try body(nil) }
    defer { Output.progressDone() }
    return try body { progress in
      FileHandle.standardError.write(Data("\r\u{1B}[K\(line(progress))".utf8))
    }
  }

  /// `Receiving objects: 45% (9/20), 1.2 KiB`, as git prints it.
  static func line(_ progress: SyncProgress) -> String {
    let percent = progress.total > 0 ? progress.done * 100 / progress.total : 100
    var text = "\(progress.phase.rawValue): \(percent)% (\(progress.done)/\(progress.total))"
    if progress.bytes > 0 { text += ", " + size(progress.bytes) }
    return text
  }

  static func size(_ bytes: Int) -> String {
    let units = ["bytes", "KiB", "MiB", "GiB"]
    var value = Double(bytes)
    var unit = 0
    while value >= 1024, unit < units.count - 1 {
      value /= 1024
      unit += 1
    }
    return unit == 0 ? "\(bytes) bytes" : String(format: "%.2f %@", value, units[unit])
  }
}
