import { Prng } from './prng';

/** Departments of the demo organisation: a head, named leads, and generated staff under the leads. */
interface Person {
  key: string;
  first: string;
  last: string;
  title: string;
  roles: string[];
}
interface DepartmentSeed {
  name: string;
  head: Person;
  reportsTo: string | null;
  leads: Person[];
  staffTitles: [title: string, roles: string[]][];
  share: number;
}

const p = (key: string, first: string, last: string, title: string, roles: string[] = []): Person => ({ key, first, last, title, roles });

export const DEMO_DEPARTMENTS: DepartmentSeed[] = [
  { name: 'Executive', head: p('E1001', 'Margaret', 'Okafor', 'Chief Executive Officer', ['executive']), reportsTo: null, share: 0,
    leads: [p('E1002', 'Daniel', 'Reyes', 'Chief Operating Officer', ['executive'])], staffTitles: [] },
  { name: 'Nursing', head: p('E1101', 'Grace', 'Lindqvist', 'Chief Nursing Officer', ['nurse-manager']), reportsTo: 'E1001', share: 30,
    leads: [p('E1102', 'Tomas', 'Novak', 'Nurse Manager, Medical Ward', ['nurse-manager', 'rn-charge']), p('E1103', 'Aisha', 'Bello', 'Nurse Manager, Surgical Ward', ['nurse-manager', 'rn-charge'])],
    staffTitles: [['Registered Nurse', ['rn-inpatient']], ['Charge Nurse', ['rn-charge', 'rn-inpatient']], ['Nursing Assistant', ['nursing-assistant']]] },
  { name: 'Medicine', head: p('E1201', 'Henrik', 'Sato', 'Chief Medical Officer', ['physician-attending']), reportsTo: 'E1001', share: 16,
    leads: [p('E1202', 'Priya', 'Raman', 'Chief of Internal Medicine', ['physician-attending']), p('E1203', 'Lucas', 'Moreau', 'Program Director, Residency', ['physician-attending'])],
    staffTitles: [['Attending Physician', ['physician-attending']], ['Resident Physician', ['physician-resident']]] },
  { name: 'Radiology', head: p('E1301', 'Yuki', 'Tanaka', 'Director of Imaging', ['radiologist']), reportsTo: 'E1002', share: 8,
    leads: [p('E1302', 'Carlos', 'Mendes', 'Lead Radiologic Technologist', ['rad-technologist', 'pacs-admin'])],
    staffTitles: [['Radiologist', ['radiologist']], ['Radiologic Technologist', ['rad-technologist']]] },
  { name: 'Laboratory', head: p('E1401', 'Fatima', 'Haddad', 'Laboratory Director', ['lab-supervisor']), reportsTo: 'E1002', share: 8,
    leads: [p('E1402', 'Owen', 'Price', 'Laboratory Supervisor', ['lab-supervisor'])],
    staffTitles: [['Medical Laboratory Technologist', ['lab-technologist']]] },
  { name: 'Clinical Informatics', head: p('E1501', 'Sofia', 'Marchetti', 'Director of Clinical Informatics', ['ehr-analyst']), reportsTo: 'E2001', share: 3,
    leads: [], staffTitles: [['EHR Analyst', ['ehr-analyst']]] },
  { name: 'Pharmacy', head: p('E1601', 'Samuel', 'Adeyemi', 'Director of Pharmacy', ['pharmacist', 'controlled-substances']), reportsTo: 'E1002', share: 8,
    leads: [p('E1602', 'Hannah', 'Kowalski', 'Pharmacy Operations Lead', ['pharmacist', 'controlled-substances']), p('E1603', 'Rafael', 'Ortiz', 'Clinical Pharmacist Lead', ['pharmacist'])],
    staffTitles: [['Pharmacist', ['pharmacist']], ['Pharmacy Technician', ['pharmacy-technician']]] },
  { name: 'Patient Access', head: p('E1701', 'Olivia', 'Brennan', 'Patient Access Manager', ['scheduler']), reportsTo: 'E1002', share: 8,
    leads: [], staffTitles: [['Patient Scheduler', ['scheduler']], ['Registrar', ['registrar']]] },
  { name: 'Revenue Cycle', head: p('E1801', 'Marcus', 'Webb', 'Revenue Cycle Director', ['billing-clerk']), reportsTo: 'E2101', share: 8,
    leads: [p('E1802', 'Elena', 'Petrova', 'Billing Supervisor', ['billing-clerk'])],
    staffTitles: [['Billing Clerk', ['billing-clerk']], ['Payments Poster', ['payments-poster']], ['Medical Coder', ['medical-coder']]] },
  { name: 'Human Resources', head: p('E1901', 'Naomi', 'Fischer', 'HR Director', ['hr-generalist']), reportsTo: 'E1001', share: 4,
    leads: [p('E1902', 'Jonas', 'Berg', 'HRIS Lead', ['hris-admin'])], staffTitles: [['HR Generalist', ['hr-generalist']]] },
  { name: 'IT', head: p('E2001', 'Ravi', 'Iyer', 'Chief Information Officer', ['it-sysadmin']), reportsTo: 'E1001', share: 6,
    leads: [p('E2002', 'Ingrid', 'Larsen', 'Infrastructure Manager', ['it-sysadmin']), p('E2003', 'Kwame', 'Mensah', 'Service Desk Lead', ['it-service-desk'])],
    staffTitles: [['Service Desk Analyst', ['it-service-desk']], ['Systems Administrator', ['it-sysadmin']]] },
  { name: 'Finance', head: p('E2101', 'Beatrice', 'Hall', 'Chief Financial Officer', ['ap-approver']), reportsTo: 'E1001', share: 5,
    leads: [p('E2102', 'Victor', 'Chen', 'Payroll Manager', ['payroll-admin'])], staffTitles: [['Accountant', ['accountant']]] },
  { name: 'Supply Chain', head: p('E2201', 'Leila', 'Farouk', 'Supply Chain Manager', ['buyer']), reportsTo: 'E1002', share: 5,
    leads: [], staffTitles: [['Buyer', ['buyer']], ['Receiving Clerk', ['receiving-clerk']]] },
];

