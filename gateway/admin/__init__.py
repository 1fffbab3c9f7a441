"""The admin API (journeys, dead-letter queues, archive replay) and the partner's
message status lookup."""
