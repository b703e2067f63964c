/** Where a signed-in user may go back to after signing in: a path of this app, never another site. */
export function safeNext(next: string | null): string {
  return next && /^\/(?![/\\])/.test(next) ? next : '/board';
}
