/** gridgraph's error taxonomy: every error a client sees carries one of these in `extensions.code`. */
export const ErrorCode = {
  /** The request names something malformed: an ID number, a code, a cursor, a file row. */
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  /** No valid token where one is required. HTTP 401. */
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  /** The caller may not see this field or do this. */
  FORBIDDEN: 'FORBIDDEN',
  /** The named thing does not exist (or is outside the caller's scope). */
  NOT_FOUND: 'NOT_FOUND',
  /** A department source did not answer in time. */
  SOURCE_UNAVAILABLE: 'SOURCE_UNAVAILABLE',
  /** Anything unexpected; details stay in the server log. */
  INTERNAL: 'INTERNAL',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];
