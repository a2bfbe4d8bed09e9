/** The ratings every study session asks for, shared by the timer, manual entry and the correction form. */
export function RatingFields({ initial }: { initial?: { focus: number; understanding: number | null; notes: string } }) {
  return (
    <>
      <label>
        Focus (1–5){' '}
        <select name="focus" defaultValue={String(initial?.focus ?? 3)}>
          {[1, 2, 3, 4, 5].map((v) => (
            <option key={v} value={v}>
              {v}
            </option>
          ))}
        </select>
      </label>
      <label>
        Understanding (0–100) <input name="understanding" type="number" min={0} max={100} defaultValue={initial?.understanding ?? ''} />
      </label>
      <label>
        Notes <textarea name="notes" rows={2} defaultValue={initial?.notes ?? ''} />
      </label>
    </>
  );
}

/** The values of RatingFields in a submitted form. */
export function ratingsFrom(f: FormData): { focus: number; understanding: number | null; notes: string } {
  const understanding = String(f.get('understanding') ?? '').trim();
  return { focus: Number(f.get('focus')), understanding: understanding === '' ? null : Number(understanding), notes: String(f.get('notes') ?? '') };
}
