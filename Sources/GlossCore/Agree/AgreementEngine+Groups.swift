import Agreement
import Foundation
import GitKit

/// `gloss agree --by-parent`: the direct children of a parent code as the categories of
/// one nominal variable (docs/agreement.md, "Code groups").
extension AgreementEngine {
  /// The figures of every code group at `commit`. The documents and coders are those of
  /// `resolveScope`, so the same documents count as for per-code agreement.
  func groupReport(at commit: Oid) throws -> GroupAgreementReport {
    let info = try repository.commit(commit)
    let layout = try TreeLayout(repository: repository, tree: info.tree)
    let scope: Scope
    switch try resolveScope(layout) {
    case .success(let resolved): scope = resolved
    case .failure(let error): throw error
    }
    let book = try loadCodebook(layout.codebookBlob)
    let parents = try groupParents(book, named: scope.codes)
    var index: [String: Int] = [:]
    for (position, coder) in scope.coders.enumerated() { index[coder] = position }
    var groups: [(parent: Code, children: [Code], categories: GroupCategories, tally: NominalTally)] =
      parents.map { parent in
        let children = book.children(of: parent.id).sorted { $0.id.utf8.lexicographicallyPrecedes($1.id.utf8) }
        return (parent, children, GroupCategories(children: children.count), NominalTally())
      }
    for document in scope.documents {
      let text = try documentInfo(document.blob)
      let spans = try document.coders.map { coder, blob in
        try parsedAnnotations(blob, path: Layout.annotation(coder: coder, doc: document.id))
      }
      let unit: SweepUnit
      switch options.unit {
      case .para: unit = .para(text.paragraphs ?? [])
      case .doc: unit = .doc
      case .char, .segment: unit = .char
      }
      // In report numbering: coders without a file for this document give no value.
      var byCoder = [[String: [Range<Int>]]?](repeating: nil, count: scope.coders.count)
      for (position, coder) in document.coders.enumerated() {
        if let slot = index[coder.name] { byCoder[slot] = spans[position] }
      }
      for number in groups.indices {
        let children = groups[number].children
        let input = byCoder.map { coder in coder.map { spans in children.map { spans[$0.id] ?? [] } } }
        groups[number].tally.merge(
          NominalSweep.tally(
            length: text.length, coders: input, unit: unit, categories: &groups[number].categories))
      }
    }
    let figures = groups.map { group in
      let agreement = NominalAgreement(
        group.tally, coders: scope.coders.count, categories: group.categories.count)
      let multiple = group.tally.counts.reduce(0) { sum, entry in
        entry.key.values.contains { ($0 ?? 0) > group.children.count } ? sum + entry.value : sum
      }
      return GroupFigures(
        parent: group.parent.id, name: group.parent.name, children: group.children.map(\.id),
        nUnits: agreement.nUnits, nMultiple: multiple, alpha: agreement.alpha, pa: agreement.pa,
        fleissKappa: agreement.fleissKappa, ac1: agreement.ac1, bp: agreement.bp,
        pairs: agreement.pairs.map { pair in
          PairFigures(
            a: scope.coders[pair.a], b: scope.coders[pair.b], nUnits: pair.nUnits, pa: pair.pa,
            cohenKappa: pair.cohenKappa)
        })
    }
    return GroupAgreementReport(
      rev: info.id.hex, unit: options.unit, coders: scope.coders,
      documents: scope.documents.map(\.id), groups: figures)
  }

  /// The parents measured: those of `named` (the codes in scope) that have children; when
  /// `--codes` named a code without children, that is an error.
  private func groupParents(_ book: Codebook, named: [Code]) throws -> [Code] {
    let parents = named.filter { !book.children(of: $0.id).isEmpty }
    if options.codes != nil, let childless = named.first(where: { book.children(of: $0.id).isEmpty }) {
      throw GlossError.invalidArgument(
        argument: "--codes",
        message: "code '\(childless.id)' has no child codes; --by-parent measures parent codes")
    }
    guard !parents.isEmpty else {
      throw GlossError.invalidArgument(
        argument: "--by-parent", message: "no code has child codes (gloss code add NAME --parent ID)")
    }
    return parents
  }
}

/// The figures of one code group (`--by-parent`).
public struct GroupFigures: Sendable, Equatable {
  public let parent: String
  public let name: String
  /// The categories besides "none", by id.
  public let children: [String]
  public let nUnits: Int
  /// Units where some coder applied two or more of the children (each such combination is
  /// a category of its own).
  public let nMultiple: Int
  public let alpha: Double?
  public let pa: Double?
  public let fleissKappa: Double?
  public let ac1: Double?
  public let bp: Double?
  public let pairs: [PairFigures]

  public var json: JSON {
    .object([
      ("parent", .string(parent)), ("name", .string(name)),
      ("children", .array(children.map(JSON.string))), ("n_units", .int(nUnits)),
      ("n_multiple", .int(nMultiple)), ("alpha", .number(alpha)), ("pa", .number(pa)),
      ("fleiss_kappa", .number(fleissKappa)), ("ac1", .number(ac1)), ("bp", .number(bp)),
      ("pairs", .array(pairs.map(\.json))),
    ])
  }
}

/// The result of `gloss agree --by-parent` at one commit.
public struct GroupAgreementReport: Sendable, Equatable {
  public let rev: String
  public let unit: AgreementUnit
  public let coders: [String]
  public let documents: [String]
  public let groups: [GroupFigures]

  public var json: JSON {
    .object([
      ("rev", .string(rev)), ("unit", .string(unit.rawValue)), ("by", .string("parent")),
      ("coders", .array(coders.map(JSON.string))), ("documents", .array(documents.map(JSON.string))),
      ("groups", .array(groups.map(\.json))),
    ])
  }

  public static let csvHeader = [
    "rev", "unit", "parent", "name", "children", "n_units", "n_multiple", "alpha", "pa",
    "fleiss_kappa", "ac1", "bp",
  ]

  public var csvRows: [[String]] {
    func number(_ value: Double?) -> String {
      guard let value, value.isFinite else { return "" }
      return JSON.double(value).compact
    }
    return groups.map { group in
      [
        rev, unit.rawValue, group.parent, group.name, group.children.joined(separator: " "),
        String(group.nUnits), String(group.nMultiple), number(group.alpha), number(group.pa),
        number(group.fleissKappa), number(group.ac1), number(group.bp),
      ]
    }
  }
}
