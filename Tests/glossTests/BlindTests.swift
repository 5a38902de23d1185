import Foundation
import Testing

@Suite struct BlindCodingTests {
  @Test func codersSeeOnlyTheirOwnUntilTheLeadOpensTheComparison() throws {
    let box = try Sandbox.twoCoders()
    let anaID = try box.add("ana", "d1", "low", "--para", "1")
    let benID = try box.add("ben", "d1", "outlier", "--para", "2")
    #expect(try box.gloss("--as", "ana", "blind", "on").stderr.contains("only a lead"))
    let on = try box.gloss("blind", "on")
    #expect(on.status == 0, "\(on.stderr)")
    #expect(try box.read("gloss.yaml").contains("blind: true"))

    // Tables show handles: the ids' last characters.
    let (anaHandle, benHandle) = (String(anaID.suffix(8)), String(benID.suffix(8)))
    let ls = try box.gloss("--as", "ana", "ls")
    #expect(ls.status == 0 && ls.stdout.contains(anaHandle) && !ls.stdout.contains(benHandle))
    let asked = try box.gloss("--as", "ana", "ls", "--coder", "ben")
    #expect(!asked.stdout.contains(benHandle))
    let show = try box.gloss("--as", "ana", "doc", "show", "d1", "--coder", "ben")
    #expect(show.status == 1 && show.stderr.contains("blind coding is on"))
    #expect(try box.gloss("--as", "ana", "doc", "show", "d1", "--coder", "ana").status == 0)
    let pair = try box.gloss("--as", "ana", "diff", "--coders", "ana", "ben")
    #expect(pair.status == 1 && pair.stderr.contains("blind coding is on"))
    let history = try box.gloss("--as", "ben", "diff", "HEAD~3", "HEAD", "--format", "json")
    #expect(history.stdout.contains(benID) && !history.stdout.contains(anaID), "\(history.stdout)")
    let log = try box.gloss("--as", "ben", "log", "--format", "json")
    #expect(log.stdout.contains(benID) && !log.stdout.contains(anaID), "\(log.stdout)")
    // The lead sees everything, and opens the comparison.
    #expect(try box.gloss("ls").stdout.contains(benHandle))
    #expect(try box.gloss("blind", "off").status == 0)
    #expect(try box.gloss("--as", "ana", "ls").stdout.contains(benHandle))
    #expect(try box.gloss("--as", "ana", "diff", "--coders", "ana", "ben").status == 0)
    try box.expectHealthy()
  }
}
