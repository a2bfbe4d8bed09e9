// Each seed's figures from bench:quality's JSON lines (scripts/device-run.sh games3), and their mean once
// there are three: validation and test, sampled (100 negatives) and full ranking (every item).
//   node bench/games3-summary.mjs seed1.json seed2.json seed3.json
import { readFileSync } from 'node:fs';

const keys = [
  'valid_hr10',
  'valid_ndcg10',
  'valid_full_hr10',
  'valid_full_ndcg10',
  'hr10',
  'ndcg10',
  'full_hr10',
  'full_ndcg10',
  'best_epoch',
  'train_seconds',
];
const runs = process.argv.slice(2).map((f) => JSON.parse(readFileSync(f, 'utf8').trim().split('\n').pop()));
const row = (name, r) => `${name.padEnd(6)} ${keys.map((k) => String(+(+r[k]).toFixed(4)).padStart(10)).join(' ')}`;
console.log(`${''.padEnd(6)} ${keys.map((k) => k.replace('valid_', 'v_').padStart(10)).join(' ')}`);
for (const r of runs) console.log(row(`seed ${r.config.seed}`, r));
if (runs.length === 3) {
  const mean = Object.fromEntries(keys.map((k) => [k, runs.reduce((s, r) => s + r[k], 0) / runs.length]));
  console.log(row('mean', mean));
  console.log(JSON.stringify({ seeds: runs.map((r) => r.config.seed), mean, config: runs[0].config, adapter: runs[0].adapter }));
} else console.log(`${runs.length} of 3 seeds finished; run games3 again to go on`);
