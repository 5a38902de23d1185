import CLibgit2
import Foundation

/// The result of a line-based three-way merge of one file.
public struct TextMerge: Sendable, Equatable {
  /// The merged bytes, with git's conflict markers where the sides clashed.
  public let contents: Data
  /// Whether the merge needed no conflict markers.
  public let clean: Bool
}

extension Repository {
  /// Merges three versions of a text file line by line, as `git merge-file` does
  /// (libgit2's xdiff). A nil version is an empty file.
  public static func mergeText(
    base: Data?, ours: Data?, theirs: Data?, path: String, labels: (String, String) = ("ours", "theirs")
  ) throws -> TextMerge {
    LibGit2.initialize()
    var options = git_merge_file_options()
    try check(
      git_merge_file_options_init(&options, UInt32(GIT_MERGE_FILE_OPTIONS_VERSION)), "merge \(path)")
    let baseBytes = [UInt8](base ?? Data())
    let oursBytes = [UInt8](ours ?? Data())
    let theirsBytes = [UInt8](theirs ?? Data())
    var result = git_merge_file_result()
    defer { git_merge_file_result_free(&result) }
    try path.withCString { cPath in
      try labels.0.withCString { ourLabel in
        try labels.1.withCString { theirLabel in
          options.our_label = ourLabel
          options.their_label = theirLabel
          try baseBytes.withUnsafeBufferPointer { b in
            try oursBytes.withUnsafeBufferPointer { o in
              try theirsBytes.withUnsafeBufferPointer { t in
                func input(_ buffer: UnsafeBufferPointer<UInt8>) throws -> git_merge_file_input {
                  var item = git_merge_file_input()
                  try check(
                    git_merge_file_input_init(&item, UInt32(GIT_MERGE_FILE_INPUT_VERSION)),
                    "merge \(path)")
                  item.ptr = buffer.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) }
                  item.size = buffer.count
                  item.path = cPath
                  item.mode = UInt32(GIT_FILEMODE_BLOB.rawValue)
                  return item
                }
                var ancestor = try input(b)
                var mine = try input(o)
                var other = try input(t)
                try check(git_merge_file(&result, &ancestor, &mine, &other, &options), "merge \(path)")
              }
            }
          }
        }
      }
    }
    let data = result.ptr.map { Data(bytes: $0, count: result.len) } ?? Data()
    return TextMerge(contents: data, clean: result.automergeable == 1)
  }
}
