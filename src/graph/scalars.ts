import { GraphQLScalarType, Kind } from 'graphql';
import { badUserInput } from '../errors/gridgraph-error.js';
import { checkCreditCode } from '../identity/credit-code.js';
import { checkIdNumber } from '../identity/id-number.js';

/** `IdNumber`: checked on the way in (GB 11643), normalised (x → X). */
export const IdNumberScalar = new GraphQLScalarType({
  name: 'IdNumber',
  description: 'An 18-character resident ID number (GB 11643), check digit verified.',
  serialize: (value) => String(value),
  parseValue: (value) => parseIdNumber(value),
  parseLiteral: (ast) => parseIdNumber(ast.kind === Kind.STRING ? ast.value : undefined),
});

function parseIdNumber(value: unknown): string {
  if (typeof value !== 'string') throw badUserInput('an ID number must be a string of 18 characters');
  const check = checkIdNumber(value);
  if (!check.valid) throw badUserInput(`ID number "${value}" ${check.problem}`, { argument: 'idNumber' });
  return check.idNumber;
}

/** `CreditCode`: checked on the way in (GB 32100). */
export const CreditCodeScalar = new GraphQLScalarType({
  name: 'CreditCode',
  description: 'An 18-character unified social credit code (GB 32100), check character verified.',
  serialize: (value) => String(value),
  parseValue: (value) => parseCreditCode(value),
  parseLiteral: (ast) => parseCreditCode(ast.kind === Kind.STRING ? ast.value : undefined),
});

function parseCreditCode(value: unknown): string {
  if (typeof value !== 'string') throw badUserInput('a credit code must be a string of 18 characters');
  const check = checkCreditCode(value);
  if (!check.valid) throw badUserInput(`credit code "${value}" ${check.problem}`, { argument: 'creditCode' });
  return check.creditCode;
}
