import Foundation
import Testing

/// `gloss agree` through the real binary.
@Suite(.serialized) struct AgreeCommandTests {
  /// Two documents, two codes, ana and ben coding both; three coding commits after setup.
  func project() throws -> Sandbox {
    let sandbox = try Sandbox()
    let one = try sandbox.write(
      "d1.txt", "First paragraph about data.\n\nSecond paragraph, missing values.\n\nThird one.\n")
    let two = try sandbox.write("d2.txt", "Another transcript.\n\nWith two paragraphs.\n")
    try expectSuccess(sandbox.gloss("doc", "add", one, two))
    try expectSuccess(sandbox.gloss("code", "add", "Alpha"))
    try expectSuccess(sandbox.gloss("code", "add", "Beta"))
    try expectSuccess(sandbox.gloss("doc", "assign", "d1", "d2", "--to", "ana", "ben"))
    try expectSuccess(sandbox.gloss("--as", "ana", "add", "d1", "alpha", "--para", "1"))
    try expectSuccess(sandbox.gloss("--as", "ben", "add", "d1", "alpha", "--chars", "0-20"))
    try expectSuccess(sandbox.gloss("--as", "ana", "add", "d2", "beta", "--para", "2"))
    try expectSuccess(sandbox.gloss("--as", "ben", "add", "d1", "beta", "--para", "3"))
    return sandbox
  }

  func expectSuccess(_ run: Run, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(run.status == 0, "stderr: \(run.stderr)", sourceLocation: sourceLocation)
  }

  /// Positions of `keys` in `text`, which must increase: the documented key order.
  func expectOrder(_ text: String, _ keys: [String], sourceLocation: SourceLocation = #_sourceLocation) {
    var last = text.startIndex
    for key in keys {
      guard let range = text.range(of: "\"\(key)\":", range: last..<text.endIndex) else {
        Issue.record("key \(key) missing or out of order in \(text)", sourceLocation: sourceLocation)
        return
      }
      last = range.upperBound
    }
  }

  @Test func jsonHasTheDesignShape() throws {
    let sandbox = try project()
    for unit in ["char", "para", "doc", "segment"] {
      let run = try sandbox.gloss("agree", "--unit", unit, "--format", "json")
      expectSuccess(run)
      #expect(run.lines.count == 1)
      let text = run.stdout
      expectOrder(
        text,
        [
          "rev", "unit", "coders", "documents", "codes", "code", "name", "n_units", "prevalence",
          "alpha", "pa", "fleiss_kappa", "ac1", "bp", "pairs", "a", "b", "n_units", "pa",
          "cohen_kappa", "overall", "n_units", "alpha", "pa",
        ])
      let object = try #require(
        try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
      let head = try sandbox.git("rev-parse", "HEAD").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
      #expect(object["rev"] as? String == head)
      #expect(object["unit"] as? String == unit)
      #expect(object["coders"] as? [String] == ["ana", "ben"])
      #expect(object["documents"] as? [String] == ["d1", "d2"])
      let codes = try #require(object["codes"] as? [[String: Any]])
      #expect(codes.compactMap { $0["code"] as? String } == ["alpha", "beta"])
      #expect(!text.contains("NaN") && !text.contains("nan"))
      // alpha_u right after alpha, for segment only.
      #expect(text.contains(#""alpha_u":"#) == (unit == "segment"))
      if unit == "segment" {
        expectOrder(text, ["codes", "alpha", "alpha_u", "pa", "overall", "alpha", "alpha_u", "pa"])
        #expect(codes.allSatisfy { $0["alpha_u"] is Double })
      }
    }
    // Global options before or after the subcommand.
    let before = try sandbox.gloss("-C", sandbox.path, "--format", "json", "agree", in: sandbox.root)
    let after = try sandbox.gloss("agree", "-C", sandbox.path, "--format", "json", in: sandbox.root)
    expectSuccess(before)
    #expect(before.stdout == after.stdout)
  }

