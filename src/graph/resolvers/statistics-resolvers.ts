import type { Resolvers } from '../generated/resolvers-types.js';
import { areaStatistics } from '../../statistics/area-statistics.js';
import { areaInScope, areaOfGrid, areaOfRegion, type StatisticsArea } from '../../statistics/statistics-area.js';
import { stabilityIndex } from '../../statistics/stability-index.js';
import type { GraphContext } from '../context.js';
import type { FeedContext } from '../../statistics/event-feed.js';
import { ErrorCode } from '../../errors/error-code.js';
import { GridgraphError } from '../../errors/gridgraph-error.js';

/** An area's monthly figures, or null when the area is not wholly inside the caller's (the same as one that does not exist). */
async function statisticsOf(area: StatisticsArea | undefined, from: string, to: string, { db, connectors, access }: GraphContext) {
  if (area === undefined || !areaInScope(access.viewer.scope, area)) return null;
  return areaStatistics(db, connectors, area, from, to);
}

/** The command centre (issue 21): statistics on regions and grids, the stability index. The feed lives in src/server/event-feed-server.ts. */
export const statisticsResolvers: Resolvers = {
  Region: {
    statistics: (region, { from, to }, context) => statisticsOf(areaOfRegion(region), from, to, context) as never,
    stabilityIndex: async (region, { month }, context) => {
      if (region.level !== 'STREET' && region.level !== 'DISTRICT') return null;
      const [figures] = (await statisticsOf(areaOfRegion(region), month, month, context)) ?? [];
      return figures === undefined ? null : stabilityIndex(region.code, month, figures.raw);
    },
  },
  Grid: {
    statistics: (grid, { from, to }, context) => statisticsOf(areaOfGrid(grid), from, to, context) as never,
  },
  Subscription: {
    eventChanged: {
      subscribe: async (_: unknown, __: unknown, context: GraphContext) => {
        const feed = (context as GraphContext & FeedContext).eventFeed;
        if (feed === undefined) throw new GridgraphError(ErrorCode.BAD_USER_INPUT, 'subscriptions are served over WebSocket (graphql-transport-ws) at /graphql');
        return feed.subscribe(context.access.viewer.scope);
      },
    } as never,
  },
};
