import Foundation
import GitKit

extension Project {
  /// The merge driver entry `gloss init` writes into the repository configuration.
  public static let mergeDriverConfig = [
    ("merge.gloss.name", "Gloss record-by-record merge of annotations and codebook"),
    ("merge.gloss.driver", "gloss merge-driver %O %A %B %P"),
  ]

  /// Creates a project in `path`: a new repository (or an existing one without Gloss files),
  /// `gloss.yaml`, an empty codebook, `.gitattributes` and the merge driver configuration,
  /// in one commit.
  @discardableResult
  public static func initialize(
    at path: String, name: String?, leads: [String], coder: String?, bare: Bool = false
  ) throws -> (Project, CommitResult) {
    // Settle who is initialising before anything is written, so a failure leaves no trace.
    let existing: Repository?
    do {
      existing = try Repository.open(at: path)
    } catch let error as GitError where error.code == .notFound {
      existing = nil
    }
    let who = try Project.resolveCoder(
      explicit: coder, environment: ProcessInfo.processInfo.environment,
      config: { key in existing?.config(key) ?? Repository.globalConfig(key) })
    for lead in leads { try Identifier.requireCoder(lead, kind: "lead") }
    let repository: Repository
    if let existing {
      repository = existing
    } else {
      do {
        repository = try Repository.create(at: path, bare: bare)
      } catch let error as GitError {
        throw GlossError.git(operation: "cannot create a repository in \(path)", message: error.message)
      }
    }
    let project = Project(repository: repository)
    if try project.snapshot().file(Settings.path) != nil {
      throw GlossError.alreadyAProject(path: path)
    }
    let folderName = URL(fileURLWithPath: path).standardizedFileURL.lastPathComponent
    // The lead's e-mail starts the coders: map, so the server can tie commits to people.
    let email = (existing?.config("user.email") ?? Repository.globalConfig("user.email"))
      .map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { Project.isEmail($0) ? $0 : nil }
    let settings = Settings(
      name: name ?? folderName, leads: leads.isEmpty ? [who] : leads, coders: email.map { [who: [$0]] } ?? [:])
    let session = Session(project: project, coder: who, settings: settings)
    let (result, _) = try session.commit { transaction -> Change<Void> in
      transaction.write(Settings.path, settings.encode())
      transaction.write(Codebook.path, Codebook().encode())
      transaction.write(Layout.gitattributes, Data(Layout.gitattributesContents.utf8))
      return .commit(summary: "gloss: \(who) creates the project \(settings.name)", value: ())
    }
    for (key, value) in mergeDriverConfig { try repository.setConfig(key, value) }
    return (project, try committed(result))
  }
}
