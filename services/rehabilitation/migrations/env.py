from pas_rehabilitation.adapters.tables import metadata
from pas_shared.migrations import run_env

run_env(metadata)
