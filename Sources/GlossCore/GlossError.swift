import Foundation

/// Everything that can go wrong in Gloss, said in the user's terms (codes, documents, coders).
public enum GlossError: Error, LocalizedError, Equatable {
  case noRepository(path: String)
  case notAProject(path: String)
  case futureFormat(version: Int)
  case malformed(file: String, line: Int?, message: String)
  case unknownDocument(String)
  case unknownCode(String)
  case unknownCoder(String)
  case newCoder(String)
  case unknownAssignment(String)
  case ambiguousAssignment(String, matches: [String])
  case unknownRevision(String)
  case invalidIdentifier(kind: String, value: String, rule: String)
  case duplicate(String)
  case invalidArgument(argument: String, message: String)
  case invalidInput(file: String, line: Int?, message: String)
  case quoteNotFound(String)
  case ambiguousQuote(quote: String, matches: [String])
  case uncommittedChanges(paths: [String])
  case detachedHead
  case noIdentity
  case notAllowed(String)
  /// Blind coding hides this coder's work from the viewer (DESIGN §6).
  case blind(requested: String)
  /// `coder` asked for what only a lead may do.
  case leadsOnly(action: LeadAction, coder: String)
  case codeInUse(code: String, uses: Int)
  case alreadyExists(String)
  case nothingToDo(String)
  case repository(String)
  /// libgit2 failed while gloss was doing `operation` (GlossError.translatingGitErrors).
  case git(operation: String, message: String)
  /// The receiving repository refused `reference`; `serverLines` is what its hooks printed
  /// (the CLI shows them as `remote:` lines before the error).
  case pushRefused(remote: String, reference: String, reason: String, serverLines: [String])
  /// A commit to validate has a parent the repository does not hold.
  case historyMissing(commit: String, parent: String, shallow: Bool)
  /// A lock file another process holds (or a crashed one left behind).
  case lockHeld(file: String)
  /// The branch moved to `commit` but these work-tree paths could not follow.
  case workTreeNotUpdated(commit: String, paths: [String], reason: String)

  public var errorDescription: String? {
    switch self {
    case .noRepository(let path):
      return "\(path): not a git repository (or any of its parents); run 'gloss init' first"
    case .notAProject(let path):
      return "\(path): not a Gloss project (no gloss.yaml at HEAD); run 'gloss init'"
    case .futureFormat(let version):
      return
        "gloss.yaml: format version \(version) is newer than this gloss understands (1); upgrade gloss"
    case .malformed(let file, let line, let message),
      .invalidInput(let file, let line, let message):
      return line.map { "\(file):\($0): \(message)" } ?? "\(file): \(message)"
    case .unknownDocument(let id):
      return "unknown document '\(id)' (see 'gloss doc list')"
    case .unknownCode(let id):
      return "unknown code '\(id)' (see 'gloss code list')"
    case .unknownCoder(let id):
      return "no annotations by coder '\(id)'"
    case .newCoder(let coder):
      return
        "'\(coder)' is not a coder in this project yet (did you forget --as?); a lead adds coders "
        + "with 'gloss coder add \(coder) --email E' or 'gloss doc assign DOC --to \(coder)'"
    case .unknownAssignment(let id):
      return "no such assignment '\(id)' (see 'gloss ls')"
    case .ambiguousAssignment(let typed, let matches):
      let shown = matches.prefix(10).joined(separator: ", ")
      let more = matches.count > 10 ? " and \(matches.count - 10) more" : ""
      return "'\(typed)' is ambiguous: it matches \(shown)\(more); give more characters"
    case .unknownRevision(let rev):
      return "unknown revision '\(rev)'"
    case .invalidIdentifier(let kind, let value, let rule):
      return "invalid \(kind) '\(value)': must match \(rule)"
    case .duplicate(let message), .alreadyExists(let message), .notAllowed(let message),
      .nothingToDo(let message), .repository(let message):
      return message
    case .git(let operation, let message):
      return message.isEmpty ? "\(operation) failed" : "\(operation): \(message)"
    case .invalidArgument(let argument, let message):
      return "\(argument): \(message)"
    case .quoteNotFound(let quote):
      return "--quote: text not found in the document: \"\(quote)\""
    case .ambiguousQuote(let quote, let matches):
      return
        "--quote: \"\(quote)\" occurs \(matches.count) times (at \(matches.joined(separator: ", "))); "
        + "quote more text or use --chars"
    case .uncommittedChanges(let paths):
      return
        "uncommitted changes in \(paths.joined(separator: ", ")); commit or discard them first"
    case .detachedHead:
      return "HEAD is detached; check out a branch before changing annotations"
    case .noIdentity:
      return
        "who is coding? pass --as CODER, set GLOSS_CODER, or run 'git config gloss.coder NAME'"
    case .lockHeld(let file):
      return
        "\(file) exists: another git command is running, or one was interrupted; "
        + "if none is running, remove \(file) and try again"
    case .workTreeNotUpdated(let commit, let paths, let reason):
      return
        "committed \(commit) (the commit is recorded), but the work tree could not be updated "
        + "(\(reason)); the next gloss command refreshes \(paths.joined(separator: ", ")) once that "
        + "is fixed"
    case .blind(let requested):
      return
        "blind coding is on: you see only your own assignments, not \(requested)'s, until a lead runs "
        + "'gloss blind off'"
    case .leadsOnly(.agreement, let coder):
      return
        "blind coding is on: agreement is for the leads (gloss.yaml leads), not \(coder), until a lead "
        + "runs 'gloss blind off'"
    case .leadsOnly(.switchBlind, let coder):
      return "only a lead (gloss.yaml leads) turns blind coding on or off; \(coder) is not one"
    case .leadsOnly(.reconcile, let coder):
      return "only a lead (gloss.yaml leads) reconciles into consensus; \(coder) is not one"
    case .pushRefused(let remote, let reference, let reason, let serverLines):
      let branch = reference.hasPrefix("refs/heads/") ? String(reference.dropFirst(11)) : reference
      return "push to \(remote) refused: \(remote) did not accept \(branch) (\(reason))"
        + (serverLines.isEmpty ? "" : "; the server said why in the remote: lines above")
    case .historyMissing(let commit, let parent, let shallow):
      let what = "commit \(commit.prefix(10))'s parent \(parent.prefix(10)) is missing"
      return shallow
        ? "history is incomplete: this is a shallow clone and \(what); fetch the whole history "
          + "('git fetch --unshallow', or fetch-depth: 0 in CI) and validate again"
        : "history is incomplete: \(what) from the repository, so it cannot be validated"
    case .codeInUse(let code, let uses):
      return "code '\(code)' is used by \(uses) assignment(s); use --force to remove them too"
    }
  }
}
