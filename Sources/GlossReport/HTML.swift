import Foundation

/// Text helpers for the report: escaping and fixed number formats, so the same figures always
/// give the same bytes whatever the machine's locale.
public enum HTML {
  /// Escapes text for element content and double-quoted attribute values (also for the
  /// pages around the report, such as `gloss serve`'s agreement page).
  public static func escape(_ text: String) -> String {
    var result = ""
    result.reserveCapacity(text.utf8.count)
    for scalar in text.unicodeScalars {
      switch scalar {
      case "&": result += "&amp;"
      case "<": result += "&lt;"
      case ">": result += "&gt;"
      case "\"": result += "&quot;"
      case "'": result += "&#39;"
      // Control characters other than tab and line ends are parse errors in HTML.
      case "\t", "\n": result.unicodeScalars.append(scalar)
      case "\r": result += " "
      default:
        if scalar.value < 0x20 || (0x7f...0x9f).contains(scalar.value)
          || (0xfdd0...0xfdef).contains(scalar.value) || scalar.value & 0xfffe == 0xfffe
        {
          result += "\u{fffd}"
        } else {
          result.unicodeScalars.append(scalar)
        }
      }
    }
    return result
  }

  /// A figure with three decimals as `gloss agree` prints it; `n/a` when undefined.
  static func figure(_ value: Double?) -> String {
    guard let value, value.isFinite else { return "n/a" }
    let text = String(format: "%.3f", value)
    return text == "-0.000" ? "0.000" : text
  }

  /// A coordinate with one decimal, for SVG.
  static func coordinate(_ value: Double) -> String {
    let text = String(format: "%.1f", value)
    return text == "-0.0" ? "0.0" : text
  }

  /// At most `limit` characters, with an ellipsis when cut.
  static func truncate(_ text: String, _ limit: Int) -> String {
    text.count <= limit ? text : String(text.prefix(max(1, limit - 1))) + "…"
  }

  /// The data attributes that let tests (and scripts) read every figure back from the page:
  /// `data-figure` names the JSON key, `data-value` holds the printed value.
  static func hook(_ figure: String, _ value: String, _ scope: [(String, String)]) -> String {
    var text = ""
    for (key, item) in scope { text += " data-\(key)=\"\(escape(item))\"" }
    return text + " data-figure=\"\(figure)\" data-value=\"\(escape(value))\""
  }
}
