"""Security service: incidents and escapes, discipline (Register F), SOP audits, officer training, searches."""
