extension String {
  /// A one-line excerpt of user text for tables and messages: line breaks become spaces
  /// and text past `limit` characters is cut, ending in "…". The one such helper, shared
  /// by review reasons, exported labels and every command's output.
  public func excerpt(limit: Int = 60) -> String {
    let flat = String(map { $0.isNewline ? " " : $0 })
    return flat.count <= limit ? flat : String(flat.prefix(max(0, limit - 1))) + "…"
  }
}
