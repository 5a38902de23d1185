extension Assets {
  /// The rest of app.js: comparing coders and reconciling (leads decide), managing the codebook
  /// and who codes what (leads), and the sync buttons. Every rule is the server's: the page
  /// shows what the API answers and what it refuses. Only function declarations here, so the
  /// first part of the module may call them before this part has run.
  static let leadScript = #"""

    // ---- Views -------------------------------------------------------------------------------------

    function showView(name) {
      S.view = name;
      $('#reader').hidden = name !== 'reader';
      $('#compare-view').hidden = name !== 'compare';
      $('#manage-view').hidden = name !== 'manage';
      $('#code-link').hidden = name === 'reader';
      if (name !== 'reader') closePicker();
    }

    function leadNav() {
      const lead = S.project.lead;
      // Comparing needs others' work: under blind coding only leads see it (the API says so too).
      $('#compare-link').hidden = S.project.blind && !lead;
      $('#manage-link').hidden = !lead;
      const doc = S.doc?.id ?? S.compare?.doc ?? '';
      $('#code-link').href = `#doc=${encodeURIComponent(doc)}`;
    }

    async function leadRoute() {
      const hash = location.hash;
      if (hash.startsWith('#compare')) {
        const match = /compare=([^&]+)/.exec(hash);
        const fallback = S.doc?.id ?? S.docs.find((doc) => doc.coders.length >= 2)?.id ?? S.docs[0]?.id;
        const doc = match ? decodeURIComponent(match[1]) : fallback;
        showView('compare');
        try { await openCompare(doc); } catch (error) { announce(error.message, true); }
        return true;
      }
      if (hash.startsWith('#manage')) {
        showView('manage');
        try { await openManage(); } catch (error) { announce(error.message, true); }
        return true;
      }
      return false;
    }

    async function refreshViews() {
      if (S.view === 'compare' && S.compare) await openCompare(S.compare.doc, true);
      // Not while the lead is typing in it: the change they make refreshes it anyway.
      const typing = $('#manage-view').contains(document.activeElement) && document.activeElement.type === 'text';
      if (S.view === 'manage' && !typing) await openManage();
      await loadSync();
    }

    function el(tag, props, ...children) {
      const node = document.createElement(tag);
      for (const [key, value] of Object.entries(props ?? {})) {
        if (key === 'dataset') Object.assign(node.dataset, value);
        else if (key === 'style') for (const [name, v] of Object.entries(value)) node.style.setProperty(name, v);
        else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
        else if (key.includes('-')) node.setAttribute(key, value);
        else if (value !== undefined && value !== null && value !== false) node[key] = value;
      }
      node.append(...children.filter((child) => child !== null && child !== undefined));
      return node;
    }

    // ---- Compare and reconcile -----------------------------------------------------------------------

    async function openCompare(doc, keep) {
      if (!doc) throw new Error('No document to compare');
      const summary = S.docs.find((item) => item.id === doc);
      const available = (summary?.coders ?? []).filter((coder) => coder !== 'consensus');
      let chosen = keep && S.compare?.doc === doc ? S.compare.coders : available;
      chosen = chosen.filter((coder) => available.includes(coder));
      const text = S.doc?.id === doc ? S.doc
        : S.compare?.doc === doc && S.compare.text ? S.compare.text
        : new Doc(await api('GET', `/api/documents/${encodeURIComponent(doc)}`));
      S.compare = { doc, coders: chosen, available, data: null, text };
      if (chosen.length >= 2) {
        const query = `doc=${encodeURIComponent(doc)}&coders=${chosen.map(encodeURIComponent).join(',')}`;
        S.compare.data = await api('GET', `/api/compare?${query}`);
      }
      renderCompare();
      leadNav();
    }

    /// Rows of the comparison: one per distinct span (code, start, end), each with the records
    /// of the coders who made it. A span not every coder made is a disagreement.
    function compareRows(data) {
      const rows = new Map();
      for (const item of data.assignments) {
        const key = `${item.code}\u0000${item.start}\u0000${item.end}`;
        if (!rows.has(key)) rows.set(key, { key, code: item.code, start: item.start, end: item.end, exact: item.exact, by: new Map() });
        rows.get(key).by.set(item.coder, item);
      }
      const consensus = new Set((data.consensus ?? []).map((item) => `${item.code}\u0000${item.start}\u0000${item.end}`));
      const decisions = new Map();
      for (const entry of data.reconcile?.disagreements ?? []) decisions.set(entry.assignment.id, entry.decision);
      return [...rows.values()].map((row) => {
        row.agreed = data.coders.every((coder) => row.by.has(coder));
        row.inConsensus = consensus.has(row.key);
        const own = [...row.by.values()].map((item) => decisions.get(item.id)).filter(Boolean);
        row.decision = row.agreed ? 'agreed' : own.includes('taken') ? 'taken' : own.includes('open') ? 'open'
          : own.length ? 'dropped' : '';
        return row;
      }).sort((a, b) => a.start - b.start || a.end - b.end || a.code.localeCompare(b.code));
    }

    function renderCompare() {
      const view = $('#compare-view');
      const { doc, coders, available, data } = S.compare;
      const lead = S.project.lead;
      const docSelect = el('select', {
        dataset: { testid: 'compare-doc' }, 'aria-label': 'Document',
        onchange: (event) => { location.hash = `compare=${encodeURIComponent(event.target.value)}`; },
      }, ...S.docs.map((item) => el('option', { value: item.id, selected: item.id === doc, textContent: item.id })));
      const pickers = available.map((coder) => el('label', {},
        el('input', {
          type: 'checkbox', checked: coders.includes(coder), dataset: { testid: 'compare-coder', coder },
          onchange: async (event) => {
            S.compare.coders = event.target.checked ? [...coders, coder] : coders.filter((other) => other !== coder);
            S.compare.coders.sort();
            await openCompare(doc, true).catch((error) => announce(error.message, true));
          },
        }), ` ${coder}`));
      const head = [el('h1', { textContent: `Compare coders on ${doc}` }),
        el('div', { className: 'tools' }, 'Document ', docSelect, ' Coders:', ...pickers)];
      if (!data) {
        view.replaceChildren(...head, el('p', { className: 'empty', textContent: 'Choose at least two coders who have coded this document.' }));
        return;
      }
      const rows = compareRows(data);
      const open = rows.filter((row) => row.decision === 'open').length;
      const differing = rows.filter((row) => !row.agreed).length;
      head.push(el('div', { className: 'meta', dataset: { testid: 'compare-summary' },
        textContent: `${rows.length} spans · ${rows.length - differing} agreed · ${differing} disagreements`
          + (data.reconcile ? ` · ${open} open` : '') }));
      if (lead && data.reconcile) {
        const from = el('select', { dataset: { testid: 'take-all-from' }, 'aria-label': 'Coder' },
          ...coders.map((coder) => el('option', { value: coder, textContent: coder })));
        head.push(el('div', { className: 'tools' },
          button('Write agreed spans', 'reconcile', () => reconcile({}), 'primary'),
          button('Majority rule', 'majority', () => reconcile({ strategy: 'majority' })),
          'Take all from ', from,
          button('Take all', 'take-all', () => reconcile({ strategy: 'take-all', from: from.value }))));
      }
      head.push(el('div', { className: 'legend' },
        el('span', {}, el('span', { className: 'box', style: { background: '#fff7f0', border: '1px solid #d9480f' } }), 'disagreement'),
        el('span', {}, '✓ made this span'),
        data.consensus ? el('span', {}, '● in consensus') : null));
      const header = el('tr', {}, el('th', { textContent: '¶' }), el('th', { textContent: 'Text' }),
        el('th', { textContent: 'Code' }), ...coders.map((coder) => el('th', { textContent: coder })),
        data.consensus ? el('th', { textContent: 'consensus' }) : null,
        data.reconcile ? el('th', { textContent: 'Decision' }) : null);
      const body = rows.map((row) => {
        const cells = coders.map((coder) => {
          const item = row.by.get(coder);
          return el('td', {
            className: `mark${item ? ' has' : ''}`, style: { '--c': colorOf(row.code) }, textContent: item ? '✓' : '',
            title: item ? `${coder}: ${item.id.slice(0, 8)}${item.memo ? ` — ${item.memo}` : ''}` : `${coder} did not make this span`,
            dataset: { coder },
          });
        });
        const para = S.compare.text.paragraphAt(row.start)?.n ?? '';
        const tr = el('tr', {
          className: row.agreed ? 'agree' : 'disagree',
          dataset: { testid: 'compare-row', code: row.code, start: row.start, end: row.end, decision: row.decision },
        },
        el('td', { textContent: para }), el('td', { className: 'quote', textContent: `“${excerpt(row.exact, 160)}”` }),
        el('td', {}, el('span', { className: 'swatch', style: { '--c': colorOf(row.code) } }), ` ${codeName(row.code)}`),
        ...cells,
        data.consensus ? el('td', { className: 'mark', textContent: row.inConsensus ? '●' : '' }) : null);
        if (data.reconcile) {
          const ids = [...row.by.values()].map((item) => item.id);
          const actions = el('td', { className: 'actions' },
            el('span', { className: `decision ${row.decision}`, textContent: row.decision }));
          if (!row.agreed && row.decision !== 'taken') {
            actions.append(' ', button('Take', 'take', () => reconcile({ take: ids })));
          }
          if (!row.agreed && row.decision === 'open') {
            actions.append(button('Drop', 'drop', () => reconcile({ drop: ids }), 'danger'));
          }
          tr.append(actions);
        }
        return tr;
      });
      const table = el('table', { className: 'grid', dataset: { testid: 'compare-table' } },
        el('thead', {}, header), el('tbody', {}, ...body));
      view.replaceChildren(...head, table);
    }

    /// One `gloss reconcile` run on the compared document and coders.
    function reconcile(decision) {
      const { doc, coders } = S.compare;
      return perform(async () => {
        const report = await api('POST', '/api/reconcile', { doc, coders, ...decision });
        const open = report.disagreements.filter((item) => item.decision === 'open').length;
        return report.commit
          ? `Consensus: ${report.written.length} record(s) written, ${open} open`
          : `Consensus already up to date, ${open} open`;
      });
    }

    // ---- Manage: codebook and assignments ---------------------------------------------------------------

    async function openManage() {
      const coders = await api('GET', '/api/coders');
      S.manage = { coders: coders.map((coder) => coder.name) };
      renderManage();
      leadNav();
    }

    function renderManage() {
      const view = $('#manage-view');
      const codeRows = S.codes.map((code) => {
        const name = el('input', { type: 'text', value: code.name, 'aria-label': `Name of ${code.id}`, dataset: { testid: 'code-name' } });
        name.addEventListener('change', () => perform(async () => {
          await api('PATCH', `/api/codes/${encodeURIComponent(code.id)}`, { name: name.value });
          return `Renamed ${code.id} to ${name.value}`;
        }));
        const color = el('input', { type: 'color', value: colorOf(code.id), 'aria-label': `Colour of ${code.id}`, dataset: { testid: 'code-color' } });
        color.addEventListener('change', () => perform(async () => {
          await api('PATCH', `/api/codes/${encodeURIComponent(code.id)}`, { color: color.value });
          return `Coloured ${code.name}`;
        }));
        const parent = el('select', { 'aria-label': `Parent of ${code.id}`, dataset: { testid: 'code-parent' } },
          el('option', { value: '', textContent: '(top level)', selected: !code.parent }),
          ...S.codes.filter((other) => other.id !== code.id).map((other) =>
            el('option', { value: other.id, textContent: other.name, selected: other.id === code.parent })));
        parent.addEventListener('change', () => perform(async () => {
          await api('PATCH', `/api/codes/${encodeURIComponent(code.id)}`, { parent: parent.value || null });
          return parent.value ? `Moved ${code.name} under ${codeName(parent.value)}` : `Moved ${code.name} to the top`;
        }));
        const into = el('select', { 'aria-label': `Merge ${code.id} into`, dataset: { testid: 'code-merge-into' } },
          el('option', { value: '', textContent: 'merge into…' }),
          ...S.codes.filter((other) => other.id !== code.id).map((other) => el('option', { value: other.id, textContent: other.name })));
        const merge = button('Merge', 'code-merge', () => {
          if (!into.value) return announce('Choose the code to merge into', true);
          if (!confirm(`Merge ${code.name} into ${codeName(into.value)}? Every assignment of ${code.name} is rewritten.`)) return;
          return perform(async () => {
            const result = await api('POST', `/api/codes/${encodeURIComponent(code.id)}/merge`, { into: into.value });
            return `Merged ${code.name}: ${result.rewritten} assignment(s) rewritten`;
          });
        }, 'danger');
        return el('tr', { dataset: { testid: 'code-row', code: code.id } },
          el('td', { style: { 'padding-left': `${8 + depthOf(code) * 14}px` } }, el('code', { textContent: code.id })),
          el('td', {}, name), el('td', {}, color), el('td', {}, parent), el('td', { textContent: code.uses }),
          el('td', { className: 'actions' }, into, ' ', merge));
      });
      const codes = el('table', { className: 'grid', dataset: { testid: 'codebook-table' } },
        el('thead', {}, el('tr', {}, ...['Id', 'Name', 'Colour', 'Parent', 'Uses', ''].map((text) => el('th', { textContent: text })))),
        el('tbody', {}, ...codeRows));
      const coders = S.manage.coders;
      const docRows = S.docs.map((doc) => el('tr', { dataset: { testid: 'assign-row', doc: doc.id } },
        el('td', { textContent: doc.id }),
        ...coders.map((coder) => el('td', { className: 'mark' }, el('input', {
          type: 'checkbox', checked: doc.coders.includes(coder), 'aria-label': `${doc.id} assigned to ${coder}`,
          dataset: { testid: 'assign', doc: doc.id, coder },
          onchange: (event) => perform(async () => {
            const on = event.target.checked;
            await api('POST', on ? '/api/assign' : '/api/unassign', { docs: [doc.id], coders: [coder] });
            return on ? `Assigned ${doc.id} to ${coder}` : `Took ${doc.id} off ${coder}'s list`;
          }),
        })))));
      const assignments = el('table', { className: 'grid', dataset: { testid: 'assign-table' } },
        el('thead', {}, el('tr', {}, el('th', { textContent: 'Document' }), ...coders.map((coder) => el('th', { textContent: coder })))),
        el('tbody', {}, ...docRows));
      view.replaceChildren(
        el('h1', { textContent: 'Manage the project' }),
        el('h2', { textContent: 'Codebook' }),
        el('div', { className: 'meta', textContent: 'Renames, moves and colours change codebook.yaml only; a merge rewrites every assignment of the code.' }),
        codes,
        el('h2', { textContent: 'Who codes what' }),
        el('div', { className: 'meta', textContent: 'A tick puts the document on the coder\u2019s list; a coder\u2019s work is never removed from here.' }),
        assignments);
    }

    // ---- Sync ----------------------------------------------------------------------------------------

    async function loadSync() {
      let status;
      try { status = await api('GET', '/api/sync'); } catch (error) { return; }
      S.sync = status;
      const box = $('#sync');
      box.hidden = !status.remote;
      if (!status.remote) return;
      const where = `${status.remote}/${status.branch}`;
      $('#sync-status').textContent = status.ahead === null
        ? `${where}: not fetched`
        : `${where} ↑${status.ahead} ↓${status.behind}`;
      $('#sync-status').title = status.ahead === null ? 'Fetch to compare with the remote'
        : `${status.ahead} commit(s) to push, ${status.behind} to pull (as of the last fetch)`;
      $('#sync-push').disabled = status.ahead === 0;
    }

    function syncAction(kind, body) {
      return perform(async () => {
        try {
          const result = await api('POST', `/api/sync/${kind}`, body);
          $('#conflicts').hidden = true;
          if (kind === 'pull') return result.outcome === 'up-to-date' ? 'Already up to date' : `Pulled: ${result.outcome}`;
          return kind === 'push' ? 'Pushed' : 'Fetched';
        } catch (error) {
          if (kind === 'pull' && error.status === 409 && error.data?.conflicts) {
            showConflicts(error.data);
            return 'Conflicts: choose a side for each';
          }
          throw error;
        }
      });
    }

    /// A merge's conflicts record by record, each settled with ours or theirs, as
    /// `gloss pull --ours ID --theirs ID` would.
    function showConflicts(data) {
      const box = $('#conflicts');
      const items = data.conflicts.map((conflict, index) => {
        const selector = conflict.id ?? conflict.path;
        const name = `side-${index}`;
        return el('div', { className: 'card', dataset: { testid: 'conflict', selector } },
          el('div', { className: 'title', textContent: `${conflict.path} ${conflict.id ? conflict.id.slice(0, 8) : '(whole file)'}` }),
          el('div', { className: 'where', textContent: conflict.reason }),
          el('div', { textContent: 'ours' }), el('pre', { textContent: conflict.ours ?? '(none)' }),
          el('div', { textContent: 'theirs' }), el('pre', { textContent: conflict.theirs ?? '(none)' }),
          el('div', { className: 'side-pick' },
            el('label', {}, el('input', { type: 'radio', name, value: 'ours', checked: true, dataset: { testid: 'pick-ours' } }), ' keep ours'),
            el('label', {}, el('input', { type: 'radio', name, value: 'theirs', dataset: { testid: 'pick-theirs' } }), ' take theirs')));
      });
      const settle = button('Merge with these choices', 'settle', () => {
        const ours = [], theirs = [];
        for (const card of box.querySelectorAll('[data-testid="conflict"]')) {
          const side = card.querySelector('input:checked').value;
          (side === 'ours' ? ours : theirs).push(card.dataset.selector);
        }
        return syncAction('pull', { ours, theirs });
      }, 'primary');
      box.replaceChildren(el('h2', { textContent: `${data.conflicts.length} conflict(s): nothing was merged yet` }),
        ...items, el('div', { className: 'actions' }, settle, ' ', button('Cancel', 'cancel-merge', () => { box.hidden = true; })));
      box.hidden = false;
    }

    function wireLead() {
      $('#sync-fetch').addEventListener('click', () => syncAction('fetch'));
      $('#sync-pull').addEventListener('click', () => syncAction('pull', {}));
      $('#sync-push').addEventListener('click', () => syncAction('push'));
    }
    """#
}
