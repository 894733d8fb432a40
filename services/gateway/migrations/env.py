from pas_gateway.adapters.tables import metadata
from pas_shared.migrations import run_env

run_env(metadata)
