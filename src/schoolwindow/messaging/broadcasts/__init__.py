"""Announcements to many families (and the head's video), under /families/broadcasts/."""
