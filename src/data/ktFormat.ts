/**
 * Knowledge-tracing data in the three-line format of
 * ../shared/datasets/assist2015 (the DKVMN paper's files): per learner, the
 * number of attempts; the comma-separated skill ids attempted, in order; the
 * comma-separated outcomes (1 right, 0 wrong). A malformed line throws,
 * naming the file and the line.
 */

export interface KtLearner {
  /** Skill ids (positive integers), in attempt order. */
  skills: number[];
  /** 1 right, 0 wrong, one per attempt. */
  correct: number[];
}

function fields(line: string): string[] {
  const parts = line.split(',').map((s) => s.trim());
  // some exports end every list with a comma
  if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

/** Parse a whole file. Blank lines between learners are allowed; each learner's three lines must be complete. */
export function parseKtFile(text: string, file: string): KtLearner[] {
  const lines = text.split(/\r?\n/);
  const learners: KtLearner[] = [];
  let i = 0;
  const where = (n: number) => `${file}, line ${n + 1}`;
  while (i < lines.length) {
    if (lines[i].trim() === '') {
      i++;
      continue;
    }
    const countLine = lines[i].trim();
    if (!/^\d+$/.test(countLine) || Number(countLine) < 1)
      throw new Error(`${where(i)}: expected the number of attempts (a positive integer), got "${countLine.slice(0, 40)}"`);
    const n = Number(countLine);
    if (i + 2 >= lines.length || lines[i + 1].trim() === '' || lines[i + 2].trim() === '')
      throw new Error(`${where(i)}: a learner's three lines are incomplete (count, skills, outcomes)`);
    const skills = fields(lines[i + 1]);
    const outcomes = fields(lines[i + 2]);
    if (skills.length !== n) throw new Error(`${where(i + 1)}: ${skills.length} skill ids, but line ${i + 1} says ${n} attempts`);
    if (outcomes.length !== n) throw new Error(`${where(i + 2)}: ${outcomes.length} outcomes, but line ${i + 1} says ${n} attempts`);
    const learner: KtLearner = { skills: new Array<number>(n), correct: new Array<number>(n) };
    for (let k = 0; k < n; k++) {
      const s = skills[k];
      if (!/^\d+$/.test(s) || Number(s) < 1 || !Number.isSafeInteger(Number(s)))
        throw new Error(`${where(i + 1)}, attempt ${k + 1}: skill id "${s.slice(0, 20)}" is not a positive integer`);
      const o = outcomes[k];
      if (o !== '0' && o !== '1') throw new Error(`${where(i + 2)}, attempt ${k + 1}: outcome "${o.slice(0, 20)}" is not 0 or 1`);
      learner.skills[k] = Number(s);
      learner.correct[k] = Number(o);
    }
    learners.push(learner);
    i += 3;
  }
  return learners;
}
