/// The git hooks shipped in `hooks/`, embedded so an installed gloss can install them.
/// A test checks these copies equal the files in `hooks/`.
public enum ShippedHooks {
  /// Hooks for a coder's clone.
  public static let client = ["pre-commit", "pre-push"]
  /// Hooks for a shared (bare) repository.
  public static let server = ["pre-receive", "update"]

  public static func script(_ name: String) -> String? { scripts[name].map { $0 + "\n" } }

  static let scripts: [String: String] = [
    "pre-commit": """
    #!/bin/sh
    # Gloss pre-commit hook: refuses a commit whose staged files break the Gloss format.
    # Installed by `gloss hooks install`. Set GLOSS to the gloss binary if it is not on PATH.
    gloss="${GLOSS:-gloss}"
    command -v "$gloss" >/dev/null 2>&1 || { echo "gloss pre-commit: '$gloss' not found; set GLOSS" >&2; exit 1; }
    exec "$gloss" validate --staged
    """,
    "pre-push": """
    #!/bin/sh
    # Gloss pre-push hook: validates the commits of every pushed range that the remote does not
    # have yet (format and authorship, under the remote's rules) and runs the agreement gate
    # (`gloss agree --gate`): threshold, unit and codes from gloss.yaml's gate:, the threshold
    # overridden by `git config gloss.minAlpha`. Installed by `gloss hooks install`. Set GLOSS to
    # the gloss binary if it is not on PATH.
    gloss="${GLOSS:-gloss}"
    command -v "$gloss" >/dev/null 2>&1 || { echo "gloss pre-push: '$gloss' not found; set GLOSS" >&2; exit 1; }
    zero=0000000000000000000000000000000000000000
    min="$(git config gloss.minAlpha)"
    status=0
    while read -r local_ref local_oid remote_ref remote_oid; do
      [ "$local_oid" = "$zero" ] && continue
      base="$remote_oid"
      if [ "$base" = "$zero" ] || ! git cat-file -e "$base^{commit}" 2>/dev/null; then base=""; fi
      "$gloss" validate --range "$base..$local_oid" --new-to "$1" || status=1
      "$gloss" agree --rev "$local_oid" --gate ${min:+--min "$min"} >/dev/null || status=1
    done
    exit $status
    """,
    "pre-receive": """
    #!/bin/sh
    # Gloss pre-receive hook (server side): refuses a push that breaks the Gloss format, forges
    # authorship, rewinds or deletes a reference, on every reference pushed (branches, tags,
    # notes, anything), with the problems on the pusher's screen. `gloss hooks check` does the
    # work (see docs/ci.md). Installed by `gloss hooks install --server`. Set GLOSS to the gloss
    # binary if it is not on PATH.
    gloss="${GLOSS:-gloss}"
    command -v "$gloss" >/dev/null 2>&1 || { echo "gloss pre-receive: '$gloss' not found; set GLOSS" >&2; exit 1; }
    "$gloss" hooks check >&2 || { echo "gloss: push rejected; fix the problems above and push again" >&2; exit 1; }
    """,
    "update": """
    #!/bin/sh
    # Gloss update hook (server side, one reference at a time): the same check as pre-receive,
    # for servers that run update hooks only. Arguments: <ref> <old> <new>. When gloss's
    # pre-receive hook sits next to it, that hook has already checked the whole push.
    here="$(dirname "$0")"
    [ -x "$here/pre-receive" ] && grep -q '"$gloss" hooks check' "$here/pre-receive" && exit 0
    gloss="${GLOSS:-gloss}"
    command -v "$gloss" >/dev/null 2>&1 || { echo "gloss update: '$gloss' not found; set GLOSS" >&2; exit 1; }
    echo "$2 $3 $1" | "$gloss" hooks check >&2 || { echo "gloss: $1 rejected" >&2; exit 1; }
    """,
  ]
}
