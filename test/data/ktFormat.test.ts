/** The knowledge-tracing three-line format: good files, and bad lines named with file and line. */
import { describe, expect, it } from 'vitest';
import { parseKtFile } from '../../src/data/ktFormat';

describe('parseKtFile', () => {
  it('reads learners, with blank lines, CRLF and trailing commas', () => {
    const text = '3\r\n1,2,1\r\n0,1,1\r\n\n2\n7,7,\n1,0,\n';
    expect(parseKtFile(text, 'f.csv')).toEqual([
      { skills: [1, 2, 1], correct: [0, 1, 1] },
      { skills: [7, 7], correct: [1, 0] },
    ]);
  });

  const bad: [string, string, RegExp][] = [
    ['a count that is not a number', '2\n1,2\n0,1\nx\n1\n1\n', /f\.csv, line 4: expected the number of attempts/],
    ['a zero count', '0\n\n\n', /f\.csv, line 1: expected the number of attempts/],
    ['fewer skills than the count', '3\n1,2\n0,1,1\n', /f\.csv, line 2: 2 skill ids, but line 1 says 3 attempts/],
    ['more outcomes than the count', '1\n5\n0,1\n', /f\.csv, line 3: 2 outcomes, but line 1 says 1 attempts/],
    ['an outcome of 2', '2\n1,2\n0,2\n', /f\.csv, line 3, attempt 2: outcome "2" is not 0 or 1/],
    ['a skill id of 0', '2\n1,2\n1,1\n2\n0,3\n1,1\n', /f\.csv, line 5, attempt 1: skill id "0" is not a positive integer/],
    ['a fractional skill id', '1\n1.5\n1\n', /f\.csv, line 2, attempt 1: skill id "1.5"/],
    ['a learner cut short', '2\n1,2\n0,1\n2\n1,2\n', /f\.csv, line 4: a learner's three lines are incomplete/],
  ];
  for (const [what, text, want] of bad) {
    it(`refuses ${what}, naming the file and line`, () => {
      expect(() => parseKtFile(text, 'f.csv')).toThrow(want);
    });
  }
});
