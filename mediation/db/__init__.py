"""The database: engine and unit of work, the event log, migrations, maintenance."""
