// Graph: the workspace's memories drawn with force-graph (vendored, loaded when this view first opens), coloured
// by community and sized by PageRank, edges styled by relationship type; filters; a node's summary; the shortest
// path between two memories (POST /memories/path) and a topic's subgraph (POST /memories/explore).
import { get, post, query } from './api.js';
import { el, fields, fill, fmt, memoryLink, MEMORY_TYPES, RELATIONSHIP_TYPES } from './dom.js';
import { status } from './status.js';

const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#17becf',
  '#bcbd22', '#393b79', '#ad494a', '#637939'];
const NO_COMMUNITY = '#b0b0b0';
const PATH_COLOUR = '#ff1f5b';
/** Colour and dash pattern per relationship type (dashes for the kinds a reader should notice). */
const EDGE_STYLE = {
  references: { color: '#3a7d44', dash: null },
  related_to: { color: '#8a8a8a', dash: [2, 2] },
  caused_by: { color: '#c0392b', dash: null },
  contradicts: { color: '#e31a1c', dash: [6, 3] },
  supersedes: { color: '#6a3d9a', dash: [1, 2] },
  similar_to: { color: '#a6bddb', dash: null },
  depends_on: { color: '#2166ac', dash: [8, 2] },
};
const LOAD_SIZES = [200, 500, 1000, 2000, 5000];

const state = {
  maxNodes: 2000, mode: 'workspace', exploreQuery: '', filters: { type: '', community: '', minConfidence: 0 },
  data: null, communities: [], selected: null, pathFrom: '', pathTo: '', path: null,
};
let library = null;
let graph = null;
let frames = 0;
/**
 * Arrows, dashes and widths by confidence each cost the canvas (in software, 2 cores: 8 frames/s with them at
 * 6,000 relationships): only on graphs small enough to read them anyway. Colours by type always.
 */
let detailed = true;

function loadLibrary() {
  if (!library) {
    library = new Promise((resolve, reject) => {
      const script = document.createElement('script');
      script.src = 'vendor/force-graph.min.js';
      script.addEventListener('load', () => resolve(window.ForceGraph));
      script.addEventListener('error', () => reject(new Error('The graph library could not be loaded.')));
      document.head.append(script);
    });
  }
  return library;
}

export async function show(view) {
  const canvas = el('div', { id: 'graph-canvas', class: 'graph-canvas', tabindex: 0,
    'aria-label': 'The memory graph; pick memories for a path in the fields beside it' });
  const summary = el('p', { id: 'graph-summary', class: 'summary' });
  const legend = el('div', { id: 'graph-legend' });
  const selection = el('div', { id: 'graph-selection' });
  const pathPanel = el('div', { id: 'graph-path' });
  const filters = filterForm();
  const ui = { canvas, summary, legend, selection, pathPanel, filters };

  const loadForm = el('form', { id: 'graph-load', class: 'filters', on: { submit: (e) => {
    e.preventDefault();
    state.maxNodes = Number(loadForm.elements['g-max'].value);
    state.mode = 'workspace';
    load(ui);
  } } },
  el('label', { for: 'g-max' }, 'Most central'),
  el('select', { id: 'g-max', name: 'g-max' },
    LOAD_SIZES.map((n) => el('option', { value: n, selected: n === state.maxNodes }, n + ' memories'))),
  el('button', { type: 'submit' }, 'Show workspace graph'));
  const exploreForm = el('form', { id: 'graph-explore', class: 'filters', role: 'search', on: { submit: (e) => {
    e.preventDefault();
    state.mode = 'explore';
    state.exploreQuery = exploreForm.elements['g-explore'].value;
    load(ui);
  } } },
  el('label', { for: 'g-explore' }, 'Explore from a topic'),
  el('input', { id: 'g-explore', name: 'g-explore', type: 'search', required: true, value: state.exploreQuery,
    placeholder: 'e.g. database migrations' }),
  el('button', { type: 'submit' }, 'Explore'));

  fill(view, el('h2', {}, 'Graph'), el('div', { class: 'graph-forms' }, loadForm, exploreForm), filters, summary,
    el('div', { class: 'graph-layout' }, canvas,
      el('aside', { class: 'graph-side' }, el('h3', {}, 'Communities'), legend, edgeLegend(),
        el('h3', {}, 'Selected memory'), selection, el('h3', {}, 'Path between two memories'), pathPanel)));
  renderPath(ui);
  renderSelection(ui);
  await load(ui);
}