  @Test func tableShowsUnitFiguresAndKappaMatrix() throws {
    let sandbox = try project()
    let run = try sandbox.gloss("agree", "--unit", "para", "--bootstrap", "50", "--seed", "3")
    expectSuccess(run)
    #expect(run.stdout.contains("unit: para"))
    #expect(run.stdout.contains("ALPHA") && run.stdout.contains("95% CI"))
    #expect(run.stdout.contains("Cohen's kappa per pair"))
    let csv = try sandbox.gloss("agree", "--format", "csv")
    expectSuccess(csv)
    #expect(csv.stdout.hasPrefix("rev,date,unit,doc,code,name,n_units"))
    #expect(csv.stdout.components(separatedBy: "\r\n").count == 5)  // header, 2 codes, overall, ""
  }

  @Test func segmentTableAndCSVShowAlphaU() throws {
    let sandbox = try project()
    let table = try sandbox.gloss("agree", "--unit", "segment")
    expectSuccess(table)
    #expect(table.stdout.contains("ALPHA_U"))
    let plain = try sandbox.gloss("agree")
    #expect(!plain.stdout.contains("ALPHA_U"))
    let csv = try sandbox.gloss("agree", "--unit", "segment", "--format", "csv")
    let rows = csv.stdout.components(separatedBy: "\r\n")
    #expect(rows.first?.hasSuffix(",bp,alpha_u") == true)
    #expect(rows.dropFirst().first?.hasSuffix(",") == false)
  }

  /// Thresholds that are not numbers, and bootstraps without end, are refused up front.
  @Test(arguments: [
    (["agree", "--min", "nan"], "error: --min: needs a finite threshold"),
    (["agree", "--min", "inf"], "error: --min: needs a finite threshold"),
    (["agree", "--min=-inf"], "error: --min: needs a finite threshold"),
    (["agree", "--bootstrap", "100000000"], "error: --bootstrap: at most 100000 replicates"),
  ])
  func unboundedValuesAreRefused(arguments: [String], message: String) throws {
    let sandbox = try project()
    let run = try sandbox.gloss(args: arguments)
    #expect(run.status == 1)
    #expect(run.stderr.hasPrefix(message), "\(run.stderr)")
    #expect(run.stderr.split(separator: "\n").count == 1)
    #expect(run.stdout.isEmpty)
  }

  /// `--by-parent`: the children of a parent as one variable, in JSON, table and CSV.
  @Test func byParentMeasuresCodeGroups() throws {
    let sandbox = try project()
    try expectSuccess(sandbox.gloss("code", "add", "Tone"))
    try expectSuccess(sandbox.gloss("code", "add", "Positive", "--parent", "tone"))
    try expectSuccess(sandbox.gloss("code", "add", "Negative", "--parent", "tone"))
    try expectSuccess(sandbox.gloss("--as", "ana", "add", "d1", "positive", "--para", "1"))
    try expectSuccess(sandbox.gloss("--as", "ben", "add", "d1", "negative", "--para", "1"))
    try expectSuccess(sandbox.gloss("--as", "ben", "add", "d2", "positive", "--para", "1"))
    let run = try sandbox.gloss("agree", "--by-parent", "--unit", "para", "--format", "json")
    expectSuccess(run)
    expectOrder(
      run.stdout,
      [
        "rev", "unit", "by", "coders", "documents", "groups", "parent", "name", "children", "n_units",
        "n_multiple", "alpha", "pa", "fleiss_kappa", "ac1", "bp", "pairs", "a", "b", "n_units", "pa",
        "cohen_kappa",
      ])
    let object = try #require(
      try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
    let groups = try #require(object["groups"] as? [[String: Any]])
    #expect(groups.map { $0["parent"] as? String } == ["tone"])
    #expect(groups.first?["children"] as? [String] == ["negative", "positive"])
    // Five paragraphs: d1 ¶1 positive vs negative, d2 ¶1 none vs positive, three times none.
    #expect(groups.first?["n_units"] as? Int == 5)
    #expect(groups.first?["pa"] as? Double == 0.6)
    let table = try sandbox.gloss("agree", "--by-parent")
    expectSuccess(table)
    #expect(table.stdout.contains("PARENT") && table.stdout.contains("tone"))
    let csv = try sandbox.gloss("agree", "--by-parent", "--format", "csv")
    #expect(csv.stdout.components(separatedBy: "\r\n").count == 3)  // header, tone, ""
    let childless = try sandbox.gloss("agree", "--by-parent", "--codes", "alpha")
    #expect(childless.status == 1)
    #expect(childless.stderr.hasPrefix("error: --codes: code 'alpha' has no child codes"))
    for arguments in [["--unit", "segment"], ["--history", "HEAD~1..HEAD"], ["--min", "0.5"]] {
      let refused = try sandbox.gloss(args: ["agree", "--by-parent"] + arguments)
      #expect(refused.status != 0 && refused.stderr.contains("--by-parent"), "\(arguments)")
    }
  }

