"""Conversations with families: messages and replies in the app, the inboxes, the read link,
the contact log, adding staff, and a pupil's messages panel (/messages/)."""
