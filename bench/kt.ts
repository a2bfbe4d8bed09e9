/**
 * Knowledge tracing (issue 17): train the SAKT-style model on the WGSL engine
 * on a file in the three-line format of ../shared/datasets/assist2015, keeping
 * 20 % of its learners (seeded) for validation and early stopping, then report
 * AUC and accuracy on the test file over every attempt after a learner's first,
 * beside two baselines (each skill's success rate in training; the learner's
 * running success rate on the skill).
 *
 *   npm run bench:kt -- --train FILE --test FILE [--json] [--seed N]
 *        [--epochs N] [--patience N] [--maxlen N] [--dim N] [--heads N] [--ffn N] [--dropout X]
 *        [--batch N] [--lr X] [--limit-learners N] [--limit-test N]
 *        [--skill-history N] [--skill-run N] [--weight-decay X] [--shift-windows 0|1]
 *        [--token-parts 0|1|2] [--skill-wrongs N] [--average-top N]
 *
 * Validation and test attempts are scored in overlapping windows, each with at
 * least maxlen / 2 earlier attempts once the learner has them (ktScoringWindows).
 *
 * Defaults: src/model/config.ts KT_INPUT, KT_MODEL and KT_TRAINING, one configuration for
 * every file. --limit-learners / --limit-test keep the first N learners of each
 * file (for short runs on a software adapter). Progress goes to stderr; with
 * --json the last line on stdout is one JSON object.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { gpu } from './webgpu-node';
import { GpuContext, acquireDevice } from '../src/gpu/context';
import { KT_INPUT, KT_MODEL, KT_TRAINING, makeKtConfig } from '../src/model/config';
import { KtEngine } from '../src/model/ktEngine';
import { Rng } from '../src/model/random';
import { parseKtFile, type KtLearner } from '../src/data/ktFormat';
import { ktScoringWindows, ktWindows, skillCount, splitLearners } from '../src/train/ktData';
import { skillHistoryFactors, skillHistoryVocabulary, withSkillHistory } from '../src/train/ktSkillHistory';
import { accuracy, auc } from '../src/train/ktMetrics';
import { ktPredict, trainKt } from '../src/train/ktTrainer';
import { ktBaselines } from '../src/eval/ktBaselines';

interface Opts {
  train: string;
  test: string;
  json: boolean;
  seed: number;
  epochs: number;
  patience: number;
  maxlen: number;
  dim: number;
  heads: number;
  ffn: number;
  dropout: number;
  batch: number;
  lr: number;
  limitLearners: number;
  limitTest: number;
  skillHistory: number;
  skillRun: number;
  weightDecay: number;
  shift: number;
  tokenParts: number;
  skillWrongs: number;
  averageTop: number;
}

function parseArgs(args: string[]): Opts {
  const o: Opts = {
    train: '',
    test: '',
    json: false,
    seed: KT_TRAINING.seed,
    epochs: KT_TRAINING.maxEpochs,
    patience: KT_TRAINING.patience,
    maxlen: KT_MODEL.maxlen,
    dim: KT_MODEL.dim,
    heads: KT_MODEL.heads,
    ffn: KT_MODEL.ffnDim,
    dropout: KT_MODEL.dropout,
    batch: KT_TRAINING.batchSize,
    lr: KT_TRAINING.lr,
    limitLearners: 0,
    limitTest: 0,
    skillHistory: KT_INPUT.skillHistory,
    skillRun: KT_INPUT.skillRun,
    weightDecay: KT_TRAINING.weightDecay,
    shift: KT_TRAINING.shiftWindows ? 1 : 0,
    tokenParts: KT_INPUT.tokenParts,
    skillWrongs: KT_INPUT.skillWrongs,
    averageTop: KT_TRAINING.averageTop,
  };
  const numeric: Record<string, keyof Opts> = {
    '--seed': 'seed',
    '--epochs': 'epochs',
    '--patience': 'patience',
    '--maxlen': 'maxlen',
    '--dim': 'dim',
    '--heads': 'heads',
    '--ffn': 'ffn',
    '--dropout': 'dropout',
    '--batch': 'batch',
    '--lr': 'lr',
    '--limit-learners': 'limitLearners',
    '--limit-test': 'limitTest',
    '--skill-history': 'skillHistory',
    '--skill-run': 'skillRun',
    '--weight-decay': 'weightDecay',
    '--shift-windows': 'shift',
    '--token-parts': 'tokenParts',
    '--skill-wrongs': 'skillWrongs',
    '--average-top': 'averageTop',
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--json') o.json = true;
    else if (a === '--train' || a === '--test') o[a === '--train' ? 'train' : 'test'] = args[++i] ?? '';
    else if (a in numeric) {
      const v = Number(args[++i]);
      if (!Number.isFinite(v)) throw new Error(`${a} needs a number, got ${String(args[i])}`);
      (o[numeric[a]] as number) = v;
    } else throw new Error(`unknown argument ${a}`);
  }
  if (![0, 1, 2].includes(o.tokenParts)) throw new Error(`--token-parts must be 0, 1 or 2, got ${o.tokenParts}`);
  if (!o.train || !o.test) throw new Error('usage: npm run bench:kt -- --train FILE --test FILE [--json] [--seed N] (see bench/kt.ts)');
  return o;
}

const fmt = (x: number) => x.toFixed(4);

export async function main(args: string[]): Promise<void> {
  const o = parseArgs(args);
  const log = (s: string) => console.error(s);
  const read = (file: string, limit: number): KtLearner[] => {
    const all = parseKtFile(readFileSync(file, 'utf8'), basename(file));
    return limit > 0 ? all.slice(0, limit) : all;
  };
  const learners = read(o.train, o.limitLearners);
  const test = read(o.test, o.limitTest);
  const { train, validation } = splitLearners(learners, KT_TRAINING.validationFraction, o.seed);
  // The vocabulary covers the skill ids of both files (sizes only; no outcome of the test file is used).
  const skills = skillCount(learners, test);
  // The model's tokens: each skill with the learner's last outcomes on it and the run it is in (train/ktSkillHistory.ts).
  const history = { depth: o.skillHistory, runCap: o.skillRun, wrongBuckets: o.skillWrongs };
  const tokens = (ls: KtLearner[]) => withSkillHistory(ls, skills, history).learners;
  const vocabulary = skillHistoryVocabulary(skills, history);
  // --token-parts: 0 one row per token, 1 shared parts plus each token's row, 2 shared parts only (model/ktTokenParts.ts);
  // a factor of size 1 (left out) would only add a row every token shares
  const tokenParts = o.tokenParts > 0 ? { skills, factors: skillHistoryFactors(history).filter((n) => n > 1), joint: o.tokenParts === 1 } : undefined;
  const cfg = makeKtConfig({ skills: vocabulary, maxlen: o.maxlen, dim: o.dim, heads: o.heads, ffnDim: o.ffn, dropout: o.dropout, tokenParts });
  const trainTokens = tokens(train);
  const tw = ktWindows(trainTokens, cfg.maxlen, vocabulary);
  // with --shift-windows 1, each epoch cuts the learners at fresh offsets (seeded by seed and epoch)
  const trainWindows = o.shift ? (epoch: number) => ktWindows(trainTokens, cfg.maxlen, vocabulary, new Rng(o.seed * 7919 + epoch)) : tw;
  const vw = ktScoringWindows(tokens(validation), cfg.maxlen, vocabulary);
  log(
    `kt: ${train.length} training, ${validation.length} validation, ${test.length} test learners; ${skills} skills (${vocabulary} tokens, ${JSON.stringify(history)}); ${tw.length} training windows`,
  );
  log(`kt: ${JSON.stringify(cfg)}, batch ${o.batch}, lr ${o.lr}, patience ${o.patience}, mean of the best ${o.averageTop} epochs tried, seed ${o.seed}`);

  const ctx = new GpuContext(await acquireDevice(gpu));
  const adapter = ctx.adapterName;
  log(`kt: adapter ${adapter}`);
  const engine = await KtEngine.create(ctx, cfg, { batchSize: o.batch, seed: o.seed, optimizer: { lr: o.lr, weightDecay: o.weightDecay } });
  const t0 = performance.now();
  const result = await trainKt(engine, trainWindows, vw, {
    maxEpochs: o.epochs,
    patience: o.patience,
    seed: o.seed,
    averageTop: o.averageTop,
    onEpoch: (e) => log(`epoch ${e.epoch}: loss ${fmt(e.loss)}, validation AUC ${fmt(e.validationAuc)} (${((performance.now() - t0) / 1000).toFixed(0)} s)`),
  });
  const trainSeconds = (performance.now() - t0) / 1000;
  const avg = result.averaged;
  if (avg) log(`mean of epochs ${avg.epochs.join(', ')}: validation AUC ${fmt(avg.validationAuc)} (${avg.kept ? 'kept' : 'not kept: the best epoch is'})`);

  const scored = await ktPredict(engine, ktScoringWindows(tokens(test), cfg.maxlen, vocabulary));
  const model = { auc: auc(scored.probs, scored.labels), acc: accuracy(scored.probs, scored.labels) };
  const base = ktBaselines(train, test);
  const baseVal = ktBaselines(train, validation);
  const lines = [
    `model (${avg?.kept ? `mean of epochs ${avg.epochs.join(', ')}` : `best epoch ${result.bestEpoch}`} of ${result.epochs.length}): validation AUC ${fmt(avg?.kept ? avg.validationAuc : result.bestValidationAuc)}; test AUC ${fmt(model.auc)}, accuracy ${fmt(model.acc)} over ${scored.labels.length} attempts`,
    `skill success rate:   validation AUC ${fmt(auc(baseVal.skill, baseVal.labels))}; test AUC ${fmt(auc(base.skill, base.labels))}, accuracy ${fmt(accuracy(base.skill, base.labels))}`,
    `learner running rate: validation AUC ${fmt(auc(baseVal.running, baseVal.labels))}; test AUC ${fmt(auc(base.running, base.labels))}, accuracy ${fmt(accuracy(base.running, base.labels))}`,
    `training: ${trainSeconds.toFixed(1)} s on ${adapter}`,
  ];
  if (base.labels.length !== scored.labels.length) lines.push(`warning: baselines scored ${base.labels.length} attempts, the model ${scored.labels.length}`);
  if (o.json) {
    for (const l of lines) log(l);
    console.log(JSON.stringify({ auc: model.auc, acc: model.acc, epochs: result.epochs.length, train_seconds: trainSeconds, adapter }));
  } else for (const l of lines) console.log(l);
  engine.ctx.destroy();
}
