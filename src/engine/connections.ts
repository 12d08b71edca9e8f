/** The run's database connections: each opened once, on the first step that needs it, and all closed at the end. */
import type { DatabaseConnection } from '../dialects/dialect';
import { connect } from '../dialects';
import type { ConnectionSettings } from '../dialects/url';
import { PodMigrateError } from '../errors';
import type { Database } from '../plan/step-kinds';

export class Connections {
  private readonly open = new Map<Database, Promise<DatabaseConnection>>();
  constructor(private readonly settings: { source?: ConnectionSettings; target?: ConnectionSettings }) {}
  get(role: Database, step: string): Promise<DatabaseConnection> {
    const settings = this.settings[role];
    if (!settings)
      throw new PodMigrateError(
        'USAGE',
        `step ${step} needs the ${role} database: give --${role} URL or set POD_MIGRATE_${role.toUpperCase()}`,
      );
    let connection = this.open.get(role);
    if (!connection) {
      connection = connect(settings);
      this.open.set(role, connection);
    }
    return connection;
  }
  has(role: Database): boolean {
    return this.settings[role] !== undefined;
  }
  /** Closes every connection; a failure to close never hides the run's own outcome. */
  async closeAll(): Promise<void> {
    await Promise.allSettled([...this.open.values()].map(async (connection) => (await connection.catch(() => null))?.close()));
  }
}
