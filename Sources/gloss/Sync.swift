import ArgumentParser
import Foundation
import GlossCore

struct Clone: PlainCommand {
  static let configuration = CommandConfiguration(
    commandName: "clone",
    abstract: "Clone a project and register Gloss's merge driver.",
    discussion: """
      URL may be a local path, file://, git://, http(s):// or ssh:// (keys from ssh-agent; \
      for http(s) a user name and password from the URL or from GLOSS_GIT_USERNAME and \
      GLOSS_GIT_PASSWORD).

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
    let (_, path) = try Project.clone(from: url, to: target ?? base + "/" + Project.cloneFolder(for: url))
    Output.print("cloned \(url) into \(path)")
  }
}

struct Fetch: ProjectCommand {
  static let configuration = CommandConfiguration(
    commandName: "fetch",
    abstract: "Fetch a remote's branches (default: origin).",
    discussion: """
      Examples:
        gloss fetch
        gloss fetch origin main
        gloss fetch /srv/study.git
      """)

  @OptionGroup var globals: GlobalOptions
  @Argument(help: "Remote name or URL.") var remote = "origin"

  func run(_ project: Project) throws {
    try project.fetch(remote: remote)
    Output.print("fetched \(remote)")
  }
}

struct Pull: GlossCommand {
  static let configuration = CommandConfiguration(
    commandName: "pull",
    abstract: "Fetch and merge a remote branch, annotation by annotation.",
    discussion: """
      The same merge as 'gloss merge REMOTE/BRANCH', with the same --ours, --theirs and \
      --prefer for conflicts.

      Examples:
        gloss pull
        gloss pull origin main --prefer theirs
      """)

  static let formats: Set<OutputFormat> = [.table, .json]
  @OptionGroup var globals: GlobalOptions
  @Argument(help: "Remote name.") var remote = "origin"
  @Argument(help: "Remote branch (default: the current branch's name).") var branch: String?
  @OptionGroup(title: "Conflicts") var settle: MergeChoiceOptions

  func run(_ session: Session) throws {
    let project = session.project
    let coder = session.coder
    let report = try session.pull(remote: remote, branch: branch, choices: settle.choices)
      .visible(to: try project.policy(explicit: coder))
    let name = try branch ?? project.currentBranchName()
    let label = "\(remote)/\(name)"
    Output.print(
      Merge.render(
        report, label: label, rerun: "gloss pull \(remote) \(name)", format: globals.format))
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
      A push the remote cannot fast-forward is refused with a message to pull first; a \
      server with 'gloss hooks install --server' also validates what is pushed. To a path \
      or file:// remote, gloss runs that repository's pre-receive and update hooks itself, \
      as git-receive-pack would. What the server's hooks print is shown as 'remote:' lines.

      Examples:
        gloss push
        gloss push origin ana
      """)

  @OptionGroup var globals: GlobalOptions
  @Argument(help: "Remote name or URL.") var remote = "origin"
  @Argument(help: "Branch (default: the current one).") var branch: String?

  func run(_ project: Project) throws {
    do {
      let (name, serverLines) = try project.push(remote: remote, branch: branch)
      Self.showRemote(serverLines)
      Output.print("pushed \(name) to \(remote)")
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
