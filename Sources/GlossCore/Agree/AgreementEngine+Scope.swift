import Agreement
import Foundation
import GitKit

/// Scope resolution: which coders, codes and documents one commit measures.
extension AgreementEngine {
  /// What is measured at one commit: coders in output order, codes by id, and the documents
  /// that at least two selected coders coded, with their blobs.
  struct Scope {
    var coders: [String]
    var codes: [Code]
    var documents: [ScopedDocument]
    var counted = CountedCoders()
    /// Per document: its position in the documents listing (`ScopeMemo.slots`).
    var positions: [Int] = []
  }

  struct ScopedDocument {
    var id: String
    var blob: Oid
    /// Selected coders with an annotation file for the document, sorted.
    var coders: [(name: String, blob: Oid)]
  }

  struct Names {
    var coders: [String]
    var folders: [String: Oid]
    var codes: [Code]
    var documents: [(id: String, blob: Oid)]
  }

  /// Resolves the names given in the options against one tree.
  func names(_ layout: TreeLayout) throws -> Names {
    let folders = try layout.coderFolders(entries)
    let selected: [String]
    if let requested = options.coders {
      for coder in requested where folders[coder] == nil {
        throw GlossError.unknownCoder(coder)
      }
      selected = Array(Set(requested)).sorted()
    } else {
      selected = folders.keys.filter { $0 != "consensus" }.sorted()
    }
    let book = try loadCodebook(layout.codebookBlob)
    var codes: [Code]
    if let requested = options.codes {
      var chosen: [String: Code] = [:]
      for name in requested {
        guard let code = book.lookup(name) else { throw GlossError.unknownCode(name) }
        chosen[code.id] = code
      }
      codes = Array(chosen.values)
    } else {
      codes = book.codes
    }
    codes.sort { $0.id.utf8.lexicographicallyPrecedes($1.id.utf8) }
    var documents: [(id: String, blob: Oid)]
    if let cached = documentListing, cached.tree == layout.documentsTree {
      documents = cached.documents
    } else {
      documents = try layout.documents(repository)
      documentListing = (layout.documentsTree, documents)
    }
    if let requested = options.docs {
      let known = Set(documents.map(\.id))
      for doc in requested where !known.contains(doc) {
        throw GlossError.unknownDocument(doc)
      }
      let wanted = Set(requested)
      documents = documents.filter { wanted.contains($0.id) }
    }
    return Names(
      coders: selected, folders: folders.filter { selected.contains($0.key) }, codes: codes,
      documents: documents)
  }

  func resolveScope(_ layout: TreeLayout) throws -> Result<Scope, GlossError> {
    let names: Names
    do {
      names = try self.names(layout)
    } catch let error as GlossError {
      switch error {
      case .unknownCoder, .unknownCode, .unknownDocument: return .failure(error)
      default: throw error
      }
    }
    var files: [[String: Oid]?] = []  // per selected coder: doc → blob
    for coder in names.coders {
      files.append(try names.folders[coder].map(folderListing))
    }
    // Only the documents whose files changed since the previous commit are resolved again:
    // a commit of a history usually changes one coder's file for one document.
    let changed = scopeMemo.flatMap { $0.changedDocuments(layout: layout, names: names, files: files) }
    var slots: [DocumentSlot] = []
    slots.reserveCapacity(names.documents.count)
    for (position, document) in names.documents.enumerated() {
      if let changed, !changed.contains(document.id), let memo = scopeMemo {
        slots.append(memo.slots[position])
        continue
      }
      var counted = CountedCoders()
      let withFiles = names.coders.indices.compactMap { index in
        files[index]?[document.id].map { (index: index, name: names.coders[index], blob: $0) }
      }
      let coders = counted.count(
        withFiles, doc: document.id, name: \.name,
        isDone: { name in
          guard let index = names.coders.firstIndex(of: name) else { return false }
          return files[index]?[CountedCoders.listingKey(document.id)] != nil
        },
        includeUnfinished: options.includeUnfinished)
      slots.append(
        DocumentSlot(
          document: coders.count < 2
            ? nil
            : ScopedDocument(
              id: document.id, blob: document.blob, coders: coders.map { (name: $0.name, blob: $0.blob) }),
          counted: counted, coders: coders.map(\.index)))
    }
    scopeMemo = ScopeMemo(
      documentsTree: layout.documentsTree, documents: names.documents.map(\.id), coders: names.coders,
      folders: names.coders.map { names.folders[$0] }, files: files, slots: slots)
    var documents: [ScopedDocument] = []
    var positions: [Int] = []
    var withData = [Bool](repeating: false, count: names.coders.count)
    var counted = CountedCoders()
    for (position, slot) in slots.enumerated() {
      if let rule = slot.counted.rule { counted.rule = rule }
      counted.unfinished += slot.counted.unfinished
      guard let document = slot.document else { continue }
      documents.append(document)
      positions.append(position)
      for index in slot.coders { withData[index] = true }
    }
    guard !documents.isEmpty else {
      return .failure(
        GlossError.nothingToChange(
          counted.excludedAny
            ? .noDocumentFinishedTwice(coders: names.coders) : .noDocumentCodedTwice(coders: names.coders)))
    }
    let coders =
      options.coders == nil ? names.coders.indices.filter { withData[$0] }.map { names.coders[$0] } : names.coders
    return .success(
      Scope(coders: coders, codes: names.codes, documents: documents, counted: counted, positions: positions))
  }
}

