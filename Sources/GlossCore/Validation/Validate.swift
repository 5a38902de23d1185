import Foundation
import GitKit

/// What `gloss validate` looks at.
public enum ValidationTarget: Sendable {
  /// The work tree (HEAD in a bare repository).
  case current
  case revision(String)
  /// `A..B`: authorship of every commit in the range, and the files at B.
  case range(String)
  case staged
}

extension Project {
  /// Validates the project as `target` names it.
  public func validate(_ target: ValidationTarget, progress: ((Int, Int) -> Void)? = nil) throws
    -> [Finding]
  {
    let validator = Validator(progress: progress)
    switch target {
    case .current:
      if let root = repository.workdir { return validator.validate(.workTree(at: root)) }
      return try validate(.revision("HEAD"), progress: progress)
    case .staged:
      guard !repository.isBare else {
        throw GlossError.notAllowed("--staged needs a work tree; this repository is bare")
      }
      return validator.validate(try .index(of: repository))
    case .revision(let revision):
      let snapshot = try self.snapshot(at: revision)
      guard let tree = snapshot.tree else { return [] }
      return validator.validate(try .tree(tree, in: repository, label: revision))
    case .range(let range):
      let parts = range.components(separatedBy: "..")
      guard parts.count == 2, !parts[1].isEmpty else {
        throw GlossError.invalidArgument(argument: "--range \(range)", message: "expected A..B")
      }
      let tip = try resolve(parts[1])
      let base = parts[0].isEmpty ? nil : try resolve(parts[0])
      let tree = try repository.commit(tip).tree
      return try checkAuthorship(from: base, to: tip)
        + checkIntermediateCommits(from: base, to: tip, validator: validator)
        + validator.validate(try .tree(tree, in: repository, label: parts[1]))
    }
  }

  /// The files each commit before the tip changed, checked against that commit's own
  /// documents and codebook, so a range cannot smuggle a broken commit in and repair it
  /// later. Cost grows with the changed blobs, not the size of the trees. Repository-wide
  /// rules (unique ids) are checked at the tip.
  private func checkIntermediateCommits(from base: Oid?, to tip: Oid, validator: Validator) throws
    -> [Finding]
  {
    var findings: [Finding] = []
    var parsedCodebook: (blob: Oid?, book: Codebook?)?
    for id in try repository.walk(from: tip, hiding: base, oldestFirst: true) where id != tip {
      let info = try repository.commit(id)
      let parentTree = try info.parents.first.map { try repository.commit($0).tree }
      let snapshot = try Snapshot(repository: repository, commit: id)
      // Most commits leave the codebook alone: parse it again only when its blob changed.
      let codebookBlob = try repository.entry(at: Codebook.path, inTree: info.tree)?.id
      if parsedCodebook == nil || parsedCodebook?.blob != codebookBlob {
        parsedCodebook = (codebookBlob, try? snapshot.codebook())
      }
      let codebook = parsedCodebook?.book ?? nil
      var found: [Finding] = []
      for change in try repository.changedFiles(from: parentTree, to: info.tree) {
        guard let blob = change.newBlob else { continue }
        let data = try repository.blob(blob)
        if let (_, doc) = Layout.parseAnnotationPath(change.path) {
          var ids = IDSet()
          let text = (try? snapshot.documentText(doc)) ?? nil
          found += validator.checkAnnotations(data, path: change.path, text: text, codebook: codebook, ids: &ids)
        } else if Layout.parseDocumentPath(change.path) != nil {
          found += validator.checkDocument(data, path: change.path)
        } else if change.path == Codebook.path {
          do { _ = try Codebook.decode(data) } catch { found.append(validator.finding(from: error, path: change.path)) }
        }
      }
      findings += found.filter { $0.severity == .error }.map {
        Finding($0.severity, $0.path, line: $0.line, $0.message, commit: id.hex)
      }
    }
    return findings
  }

  private func resolve(_ revision: String) throws -> Oid {
    guard let commit = try snapshot(at: revision).commit else { throw GlossError.unknownRevision(revision) }
    return commit
  }

  /// Rewrites what can be fixed mechanically at HEAD (record order and canonical bytes of
  /// annotation files, the codebook's canonical form) in one commit; returns the paths.
  public func fixFormat(as coder: String) throws -> (result: CommitResult, fixed: [String]) {
    let (result, fixed) = try session(as: coder).commit { transaction -> Change<[String]> in
      var fixed: [String] = []
      if let data = try transaction.file(Codebook.path) {
        let book = try Codebook.decode(data)
        if book.encode() != data {
          transaction.setCodebook(book)
          fixed.append(Codebook.path)
        }
      }
      for (fileCoder, doc) in try transaction.annotationFiles() {
        let path = Layout.annotation(coder: fileCoder, doc: doc)
        guard let data = try transaction.file(path) else { continue }
        let records = try Snapshot.decodeAnnotations(data, path: path)
        var kept: [Assignment.Key: Assignment] = [:]
        for record in records {
          if let other = kept[record.key], other.id.utf8.lexicographicallyPrecedes(record.id.utf8) { continue }
          kept[record.key] = record
        }
        let canonical = AnnotationFormat.encode(Array(kept.values))
        if canonical != data {
          transaction.write(path, canonical)
          fixed.append(path)
        }
      }
      guard !fixed.isEmpty else { return .unchanged(fixed) }
      return .commit(summary: "gloss: \(coder) rewrites \(fixed.count) file(s) in canonical form", value: fixed)
    }
    guard let result else { throw GlossError.nothingToDo("nothing to fix mechanically") }
    return (result, fixed)
  }
}
