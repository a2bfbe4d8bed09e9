/** Reading titles by id, and "Because you studied …" (attention as percentages), shared by the Today section's lists. */
import { useMemo } from 'react';
import { useStore } from '../studyStore';
import type { Because } from '../../worker/protocol';

export function useTitles(): (id: string) => string {
  const readings = useStore((s) => s.readings);
  const map = useMemo(() => new Map(readings.map((r) => [r.id, r.title])), [readings]);
  return (id) => map.get(id) ?? '(a deleted reading)';
}

/** "Because you studied A 41%, B 22%, and earlier sessions 37%"; a step of this path not yet studied is marked "(planned)". */
export function BecauseText({ because }: { because: Because[] }) {
  const title = useTitles();
  if (because.length === 0) return <p className="because">No history yet to explain it with.</p>;
  return (
    <p className="because" data-testid="because">
      Because you studied{' '}
      {because.map((b, i) => (
        <span key={`${b.readingId}-${i}`}>
          {i > 0 && (i === because.length - 1 ? ' and ' : ', ')}
          {b.readingId === '' ? 'earlier sessions' : <cite>{title(b.readingId)}</cite>}
          {b.planned && ' (planned)'} <span data-testid="because-percent">{b.percent}%</span>
        </span>
      ))}
    </p>
  );
}
