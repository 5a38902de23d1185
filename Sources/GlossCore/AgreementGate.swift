import Foundation
import Yams

/// The agreement gate of the pre-push hook and the CI script (`gloss agree --gate`), set for
/// the whole team in gloss.yaml:
///
/// ```yaml
/// gate:
///   min: 0.67           # alpha every code in scope must reach
///   unit: para          # char (default), para, doc or segment
///   codes: [data-low-quantity, label-noise]   # default: every code
/// ```
///
/// `git config gloss.minAlpha` (pre-push), `GLOSS_MIN_ALPHA` (CI) and `--min` override the
/// threshold; `--unit` and `--codes` override the others.
public struct AgreementGate: Sendable, Equatable {
  public var minimum: Double?
  public var unit: AgreementUnit?
  /// Code ids or names; nil: every code.
  public var codes: [String]?

  public init(minimum: Double? = nil, unit: AgreementUnit? = nil, codes: [String]? = nil) {
    self.minimum = minimum
    self.unit = unit
    self.codes = codes
  }

  static let keys = ["min", "unit", "codes"]

  /// Reads `gate:`; every bad value is one error naming gloss.yaml and its line, so a typo
  /// never quietly gates on the wrong figures.
  static func decode(_ node: Node, file: String) throws -> AgreementGate {
    func fail(_ at: Node, _ message: String) -> GlossError {
      GlossError.malformed(file: file, line: YAMLSupport.line(at), message: message)
    }
    guard case .mapping(let mapping) = node else {
      throw fail(node, "'gate' must map min, unit and codes to values")
    }
    for key in mapping.keys where !keys.contains(key.string ?? "") {
      throw fail(key, "unknown key 'gate.\(key.string ?? "?")' (known: \(keys.joined(separator: ", ")))")
    }
    var gate = AgreementGate()
    if let node = mapping["min"] {
      guard let text = try YAMLSupport.string(node, key: "gate.min", file: file, required: true),
        let value = Double(text), value.isFinite, (-1...1).contains(value)
      else { throw fail(node, "'gate.min' must be a number from -1 to 1 (an alpha), like 0.67") }
      gate.minimum = value
    }
    if let node = mapping["unit"] {
      let names = AgreementUnit.allCases.map(\.rawValue)
      guard let text = try YAMLSupport.string(node, key: "gate.unit", file: file, required: true),
        let unit = AgreementUnit(rawValue: text)
      else { throw fail(node, "'gate.unit' must be one of \(names.joined(separator: ", "))") }
      gate.unit = unit
    }
    if let node = mapping["codes"] {
      let codes = try YAMLSupport.strings(node, key: "gate.codes", file: file)
      guard !codes.isEmpty, codes.allSatisfy({ !$0.isEmpty }) else {
        throw fail(node, "'gate.codes' must list code ids or names (leave it out for every code)")
      }
      gate.codes = codes
    }
    return gate
  }

  /// The `gate:` block as gloss.yaml writes it.
  var yaml: String {
    var text = "gate:\n"
    if let minimum { text += "  min: \(JSON.double(minimum).compact)\n" }
    if let unit { text += "  unit: \(unit.rawValue)\n" }
    if let codes { text += "  codes: [\(codes.map(YAMLSupport.flowScalar).joined(separator: ", "))]\n" }
    return text
  }
}

extension AgreementOptions {
  /// These options narrowed by the gate where they leave the choice open: the gate's unit
  /// unless `explicitUnit`, its codes unless codes were named.
  public func gated(by gate: AgreementGate?, explicitUnit: Bool) -> AgreementOptions {
    guard let gate else { return self }
    var options = self
    if !explicitUnit, let unit = gate.unit { options.unit = unit }
    if options.codes == nil { options.codes = gate.codes }
    return options
  }
}
