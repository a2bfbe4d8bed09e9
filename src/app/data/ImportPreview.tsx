import { useEffect, useRef } from 'react';
import { planSummary, useImport } from './importStore';
import type { ImportPlan } from '../../data/importPlan';

/** Refusals shown at once; the rest are counted. */
const SHOWN = 50;

/** What a reference import would do, before anything is written: the learner confirms or cancels. */
export function ImportPreview({ plan }: { plan: ImportPlan }) {
  const { confirm, cancel } = useImport();
  const first = useRef<HTMLButtonElement>(null);
  useEffect(() => first.current?.focus(), []);
  const writes = plan.added.length + plan.merged.length > 0;
  return (
    <div role="alertdialog" aria-labelledby="import-title" aria-describedby="import-what" className="card">
      <h3 id="import-title">Import {plan.file}?</h3>
      <div id="import-what">
        <p>{planSummary(plan)}.</p>
        {plan.merged.length > 0 && <p>Readings already there keep their status, sessions and links; they gain only the fields they lack.</p>}
        {plan.refused.length > 0 && (
          <>
            <p>Refused (not imported):</p>
            <ul aria-label="Refused records">
              {plan.refused.slice(0, SHOWN).map((m, i) => (
                <li key={i}>{m}</li>
              ))}
              {plan.refused.length > SHOWN && <li>… and {plan.refused.length - SHOWN} more.</li>}
            </ul>
          </>
        )}
        {writes ? <p>Undo takes the import back.</p> : <p>Nothing would change.</p>}
      </div>
      <div className="row">
        {writes && (
          <button type="button" ref={first} onClick={() => void confirm()}>
            Import {plan.added.length} new{plan.merged.length ? `, merge ${plan.merged.length}` : ''}
          </button>
        )}
        <button type="button" ref={writes ? undefined : first} onClick={cancel}>
          {writes ? 'Cancel' : 'Close'}
        </button>
      </div>
    </div>
  );
}

/** A long file's parsing, with its progress and a way to stop it. */
export function ImportProgress({ name, done, total }: { name: string; done: number; total: number }) {
  const { cancel } = useImport();
  return (
    <div className="card">
      <label>
        Reading {name}… <progress max={Math.max(1, total)} value={done} />
      </label>{' '}
      <button type="button" onClick={cancel}>
        Stop
      </button>
    </div>
  );
}
