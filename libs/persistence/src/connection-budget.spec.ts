import fc from 'fast-check';
import { connectionBudget, ConnectionLimits } from './connection-budget';

const limits = (over: Partial<ConnectionLimits> = {}): ConnectionLimits => ({
  maxConnections: 100,
  reserved: 3,
  inUse: 40,
  roleLimit: null,
  roleInUse: 40,
  databaseLimit: null,
  databaseInUse: 40,
  ...over,
});

describe('connectionBudget', () => {
  it('leaves the reserved slots out of what the server has free', () => {
    expect(connectionBudget(limits(), 57)).toEqual({ wanted: 57, free: 57, limitedBy: 'server', fits: true });
    expect(connectionBudget(limits(), 58)).toEqual({ wanted: 58, free: 57, limitedBy: 'server', fits: false });
  });

  it("names the role's limit when it is the tightest", () => {
    expect(connectionBudget(limits({ roleLimit: 20, roleInUse: 18 }), 5)).toEqual({ wanted: 5, free: 2, limitedBy: 'role', fits: false });
  });

  it("names the database's limit when it is the tightest", () => {
    const b = connectionBudget(limits({ roleLimit: 50, roleInUse: 10, databaseLimit: 12, databaseInUse: 10 }), 2);
    expect(b).toEqual({ wanted: 2, free: 2, limitedBy: 'database', fits: true });
  });

  it('never reports fewer than 0 free (a limit lowered below what is connected)', () => {
    expect(connectionBudget(limits({ roleLimit: 5, roleInUse: 9 }), 0)).toEqual({ wanted: 0, free: 0, limitedBy: 'role', fits: true });
  });

  it('fits exactly when nothing more is wanted or every limit leaves room for it', () => {
    const maybeLimit = fc.option(fc.integer({ min: 0, max: 500 }), { nil: null });
    fc.assert(
      fc.property(
        fc.record({
          maxConnections: fc.integer({ min: 1, max: 500 }),
          reserved: fc.integer({ min: 0, max: 10 }),
          inUse: fc.integer({ min: 0, max: 500 }),
          roleLimit: maybeLimit,
          roleInUse: fc.integer({ min: 0, max: 500 }),
          databaseLimit: maybeLimit,
          databaseInUse: fc.integer({ min: 0, max: 500 }),
        }),
        fc.integer({ min: 0, max: 100 }),
        (l, wanted) => {
          const b = connectionBudget(l, wanted);
          const rooms = [l.maxConnections - l.reserved - l.inUse];
          if (l.roleLimit !== null) rooms.push(l.roleLimit - l.roleInUse);
          if (l.databaseLimit !== null) rooms.push(l.databaseLimit - l.databaseInUse);
          expect(b.free).toBe(Math.max(0, Math.min(...rooms)));
          expect(b.fits).toBe(wanted === 0 || rooms.every((room) => wanted <= room));
        },
      ),
    );
  });
});
