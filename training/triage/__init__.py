"""Call triage: category, routing and urgency suggestions for 110 call descriptions."""
