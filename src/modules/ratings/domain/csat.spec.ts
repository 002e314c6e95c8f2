import { type CsatGroupRow, csatSummary } from '#src/modules/ratings/domain/csat.js';

const rated = (group: CsatGroupRow['group'], id: number | null, count: number, scoreSum: number, name: string | null = null): CsatGroupRow => ({
  group,
  id,
  name,
  count,
  score_sum: scoreSum,
});
const resolved = (group: CsatGroupRow['group'], id: number | null, count: number, name: string | null = null): CsatGroupRow => ({ group, id, name, count });

describe('csatSummary', () => {
  it('is all zeroes and nulls for an empty window', () => {
    expect(csatSummary([], [])).toEqual({ average: null, responses: 0, resolved: 0, response_rate: null, by_agent: [], by_queue: [] });
  });

  it.each([
    // [ratings, score sum, resolutions] -> average, response rate
    [1, 5, 1, 5, 1],
    [3, 13, 4, 4.33, 0.75],
    [2, 3, 3, 1.5, 0.667],
    [0, 0, 5, null, 0],
    [1, 4, 0, 4, null], // rated, but its resolution fell outside what was counted
  ])('%i ratings summing %i over %i resolutions: average %s, rate %s', (count, sum, resolutions, average, rate) => {
    const summary = csatSummary(count ? [rated('overall', null, count, sum)] : [], resolutions ? [resolved('overall', null, resolutions)] : []);
    expect(summary).toMatchObject({ average, responses: count, resolved: resolutions, response_rate: rate });
  });

  it('matches agents and queues by id across both counts, ordered by id with none last', () => {
    const summary = csatSummary(
      [rated('overall', null, 3, 12), rated('agent', 7, 2, 9, 'Alex'), rated('agent', null, 1, 3), rated('queue', 2, 3, 12, 'Billing')],
      [resolved('overall', null, 5), resolved('agent', 7, 3, 'Alex'), resolved('agent', 3, 2, 'Sam'), resolved('queue', 2, 4, 'Billing'), resolved('queue', null, 1)],
    );
    expect(summary.by_agent).toEqual([
      { agent_id: 3, name: 'Sam', average: null, responses: 0, resolved: 2, response_rate: 0 },
      { agent_id: 7, name: 'Alex', average: 4.5, responses: 2, resolved: 3, response_rate: 0.667 },
      { agent_id: null, name: null, average: 3, responses: 1, resolved: 0, response_rate: null },
    ]);
    expect(summary.by_queue).toEqual([
      { queue_id: 2, name: 'Billing', average: 4, responses: 3, resolved: 4, response_rate: 0.75 },
      { queue_id: null, name: null, average: null, responses: 0, resolved: 1, response_rate: 0 },
    ]);
    expect(summary).toMatchObject({ average: 4, responses: 3, resolved: 5, response_rate: 0.6 });
  });
});
