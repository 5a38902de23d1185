import ArgumentParser
import Foundation
import GlossCore

/// The git merge driver `gloss init` registers (`merge.gloss.driver`), so plain `git merge`,
/// `git pull` and `git rebase` merge annotation files and the codebook record by record.
struct MergeDriver: PlainCommand {
  static let configuration = CommandConfiguration(
    commandName: "merge-driver",
    abstract: "Git merge driver: merge one annotation file or codebook.yaml record by record.",
    discussion: """
      Called by git as 'gloss merge-driver %O %A %B %P' (see .gitattributes). Writes the \
      merged file into OURS and exits 0; when records conflict it writes them between \
      <<<<<<< ours / ======= / >>>>>>> theirs lines, lists them on stderr and exits 1, so \
      git reports a conflict to resolve by editing the file.

      Examples:
        # what gloss init writes into .git/config:
        git config merge.gloss.driver "gloss merge-driver %O %A %B %P"
        gloss merge-driver base.jsonl ours.jsonl theirs.jsonl annotations/ana/interview-34.jsonl
      """)

  @OptionGroup var globals: GlobalOptions
  @Argument(help: "The common ancestor's version (%O).") var base: String
  @Argument(help: "Our version (%A); the result is written here.") var ours: String
  @Argument(help: "Their version (%B).") var theirs: String
  @Argument(help: "The path in the repository (%P).") var path: String

  func run() throws {
    func read(_ file: String, _ name: String) throws -> Data {
      try Output.readInput(file, argument: name)
    }
    let result = try FileMerge.merge(
      path: path, base: try read(base, "BASE"), ours: try read(ours, "OURS"),
      theirs: try read(theirs, "THEIRS"))
    do {
      try (result.contents ?? Data()).write(to: URL(fileURLWithPath: ours))
    } catch {
      throw GlossError.cannotWrite(file: ours, what: "the merged file", reason: error.localizedDescription)
    }
    for note in result.notes { Output.note("gloss: \(note)") }
    guard result.conflicts.isEmpty else {
      for conflict in result.conflicts {
        Output.note("gloss: conflict in \(path): \(conflict.id ?? "the file") \(conflict.reason)")
      }
      throw ExitCode(1)
    }
  }
}
