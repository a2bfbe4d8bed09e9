/** The Web Locks that tell a focus-session draft held by a live timer (in any tab) from one left behind. */

/** The Web Lock a mounted focus timer holds for its draft, so that another tab does not offer to resume it. */
export const draftLockName = (id: string) => `studypath-focus-${id}`;

/** Draft ids whose lock a live timer (in any tab of this origin) holds or waits for. */
export async function liveDraftIds(): Promise<Set<string>> {
  const locks = globalThis.navigator?.locks;
  if (!locks) return new Set();
  const { held = [], pending = [] } = await locks.query();
  const prefix = draftLockName('');
  return new Set(
    [...held, ...pending]
      .map((l) => l.name ?? '')
      .filter((n) => n.startsWith(prefix))
      .map((n) => n.slice(prefix.length)),
  );
}
