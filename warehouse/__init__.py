"""The DuckDB warehouse: connections, migrations, named SQL, writes and reads."""
