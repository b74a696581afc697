import { Pool } from 'pg';

/** What the dev IdP knows about a person: read from the system of record's `identity` table. */
export interface DirectoryPerson {
  key: string;
  username: string;
  email: string | null;
  name: string;
  status: string;
}

/**
 * Read-only access to the identities, through the service's own database role. The dev IdP has
 * no user store of its own: anyone in the system of record can sign in, without a password.
 */
export class IdentityDirectory {
  private readonly pool: Pool;

  constructor(databaseUrl: string) {
    this.pool = new Pool({ connectionString: databaseUrl, max: 3 });
  }

  async byKey(key: string): Promise<DirectoryPerson | null> {
    const { rows } = await this.pool.query<DirectoryPerson>(
      'SELECT key, username, email, name, status FROM identity WHERE key = $1',
      [key],
    );
    return rows[0] ?? null;
  }

  /** A username or an email, case-insensitive (as the API maps people). */
  async byLogin(login: string): Promise<DirectoryPerson | null> {
    const { rows } = await this.pool.query<DirectoryPerson>(
      `SELECT key, username, email, name, status FROM identity
        WHERE lower(username) = lower($1) OR lower(email) = lower($1)
        ORDER BY (lower(username) = lower($1)) DESC LIMIT 1`,
      [login.trim()],
    );
    return rows[0] ?? null;
  }

  async list(limit = 200): Promise<DirectoryPerson[]> {
    const { rows } = await this.pool.query<DirectoryPerson>(
      `SELECT key, username, email, name, status FROM identity
        WHERE status <> 'terminated' ORDER BY username LIMIT $1`,
      [limit],
    );
    return rows;
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}
