import express, { type Router } from 'express';
import { getDirective } from '@graphql-tools/utils';
import { type GraphQLSchema, getNamedType, isLeafType, isObjectType } from 'graphql';
import { REGISTRY_CODE } from '../registry/row-validation.js';
import { escapeHtml, sendPage } from './html.js';

/** Where a door plate's page lives: `/p/<door-plate code>`, the URL its QR code holds. */
export const RESIDENT_PAGE_PATH = '/p';

/** One GraphQL operation run as the anonymous viewer (a resident scanning a plate), through the same server and rules as /graphql. */
export type AnonymousOperation = (query: string, variables: Record<string, unknown>) => Promise<{ status: number; data?: any; errors?: readonly { message: string }[] }>;

/** A person serving the grid, as the public view shows them: every field public on their type, in schema order. */
interface PublicRecord {
  readonly [field: string]: string | null;
}

/**
 * The page's question, built from the schema's `@public` fields so that the
 * page asks exactly the anonymous view and nothing else: the plate, its
 * address, the grid's name, and the public fields of whoever serves the grid
 * (the grid workers, when a connector declares them: masked name, service
 * phone). What the view holds is decided by the SDL and the access plugin,
 * never here.
 */
export function residentQuery(schema: GraphQLSchema): string {
  const grid = schema.getType('Grid');
  const servingFields: string[] = [];
  if (isObjectType(grid)) {
    for (const field of Object.values(grid.getFields())) {
      const type = getNamedType(field.type);
      if (!isPublic(schema, field) || !isObjectType(type)) continue;
      const leaves = Object.values(type.getFields()).filter((f) => isPublic(schema, f) && isLeafType(getNamedType(f.type)) && f.args.length === 0);
      if (leaves.length > 0) servingFields.push(`${field.name} { ${leaves.map((f) => f.name).join(' ')} }`);
    }
  }
  return `query ResidentPage($code: String!) { doorPlate(code: $code) { code address { fullText grid { name ${servingFields.join(' ')} } } } }`;
}

function isPublic(schema: GraphQLSchema, field: Parameters<typeof getDirective>[1]): boolean {
  return getDirective(schema, field, 'public') !== undefined;
}

/**
 * `GET /p/:code`: the resident's page of a door plate (docs/design.md §10), a small
 * mobile-first page in Chinese with no script at all. A code that is not a
 * registry code, or not a plate of the registry, gets the same friendly 404:
 * a scan of a foreign plate learns nothing.
 */
export function residentPages(schema: GraphQLSchema, run: AnonymousOperation): Router {
  const query = residentQuery(schema);
  const router = express.Router();
  router.get('/:code', async (req, res, next) => {
    try {
      const code = req.params.code;
      if (!REGISTRY_CODE.test(code)) return notFoundPage(res);
      const answer = await run(query, { code });
      if (answer.errors !== undefined && answer.errors.length > 0) return unavailablePage(res);
      const plate = answer.data?.doorPlate;
      if (plate == null) return notFoundPage(res);
      sendPage(res, 200, { title: `门牌 ${plate.code}`, body: plateBody(plate) });
    } catch (error) {
      next(error);
    }
  });
  router.use((_req, res) => notFoundPage(res));
  return router;
}

function plateBody(plate: { code: string; address: { fullText: string; grid: ({ name: string } & Record<string, unknown>) | null } }): string {
  const grid = plate.address.grid;
  const people = grid === null ? [] : Object.values(grid).filter(Array.isArray).flat() as PublicRecord[];
  const serving = people.map((person) => `<dd>${personLine(person)}</dd>`).join('\n');
  return `<h1>门牌信息</h1>
<section>
<dl>
<dt>标准地址</dt><dd>${escapeHtml(plate.address.fullText)}</dd>
<dt>所属网格</dt><dd>${grid === null ? '暂未划入网格' : escapeHtml(grid.name)}</dd>
${people.length === 0 ? '' : `<dt>网格员</dt>\n${serving}`}
</dl>
</section>
<p class="muted">门牌编码 ${escapeHtml(plate.code)}</p>
<footer>如需帮助，请联系网格员。本页不收集任何个人信息。</footer>`;
}

/** A public record's values on one line: a value that reads as a phone number becomes a `tel:` link. */
function personLine(person: PublicRecord): string {
  return Object.values(person)
    .filter((value): value is string => typeof value === 'string' && value !== '')
    .map((value) => (PHONE.test(value) ? `<a class="tel" href="tel:${escapeHtml(value.replace(/[^\d+]/g, ''))}">☎ ${escapeHtml(value)}</a>` : escapeHtml(value)))
    .join(' ');
}

const PHONE = /^\+?[\d][\d\- ]{4,}\d$/;

function notFoundPage(res: express.Response): void {
  sendPage(res, 404, {
    title: '未找到门牌',
    body: `<h1>未找到该门牌</h1>
<section><p>这个二维码没有对应的门牌信息。请确认扫描的是本辖区的门牌二维码，或联系社区工作人员。</p></section>`,
  });
}

function unavailablePage(res: express.Response): void {
  res.set('Retry-After', '30');
  sendPage(res, 503, {
    title: '暂时无法查询',
    body: `<h1>暂时无法查询</h1>
<section><p>门牌信息暂时无法查询，请稍后再试。</p></section>`,
  });
}
