import Agreement
import Foundation

/// The unit of analysis of `gloss agree --unit` (DESIGN §4).
public enum AgreementUnit: String, CaseIterable, Sendable {
  /// Every code point is a unit.
  case char
  /// Every paragraph (maximal run of non-blank lines) is a unit.
  case para
  /// The document is the unit.
  case doc
  /// Krippendorff's unitizing alpha on the continuum of code points; the other figures
  /// are those of `char`, the same continuum.
  case segment

  /// What one unit is, for table headers.
  public var label: String {
    switch self {
    case .char: return "char (each code point is a unit)"
    case .para: return "para (each paragraph is a unit)"
    case .doc: return "doc (each document is a unit)"
    case .segment: return "segment (unitizing alphas on code points)"
    }
  }
}

/// What `gloss agree` measures: which coders, codes and documents, on which unit.
public struct AgreementOptions: Sendable, Equatable {
  public var unit: AgreementUnit
  /// Coders to compare; nil: every coder with annotations except `consensus`.
  public var coders: [String]?
  /// Code ids or names; nil: every code of the codebook.
  public var codes: [String]?
  /// Document ids; nil: every document.
  public var docs: [String]?
  /// Also give the figures of each document on its own (`--by doc`).
  public var byDocument: Bool
  /// Bootstrap replicates for `alpha_ci`; nil or 0: no interval.
  public var bootstrap: Int?
  /// The most replicates `--bootstrap` takes: percentiles at 2.5% and 97.5% are stable
  /// long before, and each replicate pools every document again, so more only burns time.
  public static let maximumBootstrap = 100_000
  public var seed: UInt64
  /// Count every coder, also where others marked a document done (`--include-unfinished`).
  public var includeUnfinished = false

  public init(
    unit: AgreementUnit = .char, coders: [String]? = nil, codes: [String]? = nil,
    docs: [String]? = nil, byDocument: Bool = false, bootstrap: Int? = nil, seed: UInt64 = 0,
    includeUnfinished: Bool = false
  ) {
    self.includeUnfinished = includeUnfinished
    self.unit = unit
    self.coders = coders
    self.codes = codes
    self.docs = docs
    self.byDocument = byDocument
    self.bootstrap = bootstrap
    self.seed = seed
  }
}

/// A 95% percentile interval from the bootstrap.
public struct ConfidenceInterval: Sendable, Hashable {
  public let lower: Double
  public let upper: Double

  public init(lower: Double, upper: Double) {
    self.lower = lower
    self.upper = upper
  }
}

/// Cohen's kappa and percent agreement of one pair of coders, on the units both coded.
public struct PairFigures: Sendable, Hashable {
  public let a: String
  public let b: String
  public let nUnits: Int
  public let pa: Double?
  public let cohenKappa: Double?
}

/// The figures of one code (DESIGN §4, one element of `codes`).
public struct CodeFigures: Sendable, Hashable {
  public let code: String
  public let name: String
  public let nUnits: Int
  public let prevalence: Double?
  public let alpha: Double?
  public let alphaCI: ConfidenceInterval?
  public let pa: Double?
  public let fleissKappa: Double?
  public let ac1: Double?
  public let bp: Double?
  public let pairs: [PairFigures]
  /// Krippendorff's 1995/2004 α_U, with `--unit segment` only (nil otherwise).
  public var alphaU: Double? = nil
}

/// Every (unit, code) pooled as one binary unit (DESIGN §4 `overall`).
public struct OverallFigures: Sendable, Equatable {
  public let nUnits: Int
  public let alpha: Double?
  public let alphaCI: ConfidenceInterval?
  public let pa: Double?
  /// Cohen's kappa per pair on the pooled units: the table's kappa matrix (not in JSON).
  public let pairs: [PairFigures]
  /// α_U with every code's disagreements pooled, with `--unit segment` only.
  public var alphaU: Double? = nil
}

/// The figures of one document on its own (`--by doc`), over the coders who coded it.
public struct DocumentFigures: Sendable, Equatable {
  public let doc: String
  public let coders: [String]
  public let codes: [CodeFigures]
  public let overall: OverallFigures
}

/// The result of `gloss agree` at one commit.
public struct AgreementReport: Sendable, Equatable {
  public let rev: String
  /// Commit time, for `--history`.
  public let date: Date
  /// Minutes east of UTC of the commit time, so the date prints as the committer saw it.
  public let offsetMinutes: Int
  public let unit: AgreementUnit
  public let coders: [String]
  public let documents: [String]
  public let codes: [CodeFigures]
  public let overall: OverallFigures
  /// Present with `--by doc`.
  public let byDocument: [DocumentFigures]?
  /// Which coders counted on which documents (done marks).
  public internal(set) var counted = CountedCoders()

