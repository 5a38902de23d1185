/// The pages, script and styles, compiled into the binary: no files to find at run time, no
/// network, no build step outside SwiftPM. No request path reaches the file system: a path is
/// only a key in this table.
enum Assets {
  struct Asset: Sendable {
    let contentType: String
    let body: String
  }

  static let byPath: [String: Asset] = [
    "/": Asset(contentType: "text/html; charset=utf-8", body: page),
    "/app.js": Asset(contentType: "text/javascript; charset=utf-8", body: script + leadScript),
    "/app.css": Asset(contentType: "text/css; charset=utf-8", body: style),
    "/report.css": Asset(contentType: "text/css; charset=utf-8", body: AgreementPage.style),
  ]
}
