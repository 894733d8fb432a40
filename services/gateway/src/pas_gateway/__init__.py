"""Gateway: the one door for web and mobile frontends, access control and national KPIs."""
