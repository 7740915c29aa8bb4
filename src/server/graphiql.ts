import { createRequire } from 'node:module';
import path from 'node:path';
import express, { type Router } from 'express';

const require = createRequire(import.meta.url);

/** A file inside an installed package, whether or not the package exports that path. */
function packageFile(name: string, file: string): string {
  return path.join(path.dirname(require.resolve(`${name}/package.json`)), file);
}

/**
 * GraphiQL served entirely from this package's own dependencies — government
 * networks are often offline, so the page loads nothing from a CDN.
 */
const ASSETS: Record<string, { file: string; type: string }> = {
  'react.js': { file: packageFile('react', 'umd/react.production.min.js'), type: 'text/javascript' },
  'react-dom.js': { file: packageFile('react-dom', 'umd/react-dom.production.min.js'), type: 'text/javascript' },
  'graphiql.js': { file: packageFile('graphiql', 'graphiql.min.js'), type: 'text/javascript' },
  'graphiql.css': { file: packageFile('graphiql', 'graphiql.min.css'), type: 'text/css' },
};

export const GRAPHIQL_ASSET_PATH = '/graphiql';

/** Routes for GraphiQL's scripts and styles, mounted at GRAPHIQL_ASSET_PATH. */
export function graphiqlAssets(): Router {
  const router = express.Router();
  for (const [name, asset] of Object.entries(ASSETS)) {
    router.get(`/${name}`, (_req, res) => {
      res.type(asset.type).set('Cache-Control', 'public, max-age=86400').sendFile(asset.file);
    });
  }
  return router;
}

/** The page a browser gets at the GraphQL URL. The default query shows the place graph. */
export function graphiqlPage(endpoint: string): string {
  const defaultQuery = `# gridgraph. Run this, then follow the graph: a door plate, its address, the rooms below.
# Without a token only doorPlate(code:) answers, and the schema is not shown: put
# {"Authorization": "Bearer <token>"} under Headers (gridgraph token --role … mints one),
# then "Re-fetch GraphQL schema" (the ⟳ button) for completion and docs.
{
  resolveAddress(text: "南京市玄武区长江路6号1栋2单元301室") {
    status confidence reason
    address { code level fullText grid { name } doorPlate { code } }
  }
  regions(level: DISTRICT) {
    nodes { code name children(first: 3) { totalCount nodes { code name } } }
  }
}
`;
  return `<!doctype html>
<html lang="zh-CN">
<head>
  <meta charset="utf-8" />
  <title>gridgraph · GraphiQL</title>
  <link rel="stylesheet" href="${GRAPHIQL_ASSET_PATH}/graphiql.css" />
  <style>html, body, #graphiql { height: 100%; margin: 0; }</style>
</head>
<body>
  <div id="graphiql">Loading GraphiQL…</div>
  <script src="${GRAPHIQL_ASSET_PATH}/react.js"></script>
  <script src="${GRAPHIQL_ASSET_PATH}/react-dom.js"></script>
  <script src="${GRAPHIQL_ASSET_PATH}/graphiql.js"></script>
  <script>
    const fetcher = GraphiQL.createFetcher({ url: ${JSON.stringify(endpoint)} });
    ReactDOM.createRoot(document.getElementById('graphiql')).render(
      React.createElement(GraphiQL, { fetcher, defaultQuery: ${JSON.stringify(defaultQuery)} }),
    );
  </script>
</body>
</html>`;
}
