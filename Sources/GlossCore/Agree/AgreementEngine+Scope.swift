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
    let folders = try layout.coderFolders(repository)
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
    var files: [String: [String: Oid]] = [:]  // coder → doc → blob
    for coder in names.coders {
      guard let folder = names.folders[coder] else { continue }
      files[coder] = try folderListing(folder)
    }
    var documents: [ScopedDocument] = []
    var withData: Set<String> = []
    var counted = CountedCoders()
    for document in names.documents {
      let coders = counted.count(
        names.coders.compactMap { coder in files[coder]?[document.id].map { (name: coder, blob: $0) } },
        doc: document.id, name: \.name, isDone: { files[$0]?[CountedCoders.listingKey(document.id)] != nil },
        includeUnfinished: options.includeUnfinished)
      guard coders.count >= 2 else { continue }
      documents.append(ScopedDocument(id: document.id, blob: document.blob, coders: coders))
      withData.formUnion(coders.map(\.name))
    }
    guard !documents.isEmpty else {
      return .failure(
        GlossError.nothingToChange(
          counted.excludedAny
            ? .noDocumentFinishedTwice(coders: names.coders) : .noDocumentCodedTwice(coders: names.coders)))
    }
    let coders = options.coders == nil ? names.coders.filter(withData.contains) : names.coders
    return .success(Scope(coders: coders, codes: names.codes, documents: documents, counted: counted))
  }
}

/// The top-level entries of a commit's tree that agreement reads.
struct TreeLayout {
  var documentsTree: Oid?
  var annotationsTree: Oid?
  var codebookBlob: Oid?

  init(repository: Repository, tree: Oid) throws {
    for entry in try repository.entries(inFolder: "", ofTree: tree) {
      switch (entry.name, entry.kind) {
      case ("documents", .tree): documentsTree = entry.id
      case ("annotations", .tree): annotationsTree = entry.id
      case (Codebook.path, .blob): codebookBlob = entry.id
      default: break
      }
    }
  }

  /// Coder → annotation folder.
  func coderFolders(_ repository: Repository) throws -> [String: Oid] {
    guard let annotationsTree else { return [:] }
    var result: [String: Oid] = [:]
    for entry in try repository.entries(inFolder: "", ofTree: annotationsTree) where entry.kind == .tree {
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
