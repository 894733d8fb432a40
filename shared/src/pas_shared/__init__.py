"""Common library of the PAS platform services.

Infrastructure only: settings, database and unit of work, the event envelope and catalogue,
transactional outbox and relay, consumer runner, errors, logging, metrics and health.
Domain logic never lives here.
"""
