// Loads a FOCUS CSV into DuckDB and groups EffectiveCost by team tag:
// the anchor paved's import is measured against.
import { DuckDBInstance } from '@duckdb/node-api';
const file = process.argv[2];
const t0 = performance.now();
const db = await DuckDBInstance.create(':memory:');
const con = await db.connect();
await con.run(`CREATE TABLE focus AS SELECT * FROM read_csv('${file}', header = true, nullstr = 'NULL')`);
const t1 = performance.now();
const r = await con.runAndReadAll(`SELECT json_extract_string(NULLIF(Tags, ''), '$.team') AS team, BillingCurrency, SUM(EffectiveCost) FROM focus GROUP BY ALL ORDER BY 3 DESC`);
const t2 = performance.now();
console.log(JSON.stringify({load_s: (t1 - t0) / 1000, group_s: (t2 - t1) / 1000, total_s: (t2 - t0) / 1000, groups: r.getRows().length}));
