import Foundation
import GlossCore
import Testing

@testable import Interchange

/// Damaged XML must fail as an error, never end the process: Foundation's XMLParser traps on
/// element names that are not UTF-8, so such bytes are refused before they reach it.
@Suite struct XMLInputTests {
  /// A small fixed-seed generator (xorshift64*), so a failing case can be replayed.
  struct Xorshift: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
      state ^= state >> 12
      state ^= state << 25
      state ^= state >> 27
      return state &* 2_685_821_657_736_338_717
    }
  }

  static func damagedName() -> Data {
    var bytes = Array(ImportAllAndQDCTests.twoUsers())
    let at = bytes.indices.first { bytes[$0...].starts(with: Array("<TextSource".utf8)) } ?? 0
    bytes.insert(contentsOf: [0xFF, 0xC3], at: at + 3)
    return Data(bytes)
  }

  @Test func invalidUTF8InAnElementNameIsAnError() throws {
    #expect(throws: GlossError.self) { _ = try XMLTree.parse(Self.damagedName(), file: "project.qde") }
    #expect(throws: GlossError.self) { _ = try XMLTree.parse(Data("<a><b\u{0}/></a>".utf8), file: "x") }
    let folder = try TempFolder()
    let project = try folder.project()
    let url = try folder.zip("bad.qdpx", [("project.qde", Self.damagedName())])
    #expect {
      _ = try project.session(as: "ana").importQDPX(url, source: "bad.qdpx")
    } throws: { error in
      (error as? GlossError)?.errorDescription?.contains("project.qde: is not UTF-8 XML") == true
    }
    #expect(throws: GlossError.self) {
      let qdc = Data(Array("<CodeBook".utf8) + [0xFF] + Array(" xmlns=\"urn:QDA-XML:codebook:1.0\"/>".utf8))
      _ = try project.session(as: "lead").importQDC(qdc, source: "c.qdc")
    }
  }

  /// Flipped and truncated bytes (fixed seed) over a project.qde: every case parses or fails
  /// with a `GlossError`; none crashes.
  @Test func fuzzedProjectFilesNeverCrash() throws {
    let original = Array(ImportAllAndQDCTests.twoUsers())
    var random = Xorshift(state: 0x9E37_79B9_7F4A_7C15)
    var parsed = 0
    var refused = 0
    for round in 0..<400 {
      var bytes = original
      if round % 5 == 0 {
        bytes.removeLast(Int.random(in: 1..<bytes.count, using: &random))
      }
      for _ in 0..<Int.random(in: 1...4, using: &random) {
        let index = Int.random(in: 0..<bytes.count, using: &random)
        // Mostly bytes that make invalid or unexpected UTF-8, sometimes markup.
        let choices: [UInt8] = [0xFF, 0xC3, 0x80, 0xE2, 0xF0, 0x00, 0x3C, 0x3E, 0x22, 0x26]
        bytes[index] =
          Bool.random(using: &random)
          ? choices[Int.random(in: 0..<choices.count, using: &random)] : UInt8.random(in: 0...255, using: &random)
      }
      do {
        _ = try XMLTree.parse(Data(bytes), file: "project.qde")
        parsed += 1
      } catch is GlossError {
        refused += 1
      }
    }
    #expect(parsed + refused == 400 && refused > 200)
  }
}
