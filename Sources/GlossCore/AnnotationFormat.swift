import Foundation

/// Reads and writes annotation files (`annotations/<coder>/<doc>.jsonl`) in the canonical
/// byte form of DESIGN §2, so two writers always produce identical files.
public enum AnnotationFormat {
  /// The canonical bytes of a set of assignments: sorted, compact, one LF-terminated line each.
  public static func encode(_ assignments: [Assignment]) -> Data {
    var out: [UInt8] = []
    out.reserveCapacity(assignments.count * 128)
    for assignment in Assignment.canonicallySorted(assignments) {
      appendLine(assignment, to: &out)
    }
    return Data(out)
  }

  /// One canonical line, without its LF.
  public static func line(_ assignment: Assignment) -> String {
    var out: [UInt8] = []
    appendLine(assignment, to: &out)
    out.removeLast()
    return String(decoding: out, as: UTF8.self)
  }

  static func appendLine(_ a: Assignment, to out: inout [UInt8]) {
    out.append(contentsOf: #"{"id":"#.utf8)
    appendString(a.id, to: &out)
    out.append(contentsOf: #","code":"#.utf8)
    appendString(a.code, to: &out)
    out.append(contentsOf: #","start":"#.utf8)
    appendInteger(a.start, to: &out)
    out.append(contentsOf: #","end":"#.utf8)
    appendInteger(a.end, to: &out)
    out.append(contentsOf: #","exact":"#.utf8)
    appendString(a.exact, to: &out)
    if let memo = a.memo, !memo.isEmpty {
      out.append(contentsOf: #","memo":"#.utf8)
      appendString(memo, to: &out)
    }
    if let review = a.review, !review.isEmpty {
      out.append(contentsOf: #","review":"#.utf8)
      appendString(review, to: &out)
    }
    if let sources = a.sources, !sources.isEmpty {
      out.append(contentsOf: #","sources":["#.utf8)
      for (index, source) in sources.enumerated() {
        if index > 0 { out.append(UInt8(ascii: ",")) }
        appendString(source, to: &out)
      }
      out.append(UInt8(ascii: "]"))
    }
    out.append(contentsOf: "}\n".utf8)
  }

  /// A JSON string literal with only `"`, `\` and control characters escaped; runs of
  /// bytes that need no escape are copied whole.
  public static func appendString(_ value: String, to out: inout [UInt8]) {
    out.append(UInt8(ascii: "\""))
    var value = value
    value.withUTF8 { bytes in
      var run = 0
      for index in 0..<bytes.count {
        let byte = bytes[index]
        guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run..<index]))
        run = index + 1
        switch byte {
        case UInt8(ascii: "\""): out.append(contentsOf: [0x5c, 0x22])
        case UInt8(ascii: "\\"): out.append(contentsOf: [0x5c, 0x5c])
        case 0x0a: out.append(contentsOf: [0x5c, UInt8(ascii: "n")])
        case 0x09: out.append(contentsOf: [0x5c, UInt8(ascii: "t")])
        case 0x0d: out.append(contentsOf: [0x5c, UInt8(ascii: "r")])
        default:
          out.append(contentsOf: #"\u00"#.utf8)
          out.append(hexDigits[Int(byte >> 4)])
          out.append(hexDigits[Int(byte & 0x0f)])
        }
      }
      out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run..<bytes.count]))
    }
    out.append(UInt8(ascii: "\""))
  }

  /// `String(value)`'s bytes, without making the string (a listing writes millions).
  public static func appendInteger(_ value: Int, to out: inout [UInt8]) {
    guard value > 0 else { return out.append(contentsOf: String(value).utf8) }
    var remaining = value
    let start = out.count
    while remaining > 0 {
      out.append(UInt8(ascii: "0") + UInt8(remaining % 10))
      remaining /= 10
    }
    out[start...].reverse()
  }

  private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

  /// A problem found while reading a file, with its 1-based line.
  public struct Problem: Error, Equatable, Sendable {
    public let line: Int
    public let message: String
  }

  /// Parses an annotation file. Every line must be a JSON object with the known keys and
  /// types; key order and sorting are not required here (validation reports those).
  public static func decode(_ data: Data) throws(Problem) -> [Assignment] {
    try decodeLines(data, fast: { parseCanonical($0, $1, $2) }, { $0 })
  }

  /// `pick` of each record, for counts: the file is read as `decode` reads it, with the
  /// same problems, but only the code is made; the other strings are "" when empty and
  /// " " otherwise, and absent ones nil.
  public static func counted<T>(_ data: Data, _ pick: (Assignment) -> T) throws(Problem) -> [T] {
    try decodeLines(
      data,
      fast: { bytes, start, end in
        var reader = CanonicalLineReader(bytes: bytes, position: start, end: end, keepText: false)
        return reader.read().map(pick)
      }, pick)
  }

  /// Each line through `fast` (the canonical form), else the general parser and `slow`.
  private static func decodeLines<T>(
    _ data: Data, fast: ([UInt8], Int, Int) -> T?, _ slow: (Assignment) -> T
  ) throws(Problem) -> [T] {
    var result: [T] = []
    let bytes = [UInt8](data)
    try forEachLine(bytes) { (number, line, terminated) throws(Problem) in
      guard terminated else {
        throw Problem(line: number, message: "last line does not end with a line feed")
      }
      if let value = fast(bytes, line.lowerBound, line.upperBound) {
        result.append(value)
        return
      }
      do throws(JSONLineError) {
        result.append(slow(try parseLine(bytes, line.lowerBound, line.upperBound)))
      } catch {
        throw Problem(line: number, message: error.message)
      }
    }
    return result
  }

  /// Calls `body` with each line's number (from 1) and byte range without its LF;
  /// `terminated` is false for a last line that has no LF.
  static func forEachLine<E: Error>(
    _ bytes: [UInt8], _ body: (_ number: Int, _ line: Range<Int>, _ terminated: Bool) throws(E) -> Void
  ) throws(E) {
    var number = 0
    var start = 0
    while start < bytes.count {
      number += 1
      var end = start
      while end < bytes.count && bytes[end] != 0x0a { end += 1 }
      try body(number, start..<end, end < bytes.count)
      start = end + 1
    }
  }

  /// Parses one line (without its LF).
  public static func decodeLine(_ text: String) throws(Problem) -> Assignment {
    let bytes = Array(text.utf8)
    if let record = parseCanonical(bytes, 0, bytes.count) { return record }
    do {
      return try parseLine(bytes, 0, bytes.count)
    } catch {
      throw Problem(line: 1, message: error.message)
    }
  }

  /// The keys an annotation line may hold, in canonical order.
  static let keys = ["id", "code", "start", "end", "exact", "memo", "review", "sources"]

  static func parseLine(_ bytes: [UInt8], _ start: Int, _ end: Int) throws(JSONLineError)
    -> Assignment
  {
    var parser = JSONLineParser(bytes: bytes, position: start, end: end, base: start)
    // One slot per known key, filled as the object is read; the first duplicate and the
    // first unknown key are reported once the whole line has parsed, as before.
    var fields = [JSONValue?](repeating: nil, count: keys.count)
    var duplicate: String?
    var unknown: String?
    try parser.parseObject { (key, value) throws(JSONLineError) in
      guard let slot = key.slot else {
        if unknown == nil { unknown = key.name }
        return
      }
      if fields[slot] != nil {
        if duplicate == nil { duplicate = keys[slot] }
      } else {
        fields[slot] = value
      }
    }
    if let duplicate { throw JSONLineError("duplicate key \"\(duplicate)\"") }
    if let unknown { throw JSONLineError("unknown key \"\(unknown)\"") }
    func string(_ slot: Int, required: Bool) throws(JSONLineError) -> String? {
      switch fields[slot] {
      case .string(let value): return value
      case nil where !required: return nil
      case nil: throw JSONLineError("missing key \"\(keys[slot])\"")
      default: throw JSONLineError("\"\(keys[slot])\" must be a string")
      }
    }
    func integer(_ slot: Int) throws(JSONLineError) -> Int {
      switch fields[slot] {
      case .integer(let value): return value
      case nil: throw JSONLineError("missing key \"\(keys[slot])\"")
      default: throw JSONLineError("\"\(keys[slot])\" must be a non-negative integer")
      }
    }
    var sources: [String]?
    switch fields[7] {
    case nil: sources = nil
    case .strings(let values): sources = values
    default: throw JSONLineError("\"sources\" must be an array of strings")
    }
    let assignment = Assignment(
      id: try string(0, required: true) ?? "",
      code: try string(1, required: true) ?? "",
      start: try integer(2),
      end: try integer(3),
      exact: try string(4, required: true) ?? "",
      memo: try string(5, required: false),
      review: try string(6, required: false),
      sources: sources)
    guard assignment.start < assignment.end else {
      throw JSONLineError("start \(assignment.start) must be less than end \(assignment.end)")
    }
    return assignment
  }
}

extension AnnotationFormat {
  /// The record of a line in exactly the canonical bytes `appendLine` writes, read in one
  /// pass; nil for any other line, which `parseLine` then reads (with its messages) and
  /// validation encodes again to compare. A line this accepts is canonical by construction:
  /// keys in order, no spaces, only the escapes the encoder writes, no empty optional field.
  static func parseCanonical(_ bytes: [UInt8], _ start: Int, _ end: Int) -> Assignment? {
    var reader = CanonicalLineReader(bytes: bytes, position: start, end: end)
    return reader.read()
  }
}

/// Reads the canonical line form (DESIGN §2) and nothing else.
private struct CanonicalLineReader {
  let bytes: [UInt8]
  var position: Int
  let end: Int
  /// false: every string but the code is checked and left unmade (read as "" or " ", by
  /// whether it is empty), for counting.
  var keepText = true

  mutating func read() -> Assignment? {
    guard let fields = fields(), let id = make(fields.id), let code = make(fields.code, keep: true),
      let exact = make(fields.exact)
    else { return nil }
    var memo: String?
    var review: String?
    var sources: [String]?
    if let literal = fields.memo {
      guard let value = make(literal) else { return nil }
      memo = value
    }
    if let literal = fields.review {
      guard let value = make(literal) else { return nil }
      review = value
    }
    if let literals = fields.sources {
      var items: [String] = []
      for literal in literals {
        guard let item = make(literal) else { return nil }
        items.append(item)
      }
      sources = items
    }
    return Assignment(
      id: id, code: code, start: fields.start, end: fields.end, exact: exact, memo: memo, review: review,
      sources: sources)
  }

  /// A canonical line's parts, read and checked but no string made: the one grammar of the
  /// canonical form, for `read` and for `CanonicalRecords`.
  fileprivate struct Fields {
    var id: Literal
    var code: Literal
    var start: Int
    var end: Int
    var exact: Literal
    var memo: Literal?
    var review: Literal?
    var sources: [Literal]?

    /// Whether every string is valid UTF-8.
    func isValid(in bytes: [UInt8]) -> Bool {
      [id, code, exact].allSatisfy { $0.isValid(in: bytes) } && memo?.isValid(in: bytes) ?? true
        && review?.isValid(in: bytes) ?? true && sources?.allSatisfy { $0.isValid(in: bytes) } ?? true
    }
  }

  fileprivate mutating func fields() -> Fields? {
    guard literal(#"{"id":"#), let id = scanString(), literal(#","code":"#), let code = scanString(),
      literal(#","start":"#), let start = integer(), literal(#","end":"#), let stop = integer(), start < stop,
      literal(#","exact":"#), let exact = scanString()
    else { return nil }
    var fields = Fields(id: id, code: code, start: start, end: stop, exact: exact)
    if literal(#","memo":"#) {
      guard let value = scanString(), !value.content.isEmpty else { return nil }
      fields.memo = value
    }
    if literal(#","review":"#) {
      guard let value = scanString(), !value.content.isEmpty else { return nil }
      fields.review = value
    }
    if literal(#","sources":["#) {
      var items: [Literal] = []
      repeat {
        guard let item = scanString() else { return nil }
        items.append(item)
      } while literal(",")
      guard literal("]") else { return nil }
      fields.sources = items
    }
    guard literal("}"), position == end else { return nil }
    return fields
  }

  /// Consumes `text` if the line continues with it.
  private mutating func literal(_ text: StaticString) -> Bool {
    let count = text.utf8CodeUnitCount
    guard end - position >= count else { return false }
    let matches = text.withUTF8Buffer { literal in
      var index = 0
      while index < count, bytes[position + index] == literal[index] { index += 1 }
      return index == count
    }
    if matches { position += count }
    return matches
  }

  /// `0` or digits without a leading zero, as `String(Int)` writes them.
  private mutating func integer() -> Int? {
    guard position < end, bytes[position] >= 0x30, bytes[position] <= 0x39 else { return nil }
    if bytes[position] == 0x30 {
      position += 1
      if position < end, bytes[position] >= 0x30, bytes[position] <= 0x39 { return nil }
      return 0
    }
    var value = 0
    while position < end, bytes[position] >= 0x30, bytes[position] <= 0x39 {
      let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
      let (sum, overflow2) = times.addingReportingOverflow(Int(bytes[position] - 0x30))
      if overflow1 || overflow2 { return nil }
      value = sum
      position += 1
    }
    return value
  }

  /// The string `literal` stands for, nil when it is not valid UTF-8. Unkept (`keep`, else
  /// `keepText`, false): "" or " ", by whether it is empty.
  private func make(_ literal: Literal, keep: Bool? = nil) -> String? {
    let content = literal.content
    if !(keep ?? keepText) {
      guard literal.highBits >= 0x80 else { return content.isEmpty ? "" : " " }
      return literal.isValid(in: bytes) ? " " : nil
    }
    guard literal.escapes else {
      return bytes.withUnsafeBufferPointer { buffer in
        let raw = UnsafeBufferPointer(rebasing: buffer[content])
        // ASCII is valid UTF-8 as it stands: no validation pass.
        return literal.highBits < 0x80 ? String(decoding: raw, as: UTF8.self) : String(validating: raw, as: UTF8.self)
      }
    }
    return String(validating: Array(JSONContent(bytes[content])), as: UTF8.self)
  }

  /// A string literal's content, read and checked but not made.
  fileprivate struct Literal {
    /// The bytes between the quotes, escapes as written.
    let content: Range<Int>
    let escapes: Bool
    /// Every content byte or'ed: 0x80 or more when any is not ASCII.
    let highBits: UInt8

    /// Whether the content is valid UTF-8. Escapes write ASCII only, so the raw bytes are
    /// valid exactly when the decoded ones are.
    func isValid(in bytes: [UInt8]) -> Bool {
      highBits < 0x80
        || bytes.withUnsafeBufferPointer {
          String(validating: UnsafeBufferPointer(rebasing: $0[content]), as: UTF8.self) != nil
        }
    }
  }

  /// Reads a string literal with only the escapes `AnnotationFormat.appendString` writes:
  /// `\"`, `\\`, `\n`, `\t`, `\r`, and `\u00xx` (lowercase) for the other control characters.
  fileprivate mutating func scanString() -> Literal? {
    guard position < end, bytes[position] == UInt8(ascii: "\"") else { return nil }
    position += 1
    let contentStart = position
    var escapes = false
    var highBits: UInt8 = 0
    while position < end {
      let byte = bytes[position]
      if byte == UInt8(ascii: "\"") { break }
      if byte < 0x20 { return nil }
      guard byte == UInt8(ascii: "\\") else {
        highBits |= byte
        position += 1
        continue
      }
      escapes = true
      guard position + 1 < end else { return nil }
      switch bytes[position + 1] {
      case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "n"), UInt8(ascii: "t"), UInt8(ascii: "r"):
        position += 2
      case UInt8(ascii: "u"):
        guard position + 6 <= end, bytes[position + 2] == 0x30, bytes[position + 3] == 0x30,
          let high = Self.lowercaseHex(bytes[position + 4]), high <= 1,
          let low = Self.lowercaseHex(bytes[position + 5])
        else { return nil }
        let value = high << 4 | low
        if value == 0x09 || value == 0x0a || value == 0x0d { return nil }
        position += 6
      default:
        return nil
      }
    }
    guard position < end else { return nil }
    position += 1
    return Literal(content: contentStart..<position - 1, escapes: escapes, highBits: highBits)
  }

  fileprivate static func lowercaseHex(_ byte: UInt8) -> UInt8? {
    switch byte {
    case 0x30...0x39: return byte - 0x30
    case 0x61...0x66: return byte - 0x61 + 10
    default: return nil
    }
  }
}

/// The bytes a canonical literal's content stands for, its escapes undone (the content is
/// one `scanString` accepted).
struct JSONContent: Sequence, IteratorProtocol {
  private let bytes: ArraySlice<UInt8>
  private var index: Int

  init(_ bytes: ArraySlice<UInt8>) {
    self.bytes = bytes
    index = bytes.startIndex
  }

  mutating func next() -> UInt8? {
    guard index < bytes.endIndex else { return nil }
    let byte = bytes[index]
    guard byte == UInt8(ascii: "\\"), index + 1 < bytes.endIndex else {
      index += 1
      return byte
    }
    let kind = bytes[index + 1]
    index += 2
    switch kind {
    case UInt8(ascii: "n"): return 0x0a
    case UInt8(ascii: "t"): return 0x09
    case UInt8(ascii: "r"): return 0x0d
    case UInt8(ascii: "u") where index + 4 <= bytes.endIndex:
      let value =
        (CanonicalLineReader.lowercaseHex(bytes[index + 2]) ?? 0) << 4
        | (CanonicalLineReader.lowercaseHex(bytes[index + 3]) ?? 0)
      index += 4
      return value
    default: return kind
    }
  }
}

extension AnnotationFormat {
  /// An annotation file as gloss writes it, read in place: a listing copies the bytes it
  /// shows instead of making a million strings. Files in any other form are read by
  /// `decode`, with its messages.
  public struct CanonicalRecords: Sendable {
    /// A record's parts, as ranges of `bytes`.
    public struct Record: Sendable {
      /// The bytes between the quotes, which hold no escape.
      public let id: Range<Int>
      public let code: Range<Int>
      public let start: Int
      public let end: Int
      /// The exact text's literal, escapes as written.
      fileprivate let exact: Range<Int>
    }

    public let bytes: [UInt8]
    public let records: [Record]

    /// nil unless every line is canonical and valid UTF-8, the lines are in canonical order
    /// (no two alike), and no id or code holds an escape.
    public init?(_ data: Data) {
      let bytes = [UInt8](data)
      var records: [Record] = []
      var lineStart = 0
      while lineStart < bytes.count {
        guard let lineEnd = bytes[lineStart...].firstIndex(of: 0x0a) else { return nil }
        var reader = CanonicalLineReader(bytes: bytes, position: lineStart, end: lineEnd)
        guard let fields = reader.fields(), !fields.id.escapes, !fields.code.escapes, fields.isValid(in: bytes)
        else { return nil }
        let record = Record(
          id: fields.id.content, code: fields.code.content, start: fields.start, end: fields.end,
          exact: fields.exact.content)
        if let last = records.last, !Self.precedes(last, record, in: bytes) { return nil }
        records.append(record)
        lineStart = lineEnd + 1
      }
      (self.bytes, self.records) = (bytes, records)
    }

    /// `Assignment.canonicalOrder` on two records.
    private static func precedes(_ a: Record, _ b: Record, in bytes: [UInt8]) -> Bool {
      if a.start != b.start { return a.start < b.start }
      if a.end != b.end { return a.end < b.end }
      if !bytes[a.code].elementsEqual(bytes[b.code]) {
        return bytes[a.code].lexicographicallyPrecedes(bytes[b.code])
      }
      return bytes[a.id].lexicographicallyPrecedes(bytes[b.id])
    }

    /// The exact text.
    public func exact(_ record: Record) -> String {
      String(decoding: Array(JSONContent(bytes[record.exact])), as: UTF8.self)
    }

    /// `exact(record).appendPlainExcerpt(limit:to:)`, read from the file's bytes.
    public func appendPlainExcerpt(_ record: Record, limit: Int, to out: inout [UInt8]) -> Bool {
      String.appendASCIIExcerpt(JSONContent(bytes[record.exact]), limit: limit, to: &out, plain: true)
    }
  }
}

/// The values an annotation line may hold.
enum JSONValue: Equatable {
  case string(String)
  case integer(Int)
  case strings([String])
  case other
}

struct JSONLineError: Error {
  let message: String
  init(_ message: String) { self.message = message }
}

/// A small strict JSON reader for flat objects; faster than Foundation and keeps key order.
struct JSONLineParser {
  let bytes: [UInt8]
  var position: Int
  let end: Int
  /// Where the line starts, for column numbers in messages.
  let base: Int

  /// A member's key: its slot among `AnnotationFormat.keys`, or its text when unknown.
  struct Key {
    let slot: Int?
    let name: String
  }

  /// Reads one flat object, calling `member` for each key and value in order.
  mutating func parseObject(_ member: (Key, JSONValue) throws(JSONLineError) -> Void) throws(JSONLineError) {
    skipSpace()
    try expect(UInt8(ascii: "{"))
    skipSpace()
    if peek() == UInt8(ascii: "}") {
      position += 1
    } else {
      while true {
        skipSpace()
        let key = try parseKey()
        skipSpace()
        try expect(UInt8(ascii: ":"))
        skipSpace()
        try member(key, try parseValue())
        skipSpace()
        if peek() == UInt8(ascii: ",") {
          position += 1
          continue
        }
        try expect(UInt8(ascii: "}"))
        break
      }
    }
    skipSpace()
    guard position == end else { throw JSONLineError("unexpected text after the JSON object") }
  }

  /// A key, recognised from its bytes without making a string when it has no escapes.
  private mutating func parseKey() throws(JSONLineError) -> Key {
    if peek() == UInt8(ascii: "\"") {
      var close = position + 1
      while close < end, bytes[close] != UInt8(ascii: "\""), bytes[close] != UInt8(ascii: "\\"), bytes[close] >= 0x20 {
        close += 1
      }
      if close < end, bytes[close] == UInt8(ascii: "\"") {
        let slot = Self.slot(bytes[(position + 1)..<close])
        if let slot {
          position = close + 1
          return Key(slot: slot, name: AnnotationFormat.keys[slot])
        }
      }
    }
    let name = try parseString()
    return Key(slot: AnnotationFormat.keys.firstIndex(of: name), name: name)
  }

  private static let keyBytes = AnnotationFormat.keys.map { Array($0.utf8) }

  private static func slot(_ key: ArraySlice<UInt8>) -> Int? {
    keyBytes.firstIndex { $0.count == key.count && $0.elementsEqual(key) }
  }

  private mutating func parseValue() throws(JSONLineError) -> JSONValue {
    guard let byte = peek() else { throw JSONLineError("unexpected end of line") }
    switch byte {
    case UInt8(ascii: "\""): return .string(try parseString())
    case UInt8(ascii: "0")...UInt8(ascii: "9"): return .integer(try parseInteger())
    case UInt8(ascii: "-"):
      throw JSONLineError("negative number")
    case UInt8(ascii: "["):
      position += 1
      var items: [String] = []
      skipSpace()
      if peek() == UInt8(ascii: "]") {
        position += 1
        return .strings(items)
      }
      while true {
        skipSpace()
        guard peek() == UInt8(ascii: "\"") else { return try skipOther() }
        items.append(try parseString())
        skipSpace()
        if peek() == UInt8(ascii: ",") {
          position += 1
          continue
        }
        try expect(UInt8(ascii: "]"))
        return .strings(items)
      }
    default:
      return try skipOther()
    }
  }

  /// Rejects values Gloss never writes (objects, booleans, null, nested arrays).
  private mutating func skipOther() throws(JSONLineError) -> JSONValue {
    let rest = String(decoding: bytes[position..<min(end, position + 12)], as: UTF8.self)
    if rest.hasPrefix("true") || rest.hasPrefix("false") || rest.hasPrefix("null")
      || rest.hasPrefix("{") || rest.hasPrefix("[")
    {
      // Consume a literal so the caller can report a type error for the right key.
      for literal in ["true", "false", "null"] where rest.hasPrefix(literal) {
        position += literal.utf8.count
        return .other
      }
    }
    throw JSONLineError("unsupported JSON value near '\(rest)'")
  }

  private mutating func parseInteger() throws(JSONLineError) -> Int {
    var value = 0
    let start = position
    while let byte = peek(), byte >= 0x30 && byte <= 0x39 {
      let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
      let (sum, overflow2) = times.addingReportingOverflow(Int(byte - 0x30))
      guard !overflow1 && !overflow2 else { throw JSONLineError("number too large") }
      value = sum
      position += 1
    }
    if position - start > 1 && bytes[start] == 0x30 {
      throw JSONLineError("number with a leading zero")
    }
    if let byte = peek(),
      byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e")
        || byte == UInt8(ascii: "E")
    {
      throw JSONLineError("offsets must be integers")
    }
    return value
  }

  private mutating func parseString() throws(JSONLineError) -> String {
    try expect(UInt8(ascii: "\""))
    // Most strings hold no escape: validate their bytes in place.
    var close = position
    while close < end, bytes[close] != UInt8(ascii: "\""), bytes[close] != UInt8(ascii: "\\"), bytes[close] >= 0x20 {
      close += 1
    }
    if close < end, bytes[close] == UInt8(ascii: "\"") {
      let text = bytes.withUnsafeBufferPointer { buffer in
        String(validating: UnsafeBufferPointer(rebasing: buffer[position..<close]), as: UTF8.self)
      }
      guard let text else { throw JSONLineError("invalid UTF-8 in a string") }
      position = close + 1
      return text
    }
    var out: [UInt8] = []
    while true {
      guard let byte = peek() else { throw JSONLineError("unterminated string") }
      position += 1
      switch byte {
      case UInt8(ascii: "\""):
        guard let text = String(validating: out, as: UTF8.self) else {
          throw JSONLineError("invalid UTF-8 in a string")
        }
        return text
      case UInt8(ascii: "\\"):
        guard let escape = peek() else { throw JSONLineError("unterminated escape") }
        position += 1
        switch escape {
        case UInt8(ascii: "\""): out.append(0x22)
        case UInt8(ascii: "\\"): out.append(0x5c)
        case UInt8(ascii: "/"): out.append(0x2f)
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "f"): out.append(0x0c)
        case UInt8(ascii: "n"): out.append(0x0a)
        case UInt8(ascii: "r"): out.append(0x0d)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "u"):
          var scalar = try parseHex4()
          if (0xD800..<0xDC00).contains(scalar) {
            guard peek() == UInt8(ascii: "\\") else { throw JSONLineError("lone surrogate") }
            position += 1
            guard peek() == UInt8(ascii: "u") else { throw JSONLineError("lone surrogate") }
            position += 1
            let low = try parseHex4()
            guard (0xDC00..<0xE000).contains(low) else { throw JSONLineError("lone surrogate") }
            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
          } else if (0xDC00..<0xE000).contains(scalar) {
            throw JSONLineError("lone surrogate")
          }
          guard let unicode = Unicode.Scalar(scalar) else {
            throw JSONLineError("invalid \\u escape")
          }
          out.append(contentsOf: Array(String(Character(unicode)).utf8))
        default:
          throw JSONLineError("invalid escape \\\(Character(Unicode.Scalar(escape)))")
        }
      case 0..<0x20:
        throw JSONLineError("unescaped control character in a string")
      default:
        out.append(byte)
      }
    }
  }

  private mutating func parseHex4() throws(JSONLineError) -> UInt32 {
    guard position + 4 <= end else { throw JSONLineError("truncated \\u escape") }
    var value: UInt32 = 0
    for _ in 0..<4 {
      let byte = bytes[position]
      position += 1
      let digit: UInt8
      switch byte {
      case 0x30...0x39: digit = byte - 0x30
      case 0x61...0x66: digit = byte - 0x61 + 10
      case 0x41...0x46: digit = byte - 0x41 + 10
      default: throw JSONLineError("invalid \\u escape")
      }
      value = value << 4 | UInt32(digit)
    }
    return value
  }

  private func peek() -> UInt8? { position < end ? bytes[position] : nil }

  private mutating func skipSpace() {
    while let byte = peek(), byte == 0x20 || byte == 0x09 || byte == 0x0d { position += 1 }
  }

  private mutating func expect(_ byte: UInt8) throws(JSONLineError) {
    guard peek() == byte else {
      if peek() == nil { throw JSONLineError("unexpected end of line") }
      throw JSONLineError("expected '\(Character(Unicode.Scalar(byte)))' at column \(position - base + 1)")
    }
    position += 1
  }
}
