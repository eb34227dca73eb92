// Runs SPARQL queries with Comunica (@comunica/query-sparql, the engine `comunica-sparql`
// wraps) over one source, in one process: starting the engine costs seconds, a query over
// a local server milliseconds. Usage: node comunica-queries.cjs SOURCE QUERY-FILE...
// Prints {"QUERY-FILE": {"ok": true, "results": SPARQL-JSON} | {"ok": false, "error": ...}}.
'use strict';
const { readFileSync } = require('node:fs');
const { QueryEngine } = require('@comunica/query-sparql');

async function run(engine, source, file) {
  const result = await engine.query(readFileSync(file, 'utf8'), { sources: [source] });
  const { data } = await engine.resultToString(result, 'application/sparql-results+json');
  let text = '';
  for await (const chunk of data) {
    text += chunk;
  }
  return JSON.parse(text);
}

async function main() {
  const [source, ...files] = process.argv.slice(2);
  const engine = new QueryEngine();
  const answers = {};
  for (const file of files) {
    try {
      answers[file] = { ok: true, results: await run(engine, source, file) };
    } catch (error) {
      answers[file] = { ok: false, error: String(error && error.stack || error) };
    }
  }
  process.stdout.write(JSON.stringify(answers));
}

main().catch((error) => {
  process.stderr.write(String(error && error.stack || error) + '\n');
  process.exit(1);
});
