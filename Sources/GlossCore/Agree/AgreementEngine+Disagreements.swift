import Agreement
import Foundation
import GitKit

/// Disagreements: where the selected coders differ, for reconciliation.
extension AgreementEngine {
  /// The stretches where the selected coders differ, per document and code, for
  /// reconciliation: runs of code points (`char`, `segment`), paragraphs, or documents.
  func disagreements(at commit: Oid) throws -> [Disagreement] {
    let tree = try repository.commit(commit).tree
    let layout = try TreeLayout(repository: repository, tree: tree)
    let scope: Scope
    switch try resolveScope(layout) {
    case .success(let resolved): scope = resolved
    case .failure(let error): throw error
    }
    var result: [Disagreement] = []
    for document in scope.documents {
      let data = try repository.blob(document.blob)
      let text = DocumentText(String(decoding: data, as: UTF8.self))
      let spans = try document.coders.map { coder, blob in
        try parsedAnnotations(blob, path: Layout.annotation(coder: coder, doc: document.id))
      }
      let names = document.coders.map(\.name)
      for code in scope.codes {
        let perCoder = spans.map { $0[code.id] ?? [] }
        for stretch in Self.differingStretches(perCoder, text: text, unit: options.unit) {
          result.append(
            Disagreement(
              doc: document.id, code: code.id, start: stretch.range.lowerBound,
              end: stretch.range.upperBound,
              coded: names.indices.filter { stretch.ones & (1 << UInt64($0)) != 0 }.map { names[$0] },
              notCoded: names.indices.filter { stretch.ones & (1 << UInt64($0)) == 0 }.map {
                names[$0]
              },
              text: text.slice(stretch.range.lowerBound, stretch.range.upperBound)))
        }
      }
    }
    return result.sorted { lhs, rhs in
      if lhs.doc != rhs.doc { return lhs.doc.utf8.lexicographicallyPrecedes(rhs.doc.utf8) }
      if lhs.start != rhs.start { return lhs.start < rhs.start }
      if lhs.end != rhs.end { return lhs.end < rhs.end }
      return lhs.code.utf8.lexicographicallyPrecedes(rhs.code.utf8)
    }
  }

  /// Stretches where some coders have the code and others do not, with who has it (bits).
  static func differingStretches(_ spans: [[Range<Int>]], text: DocumentText, unit: AgreementUnit)
    -> [(range: Range<Int>, ones: UInt64)]
  {
    let length = text.length
    let all: UInt64 = spans.count >= 64 ? ~0 : (1 << UInt64(spans.count)) - 1
    func mixed(_ ones: UInt64) -> Bool { ones != 0 && ones != all }
    switch unit {
    case .doc:
      var ones: UInt64 = 0
      for (coder, list) in spans.enumerated() where list.contains(where: { $0.lowerBound < $0.upperBound }) {
        ones |= 1 << UInt64(coder)
      }
      return mixed(ones) ? [(0..<length, ones)] : []
    case .para:
      var result: [(Range<Int>, UInt64)] = []
      for paragraph in text.paragraphs where !paragraph.isEmpty {
        var ones: UInt64 = 0
        for (coder, list) in spans.enumerated()
        where list.contains(where: { $0.overlaps(paragraph) }) {
          ones |= 1 << UInt64(coder)
        }
        if mixed(ones) { result.append((paragraph, ones)) }
      }
      return result
    case .char, .segment:
      var result: [(range: Range<Int>, ones: UInt64)] = []
      SpanSweep.forEachRun(length: length, spans: spans) { run, ones in
        guard mixed(ones) else { return }
        if let last = result.last, last.ones == ones, last.range.upperBound == run.lowerBound {
          result[result.count - 1].range = last.range.lowerBound..<run.upperBound
        } else {
          result.append((run, ones))
        }
      }
      return result
    }
  }
}
