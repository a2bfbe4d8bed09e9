/**
 * The page's side of the training worker (zustand): starts the worker, keeps
 * the latest model state, progress, loss curve, recommendations, attention and
 * path, and sends the learner's commands. The worker does all the work, so the
 * main thread only copies small messages into state.
 */
import { create } from 'zustand';
import { APP_TRAINING } from '../../model/config';
import {
  LOADING_INFO,
  type AttentionMaps,
  type FromWorker,
  type ModelInfo,
  type PlannedStep,
  type Recommendation,
  type ToWorker,
  type TodaysReviews,
  type UnderstandingView,
} from '../../worker/protocol';
import type { TrainProgress } from '../../train/trainer';
import { useStore } from '../studyStore';

/** Training budgets offered (seconds). */
export const BUDGETS = APP_TRAINING.budgetChoicesSeconds;
const MAX_POINTS = 400;

const pref = {
  get budget(): number {
    const v = Number(localStorage.getItem('studypath.trainSeconds'));
    return Number.isFinite(v) && v > 0 ? v : APP_TRAINING.defaultBudgetSeconds;
  },
  set budget(v: number) {
    localStorage.setItem('studypath.trainSeconds', String(v));
  },
  /** Train by epochs instead of time (a knob for tests and benchmarks: see ToWorker init.epochs). */
  get epochs(): number | undefined {
    const v = Number(localStorage.getItem('studypath.trainEpochs'));
    return Number.isInteger(v) && v > 0 ? v : undefined;
  },
  get compute(): 'auto' | 'cpu' {
    return localStorage.getItem('studypath.compute') === 'cpu' ? 'cpu' : 'auto';
  },
};

interface ModelStore {
  info: ModelInfo;
  progress: TrainProgress | null;
  /** (step, loss) of the current run, thinned to at most MAX_POINTS. */
  losses: [number, number][];
  recommendations: Recommendation[];
  attention: AttentionMaps | null;
  /** `starter`: the starting suggestion ('pack' or 'foundations' order), null: the model's path. */
  path: { minutes: number; steps: PlannedStep[]; starter: 'pack' | 'foundations' | null; reviews: TodaysReviews } | null;
  /** Predicted understanding (issue 18) and its model's training progress (steps 0: cancelled). */
  understanding: UnderstandingView | null;
  understandingProgress: { step: number; steps: number } | null;
  budgetSeconds: number;
  skipped: string[];
  start(): void;
  train(): void;
  pause(): void;
  resume(): void;
  cancel(): void;
  cancelUnderstanding(): void;
  setBudget(seconds: number): void;
  plan(minutes: number): void;
  skip(readingId: string): void;
}

let worker: Worker | null = null;
let lastMinutes = 60;
const send = (m: ToWorker) => worker?.postMessage(m);

export const useModel = create<ModelStore>((set, get) => ({
  info: LOADING_INFO,
  progress: null,
  losses: [],
  recommendations: [],
  attention: null,
  path: null,
  understanding: null,
  understandingProgress: null,
  budgetSeconds: typeof localStorage === 'undefined' ? APP_TRAINING.defaultBudgetSeconds : pref.budget,
  skipped: [],

  start() {
    if (worker) return;
    worker = new Worker(new URL('../../worker/entry.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (ev: MessageEvent<FromWorker>) => {
      const m = ev.data;
      switch (m.type) {
        case 'info':
          // A broken model's recommendations, attention and path are not shown, not even the previous ones.
          set(m.info.state === 'broken' ? { info: m.info, recommendations: [], attention: null, path: null } : { info: m.info });
          break;
        case 'progress': {
          const p = m.progress;
          let losses = get().progress && get().progress!.phase === p.phase && p.step >= get().progress!.step ? get().losses : [];
          if (Number.isFinite(p.loss) && (losses.length === 0 || losses[losses.length - 1][0] < p.step)) losses = [...losses, [p.step, p.loss]];
          if (losses.length > MAX_POINTS) losses = losses.filter((_, i) => i % 2 === 0 || i === losses.length - 1);
          set({ progress: p, losses });
          break;
        }
        case 'recommendations':
          set({ recommendations: m.recommendations, attention: m.attention });
          break;
        case 'path':
          set({ path: { minutes: m.minutes, steps: m.steps, starter: m.starter, reviews: m.reviews } });
          break;
        case 'understanding':
          set({ understanding: m.view });
          break;
        case 'understanding-progress':
          set({ understandingProgress: { step: m.step, steps: m.steps } });
          break;
        case 'notice':
          useStore.getState().say({ kind: m.kind, text: m.text });
          break;
      }
    };
    worker.onerror = (e) => useStore.getState().say({ kind: 'error', text: `The model worker could not start: ${e.message}` });
    send({ type: 'init', prefer: pref.compute, budgetMs: get().budgetSeconds * 1000, autoTrain: true, epochs: pref.epochs });
    send({ type: 'plan', minutes: lastMinutes, skip: [], now: new Date().toISOString() });
  },
  train() {
    set({ losses: [], progress: null });
    send({ type: 'train', budgetMs: get().budgetSeconds * 1000 });
  },
  pause: () => send({ type: 'pause' }),
  resume: () => send({ type: 'resume' }),
  cancel: () => send({ type: 'cancel' }),
  cancelUnderstanding: () => send({ type: 'cancel-understanding' }),
  setBudget(seconds) {
    pref.budget = seconds;
    set({ budgetSeconds: seconds });
  },
  plan(minutes) {
    lastMinutes = minutes;
    send({ type: 'plan', minutes, skip: get().skipped, now: new Date().toISOString() });
  },
  skip(readingId) {
    const skipped = [...get().skipped, readingId];
    set({ skipped });
    send({ type: 'plan', minutes: lastMinutes, skip: skipped, now: new Date().toISOString() });
  },
}));
