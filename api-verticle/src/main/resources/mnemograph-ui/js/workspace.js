// Workspace: counts, the last graph run and the job queue per kind (GET /workspace).
import { get } from './api.js';
import { el, fields, fill, when } from './dom.js';
import { status } from './status.js';

export async function show(view) {
  status('Loading the workspace…');
  const w = await get('/workspace');
  const run = w.last_graph_run;
  const byKind = (w.jobs && w.jobs.by_kind) || {};
  fill(view, el('h2', {}, 'Workspace'),
    fields([['name', w.name], ['workspace_id', w.workspace_id], ['created', when(w.created_at)],
      ['memories', el('span', { id: 'ws-memory-count' }, String(w.memory_count))],
      ['embedded', String(w.embedded_memory_count)],
      ['relationships', el('span', { id: 'ws-relationship-count' }, String(w.relationship_count))]]),
    el('h3', {}, 'Last graph run'),
    run ? fields([['started', when(run.started_at)], ['finished', when(run.finished_at)],
      ['took', run.duration_ms === null || run.duration_ms === undefined ? '—' : run.duration_ms + ' ms'],
      ['memories analysed', run.nodes ?? '—'], ['linked pairs', run.edges ?? '—'],
      ['communities', run.communities ?? '—'], ['error', run.error ?? 'none'],
      ['running now', run.running ? 'yes' : 'no'], ['changes since', run.changes_pending ? 'yes, a run follows' : 'no']])
      : el('p', { class: 'empty' }, 'The graph has not been analysed yet.'),
    el('h3', {}, 'Job queue'),
    el('table', { id: 'job-queue' },
      el('thead', {}, el('tr', {}, ['Kind', 'Pending', 'Running', 'Failed'].map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, Object.entries(byKind).map(([kind, n]) => el('tr', {},
        el('th', { scope: 'row' }, kind), el('td', { class: 'num' }, String(n.pending)),
        el('td', { class: 'num' }, String(n.running)), el('td', { class: 'num' }, String(n.failed))))),
      el('tfoot', {}, el('tr', {}, el('th', { scope: 'row' }, 'all'),
        el('td', { colspan: 2, class: 'num' }, w.jobs.open + ' open'), el('td', { class: 'num' }, String(w.jobs.failed))))),
    el('p', {}, el('button', { type: 'button', on: { click: () => show(view) } }, 'Refresh')));
  status('');
}
