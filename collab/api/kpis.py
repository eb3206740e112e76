"""KPIs and impacts over JSON (routes and their OpenAPI entries live here)."""
