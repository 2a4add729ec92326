// What ui.mjs and bench.mjs share: the browser, the byte counter, signing in.
import { chromium } from 'playwright-core';

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM,
    headless: true,
    // --no-sandbox: Chromium refuses to start as root with its sandbox (tests run as root in CI)
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
  });
}

/** A page of a fresh context (empty cache, empty sessionStorage), 1400×900. */
export async function newPage(browser) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  await page.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation',
      (e) => window.__cspViolations.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline')));
  });
  return page;
}

/** Bytes on the wire (encodedDataLength: headers and the compressed body) per kind, since the last take(). */
export async function byteCounter(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  const urls = new Map();
  let counts = { static: 0, api: 0, requests: 0 };
  cdp.on('Network.requestWillBeSent', (e) => urls.set(e.requestId, e.request.url));
  cdp.on('Network.loadingFinished', (e) => {
    const url = urls.get(e.requestId) || '';
    counts[url.includes('/api/v1/') ? 'api' : 'static'] += e.encodedDataLength;
    counts.requests += 1;
  });
  return {
    async take() {
      await page.waitForLoadState('networkidle');
      const out = counts;
      counts = { static: 0, api: 0, requests: 0 };
      return out;
    },
  };
}

export async function signIn(page, key) {
  await page.fill('#api-key', key);
  await page.press('#api-key', 'Enter');
  await page.waitForSelector('#memory-list[data-sign-in-to-list-ms]');
  return Number(await page.getAttribute('#memory-list', 'data-sign-in-to-list-ms'));
}

export async function graphDrawn(page, timeout = 60000) {
  await page.waitForSelector('#graph-canvas[data-first-draw-ms]', { timeout });
  return {
    firstDrawMs: Number(await page.getAttribute('#graph-canvas', 'data-first-draw-ms')),
    dataMs: Number(await page.getAttribute('#graph-canvas', 'data-data-ms')),
    drawnNodes: Number(await page.textContent('#graph-drawn-nodes')),
    drawnEdges: Number(await page.textContent('#graph-drawn-edges')),
  };
}
