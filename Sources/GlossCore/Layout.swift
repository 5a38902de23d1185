/// Where things live in a project's tree (DESIGN §2).
public enum Layout {
  public static let documents = "documents/"
  public static let annotations = "annotations/"
  public static let gitattributes = ".gitattributes"

  public static func document(_ id: String) -> String { "documents/\(id).txt" }

  public static func annotation(coder: String, doc: String) -> String {
    "annotations/\(coder)/\(doc).jsonl"
  }

  /// Splits `annotations/<coder>/<doc>.jsonl` into its parts; nil for any other path.
  public static func parseAnnotationPath(_ path: String) -> (coder: String, doc: String)? {
    let parts = path.split(separator: "/", omittingEmptySubsequences: false)
    guard parts.count == 3, parts[0] == "annotations", parts[2].hasSuffix(".jsonl") else {
      return nil
    }
    return (String(parts[1]), String(parts[2].dropLast(6)))
  }

  /// A coder's done mark on a document (DESIGN §4 "Finished work"): an empty file beside
  /// the coder's annotation file. The two names never collide, whatever the doc id: one
  /// ends in `.jsonl`, the other in `.done`.
  public static func doneMark(coder: String, doc: String) -> String {
    "annotations/\(coder)/\(doc)\(doneMarkSuffix)"
  }

  public static let doneMarkSuffix = ".done"

  /// Splits `annotations/<coder>/<doc>.done` into its parts; nil for any other path.
  public static func parseDoneMarkPath(_ path: String) -> (coder: String, doc: String)? {
    let parts = path.split(separator: "/", omittingEmptySubsequences: false)
    guard parts.count == 3, parts[0] == "annotations", parts[2].hasSuffix(doneMarkSuffix) else {
      return nil
    }
    return (String(parts[1]), String(parts[2].dropLast(doneMarkSuffix.count)))
  }

  /// The document id of `documents/<id>.txt`; nil for any other path.
  public static func parseDocumentPath(_ path: String) -> String? {
    guard path.hasPrefix(documents), path.hasSuffix(".txt") else { return nil }
    let id = path.dropFirst(documents.count).dropLast(4)
    return id.contains("/") ? nil : String(id)
  }

  /// The `.gitattributes` written by `gloss init`: LF everywhere, and Gloss's merge
  /// driver for annotation files and the codebook.
  public static let gitattributesContents = """
    # Written by gloss init: transcripts and annotations are LF text; annotation files
    # and the codebook merge record by record through 'gloss merge-driver'.
    *.txt text eol=lf
    *.yaml text eol=lf
    *.jsonl text eol=lf merge=gloss
    codebook.yaml merge=gloss

    """
}
