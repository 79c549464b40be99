"""Getting copies to families: addressing and the outbox, the channels (email, SMS), replies and
bounces coming back, fallback, printed letters, quiet hours, the families we can't reach, and the
SMS webhooks (/hooks/)."""
