import Foundation
import Testing

@Suite struct ReconcileTests {
  @Test func agreementsGoToConsensusAndDecisionsAreRecorded() throws {
    let box = try Sandbox.twoCoders()
    let anaLow = try box.add("ana", "d1", "low", "--para", "1")
    let anaOut = try box.add("ana", "d1", "outlier", "--para", "2")
    let benLow = try box.add("ben", "d1", "low", "--para", "1")
    let benMiss = try box.add("ben", "d1", "missing", "--para", "3")

    let refused = try box.gloss("--as", "ana", "reconcile", "d1", "--coders", "ana,ben")
    #expect(refused.status == 1 && refused.stderr.contains("only a lead"))

    let first = try box.gloss("reconcile", "d1", "--coders", "ana,ben")
    #expect(first.status == 0, "\(first.stderr)")
    #expect(first.stdout.contains("1 span(s) all coders agree on"))
    // Open items show each id's handle (its end), which --take and --drop accept.
    let open = first.lines.filter { $0.hasPrefix("  open    ") }.map { $0.split(separator: " ")[1] }
    #expect(open.count == 2 && open.allSatisfy { anaOut.hasSuffix($0) || benMiss.hasSuffix($0) })
    #expect(first.stdout.contains("Second paragraph on outliers."))
    let consensus = try box.read("annotations/consensus/d1.jsonl")
    #expect(consensus.split(separator: "\n").count == 1)
    #expect(consensus.contains("\"sources\":[\"\(min(anaLow, benLow))\",\"\(max(anaLow, benLow))\"]"))

    let decide = try box.gloss(
      "reconcile", "d1", "--coders", "ana,ben", "--take", String(anaOut.prefix(12)), "--drop", benMiss)
    #expect(decide.status == 0, "\(decide.stderr)")
    let after = try box.read("annotations/consensus/d1.jsonl")
    #expect(after.split(separator: "\n").count == 2)
    #expect(after.contains("\"sources\":[\"\(anaOut)\"]"))
    let memo = try box.read("memos/reconcile/d1.md")
    #expect(memo.contains("- taken \(anaOut) by lead: ana outlier"))
    #expect(memo.contains("- dropped \(benMiss) by lead: ben missing"))

    let again = try box.gloss("reconcile", "d1", "--coders", "ana,ben", "--format", "json")
    #expect(again.status == 0)
    #expect(!again.stdout.contains("\"open\""))
    #expect(again.stdout.contains("\"commit\":null"))
    let consensusListing = try box.listing().filter { $0.contains(",consensus,") }
    #expect(consensusListing.count == 2)
    try box.expectHealthy()
  }

  @Test func unknownDecisionsAndUncodedDocumentsAreRefused() throws {
    let box = try Sandbox.twoCoders()
    try box.add("ana", "d1", "low", "--para", "1")
    let uncoded = try box.gloss("reconcile", "d1", "--coders", "ana,cy")
    #expect(uncoded.status == 1 && uncoded.stderr.contains("cy has not coded d1"))
    let bogus = try box.gloss("reconcile", "d1", "--coders", "ana,ben", "--take", "nonexistent-id")
    #expect(bogus.status == 1)
  }

  /// --majority and --take-all write exactly what the same decisions by hand write (records
  /// other than their fresh ids, and the memo), in a clone as the witness.
  @Test func strategiesDecideExactlyAsTheSameDecisionsByHand() throws {
    let box = try Sandbox.twoCoders()
    try box.gloss("doc", "assign", "d1", "--to", "cy")
    let low = try ["ana", "ben", "cy"].map { try box.add($0, "d1", "low", "--para", "1") }
    let outlier = try ["ana", "ben"].map { try box.add($0, "d1", "outlier", "--para", "2") }
    let missing = try box.add("cy", "d1", "missing", "--para", "3")
    let witness = box.root + "/witness"
    try box.git("clone", "-q", box.path, witness, in: box.root)
    func consensus(_ folder: String) throws -> (String, String) {
      let records = try String(contentsOfFile: folder + "/annotations/consensus/d1.jsonl", encoding: .utf8)
      return (
        records.replacing(/"id":"[0-9a-f-]+",/, with: ""),
        try String(contentsOfFile: folder + "/memos/reconcile/d1.md", encoding: .utf8)
      )
    }
    #expect(low.count == 3)
    let both = try box.gloss("reconcile", "d1", "--coders", "ana,ben,cy", "--majority", "--take-all", "ana")
    #expect(both.status == 64 && both.stderr.contains("alternatives"), "\(both.stderr)")
    let stranger = try box.gloss("reconcile", "d1", "--coders", "ana,ben", "--take-all", "cy")
    #expect(stranger.status == 1 && stranger.stderr == "error: --take-all: cy is not one of --coders\n")
    #expect(try box.git("status", "--porcelain").stdout.isEmpty)

    let majority = try box.gloss("reconcile", "d1", "--coders", "ana,ben,cy", "--majority")
    #expect(majority.status == 0 && !majority.stdout.contains(" open"), "\(majority.stdout)")
    let byHand = try box.gloss(
      args: ["reconcile", "d1", "--coders", "ana,ben,cy", "--take"] + outlier + ["--drop", missing], in: witness)
    #expect(byHand.status == 0, "\(byHand.stderr)")
    let (records, memo) = try consensus(box.path)
    #expect(try consensus(witness) == (records, memo))
    #expect(records.split(separator: "\n").count == 2 && memo.contains("- dropped \(missing)"))

    // Take-all over two coders: ana's version, so ben's extra span is dropped.
    let extra = try box.add("ben", "d1", "missing", "--para", "2")
    let takeAll = try box.gloss("reconcile", "d1", "--coders", "ana,ben", "--take-all", "ana", "--format", "json")
    #expect(takeAll.status == 0 && takeAll.stdout.contains("\"decision\":\"dropped\""), "\(takeAll.stdout)")
    #expect(try box.read("memos/reconcile/d1.md").contains("- dropped \(extra) by lead: ben missing"))
    try box.expectHealthy()
  }
}
