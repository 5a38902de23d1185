/// SplitMix64 (Steele, Lea & Flood 2014): a tiny generator whose output is fixed by its
/// seed on every platform, so a bootstrap interval printed by one machine can be checked
/// on another. The standard library's generators promise no such stability.
public struct SplitMix64: RandomNumberGenerator, Sendable {
  /// The whole state: one 64-bit counter.
  public private(set) var state: UInt64

  public init(seed: UInt64) {
    state = seed
  }

  /// The next 64 random bits.
  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// A uniform integer in `0..<bound` (0 when `bound` is not positive).
  ///
  /// Lemire's multiply-and-reject method, written out here rather than taken from
  /// `Int.random(in:using:)` so that the sequence cannot change with the toolchain.
  public mutating func next(below bound: Int) -> Int {
    guard bound > 1 else { return 0 }
    let range = UInt64(bound)
    let threshold = (0 &- range) % range
    while true {
      let product = next().multipliedFullWidth(by: range)
      if product.low >= threshold {
        return Int(product.high)
      }
    }
  }
}
