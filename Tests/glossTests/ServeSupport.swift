import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// A running `gloss serve --port 0` in a sandbox's project, stopped (SIGTERM) when released.
final class ServeProcess {
  let process = Process()
  /// The first line on stdout.
  let line: String
  let port: Int
  let token: String
  private let errors: String

  /// Serves `folder` (the sandbox's project when nil).
  init(_ box: Sandbox, arguments: [String] = [], folder: String? = nil, env: [String: String] = [:]) throws {
    process.executableURL = URL(fileURLWithPath: Shell.glossPath)
    process.arguments = ["serve", "--port", "0"] + arguments
    process.currentDirectoryURL = URL(fileURLWithPath: folder ?? box.path)
    process.environment = Shell.environment(box.env.merging(env) { $1 })
    let out = Pipe()
    process.standardOutput = out
    errors = box.root + "/serve-\(UUID().uuidString).err"
    _ = FileManager.default.createFile(atPath: errors, contents: nil)
    process.standardError = FileHandle(forWritingAtPath: errors)
    process.standardInput = FileHandle.nullDevice
    try process.run()
    var bytes = Data()
    while !bytes.contains(0x0a) {
      let chunk = out.fileHandleForReading.availableData
      if chunk.isEmpty { break }
      bytes.append(chunk)
    }
    line = String(decoding: bytes.prefix { $0 != 0x0a }, as: UTF8.self)
    let pattern = /^Serving .+ at http:\/\/127\.0\.0\.1:(\d+)\/\?token=([0-9a-f]+)$/
    guard let match = line.wholeMatch(of: pattern), let port = Int(match.1) else {
      process.terminate()
      let stderr = (try? String(contentsOfFile: errors, encoding: .utf8)) ?? ""
      throw ServeFailure(message: "gloss serve printed '\(line)'; stderr: \(stderr)")
    }
    self.port = port
    self.token = String(match.2)
  }

  struct ServeFailure: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
  }

  /// Sends `signal` and waits for the exit status.
  @discardableResult
  func stop(_ signal: Int32 = SIGTERM) -> Int32 {
    if process.isRunning { kill(process.processIdentifier, signal) }
    process.waitUntilExit()
    return process.terminationStatus
  }

  deinit { stop() }

  var stderr: String { (try? String(contentsOfFile: errors, encoding: .utf8)) ?? "" }

  var bearer: [(String, String)] { [("Authorization", "Bearer \(token)")] }
  var cookie: [(String, String)] { [("Cookie", "gloss-\(port)=\(token)")] }
  var origin: String { "http://127.0.0.1:\(port)" }

  func request(
    _ method: String, _ path: String, headers: [(String, String)]? = nil, json: String? = nil, body: Data? = nil,
    host: String? = nil
  ) throws -> HTTPReply {
    try HTTPClient.request(
      port: port, method: method, path: path, headers: headers ?? bearer, body: body ?? json.map { Data($0.utf8) },
      host: host)
  }
}

/// What the server answered.
struct HTTPReply {
  let status: Int
  /// Header names lowercased.
  let headers: [String: String]
  let body: Data

  var text: String { String(decoding: body, as: UTF8.self) }
  var object: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
  var array: [[String: Any]] { (try? JSONSerialization.jsonObject(with: body)) as? [[String: Any]] ?? [] }
  /// The `{"error": "..."}` message, if the body is one.
  var error: String? { object["error"] as? String }
}

