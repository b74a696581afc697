import { Autocomplete, TextField } from '@mui/material';
import { useState } from 'react';
import { useIdentitySearch, type Identity } from '../lib/catalog';

/** Search people by name, username or employee id; picks one identity. */
export function PersonPicker({
  label,
  value,
  onChange,
  helperText,
  required,
  filter,
}: {
  label: string;
  value: Identity | null;
  onChange: (p: Identity | null) => void;
  helperText?: string;
  required?: boolean;
  filter?: (p: Identity) => boolean;
}) {
  const [input, setInput] = useState('');
  const search = useIdentitySearch(input);
  const options = (search.data?.items ?? []).filter((p) => !filter || filter(p));
  return (
    <Autocomplete
      options={value && !options.some((o) => o.key === value.key) ? [value, ...options] : options}
      value={value}
      onChange={(_, v) => onChange(v)}
      inputValue={input}
      onInputChange={(_, v) => setInput(v)}
      filterOptions={(x) => x}
      getOptionLabel={(p) => `${p.name} (${p.key})${p.department ? ` · ${p.department}` : ''}`}
      isOptionEqualToValue={(a, b) => a.key === b.key}
      loading={search.isFetching}
      noOptionsText={input.trim() ? 'Nobody found' : 'Type a name or employee id'}
      renderInput={(params) => <TextField {...params} label={label} helperText={helperText} required={required} />}
    />
  );
}
