from pas_remission.adapters.tables import metadata
from pas_shared.migrations import run_env

run_env(metadata)
