// Memories: the list (GET /memories/ with its filters, ordering and pages) and one memory's detail (every field,
// relationships both ways, related memories, feedback; edit, delete, rate).
import { ApiError, del, get, patch, post, query } from './api.js';
import { el, fields, fill, fmt, list as splitList, memoryLink, typeSelect, when } from './dom.js';
import { status, timing } from './status.js';

const ORDERINGS = [['-importance_score', 'importance, highest first'], ['importance_score', 'importance, lowest first'],
  ['-created_at', 'newest first'], ['created_at', 'oldest first'], ['-access_count', 'most accessed'],
  ['access_count', 'least accessed'], ['-retrieval_count', 'most retrieved'], ['retrieval_count', 'least retrieved']];

/** The list's filters and page, kept while the user moves between views. */
const state = { memory_type: '', tags: '', min_importance: '', pruning_candidates: false,
  ordering: '-importance_score', limit: 25, offset: 0 };

export async function list(view) {
  const form = el('form', { id: 'memory-filters', class: 'filters', on: { submit: (e) => {
    e.preventDefault();
    state.memory_type = form.elements['f-type'].value;
    state.tags = form.elements['f-tags'].value;
    state.min_importance = form.elements['f-importance'].value;
    state.pruning_candidates = form.elements['f-pruning'].checked;
    state.ordering = form.elements['f-ordering'].value;
    state.limit = Number(form.elements['f-limit'].value);
    state.offset = 0;
    load();
  } } },
  el('label', { for: 'f-type' }, 'Type'), typeSelect('f-type', state.memory_type),
  el('label', { for: 'f-tags' }, 'Tags (all of)'),
  el('input', { id: 'f-tags', name: 'f-tags', value: state.tags, placeholder: 'e.g. db, auth' }),
  el('label', { for: 'f-importance' }, 'Importance at least'),
  el('input', { id: 'f-importance', name: 'f-importance', type: 'number', min: 0, max: 1, step: 'any',
    value: state.min_importance }),
  el('label', { class: 'check' }, el('input', { id: 'f-pruning', name: 'f-pruning', type: 'checkbox',
    checked: state.pruning_candidates }), 'Pruning candidates only'),
  el('label', { for: 'f-ordering' }, 'Order'),
  el('select', { id: 'f-ordering', name: 'f-ordering' },
    ORDERINGS.map(([v, label]) => el('option', { value: v, selected: v === state.ordering }, label))),
  el('label', { for: 'f-limit' }, 'Per page'),
  el('select', { id: 'f-limit', name: 'f-limit' },
    [10, 25, 50, 100].map((n) => el('option', { value: n, selected: n === state.limit }, String(n)))),
  el('button', { type: 'submit' }, 'Apply'));
  const table = el('div', { id: 'memory-list' });
  const pager = el('div', { class: 'pager' });
  fill(view, el('h2', {}, 'Memories'), form, table, pager);

  async function load() {
    status('Loading memories…');
    const memories = await get('/memories/' + query({
      memory_type: state.memory_type, tags: splitList(state.tags), min_importance: state.min_importance,
      pruning_candidates: state.pruning_candidates || undefined, ordering: state.ordering,
      limit: state.limit, offset: state.offset }));
    fill(table, memories.length === 0 ? el('p', { class: 'empty' }, 'No memories match.') : memoryTable(memories));
    const page = state.offset / state.limit + 1;
    fill(pager,
      el('button', { type: 'button', disabled: state.offset === 0, on: { click: () => {
        state.offset = Math.max(0, state.offset - state.limit); load();
      } } }, 'Previous page'),
      el('span', { id: 'page-number' }, 'Page ' + page),
      el('button', { type: 'button', disabled: memories.length < state.limit, on: { click: () => {
        state.offset += state.limit; load();
      } } }, 'Next page'));
    status(memories.length + ' memories on page ' + page + '.');
    if (timing.signInAt !== null) {
      table.dataset.signInToListMs = String(Math.round(performance.now() - timing.signInAt));
      timing.signInAt = null;
    }
  }
  await load();
}