async function load(ui) {
  const t0 = performance.now();
  const c = ui.canvas;
  delete c.dataset.firstDrawMs;
  c.dataset.state = 'loading';
  status(state.mode === 'explore' ? 'Exploring…' : 'Loading the graph…');
  const [ForceGraph, data] = await Promise.all([loadLibrary(), fetchData()]);
  c.dataset.dataMs = String(Math.round(performance.now() - t0));
  state.data = data;
  if (data.communities) state.communities = data.communities;
  state.path = null;
  renderPath(ui);
  draw(ForceGraph, ui, t0);
  status('');
}

async function fetchData() {
  if (state.mode === 'explore') {
    const sub = await post('/memories/explore', { query: state.exploreQuery, max_nodes: 200 });
    return { nodes: sub.nodes, edges: sub.edges, seeds: new Set(sub.seed_memories), truncated: true };
  }
  const g = await get('/memories/graph' + query({ max_nodes: state.maxNodes, include_communities: true }));
  return { ...g, seeds: new Set() };
}

function colourMap() {
  const colours = new Map();
  const labels = state.communities.map((k) => k.label);
  for (const n of state.data.nodes) {
    if (n.community_label && !labels.includes(n.community_label)) labels.push(n.community_label);
  }
  labels.forEach((label, i) => colours.set(label, PALETTE[i % PALETTE.length]));
  return colours;
}

function visible() {
  const f = state.filters;
  const nodes = state.data.nodes.filter((n) => (!f.type || n.memory_type === f.type)
    && (!f.community || n.community_label === f.community));
  const ids = new Set(nodes.map((n) => n.memory_id));
  const edges = state.data.edges.filter((e) => e.confidence >= f.minConfidence
    && ids.has(e.source_memory_id) && ids.has(e.target_memory_id));
  return { nodes, edges };
}

function draw(ForceGraph, ui, t0) {
  const colours = colourMap();
  const maxRank = Math.max(1e-12, ...state.data.nodes.map((n) => n.pagerank_score || 0));
  const v = visible();
  // force-graph keeps positions on the node objects: reuse them across filter changes; links are rebuilt
  // (the library replaces their ends by node objects).
  const nodes = v.nodes.map((n) => {
    n.id = n.memory_id;
    n.val = 1 + 12 * ((n.pagerank_score || 0) / maxRank);
    n.colour = n.community_label ? colours.get(n.community_label) : NO_COMMUNITY;
    return n;
  });
  const links = v.edges.map((e) => ({ source: e.source_memory_id, target: e.target_memory_id,
    type: e.relationship_type, confidence: e.confidence }));
  const c = ui.canvas;
  if (!graph) {
    c.dataset.frames = '0';
    graph = new ForceGraph(c)
      .nodeId('id')
      .nodeVal('val')
      .nodeLabel(() => '')   // the library's tooltip writes HTML: titles are shown as text beside the graph
      .nodeColor((n) => (onPath(n.id) ? PATH_COLOUR : n.colour))
      .linkColor((l) => (pathLink(l) ? PATH_COLOUR : EDGE_STYLE[l.type].color))
      .linkLineDash((l) => (detailed ? EDGE_STYLE[l.type].dash : null))
      .linkWidth((l) => (pathLink(l) ? 3 : detailed ? 0.3 + l.confidence : 0))
      .linkDirectionalArrowLength((l) => (pathLink(l) || detailed ? 3 : 0))
      .linkDirectionalArrowRelPos(1)
      .nodeCanvasObjectMode((n) => (state.data.seeds.has(n.id) || (state.selected && state.selected.memory_id === n.id)
        ? 'after' : undefined))
      .nodeCanvasObject((n, ctx) => {
        ctx.beginPath();
        ctx.arc(n.x, n.y, Math.sqrt(n.val) * 4 + 2, 0, 2 * Math.PI);
        ctx.strokeStyle = '#111';
        ctx.lineWidth = 1;
        ctx.stroke();
      })
      .onNodeClick((n) => {
        state.selected = n;
        renderSelection(ui);
        refresh();
      })
      .onNodeHover((n) => {
        c.title = n ? n.title : '';   // a property, shown as text by the browser
      })
      .onRenderFramePost(() => {
        frames += 1;
        c.dataset.frames = String(frames);
        if (c.dataset.pendingFirstDraw) {
          c.dataset.firstDrawMs = String(Math.round(performance.now() - Number(c.dataset.pendingFirstDraw)));
          delete c.dataset.pendingFirstDraw;
          c.dataset.state = 'drawn';
        }
      })
      .onEngineStop(() => {
        c.dataset.engine = 'stopped';
        if (!c.dataset.fitted) {
          c.dataset.fitted = 'yes';
          graph.zoomToFit(300, 20);
        }
      })
      .cooldownTime(8000);
  }
  graph.width(c.clientWidth || 800).height(Math.max(420, window.innerHeight - 330));
  detailed = links.length < 1500;
  c.dataset.pendingFirstDraw = String(t0);
  c.dataset.engine = 'running';
  delete c.dataset.fitted;
  graph.graphData({ nodes, links });
  renderSummary(ui, nodes.length, links.length);
  renderLegend(ui, colours, nodes);
}

