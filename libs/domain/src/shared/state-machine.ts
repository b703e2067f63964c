import { DomainError } from './domain-error';

/**
 * A transition table: for every state, the actions it accepts and the state each one leads to.
 * A state with no outgoing actions is terminal (`{}`). Keeping the whole lifecycle in one literal
 * is the point: services ask the machine instead of scattering `if (status === ...)` checks.
 */
export type TransitionTable<S extends string, A extends string> = {
  readonly [K in S]: Readonly<Partial<Record<A, S>>>;
};

/** What {@link createStateMachine} needs: a name for error messages, every action, the table. */
export interface StateMachineDefinition<S extends string, A extends string> {
  /** Used in error messages only ("appointment", "course"). */
  readonly name: string;
  /**
   * Every action the machine knows, including ones no state currently accepts. Listed explicitly
   * so that tests can enumerate the refused pairs (state × action minus the table).
   */
  readonly actions: readonly A[];
  readonly transitions: TransitionTable<S, A>;
}

/**
 * A stateless finite-state machine over a transition table, in the spirit of Vendure's
 * `finite-state-machine.ts`, but without a current state or async hooks: our state lives in a
 * database row, so the machine only answers "may this row move, and to what?".
 */
export interface StateMachine<S extends string, A extends string> {
  readonly name: string;
  /** Every state, in table order. */
  readonly states: readonly S[];
  /** Every action, in definition order. */
  readonly actions: readonly A[];
  readonly transitions: TransitionTable<S, A>;
  /** True when `action` is allowed from `from`. Unknown states or actions are simply refused. */
  can(from: S, action: A): boolean;
  /**
   * The state `action` leads to from `from`.
   * @throws DomainError `invalid-state` with details `{status, currentStatus, action}` when refused.
   */
  next(from: S, action: A): S;
  /** Actions accepted from `from`, in definition order; empty for terminal or unknown states. */
  allowedActions(from: S): A[];
  /** True when no action leaves `from`. */
  isTerminal(from: S): boolean;
}

/** Builds a {@link StateMachine}; the table is frozen so no caller can patch a rule at runtime. */
export function createStateMachine<S extends string, A extends string>(definition: StateMachineDefinition<S, A>): StateMachine<S, A> {
  const { name, actions, transitions } = definition;
  const states = Object.keys(transitions) as S[];
  for (const state of states) {
    for (const [action, to] of Object.entries(transitions[state]) as [string, string][]) {
      // A typo in the table should fail at module load, not as a puzzling 409 in production.
      if (!actions.includes(action as A)) {
        throw new Error(`${name} machine: action '${action}' from '${state}' is not declared`);
      }
      if (!states.includes(to as S)) throw new Error(`${name} machine: '${state}' --${action}--> unknown '${to}'`);
    }
  }

  // Statuses arrive from the database and actions from callers as plain strings; own-property
  // lookups keep `toString` or `__proto__` from ever looking like a state or an action.
  const target = (from: S, action: A): S | undefined => {
    if (!Object.hasOwn(transitions, from)) return undefined;
    const row = transitions[from] as Partial<Record<A, S>>;
    return Object.hasOwn(row, action) ? row[action] : undefined;
  };

  const frozen = Object.freeze(Object.fromEntries(states.map((s) => [s, Object.freeze({ ...transitions[s] })]))) as TransitionTable<S, A>;

  return Object.freeze({
    name,
    states: Object.freeze([...states]),
    actions: Object.freeze([...actions]),
    transitions: frozen,
    can: (from: S, action: A) => target(from, action) !== undefined,
    next(from: S, action: A): S {
      const to = target(from, action);
      if (to === undefined) {
        throw new DomainError('invalid-state', `Cannot ${action} ${/^[aeiou]/i.test(name) ? 'an' : 'a'} ${name} that is ${from}`, {
          status: from,
          // The problem filter surfaces `currentStatus` to clients; `status` is kept for callers.
          currentStatus: from,
          action,
        });
      }
      return to;
    },
    allowedActions: (from: S) => actions.filter((a) => target(from, a) !== undefined),
    isTerminal: (from: S) => actions.every((a) => target(from, a) === undefined),
  });
}
