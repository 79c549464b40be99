"""The parent's home: one child at a time, composed from what every app registers on core's
`PARENT_HOME` and `PARENT_WAITING` slots."""
