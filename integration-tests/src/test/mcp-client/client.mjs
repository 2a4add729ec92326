// Drives Mnemograph's /mcp with the official TypeScript MCP client, as a coding agent's host would:
// initialize, list tools, store a memory, find it by keywords, by meaning and by file, read it in full,
// explore the graph around it, rate it, and check that a bad key is refused. Prints one JSON object of what it saw on stdout; exits 1 when an
// expectation fails (the object then says which, under "failures").
//
//   MCP_URL=http://127.0.0.1:8080/mcp MCP_KEY=mnemo_... node client.mjs
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

const url = new URL(process.env.MCP_URL ?? 'http://127.0.0.1:8080/mcp');
const key = process.env.MCP_KEY;
const pollMs = Number(process.env.MCP_POLL_SECONDS ?? 60) * 1000;

const seen = { failures: [] };
const expect = (ok, what) => { if (!ok) seen.failures.push(what); };

const memory = {
  title: 'Retry failed webhook deliveries with exponential backoff',
  memory_type: 'pattern',
  content: 'Our dispatcher re-sends a webhook after 1, 2, 4 and 8 minutes whenever the partner endpoint answers '
    + '5xx or times out; after six attempts it parks the event in a dead-letter table for manual replay.',
  tags: ['webhooks', 'reliability'],
  concepts: ['retries', 'backoff'],
  files: ['services/webhooks/dispatcher.py'],
  importance: 0.8,
  confidence: 0.9,
};
// Other topics, so that being found first means something.
const others = [
  { title: 'Name database columns in snake_case', memory_type: 'convention',
    content: 'Every table and column uses snake_case; the ORM maps it to camelCase fields.' },
  { title: 'Frontend bundles are built with Vite', memory_type: 'architecture',
    content: 'The web client is a Vite project under web/; production builds go to web/dist and are served by nginx.' },
];
// Shares no word with the memory's title or content: only its meaning can find it.
const paraphrase = 'resending HTTP callbacks to customer servers that are down, waiting longer between tries';

const words = (text) => new Set(text.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean));
const sharedWords = [...words(paraphrase)].filter((w) => words(`${memory.title} ${memory.content}`).has(w));
expect(sharedWords.length === 0, `the paraphrase shares words with the memory: ${sharedWords}`);

function connect(apiKey) {
  const transport = new StreamableHTTPClientTransport(url, {
    requestInit: { headers: { Authorization: `Bearer ${apiKey}` } },
  });
  const client = new Client({ name: 'mnemograph-mcp-client-test', version: '1.0.0' });
  return { client, transport };
}

const text = (result) => result.content.filter((c) => c.type === 'text').map((c) => c.text).join('\n');
const ids = (result) => (result.structuredContent?.results ?? []).map((r) => r.memory_id);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Calls a tool until `found` holds for its result or the poll time is over; returns the last result. */
async function poll(client, name, args, found) {
  const started = Date.now();
  for (;;) {
    const result = await client.callTool({ name, arguments: args });
    if (found(result) || Date.now() - started > pollMs) {
      return { result, waitedMs: Date.now() - started };
    }
    await sleep(500);
  }
}

