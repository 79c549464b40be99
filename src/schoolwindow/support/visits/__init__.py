"""Home visits: planned with two staff and the family's agreement, recorded on a phone (the form
keeps its draft when the connection drops), a concern passed to the DSL only, and an iCalendar
feed per member of staff."""
