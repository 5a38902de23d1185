import Foundation

extension Project {
  /// Writes the shipped hooks into the repository's hooks folder (`core.hooksPath` if set).
  /// An existing hook that gloss did not write is kept unless `force`.
  public func installHooks(server: Bool, force: Bool) throws -> [String] {
    var folder = repository.config("core.hooksPath") ?? (repository.gitDirectory + "hooks")
    if !folder.hasPrefix("/") { folder = (repository.workdir ?? repository.gitDirectory) + folder }
    let manager = FileManager.default
    try manager.createDirectory(atPath: folder, withIntermediateDirectories: true)
    var installed: [String] = []
    for name in server ? ShippedHooks.server : ShippedHooks.client {
      guard let script = ShippedHooks.script(name) else { continue }
      let path = folder + "/" + name
      if let existing = manager.contents(atPath: path), !force,
        !String(decoding: existing, as: UTF8.self).contains("Gloss")
      {
        throw GlossError.foreignHook(path: path)
      }
      try Data(script.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
      try manager.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
      installed.append(path)
    }
    return installed
  }
}

extension Project {
  /// Why the server cannot tie commits to people, or nil: without a `coders:` map in
  /// gloss.yaml at HEAD, authorship rests on `Gloss-Coder` trailers, which anyone can write.
  public func authorshipWarning() -> String? {
    guard let settings = try? snapshot().settings() else {
      return "no gloss.yaml at HEAD yet; once the project is pushed, give it a coders: map "
        + "('gloss coder add NAME --email E'), or authorship rests on Gloss-Coder trailers alone"
    }
    guard settings.coders.isEmpty else { return nil }
    return "gloss.yaml has no coders: map, so authorship rests on Gloss-Coder trailers alone; "
      + "a lead adds e-mails with 'gloss coder add NAME --email E'"
  }
}
