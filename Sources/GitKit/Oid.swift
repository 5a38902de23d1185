import CLibgit2

/// A git object id (SHA-1), comparable and hashable by value.
public struct Oid: Hashable, Sendable, CustomStringConvertible, Comparable {
  /// The 20 raw bytes; stored as an array so the type is trivially Hashable.
  public let bytes: [UInt8]

  init(_ raw: git_oid) {
    var raw = raw
    bytes = withUnsafeBytes(of: &raw.id) { Array($0) }
  }

  /// Parses a full 40-digit hex id; nil for anything else.
  public init?(hex: String) {
    guard hex.utf8.count == 40 else { return nil }
    var raw = git_oid()
    guard git_oid_fromstr(&raw, hex) == 0 else { return nil }
    self.init(raw)
  }

  var raw: git_oid {
    var raw = git_oid()
    withUnsafeMutableBytes(of: &raw.id) { dest in
      for (index, byte) in bytes.enumerated() where index < dest.count { dest[index] = byte }
    }
    return raw
  }

  public var hex: String {
    let digits: [Character] = Array("0123456789abcdef")
    var out = ""
    out.reserveCapacity(40)
    for byte in bytes {
      out.append(digits[Int(byte >> 4)])
      out.append(digits[Int(byte & 0x0f)])
    }
    return out
  }

  public var short: String { String(hex.prefix(10)) }
  public var description: String { hex }

  public static func < (lhs: Oid, rhs: Oid) -> Bool { lhs.bytes.lexicographicallyPrecedes(rhs.bytes) }
}