/// One document of the listing as the previous commit resolved it: kept while the files it
/// was resolved from are unchanged.
struct DocumentSlot {
  /// nil when fewer than two coders count on it.
  var document: AgreementEngine.ScopedDocument?
  /// This document's part of the report's `counted`.
  var counted: CountedCoders
  /// Positions (in the selected coders) of the coders counted on it.
  var coders: [Int]
  /// Its tallies, once computed.
  var tallies: DocumentTallies?
}

/// What `resolveScope` resolved at the previous commit, to resolve only what changed.
struct ScopeMemo {
  var documentsTree: Oid?
  var documents: [String]
  var coders: [String]
  /// Per selected coder: the annotation folder and its listing.
  var folders: [Oid?]
  var files: [[String: Oid]?]
  /// Per document of `documents`.
  var slots: [DocumentSlot]

  /// The ids of the documents whose files differ from the previous commit's; nil when
  /// everything must be resolved again (other documents or coders).
  func changedDocuments(
    layout: TreeLayout, names: AgreementEngine.Names, files: [[String: Oid]?]
  ) -> Set<String>? {
    guard documentsTree == layout.documentsTree, coders == names.coders,
      documents.count == names.documents.count,
      zip(documents, names.documents).allSatisfy({ $0 == $1.id })
    else { return nil }
    var changed: Set<String> = []
    for (index, coder) in coders.enumerated() where folders[index] != names.folders[coder] {
      let before = self.files[index] ?? [:]
      let after = files[index] ?? [:]
      for (key, blob) in after where before[key] != blob { changed.insert(Self.document(key)) }
      for key in before.keys where after[key] == nil { changed.insert(Self.document(key)) }
    }
    return changed
  }

  /// The document a folder listing's key is about (done marks' keys start with `/`).
  private static func document(_ key: String) -> String {
    key.hasPrefix("/") ? String(key.dropFirst()) : key
  }
}

/// The top-level entries of a commit's tree that agreement reads.
struct TreeLayout {
  var documentsTree: Oid?
  var annotationsTree: Oid?
  var codebookBlob: Oid?

  init(repository: Repository, tree: Oid) throws {
    self.init(entries: try repository.entries(inFolder: "", ofTree: tree))
  }

  init(entries: [TreeEntry]) {
    for entry in entries {
      switch (entry.name, entry.kind) {
      case ("documents", .tree): documentsTree = entry.id
      case ("annotations", .tree): annotationsTree = entry.id
      case (Codebook.path, .blob): codebookBlob = entry.id
      default: break
      }
    }
  }

  /// Coder → annotation folder.
  func coderFolders(_ entries: (Oid) throws -> [TreeEntry]) throws -> [String: Oid] {
    guard let annotationsTree else { return [:] }
    var result: [String: Oid] = [:]
    for entry in try entries(annotationsTree) where entry.kind == .tree {
      result[entry.name] = entry.id
    }
    return result
  }

  /// Documents with their blobs, sorted by id.
  func documents(_ repository: Repository) throws -> [(id: String, blob: Oid)] {
    guard let documentsTree else { return [] }
    return try repository.entries(inFolder: "", ofTree: documentsTree)
      .filter { $0.kind == .blob && $0.name.hasSuffix(".txt") }
      .map { (id: String($0.name.dropLast(4)), blob: $0.id) }
      .filter { Identifier.isDocument($0.id) }
      .sorted { $0.id.utf8.lexicographicallyPrecedes($1.id.utf8) }
  }
}
