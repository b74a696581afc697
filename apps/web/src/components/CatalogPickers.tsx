import { Autocomplete, TextField } from '@mui/material';
import { useState } from 'react';
import { useIdentitySearch, usePeopleNames, type Role, type System } from '../lib/catalog';

interface FieldProps {
  label: string;
  error?: boolean;
  helperText?: string;
  required?: boolean;
}

/**
 * People by identity key (system owners, group members), searched by name; the keys are what the
 * API stores, the names what people read. `single` keeps only the last person picked (a role owner).
 */
export function PeoplePicker({ value, onChange, single, ...field }: FieldProps & { value: string[]; onChange: (keys: string[]) => void; single?: boolean }) {
  const [input, setInput] = useState('');
  const search = useIdentitySearch(input);
  const found = search.data?.items ?? [];
  const known = usePeopleNames(value);
  const nameOf = (k: string) => found.find((p) => p.key === k)?.name ?? known[k] ?? k;
  return (
    <Autocomplete
      multiple
      options={found.map((p) => p.key)}
      value={value}
      onChange={(_, keys) => onChange(single ? keys.slice(-1) : keys)}
      inputValue={input}
      onInputChange={(_, v, reason) => reason !== 'reset' && setInput(v)}
      filterOptions={(x) => x}
      filterSelectedOptions
      getOptionLabel={(k) => `${nameOf(k)} (${k})`}
      loading={search.isFetching}
      noOptionsText={input.trim() ? 'Nobody found' : 'Type a name or employee id'}
      renderInput={(params) => <TextField {...params} {...field} required={field.required && value.length === 0} />}
    />
  );
}

export interface EntitlementRef {
  system: string;
  entitlement: string;
}

const refId = (e: EntitlementRef) => `${e.system}/${e.entitlement}`;

/** Entitlements from the catalog's systems, grouped by system, privileged ones marked. */
export function EntitlementChooser({ systems, value, onChange, ...field }: FieldProps & { systems: System[]; value: EntitlementRef[]; onChange: (v: EntitlementRef[]) => void }) {
  const options = systems.flatMap((s) => s.entitlements.map((e) => ({ system: s.key, entitlement: e.key, systemName: s.name, name: e.name, privileged: e.privileged })));
  const byId = new Map(options.map((o) => [refId(o), o]));
  const label = (e: EntitlementRef) => {
    const o = byId.get(refId(e));
    return o ? `${o.systemName}: ${o.name} (${o.entitlement})${o.privileged ? ' · privileged' : ''}` : `${e.system}: ${e.entitlement}`;
  };
  return (
    <Autocomplete
      multiple
      options={options}
      value={value.map((v) => byId.get(refId(v)) ?? { ...v, systemName: v.system, name: v.entitlement, privileged: false })}
      onChange={(_, picked) => onChange(picked.map((p) => ({ system: p.system, entitlement: p.entitlement })))}
      groupBy={(o) => o.systemName}
      getOptionLabel={label}
      isOptionEqualToValue={(a, b) => refId(a) === refId(b)}
      filterSelectedOptions
      noOptionsText="No such access in the catalog"
      renderInput={(params) => <TextField {...params} {...field} required={field.required && value.length === 0} />}
    />
  );
}

/** Roles of the catalog by key (a side of a conflict rule). */
export function RoleChooser({ roles, value, onChange, ...field }: FieldProps & { roles: Role[]; value: string[]; onChange: (keys: string[]) => void }) {
  const nameOf = (k: string) => roles.find((r) => r.key === k)?.name ?? k;
  return (
    <Autocomplete
      multiple
      options={roles.map((r) => r.key)}
      value={value}
      onChange={(_, keys) => onChange(keys)}
      getOptionLabel={(k) => `${nameOf(k)} (${k})`}
      filterSelectedOptions
      noOptionsText="No such role in the catalog"
      renderInput={(params) => <TextField {...params} {...field} />}
    />
  );
}
