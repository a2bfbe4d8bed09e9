/**
 * Are the explanations true (issue 14)? For sampled users and their top-10,
 * delete the three readings each method names (leave-one-out, raw attention,
 * attention rollout, three at random) and measure the drop of the candidate's
 * softmax share among all items and of its rank (bench/explainMeasure.ts).
 *
 *   npm run bench:explain -- [--data demo|FILE] [--users N] [--epochs N] [--limit-users N] [--min-history N] [--lr X] [--seed N] [--json]
 *
 * demo (default): the app's model trained as the app trains it on the demo
 * backup (public/demo/demo.json); users = the demo learner and community
 * learners of its path pack. FILE: a `user item` file (e.g.
 * ../shared/datasets/amazon-games.txt) and a small proxy model of the app's
 * shape (maxlen 32, dim 32, no content or features), trained for a bounded
 * number of epochs on the first --limit-users users.
 * ms_per_user: the median over 20 users of one user's top-10 explained as the app does (one batched
 * leave-one-out pass read back for those ten items and each row's log-sum-exp, then the effects) at the
 * model's history length; the top-10 is found before the timer starts (the app has it from recommending);
 * ms_per_user_200: the same with a 200-event window (same shape otherwise, its
 * initial weights: the time does not depend on them).
 * Progress goes to stderr; with --json the last line on stdout is one JSON object.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { gpu } from './webgpu-node';
import { GpuContext, acquireDevice } from '../src/gpu/context';
import { parseBackup } from '../src/data/db';
import { parseUserItemLines } from '../src/data/userItems';
import { withoutEach, type ItemContent } from '../src/model/batch';
import { APP_MODEL, APP_TRAINING, makeConfig, type ModelConfig } from '../src/model/config';
import { GpuEngine } from '../src/model/engine';
import { Rng } from '../src/model/random';
import { explainByRemoval } from '../src/recommend/effects';
import { createBackend } from '../src/train/backend';
import { neutralSequenceFeatures, trainingData, withNeutralTail } from '../src/train/learnerData';
import { sequenceBatch, shuffled } from '../src/train/sampling';
import { Trainer } from '../src/train/trainer';
import { byWindow, explainTop10, measureUser, summarize, topItems, type ExplainedModel, type User } from './explainMeasure';
import { flag, middle } from './cli';

const log = (s: string) => process.stderr.write(s + '\n');

/**
 * Median ms of explainTop10 over `users` (after one warm-up call): the VM's cores are shared, and the median
 * ignores another job's burst. Each user's top-10 is found first, untimed: the app explains recommendations
 * it already has.
 */
async function timeUsers(m: Pick<ExplainedModel, 'leaveOneOut' | 'leaveOneOutColumns'>, users: User[]): Promise<number> {
  const tops: number[][] = [];
  for (const u of users) tops.push(topItems(await m.leaveOneOut(u.items, u.features), u.items, 10));
  await explainTop10(m, users[0], tops[0]);
  const ms: number[] = [];
  for (let i = 0; i < users.length; i++) {
    const t0 = performance.now();
    await explainTop10(m, users[i], tops[i]);
    ms.push(performance.now() - t0);
  }
  return middle(ms);
}

/** The same scores without batching (median ms): one forward pass per row (the history, then each one-removed variant). */
async function timeUnbatched(m: ExplainedModel, users: User[]): Promise<number> {
  const ms: number[] = [];
  for (const u of users) {
    const t0 = performance.now();
    const { rows, feats } = withoutEach(u.items, u.features, m.cfg.maxlen, m.cfg.features);
    for (let r = 0; r < rows.length; r++) await m.scores(rows[r], feats[r]);
    ms.push(performance.now() - t0);
  }
  return middle(ms);
}

