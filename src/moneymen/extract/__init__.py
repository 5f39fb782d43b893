"""Reading the news: mentions, relations, events and attributed, graded claims from a report's text."""
