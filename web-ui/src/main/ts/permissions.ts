// What each role may do, mirroring the server's rules (SecurityConfiguration.accessRules) so a person
// sees only the buttons that work for them. The server stays the authority.

export type Role = 'admin' | 'builder' | 'operator' | 'viewer';

export type Ability =
  | 'operate-runs' // retry, cancel
  | 'replay-dead-letters' // replay, discard
  | 'switch-recipes' // enable, disable
  | 'edit-recipes' // save, restore versions
  | 'start-runs' // manual runs, replay, backfill
  | 'edit-connections'
  | 'edit-secrets'
  | 'read-audit'
  | 'manage-users';

const RULES: Record<Ability, Role[]> = {
  'operate-runs': ['admin', 'operator'],
  'replay-dead-letters': ['admin', 'operator'],
  'switch-recipes': ['admin', 'builder', 'operator'],
  'edit-recipes': ['admin', 'builder'],
  'start-runs': ['admin', 'operator'],
  'edit-connections': ['admin', 'builder'],
  'edit-secrets': ['admin', 'builder'],
  'read-audit': ['admin', 'operator'],
  'manage-users': ['admin'],
};

export function allows(roles: readonly string[], ability: Ability): boolean {
  return RULES[ability].some((role) => roles.includes(role));
}
