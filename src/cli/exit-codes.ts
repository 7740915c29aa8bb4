/** `gridgraph sync`'s exit code when some sources synced and others failed (README "Exit codes"). */
export const EXIT_PARTIAL_SYNC = 3;
