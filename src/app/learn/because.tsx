/**
 * Reading titles by id, and "Because you studied A 41 %, B 22 %; lowered by C 12 %" (leave-one-out shares
 * of the history's effect on the score, recommend/effects.ts), shared by the Today section's lists. Reasons
 * are given only when the model beats the popularity baseline on validation (eval/validation.ts
 * explanationGate); otherwise the list says why there are none.
 */
import { useMemo } from 'react';
import { useStore } from '../studyStore';
import { useModel } from './modelStore';
import { explanationGate, type ExplanationGate } from '../../eval/validation';
import type { Because } from '../../worker/protocol';

export function useTitles(): (id: string) => string {
  const readings = useStore((s) => s.readings);
  const map = useMemo(() => new Map(readings.map((r) => [r.id, r.title])), [readings]);
  return (id) => map.get(id) ?? '(a deleted reading)';
}

/** "A 41 %, B 22 % and C 9 %"; a step of this path not yet studied is marked "(planned)". */
function Causes({ causes, title }: { causes: Because[]; title: (id: string) => string }) {
  return causes.map((b, i) => (
    <span key={b.readingId}>
      {i > 0 && (i === causes.length - 1 ? ' and ' : ', ')}
      <cite>{title(b.readingId)}</cite>
      {b.planned && ' (planned)'}{' '}
      <span data-testid="because-percent" data-effect={b.lowered ? 'lowered' : 'raised'}>
        {b.percent} %
      </span>
    </span>
  ));
}

const GATE_TEXT = {
  'too-little': 'No reasons yet: too little history to tell whether the model beats suggesting the most-read readings.',
  'not-better': 'No reasons given: on your held-out sessions the model does not beat suggesting the most-read readings (see Your model).',
};

/** The sessions that raised this score most and any that lowered it, as shares of the history's whole effect on it. */
export function BecauseText({ because }: { because: Because[] }) {
  const title = useTitles();
  const gate = explanationGate(useModel((s) => s.info.validation));
  return <BecauseLine because={because} gate={gate} title={title} />;
}

/** BecauseText's words for a given gate and titles (no stores: rendered as is by the tests). */
export function BecauseLine({ because, gate, title }: { because: Because[]; gate: ExplanationGate; title: (id: string) => string }) {
  if (gate !== 'explain')
    return (
      <p className="because" data-testid="because-gate">
        {GATE_TEXT[gate]}
      </p>
    );
  if (because.length === 0) return <p className="because">Nothing in your history changes this score measurably.</p>;
  const raised = because.filter((b) => !b.lowered);
  const lowered = because.filter((b) => b.lowered);
  return (
    <p className="because" data-testid="because">
      {raised.length > 0 ? (
        <>
          Because you studied <Causes causes={raised} title={title} />
        </>
      ) : (
        'Nothing you studied raised it'
      )}
      {lowered.length > 0 && (
        <>
          ; lowered by <Causes causes={lowered} title={title} />
        </>
      )}
      .
    </p>
  );
}
