import type { EntityKind } from './connector.js';

/** The stages of an event's timeline (docs/design.md §2.2), in order: 上报 → 立案/签收 → 派遣 → 处置 → 核查 → 结案. */
export const EVENT_STAGES = ['reportedAt', 'registeredAt', 'dispatchedAt', 'handledAt', 'verifiedAt', 'closedAt'] as const;

/**
 * The fields an entity shares across departments. A facet field of the same
 * name feeds the shared field (first source in precedence order wins); the
 * sync copies these values into the crosswalk so disagreements between sources
 * can be found without reading the sources again.
 */
export const SHARED_FIELDS: Readonly<Record<EntityKind, readonly string[]>> = {
  PERSON: ['name', 'phone'],
  ORGANIZATION: ['name', 'kind', 'status'],
  EVENT: ['category', 'description', ...EVENT_STAGES],
  OBJECT: ['kind', 'name'],
};

/** Shared fields whose disagreement between sources is worth a steward's look. */
export const CONFLICT_FIELDS: Readonly<Record<EntityKind, readonly string[]>> = {
  PERSON: ['name', 'phone'],
  ORGANIZATION: ['name'],
  EVENT: [],
  OBJECT: [],
};
