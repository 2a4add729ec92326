// Search: POST /memories/search with explain, each result's score split into its keyword, semantic and
// importance contributions, so that a person sees why it ranked where it did.
import { post } from './api.js';
import { el, fill, fmt, list as splitList, memoryLink, typeSelect } from './dom.js';
import { status } from './status.js';

const state = { query: '', memory_type: '', tags: '', min_importance: '', limit: 10, use_keyword: true,
  use_semantic: true };
let lastAnswer = null;

export async function show(view) {
  const form = el('form', { id: 'search-form', class: 'filters', role: 'search', on: { submit: (e) => {
    e.preventDefault();
    const f = form.elements;
    Object.assign(state, { query: f['s-query'].value, memory_type: f['s-type'].value, tags: f['s-tags'].value,
      min_importance: f['s-importance'].value, limit: Number(f['s-limit'].value),
      use_keyword: f['s-keyword'].checked, use_semantic: f['s-semantic'].checked });
    run(results);
  } } },
  el('label', { for: 's-query' }, 'Query'),
  el('input', { id: 's-query', name: 's-query', type: 'search', required: true, value: state.query,
    placeholder: 'words or a question', class: 'wide' }),
  el('label', { for: 's-type' }, 'Type'), typeSelect('s-type', state.memory_type),
  el('label', { for: 's-tags' }, 'Tags (all of)'), el('input', { id: 's-tags', name: 's-tags', value: state.tags }),
  el('label', { for: 's-importance' }, 'Importance at least'),
  el('input', { id: 's-importance', name: 's-importance', type: 'number', min: 0, max: 1, step: 'any',
    value: state.min_importance }),
  el('label', { for: 's-limit' }, 'Results'),
  el('select', { id: 's-limit', name: 's-limit' },
    [5, 10, 25, 50, 100].map((n) => el('option', { value: n, selected: n === state.limit }, String(n)))),
  el('label', { class: 'check' }, el('input', { id: 's-keyword', name: 's-keyword', type: 'checkbox',
    checked: state.use_keyword }), 'by words'),
  el('label', { class: 'check' }, el('input', { id: 's-semantic', name: 's-semantic', type: 'checkbox',
    checked: state.use_semantic }), 'by meaning'),
  el('button', { type: 'submit' }, 'Search'));
  const results = el('div', { id: 'search-results' });
  fill(view, el('h2', {}, 'Search'), form,
    el('p', { class: 'hint' }, 'score = keyword part + semantic part + importance part (weights 0.3, 0.6, 0.1)'),
    results);
  if (lastAnswer) render(results, lastAnswer);
  form.elements['s-query'].focus();
}

async function run(results) {
  status('Searching…');
  const body = { query: state.query, limit: state.limit, explain: true, use_keyword: state.use_keyword,
    use_semantic: state.use_semantic };
  if (state.memory_type) body.memory_types = [state.memory_type];
  if (splitList(state.tags).length) body.tags = splitList(state.tags);
  if (state.min_importance !== '') body.min_importance = Number(state.min_importance);
  lastAnswer = await post('/memories/search', body);
  render(results, lastAnswer);
  status(lastAnswer.count + ' results.');
}

function render(results, answer) {
  fill(results,
    answer.semantic === false && answer.notice ? el('p', { class: 'notice' }, answer.notice) : null,
    answer.results.length === 0 ? el('p', { class: 'empty' }, 'Nothing matched.') : el('ol', { class: 'results' },
      answer.results.map((r) => el('li', { class: 'result', dataset: { memoryId: r.memory.memory_id } },
        el('div', { class: 'result-head' }, memoryLink(r.memory.memory_id, r.memory.title),
          el('span', { class: 'score' }, 'score ' + fmt(r.score))),
        explain(r)))));
}

const PARTS = ['keyword', 'semantic', 'importance'];

function explain(r) {
  const x = r.explanation;
  if (!x) return null;
  const c = x.contributions || {};
  const bar = el('div', { class: 'explain-bar', role: 'img',
    'aria-label': PARTS.map((p) => p + ' ' + fmt(c[p])).join(', ') });
  for (const p of PARTS) {
    const part = el('span', { class: 'part ' + p });
    part.style.width = (100 * (c[p] || 0)) + '%';   // CSSOM, not a style attribute: allowed by the policy
    bar.append(part);
  }
  const matched = (x.keyword && x.keyword.matched_terms) || [];
  return el('div', { class: 'explain' }, bar,
    el('ul', { class: 'explain-parts' },
      el('li', { class: 'explain-keyword' }, el('span', { class: 'swatch keyword' }), 'keyword ' + fmt(c.keyword),
        ' = ' + fmt(x.weights.keyword, 1) + ' × ' + fmt(x.keyword.score),
        matched.length ? ' (matched: ' + matched.join(', ') + ')' : ' (no words matched)'),
      el('li', { class: 'explain-semantic' }, el('span', { class: 'swatch semantic' }), 'semantic ' + fmt(c.semantic),
        ' = ' + fmt(x.weights.semantic, 1) + ' × ' + fmt(x.semantic.score),
        x.semantic.note ? ' (' + x.semantic.note + ')' : ' (cosine ' + fmt(x.semantic.cosine_similarity) + ')'),
      el('li', { class: 'explain-importance' }, el('span', { class: 'swatch importance' }),
        'importance ' + fmt(c.importance), ' = ' + fmt(x.weights.importance, 1) + ' × ' + fmt(x.importance, 2))));
}