function memoryTable(memories) {
  return el('table', { class: 'memories' },
    el('thead', {}, el('tr', {}, ['Title', 'Type', 'Importance', 'Tags', 'Community', 'Accessed', 'Retrieved',
      'Created'].map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, memories.map((m) => el('tr', { dataset: { memoryId: m.memory_id } },
      el('td', {}, memoryLink(m.memory_id, m.title)),
      el('td', {}, m.memory_type), el('td', { class: 'num' }, fmt(m.importance_score, 2)),
      el('td', {}, (m.tags || []).map((t) => el('span', { class: 'tag' }, t))),
      el('td', {}, m.community_label ?? '—'),
      el('td', { class: 'num' }, String(m.access_count)), el('td', { class: 'num' }, String(m.retrieval_count)),
      el('td', {}, when(m.created_at))))));
}

export async function detail(view, memoryId) {
  status('Loading the memory…');
  let m;
  try {
    m = await get('/memories/' + encodeURIComponent(memoryId) + '?include_related=true');
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) {
      fill(view, el('h2', {}, 'No such memory'), el('p', {}, e.message), el('a', { href: '#/memories' }, 'Back to the list'));
      status('');
      return;
    }
    throw e;
  }
  const id = m.memory_id;
  const path = '/memories/' + encodeURIComponent(id);
  const saved = el('p', { id: 'edit-status', role: 'status' });

  const edit = el('form', { id: 'memory-edit', class: 'filters', on: { submit: async (e) => {
    e.preventDefault();
    const changes = { tags: splitList(edit.elements['e-tags'].value), memory_type: edit.elements['e-type'].value };
    // only when changed: the field shows the learned importance, and PATCH sets the base it is learned from
    const importance = Number(edit.elements['e-importance'].value);
    if (importance !== m.importance_score) changes.importance_score = importance;
    try {
      await patch(path, changes);
      await detail(view, id);   // shown as stored
      document.getElementById('edit-status').textContent = 'Saved.';
    } catch (err) {
      saved.textContent = 'Not saved: ' + err.message;
    }
  } } },
  el('label', { for: 'e-tags' }, 'Tags'), el('input', { id: 'e-tags', name: 'e-tags', value: (m.tags || []).join(', ') }),
  el('label', { for: 'e-type' }, 'Type'), typeSelect('e-type', m.memory_type, null),
  el('label', { for: 'e-importance' }, 'Importance'),
  el('input', { id: 'e-importance', name: 'e-importance', type: 'number', min: 0, max: 1, step: 'any',
    value: m.importance_score, required: true }),
  el('button', { type: 'submit' }, 'Save changes'));

  const feedbackStatus = el('span', { id: 'feedback-status', role: 'status' });
  const rate = (useful) => async () => {
    try {
      const f = await post(path + '/feedback', { useful });
      feedbackStatus.textContent = 'Thanks: importance is now ' + fmt(f.importance_score, 2) + '.';
      const counts = document.getElementById('feedback-counts');
      m[useful ? 'feedback_positive_count' : 'feedback_negative_count'] += 1;
      counts.textContent = feedbackText(m);
    } catch (err) {
      feedbackStatus.textContent = 'Not recorded: ' + err.message;
    }
  };

  const confirmBox = el('div', { id: 'delete-confirm', class: 'confirm', hidden: true, role: 'alertdialog',
    'aria-labelledby': 'delete-question' },
  el('p', { id: 'delete-question' }, 'Delete this memory and every relationship that touches it? This cannot be undone.'),
  el('button', { type: 'button', class: 'danger', id: 'delete-confirm-button', on: { click: async () => {
    await del(path);
    location.hash = '#/memories';
    status('Deleted ' + id + '.');
  } } }, 'Delete permanently'),
  el('button', { type: 'button', on: { click: () => { confirmBox.hidden = true; } } }, 'Cancel'));

  fill(view,
    el('p', {}, el('a', { href: '#/memories' }, '← Memories')),
    el('h2', { id: 'memory-title' }, m.title),
    el('pre', { class: 'narrative', id: 'memory-narrative' }, m.narrative),
    fields([['memory_id', m.memory_id], ['id', m.id], ['workspace_id', m.workspace_id], ['type', m.memory_type],
      ['importance', fmt(m.importance_score, 4)], ['confidence', fmt(m.confidence_score, 2)],
      ['PageRank', fmt(m.pagerank_score, 6)], ['community', m.community_label],
      ['tags', (m.tags || []).map((t) => el('span', { class: 'tag' }, t))],
      ['concepts', (m.concepts || []).join(', ') || '—'], ['source files', (m.source_files || []).join(', ') || '—'],
      ['accesses', String(m.access_count)], ['retrievals', String(m.retrieval_count)],
      ['last accessed', when(m.last_accessed_at)], ['source session', m.source_session_id],
      ['consolidated', m.is_consolidated ? 'yes, from ' + (m.consolidated_from || []).join(', ') : 'no'],
      ['created', when(m.created_at)], ['updated', when(m.updated_at)],
      ['feedback', el('span', { id: 'feedback-counts' }, feedbackText(m))]]),
    el('div', { class: 'actions' },
      el('button', { type: 'button', on: { click: rate(true) } }, 'Useful'),
      el('button', { type: 'button', on: { click: rate(false) } }, 'Not useful'), feedbackStatus),
    el('h3', {}, 'Edit'), edit, saved,
    el('h3', {}, 'Outgoing relationships'), relationships(m.outgoing_relationships, 'target_memory_id', 'outgoing'),
    el('h3', {}, 'Incoming relationships'), relationships(m.incoming_relationships, 'source_memory_id', 'incoming'),
    el('h3', {}, 'Related memories (by meaning)'), related(m.related_memories || []),
    el('h3', {}, 'Delete'),
    el('button', { type: 'button', class: 'danger', id: 'delete-button', on: { click: () => {
      confirmBox.hidden = false;
      document.getElementById('delete-confirm-button').focus();
    } } }, 'Delete this memory…'),
    confirmBox);
  status('');
}

function feedbackText(m) {
  return m.feedback_positive_count + ' useful, ' + m.feedback_negative_count + ' not useful';
}

function relationships(rels, otherEnd, direction) {
  if (!rels || rels.length === 0) return el('p', { class: 'empty' }, 'None.');
  return el('table', { class: 'relationships', id: direction + '-relationships' },
    el('thead', {}, el('tr', {}, [direction === 'outgoing' ? 'To' : 'From', 'Type', 'Confidence', 'Discovered by',
      'Both ways', 'Context'].map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, rels.map((r) => el('tr', {},
      el('td', {}, memoryLink(r[otherEnd])), el('td', {}, r.relationship_type),
      el('td', { class: 'num' }, fmt(r.confidence, 2)), el('td', {}, r.discovery_method),
      el('td', {}, r.is_bidirectional ? 'yes' : 'no'), el('td', {}, r.context ?? '')))));
}

function related(results) {
  if (results.length === 0) return el('p', { class: 'empty' }, 'None (or not embedded yet).');
  return el('ul', { class: 'related' }, results.map((r) => el('li', {},
    memoryLink(r.memory.memory_id, r.memory.title), ' ', el('span', { class: 'muted' },
      'similarity ' + fmt(r.semantic_score ?? r.score, 2)))));
}
