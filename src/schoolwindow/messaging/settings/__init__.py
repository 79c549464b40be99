"""A school's messaging settings (quiet hours, fallback, positive gap, nudge approver)."""