/** ms per user with a 200-event window: the model's shape with maxlen 200, on its own device. */
async function time200(cfg: ModelConfig, content: ItemContent | undefined, rng: Rng): Promise<number> {
  const ctx = new GpuContext(await acquireDevice(gpu));
  const c200 = { ...cfg, maxlen: 200 };
  const eng = await GpuEngine.create(ctx, c200, { batchSize: 1, seed: 1, content, maxCandidates: Math.min(cfg.items, 4096) });
  const users: User[] = Array.from({ length: 4 }, () => {
    const items = Array.from({ length: 200 }, () => rng.int(1, cfg.items + 1));
    return { items, features: cfg.features > 0 ? Float32Array.from({ length: 200 * cfg.features }, () => rng.next()) : undefined };
  });
  const ms = await timeUsers({ leaveOneOut: (h, f) => eng.leaveOneOut(h, f), leaveOneOutColumns: (h, f, items) => eng.leaveOneOutColumns(h, f, items) }, users);
  eng.destroy();
  return ms;
}

async function demo(o: Opts, rng: Rng) {
  const b = parseBackup(readFileSync('public/demo/demo.json', 'utf8'), 'public/demo/demo.json');
  const data = trainingData(b.readings, b.sessions, b.pathPacks);
  const { backend } = await createBackend(
    data.cfg,
    { batchSize: APP_TRAINING.batchSize, seed: o.seed, content: data.content, lr: APP_TRAINING.lr },
    'auto',
    gpu,
  );
  const trainer = new Trainer(backend, data, APP_TRAINING.batchSize, o.seed, 4, true);
  const t0 = performance.now();
  const outcome = await trainer.train({
    epochs: o.epochs,
    budgetMs: Infinity,
    onEpoch: (_b, p) => void log(`epoch ${p.epoch}/${o.epochs} loss ${p.loss.toFixed(4)}`),
  });
  log(`trained ${o.epochs} epochs (${outcome.steps} steps) in ${((performance.now() - t0) / 1000).toFixed(1)} s on ${backend.label}`);
  const empty = new Float32Array(0);
  const model: ExplainedModel = {
    cfg: data.cfg,
    leaveOneOut: (h, f) => backend.leaveOneOut(h, f ?? empty),
    leaveOneOutColumns: (h, f, items) => backend.leaveOneOutColumns(h, f ?? empty, items),
    scores: (h, f) => backend.scores(h, f ?? empty),
    attention: (h, f) => backend.attention(h, f ?? empty),
    appendFeatures: (f, seq) => withNeutralTail(f ?? empty, seq, data.minutes),
  };
  const community = shuffled(data.community.length, rng)
    .map((i) => data.community[i].slice(0, -1))
    .filter((s) => s.length >= o.minHistory)
    .slice(0, o.users - 1)
    .map((items) => ({ items, features: neutralSequenceFeatures(items, data.minutes) }));
  const users: User[] = [{ items: data.learner.items, features: data.learner.features }, ...community];
  // The app's own entry point on the demo learner, timed as the app calls it.
  const loo = await backend.leaveOneOut(data.learner.items, data.learner.features);
  const scores = loo.scores.subarray(0, loo.cols);
  const seen = new Set(data.learner.items);
  const top = [...data.vocab.idOf]
    .filter(([, id]) => !seen.has(id))
    .sort((x, y) => scores[y[1]] - scores[x[1]])
    .slice(0, 10);
  const t1 = performance.now();
  const why = await explainByRemoval(
    data,
    backend,
    top.map(([r]) => r),
  );
  const learnerMs = performance.now() - t1;
  const firsts = [...why.values()].map((w) => w.raised[0]?.readingId ?? '(none)');
  log(`demo learner: top-10 explained in ${learnerMs.toFixed(1)} ms; first readings named: ${new Set(firsts).size} distinct of ${firsts.length}`);
  return { model, users, content: data.content, destroy: () => backend.destroy(), extra: { ms_learner: Number(learnerMs.toFixed(1)), backend: backend.label } };
}

