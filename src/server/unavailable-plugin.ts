import type { ApolloServerPlugin } from '@apollo/server';
import { HUB_UNAVAILABLE } from '../errors/database-unavailable.js';

/**
 * HTTP 503 for an answer that carries nothing because the hub database did not
 * answer: every error is "the hub database is unavailable" and no root field
 * has a value. A load balancer or client can then retry elsewhere or later;
 * an answer with any data, or with any other error, keeps 200.
 */
export function unavailablePlugin(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          const { data, errors } = response.body.singleResult;
          if (errors === undefined || errors.length === 0) return;
          if (!errors.every((error) => error.extensions?.reason === HUB_UNAVAILABLE)) return;
          if (data != null && Object.values(data).some((value) => value != null)) return;
          response.http.status = 503;
          response.http.headers.set('retry-after', '5');
        },
      };
    },
  };
}
