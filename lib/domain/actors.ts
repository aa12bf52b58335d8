// Who made a change. Every change made through a public job link is recorded as made
// "via public link <link_id>" and shown to the operator (issue #14); the other kinds say the same
// for the operator API, the installer API and the platform itself.

export type Actor =
  | { readonly kind: 'operator'; readonly operatorId: string }
  | { readonly kind: 'installer'; readonly email: string }
  | { readonly kind: 'public_link'; readonly linkId: string }
  | { readonly kind: 'system' };

/** The words the operator reads in logs and notes: `via public link lnk_…`, `by installer a@b.c`. */
export function describeActor(actor: Actor): string {
  switch (actor.kind) {
    case 'operator':
      return 'by the operator';
    case 'installer':
      return `by installer ${actor.email}`;
    case 'public_link':
      return `via public link ${actor.linkId}`;
    case 'system':
      return 'by the platform';
  }
}

/** The JSON form used in API responses (`author`, `by`). */
export function actorView(actor: Actor): { kind: Actor['kind']; link_id?: string; email?: string; description: string } {
  return {
    kind: actor.kind,
    ...(actor.kind === 'public_link' ? { link_id: actor.linkId } : {}),
    ...(actor.kind === 'installer' ? { email: actor.email } : {}),
    description: describeActor(actor),
  };
}
