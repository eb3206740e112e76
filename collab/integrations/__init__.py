"""What collab tells the systems and calendars people already use: signed outgoing webhooks
and private iCalendar feeds of their due dates."""
