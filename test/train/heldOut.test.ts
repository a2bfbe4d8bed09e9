/**
 * The trainer's validation (Trainer.validate) ranks only events no loss touched: the learner's held-out
 * newest events and, with the app's settings, one held-out last event per path-pack learner; and a run's
 * last progress report says truly how it ended (every epoch, the time limit, a cancel).
 */
import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../../src/train/backend';
import { trainingData } from '../../src/train/learnerData';
import { PACK_CASES, TrainControl, Trainer, type TrainProgress } from '../../src/train/trainer';
import { demo } from '../support/service';

const cpu = (d: ReturnType<typeof trainingData>) => new CpuBackend(d.cfg, { batchSize: 16, seed: 3, content: d.content, lr: 1e-3 });

describe('validation', () => {
  it("ranks the learner's held-out events, then up to PACK_CASES pack learners' last events, none of them trained on", async () => {
    const d = trainingData(demo.readings, demo.sessions, demo.pathPacks);
    const trainer = new Trainer(cpu(d), d, 16, 1, 4, true);
    const v = await trainer.validate();
    expect(d.holdout).toBe(Math.min(20, Math.floor(d.learner.items.length / 4)));
    expect(v.learner).toBe(d.holdout);
    expect(v.model.length).toBe(d.holdout + Math.min(PACK_CASES, d.community.length));
    expect(v.popularity.length).toBe(v.model.length);
    // No training row carries a loss on a held-out event: each pack row stops before its last event,
    // and the learner's rows end before the held-out ones (their targets are items 1..lossEnd-1).
    const T = d.cfg.maxlen;
    const rows = trainer.rows();
    const packRows = rows.slice(0, d.community.length);
    packRows.forEach((r, i) => {
      const s = d.community[i];
      expect(r.items.at(-1)).toBe(s.at(-1));
      expect(r.lossEnd).toBe(Math.min(s.length, T + 1) - 1);
    });
    const firstHeld = d.learner.items.length - d.holdout;
    for (const r of rows.slice(d.community.length)) expect(r.lossEnd).toBeLessThanOrEqual(firstHeld);
  });
  it('ranks no pack event unless the packs are held out, and nothing at all with no held-out event', async () => {
    const d = trainingData(demo.readings, demo.sessions, demo.pathPacks);
    const v = await new Trainer(cpu(d), d, 16, 1).validate();
    expect(v.model.length).toBe(d.holdout);
    const none = trainingData(demo.readings, demo.sessions.slice(0, 3), []);
    expect(await new Trainer(cpu(none), none, 16, 1).validate()).toEqual({ model: [], popularity: [], learner: 0 });
  });
});

describe("a run's last report", () => {
  // The learner alone (no pack): a few steps per epoch on the CPU.
  const d = trainingData(demo.readings, demo.sessions, []);
  const run = async (o: { epochs: number; budgetMs: number; clock?: () => number; control?: TrainControl }) => {
    const reports: TrainProgress[] = [];
    const out = await new Trainer(cpu(d), d, 16, 1).train({ ...o, onProgress: (p) => reports.push(p) });
    return { out, last: reports.at(-1)!, ends: reports.filter((p) => p.ended !== undefined).length };
  };
  it('says it ran every epoch', async () => {
    const { out, last, ends } = await run({ epochs: 2, budgetMs: Infinity });
    expect(out.status).toBe('finished');
    expect(last).toMatchObject({ ended: 'epochs', epoch: 2, epochs: 2, step: out.steps });
    expect(ends).toBe(1);
  });
  it('says it stopped at its time limit, in the epoch where it stopped', async () => {
    let t = 0;
    const { out, last } = await run({ epochs: 30, budgetMs: 2500, clock: () => (t += 1000) });
    expect(out.status).toBe('finished');
    expect(last.ended).toBe('budget');
    expect(last.epoch).toBe(1);
    expect(last.epochs).toBe(30);
  });
  it('says it was cancelled', async () => {
    const control = new TrainControl();
    control.cancel();
    const { out, last } = await run({ epochs: 2, budgetMs: Infinity, control });
    expect(out.status).toBe('cancelled');
    expect(last).toMatchObject({ ended: 'cancelled', step: 0, epoch: 1 });
  });
});
