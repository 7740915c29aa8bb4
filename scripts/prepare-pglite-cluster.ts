// `npm install`'s postinstall: runs PGlite's initdb once and keeps the empty
// cluster, so that no new database runs it again (src/db/pglite-cluster.ts).
// It must never fail an install — package.json runs it with `|| exit 0`, for
// what no catch sees (a process killed for memory) — and a failure costs only
// speed: new databases then run initdb themselves.
try {
  const { prepareEmptyCluster } = await import('../src/db/pglite-cluster.js');
  const file = await prepareEmptyCluster();
  console.log(`gridgraph: prepared PGlite's empty cluster (${file}) for new embedded databases`);
} catch (error) {
  console.warn(`gridgraph: could not prepare PGlite's empty cluster (${error instanceof Error ? error.message : error}); new embedded databases will run initdb`);
}