async function userItems(o: Opts, rng: Rng) {
  const file = parseUserItemLines(readFileSync(o.data, 'utf8'), o.data);
  const sequences = file.sequences.slice(0, o.limitUsers);
  const cfg = makeConfig({
    items: file.items,
    maxlen: APP_MODEL.maxlen,
    dim: APP_MODEL.dim,
    blocks: APP_MODEL.blocks,
    heads: APP_MODEL.heads,
    ffnDim: APP_MODEL.ffnDim,
    loss: 'ce',
  });
  const ctx = new GpuContext(await acquireDevice(gpu));
  const B = 64;
  const maxCandidates = Math.min(cfg.items, Math.floor(ctx.device.limits.maxStorageBufferBindingSize / (4 * B * cfg.maxlen)));
  const eng = await GpuEngine.create(ctx, cfg, { batchSize: B, seed: o.seed, optimizer: { lr: o.lr }, maxCandidates });
  const train = sequences.map((s) => s.slice(0, -1)).filter((s) => s.length >= 2);
  const t0 = performance.now();
  for (let epoch = 1; epoch <= o.epochs; epoch++) {
    const order = shuffled(train.length, rng);
    let loss = NaN;
    for (let s = 0; s * B < train.length; s++) {
      const rows = order.slice(s * B, (s + 1) * B).map((i) => train[i]);
      loss = await eng.trainStep(sequenceBatch(cfg, rows, B, rng, { candidates: Math.min(256, maxCandidates), maxCandidates }), (s + 1) * B >= train.length);
    }
    log(`epoch ${epoch}/${o.epochs} loss ${loss.toFixed(4)} ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  const model: ExplainedModel = {
    cfg,
    leaveOneOut: (h) => eng.leaveOneOut(h),
    leaveOneOutColumns: (h, _f, items) => eng.leaveOneOutColumns(h, undefined, items),
    scores: (h) => eng.scoreAll(h),
    attention: (h) => eng.historyAttention(h),
    appendFeatures: () => undefined,
  };
  const users = shuffled(sequences.length, rng)
    .map((i) => ({ items: sequences[i].slice(0, -1) }))
    .filter((u) => u.items.length >= o.minHistory)
    .slice(0, o.users);
  return { model, users, content: undefined, destroy: () => eng.destroy(), extra: { train_users: sequences.length } };
}

interface Opts {
  data: string;
  users: number;
  epochs: number;
  limitUsers: number;
  seed: number;
  /** Users with fewer events are not sampled (the demo learner always is). */
  minHistory: number;
  /** The proxy model's learning rate (the demo trains with the app's). */
  lr: number;
  json: boolean;
}

export async function main(args: string[]): Promise<void> {
  const arg = (name: string, d: string) => flag(args, name, d);
  const data = arg('data', 'demo');
  const o: Opts = {
    data,
    users: Number(arg('users', '100')),
    epochs: Number(arg('epochs', data === 'demo' ? '15' : '8')),
    minHistory: Number(arg('min-history', '5')),
    lr: Number(arg('lr', String(APP_TRAINING.lr))),
    limitUsers: Number(arg('limit-users', '3000')),
    seed: Number(arg('seed', '1')),
    json: args.includes('--json'),
  };
  const rng = new Rng(o.seed);
  const run = data === 'demo' ? await demo(o, rng) : await userItems(o, rng);
  const { model, users } = run;
  log(`measuring ${users.length} users, window ${model.cfg.maxlen}`);
  const perUser = [];
  for (let i = 0; i < users.length; i++) {
    perUser.push(await measureUser(model, users[i], rng));
    if (i % 10 === 9) process.stderr.write(`\r${i + 1}/${users.length} users   `);
  }
  process.stderr.write('\n');
  const msPerUser = await timeUsers(model, users.slice(0, 20));
  const msUnbatched = await timeUnbatched(model, users.slice(0, 20));
  run.destroy();
  const ms200 = await time200(model.cfg, run.content, rng);
  const result = {
    data: data === 'demo' ? 'demo' : basename(data),
    ...summarize(perUser),
    by_window: byWindow(
      perUser,
      users.map((u) => u.items.slice(-model.cfg.maxlen)),
    ),
    ms_per_user: Number(msPerUser.toFixed(1)),
    ms_per_user_unbatched: Number(msUnbatched.toFixed(1)),
    history_len: model.cfg.maxlen,
    ms_per_user_200: Number(ms200.toFixed(1)),
    users: users.length,
    min_history: o.minHistory,
    items: model.cfg.items,
    epochs: o.epochs,
    ...run.extra,
  };
  log(JSON.stringify(result, null, 1));
  if (o.json) console.log(JSON.stringify(result));
}
