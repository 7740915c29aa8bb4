import { describe, expect, it } from 'vitest';
import { currentDeadline, timeLeft, withDeadline } from '../../src/db/deadline.js';

describe('deadlines through the async context', () => {
  it('is absent outside withDeadline, so nothing is bounded there', () => {
    expect(currentDeadline()).toBeUndefined();
    expect(timeLeft()).toBeUndefined();
    expect(timeLeft(500)).toBe(500);
  });

  it('reaches code after awaits and timers started inside', async () => {
    const seen = await withDeadline(5_000_000_000_000, async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      return currentDeadline();
    });
    expect(seen).toBe(5_000_000_000_000);
  });

  it('keeps the earlier of an enclosing and an inner deadline', () => {
    expect(withDeadline(2_000, () => withDeadline(9_000, currentDeadline))).toBe(2_000);
    expect(withDeadline(9_000, () => withDeadline(2_000, currentDeadline))).toBe(2_000);
  });

  it('says a passed deadline has no time left, and caps a limit by the time left', () => {
    expect(withDeadline(Date.now() - 1, () => timeLeft(1_000))).toBeLessThanOrEqual(0);
    expect(withDeadline(Date.now() + 60_000, () => timeLeft(1_000))).toBe(1_000);
  });
});
