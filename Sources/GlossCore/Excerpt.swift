/// Short one-line quotes of user text, for messages, review reasons and exported labels.
public enum Excerpt {
  /// `text` on one line (each line break a space), cut to `limit` characters with `…`.
  public static func oneLine(_ text: String, limit: Int = 60) -> String {
    let flat = String(text.map { $0.isNewline ? " " : $0 })
    return flat.count <= limit ? flat : String(flat.prefix(max(0, limit - 1))) + "…"
  }
}
