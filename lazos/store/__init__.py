"""The store: schema and migrations, validation of data packages, atomic builds, history."""