/// A minimal HTTP/1.1 client over a socket to 127.0.0.1, so tests choose every header (Host,
/// Origin, Cookie) as an attacker's browser or script would; nothing leaves the machine.
enum HTTPClient {
  static func connect(port: Int, timeout: Int = 20) throws -> Int32 {
    #if canImport(Glibc)
      let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    #else
      let fd = socket(AF_INET, SOCK_STREAM, 0)
    #endif
    guard fd >= 0 else { throw ServeProcess.ServeFailure(message: "socket: \(errno)") }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
      }
    }
    guard connected == 0 else {
      close(fd)
      throw ServeProcess.ServeFailure(message: "connect to port \(port): errno \(errno)")
    }
    var wait = timeval(tv_sec: timeout, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size))
    return fd
  }

  /// Writes everything it can; stops quietly when the server closed the connection.
  static func send(_ fd: Int32, _ data: Data) {
    data.withUnsafeBytes { buffer in
      guard let base = buffer.baseAddress else { return }
      var offset = 0
      while offset < buffer.count {
        let sent = Glibc.send(fd, base + offset, buffer.count - offset, Int32(MSG_NOSIGNAL))
        if sent <= 0 { return }
        offset += sent
      }
    }
  }

  static func request(
    port: Int, method: String, path: String, headers: [(String, String)], body: Data?, host: String? = nil
  ) throws -> HTTPReply {
    let fd = try connect(port: port)
    defer { close(fd) }
    var head = "\(method) \(path) HTTP/1.1\r\nHost: \(host ?? "127.0.0.1:\(port)")\r\nConnection: close\r\n"
    for (name, value) in headers { head += "\(name): \(value)\r\n" }
    if let body {
      head += "Content-Length: \(body.count)\r\n"
      if !headers.contains(where: { $0.0.lowercased() == "content-type" }) {
        head += "Content-Type: application/json\r\n"
      }
    }
    head += "\r\n"
    send(fd, Data(head.utf8))
    if let body { send(fd, body) }
    var response = Data()
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
      let count = recv(fd, &buffer, buffer.count, 0)
      if count <= 0 { break }
      response.append(contentsOf: buffer[0..<count])
    }
    return try parse(response)
  }

  static func parse(_ response: Data) throws -> HTTPReply {
    guard let split = response.firstRange(of: Data("\r\n\r\n".utf8)) else {
      throw ServeProcess.ServeFailure(message: "no HTTP response: \(String(decoding: response, as: UTF8.self))")
    }
    let lines = String(decoding: response[..<split.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
    let status = Int(lines[0].split(separator: " ")[1]) ?? 0
    var headers: [String: String] = [:]
    for line in lines.dropFirst() {
      guard let colon = line.firstIndex(of: ":") else { continue }
      headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    }
    var body = Data(response[split.upperBound...])
    if headers["transfer-encoding"] == "chunked" { body = dechunk(body) }
    return HTTPReply(status: status, headers: headers, body: body)
  }

  static func dechunk(_ data: Data) -> Data {
    var out = Data()
    var rest = data[...]
    while let lineEnd = rest.firstRange(of: Data("\r\n".utf8)) {
      let size = Int(String(decoding: rest[..<lineEnd.lowerBound], as: UTF8.self), radix: 16) ?? 0
      if size == 0 { break }
      let start = lineEnd.upperBound
      guard rest.distance(from: start, to: rest.endIndex) >= size else { break }
      let end = rest.index(start, offsetBy: size)
      out.append(rest[start..<end])
      rest = rest[rest.index(end, offsetBy: min(2, rest.distance(from: end, to: rest.endIndex)))...]
    }
    return out
  }

  /// Reads server-sent events from `/api/events` until `done` says so (or the time is up);
  /// returns the text read. `started` runs once the first event arrived.
  static func events(
    port: Int, token: String, timeout: TimeInterval = 15, started: () throws -> Void, done: (String) -> Bool
  ) throws -> String {
    let fd = try connect(port: port, timeout: 1)
    defer { close(fd) }
    send(
      fd,
      Data(
        "GET /api/events HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nAuthorization: Bearer \(token)\r\n\r\n".utf8))
    var text = ""
    var buffer = [UInt8](repeating: 0, count: 4096)
    var began = false
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
      let count = recv(fd, &buffer, buffer.count, 0)
      if count == 0 { break }
      if count > 0 { text += String(decoding: buffer[0..<count], as: UTF8.self) }
      if !began && text.contains("event: head") {
        began = true
        try started()
      }
      if done(text) { break }
    }
    return text
  }
}
