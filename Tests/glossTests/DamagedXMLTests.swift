import Foundation
import Testing

/// A .qdpx or .qdc whose XML is damaged (bytes that are not UTF-8 in an element name, which
/// Foundation's parser would trap on) ends in one `error:` line, exit 1, and no commit.
@Suite struct DamagedXMLTests {
  /// A zip with stored (uncompressed) entries, so a test can put exact bytes in one.
  static func storedZip(_ entries: [(String, [UInt8])]) -> Data {
    var table = [UInt32](repeating: 0, count: 256)
    for index in 0..<256 {
      var value = UInt32(index)
      for _ in 0..<8 { value = value & 1 == 1 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1 }
      table[index] = value
    }
    func crc(_ bytes: [UInt8]) -> UInt32 {
      ~bytes.reduce(~UInt32(0)) { table[Int(($0 ^ UInt32($1)) & 0xFF)] ^ ($0 >> 8) }
    }
    var out: [UInt8] = []
    var central: [UInt8] = []
    func le(_ value: UInt32, _ size: Int, into bytes: inout [UInt8]) {
      for shift in 0..<size { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * UInt32(shift)))) }
    }
    for (name, data) in entries {
      let offset = UInt32(out.count)
      let fields: [(UInt32, Int)] = [
        (20, 2), (0, 2), (0, 2), (0, 2), (0x21, 2), (crc(data), 4), (UInt32(data.count), 4), (UInt32(data.count), 4),
        (UInt32(name.utf8.count), 2), (0, 2),
      ]
      le(0x0403_4B50, 4, into: &out)
      for (value, size) in fields { le(value, size, into: &out) }
      out += Array(name.utf8) + data
      le(0x0201_4B50, 4, into: &central)
      le(20, 2, into: &central)
      for (value, size) in fields { le(value, size, into: &central) }
      for (value, size) in [(0, 2), (0, 2), (0, 2), (0, 4), (offset, 4)] as [(UInt32, Int)] {
        le(value, size, into: &central)
      }
      central += Array(name.utf8)
    }
    let centralOffset = UInt32(out.count)
    out += central
    le(0x0605_4B50, 4, into: &out)
    for (value, size) in [
      (0, 2), (0, 2), (UInt32(entries.count), 2), (UInt32(entries.count), 2), (UInt32(central.count), 4),
      (centralOffset, 4), (0, 2),
    ] as [(UInt32, Int)] {
      le(value, size, into: &out)
    }
    return Data(out)
  }

  static let project = Array(
    """
    <?xml version="1.0" encoding="UTF-8"?>
    <Project xmlns="urn:QDA-XML:project:1.0" name="p" origin="x">
      <Users><User guid="11111111-1111-1111-1111-111111111111" name="ana"/></Users>
      <Sources><TextSource guid="44444444-4444-4444-4444-444444444444" name="d"><PlainTextContent>Hello</PlainTextContent></TextSource></Sources>
    </Project>
    """.utf8)

  @Test func damagedQDPXAndQDCFailCleanly() throws {
    let box = try Sandbox()
    // The intact file imports, so what fails below is the damage alone.
    let good = box.root + "/good.qdpx"
    try Self.storedZip([("project.qde", Self.project)]).write(to: URL(fileURLWithPath: good))
    #expect(try box.gloss("--as", "lead", "import", "qdpx", good, "--dry-run").status == 0)
    var damaged = Self.project
    let at = damaged.indices.first { damaged[$0...].starts(with: Array("<TextSource".utf8)) } ?? 0
    damaged.insert(contentsOf: [0xFF, 0xC3], at: at + 4)
    let bad = box.root + "/bad.qdpx"
    try Self.storedZip([("project.qde", damaged)]).write(to: URL(fileURLWithPath: bad))
    let before = try box.commitCount()
    let run = try box.gloss("--as", "lead", "import", "qdpx", bad)
    #expect(run.status == 1)
    #expect(run.stderr == "error: \(bad):project.qde: is not UTF-8 XML; refused\n", "\(run.stderr)")
    let qdc = box.root + "/bad.qdc"
    try Data(Array("<?xml version=\"1.0\"?><Code".utf8) + [0xE2, 0x28] + Array("Book/>".utf8))
      .write(to: URL(fileURLWithPath: qdc))
    let codebook = try box.gloss("--as", "lead", "import", "qdc", qdc)
    #expect(codebook.status == 1)
    #expect(codebook.stderr == "error: \(qdc): is not UTF-8 XML; refused\n", "\(codebook.stderr)")
    #expect(try box.commitCount() == before)
  }
}
