/**
 * The model panel's words (app/learn/modelText.ts): the progress line true in every state of a run,
 * and the validation sentence with its gate, count, interval and baseline.
 */
import { describe, expect, it } from 'vitest';
import { progressText, ranToEnd, validationText } from '../../src/app/learn/modelText';
import { validationReport } from '../../src/eval/validation';
import type { TrainProgress } from '../../src/train/trainer';

const at = (extra: Partial<TrainProgress> = {}): TrainProgress => ({
  phase: 'training',
  step: 12,
  steps: 120,
  epoch: 3,
  epochs: 30,
  loss: 4.25,
  valHr10: 0,
  valCases: 3,
  validation: null,
  elapsedMs: 0,
  budgetMs: 1000,
  fraction: 0.1,
  ...extra,
});

describe('the progress line', () => {
  it('says what a run is doing, and never "done" for a run that stopped early', () => {
    expect(progressText(at(), true, false)).toBe('Training: epoch 3 of 30, step 12 of 120, loss 4.250');
    expect(progressText(at(), true, true)).toBe('Training paused in epoch 3 of 30, step 12 of 120; loss 4.250.');
    expect(progressText(at({ ended: 'budget' }), false, false)).toBe('Training used its time limit: stopped in epoch 3 of 30, step 12 of 120, loss 4.250.');
    expect(progressText(at({ ended: 'cancelled' }), false, false)).toBe('Training cancelled in epoch 3 of 30, step 12 of 120.');
    expect(progressText(at({ ended: 'diverged', loss: NaN }), false, false)).toBe('Training stopped at step 12: a number was not finite (see the notice).');
    expect(progressText(at({ epoch: 30, step: 120, ended: 'epochs' }), false, false)).toBe('Training finished: all 30 epochs, 120 steps, loss 4.250.');
    expect(progressText(at({ phase: 'updating', epochs: 1, epoch: 1, ended: 'epochs' }), false, false)).toBe(
      'Update finished: all 1 epoch, 12 steps, loss 4.250.',
    );
    // The run ended without a last report (an error): it stopped, no more is claimed.
    expect(progressText(at(), false, false)).toBe('Training stopped in epoch 3 of 30, step 12 of 120.');
    expect(progressText(at({ ended: 'epochs' }), true, false)).toMatch(/^Training finished/);
  });
  it('fills the bar only for a run that ended normally', () => {
    expect([ranToEnd(at({ ended: 'epochs' })), ranToEnd(at({ ended: 'budget' })), ranToEnd(at({ ended: 'cancelled' })), ranToEnd(at())]).toEqual([
      true,
      true,
      false,
      false,
    ]);
  });
});

describe('the validation sentence', () => {
  const ranks = (hits: number, n: number) => Array.from({ length: n }, (_, i) => (i < hits ? 0 : 50));
  it('gives no figure below 20 events', () => {
    expect(validationText(null)).toBe('Accuracy: too little history to measure yet (0 held-out events; 20 needed).');
    expect(validationText(validationReport({ model: ranks(1, 1), popularity: ranks(0, 1), learner: 1 }))).toBe(
      'Accuracy: too little history to measure yet (1 held-out event; 20 needed).',
    );
  });
  it('gives the count, the share with its 95 % interval, and the popularity baseline on the same events', () => {
    const v = validationReport({ model: ranks(7, 20), popularity: ranks(2, 20), learner: 5 });
    expect(validationText(v)).toBe(
      'Accuracy on 20 held-out events (5 yours, 15 from the path pack): the reading that came next was in its top 10 for 7 of 20 (35 %, 95 % interval 18 %–57 %); ' +
        'the most-read readings instead: 2 of 20 (10 %, 95 % interval 3 %–30 %).',
    );
  });
});
