import { describe, expect, it } from 'vitest';
import { checkCreditCode, creditCodeCheckCharacter } from '../../src/identity/credit-code.js';
import { checkIdNumber, idNumberCheckCharacter } from '../../src/identity/id-number.js';

describe('GB 11643 resident ID numbers', () => {
  it('accepts the design examples, reading birth date and gender', () => {
    expect(checkIdNumber('11010519491231002X')).toEqual({ valid: true, idNumber: '11010519491231002X', birthDate: '1949-12-31', gender: 'FEMALE' });
    expect(checkIdNumber('440524188001010014')).toMatchObject({ valid: true, birthDate: '1880-01-01', gender: 'MALE' });
  });

  it('reads a lower-case x as X', () => {
    expect(checkIdNumber('11010519491231002x')).toMatchObject({ valid: true, idNumber: '11010519491231002X' });
  });

  it('names what is wrong', () => {
    expect(checkIdNumber('36042619910102009X')).toEqual({ valid: false, problem: 'fails the check digit (expected 3)' });
    expect(checkIdNumber('110105491231002')).toMatchObject({ problem: 'is a 15-digit (first-generation) ID number; 18 characters are required' });
    expect(checkIdNumber('11010519490231002X')).toMatchObject({ problem: 'has no real birth date (19490231)' });
    expect(checkIdNumber('1101051949123100')).toMatchObject({ problem: 'must be 17 digits and a check digit or X' });
  });

  it('makes valid numbers from any 17 digits', () => {
    const first17 = '32010219900307123';
    expect(checkIdNumber(first17 + idNumberCheckCharacter(first17)).valid).toBe(true);
  });
});

describe('GB 32100 unified social credit codes', () => {
  it('accepts the design examples', () => {
    expect(checkCreditCode('91110000600037341L')).toEqual({ valid: true, creditCode: '91110000600037341L' });
    expect(checkCreditCode('91350100M000100Y43')).toEqual({ valid: true, creditCode: '91350100M000100Y43' });
  });

  it('names what is wrong', () => {
    expect(checkCreditCode('91110000600037341K')).toEqual({ valid: false, problem: 'fails the check character (expected L)' });
    expect(checkCreditCode('91110000600037341')).toMatchObject({ problem: 'must be 18 characters, has 17' });
    expect(checkCreditCode('9111000060003734IL')).toMatchObject({ problem: 'has "I", which is not in the GB 32100 alphabet' });
  });

  it('makes valid codes from any 17 characters', () => {
    const first17 = '92320102MA1XY00A0';
    expect(checkCreditCode(first17 + creditCodeCheckCharacter(first17)).valid).toBe(true);
  });
});
