from pas_security.adapters.tables import metadata
from pas_shared.migrations import run_env

run_env(metadata)
