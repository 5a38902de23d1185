import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// docs/serve.md's nginx site, run for real: nginx on 127.0.0.1 (a free port, a throwaway
/// self-signed certificate) in front of `gloss serve --team --public-url`, with curl over TLS as
/// the browser. nginx runs in the foreground (`daemon off`, its own pid file and logs in the
/// sandbox) as this test's child, so stopping it is a signal and a bounded wait: a daemonized
/// nginx would outlive the test, and a buffering proxy would hold server-sent events back (the
/// events check has a deadline, so buffering fails instead of hanging).
@Suite(.serialized) struct ServeProxyTests {
  static let nginx = "/usr/sbin/nginx"

  /// nginx.conf for the test: the site of docs/serve.md on `port`, in the foreground, every
  /// file it writes inside `folder`.
  static func configuration(folder: String, port: Int, upstream: Int) -> String {
    """
    daemon off;
    worker_processes 1;
    pid \(folder)/nginx.pid;
    error_log \(folder)/error.log warn;
    events { worker_connections 64; }
    http {
        access_log off;
        client_body_temp_path \(folder)/body;
        proxy_temp_path \(folder)/proxy;
        fastcgi_temp_path \(folder)/fastcgi;
        uwsgi_temp_path \(folder)/uwsgi;
        scgi_temp_path \(folder)/scgi;
        server {
            listen 127.0.0.1:\(port) ssl;
            server_name gloss.test;
            ssl_certificate     \(folder)/cert.pem;
            ssl_certificate_key \(folder)/key.pem;
            client_max_body_size 10m;
            location / {
                proxy_pass http://127.0.0.1:\(upstream);
                proxy_http_version 1.1;
                proxy_set_header Host $host;
                proxy_buffering off;
                proxy_read_timeout 1h;
            }
        }
    }

    """
  }

  /// curl through the proxy, resolving gloss.test to 127.0.0.1 and trusting only the test's
  /// certificate; every call is bounded.
  static func curl(_ folder: String, port: Int, _ arguments: [String], seconds: Int = 10) throws -> Run {
    try Shell.run(
      "/usr/bin/curl",
      [
        "-sS", "--max-time", "\(seconds)", "--cacert", folder + "/cert.pem", "--resolve",
        "gloss.test:\(port):127.0.0.1",
        "-w", "\n%{http_code}",
      ] + arguments, in: folder)
  }

  @Test func nginxWithTLSInFrontOfATeamServerPassesWritesAndEvents() throws {
    guard FileManager.default.isExecutableFile(atPath: Self.nginx),
      FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl"),
      FileManager.default.isExecutableFile(atPath: "/usr/bin/curl")
    else {
      #expect(ProcessInfo.processInfo.environment["CI"] == nil, "make deps installs nginx, openssl and curl")
      print("skipped the nginx test: nginx, openssl or curl is missing (make deps)")
      return
    }
    let box = try ServeTests.project()
    box.coder = "lead"
    let folder = box.root + "/nginx"
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    // Workers may run as another user: they need to write their temp folders.
    try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: folder)
    let certificate = try Shell.run(
      "/usr/bin/openssl",
      [
        "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "key.pem", "-out", "cert.pem", "-days", "1",
        "-subj", "/CN=gloss.test", "-addext", "subjectAltName=DNS:gloss.test",
      ], in: folder)
    #expect(certificate.status == 0, "\(certificate.stderr)")

    let port = try GitDaemon.freePort()
    let publicURL = "https://gloss.test:\(port)"
    let server = try ServeProcess(box, arguments: ["--team", "--public-url", publicURL])
    try Self.configuration(folder: folder, port: port, upstream: server.port)
      .write(toFile: folder + "/nginx.conf", atomically: true, encoding: .utf8)
    let proxy = Process()
    proxy.executableURL = URL(fileURLWithPath: Self.nginx)
    proxy.arguments = ["-p", folder, "-c", folder + "/nginx.conf", "-e", folder + "/error.log"]
    proxy.standardOutput = FileHandle.nullDevice
    proxy.standardError = FileHandle.nullDevice
    try proxy.run()
    defer { Self.stop(proxy, pidFile: folder + "/nginx.pid") }

