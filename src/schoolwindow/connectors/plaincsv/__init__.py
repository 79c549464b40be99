"""A plain CSV of pupils and their parents or carers, for schools without OneRoster."""