function refresh() {
  // new accessor functions make force-graph draw again with the current selection and path
  graph.nodeColor(graph.nodeColor()).linkColor(graph.linkColor());
}

function redraw(ui) {
  loadLibrary().then((ForceGraph) => draw(ForceGraph, ui, performance.now()));
}

function renderSummary(ui, drawnNodes, drawnEdges) {
  const d = state.data;
  const parts = [el('span', { id: 'graph-drawn-nodes' }, String(drawnNodes)), ' memories and ',
    el('span', { id: 'graph-drawn-edges' }, String(drawnEdges)), ' relationships drawn'];
  if (state.mode === 'explore') {
    parts.push(' around ' + d.seeds.size + ' seed memories of "' + state.exploreQuery + '" (seeds ringed; at most 200).');
  } else {
    parts.push(' of the workspace\'s ', el('span', { id: 'graph-total-nodes' },
      d.total_nodes + (d.total_nodes_capped ? '+' : '')), ' memories and ',
    d.total_edges + (d.total_edges_capped ? '+' : ''), ' relationships.');
    if (d.truncated) {
      parts.push(' ', el('strong', { id: 'graph-partial' }, 'Partial: the ' + d.nodes.length
        + ' most central memories and their strongest relationships (at most 10 per memory).'));
    }
  }
  const f = state.filters;
  if (f.type || f.community || f.minConfidence > 0) parts.push(' Filtered.');
  fill(ui.summary, parts);
}

function renderLegend(ui, colours, drawn) {
  const drawnBy = new Map();
  for (const n of drawn) drawnBy.set(n.community_label, (drawnBy.get(n.community_label) || 0) + 1);
  const known = state.communities.length ? state.communities
    : [...drawnBy.keys()].filter((k) => k).map((label) => ({ label, size: null }));
  const items = known.map((k) => el('li', {},
    el('button', { type: 'button', class: 'legend-item', 'aria-pressed': String(state.filters.community === k.label),
      on: { click: () => setFilter(ui, 'community', state.filters.community === k.label ? '' : k.label) } },
    swatch(colours.get(k.label)), el('span', { class: 'legend-label' }, k.label),
    el('span', { class: 'muted' }, ' ' + (k.size === null ? '' : k.size + ' memories') + ', '
      + (drawnBy.get(k.label) || 0) + ' drawn'))));
  if (drawnBy.has(null)) {
    items.push(el('li', {}, swatch(NO_COMMUNITY), ' no community yet ',
      el('span', { class: 'muted' }, drawnBy.get(null) + ' drawn')));
  }
  fill(ui.legend, items.length ? el('ul', { class: 'legend', id: 'community-legend' }, items)
    : el('p', { class: 'empty' }, 'No communities yet: the graph job has not run.'));
  const select = ui.filters.elements['g-community'];
  fill(select, el('option', { value: '' }, 'any community'),
    known.map((k) => el('option', { value: k.label, selected: state.filters.community === k.label }, k.label)));
}

function swatch(colour) {
  const s = el('span', { class: 'swatch' });
  s.style.background = colour || NO_COMMUNITY;
  return s;
}

function edgeLegend() {
  return el('ul', { class: 'legend edge-legend' }, RELATIONSHIP_TYPES.map((t) => {
    const line = el('span', { class: 'edge-swatch' + (EDGE_STYLE[t].dash ? ' dashed' : '') });
    line.style.borderTopColor = EDGE_STYLE[t].color;
    return el('li', {}, line, t);
  }));
}

function filterForm() {
  const out = el('output', { for: 'g-confidence', id: 'g-confidence-value' }, '0.00');
  const form = el('form', { id: 'graph-filters', class: 'filters', on: {
    submit: (e) => e.preventDefault(),
    change: (e) => {
      if (e.target.id === 'g-type') setFilter(null, 'type', e.target.value);
      if (e.target.id === 'g-community') setFilter(null, 'community', e.target.value);
      if (e.target.id === 'g-confidence') setFilter(null, 'minConfidence', Number(e.target.value));
    },
    input: (e) => {
      if (e.target.id === 'g-confidence') out.textContent = Number(e.target.value).toFixed(2);
    } } },
  el('label', { for: 'g-type' }, 'Type'),
  el('select', { id: 'g-type', name: 'g-type' }, el('option', { value: '' }, 'any type'),
    MEMORY_TYPES.map((t) => el('option', { value: t }, t))),
  el('label', { for: 'g-community' }, 'Community'), el('select', { id: 'g-community', name: 'g-community' }),
  el('label', { for: 'g-confidence' }, 'Edge confidence at least'),
  el('input', { id: 'g-confidence', name: 'g-confidence', type: 'range', min: 0, max: 1, step: 0.05, value: 0 }), out);
  return form;
}