    // Up within 10 s, or the test fails with nginx's own words.
    var ready = false
    for _ in 0..<100 where proxy.isRunning {
      let probe = try? Self.curl(folder, port: port, ["https://gloss.test:\(port)/api/project"], seconds: 2)
      if probe?.stdout.hasSuffix("401") == true {
        ready = true
        break
      }
      usleep(100_000)
    }
    let log = { (try? String(contentsOfFile: folder + "/error.log", encoding: .utf8)) ?? "" }
    try #require(ready, "nginx did not come up: \(log())")

    let bearer = ["-H", "Authorization: Bearer \(server.token)"]
    let project = try Self.curl(folder, port: port, bearer + ["https://gloss.test:\(port)/api/project"])
    #expect(project.stdout.hasSuffix("200") && project.stdout.contains("\"coder\":\"lead\""), "\(project.stdout)")

    // A personal link points at the proxy; ana's add through it is a commit by ana.
    let link: String = try box.gloss("serve", "link", "ana").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    #expect(link.hasPrefix("\(publicURL)/?token="), "\(link)")
    let token = String(link.split(separator: "=").last ?? "")
    let commits = try box.commitCount()
    let add = [
      "-H", "Cookie: gloss-\(server.port)=\(token)", "-H", "Origin: \(publicURL)", "-H",
      "Content-Type: application/json",
      "-d", #"{"doc":"interview","code":"scarce","quote":"scarce"}"#, "https://gloss.test:\(port)/api/assignments",
    ]
    let added = try Self.curl(folder, port: port, add)
    #expect(added.stdout.hasSuffix("201"), "\(added.stdout) \(added.stderr)")
    #expect(try box.commitCount() == commits + 1)
    #expect(try box.git("log", "-1", "--format=%B").stdout.contains("Gloss-Coder: ana"))
    try box.expectHealthy()
    // The same from a foreign origin: 403 through the proxy too, nothing written.
    var foreign = add
    foreign[3] = "Origin: https://evil.example"
    #expect(try Self.curl(folder, port: port, foreign).stdout.hasSuffix("403"))
    #expect(try box.commitCount() == commits + 1)

    // Server-sent events arrive through the proxy while the stream is open: a commit made
    // a second into a 4-second stream shows up in it.
    let events = Process()
    events.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
    events.arguments = [
      "-sS", "-N", "--max-time", "4", "--cacert", folder + "/cert.pem", "--resolve", "gloss.test:\(port):127.0.0.1",
      "-H", "Authorization: Bearer \(server.token)", "https://gloss.test:\(port)/api/events",
    ]
    let output = Pipe()
    events.standardOutput = output
    events.standardError = FileHandle.nullDevice
    try events.run()
    usleep(1_000_000)
    try box.gloss("--as", "ana", "add", "interview", "noisy", "--quote", "noisy")
    let head: String = try box.git("rev-parse", "HEAD").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    let stream = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    events.waitUntilExit()
    #expect(stream.contains("event: head") && stream.contains(head), "events through nginx: \(stream)")
    #expect(server.stop() == 0)
  }

  /// SIGQUIT (graceful), then SIGKILL after 5 s; and whatever the pid file names, in case an
  /// nginx daemonized despite `daemon off`.
  static func stop(_ proxy: Process, pidFile: String) {
    let pid = (try? String(contentsOfFile: pidFile, encoding: .utf8)).flatMap {
      Int32($0.trimmingCharacters(in: .whitespacesAndNewlines))
    }
    if proxy.isRunning { kill(proxy.processIdentifier, SIGQUIT) }
    for _ in 0..<50 where proxy.isRunning { usleep(100_000) }
    if proxy.isRunning { kill(proxy.processIdentifier, SIGKILL) }
    proxy.waitUntilExit()
    if let pid, pid != proxy.processIdentifier, kill(pid, 0) == 0 { kill(pid, SIGKILL) }
  }
}
