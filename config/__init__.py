"""Configuration read by every layer: settings, and the bearer-token format."""
