import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphContext } from '../graph/context.js';

/**
 * Says which values of an answer are the last sync's copies rather than live
 * reads (a shared field whose sources were down): `extensions.syncedValues`,
 * each with the field's path, the source and when it was synced. Provenance in
 * the answer, where a client can show it ("as of …"), without a schema change.
 */
export function syncedValuesPlugin(): ApolloServerPlugin<GraphContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response }) {
          if (response.body.kind !== 'single' || contextValue.syncedValues === undefined || contextValue.syncedValues.length === 0) return;
          const result = response.body.singleResult;
          // Only values the answer still carries (an access refusal or a withheld answer may have nulled them).
          const shown = contextValue.syncedValues.filter(({ path }) => valueAt(result.data, path) != null);
          if (shown.length > 0) result.extensions = { ...result.extensions, syncedValues: shown };
        },
      };
    },
  };
}

function valueAt(data: unknown, path: readonly (string | number)[]): unknown {
  let current = data;
  for (const step of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[step];
  }
  return current;
}
