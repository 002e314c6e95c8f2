/**
 * The CSAT block of /tickets/stats, from two grouped counts over one window of resolution times:
 * the ratings of those resolutions (count and score sum, by the agent and queue the rating was
 * about) and the resolutions themselves (by the ticket's agent and queue). Pure: the rows come in,
 * the summary goes out.
 */

/** One group of a grouped count: all (`overall`), one agent, or one queue (`id` null: none). */
export interface CsatGroupRow {
  group: 'overall' | 'agent' | 'queue';
  id: number | null;
  name: string | null;
  count: number;
  /** Ratings only: the sum of their scores. */
  score_sum?: number;
}

export interface CsatFigures {
  /** Mean score (1–5) of the ratings, two decimals; null without ratings. */
  average: number | null;
  /** Ratings given to resolutions in the window. */
  responses: number;
  /** Resolutions in the window (a ticket resolved, reopened and resolved again counts twice). */
  resolved: number;
  /** responses / resolved, three decimals; null without resolutions. */
  response_rate: number | null;
}

export interface CsatSummary extends CsatFigures {
  by_agent: (CsatFigures & { agent_id: number | null; name: string | null })[];
  by_queue: (CsatFigures & { queue_id: number | null; name: string | null })[];
}

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

function figures(rated: CsatGroupRow | undefined, resolved: CsatGroupRow | undefined): CsatFigures {
  const responses = rated?.count ?? 0;
  const resolutions = resolved?.count ?? 0;
  return {
    average: responses === 0 ? null : round((rated?.score_sum ?? 0) / responses, 2),
    responses,
    resolved: resolutions,
    response_rate: resolutions === 0 ? null : round(responses / resolutions, 3),
  };
}

/** Groups of one kind from both counts, matched by id, ordered by id (none last). */
function groups(kind: 'agent' | 'queue', ratings: CsatGroupRow[], resolutions: CsatGroupRow[]) {
  const rated = new Map(ratings.filter((r) => r.group === kind).map((r) => [r.id, r]));
  const resolved = new Map(resolutions.filter((r) => r.group === kind).map((r) => [r.id, r]));
  const ids = [...new Set([...rated.keys(), ...resolved.keys()])].sort((a, b) => (a ?? Infinity) - (b ?? Infinity));
  return ids.map((id) => ({ id, name: rated.get(id)?.name ?? resolved.get(id)?.name ?? null, ...figures(rated.get(id), resolved.get(id)) }));
}

export function csatSummary(ratings: CsatGroupRow[], resolutions: CsatGroupRow[]): CsatSummary {
  const overall = (rows: CsatGroupRow[]) => rows.find((r) => r.group === 'overall');
  return {
    ...figures(overall(ratings), overall(resolutions)),
    by_agent: groups('agent', ratings, resolutions).map(({ id, ...rest }) => ({ agent_id: id, ...rest })),
    by_queue: groups('queue', ratings, resolutions).map(({ id, ...rest }) => ({ queue_id: id, ...rest })),
  };
}
