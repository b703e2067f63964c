import { DomainError } from './domain-error';
import { createStateMachine } from './state-machine';

type Light = 'green' | 'amber' | 'red' | 'off';
type Act = 'slow' | 'stop' | 'go' | 'power-down' | 'repair';

const machine = createStateMachine<Light, Act>({
  name: 'light',
  actions: ['slow', 'stop', 'go', 'power-down', 'repair'],
  transitions: {
    green: { slow: 'amber', 'power-down': 'off' },
    amber: { stop: 'red' },
    red: { go: 'green', 'power-down': 'off' },
    off: {},
  },
});

describe('createStateMachine', () => {
  it.each([
    ['green', 'slow', 'amber'],
    ['amber', 'stop', 'red'],
    ['red', 'go', 'green'],
    ['red', 'power-down', 'off'],
  ] as const)('%s --%s--> %s', (from, action, to) => {
    expect(machine.can(from, action)).toBe(true);
    expect(machine.next(from, action)).toBe(to);
  });

  it('refuses a transition with an invalid-state DomainError naming the status and action', () => {
    let caught: unknown;
    try {
      machine.next('amber', 'go');
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(DomainError);
    expect(caught).toMatchObject({ code: 'invalid-state', details: { status: 'amber', currentStatus: 'amber', action: 'go' } });
  });

  it('says what was refused in plain English', () => {
    expect(() => machine.next('amber', 'go')).toThrow('Cannot go a light that is amber');
    const appointment = createStateMachine<'booked' | 'cancelled', 'cancel'>({
      name: 'appointment',
      actions: ['cancel'],
      transitions: { booked: { cancel: 'cancelled' }, cancelled: {} },
    });
    expect(() => appointment.next('cancelled', 'cancel')).toThrow('Cannot cancel an appointment that is cancelled');
  });

  it('lists allowed actions in declaration order and knows terminal states', () => {
    expect(machine.allowedActions('green')).toEqual(['slow', 'power-down']);
    expect(machine.allowedActions('off')).toEqual([]);
    expect(machine.isTerminal('off')).toBe(true);
    expect(machine.isTerminal('red')).toBe(false);
    expect(machine.states).toEqual(['green', 'amber', 'red', 'off']);
  });

  it('treats unknown states, unknown actions and prototype keys as refused, not as crashes', () => {
    const loose = machine as unknown as { can(f: string, a: string): boolean; allowedActions(f: string): string[] };
    expect(loose.can('purple', 'go')).toBe(false);
    expect(loose.can('green', 'fly')).toBe(false);
    expect(loose.can('toString', 'go')).toBe(false);
    expect(loose.can('green', 'toString')).toBe(false);
    expect(loose.can('__proto__', 'constructor')).toBe(false);
    expect(loose.allowedActions('purple')).toEqual([]);
    expect(() => (machine as unknown as { next(f: string, a: string): string }).next('purple', 'go')).toThrow(DomainError);
  });

  it('freezes the table so no caller can patch a rule at runtime', () => {
    expect(Object.isFrozen(machine.transitions)).toBe(true);
    expect(Object.isFrozen(machine.transitions.green)).toBe(true);
  });

  it('rejects a table that uses an undeclared action or an unknown target state', () => {
    expect(() => createStateMachine<'a' | 'b', 'x'>({ name: 't', actions: [], transitions: { a: { x: 'b' }, b: {} } })).toThrow(
      /not declared/,
    );
    expect(() => createStateMachine<'a' | 'b', 'x'>({ name: 't', actions: ['x'], transitions: { a: { x: 'c' as 'b' }, b: {} } })).toThrow(
      /unknown 'c'/,
    );
  });
});
