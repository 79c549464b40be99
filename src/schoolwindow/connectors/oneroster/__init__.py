"""OneRoster 1.1 and 1.2 CSV rosters → schools, calendars, classes, people and enrolments."""