async function main() {
  const { client, transport } = connect(key);
  await client.connect(transport);
  seen.server = client.getServerVersion();
  seen.protocolVersion = transport.protocolVersion;
  seen.hasInstructions = (client.getInstructions() ?? '').length > 0;

  const { tools } = await client.listTools();
  seen.toolNames = tools.map((t) => t.name).sort();
  seen.everySchemaIsClosed = tools.every((t) => t.inputSchema.additionalProperties === false);

  const stored = await client.callTool({ name: 'memory_store', arguments: memory });
  seen.storeText = text(stored);
  seen.memoryId = stored.structuredContent?.memory_id;
  expect(!stored.isError && /^mem-[a-z0-9]{16}$/.test(seen.memoryId ?? ''), 'memory_store returned no memory_id');
  for (const other of others) {
    const r = await client.callTool({ name: 'memory_store', arguments: other });
    expect(!r.isError, `storing "${other.title}" failed: ${text(r)}`);
  }

  const byWords = await client.callTool({ name: 'memory_search', arguments: { query: 'webhook backoff' } });
  seen.keywordResults = ids(byWords);
  seen.foundByKeyword = ids(byWords)[0] === seen.memoryId;
  expect(seen.foundByKeyword, `keyword search did not rank the memory first: ${text(byWords)}`);

  // The memory and the query are embedded in the background: poll until meaning can find it.
  const byMeaning = await poll(client, 'memory_search', { query: paraphrase, limit: 3 },
    (r) => r.structuredContent?.semantic === true && ids(r)[0] === seen.memoryId);
  seen.paraphraseResults = ids(byMeaning.result);
  seen.paraphraseSemantic = byMeaning.result.structuredContent?.semantic;
  seen.paraphraseWaitedMs = byMeaning.waitedMs;
  seen.foundByParaphrase = ids(byMeaning.result)[0] === seen.memoryId;
  expect(seen.foundByParaphrase, `the paraphrase did not find the memory first: ${text(byMeaning.result)}`);

  const byFile = await client.callTool({ name: 'memory_by_file',
    arguments: { file_path: 'services/webhooks/dispatcher.py' } });
  seen.foundByFile = ids(byFile).includes(seen.memoryId);
  expect(seen.foundByFile, `memory_by_file did not find the memory: ${text(byFile)}`);
  const byAbsolutePath = await client.callTool({ name: 'memory_by_file',
    arguments: { file_path: '/home/dev/shop/services/webhooks/dispatcher.py' } });
  seen.foundByAbsolutePath = ids(byAbsolutePath).includes(seen.memoryId);

  const detail = await client.callTool({ name: 'memory_get_detail', arguments: { memory_id: seen.memoryId } });
  seen.detailNarrative = detail.structuredContent?.narrative;
  seen.detailTextHasContent = text(detail).includes(memory.content);
  seen.detailHasFullContent = seen.detailNarrative === memory.content && seen.detailTextHasContent;
  expect(seen.detailHasFullContent, `memory_get_detail did not show the whole content: ${text(detail)}`);

  const explored = await client.callTool({ name: 'memory_explore',
    arguments: { query: 'webhook backoff', max_nodes: 10, seed_limit: 2, min_edge_confidence: 0 } });
  const exploredNodes = (explored.structuredContent?.nodes ?? []).map((n) => n.memory_id);
  seen.explore = { isError: explored.isError === true, nodes: exploredNodes,
    seeds: explored.structuredContent?.seed_memories ?? [], text: text(explored) };
  seen.exploreFoundSeed = !explored.isError && seen.explore.seeds[0] === seen.memoryId
    && exploredNodes.includes(seen.memoryId) && exploredNodes.length <= 10 && text(explored).includes(seen.memoryId);
  expect(seen.exploreFoundSeed, `memory_explore did not start from the memory: ${text(explored)}`);

  const rated = await client.callTool({ name: 'memory_rate',
    arguments: { memory_id: seen.memoryId, useful: true, context: 'the retry schedule fixed our outage' } });
  const after = await client.callTool({ name: 'memory_get_detail', arguments: { memory_id: seen.memoryId } });
  seen.rate = { isError: rated.isError === true, text: text(rated),
    importance: rated.structuredContent?.importance_score,
    positive: after.structuredContent?.feedback_positive_count };
  seen.rated = !rated.isError && seen.rate.positive === 1 && typeof seen.rate.importance === 'number'
    && seen.rate.importance === after.structuredContent?.importance_score;
  expect(seen.rated, `memory_rate did not count the rating: ${JSON.stringify(seen.rate)}`);

  const missing = await client.callTool({ name: 'memory_get_detail', arguments: { memory_id: 'mem-doesnotexist0000' } });
  seen.unknownMemory = { isError: missing.isError === true, text: text(missing) };
  expect(seen.unknownMemory.isError, 'an unknown memory id was not an error result');

  const tooMany = await client.callTool({ name: 'memory_search', arguments: { query: 'x', limit: 1000 } });
  seen.badArguments = { isError: tooMany.isError === true, text: text(tooMany) };
  expect(seen.badArguments.isError, 'limit 1000 was not an error result');

  // One tools/call round trip, client to server and back, on a warm connection.
  const times = [];
  for (let i = 0; i < 20; i++) {
    const started = performance.now();
    await client.callTool({ name: 'memory_get_index', arguments: { limit: 10 } });
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  seen.toolCallMs = { median: round(times[10]), max: round(times[19]), calls: times.length };
  await client.close();

  const bad = connect('mnemo_' + 'x'.repeat(40));
  try {
    await bad.client.connect(bad.transport);
    seen.badKey = { refused: false };
  } catch (e) {
    seen.badKey = { refused: true, status: e.code ?? null, message: String(e.message) };
  }
  expect(seen.badKey.refused && seen.badKey.status === 401, 'a bad key was not refused with 401');
}

const round = (ms) => Math.round(ms * 10) / 10;

try {
  await main();
} catch (e) {
  seen.failures.push(`unexpected: ${e?.stack ?? e}`);
}
process.stdout.write(JSON.stringify(seen) + '\n');
process.exit(seen.failures.length === 0 ? 0 : 1);
