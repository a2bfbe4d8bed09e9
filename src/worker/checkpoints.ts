/**
 * The model's checkpoint slots in IndexedDB and what each checkpoint says about itself: the model the app
 * shows (MODEL_ID) and the one a retrain writes beside it (NEXT_ID), promoted only when the retrain finishes.
 */
import type { Repo } from '../data/repo';
import type { CheckpointRecord } from '../data/types';
import type { TrainingData } from '../train/learnerData';
import { metricsFromRanks, type ValidationRanks } from '../train/metrics';

/** The model the app shows and a reload restores. */
export const MODEL_ID = 'model';
/** Where a retrain writes its epochs while a model exists: promoted to MODEL_ID only when the run finishes. */
export const NEXT_ID = 'model-next';

export interface CheckpointMeta {
  vocab: string[];
  items: number;
  dataKey: string;
  steps: number;
  valHr10: number | null;
  valCases: number;
  /** The checkpoint's validation, event by event (absent from checkpoints written before issue 13). */
  validation?: ValidationRanks | null;
  backend: string;
  [key: string]: unknown;
}

/** The saved model with its meta, when there is one whose meta names its vocabulary and size; null otherwise. */
export async function savedModel(repo: Repo): Promise<{ ckpt: CheckpointRecord; meta: CheckpointMeta } | null> {
  const ckpt = await repo.checkpoint(MODEL_ID);
  const meta = ckpt?.meta as CheckpointMeta | undefined;
  return ckpt && meta && Array.isArray(meta.vocab) && typeof meta.items === 'number' ? { ckpt, meta } : null;
}

/** Saves the checkpoint in slot `id` and returns its time. */
export async function saveCheckpoint(
  repo: Repo,
  id: string,
  blob: Uint8Array,
  data: TrainingData,
  steps: number,
  validation: ValidationRanks | null,
  backend: string,
): Promise<string> {
  const valHr10 = validation && validation.model.length > 0 ? metricsFromRanks(validation.model).hr10 : null;
  const valCases = validation?.model.length ?? 0;
  const meta: CheckpointMeta = { vocab: data.vocab.readingOf, items: data.cfg.items, dataKey: data.dataKey, steps, valHr10, valCases, validation, backend };
  const createdAt = new Date().toISOString();
  await repo.saveCheckpoint({ id, createdAt, blob, meta });
  return createdAt;
}

/** A retrain that finished: its checkpoint becomes the model, in one transaction. */
export const promoteNext = (repo: Repo): Promise<void> => repo.promoteCheckpoint(NEXT_ID, MODEL_ID);

/** A retrain that did not finish: its checkpoint is dropped. */
export const dropNext = (repo: Repo): Promise<void> => repo.deleteCheckpoint(NEXT_ID);
