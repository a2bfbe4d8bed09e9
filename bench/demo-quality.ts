/**
 * Quality of the in-browser trainer on the built-in demo: the app's model,
 * trained exactly as the app's worker trains it (src/train/trainer.ts), against
 * popularity and "next in prerequisite order" on held-out next readings.
 *
 *   npm run bench:demo -- [--epochs N] [--lr X] [--cpu] [--json] [--seed N]
 *
 * Held out: the last reading of each of the 400 community learners in the
 * demo's path pack, and the demo learner's newest events (as in the app).
 * Every method ranks the held-out reading among all readings not yet in that
 * history (no sampling). With --json the last line on stdout is one JSON object.
 */
import { readFileSync } from 'node:fs';
import { gpu } from './webgpu-node';
import { parseBackup } from '../src/data/db';
import { createBackend } from '../src/train/backend';
import { PrerequisiteOrder } from '../src/eval/baselines';
import { popularityCounts } from '../src/eval/evaluate';
import { metricsFromRanks, type Metrics } from '../src/train/metrics';
import { trainingData } from '../src/train/learnerData';
import { APP_TRAINING } from '../src/model/config';
import { rankAmongUnread, Trainer } from '../src/train/trainer';
import { flag } from './cli';

export async function main(args: string[]): Promise<void> {
  const arg = (name: string, d: string) => flag(args, name, d);
  const epochs = Number(arg('epochs', '30'));
  const seed = Number(arg('seed', '1'));
  const json = args.includes('--json');
  const b = parseBackup(readFileSync('public/demo/demo.json', 'utf8'), 'public/demo/demo.json');
  const data = trainingData(b.readings, b.sessions, b.pathPacks);
  const lr = Number(arg('lr', String(APP_TRAINING.lr)));
  const { backend, fallback } = await createBackend(data.cfg, { batchSize: 32, seed, content: data.content, lr }, args.includes('--cpu') ? 'cpu' : 'auto', gpu);
  const trainer = new Trainer(backend, data, 32, seed, 4, true);
  const t0 = performance.now();
  const out = await trainer.train({
    epochs,
    budgetMs: Infinity,
    onEpoch: async (_blob, p) => {
      const c = await trainer.validateCommunity(100);
      console.error(
        `epoch ${p.epoch}/${epochs} loss ${p.loss.toFixed(4)} learner HR@10 ${p.valHr10?.toFixed(3)} community(100) HR@10 ${c.hr10.toFixed(3)} ${((performance.now() - t0) / 1000).toFixed(1)} s`,
      );
    },
  });
  const trainSeconds = (performance.now() - t0) / 1000;
  const val = await trainer.validate(); // the learner's held-out events come first
  const model = { community: await trainer.validateCommunity(), learner: metricsFromRanks(val.model.slice(0, val.learner)) };

  // Baselines on the same cases, trained on the same data (held-out events excluded).
  const { vocab, learner, holdout, community, cfg } = data;
  const trainSeqs = [...community.map((s) => s.slice(0, -1)), learner.items.slice(0, learner.items.length - holdout)];
  const pop = popularityCounts(trainSeqs, cfg.items);
  const prereq = new PrerequisiteOrder(b.readings, vocab, cfg.items);
  const known = new Set(b.readings.filter((r) => r.status === 'finished' && !b.sessions.some((s) => s.readingId === r.id)).map((r) => r.id));
  const evalBaseline = (score: (history: number[], isLearner: boolean) => ArrayLike<number>): { community: Metrics; learner: Metrics } => {
    const ranks = (cases: { history: number[]; target: number }[], isLearner: boolean) =>
      metricsFromRanks(cases.map(({ history, target }) => rankAmongUnread(score(history, isLearner), target, history, vocab.readingOf)));
    const n = learner.items.length;
    return {
      community: ranks(
        community.map((s) => ({ history: s.slice(0, -1), target: s[s.length - 1] })),
        false,
      ),
      learner: ranks(
        Array.from({ length: holdout }, (_, k) => ({ history: learner.items.slice(0, n - holdout + k), target: learner.items[n - holdout + k] })),
        true,
      ),
    };
  };
  const popularity = evalBaseline(() => pop);
  const prerequisites = evalBaseline((h, isLearner) => prereq.scores(h, isLearner ? known : undefined));
  const result = {
    dataset: 'built-in demo',
    community_cases: model.community.users,
    learner_cases: model.learner.users,
    items: b.readings.length,
    hr10: model.community.hr10,
    ndcg10: model.community.ndcg10,
    learner_hr10: model.learner.hr10,
    learner_ndcg10: model.learner.ndcg10,
    pop_hr10: popularity.community.hr10,
    pop_ndcg10: popularity.community.ndcg10,
    pop_learner_hr10: popularity.learner.hr10,
    prereq_hr10: prerequisites.community.hr10,
    prereq_ndcg10: prerequisites.community.ndcg10,
    prereq_learner_hr10: prerequisites.learner.hr10,
    epochs,
    steps: out.steps,
    train_seconds: Number(trainSeconds.toFixed(1)),
    backend: backend.label,
    fallback,
    config: cfg,
  };
  console.error(
    `model      HR@10 ${result.hr10.toFixed(3)} NDCG@10 ${result.ndcg10.toFixed(3)} (community, ${result.community_cases}); learner HR@10 ${result.learner_hr10.toFixed(3)} (${result.learner_cases})`,
  );
  console.error(`popularity HR@10 ${result.pop_hr10.toFixed(3)} NDCG@10 ${result.pop_ndcg10.toFixed(3)}; learner HR@10 ${result.pop_learner_hr10.toFixed(3)}`);
  console.error(
    `prereq     HR@10 ${result.prereq_hr10.toFixed(3)} NDCG@10 ${result.prereq_ndcg10.toFixed(3)}; learner HR@10 ${result.prereq_learner_hr10.toFixed(3)}`,
  );
  if (json) console.log(JSON.stringify(result));
  backend.destroy();
}
