// Inserts and selects through the embedded ClickHouse HTTP interface with
// ClickHouse's official JS client. Usage: node jsclient.js <url> <database>
// Prints the selected rows as JSON on success; exits 1 with the error.
const { createClient } = require('@clickhouse/client');

async function main() {
  const [url, database] = process.argv.slice(2);
  const client = createClient({ url, database, compression: { request: true, response: true } });
  try {
    const ping = await client.ping();
    if (!ping.success) throw new Error('ping failed: ' + ping.error);
    await client.command({
      query: 'CREATE TABLE js_events (id UInt64, name String, tags Array(String), at DateTime64(3)) ENGINE = MergeTree ORDER BY id',
    });
    await client.insert({
      table: 'js_events',
      values: [
        { id: 1, name: 'first', tags: ['a'], at: '2026-01-02 03:04:05.678' },
        { id: 2, name: 'ü\n\nsecond', tags: [], at: '2026-01-02 03:04:06.000' },
        { id: 3, name: 'third', tags: ['x', 'y'], at: '2026-01-02 03:04:07.000' },
      ],
      format: 'JSONEachRow',
    });
    const rs = await client.query({
      query: 'SELECT id, name, tags FROM js_events WHERE id >= {min: UInt64} ORDER BY id',
      query_params: { min: 1 },
      format: 'JSONEachRow',
    });
    const rows = await rs.json();
    let failed = false;
    try {
      await client.query({ query: 'SELECT * FROM js_no_such_table', format: 'JSONEachRow' });
    } catch (e) {
      failed = e.code === '60';
      if (!failed) throw new Error('unexpected error for a missing table: ' + JSON.stringify(e));
    }
    if (!failed) throw new Error('query on a missing table succeeded');
    console.log(JSON.stringify(rows));
  } finally {
    await client.close();
  }
}

main().catch((e) => {
  console.error(e && e.stack ? e.stack : e);
  process.exit(1);
});
