"""Rehabilitation service: programmes, risk assessments, products, permits, sales, PNBP and premi."""