  /// The commit time in ISO 8601 with the committer's offset (`2024-05-01T10:00:00+02:00`),
  /// computed by hand: a date formatter per history line costs more than the figures.
  public var isoDate: String {
    let local = Int(date.timeIntervalSince1970.rounded(.down)) + offsetMinutes * 60
    let days = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
    let seconds = local - days * 86_400
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let dayOfEra = z - era * 146_097
    let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
    let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
    let monthIndex = (5 * dayOfYear + 2) / 153
    let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
    let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
    let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
    func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
    var zone = "Z"
    if offsetMinutes != 0 {
      let magnitude = abs(offsetMinutes)
      zone = (offsetMinutes < 0 ? "-" : "+") + two(magnitude / 60) + ":" + two(magnitude % 60)
    }
    let yearText =
      String(year).count < 4 ? String(repeating: "0", count: 4 - String(year).count) + String(year) : String(year)
    return "\(yearText)-\(two(month))-\(two(day))T\(two(seconds / 3600)):\(two(seconds / 60 % 60)):"
      + "\(two(seconds % 60))\(zone)"
  }
}

/// One stretch of text where the coders differ on one code (`--disagreements`).
public struct Disagreement: Sendable, Equatable {
  public let doc: String
  public let code: String
  /// Code point offsets, end-exclusive: a run of characters, a paragraph, or the document.
  public let start: Int
  public let end: Int
  /// Coders whose value is 1 (they applied the code here).
  public let coded: [String]
  /// Coders whose value is 0 (they coded the document but not this stretch with the code).
  public let notCoded: [String]
  public let text: String
}

// MARK: JSON (DESIGN §4, keys in the documented order)

extension PairFigures {
  public var json: JSON {
    .object([
      ("a", .string(a)), ("b", .string(b)), ("n_units", .int(nUnits)), ("pa", .number(pa)),
      ("cohen_kappa", .number(cohenKappa)),
    ])
  }
}

extension ConfidenceInterval {
  public var json: JSON { .array([.number(lower), .number(upper)]) }
}

extension CodeFigures {
  /// `alpha_u` is present for `segment` only, right after `alpha`.
  public func json(withInterval: Bool, unit: AgreementUnit) -> JSON {
    var members: [(String, JSON)] = [
      ("code", .string(code)), ("name", .string(name)), ("n_units", .int(nUnits)),
      ("prevalence", .number(prevalence)), ("alpha", .number(alpha)),
    ]
    if unit == .segment { members.append(("alpha_u", .number(alphaU))) }
    if withInterval { members.append(("alpha_ci", alphaCI?.json ?? .null)) }
    members += [
      ("pa", .number(pa)), ("fleiss_kappa", .number(fleissKappa)), ("ac1", .number(ac1)),
      ("bp", .number(bp)), ("pairs", .array(pairs.map(\.json))),
    ]
    return .object(members)
  }
}

extension OverallFigures {
  public func json(withInterval: Bool, unit: AgreementUnit) -> JSON {
    var members: [(String, JSON)] = [("n_units", .int(nUnits)), ("alpha", .number(alpha))]
    if unit == .segment { members.append(("alpha_u", .number(alphaU))) }
    if withInterval { members.append(("alpha_ci", alphaCI?.json ?? .null)) }
    members.append(("pa", .number(pa)))
    return .object(members)
  }
}

extension AgreementReport {
  /// The object of `gloss agree --format json`; with `date`, one line of `--history`.
  public func json(withInterval: Bool = false, includeDate: Bool = false) -> JSON {
    var members: [(String, JSON)] = [
      ("rev", .string(rev)), ("unit", .string(unit.rawValue)),
      ("coders", .array(coders.map(JSON.string))),
      ("documents", .array(documents.map(JSON.string))),
    ]
    members += counted.jsonMembers
    members += [
      ("codes", .array(codes.map { $0.json(withInterval: withInterval, unit: unit) })),
      ("overall", overall.json(withInterval: withInterval, unit: unit)),
    ]
    if let byDocument {
      members.append(
        (
          "by_doc",
          .array(
            byDocument.map { document in
              .object([
                ("doc", .string(document.doc)),
                ("coders", .array(document.coders.map(JSON.string))),
                ("codes", .array(document.codes.map { $0.json(withInterval: false, unit: unit) })),
                ("overall", document.overall.json(withInterval: false, unit: unit)),
              ])
            })
        ))
    }
    if includeDate { members.append(("date", .string(isoDate))) }
    return .object(members)
  }