let currentUi = null;
function setFilter(ui, name, value) {
  state.filters[name] = value;
  redraw(ui || currentUi);
}

function onPath(id) {
  return state.path !== null && state.path.nodes.has(id);
}

function pathLink(l) {
  if (state.path === null) return false;
  const s = typeof l.source === 'object' ? l.source.id : l.source;
  const t = typeof l.target === 'object' ? l.target.id : l.target;
  return state.path.links.has(s + '>' + t + '>' + l.type);
}

function title(memoryId) {
  const n = state.data && state.data.nodes.find((x) => x.memory_id === memoryId);
  return n ? n.title : memoryId;
}

function renderSelection(ui) {
  currentUi = ui;
  const n = state.selected;
  if (!n) {
    fill(ui.selection, el('p', { class: 'empty' }, 'Click a memory in the graph.'));
    return;
  }
  fill(ui.selection,
    el('p', { id: 'selected-title', class: 'selected-title' }, n.title),
    fields([['type', n.memory_type], ['community', n.community_label], ['PageRank', fmt(n.pagerank_score, 6)],
      ['importance', fmt(n.importance_score, 2)]]),
    el('p', {}, memoryLink(n.memory_id, 'Open its detail')),
    el('div', { class: 'actions' },
      el('button', { type: 'button', id: 'path-from-selected', on: { click: () => {
        state.pathFrom = n.memory_id; renderPath(ui);
      } } }, 'Path from here'),
      el('button', { type: 'button', id: 'path-to-selected', on: { click: () => {
        state.pathTo = n.memory_id; renderPath(ui);
      } } }, 'Path to here')));
}

function renderPath(ui) {
  currentUi = ui;
  const form = el('form', { id: 'path-form', class: 'stack', on: { submit: async (e) => {
    e.preventDefault();
    state.pathFrom = form.elements['path-from'].value.trim();
    state.pathTo = form.elements['path-to'].value.trim();
    const depth = Number(form.elements['path-depth'].value);
    try {
      const p = await post('/memories/path', { source_memory_id: state.pathFrom, target_memory_id: state.pathTo,
        max_depth: depth });
      state.path = { answer: p, nodes: new Set(p.path),
        links: new Set(p.edges.map((x) => x.source_memory_id + '>' + x.target_memory_id + '>' + x.relationship_type)) };
      renderPathResult(result);
      if (graph) refresh();
    } catch (err) {
      fill(result, el('p', { class: 'error' }, err.message));
    }
  } } },
  el('label', { for: 'path-from' }, 'From (memory_id)'),
  el('input', { id: 'path-from', name: 'path-from', required: true, value: state.pathFrom, spellcheck: 'false' }),
  el('span', { class: 'muted' }, state.pathFrom ? title(state.pathFrom) : ''),
  el('label', { for: 'path-to' }, 'To (memory_id)'),
  el('input', { id: 'path-to', name: 'path-to', required: true, value: state.pathTo, spellcheck: 'false' }),
  el('span', { class: 'muted' }, state.pathTo ? title(state.pathTo) : ''),
  el('label', { for: 'path-depth' }, 'At most this many steps'),
  el('input', { id: 'path-depth', name: 'path-depth', type: 'number', min: 1, max: 10, value: 5 }),
  el('button', { type: 'submit' }, 'Find path'));
  const result = el('div', { id: 'path-result' });
  fill(ui.pathPanel, form, result);
  if (state.path) renderPathResult(result);
}

function renderPathResult(result) {
  const p = state.path.answer;
  if (p.path.length === 0) {
    fill(result, el('p', { id: 'path-none' }, 'No path within that many steps'
      + (p.truncated ? ' (the search hit its bounds; a longer or hidden path may exist).' : '.')));
    return;
  }
  const steps = [];
  p.path.forEach((id, i) => {
    steps.push(el('li', { class: 'path-memory' }, memoryLink(id, title(id))));
    const e = p.edges[i];
    if (e) {
      const forward = e.source_memory_id === id;
      steps.push(el('li', { class: 'path-edge' }, (forward ? '↓ ' : '↑ ') + e.relationship_type
        + (forward ? '' : ' (stored the other way, walked both ways)') + ', confidence ' + fmt(e.confidence, 2)));
    }
  });
  fill(result, el('p', { id: 'path-depth-text' }, p.depth + (p.depth === 1 ? ' step' : ' steps')
    + (p.truncated ? ' (bounded search)' : '')), el('ol', { class: 'path', id: 'path-steps' }, steps));
}
