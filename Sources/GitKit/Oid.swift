import CLibgit2
import CSHA1
import Foundation

/// A git object id (SHA-1), comparable and hashable by value.
public struct Oid: Hashable, Sendable, CustomStringConvertible, Comparable {
  // The 20 bytes inline (no heap array), read big-endian so that comparing the words in
  // order compares the bytes in order.
  private let head: UInt64
  private let middle: UInt64
  private let tail: UInt32

  init(_ raw: git_oid) {
    var raw = raw
    (head, middle, tail) = withUnsafeBytes(of: &raw.id) { bytes in
      (
        UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self)),
        UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self)),
        UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: 16, as: UInt32.self))
      )
    }
  }

  /// The id held in the first 20 of `bytes` (an index entry's, an index's checksum).
  init(bytes: UnsafeRawBufferPointer) {
    head = UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self))
    middle = UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
    tail = UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: 16, as: UInt32.self))
  }

  /// The id git gives `data` as a blob, hashed here with the CPU's SHA instructions: to
  /// recognise bytes as a blob the repository has (a work-tree file), a fraction of the time
  /// of libgit2's collision-detecting SHA-1. Objects are stored by libgit2, never by this.
  init(blobHashing data: Data) {
    var header = Array("blob \(data.count)\0".utf8)
    var digest = [UInt8](repeating: 0, count: 20)
    data.withUnsafeBytes { bytes in
      // The header and the start of the data make the first block; whole blocks of the data
      // follow, and the rest is the tail.
      let lead = min(bytes.count, 64 - header.count)
      header.append(contentsOf: bytes.prefix(lead))
      guard header.count == 64, let base = bytes.baseAddress else {
        return csha1(header, header.count, &digest)
      }
      var context = csha1_context()
      csha1_init(&context)
      csha1_blocks(&context, header, 1)
      let blocks = (bytes.count - lead) / 64
      csha1_blocks(&context, base + lead, blocks)
      let tail = lead + blocks * 64
      csha1_final(&context, base + tail, bytes.count - tail, &digest)
    }
    self = digest.withUnsafeBytes { Oid(bytes: $0) }
  }

  /// Parses a full 40-digit hex id; nil for anything else.
  public init?(hex: String) {
    guard hex.utf8.count == 40 else { return nil }
    LibGit2.initialize()
    var raw = git_oid()
    guard git_oid_fromstr(&raw, hex) == 0 else { return nil }
    self.init(raw)
  }

  var raw: git_oid {
    var raw = git_oid()
    withUnsafeMutableBytes(of: &raw.id) { bytes in
      bytes.storeBytes(of: head.bigEndian, toByteOffset: 0, as: UInt64.self)
      bytes.storeBytes(of: middle.bigEndian, toByteOffset: 8, as: UInt64.self)
      bytes.storeBytes(of: tail.bigEndian, toByteOffset: 16, as: UInt32.self)
    }
    return raw
  }

  public var hex: String {
    let digits = Array("0123456789abcdef".utf8)
    var out: [UInt8] = []
    out.reserveCapacity(40)
    func append<T: FixedWidthInteger>(_ word: T) {
      for shift in stride(from: T.bitWidth - 4, through: 0, by: -4) {
        out.append(digits[Int(truncatingIfNeeded: word >> shift) & 0x0f])
      }
    }
    append(head)
    append(middle)
    append(tail)
    return String(decoding: out, as: UTF8.self)
  }

  /// git's all-zero id, which hooks use for "no commit" (a created or deleted reference).
  public var isZero: Bool { head == 0 && middle == 0 && tail == 0 }

  public var short: String { String(hex.prefix(10)) }
  public var description: String { hex }

  public static func < (lhs: Oid, rhs: Oid) -> Bool {
    (lhs.head, lhs.middle, lhs.tail) < (rhs.head, rhs.middle, rhs.tail)
  }
}
