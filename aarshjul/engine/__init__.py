"""Pure computation over a loaded plan: workdays and holidays, expand, select, roles, check, follow-up."""
