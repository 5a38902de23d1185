extension Assets {
  /// The one page: its parts are filled by app.js. The `data-testid` names are stable hooks
  /// for end-to-end tests (DESIGN §9).
  static let page = #"""
    <!doctype html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>Gloss</title>
    <link rel="icon" href="data:,">
    <link rel="stylesheet" href="/app.css">
    <script type="module" src="/app.js"></script>
    </head>
    <body>
    <header class="bar">
      <strong class="brand">Gloss</strong>
      <span id="project-name" class="project"></span>
      <span id="who" class="who"></span>
      <span class="spacer"></span>
      <span id="sync" class="sync" data-testid="sync" hidden>
        <span id="sync-status" class="sync-status" data-testid="sync-status"></span>
        <button type="button" id="sync-fetch" data-testid="sync-fetch" title="Fetch the remote's work">Fetch</button>
        <button type="button" id="sync-pull" data-testid="sync-pull" title="Fetch and merge the remote's work">Pull</button>
        <button type="button" id="sync-push" data-testid="sync-push" title="Send your commits to the remote">Push</button>
      </span>
      <a id="code-link" class="nav-link" href="#doc=" data-testid="code-link" hidden>Code</a>
      <a id="compare-link" class="nav-link" href="#compare" data-testid="compare-link" hidden>Compare</a>
      <a id="manage-link" class="nav-link" href="#manage" data-testid="manage-link" hidden>Manage</a>
      <a id="agreement-link" class="nav-link" href="/agreement" data-testid="agreement-link" hidden>Agreement</a>
      <label class="show"><input type="checkbox" id="show-all"> everyone's codes</label>
      <button type="button" id="undo" data-testid="undo" disabled title="Undo the last action (Ctrl+Z)">Undo</button>
      <button type="button" id="help-button" title="Keyboard shortcuts (?)">?</button>
    </header>
    <div class="layout">
      <nav id="documents" class="documents" aria-label="Documents">
        <h2>Documents</h2>
        <ul id="doc-list" class="doc-list"></ul>
      </nav>
      <main id="reader" class="reader" tabindex="-1">
        <div id="doc-head" class="doc-head"><p class="empty">Choose a document on the left.</p></div>
        <div id="transcript" class="transcript" aria-label="Transcript"></div>
      </main>
      <main id="compare-view" class="reader view" data-testid="compare-view" tabindex="-1" hidden></main>
      <main id="manage-view" class="reader view" data-testid="manage-view" tabindex="-1" hidden></main>
      <aside id="side" class="side">
        <section id="details" data-testid="details" class="details" hidden aria-label="Selected highlight"></section>
        <section class="codebook" aria-label="Codebook">
          <h2>Codes <span id="filter-note" class="filter-note"></span></h2>
          <ul id="code-list" class="code-list"></ul>
        </section>
      </aside>
    </div>
    <div id="picker" data-testid="code-picker" class="picker" role="dialog" aria-label="Assign a code" hidden>
      <div id="picker-quote" class="picker-quote"></div>
      <input id="picker-input" type="text" role="combobox" aria-autocomplete="list" aria-expanded="true"
        aria-controls="picker-list" autocomplete="off" spellcheck="false" placeholder="Code name or id…">
      <ul id="picker-list" class="picker-list" role="listbox"></ul>
      <div class="picker-hint">Enter assigns · ↑ ↓ choose · Esc closes</div>
    </div>
    <section id="conflicts" data-testid="conflicts" class="help conflicts" role="dialog" aria-label="Merge conflicts"
      hidden></section>
    <div id="help" class="help" role="dialog" aria-label="Keyboard shortcuts" hidden>
      <h2>Keyboard shortcuts</h2>
      <dl>
        <dt>click in the text, shift+arrows</dt><dd>select text with the keyboard</dd>
        <dt>select text, then Enter or c</dt><dd>open the code picker</dd>
        <dt>j / k</dt><dd>next / previous highlight</dd>
        <dt>m</dt><dd>edit the memo of the selected highlight</dd>
        <dt>Delete</dt><dd>remove the selected highlight</dd>
        <dt>Ctrl+Z or u</dt><dd>undo the last action</dd>
        <dt>[ / ]</dt><dd>previous / next document</dd>
        <dt>a</dt><dd>show your codes only, or everyone's</dd>
        <dt>Esc</dt><dd>close the picker, the details or this help</dd>
      </dl>
    </div>
    <div id="status" class="status" role="status" aria-live="polite"></div>
    </body>
    </html>
    """#
}
