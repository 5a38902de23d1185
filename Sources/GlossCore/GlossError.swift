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
  case invalidArgument(argument: String, message: String)
  case invalidInput(file: String, line: Int?, message: String)
  case quoteNotFound(String)
  case ambiguousQuote(quote: String, matches: [String])
  case uncommittedChanges(paths: [String])
  case detachedHead
  case noIdentity
  /// `gloss serve link` with no `gloss serve --team` running in the project.
  case noTeamServer
  /// `gloss report --format pdf` without Chromium (`status` nil), or Chromium failing with
  /// `status`.
  case pdfNeedsChromium(status: Int32?)
  /// Blind coding hides this coder's work from the viewer (DESIGN §6).
  case blind(requested: String)
  /// `coder` asked for what only a lead may do.
  case leadsOnly(action: LeadAction, coder: String)
  case codeInUse(code: String, uses: Int)
  /// Nothing was written because there was nothing to do, and why.
  case nothingToChange(NothingReason)
  /// `coder` already has `code` on exactly these characters of `doc`.
  case alreadyAssigned(coder: String, code: String, start: Int, end: Int, doc: String)
  /// Coders change only their own assignments; `action` is the verb ("remove", "edit").
  case notYourAssignment(id: String, owner: String, action: String)
  /// `consensus` given as the acting coder; `action` says what they tried ("code", "import").
  case consensusIsNotACoder(action: String)
  /// A non-lead's `doc update` would move other coders' spans.
  case reanchorsOthers(doc: String, coders: [String], leads: [String])
  /// A merge or pull of `merging` stopped on conflicts (listed before); nothing was written.
  case mergeConflicts(count: Int, merging: String)
  /// `gloss agree --min`: the codes whose alpha is below `minimum` (nil: undefined).
  case alphaBelow(minimum: Double, codes: [CodeAlpha])
  /// A code with this id already exists.
  case codeExists(id: String)
  /// Another code already has this name (names are unique, ignoring case).
  case codeNameTaken(name: String, id: String)
  /// `doc add` of an id the project has; `doc update` replaces a text.
  case documentExists(id: String)
  /// The same document id twice in one command.
  case documentGivenTwice(id: String)
  /// `coder rm` of the last lead.
  case lastLead(String)
  /// `doc unassign` of a file that holds assignments, without --force.
  case documentHasAssignments(coder: String, doc: String, count: Int)
  /// `undo` of `commit` (`summary`) is blocked, and by what.
  case cannotUndo(commit: String, summary: String, blocker: UndoBlocker)
  /// A merge of histories with no common commit.
  case unrelatedHistories(theirs: String, branch: String)
  /// A push the remote cannot fast-forward: pull first.
  case pushNotFastForward(remote: String, branch: String)
  /// `option` needs a work tree and the repository is bare.
  case needsWorkTree(option: String)
  /// A project path that is not a regular file (a symbolic link?).
  case notARegularFile(path: String)
  /// A hook gloss did not write; `--force` replaces it.
  case foreignHook(path: String)
  /// `gloss init` where there is a project already.
  case alreadyAProject(path: String)
  /// `gloss clone` into a folder with files in it.
  case folderNotEmpty(path: String)
  /// `importer` tried to write `target`'s annotations (coders write only their own).
  case notYourAnnotations(importer: String, target: String)
  /// One import gives document `id` twice, with different text (`source` says where).
  case documentGivenTwiceDiffering(source: String, id: String)
  /// An import brings document `id` with a text other than the project's.
  case documentDiffers(source: String, id: String)
  /// An assignment id another annotation file already uses.
  case assignmentIDTaken(String)
  /// The branch moved under every attempt to commit.
  case branchKeptMoving
  /// A file gloss was asked to write could not be written.
  case cannotWrite(file: String, what: String, reason: String)
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
  /// A change `coder` may not make (DESIGN §6): refused before anything is written, so a
  /// command never makes a commit that `validate` and the server hooks would reject.
  case breaksRules(coder: String, violations: [RuleViolation])
  /// A coder's import would add `document`: transcripts come in through a lead first, and
  /// `howTo` says how (the command for this importer).
  case documentNeedsLead(document: String, coder: String, leads: [String], howTo: String)
  /// `gloss serve` could not listen on `address` (a port in use, an address not on this machine).
  case serverFailed(address: String, reason: String)
  // Finished work (issue 17): done marks and the agreement gate's settings.
  /// `doc done` of a document that is not on `coder`'s list (no annotation file).
  case notAssigned(doc: String, coder: String)
  // Remotes (issue 15): kept together.
  /// A remote that would not let us in or could not be trusted (credentials, ssh host key,
  /// TLS certificate); `problem` says what went wrong and what to configure.
  case remoteAccess(remote: String, url: String, problem: String)
  /// `pull`/`push` without a remote, on a branch with no upstream and no `origin`.
  case noUpstream(branch: String)

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
    case .noTeamServer:
      return "no 'gloss serve --team' is running in this project; start one first"
    case .pdfNeedsChromium(nil):
      return
        "--format pdf needs Chromium, which is not installed (Debian: apt-get install chromium); "
        + "write HTML and print it from a browser instead"
    case .pdfNeedsChromium(let status?):
      return "Chromium could not print the report to PDF (exit \(status))"
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
    case .breaksRules(let coder, let violations):
      let first = violations.first.map { "\($0.path): \($0.reason)" } ?? "not allowed"
      let more = violations.count > 1 ? " (and \(violations.count - 1) more)" : ""
      return "\(coder) may not make this change: \(first)\(more)"
    case .documentNeedsLead(let document, let coder, let leads, let howTo):
      let who = leads.isEmpty ? "a lead" : "a lead (\(leads.joined(separator: ", ")))"
      return
        "\(Layout.document(document)) is new, and only leads add documents: \(who) imports the transcripts "
        + "first (\(howTo)); then \(coder)'s import adds \(coder)'s coding to them"
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
    case .leadsOnly(.addCoders, let coder):
      return "only a lead (gloss.yaml leads) adds coders; \(coder) is not a lead"
    case .leadsOnly(.removeCoders, let coder):
      return "only a lead (gloss.yaml leads) removes coders; \(coder) is not a lead"
    case .leadsOnly(.unassignDocuments, let coder):
      return "only a lead (gloss.yaml leads) takes documents off coders' lists; \(coder) is not one"
    case .nothingToChange(let reason):
      return reason.description
    case .alreadyAssigned(let coder, let code, let start, let end, let doc):
      return "\(coder) already assigned \(code) to chars \(start)-\(end) of \(doc)"
    case .notYourAssignment(let id, let owner, let action):
      return "assignment \(id) belongs to \(owner); coders \(action) only their own"
    case .consensusIsNotACoder(let action):
      return "'consensus' is the adjudicated set, not a coder; \(action) as yourself with --as"
    case .reanchorsOthers(let doc, let coders, let leads):
      let named = leads.isEmpty ? "none listed" : leads.joined(separator: ", ")
      return
        "updating \(doc) re-anchors spans of \(coders.joined(separator: ", ")); only a lead "
        + "(gloss.yaml leads: \(named)) changes other coders' files; ask a lead to run it "
        + "(try --dry-run to see what it would do)"
    case .mergeConflicts(let count, let merging):
      return "\(count) conflict(s) merging \(merging); nothing was written (listed above)"
    case .alphaBelow(let minimum, let codes):
      let names = codes.map { "\($0.code) (\($0.alpha.map { String(format: "%.3f", $0) } ?? "n/a"))" }
      return "alpha below \(minimum) for \(codes.count) code(s): \(names.joined(separator: ", "))"
    case .codeExists(let id):
      return "code id '\(id)' already exists"
    case .codeNameTaken(let name, let id):
      return "a code named '\(name)' already exists (\(id))"
    case .documentExists(let id):
      return "document '\(id)' already exists; use 'gloss doc update \(id) FILE'"
    case .documentGivenTwice(let id):
      return "document id '\(id)' given twice"
    case .lastLead(let name):
      return "\(name) is the only lead; add another lead first"
    case .documentHasAssignments(let coder, let doc, let count):
      return "\(coder) has \(count) assignment(s) on \(doc); --force removes them too"
    case .cannotUndo(let commit, let summary, let blocker):
      return "cannot undo \(commit) (\(summary)): \(blocker)"
    case .unrelatedHistories(let theirs, let branch):
      return "refusing to merge unrelated histories: \(theirs) shares no commit with \(branch)"
    case .pushNotFastForward(let remote, let branch):
      return
        "push to \(remote) refused: \(remote)/\(branch) has commits you do not have; "
        + "pull first ('gloss pull \(remote) \(branch)'), then push again"
    case .needsWorkTree(let option):
      return "\(option) needs a work tree; this repository is bare"
    case .notARegularFile(let path):
      return "\(path): cannot be read as a regular file (a symbolic link?)"
    case .foreignHook(let path):
      return "\(path) exists and was not written by gloss; use --force to replace it"
    case .alreadyAProject(let path):
      return "\(path): already a Gloss project"
    case .folderNotEmpty(let path):
      return "\(path): already exists and is not empty"
    case .notYourAnnotations(let importer, let target):
      return
        "\(importer) cannot write \(target)'s annotations; coders write only their own "
        + "(run the import as \(target): gloss --as \(target) …)"
    case .documentGivenTwiceDiffering(let source, let id):
      return "\(source): document '\(id)' is given twice with different text"
    case .documentDiffers(let source, let id):
      return
        "\(source): document '\(id)' already exists with different text; import under another "
        + "id (--doc-id) or update it first with 'gloss doc update \(id) FILE'"
    case .assignmentIDTaken(let id):
      return "assignment id \(id) is already used in another file"
    case .leadsOnly(.writeConsensus, let coder):
      return "only a lead (gloss.yaml leads) writes consensus; \(coder) is not one"
    case .leadsOnly(.importAll, let coder):
      return
        "only a lead (gloss.yaml leads) imports every coder's work at once (--all); \(coder) is not one: "
        + "import your own without --all"
    case .branchKeptMoving:
      return "the branch kept moving while gloss tried to commit; try again"
    case .cannotWrite(let file, let what, let reason):
      return "\(file): cannot write \(what): \(reason)"
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
    case .leadsOnly(.serveTeam, let coder):
      return "only a lead (gloss.yaml leads) serves a team and makes its links; \(coder) is not one"
    case .serverFailed(let address, let reason):
      return "cannot serve on \(address): \(reason)"
    case .codeInUse(let code, let uses):
      return "code '\(code)' is used by \(uses) assignment(s); use --force to remove them too"
    case .notAssigned(let doc, let coder):
      return
        "\(doc) is not on \(coder)'s list (no \(Layout.annotation(coder: coder, doc: doc))); a lead assigns it "
        + "with 'gloss doc assign \(doc) --to \(coder)'"
    case .remoteAccess(let remote, let url, let problem):
      return "\(remote == url ? url : "\(remote) (\(url))"): \(problem)"
    case .noUpstream(let branch):
      return
        "\(branch) has no upstream and there is no remote 'origin'; name the remote "
        + "('gloss push REMOTE'), which then becomes \(branch)'s upstream"
    }
  }
}

