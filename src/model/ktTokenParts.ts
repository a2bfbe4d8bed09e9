/**
 * Factorised token embeddings for the knowledge-tracing model (issue 17).
 *
 * A token is a skill together with factors of the learner's history on it
 * (train/ktSkillHistory.ts: the last outcomes, the run it is in, ...):
 * token = skill + skills * (f0 + n0 * (f1 + ...)). With a joint table alone
 * every combination needs its own row learnt from its own attempts, so deeper
 * histories go sparse. With parts, a token's embedding is the sum of a row per
 * part, shared by every token with that skill or that factor value, plus
 * (optionally) its own joint row:
 *
 *   E[t] = joint[t] + skillPart[skill] + factor0Part[f0] + factor1Part[f1] + ...
 *
 * and an interaction (token t, outcome o) sums the same parts of table o.
 * Both tables are parameters laid out as [joint rows | part rows], and E is
 * composed on the GPU by segment_sum (dst token row <- its part rows); its
 * gradient goes back by the transposed segments (part row <- the token rows
 * that use it). Both lists are fixed by the config, built once here.
 */
import { buildSegments, type SegmentList } from '../kernels/segments';
import { checkKtTokenParts, type KtConfig, type KtTokenParts } from './config';

/** Shared part rows of one table (one block per outcome for interactions): skills + the factors' sizes. */
const partRowCount = (p: KtTokenParts | undefined): number => (p ? p.factors.reduce((a, n) => a + n, p.skills) : 0);

/** Rows of the skill_emb parameter: a row per token (0 is padding), then the shared part rows, if any. */
export const queryParamRows = (cfg: KtConfig): number => cfg.skills + 1 + partRowCount(cfg.tokenParts);

/** Rows of the inter_emb parameter: a row per interaction (0 is none), then a block of part rows per outcome, if any. */
export const interactionParamRows = (cfg: KtConfig): number => 2 * cfg.skills + 1 + 2 * partRowCount(cfg.tokenParts);

/** The skill and factor values of token 1..skills * n0 * n1 * ... */
export function tokenPartsOf(token: number, p: KtTokenParts): { skill: number; factors: number[] } {
  let rest = Math.floor((token - 1) / p.skills);
  const factors = p.factors.map((n) => {
    const f = rest % n;
    rest = Math.floor(rest / n);
    return f;
  });
  return { skill: ((token - 1) % p.skills) + 1, factors };
}

/** Rows of a table's part block (relative to its start) that token `token` sums: its skill's, then each factor value's. */
function partRows(token: number, p: KtTokenParts): number[] {
  const { skill, factors } = tokenPartsOf(token, p);
  const rows = [skill - 1];
  let at = p.skills;
  p.factors.forEach((n, i) => {
    rows.push(at + factors[i]);
    at += n;
  });
  return rows;
}

/** How a table is composed from its parameter rows, and how its gradient goes back. */
export interface TableParts {
  /** Rows of the composed table (tokens + 1, or interactions + 1; row 0 is padding and stays zero). */
  tableRows: number;
  /** Rows of the parameter: [joint rows (tableRows) | part rows]. */
  paramRows: number;
  /** Table row <- parameter rows. */
  compose: SegmentList;
  /** Parameter row <- table rows. */
  decompose: SegmentList;
}

function tableParts(tableRows: number, paramRows: number, pairs: [number, number][]): TableParts {
  const compose = buildSegments(
    pairs.map(([t]) => t),
    pairs.map(([, r]) => r),
    null,
    tableRows,
  );
  const decompose = buildSegments(
    pairs.map(([, r]) => r),
    pairs.map(([t]) => t),
    null,
    paramRows,
  );
  return { tableRows, paramRows, compose, decompose };
}

/** The config's token parts, checked; an error if it has none. */
function partsOf(cfg: KtConfig): KtTokenParts {
  if (!cfg.tokenParts) throw new Error('kt token parts: the config has none');
  checkKtTokenParts(cfg);
  return cfg.tokenParts;
}

/** The query table (skill_emb): token t sums joint row t and its parts. */
export function queryTableParts(cfg: KtConfig): TableParts {
  const p = partsOf(cfg);
  const V = cfg.skills;
  const pairs: [number, number][] = [];
  for (let t = 1; t <= V; t++) {
    if (p.joint) pairs.push([t, t]);
    for (const r of partRows(t, p)) pairs.push([t, V + 1 + r]);
  }
  return tableParts(V + 1, queryParamRows(cfg), pairs);
}

/** The key/value table (inter_emb): interaction t + V * o sums joint row t + V * o and the parts of outcome o's block. */
export function interactionTableParts(cfg: KtConfig): TableParts {
  const p = partsOf(cfg);
  const V = cfg.skills;
  const P = partRowCount(p);
  const pairs: [number, number][] = [];
  for (let o = 0; o < 2; o++) {
    for (let t = 1; t <= V; t++) {
      const i = t + V * o;
      if (p.joint) pairs.push([i, i]);
      for (const r of partRows(t, p)) pairs.push([i, 2 * V + 1 + o * P + r]);
    }
  }
  return tableParts(2 * V + 1, interactionParamRows(cfg), pairs);
}
