from pas_shared.db import define_platform_tables, new_metadata
from pas_shared.roster import define_roster_tables

metadata = new_metadata()
platform = define_platform_tables(metadata)
roster = define_roster_tables(metadata)
