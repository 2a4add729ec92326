// The web UI's numbers in headless Chromium, run by UiBenchmark: sign-in to the first list, the graph view's
// first draw, frames per second while the layout runs and while panning. Prints JSON last.
import { byteCounter, graphDrawn, launch, newPage, signIn } from './browser.mjs';

const url = process.env.UI_URL;
const key = process.env.UI_KEY;
const runs = Number(process.env.RUNS || 3);
const out = { runs: [] };

async function framesOver(page, ms, during = async () => page.waitForTimeout(ms)) {
  const before = Number(await page.getAttribute('#graph-canvas', 'data-frames'));
  const started = Date.now();
  await during();
  const seconds = (Date.now() - started) / 1000;
  return (Number(await page.getAttribute('#graph-canvas', 'data-frames')) - before) / seconds;
}

const browser = await launch();
try {
  for (let i = 0; i < runs; i++) {
    const page = await newPage(browser);
    const bytes = await byteCounter(page);
    await page.goto(url);
    const shell = await bytes.take();
    const signInToListMs = await signIn(page, key);
    const list = await bytes.take();
    await page.click('#nav a[data-view="graph"]');
    const drawn = await graphDrawn(page);
    const layoutFps = await framesOver(page, 2000);
    await page.waitForSelector('#graph-canvas[data-engine="stopped"]', { timeout: 30000 });
    const graphBytes = await bytes.take();
    const box = await page.locator('#graph-canvas').boundingBox();
    // panning: the button held on the background (a corner, outside the fitted graph), the pointer circling
    const cx = box.x + 45;
    const cy = box.y + 45;
    const panFps = await framesOver(page, 3000, async () => {
      await page.mouse.move(cx, cy);
      await page.mouse.down();
      const until = Date.now() + 3000;
      for (let t = 0; Date.now() < until; t++) {
        await page.mouse.move(cx + 30 * Math.cos(t / 8), cy + 30 * Math.sin(t / 8));
      }
      await page.mouse.up();
    });
    out.runs.push({ signInToListMs, ...drawn, layoutFps, panFps, shell, list, graph: graphBytes });
    await page.context().close();
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify(out));
