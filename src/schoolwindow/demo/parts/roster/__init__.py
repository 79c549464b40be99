"""The demo's roster: schools, calendars and groups; pupils, families and staff; log-ins."""
