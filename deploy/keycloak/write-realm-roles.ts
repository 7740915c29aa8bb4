// `npm run realm-roles`: the realm export's roles from the installed connectors (src/access/roles.ts).
import { writeRealmRoles } from '../../src/auth/realm-roles.js';

const file = new URL('./realm-export.json', import.meta.url).pathname;
console.log(writeRealmRoles(file) ? `${file}: realm roles rewritten` : `${file}: realm roles already match the installed connectors`);
