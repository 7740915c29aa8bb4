import type { Connector } from '../src/connectors/connector.js';
import { cityManagement } from './city-management/index.js';
import { civilAffairs } from './civil-affairs/index.js';
import { governance } from './governance/index.js';
import { marketRegulation } from './market-regulation/index.js';
import { police } from './police/index.js';

/**
 * The connectors this installation serves: the one list the engine is given.
 * The order is the precedence for shared fields (a person's name comes from
 * the police register first). A new source is a new folder and one line here.
 */
export const connectors: readonly Connector[] = [police, civilAffairs, governance, cityManagement, marketRegulation];
