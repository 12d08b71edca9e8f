import { createPodDatabase, DIALECTS } from './databases';

describe.each(DIALECTS)('%s test databases', (dialect) => {
  test('Pod 3.8.4 and 4.0.3 schemas load from the fixtures', async () => {
    const v3 = await createPodDatabase(dialect, '3.8.4', { data: 'initial' });
    const v4 = await createPodDatabase(dialect, '4.0.3', { data: 'createdb' });
    try {
      const [v3ct] = await v3.query('SELECT COUNT(*) AS n FROM django_content_type');
      const [v4ct] = await v4.query('SELECT COUNT(*) AS n FROM django_content_type');
      expect(Number(v3ct.n)).toBe(93);
      expect(Number(v4ct.n)).toBe(94);
    } finally {
      await v3.drop();
      await v4.drop();
    }
  });
});
