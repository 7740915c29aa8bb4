import type { Connector } from '../src/connectors/connector.js';
import { police } from './police/index.js';

/**
 * The connectors this installation serves: the one list the engine is given.
 * A new source is a new folder here and one line below.
 */
export const connectors: readonly Connector[] = [police];