  /// One line of `--history --format json`: exactly `json(withInterval:includeDate: true)`
  /// passed through `escape` (a test compares the two). What did not change since the
  /// previous line (the coders and documents, most codes' figures) is taken from `cache`:
  /// writing and escaping it again was most of a line's cost. `escape` must treat text
  /// piecewise alike (as `Output.visible` does JSON, which holds no raw line ends).
  public func historyLine(
    withInterval: Bool, cache: HistoryJSONCache, escape: (String) -> String = { $0 }
  ) -> String {
    // With `--by doc` (rare in a history) the whole object is written the plain way.
    guard byDocument == nil else { return escape(json(withInterval: withInterval, includeDate: true).compact) }
    cache.reset(withInterval: withInterval, unit: unit)
    let head = cache.head(of: self, escape: escape)
    var rest = JSON.object([
      ("overall", overall.json(withInterval: withInterval, unit: unit)), ("date", .string(isoDate)),
    ]).compact
    rest.removeFirst()  // the opening brace
    // Joined once: appending piece by piece copied the growing line again and again.
    var parts = ["{\"rev\":", escape(JSON.string(rev).compact), head, ",\"codes\":["]
    for (position, figures) in codes.enumerated() {
      if position > 0 { parts.append(",") }
      parts.append(cache.fragment(for: figures, at: position, escape: escape))
    }
    parts += ["],", escape(rest)]
    return parts.joined()
  }

  /// Column names of the CSV form: one row per code (and per document with `--by doc`),
  /// then an `overall` row; `--history` repeats them per commit.
  public static let csvHeader = [
    "rev", "date", "unit", "doc", "code", "name", "n_units", "prevalence", "alpha",
    "alpha_ci_lower", "alpha_ci_upper", "pa", "fleiss_kappa", "ac1", "bp", "alpha_u",
  ]

  /// CSV rows in the order of `csvHeader`; undefined figures are empty fields.
  public var csvRows: [[String]] {
    func number(_ value: Double?) -> String {
      guard let value, value.isFinite else { return "" }
      return JSON.double(value).compact
    }
    func rows(doc: String, codes: [CodeFigures], overall: OverallFigures) -> [[String]] {
      let prefix = [rev, isoDate, unit.rawValue, doc]
      var result = codes.map { figures in
        prefix + [
          figures.code, figures.name, String(figures.nUnits), number(figures.prevalence),
          number(figures.alpha), number(figures.alphaCI?.lower), number(figures.alphaCI?.upper),
          number(figures.pa), number(figures.fleissKappa), number(figures.ac1), number(figures.bp),
          number(figures.alphaU),
        ]
      }
      result.append(
        prefix + [
          "overall", "", String(overall.nUnits), "", number(overall.alpha),
          number(overall.alphaCI?.lower), number(overall.alphaCI?.upper), number(overall.pa), "", "",
          "", number(overall.alphaU),
        ])
      return result
    }
    var result = rows(doc: "", codes: codes, overall: overall)
    for document in byDocument ?? [] {
      result += rows(doc: document.doc, codes: document.codes, overall: document.overall)
    }
    return result
  }
}

/// What `historyLine` wrote for the previous lines, escaped: the members after `rev` up to
/// `codes`, and each code's figures by position. Equal values are written once.
public final class HistoryJSONCache {
  private var shape: (withInterval: Bool, unit: AgreementUnit)?
  private var head: (coders: [String], documents: [String], counted: CountedCoders, text: String)?
  private var fragments: [(figures: CodeFigures, text: String)?] = []

  public init() {}

  /// Forgets everything when the shape of the lines changes.
  func reset(withInterval: Bool, unit: AgreementUnit) {
    if let shape, shape.withInterval == withInterval, shape.unit == unit { return }
    shape = (withInterval, unit)
    head = nil
    fragments = []
  }

  /// `,"unit":…,"coders":[…],"documents":[…]` and the counted coders, escaped.
  func head(of report: AgreementReport, escape: (String) -> String) -> String {
    if let head, head.coders == report.coders, head.documents == report.documents,
      head.counted == report.counted
    {
      return head.text
    }
    var text = JSON.object(
      [
        ("unit", .string(report.unit.rawValue)), ("coders", .array(report.coders.map(JSON.string))),
        ("documents", .array(report.documents.map(JSON.string))),
      ] + report.counted.jsonMembers
    ).compact
    text.removeFirst()  // the opening brace
    text.removeLast()  // the closing brace
    text = escape("," + text)
    head = (report.coders, report.documents, report.counted, text)
    return text
  }

  /// The escaped JSON of the figures of the code at `position`.
  func fragment(for figures: CodeFigures, at position: Int, escape: (String) -> String) -> String {
    if position < fragments.count, let known = fragments[position], known.figures == figures {
      return known.text
    }
    let text = escape(figures.json(withInterval: shape?.withInterval ?? false, unit: shape?.unit ?? .char).compact)
    while fragments.count <= position { fragments.append(nil) }
    fragments[position] = (figures, text)
    return text
  }
}

extension Disagreement {
  public var json: JSON {
    .object([
      ("doc", .string(doc)), ("code", .string(code)), ("start", .int(start)), ("end", .int(end)),
      ("coded", .array(coded.map(JSON.string))), ("not_coded", .array(notCoded.map(JSON.string))),
      ("text", .string(text)),
    ])
  }

  public static let csvHeader = ["doc", "code", "start", "end", "coded", "not_coded", "text"]

  public var csvRow: [String] {
    [
      doc, code, String(start), String(end), coded.joined(separator: " "),
      notCoded.joined(separator: " "), text,
    ]
  }
}
