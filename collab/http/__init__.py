"""What the web pages and the JSON API share: the permission hook, error shapes."""
