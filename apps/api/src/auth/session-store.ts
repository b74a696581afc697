import type { MikroORM } from '@mikro-orm/postgresql';
import session from 'express-session';

const DAY_MS = 24 * 3600 * 1000;

/**
 * express-session's store in PostgreSQL (`http_session`), so any API process can serve any
 * browser: nothing lives in one process's memory. Expired rows are ignored on read and deleted by
 * the SessionSweeper on a schedule (SESSION_SWEEP_INTERVAL).
 */
export class PgSessionStore extends session.Store {
  constructor(private readonly orm: MikroORM) {
    super();
  }

  private run<T>(sql: string, params: unknown[]): Promise<T[]> {
    return this.orm.em.getConnection().execute<T[]>(sql, params, 'all');
  }

  private expiry(sess: session.SessionData): Date {
    const expires = sess.cookie?.expires;
    return expires ? new Date(expires) : new Date(Date.now() + DAY_MS);
  }

  override get(sid: string, cb: (err: unknown, session?: session.SessionData | null) => void): void {
    this.run<{ sess: session.SessionData }>('SELECT sess FROM http_session WHERE sid = ? AND expires_at > now()', [sid]).then(
      (rows) => cb(null, rows[0]?.sess ?? null),
      (err) => cb(err),
    );
  }

  override set(sid: string, sess: session.SessionData, cb?: (err?: unknown) => void): void {
    this.run(
      `INSERT INTO http_session (sid, sess, expires_at) VALUES (?, ?::jsonb, ?)
       ON CONFLICT (sid) DO UPDATE SET sess = excluded.sess, expires_at = excluded.expires_at`,
      [sid, JSON.stringify(sess), this.expiry(sess)],
    ).then(
      () => cb?.(),
      (err) => cb?.(err),
    );
  }

  override destroy(sid: string, cb?: (err?: unknown) => void): void {
    this.run('DELETE FROM http_session WHERE sid = ?', [sid]).then(
      () => cb?.(),
      (err) => cb?.(err),
    );
  }

  override touch(sid: string, sess: session.SessionData, cb?: (err?: unknown) => void): void {
    this.run('UPDATE http_session SET expires_at = ? WHERE sid = ?', [this.expiry(sess), sid]).then(
      () => cb?.(),
      (err) => cb?.(err),
    );
  }
}