  @Test func minimumGateExitsOneNamingTheCodes() throws {
    let sandbox = try project()
    let pass = try sandbox.gloss("agree", "--min=-1")
    expectSuccess(pass)
    let fail = try sandbox.gloss("agree", "--unit", "para", "--min", "0.99")
    #expect(fail.status == 1)
    #expect(fail.stderr.hasPrefix("error: alpha below 0.99"))
    #expect(fail.stderr.contains("beta (") && !fail.stderr.contains("alpha ("))
    #expect(fail.stderr.split(separator: "\n").count == 1)
  }

  @Test func historyLinesEqualPerRevisionOutput() throws {
    let sandbox = try project()
    let run = try sandbox.gloss("agree", "--history", "HEAD~6..HEAD", "--unit", "para", "--format", "json")
    expectSuccess(run)
    let commits = try sandbox.git("rev-list", "--first-parent", "--reverse", "HEAD~6..HEAD").lines
    // Commits before both coders had files are skipped; the rest each give one line.
    #expect(run.lines.count >= 4 && run.lines.count <= commits.count)
    for line in run.lines {
      let object = try #require(
        try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
      let rev = try #require(object["rev"] as? String)
      #expect(commits.contains(rev))
      let date = try #require(object["date"] as? String)
      #expect(line.hasSuffix(",\"date\":\"\(date)\"}"))
      let single = try sandbox.gloss("agree", "--rev", rev, "--unit", "para", "--format", "json")
      #expect(single.stdout == String(line.dropLast(",\"date\":\"\(date)\"}".count)) + "}\n")
    }
    let csv = try sandbox.gloss("agree", "--history", "HEAD~2..HEAD", "--format", "csv")
    expectSuccess(csv)
    #expect(csv.stdout.components(separatedBy: "\r\n").count == 1 + 2 * 3 + 1)
  }

  @Test func disagreementsListTheText() throws {
    let sandbox = try project()
    let run = try sandbox.gloss("agree", "--disagreements", "--format", "json")
    expectSuccess(run)
    #expect(run.stdout.contains(#""doc":"d1","code":"alpha","start":20,"end":27"#))
    #expect(run.stdout.contains(#""coded":["ana"],"not_coded":["ben"],"text":"t data."#))
  }

  @Test(arguments: [
    (["agree", "--coders", "ana,zed"], "error: no annotations by coder 'zed'"),
    (["agree", "--codes", "nope"], "error: unknown code 'nope'"),
    (["agree", "--docs", "nope"], "error: unknown document 'nope'"),
    (["agree", "--rev", "nope"], "error: unknown revision 'nope'"),
    (["agree", "--coders", "ana"], "error: agreement needs two coders with data"),
    (["agree", "--history", "nope..HEAD"], "error: unknown revision 'nope'"),
  ])
  func badInputIsOneErrorLine(arguments: [String], message: String) throws {
    let sandbox = try project()
    let run = try sandbox.gloss(args: arguments)
    #expect(run.status == 1)
    #expect(run.stderr.hasPrefix(message), "\(run.stderr)")
    #expect(run.stderr.split(separator: "\n").count == 1)
    #expect(run.stdout.isEmpty)
  }

  @Test func noVariationIsNull() throws {
    let sandbox = try Sandbox()
    let doc = try sandbox.write("d.txt", "Nothing to see here.\n")
    try expectSuccess(sandbox.gloss("doc", "add", doc))
    try expectSuccess(sandbox.gloss("code", "add", "Alpha"))
    try expectSuccess(sandbox.gloss("doc", "assign", "d", "--to", "ana", "ben"))
    let run = try sandbox.gloss("agree", "--format", "json")
    expectSuccess(run)
    #expect(run.stdout.contains(#""alpha":null,"pa":1,"fleiss_kappa":null,"ac1":1,"bp":1"#))
    #expect(run.stdout.contains(#""cohen_kappa":null"#))
  }
}
