import ArgumentParser
import GlossCore
import GlossServer

/// `gloss serve`: the web app for coders (DESIGN §9). Parsing only; GlossServer does the rest.
struct Serve: PlainCommand {
  static let configuration = CommandConfiguration(
    commandName: "serve",
    abstract: "Code in the browser: a local web app on this project, acting as you.",
    discussion: """
      Prints one line, 'Serving <project> at http://127.0.0.1:<port>/?token=<token>', and \
      serves until Ctrl-C (SIGINT) or SIGTERM. Open that URL: the token in it logs the \
      browser in (a cookie) and leaves the address bar. Every click that changes something \
      is one commit with your name, exactly as the command line would make it; the page \
      follows commits made elsewhere (the CLI, a pull) as they happen. API clients send \
      'Authorization: Bearer <token>'. See docs/serve.md.

      Examples:
        gloss serve
        gloss serve --port 8080 --open
        gloss --as ana serve --port 0
        gloss --as lead serve --team          # then: gloss --as lead serve link ana
      """,
    subcommands: [ServeLink.self])

  @OptionGroup var globals: GlobalOptions
  @Option(help: "Port to listen on; 0 picks a free one.") var port: Int = 7710
  @Option(help: ArgumentHelp("Address to listen on (loopback unless you mean it).", valueName: "addr"))
  var bind: String = "127.0.0.1"
  @Flag(help: "Open the page in the default browser.") var open = false
  @Flag(help: "Serve several coders, each through a personal link ('gloss serve link CODER'); leads only.")
  var team = false
  @Option(
    help: ArgumentHelp(
      "Where a TLS reverse proxy serves the pages (https://host): its Host and Origin are accepted.",
      valueName: "url"))
  var publicURL: String?

  func check() throws {
    guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
  }

  func run() throws {
    try Server.run(
      ServeOptions(
        directory: globals.directory, coder: globals.coder, port: port, bind: bind, openBrowser: open, team: team,
        publicURL: publicURL, glossVersion: Gloss.configuration.version))
  }
}

/// `gloss serve link CODER`: a personal URL to the running team server.
struct ServeLink: GlossCommand {
  static let configuration = CommandConfiguration(
    commandName: "link",
    abstract: "Print a personal link to the running 'gloss serve --team' that acts as CODER (leads).",
    discussion: """
      The link's token is stored only as a hash in the git directory; a new link for the \
      same coder replaces the old one, which stops working.

      Examples:
        gloss --as lead serve link ana
      """)

  @OptionGroup var globals: GlobalOptions
  @Argument(help: "The coder the link acts as.") var coder: String

  func run(_ session: Session) throws {
    Output.print(try Server.link(for: coder, in: session))
  }
}
