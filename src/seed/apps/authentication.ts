/**
 * Seed rules for users and groups: Django's auth tables, Pod's authentication app (owners, access groups,
 * group sites) and the REST framework's tokens, which Pod issues per user.
 */
import { EPOCH_END, EPOCH_START, randomMicros, sentence, slugify } from '../values';
import type { World } from '../world';
import { dt, DAY, djangoPassword, cut, m2m, withSites, somePairs, type RowValues, type TableRule } from '../rules';

function* authUser(w: World): Iterable<RowValues> {
  for (let u = 1; u <= w.users; u += 1) {
    const r = w.rng('auth_user', u);
    const joined = randomMicros(r, EPOCH_START - 300 * DAY, EPOCH_END - DAY);
    const cas = u > 1 && r.bool(0.6);
    const username = w.username(u);
    const email = u === 1 ? 'admin@univ-exemple.fr' : r.bool(0.1) ? '' : `${slugify(username) || 'user'}.${u}@univ-exemple.fr`;
    yield {
      id: u,
      password: cas ? `!${r.hex(40)}` : djangoPassword(r),
      last_login: r.bool(0.2) ? null : dt(randomMicros(r, joined, EPOCH_END)),
      is_superuser: u === 1 || (u <= 3 && r.bool(0.5)),
      username,
      first_name: w.firstName(u),
      last_name: w.lastName(u),
      email,
      is_staff: u <= 3 || r.bool(0.05),
      is_active: u <= 3 || r.bool(0.95),
      date_joined: dt(joined),
    };
  }
}

function* authenticationOwner(w: World): Iterable<RowValues> {
  for (let u = 1; u <= w.users; u += 1) {
    const r = w.rng('owner', u);
    yield {
      id: u,
      auth_type: r.pick(['local', 'CAS', 'Shibboleth', 'OIDC']),
      affiliation: r.pick(['student', 'employee', 'faculty', 'staff', 'member', 'affiliate', 'researcher', 'library-walk-in']),
      commentaire: r.bool(0.8) ? '' : sentence(r),
      hashkey: w.hashkey(u),
      establishment: r.pick(['', 'UNIV-A', 'IUT', 'INSA', 'École']),
      accepts_notifications: r.pick([null, true, false]),
      user_id: u,
      userpicture_id: w.fileRef(r, 'authentication_owner', 'userpicture_id', 0.7),
    };
  }
}

const GROUP_LABELS = ['Enseignants', 'Étudiants', 'Personnels BIATSS', 'Administrateurs Pod', 'Invités', 'Doctorants', 'Chercheurs'];

function* authGroup(w: World): Iterable<RowValues> {
  for (let g = 1; g <= w.groups; g += 1) {
    yield { id: g, name: g <= GROUP_LABELS.length ? GROUP_LABELS[g - 1] : `${GROUP_LABELS[g % GROUP_LABELS.length]} (${g})` };
  }
}

function* authUserGroups(w: World): Iterable<RowValues> {
  yield* m2m('user_id', 'group_id', somePairs(w, 'user-groups', w.users, w.groups, 0.6, 0, 2));
}

function* permissionPairs(w: World, name: string, parents: number, p: number, min: number, max: number): Iterable<[number, number]> {
  const perms = w.ref.permissionIds;
  if (perms.length === 0) return;
  for (const [a, k] of somePairs(w, name, parents, perms.length, p, min, max)) yield [a, perms[k - 1]];
}

function* authGroupPermissions(w: World): Iterable<RowValues> {
  yield* m2m('group_id', 'permission_id', permissionPairs(w, 'group-perms', w.groups, 1, 3, 10));
}

function* authUserUserPermissions(w: World): Iterable<RowValues> {
  yield* m2m('user_id', 'permission_id', permissionPairs(w, 'user-perms', w.users, 0.08, 1, 5));
}

function* authenticationGroupsite(w: World): Iterable<RowValues> {
  for (let g = 1; g <= w.groups; g += 1) yield { id: g, group_id: g };
}

const ACCESS_GROUP_LABELS = [
  'Étudiants L1',
  'Personnel',
  'Faculté de Médecine',
  'Promo 2024 🎓',
  'Groupe "TD A"',
  'affiliation: employee',
  'LDAP cn=staff,ou=groups,dc=univ',
  'Équipe 50% + 50%',
  'Réseau_interne',
];

function* authenticationAccessgroup(w: World): Iterable<RowValues> {
  for (let a = 1; a <= w.accessGroups; a += 1) {
    const r = w.rng('accessgroup', a);
    const label = ACCESS_GROUP_LABELS[(a - 1) % ACCESS_GROUP_LABELS.length];
    yield {
      id: a,
      display_name: cut(a <= ACCESS_GROUP_LABELS.length ? label : `${label} ${a}`, 128),
      code_name: cut(`${a}-${slugify(label) || 'groupe'}${r.bool(0.2) ? ':Ü' : ''}`, 250),
      auto_sync: r.bool(0.4),
    };
  }
}

function* authtokenToken(w: World): Iterable<RowValues> {
  for (let u = 1; u <= w.users; u += 1) {
    const r = w.rng('token', u);
    if (u > 1 && !r.bool(0.25)) continue;
    yield { key: r.hex(40), created: dt(randomMicros(r)), user_id: u };
  }
}

/** The tables of this app, with their rules. */
export const authenticationRules: Record<string, TableRule> = {
  auth_user: authUser,
  auth_group: authGroup,
  auth_user_groups: authUserGroups,
  auth_group_permissions: authGroupPermissions,
  auth_user_user_permissions: authUserUserPermissions,
  authentication_owner: authenticationOwner,
  authentication_groupsite: authenticationGroupsite,
  authentication_groupsite_sites: (w) => m2m('groupsite_id', 'site_id', withSites(w, w.groups)),
  authentication_accessgroup: authenticationAccessgroup,
  authentication_accessgroup_sites: (w) => m2m('accessgroup_id', 'site_id', withSites(w, w.accessGroups)),
  authentication_accessgroup_users: (w) =>
    m2m('accessgroup_id', 'owner_id', somePairs(w, 'accessgroup-users', Math.min(2, w.accessGroups), w.users, 1, 1, 3)),
  authentication_owner_accessgroups: (w) =>
    m2m('owner_id', 'accessgroup_id', somePairs(w, 'owner-accessgroups', w.users, w.accessGroups, 0.5, 1, 2)),
  authentication_owner_sites: (w) => m2m('owner_id', 'site_id', withSites(w, w.users)),
  authtoken_token: authtokenToken,
};
