/**
 * One trainer across tabs. Every tab runs its own worker on the one
 * IndexedDB; the worker that holds the trainer lock trains and writes
 * checkpoints, the others show its model read-only and wait for the lock.
 * The browser's Web Locks API provides it: a lock is let go when its worker
 * ends (the tab closes or reloads), and the next waiting worker gets it.
 */

export interface TrainerLock {
  /** True when this worker now holds the lock; false at once when another one holds it. */
  tryAcquire(): Promise<boolean>;
  /** Resolves once this worker holds the lock (after the holder lets go). */
  acquire(): Promise<void>;
}

const TRAINER_LOCK = 'studypath-trainer';

/** The lock on the Web Locks API; held until the worker ends. */
export function webLock(locks: LockManager, name = TRAINER_LOCK): TrainerLock {
  const forever = () => new Promise<never>(() => {});
  return {
    tryAcquire: () =>
      new Promise<boolean>((resolve, reject) => {
        locks
          .request(name, { ifAvailable: true }, (lock) => {
            resolve(lock !== null);
            return lock ? forever() : undefined;
          })
          .catch(reject);
      }),
    acquire: () =>
      new Promise<void>((resolve, reject) => {
        locks
          .request(name, () => {
            resolve();
            return forever();
          })
          .catch(reject);
      }),
  };
}
