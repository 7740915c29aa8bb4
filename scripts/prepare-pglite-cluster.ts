// `npm install`'s postinstall: runs PGlite's initdb once and keeps the empty
// cluster, so that no new database runs it again (src/db/pglite-cluster.ts).
// A failure here costs only speed: new databases then run initdb themselves.
import { prepareEmptyCluster } from '../src/db/pglite-cluster.js';

try {
  const file = await prepareEmptyCluster();
  console.log(`gridgraph: prepared PGlite's empty cluster (${file}) for new embedded databases`);
} catch (error) {
  console.warn(`gridgraph: could not prepare PGlite's empty cluster (${error instanceof Error ? error.message : error}); new embedded databases will run initdb`);
}
