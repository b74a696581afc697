import { Link } from '@mui/material';
import { Link as RouterLink } from 'react-router';

/** A person by name, linking to their record (access and why). */
export function PersonLink({ id, name }: { id: string; name?: string }) {
  return (
    <Link component={RouterLink} to={`/catalog/identities/${encodeURIComponent(id)}`}>
      {name && name !== id ? `${name} (${id})` : id}
    </Link>
  );
}
