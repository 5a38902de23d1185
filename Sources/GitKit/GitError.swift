import CLibgit2
import Foundation

/// A libgit2 failure, carrying libgit2's own message so callers can translate it.
public struct GitError: Error, LocalizedError, Equatable, Sendable {
  /// What libgit2 reported, as its `git_error_code`.
  public enum Code: Equatable, Sendable {
    case notFound, exists, ambiguous, bareRepository, unbornBranch, nonFastForward
    case invalidSpec, conflict, locked, modified, auth, uncommitted, owner, other(Int32)

    init(_ raw: Int32) {
      switch raw {
      case GIT_ENOTFOUND.rawValue: self = .notFound
      case GIT_EEXISTS.rawValue: self = .exists
      case GIT_EAMBIGUOUS.rawValue: self = .ambiguous
      case GIT_EBAREREPO.rawValue: self = .bareRepository
      case GIT_EUNBORNBRANCH.rawValue: self = .unbornBranch
      case GIT_ENONFASTFORWARD.rawValue: self = .nonFastForward
      case GIT_EINVALIDSPEC.rawValue: self = .invalidSpec
      case GIT_ECONFLICT.rawValue: self = .conflict
      case GIT_ELOCKED.rawValue: self = .locked
      case GIT_EMODIFIED.rawValue: self = .modified
      case GIT_EAUTH.rawValue: self = .auth
      case GIT_EUNCOMMITTED.rawValue: self = .uncommitted
      case GIT_EOWNER.rawValue: self = .owner
      default: self = .other(raw)
      }
    }
  }

  public let code: Code
  public let message: String
  /// What Gloss was doing when libgit2 failed.
  public let operation: String
  /// The failure came from the operating system (a file that vanished, a full disk), not
  /// from git's data: `git gc` pruning an object folder under a writer shows up this way.
  public let fromOperatingSystem: Bool

  public init(code: Code, message: String, operation: String, fromOperatingSystem: Bool = false) {
    self.code = code
    self.message = message
    self.operation = operation
    self.fromOperatingSystem = fromOperatingSystem
  }

  public var errorDescription: String? {
    message.isEmpty ? "\(operation) failed" : "\(operation): \(message)"
  }
}

/// Throws the last libgit2 error when `result` is negative.
@discardableResult
func check(_ result: Int32, _ operation: @autoclosure () -> String) throws -> Int32 {
  guard result < 0 else { return result }
  var message = ""
  var fromOperatingSystem = false
  if let last = git_error_last() {
    if let text = last.pointee.message {
      message = String(cString: text).trimmingCharacters(in: .whitespacesAndNewlines)
    }
    fromOperatingSystem = last.pointee.klass == Int32(GIT_ERROR_OS.rawValue)
  }
  throw GitError(
    code: .init(result), message: message, operation: operation(), fromOperatingSystem: fromOperatingSystem)
}
