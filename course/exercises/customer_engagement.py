"""Exercises of notebook 10, Customer Engagement (Amazon SES)."""
