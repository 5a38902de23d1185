import Foundation

/// An ordered JSON value for Gloss's output, so keys come out in the documented order.
public indirect enum JSON: Sendable, Equatable {
  case string(String)
  case int(Int)
  case double(Double)
  case bool(Bool)
  case null
  case array([JSON])
  case object([(String, JSON)])

  public static func == (lhs: JSON, rhs: JSON) -> Bool { lhs.compact == rhs.compact }

  /// A number, or null when undefined (never NaN in output).
  public static func number(_ value: Double?) -> JSON {
    guard let value, value.isFinite else { return .null }
    return .double(value)
  }

  public static func optional(_ value: String?) -> JSON { value.map(JSON.string) ?? .null }

  /// One-line form.
  public var compact: String {
    var out: [UInt8] = []
    write(to: &out)
    return String(decoding: out, as: UTF8.self)
  }

  func write(to out: inout [UInt8]) {
    switch self {
    case .string(let value): AnnotationFormat.appendString(value, to: &out)
    case .int(let value): out.append(contentsOf: String(value).utf8)
    case .double(let value):
      if value == value.rounded(), abs(value) < 1e15 {
        out.append(contentsOf: String(Int(value)).utf8)
      } else {
        out.append(contentsOf: "\(value)".utf8)
      }
    case .bool(let value): out.append(contentsOf: (value ? "true" : "false").utf8)
    case .null: out.append(contentsOf: "null".utf8)
    case .array(let items):
      out.append(UInt8(ascii: "["))
      for (index, item) in items.enumerated() {
        if index > 0 { out.append(UInt8(ascii: ",")) }
        item.write(to: &out)
      }
      out.append(UInt8(ascii: "]"))
    case .object(let members):
      out.append(UInt8(ascii: "{"))
      for (index, (key, value)) in members.enumerated() {
        if index > 0 { out.append(UInt8(ascii: ",")) }
        AnnotationFormat.appendString(key, to: &out)
        out.append(UInt8(ascii: ":"))
        value.write(to: &out)
      }
      out.append(UInt8(ascii: "}"))
    }
  }

  /// An array with one element per line: readable, and still one JSON document.
  public static func lines(_ items: [JSON]) -> String {
    guard !items.isEmpty else { return "[]" }
    return "[\n" + items.map { "  " + $0.compact }.joined(separator: ",\n") + "\n]"
  }
}

extension LocatedAssignment {
  /// The JSON shape of DESIGN §3 (`ls`, `diff`, `log`, `export csv`).
  public var json: JSON {
    var members: [(String, JSON)] = [
      ("id", .string(assignment.id)), ("coder", .string(coder)), ("doc", .string(doc)),
      ("code", .string(assignment.code)), ("start", .int(assignment.start)),
      ("end", .int(assignment.end)), ("exact", .string(assignment.exact)),
      ("memo", .string(assignment.memo ?? "")),
    ]
    if let review = assignment.review { members.append(("review", .string(review))) }
    if let sources = assignment.sources { members.append(("sources", .array(sources.map(JSON.string)))) }
    return .object(members)
  }

