// The web UI as a person uses it, in headless Chromium: run by WebUiBrowserTest, which seeded the workspace and
// checks what this prints (its last line, JSON). Each step saves a screenshot under UI_SHOTS; with UI_DOCS set,
// one screenshot per view also goes there (the README's).
import { mkdirSync } from 'node:fs';
import { byteCounter, graphDrawn, launch, newPage, signIn } from './browser.mjs';

const url = process.env.UI_URL;
const key = process.env.UI_KEY;
const expect = JSON.parse(process.env.UI_EXPECT);
const shots = process.env.UI_SHOTS;
const docs = process.env.UI_DOCS || '';
mkdirSync(shots, { recursive: true });
if (docs) mkdirSync(docs, { recursive: true });

const seen = { failures: [], dialogs: [], steps: [], weights: {} };
const check = (ok, what) => { if (!ok) seen.failures.push(what); };
let n = 0;

const browser = await launch();
try {
  const page = await newPage(browser);
  page.on('dialog', (d) => { seen.dialogs.push(d.type() + ': ' + d.message()); d.dismiss(); });
  page.on('pageerror', (e) => seen.failures.push('page error: ' + e.message));
  const bytes = await byteCounter(page);
  const shot = async (name, doc) => {
    n += 1;
    await page.screenshot({ path: `${shots}/${String(n).padStart(2, '0')}-${name}.png` });
    if (docs && doc) await page.screenshot({ path: `${docs}/${doc}.png` });
    seen.steps.push(name);
  };

  // 1. the page, and a wrong key
  await page.goto(url);
  seen.weights.signIn = await bytes.take();
  check(await page.evaluate(() => document.activeElement && document.activeElement.id === 'api-key'),
    'the key field has the focus when the page opens');
  await page.fill('#api-key', 'mnemo_not-a-key-of-this-service');
  await page.press('#api-key', 'Enter');
  await page.waitForFunction(() => document.getElementById('sign-in-error').textContent.length > 0);
  seen.wrongKeyMessage = await page.textContent('#sign-in-error');
  check(await page.isVisible('#sign-in'), 'still on the sign-in form after a wrong key');
  await shot('wrong-key');

  // 2. sign in: the list
  seen.signInToListMs = await signIn(page, key);
  seen.weights.memories = await bytes.take();
  seen.listRows = await page.locator('#memory-list tbody tr').count();
  seen.keyInSessionStorage = await page.evaluate((k) => Object.values(sessionStorage).includes(k), key);
  check(!page.url().includes(key), 'the key is not in the URL');
  const xss = page.locator('#memory-list a.memory-link', { hasText: expect.xssTitle });
  seen.xssListed = (await xss.count()) === 1 && (await xss.textContent()) === expect.xssTitle;
  seen.imagesInList = await page.locator('#view img').count();
  await shot('memories', 'memories');

  // 3. keyboard: from the Memories link, Tab reaches Search and Enter opens it
  await page.focus('#nav a[data-view="memories"]');
  await page.keyboard.press('Tab');
  seen.tabReaches = await page.evaluate(() => document.activeElement.textContent);
  await page.keyboard.press('Enter');
  await page.waitForSelector('#search-form');
  seen.keyboardOpensSearch = (await page.evaluate(() => location.hash)) === '#/search';

  // 4. search, with each result's explain parts
  await page.fill('#s-query', expect.searchQuery);
  await page.press('#s-query', 'Enter');
  await page.waitForSelector('#search-results .result');
  seen.weights.search = await bytes.take();
  const first = page.locator('#search-results .result').first();
  seen.searchFirstTitle = await first.locator('a.memory-link').textContent();
  seen.searchTitles = await page.locator('#search-results .result a.memory-link').allTextContents();
  seen.explain = {
    keyword: await first.locator('.explain-keyword').textContent(),
    semantic: await first.locator('.explain-semantic').textContent(),
    importance: await first.locator('.explain-importance').textContent(),
    barParts: await first.locator('.explain-bar .part').count(),
  };
  await shot('search', 'search');

  // 5. the XSS memory's detail: literal characters, no image, no dialog
  await page.click('#nav a[data-view="memories"]');
  await page.waitForSelector('#memory-list tbody tr');
  await page.locator('#memory-list a.memory-link', { hasText: expect.xssTitle }).click();
  await page.waitForSelector('#memory-title');
  seen.xssDetailTitle = await page.textContent('#memory-title');
  seen.xssDetailNarrative = await page.textContent('#memory-narrative');
  seen.imagesInDetail = await page.locator('#view img').count();
  await shot('xss-memory-inert');

  // 6. a detail, and following a relationship
  await page.goto(url + '#/memory/' + encodeURIComponent(expect.relFrom.id));
  await page.waitForSelector('#outgoing-relationships');
  seen.weights.detail = await bytes.take();
  // the manual one (discovery may have linked the two as well)
  const outgoing = page.locator('#outgoing-relationships tbody tr', { hasText: expect.relTo.id })
    .filter({ hasText: 'depends_on' });
  seen.outgoingRow = (await outgoing.count()) ? await outgoing.first().textContent() : null;
  seen.feedbackCounts = await page.textContent('#feedback-counts');
  await shot('memory-detail', 'memory-detail');
  await outgoing.first().locator('a.memory-link').click();
  await page.waitForFunction((t) => document.getElementById('memory-title')?.textContent === t, expect.relTo.title);
  const incoming = page.locator('#incoming-relationships tbody tr', { hasText: expect.relFrom.id });
  seen.followedTo = await page.textContent('#memory-title');
  seen.incomingRow = (await incoming.count()) ? await incoming.first().textContent() : null;
  await shot('followed-relationship');

  // 7. give feedback, edit a tag
  await page.goto(url + '#/memory/' + encodeURIComponent(expect.tagMemory.id));
  await page.waitForSelector('#memory-edit');
  await page.click('button:text-is("Useful")');
  await page.waitForFunction(() => document.getElementById('feedback-status').textContent.startsWith('Thanks'));
  seen.feedbackAfter = await page.textContent('#feedback-counts');
  const tags = await page.inputValue('#e-tags');
  await page.fill('#e-tags', (tags ? tags + ', ' : '') + expect.tag);
  await page.click('#memory-edit button[type=submit]');
  await page.waitForFunction(() => document.getElementById('edit-status')?.textContent === 'Saved.');
  seen.tagsShown = await page.locator('#view .fields .tag').allTextContents();
  await shot('edited-tag');

  // 8. delete one, after the confirmation
  await page.goto(url + '#/memory/' + encodeURIComponent(expect.deleteMemory.id));
  await page.waitForSelector('#delete-button');
  await page.click('#delete-button');
  seen.confirmShown = await page.isVisible('#delete-confirm');
  await shot('delete-confirmation');
  await page.click('#delete-confirm-button');
  await page.waitForSelector('#memory-list tbody tr');
  seen.deletedStillListed = await page.locator('#memory-list a.memory-link', { hasText: expect.deleteMemory.title }).count();
  await shot('deleted');

  // 9. the graph: every memory drawn, the legend, a path
  await page.click('#nav a[data-view="graph"]');
  const drawn = await graphDrawn(page);
  seen.graph = { ...drawn, summary: await page.textContent('#graph-summary'),
    legendItems: await page.locator('#community-legend li').count(),
    legendFirst: (await page.locator('#community-legend li').count()) ? await page.locator('#community-legend li').first().textContent() : null };
  await page.waitForSelector('#graph-canvas[data-engine="stopped"]', { timeout: 15000 }).catch(() => {});
  seen.weights.graph = await bytes.take();
  await shot('graph', 'graph');
  await page.fill('#path-from', expect.pathFrom);
  await page.fill('#path-to', expect.pathTo);
  await page.click('#path-form button[type=submit]');
  await page.waitForSelector('#path-steps, #path-none');
  seen.path = { depthText: await page.textContent('#path-result'),
    memories: await page.locator('#path-steps .path-memory').allTextContents(),
    edges: await page.locator('#path-steps .path-edge').allTextContents() };
  await shot('graph-path', 'graph-path');

  // 10. filters: one type only, then back
  await page.selectOption('#g-type', expect.filterType);
  await page.waitForFunction((n) => Number(document.getElementById('graph-drawn-nodes').textContent) < n,
    drawn.drawnNodes);
  seen.graphFilteredNodes = Number(await page.textContent('#graph-drawn-nodes'));
  await page.selectOption('#g-type', '');

  // 11. explore from a query
  await page.fill('#g-explore', expect.searchQuery);
  await page.press('#g-explore', 'Enter');
  await page.waitForFunction(() => document.getElementById('graph-summary').textContent.includes('seed'));
  seen.explore = { drawnNodes: Number(await page.textContent('#graph-drawn-nodes')),
    summary: await page.textContent('#graph-summary') };
  await shot('graph-explore');

  // 12. the workspace: counts and the queue per kind
  await page.click('#nav a[data-view="workspace"]');
  await page.waitForSelector('#job-queue');
  seen.weights.workspace = await bytes.take();
  seen.workspace = { memories: Number(await page.textContent('#ws-memory-count')),
    queueKinds: await page.locator('#job-queue tbody th').allTextContents() };
  await shot('workspace', 'workspace');

  // 13. sign out
  await page.click('#sign-out');
  await page.waitForSelector('#sign-in:not([hidden])');
  seen.signedOut = { formShown: await page.isVisible('#api-key'),
    keyKept: await page.evaluate((k) => Object.values(sessionStorage).includes(k), key),
    viewEmpty: (await page.locator('#view *').count()) === 0 };
  await shot('signed-out');

  seen.cspViolations = await page.evaluate(() => window.__cspViolations);
} catch (e) {
  seen.failures.push('stopped: ' + (e && e.stack ? e.stack : e));
} finally {
  await browser.close();
}
console.log(JSON.stringify(seen));
