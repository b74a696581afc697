import { BUNDLE_VERSION } from '../catalog/io/bundle';
import { DEMO_SOD_RULES, rolesBundle, systemsBundle } from './demo-catalog';
import { demoPeople, grantDate } from './demo-people';
import { Prng } from './prng';

export { DEMO_DEPARTMENTS } from './demo-people';
export { DEMO_ROLES, DEMO_SYSTEMS } from './demo-catalog';

/**
 * The demo organisation as an import bundle (the same path as any onboarding, so it is audited):
 * 14 systems, 32 roles, 6 SoD rules, 200 people in a management hierarchy (with `admin`, the
 * bootstrap administrator) and their existing access. Deterministic: the same on every call.
 */
export function demoOrganisation() {
  const prng = new Prng(7);
  const people = demoPeople(200);
  return {
    version: BUNDLE_VERSION,
    systems: systemsBundle(),
    roles: rolesBundle(),
    sodRules: DEMO_SOD_RULES,
    identities: people.map(({ roles: _roles, ...identity }) => identity),
    access: people.flatMap((person) => [...new Set(person.roles)].map((role) => ({ identity: person.key, role, grantedAt: grantDate(prng, person.startDate) }))),
  };
}

/**
 * A larger organisation for benchmarks: the demo organisation plus `identities` people in a tree under
 * the demo executives (ten reports per manager), each holding `assignmentsPerIdentity` roles.
 */
export function generateOrganisation(opts: { identities: number; assignmentsPerIdentity: number; seed?: number }) {
  const prng = new Prng(opts.seed ?? 42);
  const base = demoOrganisation();
  const roleKeys = base.roles.map((r) => r.key).filter((k) => k !== 'workforce-base');
  const extra = opts.identities;
  const departments = [...new Set(base.identities.map((i) => i.department))];
  const generated = Array.from({ length: extra }, (_, i) => {
    const key = `G${String(i + 1).padStart(6, '0')}`;
    const manager = i < 10 ? 'E1002' : `G${String(Math.floor(i / 10)).padStart(6, '0')}`;
    return {
      key, username: `user${i + 1}`, email: `user${i + 1}@st-aldric.example`, name: `Generated Person ${i + 1}`,
      department: prng.pick(departments), title: 'Staff', manager, status: 'active' as const, startDate: '2022-03-01',
    };
  });
  const access = generated.flatMap((p) =>
    ['workforce-base', ...prng.sample(roleKeys, opts.assignmentsPerIdentity - 1)].map((role) => ({ identity: p.key, role, grantedAt: '2022-03-01T09:00:00.000Z' })),
  );
  return { ...base, identities: [...base.identities, ...generated], access: [...base.access, ...access] };
}