const FIRST = ['Alex', 'Maria', 'James', 'Chen', 'Amara', 'Noah', 'Zara', 'Liam', 'Mei', 'Omar', 'Sara', 'Ivan', 'Leah', 'Mateo', 'Nia', 'Ethan', 'Ana', 'Kofi', 'Julia', 'Arjun', 'Emma', 'Hugo', 'Lina', 'Felix', 'Rosa', 'Theo', 'Ines', 'Malik', 'Clara', 'Diego'];
const LAST = ['Smith', 'Garcia', 'Nguyen', 'Kim', 'Osei', 'Muller', 'Rossi', 'Silva', 'Khan', 'Dubois', 'Jensen', 'Walsh', 'Ito', 'Costa', 'Ali', 'Novak', 'Horvat', 'Park', 'Lopez', 'Brown', 'Schmidt', 'Ahmed', 'Young', 'Moreno', 'Evans', 'Popov', 'Ward', 'Singh', 'Kaur', 'Mbeki'];

export interface PersonRow {
  key: string;
  username: string;
  email: string;
  name: string;
  department: string;
  title: string;
  manager: string | null;
  status: 'active';
  startDate: string;
  roles: string[];
}

const day = (prng: Prng, from = Date.UTC(2015, 0, 1), span = 3500) => new Date(from + prng.int(span) * 86_400_000).toISOString().slice(0, 10);

function row(prng: Prng, person: Person, department: string, manager: string | null, usernames: Set<string>): PersonRow {
  let username = `${person.first[0]}${person.last}`.toLowerCase().replace(/[^a-z0-9]/g, '');
  for (let n = 2; usernames.has(username); n++) username = `${person.first[0]}${person.last}${n}`.toLowerCase().replace(/[^a-z0-9]/g, '');
  usernames.add(username);
  return {
    key: person.key, username, email: `${username}@st-aldric.example`, name: `${person.first} ${person.last}`, department, title: person.title,
    manager, status: 'active', startDate: day(prng), roles: ['workforce-base', ...person.roles, ...(prng.next() < 0.3 ? ['remote-access'] : [])],
  };
}

/** The demo workforce: `total` people including the bootstrap admin (username `admin`). */
export function demoPeople(total = 200, seed = 20261126): PersonRow[] {
  const prng = new Prng(seed);
  const usernames = new Set<string>(['admin']);
  const out: PersonRow[] = [
    { key: 'admin', username: 'admin', email: 'admin@st-aldric.example', name: 'Service Administrator', department: 'IT', title: 'JML service administrator',
      manager: 'E2001', status: 'active', startDate: '2020-01-06', roles: ['workforce-base'] },
  ];
  for (const d of DEMO_DEPARTMENTS) {
    out.push(row(prng, d.head, d.name, d.reportsTo, usernames));
    for (const l of d.leads) out.push(row(prng, l, d.name, d.head.key, usernames));
  }
  const shares = DEMO_DEPARTMENTS.reduce((s, d) => s + d.share, 0);
  const staffTotal = total - out.length;
  let next = 3000;
  DEMO_DEPARTMENTS.forEach((d, i) => {
    const isLast = i === DEMO_DEPARTMENTS.length - 1;
    const already = out.length;
    const n = isLast ? total - already : Math.round((staffTotal * d.share) / shares);
    const managers = d.leads.length ? d.leads.map((l) => l.key) : [d.head.key];
    for (let k = 0; k < n; k++) {
      const [title, roles] = d.staffTitles.length ? prng.pick(d.staffTitles) : ['Staff', []];
      const person = p(`E${next++}`, prng.pick(FIRST), prng.pick(LAST), title, roles);
      out.push(row(prng, person, d.name, managers[k % managers.length], usernames));
    }
  });
  // Known conflicts for the detective SoD report: legacy access nobody cleaned up.
  out.find((x) => x.roles.includes('billing-clerk') && x.key.startsWith('E3'))?.roles.push('payments-poster');
  out.find((x) => x.roles.includes('receiving-clerk'))?.roles.push('buyer');
  return out.slice(0, total);
}

export function grantDate(prng: Prng, startDate: string): string {
  return `${day(prng, Date.parse(`${startDate}T00:00:00Z`), 60)}T09:00:00.000Z`;
}