/// Why a command had nothing to do (GlossError.nothingToChange); no commit was made.
public enum NothingReason: Sendable, Equatable, CustomStringConvertible {
  case blindAlready(on: Bool)
  case coderListedAlready(String)
  case noDocumentCodedTwice(coders: [String])
  case emptyHistory(range: String)
  case documentUnchanged(String)
  case codeNamedAlready(String)
  case nothingToUndo
  case noCommitToUndo(coder: String)
  case documentsAssignedAlready
  case noAssignmentsGiven
  case noEditGiven
  case assignmentUnchanged
  case nothingChanged
  case nothingToFix
  case noFilesGiven
  case emptyCodebook
  case noCommitYet
  // Finished work (issue 17).
  case markedDoneAlready(coder: String, docs: [String])
  case notMarkedDone(coder: String, docs: [String])
  /// Agreement counts only finished coders, and no document has two of them.
  case noDocumentFinishedTwice(coders: [String])

  public var description: String {
    switch self {
    case .blindAlready(let on): return "blind coding is already \(on ? "on" : "off")"
    case .coderListedAlready(let name): return "\(name) is already listed like that"
    case .noDocumentCodedTwice(let coders):
      return
        "agreement needs two coders with data: no document in scope has annotation files "
        + "from two of the selected coders (\(coders.isEmpty ? "none" : coders.joined(separator: ", ")))"
    case .emptyHistory(let range): return "--history \(range): the range has no commits"
    case .documentUnchanged(let doc): return "\(doc) already has this text and every span matches it"
    case .codeNamedAlready(let name): return "the code is already named '\(name)'"
    case .nothingToUndo: return "nothing to undo"
    case .noCommitToUndo(let coder): return "\(coder) has no commit on this branch to undo"
    case .documentsAssignedAlready: return "every document is already assigned to those coders"
    case .noAssignmentsGiven: return "no assignments to add"
    case .noEditGiven: return "nothing to change: give --memo, --code or a span (--para, --lines, --chars, --quote)"
    case .assignmentUnchanged: return "the assignment already says that"
    case .nothingChanged: return "nothing to change"
    case .nothingToFix: return "nothing to fix mechanically"
    case .noFilesGiven: return "no files to import"
    case .noCommitYet: return "the project has no commit yet"
    case .emptyCodebook: return "the codebook is empty; a .qdc file needs at least one code"
    case .markedDoneAlready(let coder, let docs):
      return "\(coder) has already marked \(docs.joined(separator: ", ")) done"
    case .notMarkedDone(let coder, let docs):
      return "\(coder) has not marked \(docs.joined(separator: ", ")) done; nothing to reopen"
    case .noDocumentFinishedTwice(let coders):
      return
        "agreement needs two coders with data: no document in scope has two of the selected coders "
        + "(\(coders.isEmpty ? "none" : coders.joined(separator: ", "))) marked done, and only finished "
        + "coders count where a document has done marks; --include-unfinished counts everyone"
    }
  }
}

/// A code's alpha in a refusal (`gloss agree --min`); nil when undefined.
public struct CodeAlpha: Sendable, Equatable {
  public let code: String
  public let alpha: Double?

  public init(code: String, alpha: Double?) {
    self.code = code
    self.alpha = alpha
  }
}

/// What keeps `gloss undo` from taking a commit back (GlossError.cannotUndo).
public enum UndoBlocker: Sendable, Equatable, CustomStringConvertible {
  /// `path` changed since; `coder` and `commit` name who did it, when known.
  case changedSince(path: String, coder: String?, commit: String?)
  /// The undo would remove `code`, which `coder` uses on `doc` since.
  case codeUsed(code: String, coder: String, doc: String)

  public var description: String {
    switch self {
    case .changedSince(let path, let coder, let commit):
      let by = coder.map { "by \($0) in \(commit ?? "a later commit")" } ?? "since"
      return "\(path) was changed \(by); change it back with gloss rm/edit instead"
    case .codeUsed(let code, let coder, let doc):
      return "code '\(code)' is used since by \(coder) on \(doc)"
    }
  }
}
