/**
 * The only source of "now" in domain and service code. Production uses {@link SystemClock};
 * tests use {@link FixedClock} to freeze and advance time instead of reading the wall clock.
 */
export interface Clock {
  /** Current instant in epoch milliseconds. */
  now(): number;
}

export const CLOCK = Symbol('CLOCK');

export class SystemClock implements Clock {
  now(): number {
    // eslint-disable-next-line no-restricted-syntax -- the one place the wall clock is read
    return Date.now();
  }
}

/**
 * Another clock shifted by a fixed offset: how fault tests run a process whose clock disagrees
 * with the database's and the other processes' (configured by CLOCK_OFFSET_MS, never in production).
 */
export class OffsetClock implements Clock {
  constructor(
    private readonly base: Clock,
    readonly offsetMs: number,
  ) {}

  now(): number {
    return this.base.now() + this.offsetMs;
  }
}

/** A clock tests control: frozen at a given instant until advanced. */
export class FixedClock implements Clock {
  constructor(private current: number) {}

  now(): number {
    return this.current;
  }

  set(epochMs: number): void {
    this.current = epochMs;
  }

  advance(ms: number): void {
    this.current += ms;
  }
}
