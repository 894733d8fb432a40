"""Food-audit service: vendors, deliveries, kitchens and hygiene certificates, inspections, nutrition."""
