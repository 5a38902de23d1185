extension Assets {
  /// The page's styles. Highlights are flat runs: a run's own colour fills it, every further
  /// code covering it adds an underline lane, so overlaps stay visible without nesting.
  static let style = #"""
    :root {
      --ink: #1d2330; --muted: #5f6b7a; --line: #dde2e8; --paper: #ffffff; --wash: #f5f7fa;
      --accent: #2458c6; --danger: #b3261e; --bar: 44px;
      font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif;
      color: var(--ink); background: var(--wash);
    }
    * { box-sizing: border-box; }
    [hidden] { display: none !important; }
    body { margin: 0; }
    button {
      font: inherit; font-size: 13px; border: 1px solid var(--line); background: var(--paper);
      border-radius: 6px; padding: 4px 10px; cursor: pointer; color: var(--ink);
    }
    button:hover:not(:disabled) { border-color: var(--accent); }
    button:disabled { opacity: .45; cursor: default; }
    button.danger { color: var(--danger); }
    button.primary { background: var(--accent); border-color: var(--accent); color: #fff; }
    h2 { font-size: 12px; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); margin: 14px 14px 6px; }

    .bar {
      height: var(--bar); display: flex; align-items: center; gap: 12px; padding: 0 14px;
      background: var(--paper); border-bottom: 1px solid var(--line); font-size: 14px;
    }
    .brand { color: var(--accent); letter-spacing: .02em; }
    .project { font-weight: 600; }
    .who { color: var(--muted); }
    .who .tag { margin-left: 6px; font-size: 11px; padding: 1px 6px; border-radius: 8px; background: #eef2fb; }
    .spacer { flex: 1; }
    .show { color: var(--muted); font-size: 13px; }
    .nav-link { color: var(--accent); }

    .layout { display: grid; grid-template-columns: 240px minmax(0, 1fr) 300px; height: calc(100vh - var(--bar)); }
    .documents, .side { overflow: auto; background: var(--paper); }
    .documents { border-right: 1px solid var(--line); }
    .side { border-left: 1px solid var(--line); }
    /* A scrollbar that is always there and a pane the rest of the page does not depend on: rows
       painting their highlights as they scroll in change the pane's height, which must not lay
       out the whole page again (Benchmarks/serve_render.sh). */
    .reader { overflow-y: scroll; scrollbar-gutter: stable; contain: strict; outline: none; }

    .doc-list { list-style: none; margin: 0; padding: 0 8px 12px; }
    .doc-list a {
      display: block; padding: 7px 8px; border-radius: 6px; color: var(--ink); text-decoration: none; font-size: 14px;
    }
    .doc-list a:hover { background: var(--wash); }
    .doc-list a.current { background: #e8eefb; }
    .doc-list .name { display: flex; justify-content: space-between; gap: 6px; }
    .doc-list .id { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
    .doc-list .count { color: var(--muted); font-size: 12px; white-space: nowrap; }
    .doc-list .meta { color: var(--muted); font-size: 11px; margin-top: 2px; }
    .doc-list .review { color: #9a5b00; }
    .doc-list .done-mark { color: #2b8a3e; font-weight: 600; }
    .doc-head .meta button { margin-left: 8px; padding: 2px 10px; font-size: 12px; }
    .progress { height: 4px; background: var(--line); border-radius: 2px; margin-top: 5px; overflow: hidden; }
    .progress > span { display: block; height: 100%; background: var(--accent); }

    .doc-head { max-width: 860px; margin: 0 auto; padding: 22px 56px 4px; }
    .doc-head h1 { font-size: 20px; margin: 0; }
    .doc-head .meta { color: var(--muted); font-size: 13px; margin-top: 4px; }
    .empty { color: var(--muted); }
    .transcript { max-width: 860px; margin: 0 auto; padding: 8px 56px 40vh; outline: none; caret-color: var(--accent); }
    .row {
      display: grid; grid-template-columns: 44px minmax(0, 1fr) 120px; gap: 10px; padding: 3px 0;
      content-visibility: auto; contain-intrinsic-size: auto 3.2em;
    }
    .pn {
      color: #9aa5b3; font-size: 12px; text-align: right; padding-top: 4px; user-select: none;
      font-variant-numeric: tabular-nums;
    }
    .para {
      margin: 0; white-space: pre-wrap; line-height: 1.75; font-size: 16px; overflow-wrap: anywhere;
      font-family: Georgia, "Iowan Old Style", "Noto Serif", serif;
    }
    .para .speaker { font-weight: 700; font-family: system-ui, sans-serif; font-size: 14px; }
    .row.heading .para { font-weight: 700; }
    .margin { display: flex; flex-direction: column; gap: 3px; padding-top: 4px; user-select: none; }
    .chip {
      font-size: 11px; line-height: 1.3; padding: 1px 6px; border-radius: 8px; cursor: pointer; max-width: 120px;
      overflow: hidden; text-overflow: ellipsis; white-space: nowrap; border-left: 4px solid var(--c);
      background: color-mix(in srgb, var(--c) 14%, white);
    }

    .chip.more { --c: #9aa5b3; cursor: default; }

    mark.hl {
      color: inherit; cursor: pointer; border-radius: 2px; padding: 1px 0;
      background: color-mix(in srgb, var(--c) 30%, transparent);
      box-shadow: inset 0 -2px 0 var(--c), inset 0 -5px 0 var(--c2, transparent), inset 0 -8px 0 var(--c3, transparent);
      -webkit-box-decoration-break: clone; box-decoration-break: clone;
    }
    mark.hl.overlap { background: color-mix(in srgb, var(--c) 42%, transparent); }
    mark.hl.other { background: color-mix(in srgb, var(--c) 12%, transparent); box-shadow: inset 0 -1px 0 var(--c); }
    mark.hl.review { outline: 1.5px dashed #c77700; outline-offset: 1px; }
    mark.hl.memo { font-style: italic; }
    mark.hl.selected { background: color-mix(in srgb, var(--c) 62%, transparent); color: #0b0f18; }
    mark.hl:focus { outline: 2px solid var(--accent); }
    ::highlight(gloss-pending) { background-color: #ffe08a; }

    .codebook { padding-bottom: 16px; }
    .filter-note { text-transform: none; letter-spacing: 0; color: var(--accent); cursor: pointer; }
    .code-list { list-style: none; margin: 0; padding: 0 8px; }
    .code-list li {
      display: flex; align-items: center; gap: 8px; padding: 5px 6px; border-radius: 6px; font-size: 14px;
      cursor: pointer;
    }
    .code-list li:hover { background: var(--wash); }
    .code-list li.active { background: #e8eefb; }
    .code-list li:focus-visible { outline: 2px solid var(--accent); }
    .code-list .name { min-width: 0; }
    .code-list .description { display: block; color: var(--muted); font-size: 12px; line-height: 1.3; }
    .code-list .uses { margin-left: auto; color: var(--muted); font-size: 12px; }
    .swatch { width: 12px; height: 12px; border-radius: 3px; background: var(--c); flex: none; }

    .details { border-bottom: 1px solid var(--line); padding-bottom: 10px; }
    .card { margin: 8px 12px; padding: 10px; border: 1px solid var(--line); border-radius: 8px; border-left: 5px solid var(--c); }
    .card .title { display: flex; align-items: center; gap: 8px; font-weight: 600; }
    .card .by { margin-left: auto; font-weight: 400; color: var(--muted); font-size: 12px; }
    .card .quote {
      font-family: Georgia, serif; font-size: 14px; color: #333; margin: 6px 0; max-height: 7.5em; overflow: auto;
    }
    .card .where { color: var(--muted); font-size: 12px; margin-bottom: 8px; }
    .card .where:has(+ .when) { margin-bottom: 2px; }
    .card .when { color: var(--muted); font-size: 12px; margin-bottom: 8px; }
    .card .reason { color: #9a5b00; font-size: 13px; margin: 6px 0; }
    .card textarea {
      width: 100%; min-height: 54px; font: inherit; font-size: 14px; border: 1px solid var(--line); border-radius: 6px;
      padding: 6px; resize: vertical;
    }
    .card .actions { display: flex; flex-wrap: wrap; gap: 6px; margin-top: 8px; }

    .picker {
      position: fixed; z-index: 20; width: 320px; background: var(--paper); border: 1px solid var(--line);
      border-radius: 10px; box-shadow: 0 10px 30px rgba(20, 30, 50, .18); padding: 8px;
    }
    .picker-quote {
      font-family: Georgia, serif; font-size: 13px; color: var(--muted); margin: 2px 4px 6px; max-height: 3.2em;
      overflow: hidden;
    }
    .picker input {
      width: 100%; font: inherit; font-size: 15px; padding: 7px 9px; border: 1px solid var(--accent); border-radius: 6px;
      outline: none;
    }
    .picker-list { list-style: none; margin: 6px 0 0; padding: 0; max-height: 260px; overflow: auto; }
    .picker-list li {
      display: flex; align-items: center; gap: 8px; padding: 6px 8px; border-radius: 6px; cursor: pointer; font-size: 14px;
    }
    .picker-list li[aria-selected="true"] { background: #e8eefb; }
    .picker-list .cid { margin-left: auto; color: var(--muted); font-size: 12px; }
    .picker-list .recent { color: var(--accent); font-size: 11px; }
    .picker-hint { color: var(--muted); font-size: 11px; margin: 6px 4px 0; }

    .help {
      position: fixed; z-index: 30; top: 80px; left: 50%; transform: translateX(-50%); width: 600px;
      background: var(--paper); border: 1px solid var(--line); border-radius: 10px; padding: 6px 18px 14px;
      box-shadow: 0 10px 30px rgba(20, 30, 50, .18);
    }
    .help dl { display: grid; grid-template-columns: auto 1fr; gap: 6px 14px; font-size: 14px; }
    .help dt { font-weight: 600; }
    .help dd { margin: 0; color: var(--muted); }
    .status {
      position: fixed; bottom: 14px; left: 50%; transform: translateX(-50%); background: #1d2330; color: #fff;
      padding: 7px 14px; border-radius: 8px; font-size: 13px; opacity: 0; transition: opacity .2s; pointer-events: none;
    }
    .status.show { opacity: .94; }
    .status.error { background: var(--danger); }

    .sync { display: flex; align-items: center; gap: 6px; }
    .sync-status { color: var(--muted); font-size: 13px; font-variant-numeric: tabular-nums; }
    .view { padding: 18px 28px 40vh; }
    .view h1 { font-size: 20px; margin: 0 0 4px; }
    .view .meta { color: var(--muted); font-size: 13px; }
    .view .tools { display: flex; flex-wrap: wrap; align-items: center; gap: 8px; margin: 12px 0; font-size: 14px; }
    .view select, .view input[type="text"] { font: inherit; font-size: 13px; padding: 3px 6px; }
    .grid { border-collapse: collapse; width: 100%; background: var(--paper); font-size: 14px; }
    .grid th, .grid td { border-bottom: 1px solid var(--line); padding: 6px 8px; text-align: left; vertical-align: top; }
    .grid th { font-size: 12px; color: var(--muted); font-weight: 600; position: sticky; top: 0; background: var(--paper); }
    .grid td.mark { text-align: center; width: 64px; font-size: 16px; }
    .grid td.mark.has { background: color-mix(in srgb, var(--c) 22%, white); }
    .grid td.quote { font-family: Georgia, serif; max-width: 420px; }
    .grid tr.disagree td.quote { box-shadow: inset 4px 0 0 #d9480f; }
    .grid tr.disagree { background: #fff7f0; }
    .grid tr.agree { color: #2b6b3a; }
    .grid .decision { font-size: 12px; color: var(--muted); }
    .grid .decision.taken { color: #2b8a3e; }
    .grid .decision.dropped { color: var(--danger); }
    .grid td.actions { white-space: nowrap; }
    .grid td.actions button { margin-right: 4px; }
    .grid input[type="color"] { width: 36px; height: 24px; padding: 0; border: 1px solid var(--line); }
    .legend { display: flex; gap: 16px; font-size: 12px; color: var(--muted); margin: 4px 0 10px; }
    .legend .box { display: inline-block; width: 12px; height: 12px; margin-right: 4px; vertical-align: -2px; }
    .conflicts { width: 760px; max-height: 80vh; overflow: auto; }
    .conflicts pre { white-space: pre-wrap; font-size: 12px; margin: 4px 0; background: var(--wash); padding: 6px; }
    .conflicts .side-pick { display: flex; gap: 12px; font-size: 13px; }
    """#
}
