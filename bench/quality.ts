/**
 * Quality on a `user item` sequence file with the SASRec protocol, trained by
 * the app's engine (WGSL on whatever WebGPU adapter is present, or --cpu for
 * the float64 reference).
 *
 *   npm run bench:quality -- --data FILE [--maxlen N] [--epochs N] [--loss bce|ce] [--cpu] [--json]
 *        [--dim N] [--blocks N] [--heads N] [--batch N] [--lr X] [--dropout X] [--negatives N] [--ce-chunk N]
 *        [--eval-every N] [--patience N] [--eval-users N] [--limit-users N] [--compact-items] [--seed N] [--checkpoint FILE]
 *        [--snapshots DIR] [--snapshot-every N]
 *
 * --loss ce --negatives 0: softmax over every item, computed --ce-chunk items at a
 * time (model/fullSoftmax.ts). --limit-users N --compact-items: the first N users
 * with their items numbered 1..n, a CPU-sized proxy (a smaller catalog).
 * The best epoch is chosen on validation NDCG@10 (sampled, every --eval-every epochs);
 * at the end its model is scored on validation and test by both protocols: the
 * 100 sampled candidates and full ranking (the true item against every item).
 *
 * --snapshots DIR [--snapshot-every N] keeps the parameters after every N epochs with their training time
 * (bench/snapshots.ts), for bench:time-to-target to score on test afterwards.
 *
 * --checkpoint FILE saves the training state (and the best state so far) after
 * every epoch and resumes from it when it exists, so a long run can be split
 * over several invocations (e.g. the device machine's 10-minute calls).
 * Each epoch's data order is seeded by (seed, epoch), so a resumed run repeats
 * the uninterrupted one.
 * Progress goes to stderr; with --json the last line on stdout is one JSON object.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { makeConfig } from '../src/model/config';
import { qualityData, qualityModel } from './qualityModel';
import { snapshotWriter } from './snapshots';
import { parseArgs } from './qualityArgs';
import { Rng } from '../src/model/random';
import { sequenceBatch, shuffled } from '../src/train/sampling';
import { evaluateFullAndSampled, evaluateMarkov, evaluateModel, evaluatePopularity, popularityCounts } from '../src/eval/evaluate';
import type { Metrics } from '../src/train/metrics';

const fmt = (m: Metrics) => `HR@10 ${m.hr10.toFixed(4)}  NDCG@10 ${m.ndcg10.toFixed(4)}`;

export async function main(args: string[]): Promise<void> {
  const o = parseArgs(args);
  const log = (s: string) => process.stderr.write(s + '\n');
  const { data, sequences, split, validCases, testCases } = qualityData(o);
  log(`${basename(o.data)}: ${sequences.length} users, ${data.items} items, ${sequences.reduce((s, q) => s + q.length, 0)} interactions`);
  const pop = popularityCounts(split.train, data.items);
  const popTest = evaluatePopularity(testCases, pop);
  const markovTest = evaluateMarkov(testCases, split.train, pop);
  log(`baselines on test (${testCases.length} users): popularity ${fmt(popTest)}; first-order Markov ${fmt(markovTest)}`);

  const cfg = makeConfig({ items: data.items, maxlen: o.maxlen, dim: o.dim, blocks: o.blocks, heads: o.heads, dropout: o.dropout, loss: o.loss });
  const B = o.batch;
  const fullSoftmax = o.loss === 'ce' && o.negatives <= 0;
  const { adapter, maxCandidates, trainStep, encode, itemTable, save, restore } = await qualityModel(o, cfg);
  const negatives = fullSoftmax ? 0 : Math.min(o.negatives, maxCandidates);
  log(`adapter: ${adapter}`);
  const lossText =
    o.loss === 'bce'
      ? 'BCE with one negative'
      : fullSoftmax
        ? `softmax over all ${data.items} items${o.cpu ? '' : `, ${o.ceChunk} at a time`}`
        : `softmax over the batch's targets plus ${negatives} shared uniform negatives`;
  log(`model: ${JSON.stringify(cfg)}, batch ${B}, lr ${o.lr}, ${lossText}`);

  const snapshots = snapshotWriter(o, adapter);
  const trainable = split.train.map((s, u) => (s.length >= 2 ? u : -1)).filter((u) => u >= 0);
  const stepsPerEpoch = Math.ceil(trainable.length / B);
  let best = { ndcg: -1, epoch: 0, state: null as Uint8Array | null, valid: null as Metrics | null };
  let trainSeconds = 0;
  let steps = 0;
  let epochsRun = 0;
  let first = 1;
  const ck = o.checkpoint;
  const writeAtomically = (file: string, data: Uint8Array | string) => {
    writeFileSync(`${file}.tmp`, data);
    renameSync(`${file}.tmp`, file);
  };
  if (ck && existsSync(`${ck}.json`)) {
    const meta = JSON.parse(readFileSync(`${ck}.json`, 'utf8')) as {
      epoch: number;
      trainSeconds: number;
      steps: number;
      best: { ndcg: number; epoch: number; valid: Metrics | null };
      config: unknown;
    };
    if (JSON.stringify(meta.config) !== JSON.stringify({ ...cfg, batch: B, lr: o.lr, seed: o.seed }))
      throw new Error(`${ck}: the checkpoint was made with other settings; remove it or use the same ones`);
    restore(new Uint8Array(readFileSync(ck)));
    best = { ...meta.best, state: existsSync(`${ck}.best`) ? new Uint8Array(readFileSync(`${ck}.best`)) : null };
    trainSeconds = meta.trainSeconds;
    steps = meta.steps;
    epochsRun = meta.epoch;
    first = meta.epoch + 1;
    log(`resuming from ${ck} after epoch ${meta.epoch} (best validation NDCG@10 ${best.ndcg.toFixed(4)} at epoch ${best.epoch})`);
  }
  for (let epoch = first; epoch <= o.epochs; epoch++) {
    const rng = new Rng(o.seed * 1009 + epoch);
    const order = shuffled(trainable.length, rng);
    const t0 = performance.now();
    let lossSum = 0;
    let lossN = 0;
    for (let s = 0; s < stepsPerEpoch; s++) {
      const rows = order.slice(s * B, (s + 1) * B).map((i) => split.train[trainable[i]]);
      const batch = sequenceBatch(cfg, rows, B, rng, { candidates: o.loss === 'ce' ? negatives : 0, maxCandidates });
      const read = s % 25 === 0 || s === stepsPerEpoch - 1;
      const l = await trainStep(batch, read);
      if (read) {
        lossSum += l;
        lossN++;
        if (!Number.isFinite(l)) throw new Error(`training diverged: loss ${l} at epoch ${epoch}, step ${s}`);
      }
      steps++;
      if (s % 25 === 0) process.stderr.write(`\repoch ${epoch}/${o.epochs}  step ${s + 1}/${stepsPerEpoch}  loss ${l.toFixed(4)}   `);
    }
    trainSeconds += (performance.now() - t0) / 1000;
    epochsRun = epoch;
    await snapshots.after(epoch, trainSeconds, steps, save);
    process.stderr.write(
      `\repoch ${epoch}/${o.epochs}  mean loss ${(lossSum / Math.max(1, lossN)).toFixed(4)}  ${(trainSeconds / epoch).toFixed(1)} s/epoch               \n`,
    );
    if (epoch % o.evalEvery === 0 || epoch === o.epochs) {
      const v = await evaluateModel(validCases, cfg.dim, encode, await itemTable());
      log(`  validation: ${fmt(v)}`);
      if (v.ndcg10 > best.ndcg) {
        best = { ndcg: v.ndcg10, epoch, state: await save(), valid: v };
        if (ck) writeAtomically(`${ck}.best`, best.state!);
      } else if (epoch - best.epoch >= o.patience) {
        log(`  no validation gain for ${o.patience} epochs: stopping`);
        break;
      }
    }
    if (ck) {
      writeAtomically(ck, await save());
      writeAtomically(
        `${ck}.json`,
        JSON.stringify({
          epoch,
          trainSeconds,
          steps,
          best: { ndcg: best.ndcg, epoch: best.epoch, valid: best.valid },
          config: { ...cfg, batch: B, lr: o.lr, seed: o.seed },
        }),
      );
    }
  }
  if (best.state) restore(best.state);
  const table = await itemTable();
  const valid = await evaluateFullAndSampled(validCases, cfg.dim, encode, table);
  const final = await evaluateFullAndSampled(testCases, cfg.dim, encode, table);
  const test = final.sampled;
  log(`best epoch ${best.epoch}: validation ${fmt(best.valid!)}; full ranking ${fmt(valid.full)}`);
  log(`test: ${fmt(test)}; full ranking ${fmt(final.full)}   (popularity HR@10 ${popTest.hr10.toFixed(4)}, Markov HR@10 ${markovTest.hr10.toFixed(4)})`);
  log(`train time ${trainSeconds.toFixed(1)} s, ${(steps / trainSeconds).toFixed(2)} steps/s`);
  const result = {
    dataset: basename(o.data),
    users: sequences.length,
    items: data.items,
    epochs: epochsRun,
    best_epoch: best.epoch,
    hr10: +test.hr10.toFixed(4),
    ndcg10: +test.ndcg10.toFixed(4),
    valid_hr10: +(best.valid?.hr10 ?? 0).toFixed(4),
    valid_ndcg10: +(best.valid?.ndcg10 ?? 0).toFixed(4),
    valid_full_hr10: +valid.full.hr10.toFixed(4),
    valid_full_ndcg10: +valid.full.ndcg10.toFixed(4),
    full_hr10: +final.full.hr10.toFixed(4),
    full_ndcg10: +final.full.ndcg10.toFixed(4),
    pop_hr10: +popTest.hr10.toFixed(4),
    pop_ndcg10: +popTest.ndcg10.toFixed(4),
    markov_hr10: +markovTest.hr10.toFixed(4),
    markov_ndcg10: +markovTest.ndcg10.toFixed(4),
    eval_users: testCases.length,
    train_seconds: +trainSeconds.toFixed(1),
    steps_per_second: +(steps / trainSeconds).toFixed(3),
    adapter,
    config: { ...cfg, batch: B, lr: o.lr, negatives: o.loss === 'ce' ? (fullSoftmax ? 'all' : negatives) : 1, seed: o.seed },
  };
  if (o.json) console.log(JSON.stringify(result));
  else console.log(`HR@10 ${result.hr10}  NDCG@10 ${result.ndcg10}`);
}