  /// `json.compact` written straight into a byte buffer, for listings of millions.
  public func appendJSON(to out: inout [UInt8]) {
    out.append(contentsOf: #"{"id":"#.utf8)
    AnnotationFormat.appendString(assignment.id, to: &out)
    out.append(contentsOf: #","coder":"#.utf8)
    AnnotationFormat.appendString(coder, to: &out)
    out.append(contentsOf: #","doc":"#.utf8)
    AnnotationFormat.appendString(doc, to: &out)
    out.append(contentsOf: #","code":"#.utf8)
    AnnotationFormat.appendString(assignment.code, to: &out)
    out.append(contentsOf: #","start":"#.utf8)
    AnnotationFormat.appendInteger(assignment.start, to: &out)
    out.append(contentsOf: #","end":"#.utf8)
    AnnotationFormat.appendInteger(assignment.end, to: &out)
    out.append(contentsOf: #","exact":"#.utf8)
    AnnotationFormat.appendString(assignment.exact, to: &out)
    out.append(contentsOf: #","memo":"#.utf8)
    AnnotationFormat.appendString(assignment.memo ?? "", to: &out)
    if let review = assignment.review {
      out.append(contentsOf: #","review":"#.utf8)
      AnnotationFormat.appendString(review, to: &out)
    }
    if let sources = assignment.sources {
      out.append(contentsOf: #","sources":["#.utf8)
      for (index, source) in sources.enumerated() {
        if index > 0 { out.append(UInt8(ascii: ",")) }
        AnnotationFormat.appendString(source, to: &out)
      }
      out.append(UInt8(ascii: "]"))
    }
    out.append(UInt8(ascii: "}"))
  }

  /// The CSV columns, in the order of the JSON shape.
  public static let csvHeader = ["id", "coder", "doc", "code", "start", "end", "exact", "memo"]

  public var csvRow: [String] {
    [
      assignment.id, coder, doc, assignment.code, String(assignment.start), String(assignment.end),
      assignment.exact, assignment.memo ?? "",
    ]
  }
}

extension DocumentSummary {
  /// One element of `doc list --format json` (and of the server's document list).
  public var json: JSON {
    .object([
      ("id", .string(id)), ("length", .int(length)), ("paragraphs", .int(paragraphs)),
      ("coders", .array(coders.map(JSON.string))), ("assignments", .int(assignments)),
      ("done", .array(done.map(JSON.string))),
    ])
  }
}

extension Code {
  /// One element of `code list --format json`, with how often the code is used.
  public func json(uses: Int) -> JSON {
    .object([
      ("id", .string(id)), ("name", .string(name)), ("parent", .optional(parent)),
      ("description", .optional(description)), ("color", .optional(color)), ("uses", .int(uses)),
    ])
  }
}

extension Codebook {
  /// `code list --format json`: the codes in tree order with their uses.
  public func listingJSON(usage: [String: Int]) -> JSON {
    .array(hierarchy().map { code, _ in code.json(uses: usage[code.id] ?? 0) })
  }
}

extension AssignmentChange {
  public var json: JSON {
    var members: [(String, JSON)] = [("change", .string(kind.rawValue)), ("assignment", assignment.json)]
    if let before { members.append(("before", before.json)) }
    return .object(members)
  }
}

/// RFC 4180 CSV: fields with a comma, quote or line break are quoted; lines end in CRLF.
/// A cell that a spreadsheet would run as a formula gets a leading apostrophe (OWASP CSV
/// injection), which `restored` takes off again, so export → spreadsheet → import is lossless.
public enum CSV {
  public static func row(_ fields: [String]) -> String {
    fields.map(field).joined(separator: ",") + "\r\n"
  }

  public static func field(_ raw: String) -> String {
    var value = needsGuard(raw) ? "'" + raw : raw
    // Bytes, not Characters: a comma, quote, CR or LF is one byte in UTF-8 (scanned in the
    // string's own buffer: a million cells go through here in `ls --format csv`).
    let needsQuotes = value.withUTF8 { bytes in
      bytes.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0a || $0 == 0x0d }
    }
    guard needsQuotes else { return value }
    guard value.utf8.contains(UInt8(ascii: "\"")) else { return "\"" + value + "\"" }
    return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }

  /// A cell as written before `field` neutralized it.
  public static func restored(_ cell: String) -> String {
    guard cell.unicodeScalars.first == "'" else { return cell }
    let rest = String(cell.unicodeScalars.dropFirst())
    return needsGuard(rest) ? rest : cell
  }

  /// Whether a cell begins like a formula (`=`, `+`, `-`, `@`, tab, CR), after any
  /// apostrophes (so a cell that already starts with one is guarded too and comes back
  /// whole). Negative numbers (agreement figures) are left as they are.
  static func needsGuard(_ value: String) -> Bool {
    let rest = value.unicodeScalars.drop { $0 == "'" }
    guard let first = rest.first, "=+-@\t\r".unicodeScalars.contains(first) else { return false }
    if first == "-" {
      let digits = rest.dropFirst()
      let parts = digits.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
      let isNumber =
        !digits.isEmpty && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy { ("0"..."9").contains($0) } }
      return !isNumber
    }
    return true
  }
}
