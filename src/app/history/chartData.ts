import type { Reading, StudySession } from '../../data/types';
import { compareDates, weekStart } from '../../data/dates';

/** Topics drawn in their own colour; the rest are summed as "other". */
export const TOPIC_COLOURS = ['#3b6fd8', '#c2621a', '#2f8a55', '#8e3fb0', '#c4394f', '#6b7520', '#23787a'];

interface WeekTopic {
  minutes: number;
  /** The minutes-weighted mean focus (1–5) of the topic's sessions that week, or null when it had none. */
  focus: number | null;
}

export interface ChartData {
  /** Mondays (YYYY-MM-DD), oldest first. */
  weeks: string[];
  /** The most-studied topics (by minutes, most first), then "other" when any topic is left out. */
  topics: string[];
  /** cells[week][topic]. */
  cells: WeekTopic[][];
}

/**
 * Minutes and focus per topic per week. A session counts for its reading's first topic ("untagged" without one);
 * focus is weighted by minutes, so a long session counts for more than a short one.
 */
export function chartData(sessions: StudySession[], readings: Reading[]): ChartData {
  const topicOf = new Map(readings.map((r) => [r.id, r.topics[0] ?? 'untagged']));
  const topic = (s: StudySession) => topicOf.get(s.readingId) ?? 'untagged';
  // Sessions reach here validated (years 1900 to 2200), so every one has a week; weekStart cannot throw either way.
  const week = (s: StudySession) => weekStart(s.start) ?? s.start.slice(0, 10);
  const totals = new Map<string, number>();
  for (const s of sessions) totals.set(topic(s), (totals.get(topic(s)) ?? 0) + s.activeMinutes);
  const ranked = [...totals.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([t]) => t);
  const named = ranked.length > TOPIC_COLOURS.length ? ranked.slice(0, TOPIC_COLOURS.length - 1) : ranked;
  const topics = named.length < ranked.length ? [...named, 'other'] : named;
  const column = (s: StudySession) => (named.includes(topic(s)) ? named.indexOf(topic(s)) : topics.length - 1);
  const weeks = [...new Set(sessions.map(week))].sort(compareDates);
  const sums = weeks.map(() => topics.map(() => ({ minutes: 0, focusMinutes: 0 })));
  for (const s of sessions) {
    const cell = sums[weeks.indexOf(week(s))][column(s)];
    cell.minutes += s.activeMinutes;
    cell.focusMinutes += s.focus * s.activeMinutes;
  }
  const cells = sums.map((row) => row.map((c) => ({ minutes: c.minutes, focus: c.minutes > 0 ? c.focusMinutes / c.minutes : null })));
  return { weeks, topics, cells };
}
