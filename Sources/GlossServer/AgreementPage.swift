import Foundation
import GlossCore
import GlossReport

/// `GET /agreement?unit=char|para|doc|segment`: `gloss report`'s figures, charts and tables at
/// the branch tip, as a page of its own. The report's CSS comes from `/report.css`, so the
/// page keeps the server's `style-src 'self'`; the unit is chosen by links because the policy
/// also forbids form submissions (`form-action 'none'`).
enum AgreementPage {
  static let path = "/agreement"

  /// The report's stylesheet and the page's bar above it; this page does not load `app.css`,
  /// so neither stylesheet changes the other's page.
  static let style =
    ReportRenderer.style + """
      .agreement-bar { display: flex; flex-wrap: wrap; align-items: center; gap: 0.4rem 1rem; font-size: 0.9rem;
        border-bottom: 1px solid #d0d0d0; padding-bottom: 0.5rem; }
      .agreement-bar a { color: #0b5394; }
      .agreement-bar a[aria-current="page"] { font-weight: 600; color: #1a1a1a; text-decoration: none; }
      .agreement-bar .units { display: flex; gap: 0.8rem; }
      """

  /// The whole page around `ReportRenderer.fragment`.
  static func html(_ input: ReportInput) -> String {
    let unit = input.options.unit
    var page = "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
    page += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
    page += "<title>Agreement · \(HTML.escape(input.projectName))</title>\n"
    page += "<link rel=\"icon\" href=\"data:,\">\n<link rel=\"stylesheet\" href=\"/report.css\">\n</head>\n<body>\n"
    page += "<header class=\"agreement-bar\" data-testid=\"agreement-bar\"><a href=\"/\">← Back to coding</a>"
    page += "<span class=\"units\">Unit:"
    for choice in AgreementUnit.allCases {
      let current = choice == unit ? " aria-current=\"page\"" : ""
      page += " <a href=\"\(path)?unit=\(choice.rawValue)\"\(current)>\(choice.rawValue)</a>"
    }
    page += "</span></header>\n<main data-testid=\"agreement\">\n"
    page += ReportRenderer.fragment(input)
    page += "</main>\n</body>\n</html>\n"
    return page
  }
}

extension API {
  /// The agreement page acting as `viewer`: under blind coding for leads only, as `gloss report`.
  func agreementPage(query: String, as viewer: String) async -> Reply {
    let query = Self.parseQuery(query)
    let version = glossVersion
    do {
      let unit = try Self.unit(query)
      return try await reader.run { project in
        let snapshot = try project.snapshot()
        try Policy(settings: try snapshot.settings(), viewer: viewer).requireAgreement()
        // The tip just checked: a commit made meanwhile is on the next load.
        guard let commit = snapshot.commitID?.hex else { throw GlossError.nothingToChange(.noCommitYet) }
        let input = try ReportInput.gather(
          project: project, revision: commit, history: nil, options: AgreementOptions(unit: unit),
          glossVersion: version)
        return Reply(
          status: 200, contentType: "text/html; charset=utf-8", body: Data(AgreementPage.html(input).utf8))
      }
    } catch {
      return Self.reply(for: error)
    }
  }
}
