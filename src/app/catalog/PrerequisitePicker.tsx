import { useId, useRef, useState, type KeyboardEvent } from 'react';
import type { Reading } from '../../data/types';
import { cycleMessage, findCycle } from '../../data/prerequisites';

const MAX_MATCHES = 8;

/**
 * The readings one reading builds on, picked by searching titles: a combobox whose list is moved
 * through with the arrow keys and picked from with Enter (or a click); Escape closes it. A pick
 * that would close a cycle is refused with a message naming it; the repository refuses one too.
 */
export function PrerequisitePicker(props: { readingId: string; title: string; readings: Reading[]; value: string[]; onChange: (ids: string[]) => void }) {
  const { readingId, readings, value, onChange } = props;
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const listId = useId();
  const titleOf = (id: string) => (id === readingId ? props.title || 'this reading' : readings.find((r) => r.id === id)?.title);
  const q = query.trim().toLowerCase();
  const matches =
    q === ''
      ? []
      : readings
          .filter((r) => r.id !== readingId && !value.includes(r.id) && r.status !== 'hidden' && r.title.toLowerCase().includes(q))
          .sort((a, b) => a.title.localeCompare(b.title))
          .slice(0, MAX_MATCHES);
  const open = matches.length > 0;

  const pick = (r: Reading) => {
    const cycle = findCycle(readings, readingId, [...value, r.id]);
    if (cycle) {
      setError(`Not added: ${cycleMessage(cycle, titleOf)}.`);
      return;
    }
    setError(null);
    onChange([...value, r.id]);
    setQuery('');
    setActive(0);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown' && open) setActive((a) => (a + 1) % matches.length);
    else if (e.key === 'ArrowUp' && open) setActive((a) => (a - 1 + matches.length) % matches.length);
    else if (e.key === 'Enter' && open) pick(matches[Math.min(active, matches.length - 1)]);
    else if (e.key === 'Escape' && query !== '') setQuery('');
    else return;
    e.preventDefault(); // Enter picks here, it does not submit the form
  };

  return (
    <fieldset>
      <legend>Prerequisites (readings this one builds on)</legend>
      {value.length === 0 ? (
        <p className="muted">None.</p>
      ) : (
        <ul aria-label="Chosen prerequisites">
          {value.map((id) => (
            <li key={id}>
              {titleOf(id) ?? id}{' '}
              <button
                type="button"
                aria-label={`Remove prerequisite ${titleOf(id) ?? id}`}
                onClick={() => {
                  onChange(value.filter((p) => p !== id));
                  input.current?.focus();
                }}
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
      <label>
        Add a prerequisite{' '}
        <input
          ref={input}
          role="combobox"
          aria-expanded={open}
          aria-controls={listId}
          aria-autocomplete="list"
          aria-activedescendant={open ? `${listId}-${Math.min(active, matches.length - 1)}` : undefined}
          placeholder="Search by title"
          value={query}
          onChange={(e) => {
            setQuery(e.target.value);
            setActive(0);
            setError(null);
          }}
          onKeyDown={onKeyDown}
        />
      </label>
      <ul role="listbox" id={listId} aria-label="Matching readings" hidden={!open}>
        {matches.map((r, i) => (
          <li
            key={r.id}
            id={`${listId}-${i}`}
            role="option"
            aria-selected={i === active}
            className={i === active ? 'active' : undefined}
            onMouseDown={(e) => e.preventDefault()} // the input keeps focus
            onClick={() => pick(r)}
          >
            {r.title}
          </li>
        ))}
      </ul>
      {error && (
        <p role="alert" className="notice error">
          {error}
        </p>
      )}
    </fieldset>
  );
}
