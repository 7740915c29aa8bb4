import { GraphQLScalarType, Kind } from 'graphql';
import { badUserInput } from '../errors/gridgraph-error.js';
import { checkCreditCode } from '../identity/credit-code.js';
import { checkIdNumber } from '../identity/id-number.js';

/**
 * A string scalar checked on the way in: the check returns the normalised value
 * or what is wrong, and a wrong value is BAD_USER_INPUT naming the problem.
 */
function checkedString(
  name: string,
  description: string,
  what: string,
  check: (value: string) => { valid: true; value: string } | { valid: false; problem: string },
): GraphQLScalarType<string, string> {
  const parse = (value: unknown): string => {
    if (typeof value !== 'string') throw badUserInput(`${what} must be a string of 18 characters`);
    const checked = check(value);
    if (!checked.valid) throw badUserInput(`${what} "${value}" ${checked.problem}`, { argument: name });
    return checked.value;
  };
  return new GraphQLScalarType<string, string>({
    name,
    description,
    serialize: (value) => String(value),
    parseValue: parse,
    parseLiteral: (ast) => parse(ast.kind === Kind.STRING ? ast.value : undefined),
  });
}

/** `IdNumber`: GB 11643, normalised (x → X). */
export const IdNumberScalar = checkedString('IdNumber', 'An 18-character resident ID number (GB 11643), check digit verified.', 'ID number', (value) => {
  const check = checkIdNumber(value);
  return check.valid ? { valid: true, value: check.idNumber } : check;
});

/** `CreditCode`: GB 32100. */
export const CreditCodeScalar = checkedString('CreditCode', 'An 18-character unified social credit code (GB 32100), check character verified.', 'credit code', (value) => {
  const check = checkCreditCode(value);
  return check.valid ? { valid: true, value: check.creditCode } : check;
});
