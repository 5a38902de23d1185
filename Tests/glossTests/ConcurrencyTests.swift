import Foundation
import Testing

@Suite struct ConcurrencyTests {
  /// Eight `gloss add` processes at once on one repository: every one commits, none is lost.
  @Test func eightParallelWritersLoseNothing() throws {
    let box = try Sandbox.twoCoders()
    let before = try box.commitCount()
    let writers = 8
    let runs = Mutex<[Run?]>(Array(repeating: nil, count: writers))
    let (env, path) = (box.env, box.path)
    DispatchQueue.concurrentPerform(iterations: writers) { index in
      let coder = ["ana", "ben", "cy", "di"][index % 4]
      let code = ["low", "outlier", "missing"][index % 3]
      let run = try? Shell.run(
        Shell.glossPath, ["--as", coder, "add", "d1", code, "--chars", "\(index)-\(index + 5)"],
        in: path, env: env)
      runs.withLock { $0[index] = run }
    }
    let results = runs.withLock { $0 }
    for (index, run) in results.enumerated() {
      #expect(run?.status == 0, "writer \(index): \(run?.stderr ?? "did not run")")
    }
    #expect(try box.commitCount() == before + writers)
    let listing = try box.listing().joined(separator: "\n")
    for run in results {
      let id = run?.stdout.trimmingCharacters(in: .whitespacesAndNewlines) ?? "missing"
      #expect(listing.contains(id))
    }
    try box.expectHealthy()
  }
}

/// A minimal lock-protected box for collecting results from concurrent work.
final class Mutex<Value>: @unchecked Sendable {
  private var value: Value
  private let lock = NSLock()

  init(_ value: Value) { self.value = value }

  func withLock<T>(_ body: (inout Value) -> T) -> T {
    lock.lock()
    defer { lock.unlock() }
    return body(&value)
  }
}
