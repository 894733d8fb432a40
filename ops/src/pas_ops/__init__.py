"""`pas`: the operator's command-line tool (migrations, seed data, consumer replay, dead-letter
topics, KPI rebuild, remission batch export). It reads the same environment variables as the
services (PAS_<SERVICE>_DATABASE_URL, PAS_<SERVICE>_KAFKA_BOOTSTRAP, ...)."""
