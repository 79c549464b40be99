"""Support for pupils and families: advocates for vulnerable learners (`advocates/`)."""
