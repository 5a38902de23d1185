import Foundation
import GlossCore

/// A transcript in one of the forms researchers have them (DESIGN §8), turned into plain
/// UTF-8 text for `gloss doc add`, which then normalizes it as any text (NFC, LF).
public struct TranscriptFile: Sendable {
  public enum Format: String, Sendable {
    case docx, odt, vtt, srt
    /// .txt, .md and anything else.
    case text

    /// The format a file name's extension says (any other extension is text).
    public init(fileName: String) {
      self = Format(rawValue: (fileName as NSString).pathExtension.lowercased()) ?? .text
    }

    /// Formats whose bytes are text in some encoding (`--encoding` applies).
    public var isText: Bool { self == .text || self == .vtt || self == .srt }
  }

  public let format: Format
  /// UTF-8 bytes for `Session.addDocuments`.
  public let data: Data
  /// What the conversion did, in words ("converted from .docx", "merged 40 cues…").
  public let notes: [String]
  /// Things the user should know that do not stop the add (a Delve export given as text).
  public let warnings: [String]

  /// Reads `data`, named `file` (whose extension picks the format); `encoding` is
  /// `--encoding`, for text formats only.
  public init(data: Data, file: String, encoding: TextEncoding?) throws {
    try self.init(data: data, file: file, encoding: encoding, limits: .standard)
  }

  /// Formats researchers try that are not text and that Gloss does not read: refused by name
  /// rather than stored as markup or refused as "binary".
  static let unreadable: Set<String> = [
    "doc", "rtf", "pdf", "pages", "wpd", "xls", "xlsx", "ods", "ppt", "pptx", "odp",
  ]

  init(data: Data, file: String, encoding: TextEncoding?, limits: SafeArchive.Limits) throws {
    let format = Format(fileName: file)
    let suffix = (file as NSString).pathExtension.lowercased()
    if Self.unreadable.contains(suffix) {
      throw GlossError.invalidInput(
        file: file, line: nil,
        message: "is a .\(suffix) file, which gloss does not read: save the transcript as .docx, .odt or "
          + "plain text (.txt), or give its subtitles (.vtt, .srt)")
    }
    self.format = format
    var notes: [String] = []
    var warnings: [String] = []
    if !format.isText, let encoding {
      throw GlossError.invalidArgument(
        argument: "--encoding",
        message: "\(encoding.rawValue) applies to text files (.txt, .md, .vtt, .srt), not \(file), "
          + "whose encoding the .\(format.rawValue) format declares")
    }
    switch format {
    case .docx, .odt:
      let text =
        format == .docx
        ? try WordDocument.text(data, file: file, limits: limits)
        : try OpenDocument.text(data, file: file, limits: limits)
      let count = text.isEmpty ? 0 : text.components(separatedBy: "\n\n").count
      notes.append("converted from .\(format.rawValue): \(count) paragraph\(count == 1 ? "" : "s")")
      if let merged = SpeakerLines.merge(text) {
        notes.append(Self.note(merged))
        self.data = Data(merged.text.utf8)
      } else {
        self.data = Data(text.utf8)
      }
    case .vtt, .srt:
      let (decoded, decodeNotes) = try TextDecoding.decode(data, file: file, encoding: encoding)
      notes += decodeNotes
      let subtitles = try Subtitles(decoded, file: file, isVTT: format == .vtt)
      let text = subtitles.text
      let turns = text.isEmpty ? 0 : text.components(separatedBy: "\n\n").count
      notes.append(
        "merged \(subtitles.cues.count) cue\(subtitles.cues.count == 1 ? "" : "s") into \(turns) "
          + "paragraph\(turns == 1 ? "" : "s") by speaker, timestamps dropped")
      self.data = Data(text.utf8)
    case .text:
      let (decoded, decodeNotes) = try TextDecoding.decode(data, file: file, encoding: encoding)
      notes += decodeNotes
      // Valid UTF-8 goes on as it is, so the normalizer reports its BOM and line endings.
      var text = decodeNotes.isEmpty ? data : Data(decoded.utf8)
      if Self.looksLikeDelve(text, file: file) {
        warnings.append(
          "\(file) looks like a Delve export (it ends with \"\(DelveExport.signature)…\"); "
            + "it is added as plain text: 'gloss import delve \(file)' also reads its codes")
      } else if let merged = SpeakerLines.merge(decoded) {
        notes.append(Self.note(merged))
        text = Data(merged.text.utf8)
      }
      self.data = text
    }
    self.notes = notes
    self.warnings = warnings
  }

  /// What merging speaker lines did, in words.
  static func note(_ merged: SpeakerLines.Merged) -> String {
    "merged \(merged.blocks) speaker line\(merged.blocks == 1 ? "" : "s") into \(merged.turns) "
      + "turn\(merged.turns == 1 ? "" : "s"), timestamps dropped"
  }

  /// Whether `data` reads as a Delve export (its signature line last).
  static func looksLikeDelve(_ data: Data, file: String) -> Bool {
    guard let tail = String(data: data.suffix(4096), encoding: .utf8) ?? String(data: data, encoding: .utf8),
      tail.contains(DelveExport.signature)
    else { return false }
    return (try? DelveExport(data: data, file: file)) != nil
  }
}
