extension Assets {
  /// The page's module. The API speaks code point offsets, as the files do; this script turns
  /// them into UTF-16 indexes only where it touches the DOM (`Doc.cpToU16`, `Doc.u16ToCp`).
  /// Highlights are painted only on paragraphs near the viewport (an IntersectionObserver), so a
  /// long transcript with thousands of spans opens at once.
  static let script = #"""
    const $ = (selector) => document.querySelector(selector);
    const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f',
      '#bcbd22', '#17becf', '#3b5bdb', '#e8590c', '#2b8a3e', '#c2255c', '#5f3dc4', '#0b7285'];

    const S = {
      project: null, me: '', docs: [], codes: [], codeById: new Map(), mine: [], doc: null, assignments: [],
      byId: new Map(), rows: [], buckets: [], showAll: false, filterCode: null, selectedId: null, undo: [],
      head: null, picker: null, recent: [],
    };

    // ---- API ---------------------------------------------------------------------------------

    async function api(method, path, body) {
      const init = { method, headers: {}, credentials: 'same-origin' };
      if (body !== undefined) {
        init.headers['Content-Type'] = 'application/json';
        init.body = JSON.stringify(body);
      }
      const response = await fetch(path, init);
      const data = await response.json().catch(() => ({}));
      if (!response.ok) {
        const error = new Error(data.error || `${response.status} ${response.statusText}`);
        error.status = response.status;
        error.data = data;
        throw error;
      }
      return data;
    }

    // ---- Offsets: code points in the API, UTF-16 in the DOM -------------------------------------

    class Doc {
      constructor(data) {
        this.id = data.id;
        this.text = data.text;
        this.paragraphs = data.paragraphs;
        const u16 = [0];
        let at = 0;
        for (const ch of data.text) { at += ch.length; u16.push(at); }
        this.cpToU16 = Int32Array.from(u16);
        this.length = u16.length - 1;
        this.u16ToCp = new Int32Array(data.text.length + 1).fill(-1);
        for (let cp = 0; cp < u16.length; cp++) this.u16ToCp[u16[cp]] = cp;
      }
      slice(start, end) { return this.text.slice(this.cpToU16[start], this.cpToU16[end]); }
      /// A UTF-16 index as a code point offset; inside a surrogate pair it moves to the pair's
      /// start, or past it when `after`.
      cp(index, after) {
        const exact = this.u16ToCp[index];
        if (exact >= 0) return exact;
        return this.u16ToCp[index - 1] + (after ? 1 : 0);
      }
      /// The index of the paragraph holding (or nearest before) the offset.
      paragraphIndex(offset) {
        let low = 0, high = this.paragraphs.length - 1, found = 0;
        while (low <= high) {
          const mid = (low + high) >> 1;
          if (this.paragraphs[mid].start <= offset) { found = mid; low = mid + 1; } else high = mid - 1;
        }
        return found;
      }
      paragraphAt(offset) { return this.paragraphs[this.paragraphIndex(offset)]; }
      isSpace(offset) { return /\s/u.test(this.slice(offset, offset + 1)); }
    }

    // ---- Codes -----------------------------------------------------------------------------------

    function colorOf(codeId) {
      const code = S.codeById.get(codeId);
      if (code && code.color) return code.color;
      let hash = 0;
      for (const ch of codeId) hash = (hash * 31 + ch.codePointAt(0)) >>> 0;
      return PALETTE[hash % PALETTE.length];
    }
    function codeName(codeId) { return S.codeById.get(codeId)?.name ?? codeId; }

    function rememberRecent(codeId) {
      S.recent = [codeId, ...S.recent.filter((id) => id !== codeId)].slice(0, 8);
      try { localStorage.setItem(recentKey(), JSON.stringify(S.recent)); } catch (error) { /* private mode */ }
    }
    function recentKey() { return `gloss-recent:${S.project?.name ?? ''}:${S.me}`; }

    // ---- Loading -----------------------------------------------------------------------------------

    async function loadProject() {
      S.project = await api('GET', '/api/project');
      S.me = S.project.coder;
      S.head = S.project.head;
      try { S.recent = JSON.parse(localStorage.getItem(recentKey()) || '[]'); } catch (error) { S.recent = []; }
      document.title = `${S.project.name} · Gloss`;
      $('#project-name').textContent = S.project.name;
      const who = $('#who');
      who.replaceChildren(`coding as ${S.me}`);
      if (S.project.lead) who.append(tag('lead'));
      if (S.project.blind) who.append(tag('blind coding'));
      // Under blind coding only leads see agreement (the page answers 403 to the others).
      $('#agreement-link').hidden = S.project.blind && !S.project.lead;
      leadNav();
    }
    function tag(text) {
      const span = document.createElement('span');
      span.className = 'tag';
      span.textContent = text;
      return span;
    }

    async function loadLists() {
      const [docs, codes, mine] = await Promise.all([
        api('GET', '/api/documents'), api('GET', '/api/codes'),
        api('GET', `/api/assignments?coder=${encodeURIComponent(S.me)}`),
      ]);
      S.docs = docs;
      S.codes = codes;
      S.codeById = new Map(codes.map((code) => [code.id, code]));
      S.mine = mine;
      renderDocList();
      renderCodeList();
    }

    async function openDocument(id, keepView) {
      const [data, assignments] = await Promise.all([
        api('GET', `/api/documents/${encodeURIComponent(id)}`),
        api('GET', `/api/assignments?doc=${encodeURIComponent(id)}`),
      ]);
      const sameText = keepView && S.doc && S.doc.id === id && S.doc.text === data.text;
      if (!sameText) S.doc = new Doc(data);
      setAssignments(assignments);
      if (sameText) {
        redecorate();
      } else {
        renderDocument();
        if (!keepView) $('#reader').scrollTop = 0;
      }
      renderDocHead();
      renderDocList();
      if (S.selectedId && !S.byId.has(S.selectedId)) closeDetails();
      else if (S.selectedId) showDetails(S.selectedId);
    }

    function setAssignments(items) {
      S.assignments = items;
      S.byId = new Map(items.map((item) => [item.id, item]));
      bucket();
    }

    /// Which assignments touch each paragraph (an assignment may cross several).
    function bucket() {
      const doc = S.doc;
      S.buckets = doc ? doc.paragraphs.map(() => []) : [];
      if (!doc) return;
      for (const item of S.assignments) {
        if (!visible(item)) continue;
        let index = doc.paragraphIndex(item.start);
        for (; index < doc.paragraphs.length && doc.paragraphs[index].start < item.end; index++) {
          if (doc.paragraphs[index].end > item.start) S.buckets[index].push(item);
        }
      }
    }

    function visible(item) {
      if (!S.showAll && item.coder !== S.me) return false;
      if (S.filterCode && item.code !== S.filterCode) return false;
      return true;
    }

    // ---- Document list -----------------------------------------------------------------------------

    function renderDocList() {
      const list = $('#doc-list');
      const byDoc = new Map();
      for (const item of S.mine) {
        if (!byDoc.has(item.doc)) byDoc.set(item.doc, []);
        byDoc.get(item.doc).push(item);
      }
      list.replaceChildren(...S.docs.map((doc) => {
        const mine = byDoc.get(doc.id) ?? [];
        const link = document.createElement('a');
        link.href = `#doc=${encodeURIComponent(doc.id)}`;
        link.dataset.testid = 'doc-link';
        link.dataset.doc = doc.id;
        if (S.doc && S.doc.id === doc.id) link.classList.add('current');
        const name = document.createElement('div');
        name.className = 'name';
        const id = document.createElement('span');
        id.className = 'id';
        id.textContent = doc.id;
        const count = document.createElement('span');
        count.className = 'count';
        count.textContent = `${mine.length} coded`;
        name.append(id, count);
        const meta = document.createElement('div');
        meta.className = 'meta';
        const assigned = doc.coders.includes(S.me) ? 'assigned to you' : 'not on your list';
        meta.textContent = `${doc.paragraphs} ¶ · ${assigned}`;
        // `doc done` marks (`done`: the coders the viewer may see, blind coding respected).
        const done = doc.done ?? [];
        if (done.includes(S.me)) {
          link.classList.add('done');
          const mark = document.createElement('span');
          mark.className = 'done-mark';
          mark.dataset.testid = 'doc-done';
          mark.textContent = ' · ✓ done';
          meta.append(mark);
        }
        // Leads see who is done (the `done` coders already follow the read policy).
        const who = document.createElement('div');
        if (S.project?.lead && doc.coders.length) {
          who.className = 'meta';
          who.dataset.testid = 'doc-done-by';
          who.textContent = `done: ${done.length ? done.join(', ') : 'nobody'} (${done.length} of ${doc.coders.length})`;
        }
        const marked = mine.filter((item) => item.review).length;
        if (marked) {
          const review = document.createElement('span');
          review.className = 'review';
          review.textContent = ` · ${marked} to review`;
          meta.append(review);
        }
        const bar = document.createElement('div');
        bar.className = 'progress';
        bar.title = 'share of the text you have coded';
        const fill = document.createElement('span');
        fill.style.width = `${Math.round(coverage(mine, doc.length) * 100)}%`;
        bar.append(fill);
        link.append(name, meta, ...(who.dataset.testid ? [who] : []), bar);
        const item = document.createElement('li');
        item.append(link);
        return item;
      }));
    }

    /// The share of `length` code points that the spans cover.
    function coverage(items, length) {
      if (!length) return 0;
      const spans = items.map((item) => [item.start, item.end]).sort((a, b) => a[0] - b[0]);
      let covered = 0, end = 0;
      for (const [start, stop] of spans) {
        if (stop <= end) continue;
        covered += stop - Math.max(start, end);
        end = stop;
      }
      return covered / length;
    }

    // ---- Codebook --------------------------------------------------------------------------------

    function depthOf(code) {
      let depth = 0, parent = code.parent;
      while (parent && depth < 8) { depth++; parent = S.codeById.get(parent)?.parent; }
      return depth;
    }

    function renderCodeList() {
      $('#code-list').replaceChildren(...S.codes.map((code) => {
        const item = document.createElement('li');
        item.style.setProperty('--c', colorOf(code.id));
        item.style.paddingLeft = `${6 + depthOf(code) * 14}px`;
        item.title = `${code.id}: show only this code (again: all)`;
        item.dataset.code = code.id;
        item.dataset.testid = 'code-filter';
        // A button for the keyboard too: Tab reaches it, Enter or Space filters.
        item.tabIndex = 0;
        item.setAttribute('role', 'button');
        item.setAttribute('aria-pressed', String(S.filterCode === code.id));
        if (S.filterCode === code.id) item.classList.add('active');
        const swatch = document.createElement('span');
        swatch.className = 'swatch';
        const name = document.createElement('span');
        name.className = 'name';
        name.textContent = code.name;
        if (code.description) {
          const description = document.createElement('span');
          description.className = 'description';
          description.dataset.testid = 'code-description';
          description.textContent = code.description;
          name.append(description);
        }
        const uses = document.createElement('span');
        uses.className = 'uses';
        uses.textContent = code.uses;
        item.append(swatch, name, uses);
        const toggle = () => setFilter(S.filterCode === code.id ? null : code.id);
        item.addEventListener('click', toggle);
        item.addEventListener('keydown', (event) => {
          if (event.key !== 'Enter' && event.key !== ' ') return;
          event.preventDefault();
          event.stopPropagation();
          toggle();
          $(`#code-list li[data-code="${CSS.escape(code.id)}"]`)?.focus();
        });
        return item;
      }));
      const note = $('#filter-note');
      note.textContent = S.filterCode ? `· only ${codeName(S.filterCode)} ×` : '';
    }

    function setFilter(codeId) {
      S.filterCode = codeId;
      renderCodeList();
      bucket();
      redecorate();
    }

    // ---- Transcript --------------------------------------------------------------------------------

    const observer = new IntersectionObserver((entries) => {
      for (const entry of entries) {
        const row = S.rows[Number(entry.target.dataset.index)];
        if (!row) continue;
        row.near = entry.isIntersecting;
        if (row.near && row.dirty) decorate(row);
      }
    }, { root: null, rootMargin: '1200px 0px' });

    function renderDocHead() {
      const head = $('#doc-head');
      const doc = S.doc;
      const title = document.createElement('h1');
      title.textContent = doc.id;
      const meta = document.createElement('div');
      meta.className = 'meta';
      const mine = S.assignments.filter((item) => item.coder === S.me).length;
      meta.textContent = `${doc.paragraphs.length} paragraphs · ${doc.length} characters · ${mine} of your codes`;
      head.replaceChildren(title, meta);
      // Done / Reopen (`gloss doc done`, `gloss doc reopen`), for a document on the coder's list.
      const summary = S.docs.find((other) => other.id === doc.id);
      if (summary && summary.coders.includes(S.me)) {
        const done = (summary.done ?? []).includes(S.me);
        const path = `/api/documents/${encodeURIComponent(doc.id)}/${done ? 'reopen' : 'done'}`;
        const toggle = button(done ? 'Reopen' : 'Mark done', 'done-toggle', () => perform(async () => {
          await api('POST', path, {});
          return done ? `Reopened ${doc.id}` : `Marked ${doc.id} done`;
        }), done ? '' : 'primary');
        toggle.title = done ? 'Back to work on this document' : 'Say your coding of this document is finished';
        meta.append(' ', toggle);
      }
    }

    function renderDocument() {
      observer.disconnect();
      const box = $('#transcript');
      const doc = S.doc;
      S.rows = doc.paragraphs.map((para, index) => {
        const row = document.createElement('div');
        row.className = 'row';
        row.dataset.index = index;
        const number = document.createElement('span');
        number.className = 'pn';
        number.textContent = para.n;
        number.setAttribute('aria-hidden', 'true');
        number.contentEditable = 'false';
        const p = document.createElement('p');
        p.className = 'para';
        p.dataset.testid = 'para';
        p.dataset.para = para.n;
        const text = doc.slice(para.start, para.end);
        p.textContent = text;
        const margin = document.createElement('div');
        margin.className = 'margin';
        margin.contentEditable = 'false';
        row.append(number, p, margin);
        const speaker = /^([^\s:#][^:\n]{0,40}):\s/u.exec(text);
        if (/^#/.test(text)) row.classList.add('heading');
        const speakerEnd = speaker ? para.start + Array.from(speaker[1]).length + 1 : para.start;
        return { para, index, row, p, margin, speakerEnd, dirty: true, near: false };
      });
      box.replaceChildren(...S.rows.map((row) => row.row));
      for (const row of S.rows) observer.observe(row.row);
    }

    /// Repaints highlights: now for the paragraphs near the viewport, later for the others.
    function redecorate() {
      const saved = saveSelection();
      for (const row of S.rows) {
        row.dirty = true;
        if (row.near) decorate(row);
      }
      restoreSelection(saved);
    }

    /// One paragraph as flat runs: the text is cut at every span edge and each run is one
    /// element listing every assignment that covers it; the shortest one is its face.
    function decorate(row) {
      const doc = S.doc;
      const { para } = row;
      const spans = S.buckets[row.index] ?? [];
      const cuts = new Set([para.start, para.end, row.speakerEnd]);
      for (const item of spans) {
        cuts.add(Math.max(item.start, para.start));
        cuts.add(Math.min(item.end, para.end));
      }
      const points = [...cuts].sort((a, b) => a - b);
      const parts = [];
      for (let i = 0; i + 1 < points.length; i++) {
        const start = points[i], end = points[i + 1];
        if (start >= end) continue;
        const text = doc.slice(start, end);
        const cover = spans.filter((item) => item.start <= start && item.end >= end);
        let node;
        if (!cover.length) {
          node = document.createTextNode(text);
        } else {
          cover.sort((a, b) => (a.end - a.start) - (b.end - b.start) || b.start - a.start);
          const face = cover[0];
          node = document.createElement('mark');
          node.className = 'hl';
          node.textContent = text;
          node.setAttribute('data-assignment-id', face.id);
          node.dataset.ids = cover.map((item) => item.id).join(' ');
          node.tabIndex = -1;
          node.style.setProperty('--c', colorOf(face.code));
          if (cover[1]) node.style.setProperty('--c2', colorOf(cover[1].code));
          if (cover[2]) node.style.setProperty('--c3', colorOf(cover[2].code));
          if (cover.length > 1) node.classList.add('overlap');
          if (face.coder !== S.me) node.classList.add('other');
          if (cover.some((item) => item.review)) node.classList.add('review');
          if (face.memo) node.classList.add('memo');
          if (S.selectedId && cover.some((item) => item.id === S.selectedId)) node.classList.add('selected');
          node.title = cover.map((item) => `${codeName(item.code)} (${item.coder})`).join(' · ');
        }
        if (start < row.speakerEnd) {
          const speaker = document.createElement('span');
          speaker.className = 'speaker';
          speaker.append(node);
          node = speaker;
        }
        parts.push(node);
      }
      row.p.replaceChildren(...parts);
      const starting = new Map();
      for (const item of spans) {
        if (item.start >= para.start && !starting.has(item.code)) starting.set(item.code, item);
      }
      const chips = [...starting.values()];
      const shown = chips.length > 4 ? chips.slice(0, 3) : chips;
      row.margin.replaceChildren(...shown.map((item) => {
        const chip = document.createElement('span');
        chip.className = 'chip';
        chip.style.setProperty('--c', colorOf(item.code));
        chip.textContent = codeName(item.code);
        chip.title = `${codeName(item.code)}: ${item.exact}`;
        chip.addEventListener('click', () => select(item.id));
        return chip;
      }));
      if (shown.length < chips.length) {
        const more = document.createElement('span');
        more.className = 'chip more';
        more.textContent = `+${chips.length - shown.length} more`;
        more.title = chips.slice(shown.length).map((item) => codeName(item.code)).join(', ');
        row.margin.append(more);
      }
      row.dirty = false;
    }

    function rowOf(item) { return S.rows[S.doc.paragraphIndex(item.start)]; }

    // ---- Selection <-> offsets ---------------------------------------------------------------------

    /// The current text selection as code point offsets [start, end), trimmed of white space;
    /// null when there is none in the transcript.
    function selectionOffsets() {
      const selection = window.getSelection();
      if (!S.doc || !selection || selection.isCollapsed || !selection.rangeCount) return null;
      const range = selection.getRangeAt(0);
      const paras = S.rows.filter((row) => range.intersectsNode(row.p));
      if (!paras.length) return null;
      const first = paras[0], last = paras[paras.length - 1];
      let start = first.p.contains(range.startContainer) ? offsetIn(first, range.startContainer, range.startOffset, false)
        : first.para.start;
      let end = last.p.contains(range.endContainer) ? offsetIn(last, range.endContainer, range.endOffset, true)
        : last.para.end;
      while (start < end && S.doc.isSpace(start)) start++;
      while (end > start && S.doc.isSpace(end - 1)) end--;
      return start < end ? { start, end } : null;
    }

    function offsetIn(row, node, offset, after) {
      const range = document.createRange();
      range.setStart(row.p, 0);
      range.setEnd(node, offset);
      const local = range.toString().length;
      return S.doc.cp(S.doc.cpToU16[row.para.start] + local, after);
    }

    /// A DOM position for a code point offset (in the paragraph holding it).
    function locate(offset) {
      const row = S.rows[S.doc.paragraphIndex(offset)];
      const para = row.para;
      let local = S.doc.cpToU16[Math.min(Math.max(offset, para.start), para.end)] - S.doc.cpToU16[para.start];
      const walker = document.createTreeWalker(row.p, NodeFilter.SHOW_TEXT);
      let node = walker.nextNode(), lastNode = null;
      while (node) {
        if (local <= node.data.length) return [node, local];
        local -= node.data.length;
        lastNode = node;
        node = walker.nextNode();
      }
      return lastNode ? [lastNode, lastNode.data.length] : [row.p, 0];
    }

    function rangeOf(start, end) {
      const range = document.createRange();
      range.setStart(...locate(start));
      range.setEnd(...locate(end));
      return range;
    }

    function saveSelection() {
      if (S.picker) return null;
      return selectionOffsets();
    }
    function restoreSelection(saved) {
      if (!saved) return;
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(rangeOf(saved.start, saved.end));
    }

    // ---- Code picker ---------------------------------------------------------------------------------

    function openPicker(mode) {
      const input = $('#picker-input');
      const picker = $('#picker');
      if (mode.kind === 'assign') {
        $('#picker-quote').textContent = `“${excerpt(S.doc.slice(mode.start, mode.end), 140)}”`;
        const range = rangeOf(mode.start, mode.end);
        if (window.CSS && CSS.highlights) CSS.highlights.set('gloss-pending', new Highlight(range));
        mode.rect = [...range.getClientRects()].pop() ?? range.getBoundingClientRect();
      } else {
        const item = S.byId.get(mode.id);
        $('#picker-quote').textContent = `Change ${codeName(item.code)} to…`;
        mode.rect = document.querySelector(`[data-card="${mode.id}"]`)?.getBoundingClientRect();
      }
      S.picker = mode;
      picker.hidden = false;
      placePicker();
      input.value = '';
      fillPicker();
      input.focus();
    }

    function placePicker() {
      const picker = $('#picker');
      const rect = S.picker?.rect;
      if (!rect) return;
      const width = 320;
      const left = Math.max(8, Math.min(rect.left, window.innerWidth - width - 8));
      let top = rect.bottom + 8;
      if (top + 360 > window.innerHeight) top = Math.max(8, rect.top - 370);
      picker.style.left = `${left}px`;
      picker.style.top = `${top}px`;
    }

    function closePicker() {
      S.picker = null;
      $('#picker').hidden = true;
      if (window.CSS && CSS.highlights) CSS.highlights.delete('gloss-pending');
    }

    /// Codes matching the typed text: recent codes first, then names that start with it, then
    /// the rest of the codebook in tree order.
    function matches(typed) {
      const query = typed.trim().toLowerCase();
      const rank = (code) => {
        const recent = S.recent.indexOf(code.id);
        const name = code.name.toLowerCase();
        if (query && !name.includes(query) && !code.id.includes(query)) return null;
        const exact = query && (name === query || code.id === query) ? 0 : 1;
        const prefix = !query || name.startsWith(query) || code.id.startsWith(query) ? 0 : 1;
        return [exact, recent >= 0 ? 0 : 1, prefix, recent];
      };
      return S.codes.map((code, order) => ({ code, key: rank(code), order }))
        .filter((entry) => entry.key)
        .sort((a, b) => {
          for (let i = 0; i < 3; i++) if (a.key[i] !== b.key[i]) return a.key[i] - b.key[i];
          return a.key[3] - b.key[3] || a.order - b.order;
        })
        .map((entry) => entry.code);
    }

    function fillPicker() {
      const list = $('#picker-list');
      const found = matches($('#picker-input').value);
      S.picker.found = found;
      S.picker.active = 0;
      list.replaceChildren(...found.map((code, index) => {
        const item = document.createElement('li');
        item.id = `pick-${index}`;
        item.setAttribute('role', 'option');
        item.style.setProperty('--c', colorOf(code.id));
        const swatch = document.createElement('span');
        swatch.className = 'swatch';
        const name = document.createElement('span');
        name.textContent = code.name;
        item.append(swatch, name);
        if (S.recent.includes(code.id)) {
          const recent = document.createElement('span');
          recent.className = 'recent';
          recent.textContent = 'recent';
          item.append(recent);
        }
        const id = document.createElement('span');
        id.className = 'cid';
        id.textContent = code.id;
        item.append(id);
        item.addEventListener('mousedown', (event) => { event.preventDefault(); choose(code); });
        return item;
      }));
      const typed = $('#picker-input').value.trim();
      const exists = S.codes.some((code) => code.name.toLowerCase() === typed.toLowerCase() || code.id === typed);
      if (typed && !exists && S.picker.kind === 'assign') {
        const create = { create: typed };
        found.push(create);
        const item = document.createElement('li');
        item.id = `pick-${found.length - 1}`;
        item.setAttribute('role', 'option');
        item.dataset.testid = 'new-code';
        item.textContent = `+ New code “${typed}”`;
        item.addEventListener('mousedown', (event) => { event.preventDefault(); choose(create); });
        list.append(item);
      } else if (!found.length) {
        const none = document.createElement('li');
        none.textContent = 'No code matches.';
        list.append(none);
      }
      markActive();
    }

    function markActive() {
      const items = [...$('#picker-list').querySelectorAll('[role="option"]')];
      items.forEach((item, index) => item.setAttribute('aria-selected', index === S.picker.active ? 'true' : 'false'));
      const active = items[S.picker.active];
      $('#picker-input').setAttribute('aria-activedescendant', active ? active.id : '');
      active?.scrollIntoView({ block: 'nearest' });
    }

    async function choose(choice) {
      const mode = S.picker;
      closePicker();
      if (!mode) return;
      if (mode.kind === 'assign') {
        window.getSelection()?.removeAllRanges();
        await perform(async () => {
          const code = choice.create ? await api('POST', '/api/codes', { name: choice.create }) : choice;
          rememberRecent(code.id);
          const added = await api('POST', '/api/assignments', {
            doc: S.doc.id, code: code.id, start: mode.start, end: mode.end,
          });
          pushUndo({ undo: () => api('DELETE', `/api/assignments/${added.id}`), label: `add ${code.name}` });
          S.selectedId = null;
          return `Added ${code.name}`;
        });
      } else {
        const code = choice;
        rememberRecent(code.id);
        const before = S.byId.get(mode.id);
        await perform(async () => {
          await api('PATCH', `/api/assignments/${mode.id}`, { code: code.id });
          pushUndo({ undo: () => api('PATCH', `/api/assignments/${mode.id}`, { code: before.code }), label: 'change code' });
          return `Changed to ${code.name}`;
        });
      }
    }

    function pickerKey(event) {
      if (!S.picker) return;
      const count = S.picker.found.length;
      if (event.key === 'ArrowDown' && count) {
        S.picker.active = (S.picker.active + 1) % count;
        markActive();
      } else if (event.key === 'ArrowUp' && count) {
        S.picker.active = (S.picker.active - 1 + count) % count;
        markActive();
      } else if (event.key === 'Enter') {
        const code = S.picker.found[S.picker.active];
        if (code) choose(code);
      } else if (event.key === 'Escape') {
        closePicker();
      } else {
        return;
      }
      event.preventDefault();
      event.stopPropagation();
    }

    // ---- Actions, undo and refresh -------------------------------------------------------------------

    /// Runs a change, then reloads what it touched and says what happened.
    async function perform(action) {
      try {
        const message = await action();
        await refresh();
        if (message) announce(message);
      } catch (error) {
        announce(error.message, true);
        await refresh().catch(() => {});
      }
    }

    function pushUndo(entry) {
      S.undo.push(entry);
      if (S.undo.length > 50) S.undo.shift();
      $('#undo').disabled = false;
      $('#undo').title = `Undo ${entry.label} (Ctrl+Z)`;
    }

    async function undo() {
      const entry = S.undo.pop();
      $('#undo').disabled = !S.undo.length;
      if (!entry) return;
      await perform(async () => {
        await entry.undo();
        return `Undid ${entry.label}`;
      });
    }

    /// Reloads everything shown. A reload already running may have read before the caller's
    /// change (or the branch move an event reports): the caller then gets one more, shared by
    /// everyone who asks meanwhile, so no change is left unseen.
    let refreshing = null, queued = null;
    function refresh() {
      if (refreshing) {
        queued ??= refreshing.catch(() => {}).then(() => { queued = null; return refresh(); });
        return queued;
      }
      refreshing = (async () => {
        try {
          await loadProject();
          await loadLists();
          if (S.doc) await openDocument(S.doc.id, true);
          await refreshViews();
        } finally {
          refreshing = null;
        }
      })();
      return refreshing;
    }

    function listen() {
      const events = new EventSource('/api/events');
      events.addEventListener('head', (event) => {
        if (event.data !== S.head) refresh().catch((error) => announce(error.message, true));
      });
    }

    // ---- Details ------------------------------------------------------------------------------------

    function select(id) {
      S.selectedId = id;
      for (const mark of document.querySelectorAll('mark.hl.selected')) mark.classList.remove('selected');
      for (const mark of document.querySelectorAll('mark.hl')) {
        if (mark.dataset.ids.split(' ').includes(id)) mark.classList.add('selected');
      }
      showDetails(id);
    }

    function closeDetails() {
      S.selectedId = null;
      $('#details').hidden = true;
      for (const mark of document.querySelectorAll('mark.hl.selected')) mark.classList.remove('selected');
    }

    function showDetails(id) {
      const item = S.byId.get(id);
      if (!item) return closeDetails();
      const mark = document.querySelector(`mark.hl[data-ids~="${id}"]`);
      const ids = mark ? mark.dataset.ids.split(' ') : [id];
      const ordered = [id, ...ids.filter((other) => other !== id)];
      const panel = $('#details');
      const heading = document.createElement('h2');
      heading.textContent = ordered.length > 1 ? `${ordered.length} codes here` : 'Highlight';
      panel.replaceChildren(heading, ...ordered.map((other) => card(S.byId.get(other))).filter(Boolean));
      panel.hidden = false;
    }

    function button(text, testid, handler, kind) {
      const element = document.createElement('button');
      element.type = 'button';
      element.textContent = text;
      if (testid) element.dataset.testid = testid;
      if (kind) element.className = kind;
      element.addEventListener('click', handler);
      return element;
    }

    function card(item) {
      if (!item) return null;
      const own = item.coder === S.me;
      const box = document.createElement('div');
      box.className = 'card';
      box.dataset.card = item.id;
      box.style.setProperty('--c', colorOf(item.code));
      const title = document.createElement('div');
      title.className = 'title';
      const swatch = document.createElement('span');
      swatch.className = 'swatch';
      const name = document.createElement('span');
      name.textContent = codeName(item.code);
      const by = document.createElement('span');
      by.className = 'by';
      by.textContent = own ? 'you' : item.coder;
      title.append(swatch, name, by);
      const quote = document.createElement('div');
      quote.className = 'quote';
      quote.textContent = `“${item.exact}”`;
      const where = document.createElement('div');
      where.className = 'where';
      where.textContent = `¶${S.doc.paragraphAt(item.start).n} · characters ${item.start}–${item.end} · ${item.id.slice(0, 8)}`;
      box.append(title, quote, where);
      const made = createdAt(item.id);
      if (made) {
        const when = document.createElement('div');
        when.className = 'when';
        when.dataset.testid = 'when';
        when.textContent = `added ${localMinute(made)}`;
        when.title = made.toISOString();
        box.append(when);
      }
      if (item.review) {
        const reason = document.createElement('div');
        reason.className = 'reason';
        reason.textContent = `Needs a look: ${item.review}`;
        box.append(reason);
        if (own) {
          box.append(button('Confirm span', 'confirm', () => perform(async () => {
            await api('PATCH', `/api/assignments/${item.id}`, { start: item.start, end: item.end });
            return 'Confirmed';
          })));
        }
      }
      const memo = document.createElement('textarea');
      memo.dataset.testid = 'memo';
      memo.value = item.memo || '';
      memo.placeholder = own ? 'Memo: why this code here?' : '';
      memo.readOnly = !own;
      memo.setAttribute('aria-label', 'Memo');
      box.append(memo);
      if (!own) return box;
      const actions = document.createElement('div');
      actions.className = 'actions';
      const saveMemo = () => perform(async () => {
        const before = item.memo || '';
        if (memo.value === before) return 'The memo already says that';
        await api('PATCH', `/api/assignments/${item.id}`, { memo: memo.value });
        pushUndo({ undo: () => api('PATCH', `/api/assignments/${item.id}`, { memo: before }), label: 'memo' });
        return 'Memo saved';
      });
      memo.addEventListener('keydown', (event) => {
        if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) { event.preventDefault(); saveMemo(); }
      });
      actions.append(
        button('Save memo', 'save-memo', saveMemo, 'primary'),
        button('Change code', 'change-code', () => openPicker({ kind: 'change', id: item.id })),
        button('Use selection', 'adjust', () => adjust(item), null),
        button('Remove', 'remove', () => remove(item), 'danger'));
      actions.lastChild.title = 'Remove this highlight (Delete)';
      actions.children[2].title = 'Select new text first: the highlight takes its edges';
      box.append(actions);
      return box;
    }

    /// When a v7 id was made (its first 48 bits are Unix milliseconds), as
    /// `AssignmentID.creationDate` reads it; null for other ids (imports use v5).
    function createdAt(id) {
      if (!/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(id)) return null;
      return new Date(parseInt(id.slice(0, 8) + id.slice(9, 13), 16));
    }
    function localMinute(date) {
      const two = (n) => String(n).padStart(2, '0');
      return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())} `
        + `${two(date.getHours())}:${two(date.getMinutes())}`;
    }

    function remove(item) {
      return perform(async () => {
        await api('DELETE', `/api/assignments/${item.id}`);
        closeDetails();
        const again = { doc: item.doc, code: item.code, start: item.start, end: item.end };
        if (item.memo) again.memo = item.memo;
        pushUndo({ undo: () => api('POST', '/api/assignments', again), label: `remove ${codeName(item.code)}` });
        return `Removed ${codeName(item.code)}`;
      });
    }

    function adjust(item) {
      const span = S.lastSelection;
      if (!span) return announce('Select the new text first, then press Use selection', true);
      return perform(async () => {
        await api('PATCH', `/api/assignments/${item.id}`, { start: span.start, end: span.end });
        pushUndo({
          undo: () => api('PATCH', `/api/assignments/${item.id}`, { start: item.start, end: item.end }), label: 'edges',
        });
        S.lastSelection = null;
        return 'Span adjusted';
      });
    }

    // ---- Navigation ------------------------------------------------------------------------------------

    function step(direction) {
      const items = S.assignments.filter(visible).sort((a, b) => a.start - b.start || a.end - b.end);
      if (!items.length) return;
      const current = items.findIndex((item) => item.id === S.selectedId);
      const next = items[(current + direction + items.length) % items.length];
      const row = rowOf(next);
      if (row.dirty) decorate(row);
      select(next.id);
      const mark = document.querySelector(`mark.hl[data-ids~="${next.id}"]`);
      mark?.scrollIntoView({ block: 'center' });
      mark?.focus({ preventScroll: true });
    }

    function openNeighbour(direction) {
      if (!S.docs.length) return;
      const index = S.doc ? S.docs.findIndex((doc) => doc.id === S.doc.id) : -1;
      const next = S.docs[(index + direction + S.docs.length) % S.docs.length];
      location.hash = `doc=${encodeURIComponent(next.id)}`;
    }

    function excerpt(text, limit) {
      const flat = text.replace(/\s+/g, ' ');
      return flat.length <= limit ? flat : `${flat.slice(0, limit - 1)}…`;
    }

    let statusTimer = null;
    function announce(message, isError) {
      const status = $('#status');
      status.textContent = message;
      status.className = `status show${isError ? ' error' : ''}`;
      clearTimeout(statusTimer);
      statusTimer = setTimeout(() => { status.className = 'status'; }, isError ? 6000 : 2500);
    }

    // ---- Wiring ------------------------------------------------------------------------------------

    function afterSelecting() {
      const span = selectionOffsets();
      if (span) S.lastSelection = span;
      return span;
    }

    function wire() {
      const transcript = $('#transcript');
      // A caret for selecting with the keyboard (shift+arrows): the transcript is editable in
      // the browser's sense only; every edit is refused before it happens.
      transcript.contentEditable = 'true';
      transcript.spellcheck = false;
      for (const kind of ['beforeinput', 'paste', 'drop', 'cut']) {
        transcript.addEventListener(kind, (event) => event.preventDefault());
      }
      transcript.addEventListener('mouseup', () => {
        setTimeout(() => {
          const span = afterSelecting();
          if (span && !S.picker) openPicker({ kind: 'assign', ...span });
        }, 0);
      });
      transcript.addEventListener('click', (event) => {
        const mark = event.target.closest('mark.hl');
        if (!mark || !window.getSelection().isCollapsed) return;
        select(mark.getAttribute('data-assignment-id'));
      });
      $('#picker-input').addEventListener('input', fillPicker);
      $('#picker-input').addEventListener('keydown', pickerKey);
      $('#picker-input').addEventListener('blur', () => setTimeout(() => {
        if (S.picker && document.activeElement !== $('#picker-input')) closePicker();
      }, 150));
      $('#reader').addEventListener('scroll', () => {
        if (S.picker?.kind === 'assign') {
          const range = rangeOf(S.picker.start, S.picker.end);
          S.picker.rect = [...range.getClientRects()].pop() ?? range.getBoundingClientRect();
          placePicker();
        }
      }, { passive: true });
      $('#undo').addEventListener('click', undo);
      $('#show-all').addEventListener('change', (event) => {
        S.showAll = event.target.checked;
        bucket();
        redecorate();
      });
      $('#help-button').addEventListener('click', () => { $('#help').hidden = !$('#help').hidden; });
      $('#filter-note').addEventListener('click', () => setFilter(null));
      document.addEventListener('keydown', shortcut);
      window.addEventListener('hashchange', route);
      wireLead();
    }

    function shortcut(event) {
      const target = event.target;
      const typing = target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement;
      if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'z' && !typing) {
        event.preventDefault();
        undo();
        return;
      }
      if (event.key === 'Escape') {
        if (S.picker) closePicker();
        else if (!$('#help').hidden) $('#help').hidden = true;
        else closeDetails();
        if (typing) target.blur();
        return;
      }
      if (typing || event.ctrlKey || event.metaKey || event.altKey) return;
      const key = event.key;
      if ((key === 'Enter' || key === 'c') && !S.picker) {
        const span = afterSelecting();
        if (span) { event.preventDefault(); openPicker({ kind: 'assign', ...span }); }
      } else if (key === 'j') step(1);
      else if (key === 'k') step(-1);
      else if (key === 'u') undo();
      else if (key === ']') openNeighbour(1);
      else if (key === '[') openNeighbour(-1);
      else if (key === '?') $('#help').hidden = !$('#help').hidden;
      else if (key === 'a') $('#show-all').click();
      else if (key === 'm' && S.selectedId) {
        event.preventDefault();
        document.querySelector(`[data-card="${S.selectedId}"] textarea`)?.focus();
      } else if ((key === 'Delete' || key === 'Backspace') && S.selectedId) {
        const item = S.byId.get(S.selectedId);
        if (item && item.coder === S.me) { event.preventDefault(); remove(item); }
      }
    }

    async function route() {
      if (await leadRoute()) return;
      showView('reader');
      const match = /doc=([^&]+)/.exec(location.hash);
      if (!match) return;
      const id = decodeURIComponent(match[1]);
      closePicker();
      closeDetails();
      try {
        await openDocument(id, false);
      } catch (error) {
        announce(error.message, true);
      }
    }

    async function start() {
      wire();
      try {
        await loadProject();
        await loadLists();
      } catch (error) {
        announce(error.message, true);
        return;
      }
      listen();
      loadSync();
      if (!location.hash && S.docs.length) {
        const first = S.docs.find((doc) => doc.coders.includes(S.me)) ?? S.docs[0];
        history.replaceState(null, '', `#doc=${encodeURIComponent(first.id)}`);
      }
      await route();
      document.body.dataset.ready = 'true';
      // For Benchmarks/serve_render.sh: the first frame with the document painted.
      requestAnimationFrame(() => requestAnimationFrame(() => performance.mark('gloss-first-render')));
    }

    start();
    """#
}
