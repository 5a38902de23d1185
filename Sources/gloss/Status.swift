import ArgumentParser
import GlossCore

struct Status: ProjectCommand {
  static let configuration = CommandConfiguration(
    commandName: "status",
    abstract:
      "Show the branch, its upstream, unpushed work, uncommitted edits, finished documents and spans to review.",
    discussion: """
      Ahead/behind counts compare with the upstream as of the last fetch ('gloss fetch' \\
      updates it). Uncommitted changes are listed for the project's files (annotations, \\
      codebook.yaml, gloss.yaml, documents, memos). Each coder's documents are listed \\
      as done ('gloss doc done') or not. Review marks are spans re-anchoring \\
      marked for review ('gloss ls --review'); under blind coding only your own. \
      A git index of 4 MB or more (some 40,000 files) with core.splitIndex unset gets \
      a line suggesting git's split index, with which each commit writes only what \
      changed.

      --format json prints {"branch", "upstream", "ahead", "behind", "changes": [{"path", \\
      "state", "staged"}], "review": {"pending", "documents": [{"doc", "coder", "count"}]}, \\
      "work": [{"coder", "done", "unfinished"}]}.

      Examples:
        gloss status
        gloss status --format json
      """)

  static let formats: Set<OutputFormat> = [.table, .json]
  @OptionGroup var globals: GlobalOptions

  func run(_ project: Project) throws {
    let status = try project.status(policy: try policy(in: project))
    if globals.format == .json {
      Output.print(status.json.compact)
      return
    }
    Output.print(Self.render(status))
  }

  static func render(_ status: ProjectStatus) -> String {
    var lines: [String] = []
    let branch = status.branch.map { "On branch \($0)" } ?? "HEAD is detached"
    if let upstream = status.upstream {
      let tracking = "\(upstream.remote)/\(upstream.branch)"
      switch (status.ahead, status.behind) {
      case (let ahead?, let behind?) where ahead == 0 && behind == 0:
        lines.append("\(branch), up to date with \(tracking)")
      case (let ahead?, let behind?):
        var parts: [String] = []
        if ahead > 0 { parts.append("\(ahead) commit(s) to push ('gloss push')") }
        if behind > 0 { parts.append("\(behind) to pull ('gloss pull')") }
        lines.append("\(branch), tracking \(tracking): " + parts.joined(separator: ", "))
      default:
        lines.append("\(branch), tracking \(tracking) (not fetched yet: 'gloss fetch')")
      }
    } else {
      lines.append("\(branch), no upstream (the first 'gloss push' sets one)")
    }
    if status.changes.isEmpty {
      lines.append("No uncommitted changes to the project's files")
    } else {
      lines.append("Uncommitted changes:")
      for change in status.changes {
        lines.append("  \(change.state.padding(toLength: 11, withPad: " ", startingAt: 0)) \(change.path)")
      }
    }
    for item in status.work where !item.done.isEmpty || !item.unfinished.isEmpty {
      let total = item.done.count + item.unfinished.count
      // A thousand documents would make a line of each coder's names: the first few, and how many more.
      let shown = item.unfinished.prefix(5).joined(separator: ", ")
      let more = item.unfinished.count > 5 ? " and \(item.unfinished.count - 5) more" : ""
      let left = item.unfinished.isEmpty ? "" : " (not done: \(shown)\(more))"
      lines.append("\(item.coder): \(item.done.count) of \(total) document(s) done\(left)")
    }
    if status.reviewPending > 0 {
      lines.append("\(status.reviewPending) span(s) marked for review ('gloss ls --review'):")
      for item in status.review { lines.append("  \(item.doc) (\(item.coder)): \(item.count)") }
    }
    if let bytes = status.largeIndex {
      lines.append(
        "The git index is \(bytes >> 20) MB: 'git config core.splitIndex true' has each commit write only "
          + "what changed (tools built on libgit2 before 1.8 cannot read a split index)")
    }
    return lines.joined(separator: "\n")
  }
}
