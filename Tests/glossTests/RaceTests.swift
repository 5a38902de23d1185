import Foundation
import Testing

/// A plain `git commit` running beside gloss must never undo a gloss commit (issue 11).
@Suite struct RaceTests {
  /// A background loop (bounded; it stops when gloss is done) of `git commit -am` and
  /// `git commit --allow-empty` on a file outside the annotations, against 30 gloss adds: every id gloss reported is in HEAD afterwards,
  /// fsck is clean and so is the work tree.
  @Test func plainGitCommitsBesideGlossLoseNothing() throws {
    let box = try Sandbox.twoCoders()
    try box.write("project/notes.txt", "notes\n")
    try box.git("add", "notes.txt")
    try box.git("commit", "-qm", "notes")
    // Two loops: one commits an edit of notes.txt, the other empty commits (both write a
    // tree from the index, which is what undid gloss commits before).
    let loops = try [
      "echo \"$i\" >> notes.txt; git commit -qam \"note $i\"",
      "git commit -q --allow-empty -m \"empty $i\"",
    ].map { step in
      let loop = Process()
      loop.executableURL = URL(fileURLWithPath: "/bin/sh")
      loop.arguments = [
        "-c", "for i in $(seq 1 150); do [ -e ../stop ] && break; \(step) >/dev/null 2>&1; done",
      ]
      loop.currentDirectoryURL = URL(fileURLWithPath: box.path)
      loop.environment = Shell.environment(box.env)
      try loop.run()
      return loop
    }
    var reported: [String] = []
    for index in 0..<30 {
      let coder = index % 2 == 0 ? "ana" : "ben"
      let run = try box.gloss("--as", coder, "add", "d1", "low", "--chars", "\(index)-\(index + 3)")
      #expect(run.status == 0, "gloss add \(index): \(run.stderr)")
      if run.status == 0 { reported.append(run.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }
    try box.write("stop", "")
    loops.forEach { $0.waitUntilExit() }
    // The loop's last edit may have lost its race for index.lock: commit it serially.
    try box.git("commit", "-qam", "last notes")
    let listing = try box.listing().joined(separator: "\n")
    let lost = reported.filter { !listing.contains($0) }
    #expect(lost.isEmpty, "gloss reported these but HEAD lacks them: \(lost)")
    try box.expectHealthy()
  }
}
