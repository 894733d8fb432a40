"""Remission service: facilities (UPT), the inmate register, and (issue 3) the release-date,
remission and integration-rights engine."""
