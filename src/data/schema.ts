/** The IndexedDB schema's stores, as the current version has them (db.ts holds the versions and upgrades). */
import type { DBSchema } from 'idb';
import type { CheckpointRecord, FocusDraft, PathPack, Reading, ReviewRecord, Settings, StudySession, TrashEntry } from './types';

export interface StudyDB extends DBSchema {
  readings: { key: string; value: Reading; indexes: { 'by-status': string } };
  sessions: { key: string; value: StudySession; indexes: { 'by-reading': string; 'by-start': string } };
  settings: { key: string; value: Settings };
  checkpoints: { key: string; value: CheckpointRecord };
  pathPacks: { key: string; value: PathPack };
  /** The focus session in progress, one row per session (not part of backups). */
  drafts: { key: string; value: FocusDraft };
  trash: { key: number; value: TrashEntry };
  /** The review log of finished readings (issue 20), in backups. */
  reviews: { key: string; value: ReviewRecord; indexes: { 'by-reading': string } };
}
