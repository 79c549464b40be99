"""Weekly summaries for families (nudges): preparing, approving, opting out (/families/nudges/)."""
